"""The demo publication: enough real-looking news to show every part of the site."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from atlas.demo.readers import create_readers
from atlas.demo.services import load_demo
from atlas.members.growth import growth_of
from atlas.members.models import Newsletter
from atlas.publishing.models import Author, Correction, Post, Tag


@pytest.mark.slow  # builds the whole demo publication
def test_demo_fills_an_empty_publication_once(db: Any, client: Client) -> None:
    demo = load_demo()
    published = Post.objects.published()
    assert published.count() >= 25
    assert Author.objects.count() == 3 and Tag.objects.count() == 6
    assert Correction.objects.filter(post__in=published).exists()
    assert Post.objects.filter(status=Post.Status.DRAFT).count() == 1
    assert Post.objects.filter(status=Post.Status.SCHEDULED).count() == 1
    assert len({post.published_at.strftime("%Y-%m") for post in published}) >= 3
    assert all(post.feature_image_renditions.get("widths") for post in published)
    assert all("footnote-ref" in post.body_html for post in published)
    assert all("<blockquote>" in post.body_html for post in published)

    story = published.filter(corrections__isnull=False).first()
    for path in ["/", "/posts/", "/posts/?page=2", story.get_absolute_url(), "/corrections/"]:
        assert client.get(path, follow=True).status_code == 200, path

    staff = Client()
    assert staff.login(username=demo.owner_username, password=demo.owner_password)
    assert staff.get("/admin/publishing/post/").status_code == 200
    assert staff.get("/newsroom/settings/staff/").status_code == 200  # the Owner: everything

    count = Post.objects.count()
    assert not load_demo().created
    assert Post.objects.count() == count


def test_demo_newsletters_start_and_end_on_the_days_readers_sign_up_and_leave(db: Any) -> None:
    create_readers()
    daily = Newsletter.objects.get(is_default=True)
    weekly = Newsletter.objects.get(is_default=False)
    today = timezone.localdate()
    signups = unsubscribes = 0
    for offset in range(160):
        growth = growth_of(today - timedelta(days=offset))
        started = {pk: counts[0] for pk, counts in growth.newsletters.items()}
        ended = {pk: counts[1] for pk, counts in growth.newsletters.items()}
        assert started.get(daily.pk, 0) == growth.signups  # everyone takes the daily
        assert started.get(weekly.pk, 0) <= growth.signups
        assert ended.get(daily.pk, 0) == growth.unsubscribes
        assert ended.get(weekly.pk, 0) <= growth.unsubscribes
        signups, unsubscribes = signups + growth.signups, unsubscribes + growth.unsubscribes
    assert signups == 60 and unsubscribes > 0
