"""The discussion in a real Chromium: a visitor signs in by email, comments, replies, edits;
another member reports the comment and it reaches the staff queue."""

from __future__ import annotations

from typing import Any

import pytest

from atlas.discussions.models import Comment
from atlas.members.models import Member
from atlas.publishing.models import Publication
from tests.factories import RESULTS, add_comment

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_visitor_signs_in_by_email_comments_replies_edits_and_a_report_reaches_the_queue(
    live_server: Any, new_page: Any, mailbox: Any, deliver: Any, make_post: Any,
    make_member: Any, moderator: Any,
) -> None:  # fmt: skip
    publication = Publication.current()
    publication.public_url = live_server.url
    publication.save()
    story = make_post("Ferry fares rise for the third time this year")
    omar = make_member("Omar Other", email="omar@example.org")
    omars = add_comment(omar, story, "Fares are still lower than the bridge toll.")
    Member.objects.create(email="rosa@example.org", name="Rosa Reader")  # pending: never confirmed
    article_url = live_server.url + story.get_absolute_url()

    page = new_page()
    page.goto(article_url)
    invitation = page.locator(".discussion-join")
    assert invitation.inner_text() == "Log in or Subscribe to participate"
    assert "Fares are still lower" in page.locator(".comment-list").inner_text()
    invitation.get_by_role("link", name="Log in").click()
    page.fill("#id_email", "rosa@example.org")
    page.get_by_role("button", name="Email me a sign-in link").click()
    page.wait_for_selector("text=Check your inbox")
    deliver()
    link = next(url for url in mailbox.last_to("rosa@example.org").links() if "/signin/" in url)
    assert link.startswith(live_server.url)
    page.goto(link)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"**{story.get_absolute_url()}#discussion")

    page.fill("#comment-form-body", "Commuters from the **islands** pay twice.")
    page.get_by_role("button", name="Post comment").click()
    page.wait_for_selector("text=Your comment is published.")
    mine = Comment.objects.get(member__email="rosa@example.org", parent=None)
    assert page.locator(f"#comment-{mine.pk} strong").inner_text() == "islands"

    page.locator(f"#comment-{omars.pk} .comment-reply").click()  # the form moves, no reload
    assert page.locator(f"#comment-{omars.pk} #comment-form").is_visible()
    page.fill("#comment-form-body", "Only for cars, not for foot passengers.")
    page.get_by_role("button", name="Post comment").click()
    reply = page.locator(f"#comment-{omars.pk} .comment-replies")
    reply.wait_for()
    assert "Only for cars" in reply.inner_text()

    page.locator(f"#comment-{mine.pk} >> text=Edit").first.click()
    page.fill("#compose-body", "Commuters from the islands pay twice: the ferry and the bus.")
    page.get_by_role("button", name="Save").click()
    page.wait_for_selector("text=Saved.")
    page.reload()
    own = page.locator(f"#comment-{mine.pk} > article").inner_text()
    assert "the ferry and the bus" in own and "edited" in own
    assert "Only for cars" in page.locator(f"#comment-{omars.pk}").inner_text()
    assert page.locator("#discussion-title").inner_text() == "3 comments"
    page.screenshot(path=str(RESULTS / "discussion.png"), full_page=True)

    omar_page = new_page(user=omar)
    omar_page.goto(article_url)
    omar_page.locator(f"#comment-{mine.pk} >> text=Report").first.click()
    omar_page.get_by_label("Spam or advertising").check()
    omar_page.get_by_role("button", name="Send to the moderators").click()
    omar_page.wait_for_selector("text=A moderator will look at this comment.")

    staff_page = new_page(user=moderator)
    staff_page.goto(live_server.url + "/admin/discussions/comment/?attention=yes")
    queue = staff_page.locator("#result_list").inner_text()
    assert "the ferry and the bus" in queue and "Fares are still lower" not in queue
