"""Reader-facing endpoints: the counted redirect, the impression pixel, the shared report."""

from __future__ import annotations

import base64

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_safe

from atlas.analytics import services as analytics
from atlas.publishing.http import private_page
from atlas.sponsors import counting, reports
from atlas.sponsors.models import Campaign, is_allowed_destination
from atlas.sponsors.tokens import read_click_token, read_pixel_token, read_report_token

TRANSPARENT_GIF = base64.b64decode("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7")


def _uncached(response: HttpResponse) -> HttpResponse:
    patch_cache_control(response, private=True, no_store=True)
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


@require_safe
def go(request: HttpRequest, token: str) -> HttpResponse:
    """To the campaign's stored address, and nowhere else; people are counted, bots are not."""
    link = read_click_token(token)
    if link is None:
        raise Http404("Unknown link.")
    destination = counting.destination_of(link.campaign_id)
    if destination is None or not is_allowed_destination(destination):
        raise Http404("Unknown link.")
    if not analytics.is_automated(request):
        analytics.count_event(counting.CLICK, link.campaign_id, link.channel, request=request)
    return _uncached(HttpResponseRedirect(destination))


@require_safe
def seen(request: HttpRequest, token: str) -> HttpResponse:
    """A page carrying the block was shown: counted here, so cached pages count too."""
    link = read_pixel_token(token)
    if link is None:
        raise Http404("Unknown image.")
    if not analytics.is_automated(request):
        analytics.count_event(counting.IMPRESSION, link.campaign_id, link.channel)
    return _uncached(HttpResponse(TRANSPARENT_GIF, content_type="image/gif"))


def _shared_campaign(token: str) -> Campaign:
    campaign = read_report_token(token)
    if campaign is None:
        raise Http404("This report link is invalid or was revoked.")
    return campaign


def _shared(response: HttpResponse) -> HttpResponse:
    response["Referrer-Policy"] = "no-referrer"  # the link is the key: keep it out of referrers
    return private_page(response)


@require_safe
def shared_report(request: HttpRequest, token: str) -> HttpResponse:
    campaign = _shared_campaign(token)
    context = {
        "report": reports.build_report(campaign),
        "chart_url": request.path + "chart.svg",
        "csv_url": request.path + "report.csv",
    }
    return _shared(render(request, "sponsors/shared_report.html", context))


@require_safe
def shared_report_csv(request: HttpRequest, token: str) -> HttpResponse:
    campaign = _shared_campaign(token)
    return _shared(reports.csv_response(reports.build_report(campaign)))


@require_safe
def shared_report_chart(request: HttpRequest, token: str) -> HttpResponse:
    campaign = _shared_campaign(token)
    return _shared(reports.chart_response(reports.build_report(campaign)))
