"""The newsroom's search: one box over what the apps registered at
`publishing.newsroom_search` (posts in every status, members)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_safe

from atlas.newsroom.access import staff_view
from atlas.newsroom.attention import visible_posts
from atlas.newsroom.roles import Permission
from atlas.newsroom.views import page
from atlas.publishing.hooks import newsroom_search


@staff_view(Permission.POSTS)
@require_safe
def search(request: HttpRequest) -> HttpResponse:
    text = request.GET.get("q", "").replace("\x00", "")[:400]
    sections = []
    if text.strip():
        posts = visible_posts(request.user)
        for searcher in newsroom_search.items():
            sections.extend(searcher(request, text, posts))
    return page(request, "newsroom/search.html", {"q": text, "sections": sections})
