"""When each feed is polled next: backoff after failures, Retry-After, and disabling gone feeds.

Pure policy: no I/O and no clock (`now` and the random source are passed in), so a run can be replayed
and tested exactly. The store keeps a FeedHealth per feed; the pipeline asks is_due before fetching and
next_health after.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from ingest.models import FetchResult

MAX_BACKOFF = timedelta(hours=24)
JITTER = (0.8, 1.2)  # spreads feeds that failed together so they are not retried in one burst
GONE_REASON = "410 Gone"
_MAX_DOUBLINGS = 32  # 2**32 base intervals is far beyond the cap; stops the arithmetic from overflowing


@dataclass(frozen=True)
class FeedHealth:
    """What the store keeps per feed."""

    consecutive_failures: int
    next_fetch_at: datetime | None  # not polled before this time; None means due on the next run
    enabled: bool
    disabled_reason: str | None  # shown in the feed list: a disabled feed stays listed, never dropped


def next_health(
    prev: FeedHealth,
    result: FetchResult,
    now: datetime,
    *,
    rng: random.Random,
    base_interval: timedelta = timedelta(minutes=15),
) -> FeedHealth:
    """The feed's health after one fetch attempt that ended with `result` at `now` (timezone-aware)."""
    _require_aware(now)
    if result.ok:
        return FeedHealth(0, None, prev.enabled, prev.disabled_reason)
    failures = prev.consecutive_failures + 1
    if result.outcome == "gone":
        return FeedHealth(failures, None, False, GONE_REASON)
    if result.outcome == "rate_limited" and result.retry_after is not None:
        # The server said when; honour it, but never wait more than a day nor come back sooner than
        # one base interval (a Retry-After in the past or of 0 s must not cause a tight loop).
        wait_until = min(result.retry_after, now + MAX_BACKOFF)
        return FeedHealth(failures, max(wait_until, now + base_interval), prev.enabled, prev.disabled_reason)
    return FeedHealth(failures, now + backoff_delay(failures, rng, base_interval), prev.enabled, prev.disabled_reason)


def backoff_delay(failures: int, rng: random.Random, base_interval: timedelta = timedelta(minutes=15)) -> timedelta:
    """min(base · 2^(failures-1), 24 h) × a jitter factor in [0.8, 1.2]."""
    doublings = min(max(failures - 1, 0), _MAX_DOUBLINGS)
    delay = min(base_interval * (2**doublings), MAX_BACKOFF)
    return delay * rng.uniform(*JITTER)


def is_due(health: FeedHealth, now: datetime) -> bool:
    """Whether an enabled feed may be fetched at `now`; a disabled feed never is."""
    _require_aware(now)
    return health.enabled and (health.next_fetch_at is None or health.next_fetch_at <= now)


def _require_aware(now: datetime) -> None:
    # A naive time would compare wrongly with the stored UTC times, or raise deep in a run.
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("now must be a timezone-aware datetime")
