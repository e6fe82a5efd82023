"""The newsroom's daily pages: what the home says needs attention, posts, sends, comments,
members and sponsors, as staff use them (plain forms, no JavaScript)."""

from __future__ import annotations

import csv
import io
import re
from datetime import datetime, timedelta
from typing import Any

import time_machine
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone

from atlas.analytics.models import DailySiteStats
from atlas.delivery.models import Batch, Delivery, Send
from atlas.discussions.models import Comment, CommentingBan, ModerationAction, Report
from atlas.members import outbox
from atlas.members.addresses import normalize_email
from atlas.members.models import Label, Member, MemberEvent, Newsletter, Subscription
from atlas.newsroom import attention
from atlas.publishing.models import Post, Publication
from atlas.sponsors.models import Campaign, Sponsor


def comment_on(post: Post, member: Member, text: str, status: str = "published") -> Comment:
    comment = Comment(post=post, member=member, status=status)
    comment.set_body(text)
    comment.save()
    return comment


def member(email: str, **fields: Any) -> Member:
    return Member.objects.create(email=email, status=fields.pop("status", "active"), **fields)


def test_the_home_lists_held_comments_drafts_and_a_paused_send(
    owner_client: Client, make_post: Any
) -> None:
    post = make_post("A published story")
    make_post("A draft ready for review", status=Post.Status.DRAFT, published_at=None,
              review_requested_at=timezone.now())  # fmt: skip
    make_post("A draft still being written", status=Post.Status.DRAFT, published_at=None)
    held = comment_on(post, member("zoë@example.org", name="Zoë"), "Buy now!", "held")
    Send.objects.create(
        post=post, subject="The Monday briefing", status=Send.Status.WAITING,
        status_reason="The SMTP server refused connections for 7 hours.",
    )  # fmt: skip
    page = owner_client.get("/newsroom/").content.decode()
    assert "Zoë" in page and "Buy now!" in page
    assert f'action="/newsroom/comments/{held.pk}/act/"' in page
    assert "A draft ready for review" in page and "still being written" not in page
    assert "The Monday briefing" in page and "refused connections for 7 hours" in page


def test_the_home_says_when_bounces_are_spiking(owner_client: Client) -> None:
    """A day's bounces far above the four weeks before (a bad list) need a decision; the usual
    trickle does not."""
    now = timezone.now()
    for day in range(2, 29, 3):  # about one bounce every three days in the weeks before
        reader = member(f"usual{day}@example.org")
        MemberEvent.objects.create(member=reader, kind=MemberEvent.Kind.BOUNCED,
                                   created_at=now - timedelta(days=day))  # fmt: skip
    assert "Bounces are spiking" not in owner_client.get("/newsroom/").content.decode()
    for number in range(attention.BOUNCE_SPIKE_MINIMUM):
        reader = member(f"bounced{number}@example.org")
        MemberEvent.objects.create(member=reader, kind=MemberEvent.Kind.BOUNCED,
                                   created_at=now - timedelta(hours=2))  # fmt: skip
    page = owner_client.get("/newsroom/").content.decode()
    assert "Bounces are spiking" in page
    assert f"{attention.BOUNCE_SPIKE_MINIMUM:,} addresses bounced in the last 24 hours" in page


def test_the_home_sets_today_so_far_against_the_same_hours_last_week(
    owner_client: Client,
) -> None:
    now = timezone.make_aware(datetime(2026, 3, 11, 14, 0))  # a Wednesday, 2 p.m.
    week_ago = now - timedelta(days=7)
    DailySiteStats.objects.create(day=week_ago.date(), views=500, visitors=300, signups=3,
                                  unsubscribes=2)  # fmt: skip
    for number, at in enumerate([week_ago.replace(hour=9), week_ago.replace(hour=20),
                                 week_ago.replace(hour=22), now.replace(hour=10)]):  # fmt: skip
        reader = member(f"reader{number}@example.org", created_at=at)
        MemberEvent.objects.create(member=reader, kind=MemberEvent.Kind.UNSUBSCRIBED_ALL,
                                   created_at=at + timedelta(minutes=5))  # fmt: skip
    with time_machine.travel(now, tick=False):
        page = owner_client.get("/newsroom/").content.decode()
    figures = {
        label: compared
        for label, compared in re.findall(r"<dt>([\w-]+)</dt><dd>[^<]*</dd>\s*"
                                          r'<dd class="nr-change nr-muted">([^<]*)</dd>', page)
    }  # fmt: skip
    assert figures["Views"] == "500 on all of last Wednesday"  # only daily totals are kept
    assert figures["Visitors"] == "300 on all of last Wednesday"
    assert figures["Sign-ups"] == "1 by this time last Wednesday"  # 9 a.m., not 8 or 10 p.m.
    assert figures["Unsubscribes"] == "1 by this time last Wednesday"


def test_approving_a_held_comment_from_the_home_publishes_it_and_returns_home(
    owner_client: Client, make_post: Any
) -> None:
    held = comment_on(make_post(), member("reader@example.org"), "Fair point.", "held")
    response = owner_client.post(
        f"/newsroom/comments/{held.pk}/act/", {"action": "approve", "next": "/newsroom/"}
    )
    assert response.status_code == 302 and response["Location"] == "/newsroom/"
    held.refresh_from_db()
    assert held.status == Comment.Status.PUBLISHED
    assert ModerationAction.objects.filter(comment=held, action="approved").exists()


def test_hiding_needs_a_reason_and_keeps_it_in_the_audit_trail(
    editor_client: Client, make_post: Any
) -> None:
    comment = comment_on(make_post(), member("troll@example.org"), "Rude words.")
    editor_client.post(f"/newsroom/comments/{comment.pk}/act/", {"action": "hide"})
    comment.refresh_from_db()
    assert comment.status == Comment.Status.PUBLISHED  # refused: no reason
    editor_client.post(f"/newsroom/comments/{comment.pk}/act/",
                       {"action": "hide", "reason": "Personal attack"})  # fmt: skip
    comment.refresh_from_db()
    assert comment.status == Comment.Status.HIDDEN
    trail = editor_client.get("/newsroom/comments/audit/").content.decode()
    assert "Personal attack" in trail


def test_the_queue_shows_held_and_reported_first_newest_first(
    editor_client: Client, make_post: Any
) -> None:
    post = make_post()
    author, reporter = member("a@example.org", name="Ann"), member("r@example.org")
    comment_on(post, author, "An ordinary published comment.")
    older = comment_on(post, author, "Held a while ago.", "held")
    Comment.objects.filter(pk=older.pk).update(created_at=timezone.now() - timedelta(hours=2))
    reported = comment_on(post, author, "Reported just now.")
    Report.objects.create(comment=reported, reporter=reporter, reason="abuse")
    page = editor_client.get("/newsroom/comments/").content.decode()
    assert "An ordinary published comment." not in page
    assert page.index("Reported just now.") < page.index("Held a while ago.")


def test_bulk_ban_bans_each_author_once_for_the_chosen_time(
    editor_client: Client, make_post: Any
) -> None:
    post, spammer = make_post(), member("spam@example.org")
    first = comment_on(post, spammer, "Spam one", "held")
    second = comment_on(post, spammer, "Spam two", "held")
    editor_client.post("/newsroom/comments/bulk/", {
        "comments": [first.pk, second.pk], "action": "ban", "reason": "Spam", "length": "30",
    })  # fmt: skip
    ban = CommentingBan.objects.get(member=spammer)
    assert timedelta(days=29) < ban.until - timezone.now() <= timedelta(days=30)


def test_a_comment_in_context_shows_its_thread_and_reports(
    editor_client: Client, make_post: Any
) -> None:
    post, ann, bo = (
        make_post("Harbour story"),
        member("ann@example.org", name="Ann"),
        member("bo@example.org", name="Bo"),
    )
    parent = comment_on(post, ann, "The opening comment.")
    reply = Comment(post=post, member=bo, parent=parent, reply_to=parent, depth=1)
    reply.set_body("A reply under it.")
    reply.save()
    Report.objects.create(comment=reply, reporter=ann, reason="off_topic", note="Not about it")
    page = editor_client.get(f"/newsroom/comments/{reply.pk}/").content.decode()
    assert "The opening comment." in page and "A reply under it." in page
    assert "Not about it" in page and "Harbour story" in page


def test_posts_list_by_status_search_author_and_tag(
    editor_client: Client, make_post: Any, tag: Any, byline: Any
) -> None:
    make_post("Tariffs rise again", tags=[tag])
    make_post("City budget passes")
    make_post("Draft about tariffs", status=Post.Status.DRAFT, published_at=None)
    page = editor_client.get("/newsroom/posts/?status=published&q=tariffs").content.decode()
    assert "Tariffs rise again" in page and "Draft about tariffs" not in page
    assert "City budget passes" not in page
    tagged = editor_client.get(f"/newsroom/posts/?tag={tag.pk}").content.decode()
    assert "Tariffs rise again" in tagged and "City budget passes" not in tagged
    by_author = editor_client.get(f"/newsroom/posts/?author={byline.pk}").content.decode()
    assert "City budget passes" in by_author


def test_drafts_ready_for_review_have_their_own_tab(editor_client: Client, make_post: Any) -> None:
    make_post("Submitted by a contributor", status=Post.Status.DRAFT, published_at=None,
              review_requested_at=timezone.now())  # fmt: skip
    make_post("Not submitted yet", status=Post.Status.DRAFT, published_at=None)
    page = editor_client.get("/newsroom/posts/?status=review").content.decode()
    assert "Submitted by a contributor" in page and "Not submitted yet" not in page
    assert "Ready for review <span" in page


def test_an_author_sees_only_their_own_posts(author: User, make_post: Any) -> None:
    mine = make_post("My own story", authors=[author.author])
    make_post("Someone else's story")
    client = Client()
    client.force_login(author)
    page = client.get("/newsroom/posts/").content.decode()
    assert mine.title in page and "Someone else" not in page


def sent_send(post: Post, states: list[str]) -> Send:
    send = Send.objects.create(post=post, subject=post.title, status=Send.Status.DONE)
    batch = Batch.objects.create(send=send)
    for number, state in enumerate(states):
        reader = member(f"reader{number}@example.org")
        Delivery.objects.create(send=send, batch=batch, member=reader, email=reader.email,
                                state=state, bounced=number == 0)  # fmt: skip
    return send


def test_sends_list_and_page_show_delivered_bounced_and_unsubscribes(
    editor_client: Client, make_post: Any
) -> None:
    send = sent_send(make_post("Monday briefing"), ["sent", "sent", "sent", "failed"])
    row = editor_client.get("/newsroom/sends/").content.decode()
    assert "Monday briefing" in row
    page = editor_client.get(f"/newsroom/sends/{send.pk}/").content.decode()
    assert 'Delivered</dt><dd data-field="delivered">2</dd>' in page
    assert 'Bounced</dt><dd data-field="bounced">1</dd>' in page


def test_progress_is_read_as_json_for_the_live_bar(editor_client: Client, make_post: Any) -> None:
    send = sent_send(make_post(), ["sent", "pending", "pending"])
    Send.objects.filter(pk=send.pk).update(status=Send.Status.SENDING)
    data = editor_client.get(f"/newsroom/sends/{send.pk}/progress.json").json()
    assert data["done"] == 1 and data["total"] == 3 and data["active"] is True
    assert data["delivered"] == 0 and data["bounced"] == 1 and data["complained"] == 0
    assert data["opens"] is None and data["clicks"] is None and data["unsubscribes"] == 0


def test_a_finished_send_shows_no_time_left(editor_client: Client, make_post: Any) -> None:
    send = sent_send(make_post(), ["sent", "sent"])
    Delivery.objects.filter(send=send).update(sent_at=timezone.now())  # in the last minute
    Send.objects.filter(pk=send.pk).update(status=Send.Status.DONE)
    data = editor_client.get(f"/newsroom/sends/{send.pk}/progress.json").json()
    assert data["per_minute"] == 2 and data["eta_minutes"] is None
    page = editor_client.get(f"/newsroom/sends/{send.pk}/").content.decode()
    assert "<span data-shown-with-eta hidden>" in page


def test_a_sends_page_offers_the_controls_of_its_state_without_javascript(
    editor_client: Client, make_post: Any
) -> None:
    send = sent_send(make_post(), ["pending"])
    shown = {
        "preparing": {"pause", "cancel"}, "sending": {"pause", "cancel"},
        "paused": {"resume", "cancel"}, "waiting": {"resume", "cancel"},
        "scheduled": {"cancel"}, "done": set(), "cancelled": set(),
    }  # fmt: skip
    for status, actions in shown.items():
        Send.objects.filter(pk=send.pk).update(status=status)
        page = editor_client.get(f"/newsroom/sends/{send.pk}/").content.decode()
        buttons = re.findall(r'<button [^>]*name="action"[^>]*>', page)
        visible = {re.search(r'value="(\w+)"', button)[1] for button in buttons
                   if " hidden" not in button}  # fmt: skip
        assert visible == actions, status
        preparing = '<p data-shown-when="preparing">Preparing the list of recipients'
        assert (preparing in page) == (status == "preparing")


def test_pause_resume_and_cancel_a_send(editor_client: Client, make_post: Any) -> None:
    send = sent_send(make_post(), ["pending"])
    Send.objects.filter(pk=send.pk).update(status=Send.Status.SENDING)
    editor_client.post(f"/newsroom/sends/{send.pk}/act/", {"action": "pause"})
    send.refresh_from_db()
    assert send.status == Send.Status.PAUSED
    page = editor_client.get(f"/newsroom/sends/{send.pk}/").content.decode()
    assert "What it waits for" in page
    editor_client.post(f"/newsroom/sends/{send.pk}/act/", {"action": "cancel"})
    send.refresh_from_db()
    assert send.status == Send.Status.CANCELLED


def test_the_send_form_previews_without_putting_the_csrf_token_in_a_url(
    editor_client: Client, make_post: Any
) -> None:
    post = make_post("A story to send")
    page = editor_client.get(f"/newsroom/sends/new/?post={post.pk}").content.decode()
    assert f'href="/newsroom/sends/preview/{post.pk}/"' in page
    assert 'formmethod="get"' not in page
    preview = editor_client.get(f"/newsroom/sends/preview/{post.pk}/")
    assert preview.status_code == 200 and "A story to send" in preview.content.decode()


def test_starting_a_send_from_the_newsroom(editor_client: Client, make_post: Any) -> None:
    post = make_post("Send me")
    newsletter = Newsletter.objects.create(name="Daily", slug="daily", is_default=True)
    response = editor_client.post("/newsroom/sends/new/", {
        "post": post.pk, "newsletters": [newsletter.pk], "mode": "web_and_email",
        "audience": "all",
    })  # fmt: skip
    send = Send.objects.get(post=post, is_test=False)
    assert response["Location"] == f"/newsroom/sends/{send.pk}/"


def test_members_search_filter_and_export_the_same_list(editor_client: Client) -> None:
    weekly = Newsletter.objects.create(name="Weekly", slug="weekly")
    tomas = member("tomás.núñez@example.org", name="Tomás Núñez", tier="paid")
    Subscription.objects.create(member=tomas, newsletter=weekly, status="active")
    member("other@example.org", name="Other Reader")
    page = editor_client.get(f"/newsroom/members/?newsletter={weekly.pk}&tier=paid").content
    assert "tomás.núñez@example.org" in page.decode() and "other@" not in page.decode()
    export = editor_client.get(f"/newsroom/members/export.csv?newsletter={weekly.pk}")
    rows = list(csv.reader(io.StringIO(b"".join(export.streaming_content).decode())))
    assert [row[0] for row in rows[1:]] == ["tomás.núñez@example.org"]


def test_labels_in_bulk_for_ticked_members_or_every_match(editor_client: Client) -> None:
    first, second = member("one@example.org"), member("two@example.org")
    member("three@example.org", status="unsubscribed")
    labelled = editor_client.post("/newsroom/members/labels/",
                                  {"operation": "add", "label_name": "VIP", "members": [first.pk]},
                                  follow=True)  # fmt: skip
    assert list(Label.objects.get(name="VIP").members.all()) == [first]
    assert "Labelled 1 member “VIP”." in labelled.content.decode()
    editor_client.post("/newsroom/members/labels/", {
        "operation": "add", "label_name": "Donors", "scope": "matching", "status": "active",
    })  # fmt: skip
    assert set(Label.objects.get(name="Donors").members.all()) == {first, second}
    editor_client.post("/newsroom/members/labels/", {
        "operation": "remove", "label_name": "Donors", "scope": "selected", "members": [second.pk],
    })  # fmt: skip
    assert list(Label.objects.get(name="Donors").members.all()) == [first]


def test_labels_in_bulk_for_every_match_keep_a_label_filter(editor_client: Client) -> None:
    founders = Label.objects.create(name="Founding supporter")
    first, second = member("one@example.org"), member("two@example.org")
    outsider = member("three@example.org")
    founders.members.add(first, second)
    listed = editor_client.get(f"/newsroom/members/?label={founders.pk}").content.decode()
    assert 'id="label-name" name="label_name"' in listed
    response = editor_client.post("/newsroom/members/labels/", {
        "operation": "add", "label_name": "Thank you", "scope": "matching",
        "label": str(founders.pk),
    })  # fmt: skip
    assert set(Label.objects.get(name="Thank you").members.all()) == {first, second}
    assert outsider.labels.count() == 0
    assert response["Location"] == f"/newsroom/members/?label={founders.pk}"


def test_a_members_page_shows_history_and_saves_notes_and_labels(editor_client: Client) -> None:
    reader = member("ines@example.org", name="Inês")
    response = editor_client.post(f"/newsroom/members/{reader.pk}/", {
        "name": "Inês Sá", "tier": "comped", "notes": "Met at the fair.",
        "labels_text": "Press, VIP",
    })  # fmt: skip
    assert response.status_code == 302
    reader.refresh_from_db()
    assert reader.tier == "comped" and reader.notes == "Met at the fair."
    assert sorted(reader.labels.values_list("name", flat=True)) == ["Press", "VIP"]


def test_a_members_page_names_emails_by_subject_and_history_in_words(
    editor_client: Client,
) -> None:
    reader = member("zoe@example.org", name="Zoë Ångström")
    outbox.queue(reader.email, "members/email/confirm", member=reader, link="confirm")
    MemberEvent.objects.create(
        member=reader, kind=MemberEvent.Kind.CONFIRMED, detail={"newsletters": ["daily", "weekly"]}
    )
    page = editor_client.get(f"/newsroom/members/{reader.pk}/").content.decode()
    assert "Confirm your subscription to" in page and "Members/email" not in page
    assert "newsletters: daily, weekly" in page and "[&#x27;daily&#x27;" not in page


def test_booking_a_campaign_from_the_calendar_with_a_new_sponsor(
    owner_client: Client, db: Any
) -> None:
    day = timezone.localdate()
    form = owner_client.get(f"/newsroom/sponsors/campaigns/new/?starts_on={day:%Y-%m-%d}")
    assert f'value="{day:%Y-%m-%d}"' in form.content.decode()
    response = owner_client.post("/newsroom/sponsors/campaigns/new/", {
        "new_sponsor": "Lakeport Bikes", "headline": "Spring tune-ups",
        "call_to_action": "Book", "destination_url": "https://bikes.example.org/",
        "status": "scheduled", "starts_on": day.isoformat(),
        "ends_on": (day + timedelta(days=6)).isoformat(), "placement": "both", "weight": "1",
    })  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:3000]
    campaign = Campaign.objects.get(headline="Spring tune-ups")
    assert campaign.sponsor.name == "Lakeport Bikes"
    calendar = owner_client.get(response["Location"]).content.decode()
    assert "Spring tune-ups" in calendar
    report = owner_client.get(f"/newsroom/sponsors/campaigns/{campaign.pk}/report/")
    assert report.status_code == 200 and "Share with the sponsor" in report.content.decode()
    csv_file = owner_client.get(f"/newsroom/sponsors/campaigns/{campaign.pk}/report.csv")
    assert csv_file.content.decode().startswith("day,placement,impressions")


def test_an_editor_reads_campaigns_but_pausing_needs_the_permission(
    editor_client: Client, db: Any
) -> None:
    campaign = Campaign.objects.create(
        sponsor=Sponsor.objects.create(name="Co"), headline="Ad", status="running",
        destination_url="https://example.org/", starts_on=timezone.localdate(),
        ends_on=timezone.localdate(),
    )  # fmt: skip
    editor_client.post(f"/newsroom/sponsors/campaigns/{campaign.pk}/status/", {"action": "pause"})
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.PAUSED  # the Editor role includes sponsors


def test_numbers_and_counts_are_written_in_the_publications_language(
    editor_client: Client, make_post: Any
) -> None:
    publication = Publication.current()
    publication.language = "fr"
    publication.save()
    post = make_post()
    for number in range(1234):
        Member.objects.create(email=f"m{number}@example.org")
    page = editor_client.get("/newsroom/members/").content.decode()
    assert "1\xa0234 members" in page  # French groups thousands with a no-break space
    assert post.title in editor_client.get("/newsroom/posts/").content.decode()


def test_an_internationalised_domain_reads_in_unicode_in_the_newsroom(
    editor_client: Client,
) -> None:
    """Stored in its ASCII form (what mail servers are given), shown as the reader wrote it."""
    reader = member(normalize_email("ben@münchen.example"), name="")
    assert reader.email == "ben@xn--mnchen-3ya.example"
    listing = editor_client.get("/newsroom/members/").content.decode()
    assert ">ben@münchen.example</a>" in listing and "xn--" not in listing
    found = editor_client.get("/newsroom/members/?search=ben@münchen.example").content.decode()
    assert ">ben@münchen.example</a>" in found
    page = editor_client.get(f"/newsroom/members/{reader.pk}/").content.decode()
    assert "<h1>ben@münchen.example</h1>" in page
    assert '<p class="nr-muted">ben@münchen.example · ' in page
