"""The local secret key: generated once, kept in a file only its owner can read."""

import os
import secrets
from pathlib import Path


def load_or_create_secret_key(path: Path) -> str:
    """Return the key stored at `path`, creating it (mode 0600) on first use."""
    try:
        return path.read_text().strip()
    except FileNotFoundError:
        pass
    # Written whole under a temporary name, then linked into place: a process that loses the
    # race to create it never reads a half-written key.
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(6)}")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w") as key_file:
        key_file.write(secrets.token_urlsafe(50))
    try:
        os.link(temporary, path)
    except FileExistsError:  # another process won the race: use its key
        pass
    finally:
        temporary.unlink()
    return path.read_text().strip()
