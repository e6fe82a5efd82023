"""Related stories: three posts like this one, from the search index.

The method (README, "Search"): the post's public text gives its top weighted terms (a term's
count in the title times 5, in the subtitle and tags times 2, in a public body times 1; common
English words left out). Those terms, joined by OR, are a query over the other published posts'
public text; bm25 (SQLite) or ts_rank_cd (PostgreSQL) weighs rare terms above common ones. The
best 20 are re-scored: 0.6 x relevance (relative to the best) + 0.25 x the share of this post's
tags they carry + 0.15 x a recency decay (halving every 90 days), and the top three shown. Only
public text is ever read or shown; the post itself, drafts and scheduled posts never appear.
Results are cached until the site's content changes (a post published, edited, removed); while
the shared cache is unreachable they are computed for each page.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone

from atlas.lib import pagecache
from atlas.publishing.models import Post, tags_of
from atlas.search.backends import Scope, backend
from atlas.search.query import SearchQuery, Term

COUNT = 3
TERMS = 10
POOL = 20
CANDIDATES = 200  # the newest matches (and title matches) ranked: ten OR-ed terms match most posts
HALF_LIFE_DAYS = 90.0
_WORD = re.compile(r"[^\W\d_]{3,30}")
_COMMON_WORDS = """about above after again against also among because been before being below
    between both
    could did does doing down during each even every from further had has have having here
    how into its itself just more most much must never not now off once only other ought our
    ours out over own said same says she should since some such than that the their theirs them
    then there these they this those through under until upon very was were what when where
    which while who whom why will with would year years you your and for are but can all any
    one two three new like may many she her his him its per via"""
STOPWORDS = frozenset(_COMMON_WORDS.split())


def top_terms(post: Post, tag_names: list[str]) -> list[str]:
    weights: Counter[str] = Counter()
    fields = [(post.title, 5), (post.subtitle, 2), (" ".join(tag_names), 2)]
    if post.visibility == Post.Visibility.PUBLIC:
        fields.append((post.body, 1))
    for text, weight in fields:
        for word in _WORD.findall(text):
            word = word.lower()
            if word not in STOPWORDS:
                weights[word] += weight
    return [word for word, _ in weights.most_common(TERMS)]


@dataclass(frozen=True)
class RelatedStory:
    title: str
    url: str
    published_at: datetime | None


def related_posts(post: Post, now: datetime | None = None) -> list[RelatedStory]:
    """Three published posts like `post`, cached until the site's content changes (so an
    article page served from the cache costs no query)."""
    key = f"search:related:{post.pk}:{pagecache.content_version()}"
    stories = pagecache.cached(key)
    if stories is None:
        ids = compute_related(post, now)
        found = Post.objects.published().only("title", "slug", "published_at").in_bulk(ids)
        stories = [
            RelatedStory(found[pk].title, found[pk].get_absolute_url(), found[pk].published_at)
            for pk in ids
            if pk in found
        ]
        pagecache.keep(key, stories, 24 * 3600)
    return stories


def compute_related(post: Post, now: datetime | None = None) -> list[int]:
    now = now or timezone.now()
    tags = tags_of(post)
    terms = top_terms(post, [tag.name for tag in tags])
    if not terms:
        return []
    query = SearchQuery(groups=[[Term((term,)) for term in terms]])
    others = Post.objects.published(now).articles().exclude(pk=post.pk)
    scored, _, _ = backend().rank(
        query, Scope.of(others, ""), False, 0, POOL, candidates=CANDIDATES
    )
    if not scored:
        return []
    best = max(score for _, score in scored) or 1.0
    tag_ids = {tag.pk for tag in tags}
    shared = Counter(
        Post.tags.through.objects.filter(
            post_id__in=[pk for pk, _ in scored], tag_id__in=tag_ids
        ).values_list("post_id", flat=True)
    )
    dates = dict(others.filter(pk__in=[pk for pk, _ in scored]).values_list("pk", "published_at"))

    def blended(item: tuple[int, float]) -> float:
        pk, score = item
        published_at = dates.get(pk) or now
        age_days = max(0.0, (now - published_at).total_seconds() / 86400)
        return (
            0.6 * score / best
            + 0.25 * shared[pk] / max(1, len(tag_ids))
            + 0.15 * 0.5 ** (age_days / HALF_LIFE_DAYS)
        )

    ranked = sorted((item for item in scored if item[0] in dates), key=blended, reverse=True)
    return [pk for pk, _ in ranked[:COUNT]]
