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


RESPONSE_VARIANTS: list[dict[str, Any]] = [
    {},
    {"_csp_update": {"style-src": ["'sha256-abc='"]}},
    {"_csp_replace": {"frame-ancestors": ["'self'"], "script-src": None}},
    {"_csp_update": {"img-src": {"https://b.example", "https://a.example"}}},
    {"_csp_config": {"default-src": ["'none'"], "upgrade-insecure-requests": True}},
    {"_csp_exempt": True},
]


def test_the_kept_header_is_the_one_django_csp_builds(rf: Any, settings: Any) -> None:
    """Each response's header, built once and kept, is what django-csp's own middleware writes
    for the same response, the first time and again; report-only too."""
    from csp.middleware import CSPMiddleware as DjangoCSPMiddleware
    from django.http import HttpResponse

    from atlas.lib.csp import CSPMiddleware

    settings.CONTENT_SECURITY_POLICY_REPORT_ONLY = {"DIRECTIVES": {"default-src": ["'self'"]}}
    for variant in RESPONSE_VARIANTS:
        written = []
        for middleware in (DjangoCSPMiddleware, CSPMiddleware, CSPMiddleware):
            request, response = rf.get("/posts/a/"), HttpResponse("")
            for name, value in variant.items():
                setattr(response, name, value)
            instance = middleware(HttpResponse)
            instance.process_request(request)
            instance.process_response(request, response)
            written.append(
                {
                    header: response.get(header)
                    for header in (
                        "Content-Security-Policy",
                        "Content-Security-Policy-Report-Only",
                    )
                }
            )
        assert written[0] == written[1] == written[2], variant
    assert written[0]["Content-Security-Policy"] is None  # the exempt one


def test_a_changed_policy_setting_is_followed(client: Client, article: Post, settings: Any) -> None:
    assert "'none'" in directives(client.get(article.get_absolute_url()))["object-src"]
    policy = settings.CONTENT_SECURITY_POLICY
    settings.CONTENT_SECURITY_POLICY = {
        "DIRECTIVES": {**policy["DIRECTIVES"], "object-src": ["'self'"]}
    }
    assert directives(client.get(article.get_absolute_url()))["object-src"] == "object-src 'self'"
