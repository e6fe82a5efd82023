"""Members-only and paid posts: the right readers see the text; nothing leaks elsewhere."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from atlas.members.links import create_link
from atlas.members.models import EmailLink, Member
from atlas.publishing.models import Post

SECRET = "The confidential paragraph about the harbour deal."


@pytest.fixture
def members_post(make_post: Any) -> Post:
    return make_post(
        "Inside the harbour deal", visibility=Post.Visibility.MEMBERS,
        subtitle="What the documents show.", body=f"{SECRET}\n\nMore detail.",
    )  # fmt: skip


@pytest.fixture
def paid_post(make_post: Any) -> Post:
    return make_post("Paid analysis", visibility=Post.Visibility.PAID, body=SECRET)


def reader(tier: str = Member.Tier.FREE, confirmed: bool = True) -> Client:
    member = Member.objects.create(
        email=f"{tier}-{confirmed}@example.org",
        status=Member.Status.ACTIVE if confirmed else Member.Status.PENDING,
        confirmed_at=timezone.now() if confirmed else None,
        tier=tier,
    )
    client = Client()
    client.post(f"/signin/{create_link(member, EmailLink.Purpose.SIGN_IN)}/")
    return client


def test_visitor_sees_the_excerpt_and_an_invitation(client: Client, members_post: Post) -> None:
    response = client.get(members_post.get_absolute_url())
    html = response.content.decode()
    assert SECRET not in html
    assert "What the documents show." in html and "Subscribe to keep reading" in html
    assert f'href="/signin/?next={members_post.get_absolute_url()}' in html
    assert "public" in response["Cache-Control"] and not response.cookies
    article = next(
        json.loads(block)
        for block in re.findall(r'<script type="application/ld\+json">(.*?)</script>', html)
        if '"NewsArticle"' in block
    )
    assert article["isAccessibleForFree"] is False
    assert article["hasPart"]["cssSelector"] == ".paywall"


def test_member_reads_the_whole_post_privately(members_post: Post) -> None:
    response = reader().get(members_post.get_absolute_url())
    assert SECRET in response.content.decode()
    assert "private" in response["Cache-Control"]


def test_paid_post_asks_free_members_to_upgrade(paid_post: Post) -> None:
    html = reader().get(paid_post.get_absolute_url()).content.decode()
    assert SECRET not in html and "Upgrade to keep reading" in html


@pytest.mark.parametrize("tier", [Member.Tier.PAID, Member.Tier.COMPED])
def test_paid_and_comped_members_read_paid_posts(paid_post: Post, tier: str) -> None:
    assert SECRET in reader(tier).get(paid_post.get_absolute_url()).content.decode()


def test_signing_in_by_link_proves_the_address_of_a_pending_member(members_post: Post) -> None:
    client = reader(confirmed=False)
    assert Member.objects.get().status == Member.Status.ACTIVE
    assert SECRET in client.get(members_post.get_absolute_url()).content.decode()


def test_staff_read_everything(editor_client: Client, paid_post: Post) -> None:
    assert SECRET in editor_client.get(paid_post.get_absolute_url()).content.decode()


@pytest.mark.parametrize("path", ["/feed/", "/feed/atom/", "/feed.json", "/sitemap.xml", "/"])
def test_gated_text_never_leaks_to_feeds_or_listings(
    client: Client, members_post: Post, paid_post: Post, path: str
) -> None:
    content = client.get(path).content.decode()
    assert SECRET not in content


def test_feeds_carry_the_excerpt_and_a_link(client: Client, members_post: Post) -> None:
    feed = json.loads(client.get("/feed.json").content)
    item = feed["items"][0]
    assert "What the documents show." in item["content_html"]
    assert "This post is for subscribers." in item["content_html"]
