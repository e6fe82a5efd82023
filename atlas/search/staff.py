"""The newsroom's search (registered at `publishing.newsroom_search`): posts in every status,
and members by name and address."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.urls import reverse

from atlas.members.models import Member
from atlas.publishing.hooks import SearchHit, SearchSection
from atlas.publishing.models import Post
from atlas.search.services import search_posts

LIMIT = 20


def staff_search(request: HttpRequest, text: str, posts: QuerySet[Post]) -> list[SearchSection]:
    sections = []
    found, total = search_posts(posts, text, LIMIT)
    sections.append(
        SearchSection(
            "Posts",
            [
                SearchHit(post.title, reverse("newsroom:post_edit", args=[post.pk]),
                          post.get_status_display())
                for post in found
            ],
            total,
        )
    )  # fmt: skip
    if request.user.has_perm("members.view_member"):
        sections.append(_members(text))
    return sections


def _members(text: str) -> SearchSection:
    text = text.strip()[:200]
    members = Member.objects.filter(Q(email__icontains=text) | Q(name__icontains=text))
    found = list(members.order_by("email")[:LIMIT])
    hits = [
        SearchHit(member.name or member.email, reverse("newsroom:member", args=[member.pk]),
                  member.email)
        for member in found
    ]  # fmt: skip
    return SearchSection("Members", hits, members.count() if len(found) == LIMIT else len(found))
