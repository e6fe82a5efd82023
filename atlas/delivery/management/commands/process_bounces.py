"""Read returned mail (bounces, complaints, unsubscribe requests) from a Maildir or over IMAP.

Safe to run twice, or by two schedulers at once: a report applied again changes nothing more,
and a message is only put aside (Maildir) or marked seen (IMAP) after it was processed.
"""

from __future__ import annotations

import imaplib
import logging
import mailbox
import ssl
from collections import Counter
from pathlib import Path
from typing import Any
from urllib.parse import SplitResult, unquote, urlsplit

from django.core.management.base import BaseCommand, CommandError, CommandParser

from atlas.delivery.bounces import Kind, process_message

logger = logging.getLogger(__name__)

PROCESSED_FOLDER = "processed"
IMAP_TIMEOUT_SECONDS = 30


class Command(BaseCommand):
    help = "Apply bounces, complaints and unsubscribe requests waiting in a mailbox."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--maildir",
            metavar="PATH",
            help="A Maildir: its new/ and cur/ are read, then moved to its .processed folder.",
        )
        parser.add_argument(
            "--imap",
            metavar="URL",
            help="imaps://user:password@host:993/INBOX (imap:// requires STARTTLS): "
            "unseen messages are read, then marked seen.",
        )

    def handle(self, *args: Any, maildir: str | None, imap: str | None, **options: Any) -> None:
        if not maildir and not imap:
            raise CommandError("Give --maildir PATH or --imap URL.")
        tally: Counter[str] = Counter()
        if maildir:
            read_maildir(Path(maildir), tally)
        if imap:
            read_imap(imap, tally)
        self.stdout.write(summary(tally))


def process(raw: bytes, tally: Counter[str]) -> bool:
    """Process one message; False (and left where it is, to retry) if that failed."""
    try:
        outcome = process_message(raw)
    except Exception:
        logger.exception("Could not process a returned message; it is left to retry")
        tally["errors"] += 1
        return False
    tally[outcome.kind] += 1
    return True


def read_maildir(path: Path, tally: Counter[str]) -> None:
    if not (path / "new").is_dir() or not (path / "cur").is_dir():
        raise CommandError(f"{path} is not a Maildir (no new/ and cur/ in it).")
    inbox = mailbox.Maildir(path, factory=None, create=False)
    processed = inbox.add_folder(PROCESSED_FOLDER)
    for key in list(inbox.iterkeys()):  # a snapshot: messages leave the inbox as we go
        try:
            raw = inbox.get_bytes(key)
        except KeyError:  # another run took it meanwhile
            continue
        if process(raw, tally):
            _put_aside(inbox, processed, key)


def _put_aside(inbox: mailbox.Maildir, processed: mailbox.Maildir, key: str) -> None:
    try:
        message = inbox.get_message(key)
    except KeyError:
        return
    message.set_subdir("cur")
    message.add_flag("S")
    processed.add(message)
    inbox.discard(key)


def read_imap(url: str, tally: Counter[str]) -> None:
    parts = urlsplit(url)
    if parts.scheme not in ("imap", "imaps") or not parts.hostname or not parts.username:
        raise CommandError("The IMAP URL reads imaps://user:password@host:993/INBOX.")
    folder = unquote(parts.path.lstrip("/")) or "INBOX"
    try:
        with _connect(parts) as connection:
            connection.login(unquote(parts.username), unquote(parts.password or ""))
            _check(connection.select(_quoted(folder)), f"Cannot open the folder {folder}")
            _, found = connection.uid("SEARCH", "UNSEEN")
            for uid in found[0].split():
                _, fetched = connection.uid("FETCH", uid, "(BODY.PEEK[])")
                raw = next(item[1] for item in fetched if isinstance(item, tuple))
                if process(raw, tally):
                    connection.uid("STORE", uid, "+FLAGS", "(\\Seen)")
    except (imaplib.IMAP4.error, OSError) as error:
        raise CommandError(f"IMAP at {parts.hostname}: {error}") from error


def _connect(parts: SplitResult) -> imaplib.IMAP4:
    """A verified TLS connection, implicit (imaps) or by STARTTLS (imap): never in clear."""
    context = ssl.create_default_context()
    host = parts.hostname or ""
    if parts.scheme == "imaps":
        return imaplib.IMAP4_SSL(
            host, parts.port or 993, ssl_context=context, timeout=IMAP_TIMEOUT_SECONDS
        )
    connection = imaplib.IMAP4(host, parts.port or 143, timeout=IMAP_TIMEOUT_SECONDS)
    connection.starttls(ssl_context=context)
    return connection


def _check(response: tuple[str, list[Any]], message: str) -> None:
    if response[0] != "OK":
        raise CommandError(f"{message}: {response[1]}")


def _quoted(folder: str) -> str:
    return '"' + folder.replace("\\", "\\\\").replace('"', '\\"') + '"'


def summary(tally: Counter[str]) -> str:
    hard, soft = tally[Kind.HARD_BOUNCE], tally[Kind.SOFT_BOUNCE]
    lines = [
        f"Processed {sum(tally.values()) - tally['errors']} messages",
        f"  bounces: {hard + soft} ({hard} hard, {soft} soft)",
        f"  complaints: {tally[Kind.COMPLAINT]}",
        f"  unsubscribes: {tally[Kind.UNSUBSCRIBE]}",
        f"  unrecognised: {tally[Kind.UNRECOGNISED]}",
    ]
    if tally["errors"]:
        lines.append(f"  errors: {tally['errors']} (left in the mailbox to retry)")
    return "\n".join(lines)
