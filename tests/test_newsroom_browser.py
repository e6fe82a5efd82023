"""The newsroom in a real Chromium: the Owner's first day from an empty database after
`atlas setup`, a contributor's narrower newsroom, and axe-core on every page."""

from __future__ import annotations

import re
from datetime import timedelta
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import Group, User
from django.core.management import call_command
from django.utils import timezone

from atlas.delivery import engine
from atlas.delivery.engine import prepare_send_task
from atlas.delivery.models import Send
from atlas.discussions.models import Comment
from atlas.members.import_runs import run_import
from atlas.members.models import Member, MemberImport, Newsletter, Subscription
from atlas.publishing import services
from atlas.publishing.models import Post
from atlas.sponsors.models import Campaign
from tests.conftest import deliver_outbox

pytestmark = [pytest.mark.browser, pytest.mark.slow]

RESULTS = Path(__file__).resolve().parent.parent / "test-results"
OWNER_PASSWORD = "lighthouse-keeper-2026"
READERS = (
    "email,name\nzoe.avila@example.org,Zoë Ávila\ntomas@example.org,Tomás Núñez\n"
    "jun.park@example.org,Jun Park\nnot-an-address,Nobody\n"
)


def run_send(send: Send) -> None:
    """What a worker does: fill the ledger, then send every batch."""
    prepare_send_task.call(send.pk)
    for _ in range(10):
        batch_ids = list(send.batches.exclude(status="done").values_list("pk", flat=True))
        if not batch_ids:
            break
        for batch_id in batch_ids:
            engine.deliver_batch(batch_id)


def sign_in(page: Any, base: str, username: str, password: str) -> None:
    page.goto(base + "/newsroom/sign-in/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(base + "/newsroom/")


def set_up(live_server: Any, monkeypatch: Any) -> None:
    monkeypatch.setenv("ATLAS_OWNER_PASSWORD", OWNER_PASSWORD)
    call_command(
        "setup", "--no-input", "--name", "Lakeport Ledger", "--url", live_server.url,
        "--sender", "Lakeport Ledger <news@ledger.example.org>", "--owner-username", "marta",
        "--owner-email", "marta@ledger.example.org", "--owner-name", "Marta Nowak",
        stdout=StringIO(),
    )  # fmt: skip


def test_the_owner_runs_the_newsroom_from_an_empty_database(
    live_server: Any, chromium: Any, mailbox: Any, monkeypatch: Any
) -> None:
    set_up(live_server, monkeypatch)
    base = live_server.url
    elsewhere: list[str] = []
    context = chromium.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.on("request", lambda r: None if r.url.startswith(base) else elsewhere.append(r.url))
    sign_in(page, base, "marta", OWNER_PASSWORD)
    assert "Marta Nowak" in page.locator(".nr-user").inner_text()
    assert "Owner" in page.locator(".nr-role").inner_text()

    # A newsletter
    page.get_by_role("link", name="Settings", exact=True).click()
    page.get_by_role("link", name="Newsletters").first.click()
    page.get_by_role("link", name="Create a newsletter").click()
    page.fill("#id_name", "Morning Brief")
    page.fill("#id_slug", "morning-brief")
    page.check("#id_is_default")
    page.get_by_role("button", name="Create the newsletter").click()
    page.wait_for_selector("text=Saved the newsletter “Morning Brief”.")
    brief = Newsletter.objects.get(slug="morning-brief")

    # An editor, invited by email; the link works
    page.goto(base + "/newsroom/settings/staff/")
    page.fill("#id_email", "ines.editor@example.org")
    page.fill("#id_name", "Inês Duarte")
    page.check("input[name=role][value=Editor]")
    page.get_by_role("button", name="Send the invitation").click()
    page.wait_for_selector("text=Invitation sent to ines.editor@example.org.")
    assert deliver_outbox() == 1
    link = re.search(r"http://\S+/welcome/\S+/", mailbox.last_to("ines.editor@example.org").text)
    editor_context = chromium.new_context(viewport={"width": 390, "height": 844})
    editor_page = editor_context.new_page()
    editor_page.goto(link.group(0))
    editor_page.fill("#id_new_password1", "tidal-harbour-2026")
    editor_page.fill("#id_new_password2", "tidal-harbour-2026")
    editor_page.get_by_role("button", name="Set the password and sign in").click()
    editor_page.wait_for_url(base + "/newsroom/")
    assert "Editor" in editor_page.locator(".nr-role").inner_text()
    editor_context.close()

    # Readers, imported from a file: the check first, then the import once confirmed
    page.get_by_role("link", name="Members").click()
    page.locator("main").get_by_role("link", name="Import", exact=True).click()
    page.set_input_files("#id_file", files=[{
        "name": "readers.csv", "mimeType": "text/csv",
        "buffer": READERS.encode(),
    }])  # fmt: skip
    page.check("#id_confirmed")
    page.get_by_role("button", name="Check the list").click()
    page.wait_for_selector("h1:has-text('Import of readers.csv')")
    member_import = MemberImport.objects.get()
    run_import(member_import.pk)  # a worker's dry run
    page.reload()
    check = page.locator("section", has_text="The check")
    assert "Problems\n1" in check.inner_text() and "not-an-address" in check.inner_text()
    assert not Member.objects.exists()
    page.get_by_role("button", name="Import 4 rows").click()
    page.wait_for_selector("text=Importing: a worker is on it.")
    run_import(member_import.pk)  # the worker's import
    page.reload()
    assert "New members\n3" in page.locator("section", has_text="Imported").inner_text()
    assert Member.objects.filter(status=Member.Status.ACTIVE).count() == 3
    assert Subscription.objects.filter(newsletter=brief, status="active").count() == 3

    # Write, publish and send a post in the editor, then follow the send
    page.get_by_role("link", name="New post").click()
    page.wait_for_url(base + "/newsroom/posts/new/")
    page.fill("#id_title", "The harbour reopens on Monday")
    page.fill("#id_body", "The ferries run again from Monday, on the old timetable.")
    page.click("#publish-button")
    page.wait_for_selector("#publish-dialog[open]")
    page.check("input[name=publish-channel][value=web_email]")
    page.click("#publish-review")
    page.locator("#publish-plan").filter(has_text="Published now").wait_for()
    page.click("#publish-confirm")
    done = page.locator(".nr-messages").filter(has_text="Published now and emailed to 3 members")
    done.wait_for()
    draft = Post.objects.get(title="The harbour reopens on Monday")
    send = Send.objects.get(post=draft, is_test=False)
    run_send(send)  # what a worker does
    page.get_by_role("link", name="Sends").click()
    page.get_by_role("link", name="The harbour reopens on Monday").click()
    assert page.locator("[data-field=state]").first.inner_text() == "Done"
    assert "Delivered\n3" in page.locator(".nr-figures").inner_text()
    assert len(mailbox.messages) >= 4  # the invitation and three newsletters
    assert Post.objects.get(pk=draft.pk).is_live

    # A held comment, moderated from the home page
    held = Comment(post=draft, member=Member.objects.get(email="tomas@example.org"),
                   status=Comment.Status.HELD, status_reason="First comment")  # fmt: skip
    held.set_body("Will the ferry run on the old timetable?")
    held.save()
    page.goto(base + "/newsroom/")
    card = page.locator("section", has_text="Comments waiting")
    assert "Will the ferry run" in card.inner_text()
    card.get_by_role("button", name="Approve").click()
    page.wait_for_selector("text=Approved the comment by Tomás Núñez.")
    held.refresh_from_db()
    assert held.status == Comment.Status.PUBLISHED

    # A sponsor campaign, booked from the calendar, and its report
    today = timezone.localdate()
    page.get_by_role("link", name="Sponsors").click()
    page.get_by_role("link", name=f"Book a campaign from {today:%A} {today.day} {today:%B}").click()
    page.fill("#id_new_sponsor", "Harbour Ferries")
    page.fill("#id_headline", "Cross the bay in twelve minutes")
    page.fill("#id_destination_url", "https://ferries.example.org/")
    page.fill("#id_ends_on", (today + timedelta(days=14)).isoformat())
    page.get_by_role("button", name="Book the campaign").click()
    page.wait_for_selector("text=Saved “Cross the bay in twelve minutes”.")
    campaign = Campaign.objects.get(headline="Cross the bay in twelve minutes")
    assert campaign.status in (Campaign.Status.SCHEDULED, Campaign.Status.RUNNING)
    page.get_by_role(
        "link", name="report of Harbour Ferries: Cross the bay in twelve minutes"
    ).first.click()
    page.wait_for_selector("h1:has-text('Report')")
    assert "Share with the sponsor" in page.content()

    # Today's numbers
    page.get_by_role("link", name="Numbers").click()
    page.wait_for_selector("h1")
    assert page.locator("h1").inner_text().startswith("Numbers")
    RESULTS.mkdir(exist_ok=True)
    page.screenshot(path=str(RESULTS / "newsroom-numbers.png"), full_page=True)
    assert elsewhere == []
    context.close()


def test_a_sends_page_follows_the_send_to_its_end_without_a_reload(
    live_server: Any, chromium: Any, mailbox: Any, monkeypatch: Any
) -> None:
    set_up(live_server, monkeypatch)
    brief = Newsletter.objects.create(name="Morning Brief", slug="morning-brief", is_default=True)
    for number in range(3):
        reader = Member.objects.create(email=f"reader{number}@example.org",
                                       status=Member.Status.ACTIVE)  # fmt: skip
        Subscription.objects.create(member=reader, newsletter=brief, status="active")
    post = services.save_post(Post(title="Tides turn at noon", body="High water at 12:04.",
                                   status=Post.Status.PUBLISHED))  # fmt: skip
    page = chromium.new_page(viewport={"width": 1280, "height": 900})
    sign_in(page, live_server.url, "marta", OWNER_PASSWORD)
    page.goto(f"{live_server.url}/newsroom/sends/new/?post={post.pk}")
    page.get_by_role("button", name="Send to subscribers").click()
    page.wait_for_selector("text=Sending has started.")
    state = page.locator("[data-field=state]")
    figures = page.locator(".nr-figures")
    assert state.inner_text() == "Preparing"
    assert page.get_by_text("Preparing the list of recipients…").is_visible()
    assert page.get_by_role("button", name="Pause").is_visible()
    assert "Delivered\n0" in figures.inner_text()
    page.evaluate("window.reloaded = false")  # a reload would forget it

    run_send(Send.objects.get(post=post, is_test=False))  # what a worker does
    state.filter(has_text=re.compile("^Done$")).wait_for()  # the page's poll, every 2 s
    page.locator("[data-field=delivered]").filter(has_text="3").wait_for()
    assert page.evaluate("window.reloaded") is False
    assert "3 of 3 done" in page.locator("[data-shown-with-recipients]").inner_text()
    assert page.locator("progress[data-field=progress]").evaluate("bar => bar.value") == 3
    assert "Delivered\n3" in figures.inner_text() and "Bounced\n0" in figures.inner_text()
    assert "Opens\n\u2013" in figures.inner_text() and "Unsubscribes\n0" in figures.inner_text()
    assert not page.get_by_text("Preparing the list of recipients…").is_visible()
    for name in ("Pause", "Resume", "Cancel the send"):
        button = page.get_by_role("button", name=name, include_hidden=True)
        assert button.is_hidden() and button.is_disabled(), name


def test_a_contributor_has_no_members_sends_or_settings(
    live_server: Any, chromium: Any, db: Any
) -> None:
    user = User.objects.create_user("cal", "cal@example.org", "contributor-pass-2026")
    user.is_staff = True
    user.save()
    user.groups.add(Group.objects.get(name="Contributor"))
    page = chromium.new_page()
    sign_in(page, live_server.url, "cal", "contributor-pass-2026")
    menu = page.locator("nav.nr-menu").inner_text()
    assert "Posts" in menu
    for label in ("Members", "Sends", "Settings"):
        assert label not in menu
    for path in ("/newsroom/members/", "/newsroom/sends/", "/newsroom/settings/"):
        assert page.goto(live_server.url + path).status == 403, path


def test_the_moderation_queue_works_from_the_keyboard(
    live_server: Any, chromium: Any, db: Any, monkeypatch: Any
) -> None:
    """j moves to the next comment, a approves it; h without a reason asks for the reason
    first, and with one hides the comment."""
    set_up(live_server, monkeypatch)
    post = services.save_post(Post(title="Ferry fares", body="Para.", status=Post.Status.PUBLISHED))
    reader = Member.objects.create(email="zoë@example.org", name="Zoë Ávila",
                                   status=Member.Status.ACTIVE)  # fmt: skip
    held = []
    for text in ("Spam, spam and links.", "A fair question about the fares."):
        comment = Comment(post=post, member=reader, status=Comment.Status.HELD)
        comment.set_body(text)
        comment.save()
        held.append(comment)
    page = chromium.new_page()
    sign_in(page, live_server.url, "marta", OWNER_PASSWORD)
    page.goto(live_server.url + "/newsroom/comments/")
    assert page.locator(".nr-key-help").is_visible()
    first = page.locator("[data-comment]").first.inner_text()
    page.keyboard.press("j")
    page.keyboard.press("a")
    page.wait_for_load_state()
    approved = held[1] if "fair question" in first else held[0]
    other = held[0] if approved is held[1] else held[1]
    page.wait_for_function(
        "() => document.querySelectorAll('[data-comment]').length === 1", timeout=10000
    )
    approved.refresh_from_db()
    assert approved.status == Comment.Status.PUBLISHED
    page.keyboard.press("j")
    page.keyboard.press("h")
    reason = page.locator("[data-comment] input[name=reason]").first
    assert reason.evaluate("input => input === document.activeElement")
    other.refresh_from_db()
    assert other.status == Comment.Status.HELD  # not without a reason
    reason.fill("Advertising")
    reason.press("Escape")
    page.keyboard.press("h")
    page.wait_for_function(
        "() => document.querySelectorAll('[data-comment]').length === 0", timeout=10000
    )
    other.refresh_from_db()
    assert other.status == Comment.Status.HIDDEN


def seed_every_kind_of_thing(owner: User) -> dict[str, Any]:
    """One of everything a newsroom page shows, with non-ASCII names."""
    from atlas.delivery.models import Batch, Delivery
    from atlas.discussions.models import CommentingBan, Report
    from atlas.sponsors.models import Sponsor

    brief = Newsletter.objects.create(name="Morning Brief", slug="morning-brief", is_default=True)
    post = services.save_post(Post(title="Ferry fares rise 12 %", body="Para one.\n\nTwo.",
                                   status=Post.Status.PUBLISHED))  # fmt: skip
    services.save_post(Post(title="A draft in progress", body="Notes."))
    readers = []
    for number, name in enumerate(["Zoë Ávila", "Tomás Núñez", "Jun Park"]):
        reader = Member.objects.create(email=f"reader{number}@example.org", name=name,
                                       status=Member.Status.ACTIVE)  # fmt: skip
        Subscription.objects.create(member=reader, newsletter=brief, status="active")
        readers.append(reader)
    comment = Comment(post=post, member=readers[0], status=Comment.Status.HELD,
                      status_reason="First comment")  # fmt: skip
    comment.set_body("Is the *student* fare going up too?")
    comment.save()
    Report.objects.create(comment=comment, reporter=readers[1], reason="off_topic")
    CommentingBan.objects.create(member=readers[2], reason="Spam", created_by=owner)
    send = Send.objects.create(
        post=post, subject=post.title, status=Send.Status.PAUSED,
        status_reason="The mail server refused 5 connections in a row.",
    )  # fmt: skip
    send.newsletters.set([brief])
    batch = Batch.objects.create(send=send)
    for reader in readers:
        Delivery.objects.create(send=send, batch=batch, member=reader, email=reader.email,
                                state="sent")  # fmt: skip
    today = timezone.localdate()
    campaign = Campaign.objects.create(
        sponsor=Sponsor.objects.create(name="Harbour Ferries"), headline="Cross the bay",
        destination_url="https://ferries.example.org/", starts_on=today,
        ends_on=today + timedelta(days=6), status=Campaign.Status.SCHEDULED,
    )  # fmt: skip
    return {
        "post_id": post.pk, "send_id": send.pk, "comment_id": comment.pk,
        "member_id": readers[0].pk, "campaign_id": campaign.pk, "newsletter_id": brief.pk,
    }  # fmt: skip


def newsroom_pages(ids: dict[str, Any]) -> list[str]:
    """Every page of the newsroom a person opens (not its actions, files or JSON)."""
    return [
        "/newsroom/", "/newsroom/posts/", "/newsroom/posts/?status=draft", "/newsroom/sends/",
        f"/newsroom/sends/{ids['send_id']}/", "/newsroom/sends/new/",
        f"/newsroom/sends/new/?post={ids['post_id']}", "/newsroom/comments/",
        "/newsroom/comments/?view=all", f"/newsroom/comments/{ids['comment_id']}/",
        f"/newsroom/comments/member/{ids['member_id']}/", "/newsroom/comments/audit/",
        "/newsroom/members/", "/newsroom/members/?status=active&tier=free",
        f"/newsroom/members/{ids['member_id']}/", "/newsroom/members/import/",
        "/newsroom/sponsors/",
        "/newsroom/sponsors/campaigns/new/", f"/newsroom/sponsors/campaigns/{ids['campaign_id']}/",
        f"/newsroom/sponsors/campaigns/{ids['campaign_id']}/report/", "/newsroom/numbers/",
        f"/newsroom/numbers/posts/{ids['post_id']}/", "/newsroom/settings/",
        "/newsroom/settings/publication/", "/newsroom/settings/newsletters/",
        f"/newsroom/settings/newsletters/{ids['newsletter_id']}/", "/newsroom/settings/delivery/",
        "/newsroom/settings/discussions/", "/newsroom/settings/sponsors/",
        "/newsroom/settings/analytics/", "/newsroom/settings/staff/",
    ]  # fmt: skip


def serious_violations(page: Any, axe: Path) -> list[str]:
    page.evaluate(axe.read_text())  # not a <script> tag: the Content-Security-Policy refuses it
    result = page.evaluate(
        """() => axe.run(document, {runOnly: {type: "tag",
              values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]}})"""
    )
    return [
        f"{violation['id']} ({violation['impact']}): {violation['help']} at "
        + ", ".join(str(node["target"]) for node in violation["nodes"][:3])
        for violation in result["violations"]
        if violation["impact"] in ("serious", "critical")
    ]


@pytest.mark.parametrize("width", [1280, 390])
def test_every_newsroom_page_passes_axe_without_serious_violations(
    live_server: Any, chromium: Any, axe_script: Path, width: int, monkeypatch: Any
) -> None:
    set_up(live_server, monkeypatch)
    ids = seed_every_kind_of_thing(User.objects.get(username="marta"))
    page = chromium.new_page(viewport={"width": width, "height": 900})
    sign_in(page, live_server.url, "marta", OWNER_PASSWORD)
    found = {}
    for path in [*newsroom_pages(ids), "/newsroom/sign-in/"]:
        if path == "/newsroom/sign-in/":
            page.context.clear_cookies()
        response = page.goto(live_server.url + path)
        assert response is not None and response.status == 200, path
        if violations := serious_violations(page, axe_script):
            found[path] = violations
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 1, f"{path} is {overflow} px wider than a {width} px screen"
    assert found == {}
