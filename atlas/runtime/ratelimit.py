"""Fixed-window rate limits, counted exactly across processes.

Redis (INCR + EXPIRE) when REDIS_URL is set; otherwise one upserted row per key and window in
the database. Both are atomic, so concurrent requests cannot slip past a limit. While Redis
cannot be reached, the database counts (one log line per minute says so): a reader's sign-up
or sign-in never fails because the counter is away.
"""

from __future__ import annotations

import hashlib
import logging
import time
from dataclasses import dataclass
from functools import cache

from django.conf import settings
from django.db import connection, transaction

from atlas.runtime.models import RateCounter

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Limit:
    """At most `hits` per `seconds`."""

    hits: int
    seconds: int


def _key(scope: str, subject: str) -> str:
    digest = hashlib.sha256(subject.strip().lower().encode()).hexdigest()[:32]
    return f"{scope}:{digest}"


def hit(scope: str, subject: str, limit: Limit) -> bool:
    """Count one hit; True while the subject is within the limit."""
    now = int(time.time())
    window_start = now - now % limit.seconds
    key = _key(scope, subject)
    count = None
    if settings.REDIS_URL:
        redis_key = f"{settings.ATLAS_CACHE_PREFIX}:rate:{key}:{window_start}"
        count = _redis_hit(redis_key, limit.seconds)
    if count is None:
        count = _database_hit(key, window_start)
    return count <= limit.hits


@cache
def _redis_client():
    import redis

    return redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=1.0, socket_timeout=1.0)


def _redis_hit(key: str, seconds: int) -> int | None:
    """The key's count after this hit, or None while Redis cannot be reached."""
    import redis

    pipeline = _redis_client().pipeline()
    pipeline.incr(key)
    pipeline.expire(key, seconds + 5)
    try:
        count, _ = pipeline.execute()
    except redis.RedisError as error:
        _say_redis_is_away(error)
        return None
    return int(count)


_last_said = 0.0


def _say_redis_is_away(error: Exception) -> None:
    global _last_said
    now = time.monotonic()
    if now - _last_said >= 60:
        _last_said = now
        logger.warning("Rate limits counted in the database: Redis is unreachable (%s).", error)


def _database_hit(key: str, window_start: int) -> int:
    table = RateCounter._meta.db_table
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (key, window_start, hits) VALUES (%s, %s, 1) "
            "ON CONFLICT (key, window_start) DO UPDATE SET hits = "
            f"{table}.hits + 1 RETURNING hits",
            [key, window_start],
        )
        (count,) = cursor.fetchone()
    return int(count)


def reset_redis_counters() -> None:
    """Forget every counter kept in Redis (tests, or an operator lifting a block)."""
    client = _redis_client()
    for key in client.scan_iter(match=f"{settings.ATLAS_CACHE_PREFIX}:rate:*", count=1000):
        client.delete(key)


def prune(older_than_seconds: int = 2 * 24 * 3600) -> int:
    """Delete windows that ended long ago (a periodic job)."""
    cutoff = int(time.time()) - older_than_seconds
    deleted, _ = RateCounter.objects.filter(window_start__lt=cutoff).delete()
    return deleted
