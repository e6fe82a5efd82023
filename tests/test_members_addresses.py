"""Internationalised addresses (RFC 6531): one stored form, clear refusals, text inputs."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.forms import modelform_factory
from django.test import Client
from hypothesis import given, settings
from hypothesis import strategies as st

from atlas.demo.readers import create_readers
from atlas.members.addresses import display_address, normalize_email, normalize_email_fully
from atlas.members.import_runs import run_import
from atlas.members.importing import import_members
from atlas.members.links import create_link
from atlas.members.models import EmailLink, Member, MemberImport, OutboundEmail
from tests.factories import client_for

SAME_ORIGIN = {"Origin": "http://testserver"}


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("Tomás.Ito@Example.org", "Tomás.Ito@example.org"),
        ("toma\u0301s@example.org", "tomás@example.org"),  # decomposed accent, composed (NFC)
        ("leser@MÜNCHEN.example", "leser@xn--mnchen-3ya.example"),
        ("leser@xn--mnchen-3ya.example", "leser@xn--mnchen-3ya.example"),
        ("用户@例子.广告", "用户@xn--fsqu00a.xn--4rr70v"),
        ("δοκιμή@παράδειγμα.δοκιμή", "δοκιμή@xn--hxajbheg2az3al.xn--jxalpdlp"),
        ("straße@faß.example", "straße@xn--fa-hia.example"),  # IDNA 2008: ß stays ß
        ("  reader@example.org ", "reader@example.org"),
    ],
)
def test_addresses_have_one_stored_form(db: Any, typed: str, stored: str) -> None:
    assert normalize_email(typed) == stored


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("tomás\u200b@example.org", r"U\+200B"),  # zero-width space
        ("tomás\u202e@example.org", r"U\+202E"),  # right-to-left override
        ("tomás ito@example.org", "valid email address"),
        ("tomás@", "valid email address"),
        ("tomás@exa mple.org", "valid email address"),
        ("tomás@-münchen.example", "not a valid domain"),
        ("leser@xn--zz.example", "not a valid domain"),
        ("é" * 33 + "@example.org", "at most 64 bytes"),
        ("tomás..ito@example.org", "valid email address"),
    ],
)
def test_invalid_addresses_are_refused_with_a_reason(db: Any, typed: str, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        normalize_email(typed)


def test_the_same_reader_typed_two_ways_is_one_member(client: Client, db: Any) -> None:
    response = client.post("/subscribe/", {"email": "Tomás@München.example"}, headers=SAME_ORIGIN)
    assert "<strong>Tomás@münchen.example</strong>" in response.content.decode()  # as they read it
    client.post("/subscribe/", {"email": "toma\u0301s@xn--mnchen-3ya.example"}, headers=SAME_ORIGIN)
    member = Member.objects.get()
    assert member.email == "Tomás@xn--mnchen-3ya.example"
    assert display_address(member.email) == "Tomás@münchen.example"


def test_reader_forms_use_text_inputs_for_addresses(client: Client, db: Any) -> None:
    for path in ("/subscribe/", "/signin/"):
        page = client.get(path).content.decode()
        assert 'type="email"' not in page, path
        assert 'inputmode="email"' in page, path


def test_a_refused_address_is_shown_back_with_the_reason(client: Client, db: Any) -> None:
    response = client.post("/subscribe/", {"email": "tomás\u200b@example.org"}, headers=SAME_ORIGIN)
    page = response.content.decode()
    assert response.status_code == 400 and "U+200B" in page
    assert not Member.objects.exists()


def test_a_member_changes_to_an_international_address(db: Any) -> None:
    member = Member.objects.create(email="léa@xn--bcher-kva.example", status="active")
    client = Client()
    client.post(f"/signin/{create_link(member, EmailLink.Purpose.SIGN_IN)}/")
    page = client.get("/account/").content.decode()
    assert 'inputmode="email"' in page and "léa@bücher.example" in page
    response = client.post("/account/email/", {"email": "tomás@münchen.example"})
    assert b"Check your inbox" in response.content
    queued = OutboundEmail.objects.get(template="members/email/change_email")
    assert queued.to == "tomás@xn--mnchen-3ya.example"


def test_model_forms_accept_an_international_address(db: Any) -> None:
    form_class = modelform_factory(Member, fields=["email", "status", "tier"])  # as the admin does
    form = form_class({"email": "zoë@bücher.example", "status": "active", "tier": "free"})
    assert form.is_valid(), form.errors
    assert form.save().email == "zoë@xn--bcher-kva.example"
    assert 'inputmode="email"' in str(form["email"])
    refused = form_class({"email": "zoë\u200b@example.org", "status": "active", "tier": "free"})
    assert not refused.is_valid() and "U+200B" in str(refused.errors)


def test_imports_take_international_addresses(editor_client: Client) -> None:
    report = import_members(io.StringIO("email\nzoë@bücher.example\nbad\u200b@x.example\n"))
    assert report.created == 1 and report.error_count == 1
    text = "email,name\nδοκιμή@παράδειγμα.δοκιμή,Eleni\n"  # noqa: RUF001
    editor_client.post("/newsroom/members/import/", {
        "file": SimpleUploadedFile("list.csv", text.encode(), "text/csv"),
    })  # fmt: skip
    member_import = MemberImport.objects.get()
    run_import(member_import.pk)
    editor_client.post(
        f"/newsroom/members/import/{member_import.pk}/decide/", {"action": "confirm"}
    )
    run_import(member_import.pk)
    assert Member.objects.filter(email="δοκιμή@xn--hxajbheg2az3al.xn--jxalpdlp").exists()


def test_the_demo_has_international_readers(db: Any) -> None:
    create_readers(count=60)
    addresses = list(Member.objects.values_list("email", flat=True))
    assert any(not address.split("@")[0].isascii() for address in addresses)
    assert any(address.endswith("@xn--mnchen-3ya.example") for address in addresses)
    assert all(normalize_email(address) == address for address in addresses)


def _outcome(normalize: Any, typed: str) -> tuple[str, str]:
    try:
        return ("stored", normalize(typed))
    except ValidationError as error:
        return ("refused", " ".join(error.messages))


@settings(max_examples=400, deadline=None)
@given(
    st.one_of(
        st.from_regex(r"\A[a-zA-Z0-9._%+'=-]{0,70}@[a-zA-Z0-9.-]{0,70}\Z"),
        st.from_regex(r"\A[a-z0-9]{1,66}@(xn--[a-z0-9]{1,10}|[a-z0-9-]{1,64})\.[a-z0-9-]{1,64}\Z"),
        st.text(alphabet=st.characters(max_codepoint=0x7F), max_size=80),
    )
)
def test_the_fast_path_for_plain_addresses_agrees_with_the_full_check(typed: str) -> None:
    assert _outcome(normalize_email, typed) == _outcome(normalize_email_fully, typed)


def test_the_sign_in_pages_show_an_international_address_as_typed(make_member: Any) -> None:
    member = make_member("Eli Lund", email="eli@münchen.example")
    client = Client()
    page = client.post("/signin/", {"email": "eli@münchen.example"}).content.decode()
    assert "eli@münchen.example" in page and "xn--" not in page
    signed_in = client_for(member)
    page = signed_in.get("/signin/").content.decode()
    assert "eli@münchen.example" in page and "xn--" not in page
