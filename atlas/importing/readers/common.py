"""What the readers share: opening files in zips, dates, slugs."""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import IO

from django.utils.text import slugify


class ExportError(Exception):
    """The file is not an export Atlas can read: the message says why, for the person importing."""


def parse_time(text: str | None) -> datetime | None:
    """A time from an export (ISO 8601 with or without zone, `2024-05-01 10:00:00`), in UTC."""
    if not text:
        return None
    text = str(text).strip().removesuffix(" UTC")
    if not text or text.startswith("0000-00-00"):
        return None
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def slug_of(text: str, fallback: str = "post") -> str:
    return slugify(text, allow_unicode=True)[:190] or fallback


def last_path_part(url: str) -> str:
    return (
        [part for part in re.split(r"[/?#]", url.split("://", 1)[-1]) if part][-1:][0]
        if url
        else ""
    )


@contextmanager
def open_member(path: Path, suffixes: tuple[str, ...]) -> Iterator[IO[bytes]]:
    """The file itself, or the first member of a zip whose name ends with one of `suffixes`."""
    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as archive:
            name = next(
                (
                    name
                    for name in archive.namelist()
                    if name.lower().endswith(suffixes) and "__MACOSX" not in name
                ),
                None,
            )
            if name is None:
                raise ExportError(f"The zip holds no {' or '.join(suffixes)} file.")
            with archive.open(name) as member:
                yield member
        return
    with path.open("rb") as file:
        yield file
