"""Staff moderate from the admin queue; every action leaves an audit trail entry."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.test import Client
from django.utils import timezone

from atlas.discussions import services
from atlas.discussions.models import Comment, CommentingBan, ModerationAction
from atlas.members.models import Member
from atlas.members.services import delete_member
from atlas.publishing.models import Post
from tests.factories import add_comment, page, set_discussion_settings, submit

CHANGELIST = "/admin/discussions/comment/"


def run_action(client: Client, action: str, comments: list[Comment], **data: Any) -> Any:
    payload = {"action": action, "_selected_action": [c.pk for c in comments], "index": 0, **data}
    return client.post(CHANGELIST, payload)


def audit(comment: Comment) -> list[tuple[str, str, str]]:
    entries = ModerationAction.objects.filter(comment=comment).order_by("created_at", "pk")
    return [(entry.action, entry.actor.username if entry.actor else "", entry.reason)
            for entry in entries]  # fmt: skip


def test_the_queue_lists_held_and_reported_comments_only(
    moderator_client: Client, article: Post, subscriber: Member, other_client: Client
) -> None:
    set_discussion_settings(blocked_terms="casino")
    held = add_comment(subscriber, article, "Visit the casino tonight.")
    reported = add_comment(subscriber, article, "Reported words.")
    other_client.post(f"/comments/{reported.pk}/report/", {"reason": "spam"})
    add_comment(subscriber, article, "Quiet, fine words.")

    html = moderator_client.get(CHANGELIST + "?attention=yes").content.decode()

    assert "Visit the casino tonight." in html and "Reported words." in html
    assert "Quiet, fine words." not in html
    assert "Moderation queue (2 waiting)" in moderator_client.get(CHANGELIST).content.decode()
    detail = moderator_client.get(f"{CHANGELIST}{reported.pk}/change/").content.decode()
    assert "Spam or advertising" in detail and "Ban the author" in detail
    assert held.status == Comment.Status.HELD


def test_approving_publishes_and_is_audited(
    client: Client, moderator_client: Client, article: Post, subscriber: Member
) -> None:
    set_discussion_settings(hold_first_comment=True)
    held = add_comment(subscriber, article, "Please let me in.")
    assert run_action(moderator_client, "approve", [held]).status_code == 302
    held.refresh_from_db()
    assert held.status == Comment.Status.PUBLISHED
    assert "Please let me in." in page(client, article)
    assert audit(held) == [
        ("held", "", "The member's first comment"),
        ("approved", "moderator", ""),
    ]


def test_hiding_asks_for_a_reason_and_records_it(
    client: Client, moderator_client: Client, article: Post, subscriber: Member
) -> None:
    target = add_comment(subscriber, article, "Defamatory claim.")
    form = run_action(moderator_client, "hide", [target])
    assert form.status_code == 200 and "Reason (kept in the audit trail)" in form.content.decode()
    target.refresh_from_db()
    assert target.status == Comment.Status.PUBLISHED

    run_action(moderator_client, "hide", [target], apply="Hide", reason="Defamation")
    target.refresh_from_db()
    assert target.status == Comment.Status.HIDDEN and target.status_reason == "Defamation"
    assert "Defamatory claim." not in page(client, article)
    assert audit(target) == [("hidden", "moderator", "Defamation")]


def test_deleting_for_good_keeps_the_text_for_the_audit_only(
    client: Client,
    moderator_client: Client,
    article: Post,
    subscriber: Member,
    other_subscriber: Member,
) -> None:
    target = add_comment(subscriber, article, "Doxxing someone.")
    add_comment(other_subscriber, article, "A reply.", parent=target)
    run_action(moderator_client, "delete_for_good", [target], apply="Delete", reason="Privacy")
    target.refresh_from_db()
    assert target.status == Comment.Status.DELETED and target.body == "Doxxing someone."
    html = page(client, article)
    assert "Doxxing" not in html and "Comment deleted" in html and "A reply." in html
    assert audit(target) == [("deleted", "moderator", "Privacy")]


def test_pinning_takes_top_level_comments_only(
    moderator_client: Client, article: Post, subscriber: Member, other_subscriber: Member
) -> None:
    top = add_comment(subscriber, article, "Top.")
    reply = add_comment(other_subscriber, article, "Reply.", parent=top)
    response = run_action(moderator_client, "pin", [top, reply])
    assert response.status_code == 302
    top.refresh_from_db()
    reply.refresh_from_db()
    assert top.is_pinned and not reply.is_pinned
    run_action(moderator_client, "unpin", [top])
    top.refresh_from_db()
    assert not top.is_pinned
    assert [action for action, _, _ in audit(top)] == ["pinned", "unpinned"]


def test_banning_the_author_from_the_queue_stops_them_commenting(
    moderator_client: Client, article: Post, subscriber: Member, subscriber_client: Client
) -> None:
    target = add_comment(subscriber, article, "Abuse.")
    run_action(moderator_client, "ban_authors", [target], apply="Ban", reason="Abuse", length="7")

    ban = CommentingBan.objects.get(member=subscriber)
    assert ban.until and abs(ban.until - timezone.now() - timedelta(days=7)) < timedelta(minutes=1)
    entry = ModerationAction.objects.get(action="banned")
    assert entry.member == subscriber and entry.actor.username == "moderator"
    assert entry.reason.startswith("Abuse (until ")
    assert submit(subscriber_client, article, "More abuse.").status_code == 403


def test_a_ban_added_in_the_admin_is_audited_and_can_be_lifted(
    moderator_client: Client, subscriber: Member
) -> None:
    response = moderator_client.post(
        "/admin/discussions/commentingban/add/", {"member": subscriber.pk, "reason": "Spam run"}
    )
    assert response.status_code == 302
    ban = CommentingBan.objects.get()
    assert ban.until is None and ban.created_by.username == "moderator"
    moderator_client.post(
        "/admin/discussions/commentingban/",
        {"action": "lift", "_selected_action": [ban.pk], "index": 0},
    )
    assert [entry.action for entry in ModerationAction.objects.order_by("pk")] == [
        "banned", "ban_lifted",
    ]  # fmt: skip


def test_a_members_history_lists_every_comment_they_wrote(
    moderator_client: Client, article: Post, subscriber: Member, other_subscriber: Member
) -> None:
    mine = [add_comment(subscriber, article, f"Rosa's comment {number}.") for number in range(3)]
    services.delete_own_comment(subscriber, mine[0])
    add_comment(other_subscriber, article, "Omar's comment.")

    html = moderator_client.get(f"{CHANGELIST}?member__id__exact={subscriber.pk}").content.decode()

    assert "Rosa&#x27;s comment 1." in html and "Rosa&#x27;s comment 2." in html
    assert html.count('class="field-excerpt"') == 3
    assert "Omar&#x27;s comment." not in html


def test_the_audit_trail_cannot_be_edited_and_staff_without_permission_are_kept_out(
    moderator_client: Client, author: Any, article: Post, subscriber: Member
) -> None:
    add_comment(subscriber, article, "Words.")
    services.delete_own_comment(subscriber, Comment.objects.get())
    entry = ModerationAction.objects.get()
    assert entry.action == "deleted_by_author" and entry.member == subscriber
    assert moderator_client.get("/admin/discussions/moderationaction/").status_code == 200
    assert (
        moderator_client.post(
            f"/admin/discussions/moderationaction/{entry.pk}/delete/", {"post": "yes"}
        ).status_code
        == 403
    )
    writer = Client()
    writer.force_login(author)  # the Author role has no moderation permission
    assert writer.get(CHANGELIST).status_code == 403


def test_a_member_who_deletes_their_account_takes_their_words_with_them(
    client: Client, article: Post, subscriber: Member, other_subscriber: Member
) -> None:
    mine = add_comment(subscriber, article, "Personal story.")
    add_comment(other_subscriber, article, "Thanks for sharing.", parent=mine)
    delete_member(subscriber)

    mine.refresh_from_db()
    assert mine.member is None and mine.body == "" and mine.status == Comment.Status.DELETED
    html = page(client, article)
    assert "Personal story." not in html and "Thanks for sharing." in html
