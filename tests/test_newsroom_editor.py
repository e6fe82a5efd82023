"""The writing desk without a browser: plain-form Save, Preview and Publish, autosave with
version checks, roles, uploads, times in the publication's zone, panels and corrections."""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime
from typing import Any

import pytest
from django.contrib.auth.models import Group, User
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone
from PIL import Image

from atlas.delivery.models import Send
from atlas.lib import pagecache
from atlas.members.models import Member, Newsletter, Subscription
from atlas.newsroom import editor_presence
from atlas.publishing import services
from atlas.publishing.models import Author, Correction, Post, Publication, Revision, Tag
from atlas.sponsors.models import SponsorshipOptOut


def jpeg(name: str = "quay.jpg", size: tuple[int, int] = (1000, 600)) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, (20, 90, 160)).save(buffer, "JPEG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def form(post: Post | None = None, **fields: Any) -> dict[str, Any]:
    """What the editor page posts."""
    data = {
        "title": post.title if post else "Harbour reopens",
        "subtitle": post.subtitle if post else "",
        "body": post.body if post else "The first ships came in at dawn.",
        "visibility": Post.Visibility.PUBLIC,
        "slug": post.slug if post else "",
        "tags": "",
        "authors": ", ".join(author.name for author in post.authors.all()) if post else "",
        "base_version": post.version if post else "",
    }
    return {**data, **fields}


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def second_editor(db: Any) -> User:
    user = User.objects.create_user(
        "kofi", "kofi@example.org", first_name="Kofi", last_name="Mensah"
    )
    user.is_staff = True
    user.save()
    user.groups.add(Group.objects.get(name="Editor"))
    return user


# Plain forms ----------


def test_a_new_post_is_saved_by_the_plain_form_with_its_writer_as_author(
    editor: User, editor_client: Client
) -> None:
    editor.first_name, editor.last_name = "Inês", "Duarte"
    editor.save()
    page = editor_client.get("/newsroom/posts/new/").content.decode()
    assert 'value="Inês Duarte"' in page  # the writer is the default author
    response = editor_client.post(
        "/newsroom/posts/new/", form(authors="Inês Duarte", tags="Harbours", action="save")
    )
    post = Post.objects.get()
    assert response["Location"] == f"/newsroom/posts/{post.pk}/"
    assert [author.name for author in post.authors.all()] == ["Inês Duarte"]
    assert Author.objects.get(user=editor).slug == "inês-duarte"  # made from their name
    assert [tag.name for tag in post.tags.all()] == ["Harbours"]  # typed, created
    assert post.status == Post.Status.DRAFT and post.created_by == editor


def test_preview_without_javascript_saves_then_shows_the_real_article(
    editor_client: Client,
) -> None:
    response = editor_client.post(
        "/newsroom/posts/new/",
        form(body="## A heading\n\nText.[^1]\n\n[^1]: A note.", action="preview"),
    )
    post = Post.objects.get()
    assert response["Location"] == f"/newsroom/posts/{post.pk}/preview/"
    page = editor_client.get(response["Location"]).content.decode()
    assert '<h2 id="a-heading">A heading</h2>' in page and 'class="footnotes"' in page
    assert "Readers cannot see this page yet" in page


def test_live_preview_renders_unsaved_text_without_saving(
    editor_client: Client, make_post: Any
) -> None:
    post = make_post("Saved title", status=Post.Status.DRAFT, published_at=None)
    response = editor_client.post(
        f"/newsroom/posts/{post.pk}/preview/",
        form(post, title="Typed title", body="| a | b |\n|:-|-:|\n| x | 1 |"),
    )
    page = response.content.decode()
    assert "<h1>Typed title</h1>" in page and '<td class="align-right">1</td>' in page
    assert response["X-Frame-Options"] == "SAMEORIGIN"
    post.refresh_from_db()
    assert post.title == "Saved title"


def test_publish_without_javascript_asks_then_confirms_exactly_what_happens(
    editor_client: Client, make_post: Any, byline: Author
) -> None:
    newsletter = Newsletter.objects.get(slug="newsletter")
    for number in range(3):
        member = Member.objects.create(
            email=f"reader{number}@example.org", status=Member.Status.ACTIVE,
            confirmed_at=timezone.now(), tier=Member.Tier.FREE if number else Member.Tier.PAID,
        )  # fmt: skip
        Subscription.objects.create(member=member, newsletter=newsletter, status="active")
    post = make_post("Ready to go", status=Post.Status.DRAFT, published_at=None)
    choices = {
        "publish-when": "now", "publish-channel": "web_email",
        "publish-newsletters": [newsletter.pk], "publish-audience": "free",
    }  # fmt: skip
    review = editor_client.post(f"/newsroom/posts/{post.pk}/publish/", choices)
    assert "Published now and emailed to 2 free members of Newsletter." in review.content.decode()
    post.refresh_from_db()
    assert post.status == Post.Status.DRAFT  # nothing happened yet
    done = editor_client.post(f"/newsroom/posts/{post.pk}/publish/", {**choices, "step": "confirm"})
    assert done["Location"] == f"/newsroom/posts/{post.pk}/"
    post.refresh_from_db()
    assert post.is_live
    send = Send.objects.get(post=post)
    assert send.audience == "free" and list(send.newsletters.all()) == [newsletter]


def test_publishing_at_a_time_reads_the_time_in_the_publications_zone(
    editor_client: Client, make_post: Any
) -> None:
    publication = Publication.current()
    publication.timezone = "America/Sao_Paulo"
    publication.save()
    post = make_post("Later", status=Post.Status.DRAFT, published_at=None)
    year = timezone.now().year + 1
    response = editor_client.post(
        f"/newsroom/posts/{post.pk}/publish/",
        {"publish-when": "later", "publish-publish_at": f"{year}-03-04T09:30",
         "publish-channel": "web", "step": "review"},
    )  # fmt: skip
    assert f"4 March {year} at 09:30 (America/Sao_Paulo) on the website; no email." in (
        response.content.decode()
    )
    editor_client.post(
        f"/newsroom/posts/{post.pk}/publish/",
        {"publish-when": "later", "publish-publish_at": f"{year}-03-04T09:30",
         "publish-channel": "web", "step": "confirm"},
    )  # fmt: skip
    post.refresh_from_db()
    assert post.status == Post.Status.SCHEDULED
    assert post.published_at == datetime(year, 3, 4, 12, 30, tzinfo=UTC)
    page = editor_client.get(f"/newsroom/posts/{post.pk}/").content.decode()
    assert f'value="{year}-03-04T09:30"' in page and "In America/Sao_Paulo." in page
    editor_client.post(f"/newsroom/posts/{post.pk}/unschedule/")
    post.refresh_from_db()
    assert post.status == Post.Status.DRAFT and post.published_at is None


def test_unscheduling_cancels_the_waiting_send_so_the_post_can_be_emailed_later(
    editor_client: Client, make_post: Any, byline: Author
) -> None:
    newsletter = Newsletter.objects.get(slug="newsletter")
    post = make_post("Held back", status=Post.Status.DRAFT, published_at=None)
    year = timezone.now().year + 1
    later = {
        "publish-when": "later", "publish-publish_at": f"{year}-03-04T09:30",
        "publish-channel": "web_email", "publish-newsletters": [newsletter.pk],
        "publish-audience": "all", "step": "confirm",
    }  # fmt: skip
    editor_client.post(f"/newsroom/posts/{post.pk}/publish/", later)
    assert Send.objects.get(post=post).status == Send.Status.SCHEDULED
    editor_client.post(f"/newsroom/posts/{post.pk}/unschedule/")
    assert Send.objects.get(post=post).status == Send.Status.CANCELLED
    now = {**later, "publish-when": "now", "publish-publish_at": ""}
    done = editor_client.post(f"/newsroom/posts/{post.pk}/publish/", now, follow=True)
    assert "already been sent" not in done.content.decode()
    post.refresh_from_db()
    assert post.is_live
    assert post.sends.exclude(status=Send.Status.CANCELLED).count() == 1


def test_a_post_without_an_author_or_alt_text_cannot_go_out(
    editor_client: Client, make_post: Any
) -> None:
    post = make_post("Anonymous", status=Post.Status.DRAFT, published_at=None, body="![](/x.jpg)")
    post.postauthor_set.all().delete()
    response = editor_client.post(
        f"/newsroom/posts/{post.pk}/publish/",
        {"publish-when": "now", "publish-channel": "web", "step": "confirm"},
        HTTP_ACCEPT="application/json",
    )
    answer = response.json()
    assert response.status_code == 400
    assert "Add at least one author" in answer["error"] and "alt text" in answer["error"]
    post.refresh_from_db()
    assert post.status == Post.Status.DRAFT


# Autosave and two editors ----------


def test_autosave_creates_the_post_then_moves_its_version_on(editor_client: Client) -> None:
    first = editor_client.post("/newsroom/posts/new/autosave/", form(authors="editor")).json()
    post = Post.objects.get()
    assert first["ok"] and first["id"] == post.pk and first["version"] == 1
    assert first["urls"]["autosave"] == f"/newsroom/posts/{post.pk}/autosave/"
    second = editor_client.post(
        first["urls"]["autosave"], form(post, body="More words.", base_version=1)
    ).json()
    assert second["version"] == 2 and second["saved_at"]
    post.refresh_from_db()
    assert post.body == "More words."


def test_autosaves_keep_a_revision_every_few_minutes_and_explicit_saves_always(
    editor_client: Client, time_machine: Any
) -> None:
    time_machine.move_to(datetime(2026, 3, 4, 9, 0, tzinfo=UTC), tick=False)
    answer = editor_client.post("/newsroom/posts/new/autosave/", form()).json()
    post = Post.objects.get()
    url = answer["urls"]["autosave"]
    for minute in range(1, 4):
        time_machine.move_to(datetime(2026, 3, 4, 9, minute, tzinfo=UTC), tick=False)
        answer = editor_client.post(
            url,
            form(post, body=f"Draft {minute}", base_version=answer["version"]),
        ).json()
    assert post.revisions.count() == 1  # created; the next three autosaves came too soon
    time_machine.move_to(datetime(2026, 3, 4, 9, 6, tzinfo=UTC), tick=False)
    answer = editor_client.post(
        url, form(post, body="Draft 6", base_version=answer["version"])
    ).json()
    assert post.revisions.count() == 2
    editor_client.post(
        url,
        form(post, body="Draft 6, saved", base_version=answer["version"], explicit="1"),
    )
    assert post.revisions.count() == 3


def test_a_save_based_on_an_old_version_is_refused_with_both_versions(
    editor_client: Client, second_editor: User, make_post: Any
) -> None:
    post = make_post("Shared", status=Post.Status.DRAFT, published_at=None, body="Line one.")
    other = client_for(second_editor)
    other.post(f"/newsroom/posts/{post.pk}/presence/")  # the heartbeat of Kofi's open editor
    base = post.version
    assert other.post(
        f"/newsroom/posts/{post.pk}/autosave/", form(post, body="Line one.\nKofi's line.")
    ).json()["ok"]
    refused = editor_client.post(
        f"/newsroom/posts/{post.pk}/autosave/",
        form(post, body="Line one.\nInês's line.", base_version=base),
    )
    assert refused.status_code == 409
    answer = refused.json()
    assert answer["theirs"]["body"] == "Line one.\nKofi's line."
    assert "Kofi&#x27;s" in answer["diff"] or "Kofi's" in answer["diff"]
    assert "Kofi Mensah" in answer["others"]
    post.refresh_from_db()
    assert post.body == "Line one.\nKofi's line."

    mine = editor_client.post(
        f"/newsroom/posts/{post.pk}/autosave/",
        form(post, body="Line one.\nInês's line.", base_version=base, resolve="mine", explicit="1"),
    ).json()
    assert mine["ok"]
    post.refresh_from_db()
    assert post.body == "Line one.\nInês's line."
    assert Revision.objects.filter(post=post, body="Line one.\nKofi's line.").exists()


def test_choosing_their_version_keeps_mine_as_a_revision(
    editor_client: Client, second_editor: User, make_post: Any
) -> None:
    post = make_post("Shared", status=Post.Status.DRAFT, published_at=None)
    client_for(second_editor).post(
        f"/newsroom/posts/{post.pk}/autosave/", form(post, body="Theirs.")
    )
    answer = editor_client.post(
        f"/newsroom/posts/{post.pk}/autosave/",
        form(post, body="Mine.", base_version=post.version, resolve="theirs", explicit="1"),
    ).json()
    assert answer["ok"] and answer["body"] == "Theirs."
    assert Revision.objects.filter(post=post, body="Mine.").exists()


def test_the_plain_form_shows_a_conflict_side_by_side(
    editor_client: Client, second_editor: User, make_post: Any
) -> None:
    post = make_post("Shared", status=Post.Status.DRAFT, published_at=None)
    stale = form(post, body="Mine.")
    client_for(second_editor).post(
        f"/newsroom/posts/{post.pk}/autosave/", form(post, body="Theirs.")
    )
    page = editor_client.post(f"/newsroom/posts/{post.pk}/", stale).content.decode()
    assert "Someone else saved this post" in page and "Keep my version" in page
    assert "Theirs." in page and "Mine." in page


def test_a_published_post_is_not_autosaved_onto_the_live_page(
    editor_client: Client, make_post: Any
) -> None:
    post = make_post("Live")
    response = editor_client.post(f"/newsroom/posts/{post.pk}/autosave/", form(post, body="Half"))
    assert response.status_code == 409
    post.refresh_from_db()
    assert post.body != "Half"


def no_one_has_it_open(post: Post) -> None:
    """Presence lives in the shared cache, which outlives a test (and its post's id)."""
    cache.delete(editor_presence._key(post.pk))


def test_who_else_has_the_post_open_is_shown(
    editor_client: Client, second_editor: User, make_post: Any
) -> None:
    post = make_post("Shared", status=Post.Status.DRAFT, published_at=None)
    no_one_has_it_open(post)
    client_for(second_editor).post(f"/newsroom/posts/{post.pk}/presence/")
    response = editor_client.get(f"/newsroom/posts/{post.pk}/")
    assert "Also open: Kofi Mensah" in response.content.decode()
    client_for(second_editor).post(f"/newsroom/posts/{post.pk}/presence/", {"left": "1"})
    beat = {"tab": response.context["editor_data"]["tab"]}  # the heartbeat of that page
    assert editor_client.post(f"/newsroom/posts/{post.pk}/presence/", beat).json()["others"] == []


def test_the_same_writers_other_tab_is_shown_too(editor_client: Client, make_post: Any) -> None:
    """One writer, two tabs: either can overwrite the other, so each says the other is open."""
    post = make_post("Shared", status=Post.Status.DRAFT, published_at=None)
    no_one_has_it_open(post)
    url = f"/newsroom/posts/{post.pk}/"
    first = {"tab": editor_client.get(url).context["editor_data"]["tab"]}
    assert editor_client.post(f"{url}presence/", first).json()["others"] == []
    second = editor_client.get(url)
    assert "Also open: you, in another tab" in second.content.decode()
    others = editor_client.post(f"{url}presence/", first).json()["others"]
    assert others == ["you, in another tab"]
    assert editor_client.post(f"{url}presence/", {"tab": "<script>"}).status_code == 200
    assert editor_client.post(f"{url}presence/", {**first, "left": "1"}).json()["ok"]
    tab = {"tab": second.context["editor_data"]["tab"]}
    assert editor_client.post(f"{url}presence/", tab).json()["others"] == [
        "you, in another tab"  # the heartbeat without a valid tab name above
    ]


# Uploads ----------


def test_an_image_for_the_body_is_checked_and_kept_with_renditions(editor_client: Client) -> None:
    answer = editor_client.post("/newsroom/images/", {"image": jpeg()}).json()
    assert answer["ok"] and answer["url"].startswith("/media/renditions/")
    assert answer["url"].endswith("-960.jpg") and answer["width"] == 1000


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (SimpleUploadedFile("holiday.jpg", b"just text", "image/jpeg"), "is not an image"),
        (SimpleUploadedFile("anim.tiff", b"II*\x00" + b"\x00" * 64, "image/tiff"), "not an image"),
    ],
)
def test_what_is_not_an_image_is_refused_clearly(
    editor_client: Client, upload: Any, message: str
) -> None:
    response = editor_client.post("/newsroom/images/", {"image": upload})
    assert response.status_code == 400 and message in response.json()["error"]


def test_too_large_images_are_refused_before_anything_is_kept(
    editor_client: Client, settings: Any, make_post: Any
) -> None:
    settings.ATLAS_MAX_IMAGE_MB = 0
    post = make_post("Keep me", status=Post.Status.DRAFT, published_at=None)
    response = editor_client.post(f"/newsroom/posts/{post.pk}/feature-image/", {"image": jpeg()})
    assert response.status_code == 400 and "at most 0 MB" in response.json()["error"]
    post.refresh_from_db()
    assert not post.feature_image and post.title == "Keep me"


def test_the_plain_form_keeps_the_text_when_the_feature_image_is_refused(
    editor_client: Client,
) -> None:
    bad = SimpleUploadedFile("cover.jpg", b"<html>not an image</html>", "image/jpeg")
    response = editor_client.post("/newsroom/posts/new/", form(feature_image=bad, action="save"))
    post = Post.objects.get()
    assert post.body == "The first ships came in at dawn." and not post.feature_image
    page = editor_client.get(response["Location"]).content.decode()
    assert "the image was not" in page and "is not an image" in page


def test_a_feature_image_gets_renditions_and_needs_alt_text(
    editor_client: Client, make_post: Any
) -> None:
    post = make_post("Pictured", status=Post.Status.DRAFT, published_at=None)
    answer = editor_client.post(
        f"/newsroom/posts/{post.pk}/feature-image/", {"image": jpeg()}
    ).json()
    assert answer["ok"] and answer["version"] == post.version + 1
    post.refresh_from_db()
    assert post.feature_image_renditions["width"] == 1000
    assert any("alt text" in problem for problem in services.publish_problems(post))


# Roles ----------


def test_a_contributor_submits_for_review_and_cannot_publish(
    contributor: User, make_post: Any
) -> None:
    client = client_for(contributor)
    client.post("/newsroom/posts/new/", form(authors="Cal Contributor", action="save"))
    post = Post.objects.get(created_by=contributor)
    page = client.get(f"/newsroom/posts/{post.pk}/").content.decode()
    assert "Ready for review" in page and "Publish…" not in page
    client.post(f"/newsroom/posts/{post.pk}/review/")
    post.refresh_from_db()
    assert post.review_requested_at is not None
    client.post(
        f"/newsroom/posts/{post.pk}/publish/",
        {"publish-when": "now", "publish-channel": "web", "step": "confirm"},
    )
    post.refresh_from_db()
    assert post.status == Post.Status.DRAFT
    others = make_post("Someone else's", status=Post.Status.DRAFT, published_at=None)
    assert client.get(f"/newsroom/posts/{others.pk}/").status_code == 403
    assert client.post(f"/newsroom/posts/{others.pk}/autosave/", form(others)).status_code == 403


def test_an_author_publishes_their_own_posts_but_not_others(author: User, make_post: Any) -> None:
    client = client_for(author)
    mine = make_post("Mine", status=Post.Status.DRAFT, published_at=None,
                     authors=[Author.objects.get(user=author)])  # fmt: skip
    client.post(
        f"/newsroom/posts/{mine.pk}/publish/",
        {"publish-when": "now", "publish-channel": "web", "step": "confirm"},
    )
    mine.refresh_from_db()
    assert mine.is_live
    theirs = make_post("Theirs", status=Post.Status.DRAFT, published_at=None)
    assert client.get(f"/newsroom/posts/{theirs.pk}/").status_code == 403
    page = client.get(f"/newsroom/posts/{mine.pk}/publish/").content.decode()
    assert "Web and email" not in page  # emailing is for editors


@pytest.mark.parametrize(
    "path",
    ["/newsroom/posts/new/", "/newsroom/posts/{pk}/", "/newsroom/posts/{pk}/preview/",
     "/newsroom/posts/{pk}/email/", "/newsroom/posts/{pk}/publish/", "/newsroom/tags/",
     "/newsroom/authors/"],
)  # fmt: skip
def test_every_editor_page_is_for_staff_only(path: str, client: Client, make_post: Any) -> None:
    post = make_post("Private", status=Post.Status.DRAFT, published_at=None)
    url = path.format(pk=post.pk)
    assert client.get(url)["Location"].startswith("/newsroom/sign-in/")
    client.force_login(User.objects.create_user("reader", "reader@example.org"))
    assert client.get(url).status_code == 403


# Panels, corrections, lookups ----------


def test_the_sponsorship_panel_opts_a_post_out_from_the_editor(
    editor_client: Client, make_post: Any
) -> None:
    post = make_post("Sad news", status=Post.Status.DRAFT, published_at=None)
    page = editor_client.get(f"/newsroom/posts/{post.pk}/").content.decode()
    assert "No sponsored or house block on this post" in page
    editor_client.post(
        f"/newsroom/posts/{post.pk}/",
        form(post, sponsorship_panel="1", sponsorship_opt_out="on", sponsorship_reason="A death"),
    )
    assert SponsorshipOptOut.objects.get(post=post).reason == "A death"
    post.refresh_from_db()
    editor_client.post(f"/newsroom/posts/{post.pk}/", form(post, sponsorship_panel="1"))
    assert not SponsorshipOptOut.objects.filter(post=post).exists()


def test_corrections_are_previewed_and_added_from_the_editor(
    editor_client: Client, make_post: Any
) -> None:
    post = make_post("Live story")
    preview = editor_client.post(
        f"/newsroom/posts/{post.pk}/corrections/preview/",
        {"correction-kind": "correction", "correction-text": "It was *Tuesday*, not Monday."},
    ).content.decode()
    assert "<em>Tuesday</em>" in preview and "Correction," in preview
    assert not Correction.objects.exists()
    editor_client.post(
        f"/newsroom/posts/{post.pk}/corrections/",
        {"correction-kind": "update", "correction-text": "The council replied."},
    )
    correction = Correction.objects.get()
    assert correction.kind == "update" and correction.post == post


def test_tags_are_found_as_typed_and_only_some_roles_create_them(
    editor_client: Client, contributor: User, make_post: Any
) -> None:
    Tag.objects.create(name="Harbours", slug="harbours")
    found = editor_client.get("/newsroom/tags/?q=harb").json()
    assert found == {"names": ["Harbours"], "can_create": True}
    client = client_for(contributor)
    client.post("/newsroom/posts/new/", form(authors="Cal Contributor", action="save"))
    post = Post.objects.get(created_by=contributor)
    page = client.post(f"/newsroom/posts/{post.pk}/", form(post, tags="Harbours, Bridges"))
    assert "No topic named Bridges yet" in page.content.decode()
    assert not Tag.objects.filter(name="Bridges").exists()


def test_the_email_preview_is_the_newsletter_as_members_get_it(
    editor_client: Client, make_post: Any
) -> None:
    post = make_post("Emailed", status=Post.Status.DRAFT, published_at=None, body="Hello **all**.")
    response = editor_client.get(f"/newsroom/posts/{post.pk}/email/")
    html = response.content.decode()
    assert "<strong>Hello" not in html or "<strong>all</strong>" in html
    assert "#unsubscribe" in html and response["X-Frame-Options"] == "SAMEORIGIN"


def test_the_email_preview_shows_unsaved_edits_to_a_published_post(
    editor_client: Client, make_post: Any
) -> None:
    """A published post is saved only with Update: its email preview follows the open form."""
    post = make_post("Sent once", body="The first version.")
    url = f"/newsroom/posts/{post.pk}/email/"
    edited = form(post, title="Sent once, corrected", body="The **second** version.")
    html = editor_client.post(url, edited).content.decode()
    assert "Sent once, corrected" in html and "<strong>second</strong>" in html
    post.refresh_from_db()
    assert post.title == "Sent once" and post.body == "The first version."
    assert "The first version." in editor_client.get(url).content.decode()


def test_editor_data_is_passed_as_json_not_inline_script(
    editor_client: Client, make_post: Any
) -> None:
    post = make_post("Data", status=Post.Status.DRAFT, published_at=None)
    page = editor_client.get(f"/newsroom/posts/{post.pk}/").content.decode()
    opening = '<script id="editor-data" type="application/json">'
    start = page.index(opening) + len(opening)
    data = json.loads(page[start : page.index("</script>", start)])
    assert data["urls"]["autosave"] == f"/newsroom/posts/{post.pk}/autosave/"
    assert data["version"] == post.version and data["autosave"] is True
    assert "<script>" not in page and "onclick" not in page


def test_autosaving_a_draft_keeps_readers_cached_pages_and_publishing_retires_them(
    editor_client: Client, make_post: Any, django_capture_on_commit_callbacks: Any
) -> None:
    post = make_post("Draft", status=Post.Status.DRAFT, published_at=None)
    before = pagecache.content_version()
    with django_capture_on_commit_callbacks(execute=True):
        editor_client.post(f"/newsroom/posts/{post.pk}/autosave/", form(post, body="Typing…"))
    assert pagecache.content_version() == before
    with django_capture_on_commit_callbacks(execute=True):
        editor_client.post(
            f"/newsroom/posts/{post.pk}/publish/",
            {"publish-when": "now", "publish-channel": "web", "step": "confirm"},
        )
    assert pagecache.content_version() != before


def test_a_test_send_goes_to_the_editor_first_and_email_only_keeps_the_post_off_the_web(
    editor_client: Client, make_post: Any
) -> None:
    post = make_post("Briefing", status=Post.Status.DRAFT, published_at=None)
    newsletter = Newsletter.objects.get(slug="newsletter")
    choices = {
        "publish-when": "now", "publish-channel": "email",
        "publish-newsletters": [newsletter.pk], "publish-audience": "all",
    }  # fmt: skip
    answer = editor_client.post(
        f"/newsroom/posts/{post.pk}/publish/", {**choices, "step": "test"},
        HTTP_ACCEPT="application/json",
    ).json()  # fmt: skip
    assert answer["message"] == "A test of the email is on its way to editor@example.org."
    test = Send.objects.get(post=post, is_test=True)
    assert list(test.deliveries.values_list("email", flat=True)) == ["editor@example.org"]
    review = editor_client.post(
        f"/newsroom/posts/{post.pk}/publish/", {**choices, "step": "review"},
        HTTP_ACCEPT="application/json",
    ).json()  # fmt: skip
    assert review["summary"] == "Emailed now to 0 members of Newsletter; it stays off the website."
    editor_client.post(f"/newsroom/posts/{post.pk}/publish/", {**choices, "step": "confirm"})
    post.refresh_from_db()
    assert post.status == Post.Status.DRAFT
    assert Send.objects.filter(post=post, is_test=False).count() == 1
