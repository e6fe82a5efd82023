"""Django's database sessions, read with the account they are signed in to, in one query.

Every request of a signed-in reader reads its session, then its user and member row. This store
keeps the account's id in a column of the session's row (`models.Session.user`, set whenever the
session is saved) and reads the session, the user and the member together, by a query compiled
once per process (atlas.lib.compiled). Django's authentication then asks the account backend for
the user the session names (`accounts.MemberAccountBackend.get_user`), which takes the one read
with the session when it is the same account (`account()`), and reads it otherwise. Django still
checks the session against the user's password hash, read in the same query: signing out
everywhere (`services.end_all_sessions`) takes effect on the next request, as before.

Decoding a session's data checks its signature, which costs as much as reading it: the decoded
data of recent sessions is kept per process, keyed by the signed text itself (the same text
always decodes to the same data), for sessions whose values are all plain.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from django.contrib.auth import SESSION_KEY, get_user_model
from django.contrib.sessions.backends import db
from django.core.exceptions import ValidationError
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils import timezone

from atlas.lib.compiled import CompiledQuery
from atlas.members.models import Session

_unexpired_session = CompiledQuery(
    Session,
    lambda key, now: (
        Session.objects.select_related("user", "user__member")
        .filter(session_key=key, expire_date__gt=now)
        .order_by()
    ),
    "atlas-sample-session-key",
    datetime(1901, 2, 3, 4, 5, 7, 654321, tzinfo=UTC),
)
_PLAIN = (str, int, float, bool, type(None))  # values no one can change in place
KEPT_DECODED = 4096
# (store class, signed session data) -> the data's items: what `decode` found for this text.
_decoded: dict[tuple[type[Any], bytes | str], tuple[tuple[str, Any], ...]] = {}


class SessionStore(db.SessionStore):
    _account: Any = None

    @classmethod
    def get_model_class(cls) -> type[Session]:
        return Session

    def create_model_instance(self, data: dict[str, Any]) -> Session:
        session = super().create_model_instance(data)
        session.user_id = account_id(data)  # type: ignore[attr-defined]
        return session  # type: ignore[return-value]

    def _get_session_from_db(self) -> Session | None:
        self._account = None
        if self.session_key is None:  # not a valid key (Django's store reads nothing either)
            return None
        found = _unexpired_session(self.session_key, timezone.now())
        if not found:
            self._session_key = None
            return None
        self._account = found[0].user
        return found[0]

    def account(self, user_id: Any) -> Any:
        """The user read with this session, with their `member`, if it is account `user_id`."""
        account = self._account
        if account is None or str(account.pk) != str(user_id):
            return None
        return account

    def decode(self, session_data: bytes | str) -> dict[str, Any]:
        key = (type(self), session_data)
        kept = _decoded.get(key)
        if kept is not None:
            return dict(kept)
        data: dict[str, Any] = super().decode(session_data)
        if data and all(isinstance(value, _PLAIN) for value in data.values()):
            if len(_decoded) >= KEPT_DECODED:
                _decoded.clear()  # rarely: the sessions read since, kept again as they come
            _decoded[key] = tuple(data.items())
        return data


def account_id(data: dict[str, Any]) -> Any:
    """The id of the account a session's data is signed in to, or None."""
    value = data.get(SESSION_KEY)
    if value is None:
        return None
    try:
        return get_user_model()._meta.pk.to_python(value)
    except ValidationError:
        return None


@receiver(setting_changed)
def _forget_decoded(setting: str, **kwargs: Any) -> None:
    if setting in ("SECRET_KEY", "SECRET_KEY_FALLBACKS", "SESSION_SERIALIZER"):
        _decoded.clear()
