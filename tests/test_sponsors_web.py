"""The sponsored block in articles: labelled, after the third paragraph, only within a campaign's
dates and targets, never for opted-out posts or paying members, stable within the hour."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.contrib.auth.models import AnonymousUser
from django.core import signals
from django.core.exceptions import ValidationError
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections, connection
from django.template import engines
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from atlas.analytics import services as analytics
from atlas.lib import pagecache
from atlas.lib.pagecache import PageCache
from atlas.members.models import Member
from atlas.members.services import user_for
from atlas.publishing.models import Post, Publication, Tag
from atlas.sponsors.models import Campaign, SponsorSettings, SponsorshipOptOut
from atlas.sponsors.placement import pick
from atlas.sponsors.services import refresh_sponsorships
from atlas.sponsors.tokens import pixel_token
from tests.factories import (
    BROWSER_AGENT,
    LONG_BODY,
    CampaignFactory,
    campaign_counts,
    page,
    publication_today,
    visitor,
    wsgi_call,
)

BLOCK = re.compile(r'<aside class="sponsor-block.*?</aside>', re.DOTALL)


def block_of(html: str) -> str:
    found = BLOCK.findall(html)
    return found[0] if found else ""


def test_the_block_sits_after_the_third_paragraph_labelled_and_marked_sponsored(
    article: Post, make_campaign: CampaignFactory
) -> None:
    make_campaign(headline="Spring tune-ups", body="Fixed in *48 hours*. [Map](https://x.example)")
    html = page(visitor(), article)
    block = block_of(html)
    assert (
        html.index("Paragraph number 3")
        < html.index('<aside class="sponsor-block"')
        < html.index("Paragraph number 4")
    )
    assert '<span class="sponsor-tag">Sponsored</span>' in block
    assert "Riverside Bike Co-op" in block and "Spring tune-ups" in block
    assert "<em>48 hours</em>" in block and "https://x.example" not in block  # text, not a link
    links = re.findall(r"<a [^>]*>", block)
    assert links and all('rel="sponsored noopener"' in link for link in links)
    assert all('href="/go/' in link for link in links)
    assert re.search(r'<img class="sponsor-pixel" src="/sponsors/seen/[^"]+\.gif" alt="" ', block)
    assert 'width="1" height="1"' in block
    assert "sponsors/sponsors.css" in html


def test_the_label_can_be_reworded_but_never_removed(
    article: Post, make_campaign: CampaignFactory, sponsor_settings: SponsorSettings
) -> None:
    make_campaign()
    sponsor_settings.label = "Partner content"
    sponsor_settings.save()
    assert '<span class="sponsor-tag">Partner content</span>' in page(visitor(), article)
    sponsor_settings.label = "   "
    with pytest.raises(ValidationError):
        sponsor_settings.full_clean()
    sponsor_settings.save()
    assert '<span class="sponsor-tag">Sponsored</span>' in page(visitor(), article)


def test_a_campaign_runs_only_within_its_dates(
    article: Post, make_campaign: CampaignFactory
) -> None:
    day = publication_today()
    make_campaign(starts_on=day + timedelta(days=2), ends_on=day + timedelta(days=3))
    assert not block_of(page(visitor(), article))
    for offset, shown in [(2, True), (3, True), (4, False)]:
        with time_machine.travel(timezone.now() + timedelta(days=offset)):
            assert bool(block_of(page(visitor(), article))) is shown, offset


@pytest.mark.parametrize(
    "status", [Campaign.Status.DRAFT, Campaign.Status.PAUSED, Campaign.Status.ENDED]
)
def test_draft_paused_and_ended_campaigns_do_not_show(
    article: Post, make_campaign: CampaignFactory, status: str
) -> None:
    make_campaign(status=status)
    assert not block_of(page(visitor(), article))


def test_a_scheduled_campaign_shows_once_its_first_day_comes(
    article: Post, make_campaign: CampaignFactory
) -> None:
    campaign = make_campaign(status=Campaign.Status.SCHEDULED, starts_on=publication_today())
    assert block_of(page(visitor(), article))
    refresh_sponsorships()
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.RUNNING


def test_a_tag_targeted_campaign_shows_only_on_those_tags(
    make_post: Any, make_campaign: CampaignFactory
) -> None:
    cycling = Tag.objects.create(name="Cycling", slug="cycling")
    politics = Tag.objects.create(name="Politics", slug="politics")
    make_campaign(headline="For cyclists", tags=[cycling])
    on_topic = make_post(body=LONG_BODY, tags=[cycling, politics])
    off_topic = make_post(body=LONG_BODY, tags=[politics])
    untagged = make_post(body=LONG_BODY)
    assert "For cyclists" in block_of(page(visitor(), on_topic))
    assert not block_of(page(visitor(), off_topic))
    assert not block_of(page(visitor(), untagged))


def test_an_email_only_campaign_never_shows_on_the_web(
    article: Post, make_campaign: CampaignFactory
) -> None:
    make_campaign(placement=Campaign.Placement.EMAIL)
    assert not block_of(page(visitor(), article))


def test_an_opted_out_post_shows_no_block_not_even_the_house_one(
    article: Post, make_campaign: CampaignFactory, sponsor_settings: SponsorSettings
) -> None:
    make_campaign()
    sponsor_settings.house_enabled = True
    sponsor_settings.save()
    SponsorshipOptOut.objects.create(post=article, reason="A death in the community")
    html = page(visitor(), article)
    assert "sponsor-block" not in html and "Support our journalism" not in html


def member_client(tier: str) -> Client:
    member = Member.objects.create(
        email=f"{tier}@example.org", status=Member.Status.ACTIVE, tier=tier,
        confirmed_at=timezone.now(),
    )  # fmt: skip
    client = Client(HTTP_USER_AGENT="Mozilla/5.0 Firefox/128.0")
    client.force_login(user_for(member))
    return client


def test_paying_members_see_no_sponsors_when_the_setting_says_so(
    article: Post, make_campaign: CampaignFactory, sponsor_settings: SponsorSettings
) -> None:
    make_campaign()
    paid, free = member_client(Member.Tier.PAID), member_client(Member.Tier.FREE)
    assert not block_of(page(paid, article))
    assert block_of(page(free, article))
    sponsor_settings.paid_members_see_no_sponsors = False
    sponsor_settings.save()
    assert block_of(page(paid, article))


def test_the_block_is_the_same_for_every_anonymous_request_within_the_hour(
    make_post: Any, make_campaign: CampaignFactory
) -> None:
    for number in range(4):
        make_campaign(headline=f"Rotating offer {number}", weight=number + 1)
    posts = [make_post(body=LONG_BODY) for _ in range(6)]
    hour = timezone.now().replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)
    shown_by_hour = []
    for start in (hour, hour + timedelta(hours=1), hour + timedelta(hours=2)):
        with time_machine.travel(start + timedelta(minutes=1), tick=False):
            first = [block_of(page(visitor(), post)) for post in posts]
        with time_machine.travel(start + timedelta(minutes=59), tick=False):
            again = [block_of(page(Client(HTTP_USER_AGENT="Other"), post)) for post in posts]
        assert first == again and all(first)
        shown_by_hour.append(tuple(first))
    assert len(set(shown_by_hour)) > 1  # the rotation moves on with the hours


def test_a_signed_in_member_sees_the_hour_s_blocks_as_visitors_do(
    make_post: Any, make_campaign: CampaignFactory
) -> None:
    """A member's page is rendered for them, its sponsor blocks kept per lineup, hour and kind
    of reader: each hour they see what visitors see, and the blocks move on with the hour."""
    for number in range(4):
        make_campaign(headline=f"Rotating offer {number}", weight=number + 1)
    posts = [make_post(body=LONG_BODY) for _ in range(6)]
    member = member_client(Member.Tier.FREE)
    hour = timezone.now().replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)
    shown_by_hour = []
    for start in (hour, hour + timedelta(hours=1), hour + timedelta(hours=2)):
        with time_machine.travel(start + timedelta(minutes=1), tick=False):
            members = [block_of(page(member, post)) for post in posts]
            visitors = [block_of(page(visitor(), post)) for post in posts]
        with time_machine.travel(start + timedelta(minutes=59), tick=False):
            again = [block_of(page(member, post)) for post in posts]
        assert members == visitors == again and all(members)
        shown_by_hour.append(tuple(members))
    assert len(set(shown_by_hour)) > 1


def test_rotation_follows_the_weights(make_campaign: CampaignFactory) -> None:
    heavy, light = make_campaign(weight=3), make_campaign(weight=1)
    picks = [pick([heavy, light], f"post:{number}:hour:1")[0] for number in range(4000)]
    share = picks.count(heavy) / len(picks)
    assert 0.72 < share < 0.78


def test_an_exclusive_campaign_leaves_no_room_for_others(
    make_post: Any, make_campaign: CampaignFactory
) -> None:
    make_campaign(headline="Everyone else", weight=100)
    make_campaign(headline="The exclusive one", exclusive=True)
    for _ in range(5):
        assert "The exclusive one" in block_of(page(visitor(), make_post(body=LONG_BODY)))


def test_the_house_block_fills_the_slot_when_nothing_runs(
    article: Post, sponsor_settings: SponsorSettings
) -> None:
    assert "sponsor-block" not in page(visitor(), article)
    sponsor_settings.house_enabled = True
    sponsor_settings.save()
    block = block_of(page(visitor(), article))
    assert "Support our journalism" in block and 'href="/subscribe/"' in block
    assert "From Atlas News" in block and ">Sponsored<" not in block
    assert "sponsored noopener" not in block and "sponsors/seen" not in block


def test_impressions_are_counted_by_the_image_never_cached(
    make_campaign: CampaignFactory,
) -> None:
    campaign = make_campaign()
    path = f"/sponsors/seen/{pixel_token(campaign.pk)}.gif"
    response = visitor().get(path)
    assert response.status_code == 200 and response["Content-Type"] == "image/gif"
    assert "no-store" in response["Cache-Control"] and "public" not in response["Cache-Control"]
    visitor().get(path)
    visitor("Googlebot/2.1").get(path)
    visitor().head(path)
    assert campaign_counts(campaign) == (2, 0, 0)
    assert visitor().get("/sponsors/seen/forged.gif").status_code == 404


def test_an_impression_cap_ends_the_campaign(article: Post, make_campaign: CampaignFactory) -> None:
    campaign = make_campaign(impression_cap=2)
    path = f"/sponsors/seen/{pixel_token(campaign.pk)}.gif"
    assert block_of(page(visitor(), article))
    visitor().get(path)
    visitor().get(path)
    analytics.flush()  # what each process's flusher does every few seconds
    refresh_sponsorships()  # what the clock does every minute
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.ENDED
    assert not block_of(page(visitor(), article))


def sponsor_queries(client: Client, article: Post) -> int:
    with CaptureQueriesContext(connection) as context:
        page(client, article)
    return sum("sponsors_" in query["sql"] for query in context.captured_queries)


def test_pages_ask_nothing_about_sponsors_while_the_lineup_holds(
    article: Post, make_campaign: CampaignFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_campaign(tags=[Tag.objects.create(name="Cycling", slug="cycling")])
    make_campaign(impression_cap=1000)
    # campaigns under their caps, their tags, settings, opt-outs
    assert sponsor_queries(visitor(), article) == 4
    assert sponsor_queries(visitor(), article) == 0
    pagecache.invalidate()  # what another process's change does, once committed
    assert sponsor_queries(visitor(), article) > 0
    assert sponsor_queries(visitor(), article) == 0
    monkeypatch.setattr("atlas.sponsors.placement.LINEUP_SECONDS", 0)  # caps are looked at again
    assert sponsor_queries(visitor(), article) > 0


def test_a_preview_shows_the_block_but_counts_nothing(
    make_post: Any, make_campaign: CampaignFactory, editor_client: Client
) -> None:
    make_campaign(destination_url="https://bikes.example/spring")
    draft = make_post(status=Post.Status.DRAFT, published_at=None, body=LONG_BODY)
    preview = editor_client.get(f"/admin/publishing/post/{draft.pk}/preview/")
    block = block_of(preview.content.decode())
    assert 'href="https://bikes.example/spring"' in block and "sponsors/seen" not in block


def anonymous_request(post: Post) -> Any:
    request = RequestFactory().get(post.get_absolute_url())
    request.user = AnonymousUser()
    return request


def test_the_end_slot_shows_a_second_campaign_when_enabled(
    article: Post, make_campaign: CampaignFactory, sponsor_settings: SponsorSettings
) -> None:
    make_campaign(headline="First offer")
    make_campaign(headline="Second offer")
    context = {"post": article, "tags": [], "publication": Publication.current()}

    def render_slot(name: str, request: Any) -> str:
        template = engines["django"].from_string(f'{{% slot "{name}" %}}')
        return template.render(context, request)

    assert render_slot("article_end", anonymous_request(article)).strip() == ""
    sponsor_settings.show_at_end = True
    sponsor_settings.save()
    request = anonymous_request(article)
    inline, end = render_slot("after_paragraph", request), render_slot("article_end", request)
    headlines = {"First offer", "Second offer"}
    assert {headline for headline in headlines if headline in inline + end} == headlines
    assert block_of(inline) != block_of(end)


def test_changes_to_campaigns_retire_cached_pages(
    make_campaign: CampaignFactory, django_capture_on_commit_callbacks: Any
) -> None:
    before = pagecache.content_version()
    with django_capture_on_commit_callbacks(execute=True):
        campaign = make_campaign()
    assert pagecache.content_version() != before
    before = pagecache.content_version()
    with django_capture_on_commit_callbacks(execute=True):
        campaign.status = Campaign.Status.PAUSED
        campaign.save()
    assert pagecache.content_version() != before


def test_the_clock_retires_cached_pages_when_a_campaign_starts(
    make_campaign: CampaignFactory, django_capture_on_commit_callbacks: Any
) -> None:
    make_campaign(
        starts_on=publication_today() + timedelta(days=1), status=Campaign.Status.SCHEDULED
    )
    with django_capture_on_commit_callbacks(execute=True):
        refresh_sponsorships()
    before = pagecache.content_version()
    with django_capture_on_commit_callbacks(execute=True):
        assert not refresh_sponsorships()["pages_retired"]
    assert pagecache.content_version() == before
    with (
        time_machine.travel(timezone.now() + timedelta(days=1)),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert refresh_sponsorships()["pages_retired"]
    assert pagecache.content_version() != before


def test_pages_from_the_page_cache_still_count_their_impressions(
    article: Post, make_campaign: CampaignFactory
) -> None:
    campaign = make_campaign()
    app = PageCache(get_wsgi_application())
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        pages = [
            wsgi_call(app, article.get_absolute_url(), USER_AGENT=BROWSER_AGENT) for _ in range(3)
        ]
        assert all("public" in headers["Cache-Control"] for _, headers, _ in pages)
        assert len(app.entries) == 1 and len({body for _, _, body in pages}) == 1
        pixel = re.search(rb'src="(/sponsors/seen/[^"]+)"', pages[0][2]).group(1).decode()
        for _ in range(3):
            status, headers, _ = wsgi_call(app, pixel, USER_AGENT=BROWSER_AGENT)
            assert status.startswith("200") and "no-store" in headers["Cache-Control"]
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)
    assert len(app.entries) == 1  # the image is never stored
    assert campaign_counts(campaign) == (3, 0, 0)
