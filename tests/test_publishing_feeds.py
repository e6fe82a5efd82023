"""RSS 2.0, Atom and JSON Feed 1.1 parse, carry full text and corrections, and are discoverable."""

from __future__ import annotations

import json
from typing import Any
from xml.etree import ElementTree

import feedparser
import pytest
from django.test import Client

from atlas.publishing import services
from atlas.publishing.models import Author, Publication, Tag


@pytest.fixture
def stories(make_post: Any, tag: Tag, byline: Author) -> list[Any]:
    other_tag = Tag.objects.create(name="Climate", slug="climate")
    other_author = Author.objects.create(name="Bo Byline", slug="bo-byline")
    trade = make_post(
        "Tariff talks stall", tags=[tag], body="Talks stalled.[^1]\n\n[^1]: Ministry notes."
    )
    climate = make_post("Heat record falls", tags=[other_tag], authors=[other_author])
    services.add_correction(trade, "An earlier version misnamed the ministry.")
    return [trade, climate]


@pytest.mark.parametrize("path", ["/feed/", "/feed/atom/"])
def test_site_feeds_parse_cleanly(client: Client, stories: list[Any], path: str) -> None:
    response = client.get(path)
    parsed = feedparser.parse(response.content)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.feed.title == "Atlas News"
    assert [entry.title for entry in parsed.entries] == ["Tariff talks stall", "Heat record falls"]
    trade = parsed.entries[0]
    assert trade.link == "http://127.0.0.1:8000/posts/tariff-talks-stall/"
    content = trade.content[0].value
    assert "Talks stalled." in content and "misnamed the ministry" in content
    assert trade.get("published_parsed" if path == "/feed/" else "updated_parsed") is not None
    assert [term.term for term in trade.tags] == ["Trade"]


def test_rss_is_well_formed_xml_with_content_encoded(client: Client, stories: list[Any]) -> None:
    root = ElementTree.fromstring(client.get("/feed/").content)
    assert root.tag == "rss" and root.get("version") == "2.0"
    items = root.findall("./channel/item")
    assert len(items) == 2
    namespace = "{http://purl.org/rss/1.0/modules/content/}encoded"
    assert all(item.find(namespace) is not None for item in items)
    assert all(item.findtext("guid") for item in items)
    assert root.findtext("./channel/language") == Publication.current().language


def test_json_feed_follows_version_1_1(client: Client, stories: list[Any]) -> None:
    response = client.get("/feed.json")
    assert response["Content-Type"].startswith("application/feed+json")
    feed = json.loads(response.content)
    assert feed["version"] == "https://jsonfeed.org/version/1.1"
    assert feed["title"] == "Atlas News" and feed["home_page_url"].startswith("http")
    assert feed["feed_url"] == "http://127.0.0.1:8000/feed.json"
    for item in feed["items"]:
        assert {"id", "url", "title", "content_html", "date_published", "authors"} <= item.keys()
    assert "misnamed the ministry" in feed["items"][0]["content_html"]


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/tags/trade/feed/", ["Tariff talks stall"]),
        ("/tags/climate/feed/atom/", ["Heat record falls"]),
        ("/authors/bo-byline/feed/", ["Heat record falls"]),
        ("/authors/ada-reporter/feed/atom/", ["Tariff talks stall"]),
    ],
)
def test_scoped_feeds_list_only_their_posts(
    client: Client, stories: list[Any], path: str, expected: list[str]
) -> None:
    parsed = feedparser.parse(client.get(path).content)
    assert not parsed.bozo
    assert [entry.title for entry in parsed.entries] == expected


@pytest.mark.parametrize("path", ["/tags/climate/feed.json", "/authors/bo-byline/feed.json"])
def test_scoped_json_feeds(client: Client, stories: list[Any], path: str) -> None:
    feed = json.loads(client.get(path).content)
    assert [item["title"] for item in feed["items"]] == ["Heat record falls"]


@pytest.mark.parametrize(
    "path", ["/", "/posts/", "/posts/tariff-talks-stall/", "/corrections/", "/tags/trade/"]
)
def test_every_page_advertises_its_feeds(client: Client, stories: list[Any], path: str) -> None:
    html = client.get(path).content.decode()
    assert '<link rel="alternate" type="application/rss+xml"' in html
    assert 'type="application/atom+xml"' in html and 'type="application/feed+json"' in html
    if path.startswith("/tags/"):
        assert 'href="/tags/trade/feed/"' in html
