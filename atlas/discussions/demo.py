"""Demo discussions: a few lively threads under published stories (invented people, our text).

Readers are the demo's members; answers come from the story's own writer (marked "Author") and
the demo editor (marked "Editor"). One comment waits in the moderation queue. Rows are written
directly: no emails, no rate limits, nothing queued.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from atlas.discussions.models import Comment, CommentLike, DiscussionSettings, ModerationAction
from atlas.discussions.services import attach_reply, refresh_public_pages, staff_member
from atlas.members.models import Member
from atlas.publishing.models import Author, Post

# (who, text, index of the comment answered or None, minutes after publication)
# who: "reader N" (the Nth demo reader), "byline" (the story's writer) or "editor".
Line = tuple[str, str, int | None, int]

THREADS: dict[str, list[Line]] = {
    "Envoy": [
        ("reader 6", "The poll number is the story here. At 3.1 out of 10 no government joins "
         "anything with Kaveria before an election, whatever the trade case.", None, 40),
        ("reader 7", "Farmers in my county would take the canola market back tomorrow. "
         "Favourability doesn't pay the loan on a combine.", 0, 75),
        ("byline", "Both points came up in our reporting. The Oilseed Growers' Council "
         "figure of $1.4 billion is in the piece; we're asking the trade ministry for its own "
         "estimate of the losses and will add it.", 1, 120),
        ("reader 6", "Thanks for fixing the term count, by the way. Third term, not fourth.",
         None, 260),
        ("editor", "Thank you for flagging it. The correction is at the end of the article "
         "and on our corrections page.", 3, 300),
    ],
    "Bus Map": [
        ("reader 0", "The new route 12 skips the hospital's east entrance. For anyone using a "
         "walker that is an extra 400 metres, uphill.", None, 35),
        ("reader 1", "Same on Birch Avenue. The old stop was at the pharmacy door.", 0, 52),
        ("byline", "Thanks, both. The transit authority told us the hospital stop is under "
         "review after the consultation; we have asked when a decision is due and will "
         "update the story.", 0, 95),
        ("reader 0", "Appreciated. The consultation form closes on Friday, for anyone who "
         "wants to add their name.", 2, 110),
        ("reader 2", "Frequent service every ten minutes on the spine routes is a real "
         "improvement though. I'd trade a longer walk for never checking a timetable.", None, 140),
        ("reader 3", "Only if you can walk. Both things can be true.", 4, 170),
    ],
    "Public Chargers": [
        ("reader 4", "The map of grid connections was the most useful thing I've read on "
         "this. Is the utility's queue list public?", None, 60),
        ("editor", "It is, as a spreadsheet on the regulator's site, updated monthly. We've "
         "added a link at the end of the story.", 0, 130),
        ("reader 5", "Rural drivers are not waiting for chargers, they're waiting for a "
         "second one when the first is broken. Reliability figures would help.", None, 200),
        ("reader 4", "Agreed. Uptime should be a condition of the subsidy.", 2, 230),
    ],
    "Bridge Repair": [
        ("reader 6", "Nearly double the estimate, and the original tender was only two "
         "years ago. Who signed off on the first number?", None, 45),
        ("reader 7", "The engineer's report in the appendix says the deck was never "
         "surveyed underneath before the tender.", 0, 80),
        ("reader 6", "That is a remarkable detail to bury in an appendix.", 1, 95),
        ("reader 8", "Replying to the appendix point: page 14 also mentions salt damage "
         "found in 2019. Worth a follow-up?", 2, 140),
        ("editor", "Yes, and thank you for reading that closely. A follow-up on the 2019 "
         "inspection is in the works.", 3, 260),
    ],
    "Flood": [
        ("reader 9", "I called my insurer after reading this: sewer backup was an optional "
         "extra I never ticked. Twenty minutes well spent.", None, 25),
        ("reader 10", "Same here. Ask for the wording in writing; the phone answer I got "
         "first was wrong.", 0, 70),
        ("reader 11", "Does the new flood-risk map change premiums for renters too?", None, 90),
        ("byline", "Not directly: renters insure their belongings, not the building, "
         "but contents cover for overland water is priced with the same maps.", 2, 150),
    ],
}  # fmt: skip
GENERIC_THREAD: list[Line] = [
    ("reader 12", "Clear and well sourced. The timeline at the end helped a lot.", None, 40),
    ("reader 13", "Which figures are the ministry's and which are your own estimates?", None, 75),
    ("editor", "All the figures are the ministry's, except the per-household cost, which "
     "is our calculation from its totals; the method is in the footnote.", 1, 150),
    ("reader 13", "Thank you, that is what I hoped.", 2, 170),
]  # fmt: skip
HELD_TEXT = (
    "Great article!! Cheap flights and hotel deals at https://cheap-flights.example/deals "
    "and https://cheap-flights.example/hotels, book now"
)
HELD_DOMAIN = "cheap-flights.example"


def create_demo_threads() -> int:
    """Add the demo discussions once; returns how many comments were written."""
    readers = list(
        Member.objects.filter(status=Member.Status.ACTIVE, confirmed_at__isnull=False)
        .exclude(source="staff")
        .order_by("created_at", "pk")[:16]
    )
    posts = list(Post.objects.published().filter(visibility=Post.Visibility.PUBLIC).newest_first())
    if Comment.objects.exists() or len(readers) < 4 or not posts:
        return 0
    editor = _editor()
    with transaction.atomic():
        settings_row = DiscussionSettings.current()
        if HELD_DOMAIN not in settings_row.blocked_term_list():
            settings_row.blocked_terms = f"{settings_row.blocked_terms}\n{HELD_DOMAIN}".strip()
            settings_row.save()
        written = [
            _write_thread(post, lines, readers, editor) for post, lines in _threads_for(posts)
        ]
        _add_likes([comment for thread in written for comment in thread], readers)
        _pin_first(written[0])
        _hold_one(written[0][0].post, readers[-1])
        refresh_public_pages()
    return sum(len(thread) for thread in written) + 1


def _threads_for(posts: list[Post]) -> list[tuple[Post, list[Line]]]:
    """The written threads under the stories they are about; a generic one if none is found."""
    chosen: list[tuple[Post, list[Line]]] = []
    for keyword, lines in THREADS.items():
        post = next((post for post in posts if keyword.lower() in post.title.lower()), None)
        if post is not None:
            chosen.append((post, lines))
    if not chosen:
        chosen = [(post, GENERIC_THREAD) for post in posts[:2]]
    return chosen


def _editor() -> Any:
    users = get_user_model().objects.filter(is_staff=True, is_active=True)
    return users.filter(username="editor").first() or users.order_by("pk").first()


def _speaker(who: str, post: Post, readers: list[Member], editor: Any) -> Member:
    if who.startswith("reader"):
        return readers[int(who.split()[1]) % len(readers)]
    byline = Author.objects.filter(postauthor__post=post, user__isnull=False).first()
    staff = byline.user if who == "byline" and byline else editor
    return staff_member(staff) if staff else readers[0]


def _write_thread(
    post: Post, lines: list[Line], readers: list[Member], editor: Any
) -> list[Comment]:
    published_at = post.published_at or timezone.now()
    latest = timezone.now() - timedelta(minutes=1)
    thread: list[Comment] = []
    for who, text, answers, minutes in lines:
        comment = Comment(post=post, member=_speaker(who, post, readers, editor))
        comment.created_at = min(published_at + timedelta(minutes=minutes), latest)
        comment.set_body(text)
        if answers is not None:
            attach_reply(comment, thread[answers])
        comment.save()
        thread.append(comment)
    return thread


def _add_likes(comments: list[Comment], readers: list[Member]) -> None:
    likes = [
        CommentLike(comment=comment, member=reader)
        for number, comment in enumerate(comments)
        for reader in readers[: (number * 7) % 5]
        if reader.pk != comment.member_id
    ]
    CommentLike.objects.bulk_create(likes, ignore_conflicts=True)


def _pin_first(thread: list[Comment]) -> None:
    Comment.objects.filter(pk=thread[0].pk).update(is_pinned=True)
    ModerationAction.objects.create(
        action=ModerationAction.Action.PINNED, comment=thread[0], reason="Demo: a useful report"
    )


def _hold_one(post: Post, reader: Member) -> None:
    """A spam-like first comment, held by the blocked domain: the moderation queue's example."""
    comment = Comment(post=post, member=reader, status=Comment.Status.HELD)
    comment.set_body(HELD_TEXT)
    comment.status_reason = f"Contains a blocked word or domain: {HELD_DOMAIN}"
    comment.save()
    ModerationAction.objects.create(
        action=ModerationAction.Action.HELD,
        comment=comment,
        member=reader,
        reason=comment.status_reason,
    )
