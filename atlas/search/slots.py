"""What search adds to other apps' pages and emails (registered in apps.py)."""

from __future__ import annotations

from typing import Any

from django.template import Context
from django.template.loader import render_to_string

from atlas.publishing.models import Publication
from atlas.search.models import NewsletterFooter
from atlas.search.related import related_posts


def article_end(context: Context) -> str:
    """Related stories after the article (not in previews)."""
    post = context.get("post")
    if post is None or context.get("preview") or not post.pk:
        return ""
    flat = {"related_posts": related_posts(post), "publication": context.get("publication")}
    return render_to_string("search/related.html", flat)


def _email_context(send: Any) -> dict[str, Any] | None:
    if send.pk is None:  # a preview of a send not made yet: no newsletters chosen
        return None
    newsletter_ids = list(send.newsletters.values_list("pk", flat=True))
    if not NewsletterFooter.objects.filter(
        newsletter_id__in=newsletter_ids, related_stories=True
    ).exists():
        return None
    return {"related_posts": related_posts(send.post), "publication": Publication.current()}


def email_html(send: Any) -> str:
    context = _email_context(send)
    return render_to_string("search/email_related.html", context) if context else ""


def email_text(send: Any) -> str:
    context = _email_context(send)
    return render_to_string("search/email_related.txt", context).strip() if context else ""
