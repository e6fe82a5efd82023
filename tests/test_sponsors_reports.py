"""Campaign reports (table, CSV, server-drawn chart, revocable shared link), the calendar with its
conflicts, and the staff screens."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone

from atlas.delivery.models import Send
from atlas.members.models import Newsletter
from atlas.publishing.models import Post
from atlas.sponsors import counting
from atlas.sponsors.models import Campaign, SendSponsorship
from atlas.sponsors.reports import build_report
from atlas.sponsors.tokens import report_token
from tests.factories import CampaignFactory, publication_today


@pytest.fixture
def staff(db: Any) -> Client:
    user = User.objects.create_superuser("boss", "boss@example.org", "a-long-test-password")
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def counted(make_campaign: CampaignFactory) -> Campaign:
    """A campaign three days in: 1,000 web and 400 email impressions, 25 clicks (20 unique)."""
    day = publication_today()
    campaign = make_campaign(
        headline="Savings that stay in town", starts_on=day - timedelta(days=2), ends_on=day
    )
    counting.add_to_day(campaign.pk, "web", day - timedelta(days=2), 600, 12, 10)
    counting.add_to_day(campaign.pk, "web", day, 400, 8, 6)
    counting.add_to_day(campaign.pk, "email", day - timedelta(days=1), 400, 5, 4)
    return campaign


def test_the_report_adds_up_by_day_and_placement(counted: Campaign) -> None:
    report = build_report(counted)
    today = publication_today()
    assert [row.day for row in report.days] == [
        today - timedelta(days=2), today - timedelta(days=1), today
    ]  # fmt: skip
    assert report.days[1].web.impressions == 0  # a quiet day still shows
    assert (report.web.impressions, report.web.clicks, report.web.unique_clicks) == (1000, 20, 16)
    assert (report.email.impressions, report.email.clicks) == (400, 5)
    assert report.total.click_through_text == "1.79%"
    assert report.email.click_through_text == "1.25%"


def test_the_csv_has_a_row_per_day_and_placement(counted: Campaign, staff: Client) -> None:
    response = staff.get(f"/admin/sponsors/campaign/{counted.pk}/report/report.csv")
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == [
        "day", "placement", "impressions", "clicks", "unique_clicks", "click_through_rate"
    ]  # fmt: skip
    assert len(rows) == 1 + 3 * 2
    assert [
        (publication_today() - timedelta(days=2)).isoformat(),
        "web",
        "600",
        "12",
        "10",
        "0.0200",
    ] in rows


def test_the_chart_is_an_svg_without_script_or_remote_assets(
    counted: Campaign, staff: Client
) -> None:
    response = staff.get(f"/admin/sponsors/campaign/{counted.pk}/report/chart.svg")
    assert response["Content-Type"] == "image/svg+xml"
    svg = response.content.decode()
    assert "<svg" in svg and "Impressions" in svg and "Clicks" in svg
    assert "<script" not in svg and "kozea.github.io" not in svg


def test_the_staff_report_shows_figures_and_a_share_link(counted: Campaign, staff: Client) -> None:
    html = staff.get(f"/admin/sponsors/campaign/{counted.pk}/report/").content.decode()
    assert "Savings that stay in town" in html and "1.79%" in html
    assert "/sponsors/report/" in html and "chart.svg" in html


def test_the_shared_report_needs_no_sign_in_and_can_be_revoked(
    counted: Campaign, staff: Client
) -> None:
    path = f"/sponsors/report/{report_token(counted)}/"
    response = Client().get(path)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"] and response["Referrer-Policy"] == "no-referrer"
    html = response.content.decode()
    assert "Savings that stay in town" in html and "<strong>1400</strong>" in html
    assert Client().get(path + "report.csv").status_code == 200
    assert Client().get(path + "chart.svg").status_code == 200

    staff.post(f"/admin/sponsors/campaign/{counted.pk}/report/revoke/")
    assert Client().get(path).status_code == 404
    assert Client().get(path + "report.csv").status_code == 404
    counted.refresh_from_db()
    assert Client().get(f"/sponsors/report/{report_token(counted)}/").status_code == 200


def test_a_report_link_cannot_be_forged_or_pointed_at_another_campaign(
    counted: Campaign, make_campaign: CampaignFactory
) -> None:
    other = make_campaign()
    token = report_token(counted)
    assert Client().get(f"/sponsors/report/{token[:-3]}abc/").status_code == 404
    assert Client().get(f"/sponsors/report/{counted.pk}/").status_code == 404
    forged = report_token(Campaign(pk=other.pk, report_nonce=counted.report_nonce))
    assert Client().get(f"/sponsors/report/{forged}/").status_code == 404


def test_the_calendar_flags_two_exclusive_campaigns_at_once(
    make_campaign: CampaignFactory, staff: Client
) -> None:
    day = publication_today()
    make_campaign(headline="Bikes exclusive", exclusive=True, starts_on=day, ends_on=day)
    make_campaign(headline="Bank exclusive", exclusive=True, starts_on=day, ends_on=day)
    make_campaign(headline="Not exclusive", starts_on=day, ends_on=day)
    html = staff.get(f"/admin/sponsors/campaign/calendar/?month={day:%Y-%m}").content.decode()
    assert "Conflicts" in html and "exclusive campaigns" in html
    assert "Bikes exclusive" in html and "Bank exclusive" in html and "Not exclusive" in html
    assert 'class="booked running exclusive clash"' in html or "clash" in html


def test_the_calendar_flags_email_sold_but_never_sent_and_unsponsored_sends(
    make_campaign: CampaignFactory, make_post: Any, staff: Client
) -> None:
    day = publication_today()
    start = day.replace(day=1)
    sold = make_campaign(
        headline="Sold for email", placement=Campaign.Placement.EMAIL, starts_on=start,
        ends_on=day, status=Campaign.Status.RUNNING,
    )  # fmt: skip
    newsletter = Newsletter.objects.get(slug="newsletter")
    send = Send.objects.create(
        post=make_post(), subject="Morning briefing", status=Send.Status.DONE,
        started_at=timezone.now(),
    )  # fmt: skip
    send.newsletters.set([newsletter])
    html = staff.get(f"/admin/sponsors/campaign/calendar/?month={day:%Y-%m}").content.decode()
    assert "went out without a sponsor" in html and "Morning briefing" in html

    SendSponsorship.objects.create(send=send, campaign=sold)
    html = staff.get(f"/admin/sponsors/campaign/calendar/?month={day:%Y-%m}").content.decode()
    assert "went out without a sponsor" not in html and "got no newsletter send" not in html

    past = day.replace(day=1) - timedelta(days=40)
    make_campaign(
        headline="Never sent", placement=Campaign.Placement.BOTH, starts_on=past,
        ends_on=past + timedelta(days=3), status=Campaign.Status.ENDED,
    )  # fmt: skip
    html = staff.get(f"/admin/sponsors/campaign/calendar/?month={past:%Y-%m}").content.decode()
    never_sent = "“Riverside Bike Co-op: Never sent” was sold for email but got no newsletter send"
    assert never_sent in html


@pytest.mark.parametrize(
    "path",
    [
        "/admin/sponsors/sponsor/",
        "/admin/sponsors/sponsor/add/",
        "/admin/sponsors/campaign/",
        "/admin/sponsors/campaign/?status__exact=running&placement__exact=both&q=Offer",
        "/admin/sponsors/campaign/add/",
        "/admin/sponsors/campaign/calendar/",
        "/admin/sponsors/campaign/calendar/?month=nonsense",
        "/admin/sponsors/sponsorsettings/",
        "/admin/sponsors/sponsorshipoptout/",
        "/admin/sponsors/sponsorshipoptout/add/",
        "/admin/sponsors/sendsponsorship/",
    ],
)
def test_the_staff_screens_open(make_campaign: CampaignFactory, staff: Client, path: str) -> None:
    make_campaign()
    response = staff.get(path, follow=True)
    assert response.status_code == 200, path


def test_the_campaign_form_previews_the_block(
    make_campaign: CampaignFactory, staff: Client
) -> None:
    campaign = make_campaign(headline="Spring tune-ups")
    html = staff.get(f"/admin/sponsors/campaign/{campaign.pk}/change/").content.decode()
    assert "How readers see it" in html and "Spring tune-ups" in html and "/report/" in html


def test_staff_add_a_campaign_through_the_form(staff: Client, sponsor: Any) -> None:
    day = publication_today()
    form = {
        "sponsor": sponsor.pk, "headline": "New season", "body": "Hello.",
        "call_to_action": "Go", "destination_url": "http://bikes.example/", "image_alt": "",
        "status": "scheduled", "starts_on": day.isoformat(), "ends_on": day.isoformat(),
        "placement": "web", "weight": 1, "impression_cap": "", "send_cap": "",
    }  # fmt: skip
    response = staff.post("/admin/sponsors/campaign/add/", form)
    assert response.status_code == 200 and "https://" in response.content.decode()
    assert not Campaign.objects.exists()
    form["destination_url"] = "https://bikes.example/"
    response = staff.post("/admin/sponsors/campaign/add/", form)
    assert response.status_code == 302
    assert Campaign.objects.get().body_html == "<p>Hello.</p>\n"


def test_the_pause_action_takes_a_campaign_off_pages(
    make_campaign: CampaignFactory, staff: Client
) -> None:
    campaign = make_campaign()
    staff.post(
        "/admin/sponsors/campaign/",
        {"action": "pause", "_selected_action": [campaign.pk]},
    )
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.PAUSED


def test_staff_opt_a_post_out(staff: Client, make_post: Any) -> None:
    post: Post = make_post()
    response = staff.post(
        "/admin/sponsors/sponsorshipoptout/add/", {"post": post.pk, "reason": "Obituary"}
    )
    assert response.status_code == 302
    assert post.sponsorship_opt_out.created_by.username == "boss"  # type: ignore[attr-defined]
