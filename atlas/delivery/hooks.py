"""Extension points that delivery owns: blocks other apps add to a newsletter email.

A block is rendered once per send (not per recipient), for readers who get the post in full, at a
position of the email template (`delivery/email/post.html` and `post.txt`):

- `after_body`: after the post's text (the Sponsored block).
- `footer`: before the email's footer (e.g. related stories).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from atlas.lib.hooks import ExtensionPoint

POSITIONS = {
    "after_body": "After the post's text, for readers who get it in full.",
    "footer": "Before the footer, for every reader.",
}


@dataclass(frozen=True)
class EmailBlock:
    """`html(send)` and `text(send)` return the block for the HTML and plain-text parts ("" for
    none). They run once per send, so they may query."""

    html: Callable[[Any], str]
    text: Callable[[Any], str]


email_blocks: ExtensionPoint[EmailBlock] = ExtensionPoint(
    "delivery.email_blocks",
    "Blocks other apps add to every newsletter email, by position (see this module).",
    keys=dict(POSITIONS),
)


def register_email_block(position: str, block: EmailBlock, *, order: int = 100) -> EmailBlock:
    return email_blocks.register(block, key=position, order=order, caller_depth=2)


def render_blocks(position: str, send: Any) -> tuple[str, str]:
    """(html, text) of every block registered at `position`, for one send."""
    blocks = email_blocks.items(position)
    html = "".join(block.html(send) for block in blocks)
    text = "\n\n".join(part for part in (block.text(send) for block in blocks) if part)
    return html, text
