"""The Content-Security-Policy of every page: strict, with the accent's hash; looser only for the
third-party staff pages listed in ATLAS_CSP_INLINE_PREFIXES."""

from __future__ import annotations

from typing import Any

from django.test import Client

from atlas.publishing.models import Post, Publication


def directives(response: Any) -> dict[str, str]:
    policy = response["Content-Security-Policy"]
    return {part.split()[0]: part.strip() for part in policy.split(";") if part.strip()}


def test_pages_get_the_strict_policy_with_the_accent_s_hash(client: Client, article: Post) -> None:
    publication = Publication.current()
    found = directives(client.get(article.get_absolute_url()))
    assert found["default-src"] == "default-src 'self'"
    assert found["script-src"] == "script-src 'self'"
    assert found["object-src"] == "object-src 'none'" and found["base-uri"] == "base-uri 'none'"
    assert found["frame-ancestors"] == "frame-ancestors 'none'"
    assert publication.accent_style_source in found["style-src"]
    assert f"<style>{publication.accent_style}</style>" in client.get("/").content.decode()


def test_listed_third_party_pages_may_run_their_inline_code(settings: Any, db: Any) -> None:
    settings.ATLAS_CSP_INLINE_PREFIXES = ["/admin/django_rq/"]
    client = Client()
    loose = directives(client.get("/admin/django_rq/dashboard/"))
    assert "'unsafe-inline'" in loose["script-src"] and "'unsafe-inline'" in loose["style-src"]
    assert "sha256" not in loose["style-src"]  # a hash would void 'unsafe-inline'
    strict = directives(client.get("/admin/login/"))
    assert "'unsafe-inline'" not in strict["script-src"] + strict["style-src"]
