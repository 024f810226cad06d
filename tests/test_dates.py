"""Reading feed date strings and choosing an entry's publication time."""

from __future__ import annotations

import time
from datetime import UTC, datetime

import pytest

from ingest.dates import clamp_date, entry_date, parse_date

NOW = datetime(2025, 4, 2, 12, 0, tzinfo=UTC)


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        pytest.param("Tue, 01 Apr 2025 14:30:00 +0200", utc(2025, 4, 1, 12, 30), id="rfc822-offset"),
        pytest.param("Tue, 01 Apr 2025 14:30:00 GMT", utc(2025, 4, 1, 14, 30), id="rfc822-gmt"),
        pytest.param("Tue, 01 Apr 2025 14:30:00 -0500", utc(2025, 4, 1, 19, 30), id="rfc822-negative"),
        pytest.param("Tue, 01 Apr 2025 14:30:00 +03:00", utc(2025, 4, 1, 11, 30), id="rfc822-colon-offset"),
        pytest.param("Tue, 01 Apr 2025 14:30:00 AST", utc(2025, 4, 1, 11, 30), id="AST-is-arabia"),
        pytest.param("Tue, 01 Apr 2025 14:30:00 EET", utc(2025, 4, 1, 12, 30), id="EET"),
        pytest.param("Tue, 01 Apr 2025 14:30:00 EEST", utc(2025, 4, 1, 11, 30), id="EEST"),
        pytest.param("Tue, 01 Apr 2025 14:30:00 GST", utc(2025, 4, 1, 10, 30), id="GST-is-gulf"),
        pytest.param("Tue, 01 Apr 2025 14:30:00 EDT", utc(2025, 4, 1, 18, 30), id="EDT"),
        pytest.param("Tue, 01 Apr 2025 14:30:00", utc(2025, 4, 1, 14, 30), id="rfc822-no-zone"),
        pytest.param("Tue, 01 Apr 2025 14:30 GMT+3", utc(2025, 4, 1, 11, 30), id="gmt-plus-hours"),
        pytest.param("Tue, 01 Apr 2025 14:30:00 +0200 (EET)", utc(2025, 4, 1, 12, 30), id="offset-and-name"),
        pytest.param("1 Apr 2025 14:30:00 Z", utc(2025, 4, 1, 14, 30), id="no-weekday"),
        pytest.param("Mon, 31 Mar 25 22:15:00 +0000", utc(2025, 3, 31, 22, 15), id="two-digit-year"),
        pytest.param("Tuesday, April 1, 2025 2:30 PM", utc(2025, 4, 1, 14, 30), id="us-long-pm"),
        pytest.param("April 1, 2025 12:05 am", utc(2025, 4, 1, 0, 5), id="twelve-am"),
        pytest.param("01-Apr-2025 10:00", utc(2025, 4, 1, 10, 0), id="dashed-month-name"),
        pytest.param("1st, April 2025 GMT", utc(2025, 4, 1), id="ordinal-day"),
        pytest.param("Sept 3, 2024", utc(2024, 9, 3), id="sept"),
        pytest.param("2025-04-01T14:30:00+02:00", utc(2025, 4, 1, 12, 30), id="iso-offset"),
        pytest.param("2025-04-01T14:30:00.123Z", utc(2025, 4, 1, 14, 30, 0, 123000), id="iso-fraction-z"),
        pytest.param("2025-04-01T14:30:00+0300", utc(2025, 4, 1, 11, 30), id="iso-basic-offset"),
        pytest.param("2025-04-01T14:30:00 +0300", utc(2025, 4, 1, 11, 30), id="iso-spaced-offset"),
        pytest.param("2025-04-01 14:30", utc(2025, 4, 1, 14, 30), id="iso-no-zone"),
        pytest.param("2025-04-01 14:30 GMT", utc(2025, 4, 1, 14, 30), id="iso-with-gmt"),
        pytest.param("2025-04-01", utc(2025, 4, 1), id="iso-date-only"),
        pytest.param("2025/01/12", utc(2025, 1, 12), id="slashed-ymd"),
        pytest.param("2025/01/12 14:30", utc(2025, 1, 12, 14, 30), id="slashed-ymd-time"),
        pytest.param("12/01/2025 09:00", utc(2025, 1, 12, 9, 0), id="slashed-dmy-day-first"),
        pytest.param("04/13/2025", utc(2025, 4, 13), id="slashed-mdy-when-unambiguous"),
        pytest.param("12.01.2025", utc(2025, 1, 12), id="dotted-dmy"),
        pytest.param("1736692200", utc(2025, 1, 12, 14, 30), id="epoch-seconds"),
        pytest.param("1736692200000", utc(2025, 1, 12, 14, 30), id="epoch-milliseconds"),
        pytest.param("  Tue, 01 Apr 2025 14:30:00 +0200\n", utc(2025, 4, 1, 12, 30), id="surrounding-space"),
    ],
)
def test_parse_date_reads_formats_real_feeds_send(raw: str, expected: datetime) -> None:
    assert parse_date(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        pytest.param("الثلاثاء، ١ أبريل ٢٠٢٥ - ٠٢:٣٠ م", utc(2025, 4, 1, 14, 30), id="egyptian-indic-pm"),
        pytest.param("الاثنين 12 مايو 2025 | 10:30 صباحاً", utc(2025, 5, 12, 10, 30), id="morning-word"),
        pytest.param("1 ابريل 2025", utc(2025, 4, 1), id="april-bare-alef"),
        pytest.param("1 إبريل 2025", utc(2025, 4, 1), id="april-hamza-below"),
        pytest.param("5 يونية 2024", utc(2024, 6, 5), id="june-egyptian-spelling"),
        pytest.param("5 يوليه 2024", utc(2024, 7, 5), id="july-egyptian-spelling"),
        pytest.param("20 أغسطس 2024 18:00", utc(2024, 8, 20, 18), id="august"),
        pytest.param("٣ ديسمبر ٢٠٢٤", utc(2024, 12, 3), id="december-indic"),
        pytest.param("1 كانون الثاني 2025", utc(2025, 1, 1), id="levantine-january"),
        pytest.param("15 شباط 2025", utc(2025, 2, 15), id="levantine-february"),
        pytest.param("15 آذار 2025", utc(2025, 3, 15), id="levantine-march"),
        pytest.param("1 نيسان 2025 الساعة 14:30", utc(2025, 4, 1, 14, 30), id="levantine-april"),
        pytest.param("9 أيار 2025", utc(2025, 5, 9), id="levantine-may"),
        pytest.param("9 حزيران 2025", utc(2025, 6, 9), id="levantine-june"),
        pytest.param("9 تموز 2025", utc(2025, 7, 9), id="levantine-july"),
        pytest.param("9 آب 2025", utc(2025, 8, 9), id="levantine-august"),
        pytest.param("9 أيلول 2025", utc(2025, 9, 9), id="levantine-september"),
        pytest.param("٣ تشرين الأول ٢٠٢٤ ١٠:١٥", utc(2024, 10, 3, 10, 15), id="levantine-october"),
        pytest.param("3 تشرين الثاني 2024", utc(2024, 11, 3), id="levantine-november"),
        pytest.param("31 كانون الأول 2024", utc(2024, 12, 31), id="levantine-december"),
        pytest.param("1 نيسان/أبريل 2025", utc(2025, 4, 1), id="both-namings"),
        pytest.param("١ أبريل ٢٠٢٥ ١٤:٣٠ بتوقيت جرينتش", utc(2025, 4, 1, 14, 30), id="greenwich-word"),
        pytest.param("الأربعاء ٢ أبريل ٢٠٢٥ ٠٩:٠٠ +٠٣٠٠", utc(2025, 4, 2, 6, 0), id="indic-offset"),
    ],
)
def test_parse_date_reads_arabic_month_names(raw: str, expected: datetime) -> None:
    assert parse_date(raw) == expected


@pytest.mark.parametrize(
    "raw",
    [
        pytest.param("", id="empty"),
        pytest.param(None, id="none"),
        pytest.param("yesterday", id="words"),
        pytest.param("منذ 5 دقائق", id="relative-arabic"),
        pytest.param("5 minutes ago", id="relative-english"),
        pytest.param("30 Feb 2025", id="impossible-day"),
        pytest.param("Tue, 01 Apr 2025 25:00:00 GMT", id="impossible-hour"),
        pytest.param("Tue, 01 Apr 2025 14:30:00 +2500", id="impossible-offset"),
        pytest.param("Apr 2025", id="no-day"),
        pytest.param("x" * 500, id="very-long"),
    ],
)
def test_parse_date_returns_none_for_unreadable_dates(raw: str | None) -> None:
    assert parse_date(raw) is None


def test_entry_date_prefers_published_then_updated() -> None:
    got = entry_date([("Tue, 01 Apr 2025 10:00:00 GMT", None), ("Wed, 02 Apr 2025 10:00:00 GMT", None)], NOW)
    assert (got.at, got.estimated, got.note) == (utc(2025, 4, 1, 10), False, None)
    got = entry_date([(None, None), ("Wed, 02 Apr 2025 10:00:00 GMT", None)], NOW)
    assert got.at == utc(2025, 4, 2, 10)


def test_entry_date_fixes_what_feedparser_gets_wrong() -> None:
    # feedparser reads AST as Atlantic time (UTC−4) and hands back 18:30 UTC; Arabia is UTC+3.
    wrong = time.struct_time((2025, 4, 1, 18, 30, 0, 1, 91, 0))
    got = entry_date([("Tue, 01 Apr 2025 14:30:00 AST", wrong)], NOW)
    assert got.at == utc(2025, 4, 1, 11, 30)


def test_entry_date_falls_back_to_feedparser_for_unknown_formats() -> None:
    parsed = time.struct_time((2025, 3, 30, 8, 0, 0, 6, 89, 0))
    got = entry_date([("2025년 3월 30일", parsed)], NOW)
    assert (got.at, got.estimated) == (utc(2025, 3, 30, 8), False)


def test_entry_date_missing_becomes_now_and_is_flagged() -> None:
    got = entry_date([(None, None), ("", None), ("not a date", None)], NOW)
    assert (got.at, got.estimated, got.note) == (NOW, True, "missing")


@pytest.mark.parametrize(
    ("found", "note"),
    [
        pytest.param(utc(2025, 4, 3, 12, 1), "future", id="just-over-a-day-ahead"),
        pytest.param(utc(2099, 1, 1), "future", id="far-future"),
        pytest.param(utc(1994, 12, 31, 23, 59), "too_old", id="before-1995"),
        pytest.param(utc(1970, 1, 1), "too_old", id="epoch-zero"),
    ],
)
def test_clamp_date_replaces_implausible_dates_with_now(found: datetime, note: str) -> None:
    got = clamp_date(found, NOW)
    assert (got.at, got.estimated, got.note) == (NOW, True, note)


@pytest.mark.parametrize(
    "found",
    [
        pytest.param(utc(2025, 4, 3, 11, 59), id="less-than-a-day-ahead"),
        pytest.param(utc(1995, 1, 1), id="first-of-1995"),
        pytest.param(utc(2025, 4, 2, 11), id="an-hour-ago"),
    ],
)
def test_clamp_date_keeps_plausible_dates(found: datetime) -> None:
    got = clamp_date(found, NOW)
    assert (got.at, got.estimated, got.note) == (found, False, None)


def test_entry_date_results_are_utc_even_for_a_naive_now() -> None:
    got = entry_date([(None, None)], datetime(2025, 4, 2, 12, 0))
    assert got.at.utcoffset() is not None and got.at == NOW


def test_the_common_rfc822_path_reads_exactly_as_the_general_parser() -> None:
    """parse_date reads the usual RFC 822 form without the general tokenizer; both must agree."""
    import random

    from ingest.dates import _parse_tokens

    rng = random.Random(5)
    months = ["Jan", "feb", "MAR", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec", "Foo"]
    samples = ["Sat, 29 Feb 2025 10:00:00 GMT", "Mon, 31 Dec 2029 23:59:60 +0000", "1 Jan 2025 00:00:00 -1500",
               "01 Jan 2025 00:00:00 +0099", "Tue, 10 Jun 2025 25:00:00 UTC"]
    for _ in range(2000):
        zone = rng.choice(["GMT", "UTC", "UT", "Z", f"{rng.choice('+-')}{rng.randint(0, 16):02d}{rng.choice([0, 30, 45, 75]):02d}"])
        day = rng.choice([str(rng.randint(1, 31)), f"{rng.randint(1, 31):02d}"])
        samples.append(f"{rng.choice(['', 'Sun, ', 'Wed,'])}{day} {rng.choice(months)} {rng.randint(1990, 2030)} "
                       f"{rng.randint(0, 24):02d}:{rng.randint(0, 59):02d}:{rng.randint(0, 60):02d} {zone}")
    for raw in samples:
        assert parse_date(raw) == _parse_tokens(raw), raw
