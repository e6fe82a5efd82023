"""Django's database sessions, read by a query compiled once per process.

Every request of a signed-in reader reads its session: Django's `SessionStore` builds the same
`SELECT` through the ORM every time, which costs more than running it (atlas.lib.compiled).
This store runs the compiled query instead; everything else is Django's own.
"""

from __future__ import annotations

from datetime import UTC, datetime

from django.contrib.sessions.backends import db
from django.contrib.sessions.models import Session
from django.utils import timezone

from atlas.lib.compiled import CompiledQuery

_unexpired_session = CompiledQuery(
    Session,
    lambda key, now: Session.objects.filter(session_key=key, expire_date__gt=now).order_by(),
    "atlas-sample-session-key",
    datetime(1901, 2, 3, 4, 5, 7, 654321, tzinfo=UTC),
)


class SessionStore(db.SessionStore):
    def _get_session_from_db(self) -> Session | None:
        if self.session_key is None:  # not a valid key (Django's store reads nothing either)
            return None
        found = _unexpired_session(self.session_key, timezone.now())
        if not found:
            self._session_key = None
            return None
        return found[0]
