"""The article page's compiled queries give what their querysets give."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from atlas.lib.compiled import CompiledQuery
from atlas.publishing.models import (
    Author,
    Post,
    PostAuthor,
    Tag,
    authors_of,
    published_post,
    tags_of,
)


def test_only_published_posts_are_found(make_post: Any) -> None:
    live = make_post("Live now")
    later = make_post("Later", status=Post.Status.SCHEDULED)
    Post.objects.filter(pk=later.pk).update(published_at=timezone.now() + timedelta(hours=1))
    draft = make_post("Draft", status=Post.Status.DRAFT, published_at=None)
    archived = make_post("Archived")
    Post.objects.filter(pk=archived.pk).update(status=Post.Status.ARCHIVED)
    found = published_post(live.slug)
    assert found is not None and found.pk == live.pk and found.body_html == live.body_html
    for hidden in (later, draft, archived):
        assert published_post(hidden.slug) is None
    assert published_post("no-such-post") is None
    assert published_post("été-ou-hiver") is None


def test_authors_in_byline_order_and_tags(make_post: Any) -> None:
    first = Author.objects.create(name="Zoë First", slug="zoe")
    second = Author.objects.create(name="Adam Second", slug="adam")
    post = make_post("Two bylines", authors=[first, second])
    PostAuthor.objects.filter(post=post, author=first).update(position=2)
    PostAuthor.objects.filter(post=post, author=second).update(position=1)
    assert [author.name for author in authors_of(post)] == ["Adam Second", "Zoë First"]
    post.tags.set([Tag.objects.create(name="Rivers", slug="rivers")])
    assert [tag.slug for tag in tags_of(post)] == list(
        Tag.objects.filter(posts=post).values_list("slug", flat=True)
    )


def test_a_sample_must_appear_exactly_once(db: Any) -> None:
    twice = CompiledQuery(Tag, lambda slug: Tag.objects.filter(slug=slug, name=slug), "sample")
    with pytest.raises(ValueError):
        list(twice("rivers"))


def test_instances_are_what_the_orm_builds(make_post: Any, tag: Tag) -> None:
    post = make_post("Every field", tags=[tag])
    Post.objects.filter(pk=post.pk).update(
        feature_image_renditions={"widths": {"480": "renditions/a.webp"}},
        content_modified_at=timezone.now(),
    )
    found = published_post(post.slug)
    expected = Post.objects.get(pk=post.pk)
    assert found is not None
    for field in Post._meta.concrete_fields:
        assert getattr(found, field.attname) == getattr(expected, field.attname), field.name
    assert found.published_at.tzinfo is not None and found.feature_image_renditions["widths"]
    assert found._state.adding is False and found._state.db == "default"
    found.title = "Saved from a compiled instance"
    found.save(update_fields=["title"])
    assert Post.objects.get(pk=post.pk).title == "Saved from a compiled instance"
