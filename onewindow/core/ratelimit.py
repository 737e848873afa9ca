"""A fixed-window rate limit kept in the database, so every server process counts together.

`rate_limited(key=…, limit=…, window_seconds=…)` counts one use of `key` in the current window
and answers whether the limit was already reached. A public page that answers guesses (the
progress page's number and query code) calls it before it looks anything up.
"""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.db.models import F

from onewindow.core import clock
from onewindow.core.models import RateBucket


def _window(now: dt.datetime, seconds: int) -> dt.datetime:
    epoch = int(now.timestamp())
    return dt.datetime.fromtimestamp(epoch - epoch % seconds, tz=dt.UTC)


def rate_limited(*, key: str, limit: int, window_seconds: int) -> bool:
    """Count one use of `key`; True when `limit` uses were already counted in this window."""
    start = _window(clock.now(), window_seconds)
    key = key[:120]
    bucket = RateBucket.objects.filter(key=key, window_start=start, hits__lt=limit)
    if bucket.update(hits=F("hits") + 1):
        return False
    try:
        with transaction.atomic():
            RateBucket.objects.create(key=key, window_start=start, hits=1)
    except IntegrityError:  # the window is open: full, or opened by another process a moment ago
        return not bucket.update(hits=F("hits") + 1)
    # A new window opened: forget every key's windows older than a day.
    RateBucket.objects.filter(window_start__lt=start - dt.timedelta(days=1)).delete()
    return False


def rate_refund(*, key: str, window_seconds: int) -> None:
    """Give back one use of `key` counted in this window: the use turned out not to be one the
    limit is about (the progress page counts wrong answers per case number, so it counts every
    look-up first, exactly under concurrency, and gives the right ones back)."""
    start = _window(clock.now(), window_seconds)
    RateBucket.objects.filter(key=key[:120], window_start=start, hits__gt=0).update(hits=F("hits") - 1)


def client_address(request: object) -> str:
    """The address a request came from, as Django sees it (behind the documented proxy, the proxy
    passes the client's address through gunicorn's forwarded-allow-ips)."""
    meta = getattr(request, "META", {})
    return str(meta.get("REMOTE_ADDR", "") or "unknown")


def limits_reached(*limits: tuple[str, int, int]) -> bool:
    """Count one use under each (key, limit, window_seconds); True when any was already reached.
    Every limit counts the attempt, so a client cannot spend one limit while waiting out another
    (the SMS codes: one a minute and ten a day per number, twenty an hour per address)."""
    reached = [rate_limited(key=key, limit=limit, window_seconds=window) for key, limit, window in limits]
    return any(reached)
