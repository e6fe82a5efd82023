"""Search engines and link previews: JSON-LD, OpenGraph, Twitter cards, canonical links."""

from __future__ import annotations

import json
import re
from typing import Any

from django.test import Client


def json_ld(html: str) -> dict[str, dict[str, Any]]:
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.DOTALL)
    return {item["@type"]: item for item in map(json.loads, blocks)}


def test_article_carries_news_article_and_breadcrumbs(
    client: Client, make_post: Any, tag: Any
) -> None:
    post = make_post("Ottawa hesitates </script><script>alert(1)</script>", tags=[tag])
    html = client.get(post.get_absolute_url()).content.decode()
    data = json_ld(html)
    article = data["NewsArticle"]
    assert article["headline"].startswith("Ottawa hesitates </script>")
    assert article["author"][0]["name"] == "Ada Reporter"
    assert article["isAccessibleForFree"] is True
    assert article["datePublished"] and article["dateModified"]
    crumbs = [item["name"] for item in data["BreadcrumbList"]["itemListElement"]]
    assert crumbs == ["Atlas News", "Posts", post.title]
    assert "<script>alert(1)" not in html


def test_open_graph_twitter_and_canonical(client: Client, make_post: Any) -> None:
    post = make_post(
        "Shared widely", seo_title="Better for search", seo_description="Why it matters."
    )
    html = client.get(post.get_absolute_url()).content.decode()
    assert '<meta property="og:type" content="article">' in html
    assert '<meta property="og:title" content="Better for search">' in html
    assert '<meta property="og:description" content="Why it matters.">' in html
    assert '<meta name="twitter:card" content="summary">' in html
    assert f'<link rel="canonical" href="http://127.0.0.1:8000{post.get_absolute_url()}">' in html
    assert "<title>Better for search · Atlas News</title>" in html


def test_canonical_override(client: Client, make_post: Any) -> None:
    post = make_post("Syndicated", canonical_url="https://partner.example/original")
    html = client.get(post.get_absolute_url()).content.decode()
    assert '<link rel="canonical" href="https://partner.example/original">' in html


def test_breadcrumb_and_article_parts_render(client: Client, make_post: Any, tag: Any) -> None:
    post = make_post(
        "Reference page",
        tags=[tag],
        subtitle="The standfirst.",
        body="One.\n\nTwo.\n\nThree.\n\nFour.",
    )
    html = client.get(post.get_absolute_url()).content.decode()
    assert re.search(r'<nav class="breadcrumb".*Atlas News.*Posts.*Reference page', html, re.DOTALL)
    assert "The standfirst." in html and "min read" in html and 'rel="tag"' in html
    assert (
        html.index("<p>Three.</p>")
        < html.index("<!-- slot: after_paragraph")
        < html.index("<p>Four.</p>")
    )
