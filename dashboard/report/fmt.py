"""How numbers, changes, dates and feed states are written in every format (one wording everywhere)."""

from __future__ import annotations

from datetime import date, datetime

from ingest.store.reads_report import FeedWeek


def number(n: int) -> str:
    return f"{n:,}"


def change(current: int, previous: int) -> str:
    """'+3 (+60%)', '−2 (−40%)', '0', or '+4 (new)' when the previous week had none."""
    diff = current - previous
    if diff == 0:
        return "0"
    sign = "+" if diff > 0 else "−"  # a real minus sign: '-' starts a formula in spreadsheets
    if previous == 0:
        return f"{sign}{abs(diff):,} (new)"
    return f"{sign}{abs(diff):,} ({sign}{abs(diff) / previous:.0%})"


def percent(share: float) -> str:
    return f"{share:.0%}"


def day(d: date) -> str:
    """'Mon 31 Mar'."""
    return f"{d:%a} {d.day} {d:%b}"


def moment(ts: datetime) -> str:
    """'2025-03-31 14:05' (the caller says which zone)."""
    return f"{ts:%Y-%m-%d %H:%M}"


def failing_period(feed: FeedWeek) -> str:
    """'3 of 96 attempts failed, 2025-04-01 10:00 – 2025-04-02 14:00 UTC' (or '' when none failed)."""
    if not feed.failures or feed.first_failure is None or feed.last_failure is None:
        return ""
    span = moment(feed.first_failure)
    if feed.last_failure != feed.first_failure:
        span += f" – {moment(feed.last_failure)}"
    return f"{feed.failures} of {feed.attempts} attempts failed, {span} UTC"


def language_name(code: str) -> str:
    return {"ar": "Arabic", "en": "English", "fr": "French", "he": "Hebrew", "fa": "Persian", "tr": "Turkish"}.get(
        code, code)
