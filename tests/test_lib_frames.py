"""An article's frame (atlas/lib/frames.py) is kept once per content version, and each reader's
page is exactly what rendering it whole gives them: their own header, sponsors, paywall,
discussion and CSRF token, never anything of the reader who asked first."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.template import Context
from django.test import Client, RequestFactory

from atlas.discussions.models import CommentingBan
from atlas.lib import fragments, frames
from atlas.members.models import Member
from atlas.members.services import user_for
from atlas.publishing.models import Post
from tests.factories import add_comment, client_for, visitor

TOKEN = re.compile(r'(name="csrfmiddlewaretoken" value=")[^"]+(")')


def kept_frames() -> list[tuple[Any, ...]]:
    return [key for key in fragments._state[1] if key[0] == "frame"]


def same_bytes(html: str) -> str:
    """The page with its CSRF tokens (a new mask on every page, by design) blanked."""
    return TOKEN.sub(r"\1-\2", html)


def whole(client: Client, url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """The page as rendering the whole template gives it (no frame)."""
    with monkeypatch.context() as patched:
        patched.setattr(frames, "_frame", lambda *arguments: None)
        fragments.forget()
        return client.get(url).text


def paid_member(make_member: Any) -> Member:
    return make_member("Paula Payer", email="paula@example.org", tier=Member.Tier.PAID)


@pytest.mark.parametrize("reader", ["visitor", "member", "paid member", "banned member"])
@pytest.mark.parametrize("visibility", [Post.Visibility.PUBLIC, Post.Visibility.PAID])
def test_a_framed_article_is_what_the_whole_template_renders_for_each_reader(
    reader: str,
    visibility: str,
    make_post: Any,
    make_member: Any,
    make_campaign: Any,
    subscriber: Member,
    other_subscriber: Member,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from tests.conftest import LONG_BODY

    make_campaign(headline="Bikes for the ferry crossing")
    post = make_post("Ferry fares rise again", body=LONG_BODY, visibility=visibility)
    add_comment(other_subscriber, post, "Omar's **first** comment.")
    member = {
        "visitor": None,
        "member": subscriber,
        "paid member": paid_member(make_member),
        "banned member": make_member("Bea Banned", email="bea@example.org"),
    }[reader]
    if reader == "banned member":
        CommentingBan.objects.create(member=member, reason="Spam")
    client = visitor() if member is None else client_for(member)
    url = post.get_absolute_url()
    framed, again = client.get(url).text, client.get(url).text
    assert kept_frames()  # the second page came from the kept frame
    expected = whole(client, url, monkeypatch)
    assert same_bytes(framed) == same_bytes(expected) == same_bytes(again)


def test_nothing_of_the_first_reader_reaches_the_next(
    article: Post, make_member: Any, make_campaign: Any
) -> None:
    make_campaign(headline="Bikes for the ferry crossing")
    zoe = make_member("Zoë Ångström", email="zoe.angstrom@example.org")
    omar = make_member("Omar Other", email="omar@example.org")
    payer = paid_member(make_member)
    first = client_for(zoe).get(article.get_absolute_url()).text
    assert "Zoë Ångström" in first and "Bikes for the ferry crossing" in first
    pages = {
        "omar": client_for(omar).get(article.get_absolute_url()).text,
        "payer": client_for(payer).get(article.get_absolute_url()).text,
        "visitor": visitor().get(article.get_absolute_url()).text,
    }
    for html in pages.values():
        assert "Zoë" not in html and "zoe.angstrom" not in html
    assert "You comment as <strong>Omar Other</strong>" in pages["omar"]
    assert "Bikes for the ferry crossing" in pages["omar"]
    assert "Bikes for the ferry crossing" not in pages["payer"]  # paid members see no sponsors
    assert ">Account</a>" in pages["omar"] and ">Sign in</a>" not in pages["omar"]
    assert ">Sign in</a>" in pages["visitor"] and ">Account</a>" not in pages["visitor"]
    assert len({key[-2] for key in kept_frames()}) == 2  # one frame signed in, one not


def test_each_framed_page_has_its_own_csrf_token_and_the_comment_posts_with_it(
    article: Post, subscriber: Member
) -> None:
    client = client_for(subscriber)
    client.handler.enforce_csrf_checks = True
    tokens = [TOKEN.search(client.get(article.get_absolute_url()).text).group(0) for _ in range(2)]
    assert tokens[0] != tokens[1] and frames.CSRF_MARK not in "".join(tokens)
    token = re.search(r'value="([^"]+)"', tokens[1]).group(1)
    url = f"{article.get_absolute_url()}comments/"
    fields = {"body": "Posted from a framed page.", "parent": "", "csrfmiddlewaretoken": token}
    assert client.post(url, fields).status_code == 302
    after = client.get(article.get_absolute_url()).text
    assert "Posted from a framed page." in after and 'class="discussion-messages"' in after
    assert 'class="discussion-messages"' not in client.get(article.get_absolute_url()).text


def test_a_change_to_the_post_shows_on_the_next_framed_page(
    article: Post, subscriber: Member, django_capture_on_commit_callbacks: Any
) -> None:
    from atlas.publishing import services

    client = client_for(subscriber)
    assert "Harbour dredging plan" in client.get(article.get_absolute_url()).text
    with django_capture_on_commit_callbacks(execute=True):
        article.title = "Harbour dredging plan approved"
        services.save_post(article)
    assert "Harbour dredging plan approved" in client.get(article.get_absolute_url()).text


def test_a_frame_is_drawn_with_a_stand_in_for_the_reader(db: Any, settings: Any) -> None:
    """Whoever asks first, the frame sees a reader who is signed in and nothing else; the CSRF
    token outside any slot is each request's own."""
    engine = dict(settings.TEMPLATES[0], APP_DIRS=False)
    source = "[{{ user.email }}|{{ user.is_authenticated }}|{{ user.is_staff }}]{% csrf_token %}"
    engine["OPTIONS"] = dict(
        engine["OPTIONS"],
        loaders=[("django.template.loaders.locmem.Loader", {"frame.html": source})],
    )
    settings.TEMPLATES = [engine]
    pages = []
    for number in (1, 2):
        member = Member.objects.create(email=f"staff{number}@example.org", name="Sam Staff")
        user = user_for(member)
        user.is_staff = True
        request = RequestFactory().get("/")
        request.user = user
        request.session = {}
        pages.append(frames.render(request, "frame.html", {}, ("test",)).content.decode())
    assert len(kept_frames()) == 1
    for html in pages:
        assert html.startswith("[|True|False]") and "staff" not in html
        assert frames.CSRF_MARK not in html and TOKEN.search(html)
    assert TOKEN.search(pages[0]).group(0) != TOKEN.search(pages[1]).group(0)


def test_a_slot_in_a_loop_leaves_the_page_rendered_whole() -> None:
    framing = frames.Framing()
    framing.mark("discussion", Context({"forloop": {"counter": 1}}))
    assert not framing.usable


def test_the_csrf_token_unmasks_to_the_cookie_s_secret_under_a_new_mask_each_time() -> None:
    from django.middleware.csrf import CSRF_ALLOWED_CHARS, _unmask_cipher_token

    request = RequestFactory().get("/")
    secret = "aZ09" * 8
    request.META["CSRF_COOKIE"] = secret
    tokens = [frames.csrf_token(request) for _ in range(2000)]
    assert request.META["CSRF_COOKIE_NEEDS_UPDATE"] is True  # the cookie is sent again
    assert {_unmask_cipher_token(token) for token in tokens} == {secret}
    assert len(set(tokens)) == len(tokens) and {len(token) for token in tokens} == {64}
    masks = "".join(token[:32] for token in tokens)
    assert set(masks) == set(CSRF_ALLOWED_CHARS)  # every character drawn, none other
    # Uniform: each of the 62 characters about 64,000 / 62 = 1,032 times (no byte-modulo bias,
    # which would give the first eight ~4% more).
    counts = [masks.count(char) for char in CSRF_ALLOWED_CHARS]
    assert max(counts) < 1032 * 1.15 and min(counts) > 1032 * 0.85
    first_eight = sum(counts[:8]) / 8
    rest = sum(counts[8:]) / 54
    assert abs(first_eight / rest - 1) < 0.05


def test_without_a_csrf_cookie_the_token_comes_with_a_new_one() -> None:
    from django.middleware.csrf import _unmask_cipher_token

    request = RequestFactory().get("/")
    token = frames.csrf_token(request)
    assert _unmask_cipher_token(token) == request.META["CSRF_COOKIE"]
