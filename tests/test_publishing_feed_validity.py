"""Every RSS and Atom feed passes the checks a feed validator makes: a language tag (not a
method's repr), dates in the format of each standard, unique absolute guids and ids, a channel
description, a self link on the publication's host and enclosures with a length."""

from __future__ import annotations

import re
from datetime import datetime
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urlsplit
from xml.etree import ElementTree

import feedparser
import pytest
from django.test import Client

from atlas.publishing.models import Author, Post, Publication, Tag

ATOM = "{http://www.w3.org/2005/Atom}"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
LANGUAGE_TAG = re.compile(r"^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})*$")  # BCP 47, as RSS and Atom use
RFC_3339 = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$")


@pytest.fixture
def feeds_with_stories(make_post: Any, tag: Tag, byline: Author) -> list[str]:
    publication = Publication.current()
    publication.description = ""  # a blank description must not make a blank channel
    publication.language = "pt-br"
    publication.save()
    make_post("Über die Brücke: façades & «quotes»", tags=[tag])
    make_post("Members' briefing", tags=[tag], visibility=Post.Visibility.MEMBERS)
    make_post("A second story", authors=[byline])
    scopes = ["", f"tags/{tag.slug}/", f"authors/{byline.slug}/"]
    return [f"/{scope}feed/" for scope in scopes]


def absolute_on_publication(url: str) -> bool:
    expected = urlsplit(Publication.current().base_url)
    parts = urlsplit(url)
    return (parts.scheme, parts.netloc) == (expected.scheme, expected.netloc)


def test_rss_feeds_pass_validator_checks(client: Client, feeds_with_stories: list[str]) -> None:
    for path in feeds_with_stories:
        response = client.get(path)
        assert response.status_code == 200, path
        assert "bound method" not in response.content.decode()
        channel = ElementTree.fromstring(response.content).find("channel")
        assert channel is not None
        assert channel.findtext("language") == "pt-br"
        assert LANGUAGE_TAG.match(channel.findtext("language") or "")
        assert (channel.findtext("title") or "").strip()
        assert (channel.findtext("description") or "").strip(), f"{path}: blank description"
        assert absolute_on_publication(channel.findtext("link") or "")
        self_link = channel.find(f"{ATOM}link[@rel='self']")
        assert self_link is not None and self_link.get("href", "").endswith(path)
        assert absolute_on_publication(self_link.get("href", ""))
        build_date = parsedate_to_datetime(channel.findtext("lastBuildDate") or "")
        assert build_date.tzinfo is not None
        items = channel.findall("item")
        assert items, path
        guids = [item.findtext("guid") or "" for item in items]
        assert len(set(guids)) == len(guids) and all(absolute_on_publication(g) for g in guids)
        for item in items:
            assert parsedate_to_datetime(item.findtext("pubDate") or "").tzinfo is not None
            for enclosure in item.findall("enclosure"):
                assert enclosure.get("url", "").startswith("http")
                assert int(enclosure.get("length", "0")) > 0
                assert "/" in enclosure.get("type", "")
        parsed = feedparser.parse(response.content)
        assert not parsed.bozo, parsed.get("bozo_exception")


def test_atom_feeds_pass_validator_checks(client: Client, feeds_with_stories: list[str]) -> None:
    for rss_path in feeds_with_stories:
        path = f"{rss_path}atom/"
        response = client.get(path)
        assert response.status_code == 200, path
        root = ElementTree.fromstring(response.content)
        assert root.get(XML_LANG) == "pt-br"
        assert absolute_on_publication(root.findtext(f"{ATOM}id") or "")
        assert RFC_3339.match(root.findtext(f"{ATOM}updated") or "")
        self_link = root.find(f"{ATOM}link[@rel='self']")
        assert self_link is not None and absolute_on_publication(self_link.get("href", ""))
        entries = root.findall(f"{ATOM}entry")
        assert entries, path
        ids = [entry.findtext(f"{ATOM}id") or "" for entry in entries]
        assert len(set(ids)) == len(ids) and all(absolute_on_publication(i) for i in ids)
        for entry in entries:
            for name in ("updated", "published"):
                stamp = entry.findtext(f"{ATOM}{name}") or ""
                assert RFC_3339.match(stamp), (name, stamp)
                assert datetime.fromisoformat(stamp).tzinfo is not None
            assert entry.findtext(f"{ATOM}author/{ATOM}name")  # Atom requires an author
            for enclosure in entry.findall(f"{ATOM}link[@rel='enclosure']"):
                assert int(enclosure.get("length", "0")) > 0
        parsed = feedparser.parse(response.content)
        assert not parsed.bozo, parsed.get("bozo_exception")
        assert parsed.feed.get("language") == "pt-br"
