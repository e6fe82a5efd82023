"""Load the demo publication: masthead, staff, tags and a few months of stories, once.

Posts go through `publishing.services` exactly as staff would save them, so the demo also
exercises rendering, revisions, image renditions and corrections.
"""

from __future__ import annotations

import logging
import secrets
import zoneinfo
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol

from django.contrib.auth.models import Group, User
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from atlas.analytics.demo import create_demo_analytics
from atlas.demo import stories_a, stories_b
from atlas.demo.images import make_feature_image
from atlas.demo.people import AUTHORS, PUBLICATION, TAGS
from atlas.demo.readers import create_readers
from atlas.discussions.demo import create_demo_threads
from atlas.members.models import Newsletter
from atlas.publishing import services
from atlas.publishing.models import Author, Post, PostAuthor, Publication, Tag
from atlas.publishing.roles import ensure_roles, make_owner
from atlas.sponsors.demo import create_demo_sponsors

logger = logging.getLogger(__name__)

Story = dict[str, Any]

EDITOR_USERNAME = "editor"
OWNER_USERNAME = "owner"
CORRECTION_DELAY = timedelta(hours=3)  # corrections follow their story by a few hours


class Writer(Protocol):
    def write(self, text: str, /) -> object: ...


@dataclass(frozen=True)
class DemoResult:
    created: bool
    owner_username: str = OWNER_USERNAME
    owner_password: str = ""
    editor_username: str = EDITOR_USERNAME
    existing_post_count: int = 0
    published_count: int = 0
    draft_count: int = 0
    scheduled_count: int = 0
    correction_count: int = 0
    author_count: int = 0
    tag_count: int = 0
    reader_count: int = 0
    comment_count: int = 0


@dataclass(frozen=True)
class Newsroom:
    """What every story needs: the editor who saves it, the masthead and the publication's zone."""

    editor: User
    authors: dict[str, Author]
    tags: dict[str, Tag]
    zone: zoneinfo.ZoneInfo


def load_demo(stdout: Writer | None = None) -> DemoResult:
    """Fill an empty database with the demo publication; do nothing if any post exists."""
    with transaction.atomic():
        existing_post_count = Post.objects.count()
        if existing_post_count:
            return DemoResult(created=False, existing_post_count=existing_post_count)
        publication = configure_publication()
        editor = create_editor()
        password = create_owner()
        newsroom = Newsroom(
            editor=editor,
            authors=create_authors(),
            tags=create_tags(),
            zone=zoneinfo.ZoneInfo(publication.timezone),
        )
        stories = demo_stories()
        report(stdout, f"Writing {len(stories)} stories with their illustrations...")
        correction_count = sum(
            create_story(newsroom, story, seed) for seed, story in enumerate(stories)
        )
        create_draft(newsroom)
        create_scheduled_post(newsroom, seed=len(stories))
        make_members_only(stories)
        reader_count = create_readers()
        comment_count = create_demo_threads()
        create_demo_analytics(newsletter_ids=list(Newsletter.objects.values_list("pk", flat=True)))
        create_demo_sponsors()
    return DemoResult(
        created=True,
        owner_password=password,
        published_count=len(stories),
        draft_count=1,
        scheduled_count=1,
        correction_count=correction_count,
        author_count=len(newsroom.authors),
        tag_count=len(newsroom.tags),
        reader_count=reader_count,
        comment_count=comment_count,
    )


def report(stdout: Writer | None, message: str) -> None:
    """Tell the caller's console, or the log when there is no console."""
    if stdout is None:
        logger.info(message)
    else:
        stdout.write(message + "\n")


def configure_publication() -> Publication:
    publication = Publication.current()
    for field_name, value in PUBLICATION.items():
        setattr(publication, field_name, value)
    publication.full_clean()
    publication.save()
    return publication


def role(name: str) -> Group:
    if not Group.objects.filter(name=name).exists():
        ensure_roles()  # migrate normally does this; repeating it is harmless
    return Group.objects.get(name=name)


def create_staff_user(username: str, first_name: str, last_name: str, group: Group) -> User:
    user, created = User.objects.get_or_create(
        username=username,
        defaults={"first_name": first_name, "last_name": last_name, "is_staff": True},
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    user.groups.add(group)
    return user


def create_editor() -> User:
    """The demo's editor, who answers readers in the comments (no password: nobody signs in)."""
    return create_staff_user(EDITOR_USERNAME, "Demo", "Editor", role("Editor"))


def create_owner() -> str:
    """The one account a visitor signs in with, the publication's Owner; its password is
    returned to be shown once."""
    password = secrets.token_urlsafe(12)
    make_owner(OWNER_USERNAME, "owner@example.org", password, "Demo Owner")
    return password


def create_authors() -> dict[str, Author]:
    author_group = role("Author")
    authors: dict[str, Author] = {}
    for person in AUTHORS:
        first_name, _, last_name = person["name"].partition(" ")
        user = create_staff_user(person["username"], first_name, last_name, author_group)
        author, _ = Author.objects.get_or_create(
            slug=person["slug"],
            defaults={"name": person["name"], "bio": person["bio"], "user": user},
        )
        authors[author.slug] = author
    return authors


def create_tags() -> dict[str, Tag]:
    tags: dict[str, Tag] = {}
    for topic in TAGS:
        tag, _ = Tag.objects.get_or_create(
            slug=topic["slug"],
            defaults={"name": topic["name"], "description": topic["description"]},
        )
        tags[tag.slug] = tag
    return tags


def demo_stories() -> list[Story]:
    """Both sets of stories, oldest first."""
    stories = list(stories_a.STORIES) + list(stories_b.STORIES)
    return sorted(stories, key=lambda story: -int(story["days_ago"]))


def local_time(zone: zoneinfo.ZoneInfo, days: int, hour: int, minute: int) -> datetime:
    """`hour:minute`, `days` from today (negative: ago), in the publication's time zone."""
    day = timezone.now().astimezone(zone).date() + timedelta(days=days)
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=zone)


def create_story(newsroom: Newsroom, story: Story, seed: int) -> int:
    """Publish one story as the editor would; return how many corrections it carries."""
    minute = (seed * 23) % 60  # so that not every story is stamped on the hour
    published_at = local_time(newsroom.zone, -int(story["days_ago"]), int(story["hour"]), minute)
    post = Post(
        title=story["title"],
        subtitle=story["subtitle"],
        body=story["body"],
        status=Post.Status.PUBLISHED,
        published_at=min(published_at, timezone.now() - timedelta(minutes=5)),
        feature_image_alt=story["image_alt"],
        created_by=newsroom.editor,
    )
    attach_feature_image(post, seed)
    services.save_post(post, newsroom.editor, note="Demo story")
    set_bylines(post, [newsroom.authors[slug] for slug in story["authors"]])
    post.tags.set([newsroom.tags[slug] for slug in story["tags"]])
    correction = story.get("correction")
    if correction:
        add_dated_correction(newsroom, post, correction)
        return 1
    return 0


def attach_feature_image(post: Post, seed: int) -> None:
    post.ensure_slug()
    image = make_feature_image(seed, post.title)
    post.feature_image.save(f"{post.slug}.jpg", ContentFile(image), save=False)


def set_bylines(post: Post, authors: Sequence[Author]) -> None:
    PostAuthor.objects.bulk_create(
        PostAuthor(post=post, author=author, position=position)
        for position, author in enumerate(authors)
    )


def add_dated_correction(newsroom: Newsroom, post: Post, correction: dict[str, Any]) -> None:
    note = services.add_correction(post, correction["text"], correction["kind"], newsroom.editor)
    published_at = post.published_at or timezone.now()
    dated = published_at + timedelta(days=int(correction["days_after"])) + CORRECTION_DELAY
    note.published_at = min(dated, timezone.now())
    services.save_correction(note)


def make_members_only(stories: list[Story], every: int = 7) -> None:
    """A few stories for members only, so the demo shows how gated posts look."""
    titles = [story["title"] for story in stories[3::every]]
    for post in Post.objects.filter(title__in=titles):
        post.visibility = Post.Visibility.MEMBERS
        services.save_post(post, note="Demo: for members")


def create_draft(newsroom: Newsroom) -> Post:
    post = Post(
        title="What the Port Expansion Would Mean for Lakeport's East Side",
        subtitle="Traffic, noise and 1,400 jobs: still waiting on the harbour authority's numbers.",
        body=DRAFT_BODY,
        status=Post.Status.DRAFT,
        created_by=newsroom.editor,
    )
    services.save_post(post, newsroom.editor, note="Demo draft")
    set_bylines(post, [newsroom.authors["jonas-lindqvist"]])
    post.tags.set([newsroom.tags["cities"], newsroom.tags["economy"]])
    return post


def create_scheduled_post(newsroom: Newsroom, seed: int) -> Post:
    post = Post(
        title="The Week Ahead: Three Votes, Two Reports and One Deadline to Watch",
        subtitle="Our editors' guide to the decisions coming up, and why they matter.",
        body=SCHEDULED_BODY,
        status=Post.Status.SCHEDULED,
        published_at=local_time(newsroom.zone, 3, 7, 0),
        feature_image_alt="Abstract illustration: soft bands of colour under a pale morning sky.",
        created_by=newsroom.editor,
    )
    attach_feature_image(post, seed)
    services.save_post(post, newsroom.editor, note="Demo scheduled post")
    set_bylines(post, [newsroom.authors["amara-okafor"], newsroom.authors["priya-raman"]])
    post.tags.set([newsroom.tags["politics"]])
    return post


DRAFT_BODY = """\
The harbour authority wants to add two container berths and 40 hectares of storage yard on the
east side of the port. Its own estimate is 1,400 permanent jobs and about 900 more truck trips a
day on Carrick Road.

**To do before this runs:**

- Get the traffic study (promised "next week" for three weeks now).
- Ask the authority how many of the 1,400 jobs are new rather than moved from the west terminal.
- Talk to the residents' association about the night-time noise limits.
"""

SCHEDULED_BODY = """\
A busy week ahead. Here is what we are watching.

## Monday: the waterfront rezoning, again

City council will debate whether to reopen its vote on the eastern waterfront, pending the
integrity commissioner's report.

## Wednesday: the grocery inquiry's first hearing

The Competition Board hears from suppliers first. Written submissions close on Friday.

## Friday: the charger count

The energy ministry publishes its quarterly count of public fast chargers. The target is 5,000.
"""
