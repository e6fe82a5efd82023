"""Searching the archive: the reader's search, the staff's search, "did you mean".

Readers find what `Post.objects.published()` lets them see. A post they may not read in full
(`can_read`, the read policy) is found by its title, subtitle and tags only, and its snippet
comes from that public text, never from its body.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from atlas.publishing.hooks import can_read
from atlas.publishing.models import Author, Post, Tag
from atlas.search.backends import COUNT_CAP, MARK_END, MARK_START, Scope, Snippets, backend
from atlas.search.models import SearchWord
from atlas.search.query import SearchQuery, parse

PER_PAGE = 10
MAX_PAGE = 50
_MARKDOWN = re.compile(r"\[\^?\d+\]|[*_#>`|]+|\]\([^)]*\)|!?\[")
_VOCABULARY_WORD = re.compile(r"[^\W\d_]{3,40}")


@dataclass(frozen=True)
class Filters:
    tag: Tag | None = None
    author: Author | None = None
    since: date | None = None
    until: date | None = None

    def apply(self, posts: QuerySet[Post]) -> QuerySet[Post]:
        if self.tag is not None:
            posts = posts.filter(tags=self.tag)
        if self.author is not None:
            posts = posts.filter(authors=self.author)
        zone = timezone.get_current_timezone()
        if self.since is not None:
            posts = posts.filter(published_at__gte=datetime.combine(self.since, time(), zone))
        if self.until is not None:
            until = datetime.combine(self.until, time.max, zone)
            posts = posts.filter(published_at__lte=until)
        return posts


@dataclass
class Result:
    post: Post
    snippet: SafeString
    gated: bool
    score: float = 0.0


@dataclass
class SearchPage:
    query: SearchQuery
    results: list[Result]
    total: int
    number: int
    suggestion: str = ""
    partial: bool = False  # `total` is a lower bound (see backends.READ_WINDOW)

    @property
    def page_count(self) -> int:
        return min(MAX_PAGE, max(1, -(-self.total // PER_PAGE)))

    @property
    def shown_total(self) -> str:
        if self.total >= COUNT_CAP:
            return f"More than {COUNT_CAP - 1}"
        return f"At least {self.total}" if self.partial else str(self.total)

    @property
    def has_next(self) -> bool:
        return self.number < self.page_count

    @property
    def has_previous(self) -> bool:
        return self.number > 1


def _sql(posts: QuerySet[Post]) -> tuple[str, list[Any]]:
    sql, params = posts.order_by().values("pk").query.sql_with_params()
    return sql, list(params)


def reader_scope(request: HttpRequest, filters: Filters | None = None) -> Scope:
    """What a reader may find: published posts (filtered), gated bodies only if readable."""
    posts = (filters or Filters()).apply(Post.objects.published())
    gated = [choice for choice in Post.Visibility.values if choice != Post.Visibility.PUBLIC]
    readable = [
        visibility for visibility in gated if can_read(request, Post(visibility=visibility))
    ]
    if len(readable) == len(gated):
        return Scope.of(posts, None)
    if not readable:
        return Scope.of(posts, "")
    full_sql, full_params = _sql(Post.objects.filter(visibility__in=readable))
    return Scope.of(posts, full_sql, full_params)


def staff_scope(posts: QuerySet[Post]) -> Scope:
    """Every post in `posts` (drafts and scheduled too), with its whole text."""
    return Scope.of(posts, None)


def search(
    request: HttpRequest,
    text: str,
    filters: Filters | None = None,
    *,
    newest: bool = False,
    page: int = 1,
) -> SearchPage:
    query = parse(text)
    page = max(1, min(page, MAX_PAGE))
    if not query:
        return SearchPage(query, [], 0, page)
    scope = reader_scope(request, filters)
    ranking = backend().rank(query, scope, newest, (page - 1) * PER_PAGE, PER_PAGE)
    scored = ranking.page
    posts = Post.objects.published().for_listing().in_bulk([post_id for post_id, _ in scored])
    results = _results(request, query, [(posts[pk], score) for pk, score in scored if pk in posts])
    found = SearchPage(query, results, ranking.total, page, partial=ranking.partial)
    if not ranking.total:
        found.suggestion = suggestion(query, scope)
    return found


def search_posts(posts: QuerySet[Post], text: str, limit: int = 20) -> tuple[list[Post], int]:
    """Staff search over `posts` (any status), best first."""
    query = parse(text)
    if not query:
        return [], 0
    scored, total, _ = backend().rank(query, staff_scope(posts), False, 0, limit)
    found = posts.select_related(None).in_bulk([post_id for post_id, _ in scored])
    return [found[pk] for pk, _ in scored if pk in found], total


def _results(
    request: HttpRequest, query: SearchQuery, found: list[tuple[Post, float]]
) -> list[Result]:
    snippets = backend().snippets(query, [post.pk for post, _ in found])
    results = []
    for post, score in found:
        gated = not can_read(request, post)
        text = _snippet_text(snippets.get(post.pk), gated) or post.excerpt
        results.append(Result(post, highlight(text), gated, score))
    return results


def _snippet_text(snippets: Snippets | None, gated: bool) -> str:
    """The readable text with the most to show: never a gated body for a reader who may not
    read it."""
    if snippets is None:
        return ""
    if gated:
        return snippets.subtitle
    for text in (snippets.body, snippets.gated_body, snippets.subtitle):
        if MARK_START in text:
            return text
    return snippets.body or snippets.gated_body or snippets.subtitle


def highlight(text: str) -> SafeString:
    """Escape the snippet, then turn the backend's marks into <mark>."""
    text = _MARKDOWN.sub("", text).replace("\n", " ")
    escaped = str(escape(text))
    marked = escaped.replace(MARK_START, "<mark>").replace(MARK_END, "</mark>")
    if marked.count("<mark>") != marked.count("</mark>"):
        marked = marked.replace("<mark>", "").replace("</mark>", "")
    return mark_safe(marked)


# "Did you mean" ------------------------------------------------------------------------------


def suggestion(query: SearchQuery, scope: Scope) -> str:
    """The query with unknown words replaced by the closest known ones, if that finds posts."""
    known = set(SearchWord.objects.filter(word__in=query.words).values_list("word", flat=True))
    replacements = {}
    for word in query.words:
        if word in known or len(word) < 3 or word.isdigit():
            continue
        close = difflib.get_close_matches(word, backend().similar_words(word), n=1, cutoff=0.7)
        if close:
            replacements[word] = close[0]
    if not replacements:
        return ""
    better = query.with_words(replacements)
    return str(better) if backend().count(better, scope) else ""


def words_of(*texts: str) -> set[str]:
    return {word.lower() for text in texts for word in _VOCABULARY_WORD.findall(text)}


def learn_words(post: Post) -> None:
    """Add the words of a published post's title and subtitle to "did you mean"'s vocabulary
    (headline words: what people search for, and never a gated body's)."""
    words = words_of(post.title, post.subtitle)
    SearchWord.objects.bulk_create(
        [SearchWord(word=word) for word in words], ignore_conflicts=True, batch_size=500
    )


def rebuild_vocabulary() -> int:
    SearchWord.objects.all().delete()
    words: set[str] = set(words_of(*Tag.objects.values_list("name", flat=True)))
    for title, subtitle in Post.objects.published().values_list("title", "subtitle").iterator():
        words |= words_of(title, subtitle)
    SearchWord.objects.bulk_create(
        [SearchWord(word=word) for word in sorted(words)], ignore_conflicts=True, batch_size=2000
    )
    return len(words)
