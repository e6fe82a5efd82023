"""Countries, only with a local GeoIP database: looked up when views are written, kept as a code."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db.models import Sum
from django.test import Client
from django.utils import timezone
from mmdb_writer import MMDBWriter
from netaddr import IPSet

from atlas.analytics import geo, services
from atlas.analytics.counting import Buffer
from atlas.analytics.models import DailyCountryStats, PageViewCounter
from atlas.analytics.page_views import CountingMiddleware
from tests.factories import html_app, wsgi_get


@pytest.fixture
def geoip_database(tmp_path: Path, settings: Any) -> Iterator[Path]:
    """A small database in MaxMind's format: a country-only record and a city-style one."""
    writer = MMDBWriter(ip_version=6, database_type="GeoLite2-City", ipv4_compatible=True)
    writer.insert_network(IPSet(["203.0.113.0/24"]), {"country": {"iso_code": "NZ"}})
    writer.insert_network(
        IPSet(["198.51.100.0/24"]),
        {
            "country": {"iso_code": "FR", "names": {"en": "France"}},
            "city": {"names": {"en": "Lyon"}},
        },
    )
    path = tmp_path / "countries.mmdb"
    writer.to_db_file(str(path))
    settings.ATLAS_GEOIP_DATABASE = str(path)
    geo.forget()
    yield path
    geo.forget()


def counted_by_country() -> dict[str, int]:
    rows = PageViewCounter.objects.values_list("country").annotate(Sum("views")).order_by()
    return dict(rows)


@pytest.mark.django_db
def test_views_are_counted_by_country_and_rolled_up(
    geoip_database: Path, editor_client: Client
) -> None:
    middleware = CountingMiddleware(html_app, Buffer())
    for address in ("203.0.113.9", "203.0.113.77", "198.51.100.5", "192.0.2.1", "not an ip"):
        wsgi_get(middleware, REMOTE_ADDR=address)
    middleware.flush()
    assert counted_by_country() == {"NZ": 2, "FR": 1, "": 2}
    assert not PageViewCounter.objects.filter(path__contains="203.0.113").exists()
    services.rollup(timezone.localdate())
    services.rollup(timezone.localdate())  # idempotent
    assert dict(DailyCountryStats.objects.values_list("country", "views")) == {
        "NZ": 2, "FR": 1, "": 2,
    }  # fmt: skip
    page = editor_client.get("/newsroom/numbers/?range=7").content.decode()
    assert "Countries" in page and '<td>NZ</td><td class="nr-num">2</td>' in page
    csv = editor_client.get("/newsroom/numbers/?range=7&format=csv&table=countries")
    csv = csv.content.decode()
    assert csv.splitlines()[0] == "country,views"
    assert set(csv.splitlines()[1:]) == {"NZ,2", "FR,1", "(unknown),2"}


@pytest.mark.django_db
def test_without_a_database_no_country_is_looked_up(settings: Any, editor_client: Client) -> None:
    settings.ATLAS_GEOIP_DATABASE = ""
    geo.forget()
    middleware = CountingMiddleware(html_app, Buffer())
    wsgi_get(middleware, REMOTE_ADDR="203.0.113.9")
    middleware.flush()
    assert counted_by_country() == {"": 1}
    assert "Countries" not in editor_client.get("/newsroom/numbers/?range=7").content.decode()


@pytest.mark.django_db
def test_an_unreadable_database_counts_views_without_countries(
    settings: Any, tmp_path: Path, caplog: Any
) -> None:
    broken = tmp_path / "broken.mmdb"
    broken.write_bytes(b"not a database")
    settings.ATLAS_GEOIP_DATABASE = str(broken)
    geo.forget()
    middleware = CountingMiddleware(html_app, Buffer())
    wsgi_get(middleware, REMOTE_ADDR="203.0.113.9")
    middleware.flush()
    geo.forget()
    assert counted_by_country() == {"": 1}
    assert "cannot be read" in caplog.text
