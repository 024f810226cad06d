"""How numbers, changes, dates and feed states are written in every format (one wording everywhere)."""

from __future__ import annotations

from datetime import datetime


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


def moment(ts: datetime) -> str:
    """'2025-03-31 14:05' (the caller says which zone)."""
    return f"{ts:%Y-%m-%d %H:%M}"
