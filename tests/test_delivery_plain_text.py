"""The newsletter's plain-text part is readable text, not Markdown source."""

from __future__ import annotations

from typing import Any

from atlas.delivery import rendering
from atlas.delivery.models import Send
from atlas.lib.markdown import render_markdown
from atlas.lib.plaintext import html_to_text

BODY = """Prices rose in [Évora](https://example.org/evora) & Lisbon.[^1]

## The numbers

| Town | Share | Votes |
|:--|:-:|--:|
| Évora | 12% | 1,204 |
| Lisbon | 8% | 98 |

> "We held the line," she said.

- dockers
- pilots

[^1]: Figures from the [port authority](https://port.example/report).
"""


def test_links_become_text_with_the_address_in_brackets() -> None:
    text = html_to_text(render_markdown(BODY))
    assert "Évora (https://example.org/evora) & Lisbon.[1]" in text
    assert "](" not in text and "[^1]" not in text


def test_footnotes_come_at_the_end_numbered() -> None:
    text = html_to_text(render_markdown(BODY))
    assert text.rstrip().endswith(
        "[1] Figures from the port authority (https://port.example/report)."
    )
    assert "↩" not in text


def test_tables_are_aligned_text_keeping_right_aligned_columns() -> None:
    text = html_to_text(render_markdown(BODY))
    assert "  " not in text  # padding survives DKIM's relaxed canonical form (no space runs)
    lines = text.replace("\u00a0", " ").splitlines()
    header = lines.index("Town    Share  Votes")
    assert lines[header + 1] == "------  -----  -----"
    assert lines[header + 2] == "Évora    12%   1,204"
    assert lines[header + 3] == "Lisbon    8%      98"
    assert "| --- |" not in "\n".join(lines)


def test_headings_quotes_and_lists_read_as_text() -> None:
    text = html_to_text(render_markdown(BODY))
    assert "The numbers\n===========" in text
    assert '> "We held the line," she said.' in text.replace("“", '"').replace("”", '"')
    assert "- dockers\n- pilots" in text


def test_long_paragraphs_wrap_without_breaking_addresses() -> None:
    url = "https://example.org/" + "a" * 90
    text = html_to_text(render_markdown(("word " * 40) + f"[here]({url})"))
    assert all(len(line) <= 72 for line in text.splitlines() if url not in line)
    assert url in text


def test_the_email_text_part_is_rendered_text(make_post: Any) -> None:
    post = make_post("Tom & Jerry's harbour", body=BODY)
    text, html = rendering.render_parts(Send(post=post, subject=post.title), full=True)
    assert text.startswith("Tom & Jerry's harbour\n")
    assert "Évora (https://example.org/evora)" in text and "| --- |" not in text
    assert "[1] Figures from the port authority" in text
    assert 'class="align-right"' in html and "text-align: right" in html
