"""Every email's headers come from one builder: a Message-ID always, and for a list's mail the
List-Id, List-Unsubscribe with RFC 8058 one-click and Precedence: bulk."""

from __future__ import annotations

import pytest

from atlas.lib.email import (
    UnsafeHeaderValue,
    build_message,
    encoded_header,
    header_text,
    message_headers,
)


def test_a_transactional_message_has_an_id_and_nothing_of_a_list() -> None:
    assert message_headers("<a@example.org>") == [("Message-ID", "<a@example.org>")]


def test_a_newsletter_says_which_list_it_is_and_how_to_leave_in_one_click() -> None:
    headers = message_headers(
        "<b@example.org>",
        list_id="Weekly <newsletter-1.example.org>",
        unsubscribe_url="https://example.org/unsubscribe/t/",
        unsubscribe_mailto="unsubscribe@example.org?subject=unsubscribe",
        bulk=True,
    )
    assert headers == [
        ("Message-ID", "<b@example.org>"),
        ("List-Id", "Weekly <newsletter-1.example.org>"),
        (
            "List-Unsubscribe",
            "<mailto:unsubscribe@example.org?subject=unsubscribe>, "
            "<https://example.org/unsubscribe/t/>",
        ),
        ("List-Unsubscribe-Post", "List-Unsubscribe=One-Click"),
        ("Precedence", "bulk"),
    ]


def test_a_mailto_alone_offers_no_one_click() -> None:
    headers = dict(message_headers("<c@example.org>", unsubscribe_mailto="u@example.org"))
    assert headers["List-Unsubscribe"] == "<mailto:u@example.org>"
    assert "List-Unsubscribe-Post" not in headers


def test_typed_values_lose_line_breaks_and_non_ascii_is_encoded() -> None:
    assert header_text("Tomás\r\nBcc: someone@example.org") == "Tomás Bcc: someone@example.org"
    assert encoded_header("Le café du matin").startswith("=?utf-8?")


def test_build_message_refuses_a_header_injection(db: object) -> None:
    with pytest.raises(UnsafeHeaderValue):
        build_message(
            "members/email/sign_in",
            {"link_url": "https://example.org/"},
            to="reader@example.org\r\nBcc: x@example.org",
            from_email="Atlas <newsroom@example.org>",
        )
