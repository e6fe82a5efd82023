"""What an uncached page costs to render: no template lookup that fails (each raises and catches
an exception), whoever reads it."""

from __future__ import annotations

from typing import Any

import pytest
from django.template import base
from django.test import Client

from atlas.members.models import Member
from tests.factories import client_for


@pytest.fixture
def failed_lookups(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    failed: list[str] = []
    original = base.VariableDoesNotExist.__init__

    def counting(self: Any, message: str, params: tuple[Any, ...] = ()) -> None:
        failed.append(message % tuple(str(param)[:60] for param in params))
        original(self, message, params)

    monkeypatch.setattr(base.VariableDoesNotExist, "__init__", counting)
    return failed


@pytest.mark.parametrize("reader", ["anonymous", "member"])
def test_reader_pages_render_without_failed_lookups(
    client: Client,
    make_post: Any,
    tag: Any,
    subscriber: Member,
    failed_lookups: list[str],
    reader: str,
) -> None:
    post = make_post(tags=[tag])
    browser = client if reader == "anonymous" else client_for(subscriber)
    for path in (post.get_absolute_url(), "/", "/posts/", "/tags/trade/"):
        assert browser.get(path).status_code == 200
        assert failed_lookups == [], path


def test_the_subscribe_box_names_the_page_it_is_on(client: Client, make_post: Any) -> None:
    make_post()
    html = client.get("/").content.decode()
    assert '<input type="hidden" name="page" value="/">' in html
