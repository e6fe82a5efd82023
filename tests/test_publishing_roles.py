"""Contributors draft, authors publish their own, editors run everything."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.utils import timezone

from atlas.publishing.models import Author, Post


def admin_form(post: Post | None = None, **overrides: Any) -> dict[str, Any]:
    now = timezone.localtime()
    data = {
        "title": post.title if post else "A new story",
        "subtitle": "",
        "body": post.body if post else "Body text.",
        "status": Post.Status.DRAFT,
        "published_at_0": now.strftime("%Y-%m-%d"),
        "published_at_1": now.strftime("%H:%M:%S"),
        "visibility": Post.Visibility.PUBLIC,
        "feature_image_alt": "",
        "slug": post.slug if post else "",
        "seo_title": "",
        "seo_description": "",
        "canonical_url": "",
        "postauthor_set-TOTAL_FORMS": "0",
        "postauthor_set-INITIAL_FORMS": "0",
        "corrections-TOTAL_FORMS": "0",
        "corrections-INITIAL_FORMS": "0",
        "revisions-TOTAL_FORMS": "0",
        "revisions-INITIAL_FORMS": "0",
        "sponsorship_opt_out-TOTAL_FORMS": "0",
        "sponsorship_opt_out-INITIAL_FORMS": "0",
        "billing_tiers-TOTAL_FORMS": "0",
        "billing_tiers-INITIAL_FORMS": "0",
    }
    data.update(overrides)
    return data


def logged_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_contributor_cannot_publish(contributor: Any) -> None:
    client = logged_in(contributor)
    response = client.post("/admin/publishing/post/add/", admin_form(status=Post.Status.PUBLISHED))
    assert response.status_code == 200  # the form comes back with an error
    assert "Select a valid choice" in response.content.decode()
    assert not Post.objects.exists()


def test_contributor_saves_a_draft_credited_to_them(contributor: Any) -> None:
    response = logged_in(contributor).post("/admin/publishing/post/add/", admin_form())
    assert response.status_code == 302
    post = Post.objects.get()
    assert post.status == Post.Status.DRAFT
    assert list(post.authors.values_list("slug", flat=True)) == ["cal-contributor"]
    assert post.revisions.get().created_by == contributor


def test_author_publishes_own_post(author: Any) -> None:
    response = logged_in(author).post(
        "/admin/publishing/post/add/", admin_form(status=Post.Status.PUBLISHED)
    )
    assert response.status_code == 302
    assert Post.objects.published().count() == 1


def test_author_cannot_open_someone_elses_post(author: Any, make_post: Any) -> None:
    other = make_post("Someone else's story")
    client = logged_in(author)
    assert client.get(f"/admin/publishing/post/{other.pk}/change/").status_code in (302, 403, 404)
    response = client.post(
        f"/admin/publishing/post/{other.pk}/change/", admin_form(other, title="Hijacked")
    )
    assert response.status_code in (302, 403, 404)
    other.refresh_from_db()
    assert other.title == "Someone else's story"
    changelist = client.get("/admin/publishing/post/").content.decode()
    assert "Someone else&#x27;s story" not in changelist


def test_author_cannot_add_corrections(author: Any) -> None:
    assert not author.has_perm("publishing.add_correction")


def test_editor_edits_any_post_and_adds_a_correction(editor_client: Client, make_post: Any) -> None:
    post = make_post("An editor's fix")
    form = admin_form(
        post,
        status=Post.Status.PUBLISHED,
        **{
            "corrections-TOTAL_FORMS": "1",
            "corrections-0-kind": "correction",
            "corrections-0-published_at_0": timezone.localtime().strftime("%Y-%m-%d"),
            "corrections-0-published_at_1": "10:00:00",
            "corrections-0-text": "An earlier version misspelled a name.",
        },
    )
    response = editor_client.post(f"/admin/publishing/post/{post.pk}/change/", form)
    assert response.status_code == 302, response.content.decode()[:2000]
    correction = post.corrections.get()
    assert correction.text_html == "<p>An earlier version misspelled a name.</p>\n"


@pytest.mark.parametrize("role", ["Contributor", "Author", "Editor", "Administrator"])
def test_roles_exist_after_migrate(role: str, db: Any) -> None:

    assert Group.objects.get(name=role).permissions.exists()


def test_published_slug_cannot_change(editor_client: Client, make_post: Any) -> None:
    post = make_post("Stable address")
    response = editor_client.post(
        f"/admin/publishing/post/{post.pk}/change/",
        admin_form(post, slug="new-address", status=Post.Status.PUBLISHED),
    )
    assert response.status_code == 200
    assert "cannot change" in response.content.decode()
    post.refresh_from_db()
    assert post.slug == "stable-address"


def test_unknown_author_in_form_is_rejected(editor_client: Client) -> None:
    form = admin_form(
        **{
            "postauthor_set-TOTAL_FORMS": "1",
            "postauthor_set-0-author": "99999",
            "postauthor_set-0-position": "0",
        }
    )
    response = editor_client.post("/admin/publishing/post/add/", form)
    assert response.status_code == 200
    assert not Post.objects.exists()
    assert Author.objects.count() == 0


def test_editor_opts_a_post_out_of_sponsorship_in_the_post_editor(
    editor_client: Client, make_post: Any
) -> None:
    post = make_post("A sensitive story")
    form = admin_form(
        post,
        status=Post.Status.PUBLISHED,
        **{
            "sponsorship_opt_out-TOTAL_FORMS": "1",
            "sponsorship_opt_out-0-reason": "Obituary",
        },
    )
    response = editor_client.post(f"/admin/publishing/post/{post.pk}/change/", form)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert post.sponsorship_opt_out.reason == "Obituary"
