"""When a feed is polled next: backoff, jitter, reset, Retry-After and 410."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest

from ingest.models import FetchResult
from ingest.schedule import FeedHealth, backoff_delay, is_due, next_health

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
BASE = timedelta(minutes=15)
HEALTHY = FeedHealth(consecutive_failures=0, next_fetch_at=None, enabled=True, disabled_reason=None)


def result(outcome: str, **fields: object) -> FetchResult:
    return FetchResult("https://example.org/feed", "https://example.org/feed", outcome, **fields)  # type: ignore[arg-type]


def fail_times(n: int, outcome: str = "timeout", seed: int = 1) -> FeedHealth:
    rng = random.Random(seed)
    health = HEALTHY
    for _ in range(n):
        health = next_health(health, result(outcome), NOW, rng=rng)
    return health


def test_next_health_backoff_doubles_with_each_failure() -> None:
    delays = [fail_times(n).next_fetch_at - NOW for n in range(1, 6)]  # type: ignore[operator]
    for n, delay in enumerate(delays, start=1):
        nominal = BASE * 2 ** (n - 1)
        assert nominal * 0.8 <= delay <= nominal * 1.2, (n, delay)
    assert fail_times(5).consecutive_failures == 5


def test_next_health_backoff_caps_at_a_day() -> None:
    for n in (8, 20, 500, 10_000):  # 15 min · 2^7 is already past 24 h; huge counts must not overflow
        health = next_health(FeedHealth(n - 1, None, True, None), result("http_error", status=500), NOW,
                             rng=random.Random(n))
        delay = health.next_fetch_at - NOW  # type: ignore[operator]
        assert timedelta(hours=24) * 0.8 <= delay <= timedelta(hours=24) * 1.2


def test_backoff_delay_jitter_stays_within_bounds_and_varies() -> None:
    rng = random.Random(7)
    delays = [backoff_delay(3, rng) for _ in range(2000)]
    nominal = BASE * 4
    assert min(delays) >= nominal * 0.8
    assert max(delays) <= nominal * 1.2
    # Spread out, not a constant: feeds that failed together must not all come back at once.
    assert max(delays) - min(delays) > nominal * 0.3


@pytest.mark.parametrize("outcome", ["ok", "not_modified"])
def test_next_health_success_resets_failures_and_is_due_next_run(outcome: str) -> None:
    failing = fail_times(6)
    assert not is_due(failing, NOW)
    health = next_health(failing, result(outcome, status=200), NOW, rng=random.Random(0))
    assert health == FeedHealth(0, None, True, None)
    assert is_due(health, NOW)


def test_next_health_honours_retry_after() -> None:
    when = NOW + timedelta(hours=2)
    health = next_health(HEALTHY, result("rate_limited", status=429, retry_after=when), NOW, rng=random.Random(0))
    assert health.next_fetch_at == when
    assert health.consecutive_failures == 1
    assert not is_due(health, when - timedelta(seconds=1))
    assert is_due(health, when)


def test_next_health_caps_retry_after_at_a_day() -> None:
    far = NOW + timedelta(days=30)
    health = next_health(HEALTHY, result("rate_limited", status=503, retry_after=far), NOW, rng=random.Random(0))
    assert health.next_fetch_at == NOW + timedelta(hours=24)


@pytest.mark.parametrize("delta", [timedelta(0), timedelta(seconds=5), -timedelta(hours=1)], ids=["now", "5s", "past"])
def test_next_health_retry_after_never_sooner_than_base_interval(delta: timedelta) -> None:
    health = next_health(HEALTHY, result("rate_limited", status=429, retry_after=NOW + delta), NOW,
                         rng=random.Random(0))
    assert health.next_fetch_at == NOW + BASE


def test_next_health_rate_limited_without_retry_after_backs_off() -> None:
    health = next_health(FeedHealth(2, None, True, None), result("rate_limited", status=429), NOW,
                         rng=random.Random(0))
    delay = health.next_fetch_at - NOW  # type: ignore[operator]
    assert BASE * 4 * 0.8 <= delay <= BASE * 4 * 1.2


def test_next_health_gone_disables_feed_visibly() -> None:
    health = next_health(HEALTHY, result("gone", status=410), NOW, rng=random.Random(0))
    assert health.enabled is False
    assert health.disabled_reason == "410 Gone"
    assert health.consecutive_failures == 1
    assert not is_due(health, NOW + timedelta(days=365))


def test_is_due_respects_next_fetch_at_and_enabled() -> None:
    later = NOW + timedelta(minutes=30)
    assert is_due(FeedHealth(1, later, True, None), later)
    assert not is_due(FeedHealth(1, later, True, None), NOW)
    assert not is_due(FeedHealth(0, None, False, "disabled by hand"), NOW)


def test_schedule_refuses_naive_now() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        is_due(HEALTHY, datetime(2026, 3, 1, 12, 0))
