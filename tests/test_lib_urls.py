"""Links built once per process are the links reverse() gives."""

from __future__ import annotations

from django.urls import reverse, set_script_prefix
from hypothesis import given
from hypothesis import strategies as st

from atlas.lib.urls import url_for, url_with_slug

# Slugs as SlugField(allow_unicode=True) accepts them: letters, digits, "-" and "_".
SLUGS = st.text(
    alphabet=st.characters(categories=["Ll", "Lu", "Lo", "Nd"], include_characters="-_"),
    min_size=1,
    max_size=40,
)


@given(slug=SLUGS)
def test_slug_links_match_reverse(slug: str) -> None:
    for name in ("publishing:post", "publishing:tag", "publishing:author", "discussions:create"):
        assert url_with_slug(name, slug) == reverse(name, args=[slug])


def test_links_follow_the_script_prefix() -> None:
    try:
        set_script_prefix("/news/")
        assert url_for("members:sign_in") == reverse("members:sign_in")
        assert url_with_slug("publishing:post", "été") == reverse("publishing:post", args=["été"])
        assert url_with_slug("publishing:post", "été").startswith("/news/")
    finally:
        set_script_prefix("/")
    assert not url_for("members:sign_in").startswith("/news/")
