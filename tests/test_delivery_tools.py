"""The editor's send page, its preview and test send, live status, and the command line."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from atlas.delivery import engine
from atlas.delivery.models import Send
from atlas.members.models import Newsletter
from atlas.publishing.models import Post
from tests.factories import newsletter_subscribers, run_send


@pytest.fixture
def story(make_post: Any) -> Any:
    return make_post("Election night, explained", body="The count went late.")


def test_editor_previews_tests_and_sends(
    editor_client: Client, story: Any, newsletter: Newsletter, mailbox: Any
) -> None:
    newsletter_subscribers(2, newsletter)
    page = editor_client.get(f"/admin/delivery/send/new/?post={story.pk}")
    assert page.status_code == 200 and b"Mobile (375 px)" in page.content
    preview = editor_client.get(f"/admin/delivery/send/preview/{story.pk}/")
    assert b"The count went late." in preview.content and b"#unsubscribe" in preview.content

    form = {
        "post": story.pk,
        "newsletters": [newsletter.pk],
        "audience": "all",
        "mode": "web_and_email",
    }
    tested = editor_client.post(
        "/admin/delivery/send/new/", {**form, "test_addresses": "me@example.org", "test": "1"}
    )
    assert tested.status_code == 302
    assert Send.objects.get().is_test

    sent = editor_client.post("/admin/delivery/send/new/", form)
    assert sent.status_code == 302
    send = Send.objects.get(is_test=False)
    run_send(send)
    status = editor_client.get(f"/admin/delivery/send/{send.pk}/change/").content.decode()
    assert "Done" in status and "<td>2</td>" in status


def test_sending_twice_is_refused_with_a_clear_message(
    editor_client: Client, story: Any, newsletter: Newsletter
) -> None:
    form = {
        "post": story.pk,
        "newsletters": [newsletter.pk],
        "audience": "all",
        "mode": "web_and_email",
    }
    editor_client.post("/admin/delivery/send/new/", form)
    again = editor_client.post("/admin/delivery/send/new/", form)
    assert again.status_code == 200 and b"already been sent" in again.content


def test_post_page_links_to_sending(editor_client: Client, story: Any) -> None:
    html = editor_client.get(f"/admin/publishing/post/{story.pk}/change/").content.decode()
    assert f"/newsroom/sends/new/?post={story.pk}" in html


def test_send_post_and_send_status_commands(
    story: Any, newsletter: Newsletter, mailbox: Any
) -> None:
    newsletter_subscribers(3, newsletter)
    output = io.StringIO()
    call_command("send_post", story.slug, "--newsletter", "newsletter", stdout=output)
    assert "starts now" in output.getvalue()
    send = Send.objects.get()
    run_send(send)
    status = io.StringIO()
    call_command("send_status", str(send.pk), "--once", stdout=status)
    assert "total 3  sent 3" in status.getvalue()


def test_send_post_test_to(story: Any, mailbox: Any, db: Any) -> None:

    call_command("send_post", story.slug, "--test-to", "desk@example.org", stdout=io.StringIO())
    engine.deliver_batch(Send.objects.get().batches.get().pk)
    assert mailbox.messages[0].recipients == ["desk@example.org"]


@pytest.mark.parametrize(
    ("arguments", "message"),
    [(["no-such-post"], "No post"), (["{slug}", "--newsletter", "nope"], "Unknown newsletter")],
)
def test_send_post_explains_bad_input(story: Any, arguments: list[str], message: str) -> None:
    with pytest.raises(CommandError, match=message):
        call_command("send_post", *[a.format(slug=story.slug) for a in arguments])


def test_dkim_keygen_prints_records_and_keeps_keys_private(tmp_path: Any, db: Any) -> None:
    output = io.StringIO()
    call_command(
        "dkim_keygen", "--domain", "news.example.org", "--dir", str(tmp_path), stdout=output
    )
    printed = output.getvalue()
    assert 'atlas._domainkey.news.example.org. IN TXT "v=DKIM1; k=rsa; p=' in printed
    assert 'atlas-ed._domainkey.news.example.org. IN TXT "v=DKIM1; k=ed25519; p=' in printed
    keys = sorted(path.name for path in tmp_path.iterdir())
    assert keys == ["atlas-ed.ed25519.pem", "atlas.rsa.pem"]
    assert all(oct(path.stat().st_mode)[-3:] == "600" for path in tmp_path.iterdir())


def test_email_only_keeps_a_draft_off_the_website(
    editor_client: Client, make_post: Any, newsletter: Newsletter, mailbox: Any
) -> None:

    draft = make_post("Subscribers only", status=Post.Status.DRAFT, published_at=None)
    newsletter_subscribers(1, newsletter)
    form = {"post": draft.pk, "newsletters": [newsletter.pk], "audience": "all"}
    editor_client.post("/admin/delivery/send/new/", {**form, "mode": "email_only"})
    run_send(Send.objects.get())
    draft.refresh_from_db()
    assert draft.status == Post.Status.DRAFT
    assert "View in your browser" not in mailbox.messages[0].html
    assert Client().get(draft.get_absolute_url()).status_code == 404


def test_web_and_email_publishes_a_draft_then_sends(
    editor_client: Client, make_post: Any, newsletter: Newsletter, mailbox: Any
) -> None:

    draft = make_post("Everyone's story", status=Post.Status.DRAFT, published_at=None)
    newsletter_subscribers(1, newsletter)
    form = {"post": draft.pk, "newsletters": [newsletter.pk], "audience": "all"}
    editor_client.post("/admin/delivery/send/new/", {**form, "mode": "web_and_email"})
    run_send(Send.objects.get())
    draft.refresh_from_db()
    assert draft.status == Post.Status.PUBLISHED
    assert "View in your browser" in mailbox.messages[0].html
