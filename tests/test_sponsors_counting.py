"""Counts are exact when many readers click and view at once, while counts are flushed at the
same time from several threads (real connections, real commits)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.utils import timezone

from atlas.analytics import services as analytics
from atlas.analytics.services import roll_up_event_visitors
from atlas.sponsors.models import Campaign, Sponsor
from atlas.sponsors.tokens import click_token, pixel_token
from tests.factories import BROWSER_AGENT, campaign_counts, publication_today, visitor

THREADS = 8
REQUESTS_EACH = 25


def run_in_threads(work: Callable[[int], None]) -> list[BaseException]:
    errors: list[BaseException] = []
    start = threading.Barrier(THREADS)

    def worker(number: int) -> None:
        try:
            start.wait()
            work(number)
        except BaseException as error:  # reported by the test, not lost in the thread
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(number,)) for number in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


@pytest.fixture
def campaign(transactional_db: Any) -> Campaign:
    sponsor = Sponsor.objects.create(name="Harbourside Credit Union")
    return Campaign.objects.create(
        sponsor=sponsor,
        headline="Savings that stay in town",
        destination_url="https://credit.example/save",
        starts_on=publication_today() - timedelta(days=1),
        ends_on=publication_today() + timedelta(days=1),
        status=Campaign.Status.RUNNING,
    )


@pytest.mark.django_db(transaction=True)
def test_concurrent_clicks_are_all_counted(campaign: Campaign) -> None:
    path = f"/go/{click_token(campaign.pk, 'web')}"

    def click(number: int) -> None:
        client = visitor(agent=f"{BROWSER_AGENT} reader/{number}")
        for request in range(REQUESTS_EACH):
            assert client.get(path).status_code == 302
            if request % 5 == 4:
                analytics.flush()

    assert run_in_threads(click) == []
    assert campaign_counts(campaign) == (0, THREADS * REQUESTS_EACH, THREADS)


@pytest.mark.django_db(transaction=True)
def test_concurrent_impressions_are_all_counted(campaign: Campaign) -> None:
    path = f"/sponsors/seen/{pixel_token(campaign.pk)}.gif"

    def view(number: int) -> None:
        client = visitor()
        for request in range(REQUESTS_EACH):
            assert client.get(path).status_code == 200
            if request % 5 == 4:
                analytics.flush()

    assert run_in_threads(view) == []
    assert campaign_counts(campaign) == (THREADS * REQUESTS_EACH, 0, 0)


@pytest.mark.django_db(transaction=True)
def test_workers_adding_up_a_past_day_at_once_count_it_once(campaign: Campaign) -> None:
    path = f"/go/{click_token(campaign.pk, 'web')}"
    for number in range(5):
        visitor(agent=f"{BROWSER_AGENT} reader/{number}").get(path)
        visitor(agent=f"{BROWSER_AGENT} reader/{number}").get(path)
    analytics.flush()
    with time_machine.travel(timezone.now() + timedelta(days=1)):
        errors = run_in_threads(lambda number: roll_up_event_visitors(publication_today()))
    assert errors == []
    assert campaign_counts(campaign) == (0, 10, 5)
