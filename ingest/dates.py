"""Feed dates: reading the strings real feeds send, and deciding an entry's publication time.

`parse_date()` reads one raw date string (RFC 822 and its sloppy variants, ISO 8601 / W3C-DTF,
`2025/01/12 14:30`, epoch seconds, Arabic month names in the Egyptian/Gulf and the Levantine naming
with Arabic-Indic digits) into a timezone-aware UTC datetime. It exists because feedparser gets the
region's feeds wrong: it reads `AST` as Atlantic (−4; here it is Arabia, +3), drops EET/EEST, returns
nothing for RFC 822 without a zone and knows no Arabic month.

`entry_date()` picks published → updated → created and applies Marsad's rules: a missing date becomes
the parse time, a date more than a day ahead or before 1995 is replaced by the parse time, and every
replacement is flagged (`date_estimated`, `date_note`) so counts by day can say how many are guesses.
Pure functions: the current time is always passed in.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from functools import lru_cache

from ingest.text import normalize

FUTURE_TOLERANCE = timedelta(days=1)
OLDEST = datetime(1995, 1, 1, tzinfo=UTC)  # no news feed predates this; older dates are defaults/bugs


@dataclass(frozen=True)
class EntryDate:
    """When an entry was published, and whether that time is a stand-in."""

    at: datetime  # timezone-aware UTC
    estimated: bool = False
    note: str | None = None  # "missing", "future", "too_old" or None


# --- vocabulary -------------------------------------------------------------------------------

_EN_MONTHS = {
    name: i + 1
    for i, names in enumerate(
        [
            ("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"), ("may",),
            ("jun", "june"), ("jul", "july"), ("aug", "august"), ("sep", "sept", "september"),
            ("oct", "october"), ("nov", "november"), ("dec", "december"),
        ]
    )
    for name in names
}  # fmt: skip

# Arabic month names, written as ingest.text.normalize() folds them (hamza forms → ا, ة → ه).
# Egyptian/Gulf names with their common spellings, then North African ones (Algeria, Tunisia,
# Morocco), then the Levantine/Iraqi names. The two-word Levantine names are handled below.
_AR_MONTHS_RAW = {
    1: ("يناير", "جانفي"),
    2: ("فبراير", "فيفري", "شباط"),
    3: ("مارس", "آذار"),
    4: ("أبريل", "ابريل", "إبريل", "أفريل", "نيسان"),
    5: ("مايو", "ماي", "أيار"),
    6: ("يونيو", "يونية", "جوان", "حزيران"),
    7: ("يوليو", "يوليه", "جويلية", "يوليوز", "تموز"),
    8: ("أغسطس", "اغسطس", "أوت", "غشت", "آب"),
    9: ("سبتمبر", "شتنبر", "أيلول"),
    10: ("أكتوبر", "اكتوبر",),
    11: ("نوفمبر", "نونبر"),
    12: ("ديسمبر", "دجنبر"),
}
_AR_MONTHS = {normalize(name): month for month, names in _AR_MONTHS_RAW.items() for name in names}
# كانون الثاني = January, كانون الأول = December, تشرين الأول = October, تشرين الثاني = November.
_AR_TWO_WORD = {
    (normalize("كانون"), normalize("الثاني")): 1,
    (normalize("كانون"), normalize("ثاني")): 1,
    (normalize("كانون"), normalize("الأول")): 12,
    (normalize("كانون"), normalize("أول")): 12,
    (normalize("تشرين"), normalize("الأول")): 10,
    (normalize("تشرين"), normalize("أول")): 10,
    (normalize("تشرين"), normalize("الثاني")): 11,
    (normalize("تشرين"), normalize("ثاني")): 11,
}
_AR_TWO_WORD_FIRST = {first for first, _ in _AR_TWO_WORD}

# Zone abbreviations as this region's feeds mean them. AST is Arabia Standard Time (Saudi Arabia,
# Iraq, Kuwait, Qatar, Bahrain, Yemen), not Atlantic; GST is Gulf Standard Time (UAE, Oman).
# Ambiguous abbreviations with no regional reading (IST: India/Israel/Ireland) are left out, so the
# time is read as UTC rather than guessed.
_ZONES_H = {
    "z": 0, "gmt": 0, "ut": 0, "utc": 0, "wet": 0, "west": 1, "bst": 1, "cet": 1, "cest": 2,
    "eet": 2, "eest": 3, "ast": 3, "arabia": 3, "msk": 3, "trt": 3, "irst": 3.5, "gst": 4,
    "est": -5, "edt": -4, "cst": -6, "cdt": -5, "mst": -7, "mdt": -6, "pst": -8, "pdt": -7,
    "جرينتش": 0, "غرينتش": 0, "جرينيتش": 0, "غرينيتش": 0,
}  # fmt: skip
_ZONES = {k: timezone(timedelta(hours=v)) for k, v in _ZONES_H.items()}

_UTC_WORDS = {"gmt", "utc", "ut", "z"}
_AM = {"am", "a", "ص", "صباحا", "صباح"}
_PM = {"pm", "p", "م", "مساء", "مساءا", "ظهرا", "عصرا", "ليلا"}

_DIGITS = str.maketrans(
    {**{chr(0x0660 + i): str(i) for i in range(10)}, **{chr(0x06F0 + i): str(i) for i in range(10)},
     "،": ",", "\u00a0": " ", "\u200f": "", "\u200e": "", "\u061c": ""}
)  # fmt: skip

_TOKEN = re.compile(
    r"""
    (?P<date>\d{1,4}[/.\-]\d{1,2}[/.\-]\d{1,4})
  | (?P<time>\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d+)?)
  | (?P<offset>[+-]\d{1,2}(?::?\d{2})?(?!\d))
  | (?P<num>\d+)
  | (?P<word>[^\W\d_]+)
    """,
    re.VERBOSE,
)
_DATE_SEP = re.compile(r"[/.\-]")
_EPOCH = re.compile(r"\d{9,13}(?:\.\d+)?")
# What most feeds send (RFC 822 with a numeric or GMT/UTC zone), read without the general tokenizer.
_RFC822 = re.compile(
    r"(?:[A-Za-z]{3}, ?)?(\d{1,2}) ([A-Za-z]{3}) (\d{4}) (\d{2}):(\d{2}):(\d{2}) (?:([+-])(\d{2})(\d{2})|GMT|UTC|UT|Z)"
)
_ISO_START = re.compile(r"\d{4}-\d{2}-\d{2}")


# --- parsing ----------------------------------------------------------------------------------


def parse_date(raw: str | None, default_tz: tzinfo | None = None) -> datetime | None:
    """The UTC instant a feed's date string means, or None when it cannot be read.

    A string without a time zone is read in `default_tz` (the feed's configured zone), else as UTC. Two-digit years are 19xx from 70 on, else 20xx.
    Numeric dates: `yyyy/mm/dd`; otherwise day first, as the region writes it (`01/04/2025` is
    1 April), unless only the other order is possible (`04/13/2025` is 13 April).
    """
    if not raw:
        return None
    text = raw.strip()
    if not text or len(text) > 200:
        return None
    text = text.translate(_DIGITS)
    if _ISO_START.match(text):
        try:
            return _to_utc(datetime.fromisoformat(text), default_tz)
        except ValueError:
            pass  # e.g. "2025-04-01 14:30 GMT": read token by token below
    if _EPOCH.fullmatch(text):
        return _from_epoch(float(text))
    common = _RFC822.fullmatch(text)
    if common:
        return _from_rfc822(common)
    return _parse_tokens(text, default_tz)


def _from_rfc822(m: re.Match[str]) -> datetime | None:
    """The common case only; anything unusual (leap second, odd offset, unknown month) goes the general way."""
    day, mon, year, hour, minute, second, sign, off_h, off_m = m.groups()
    month = _EN_MONTHS.get(mon.lower())
    if month is None or int(second) > 59 or (sign and (int(off_h) > 14 or int(off_m) > 59)):
        return _parse_tokens(m.string)
    try:
        dt = datetime(int(year), month, int(day), int(hour), int(minute), int(second), tzinfo=UTC)
    except ValueError:
        return _parse_tokens(m.string)
    if sign:
        offset = timedelta(hours=int(off_h), minutes=int(off_m))
        dt = dt - offset if sign == "+" else dt + offset
    return dt


def _to_utc(dt: datetime, default_tz: tzinfo | None = None) -> datetime:
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=default_tz or UTC)
    return dt.astimezone(UTC)


def _from_epoch(value: float) -> datetime | None:
    if value > 10**11:  # milliseconds
        value /= 1000
    try:
        return datetime.fromtimestamp(value, tz=UTC)
    except (OverflowError, OSError, ValueError):
        return None


def _parse_tokens(text: str, default_tz: tzinfo | None = None) -> datetime | None:
    year = month = day = None
    hour = minute = second = 0
    micro = 0
    tz: timezone | None = None
    nums: list[str] = []
    words: list[str] = []
    last_kind = ""
    ampm: str | None = None
    for m in _TOKEN.finditer(text):
        kind = m.lastgroup or ""
        value = m.group()
        if kind == "date":
            ymd = _numeric_date(value)
            if ymd is None:
                return None
            year, month, day = ymd
        elif kind == "time":
            hms, _, frac = value.replace(",", ".").partition(".")
            fields = [int(x) for x in hms.split(":")]
            hour, minute = fields[0], fields[1]
            second = fields[2] if len(fields) > 2 else 0
            micro = int((frac + "000000")[:6]) if frac else 0
        elif kind == "offset":
            # "+0200" is a zone only right after the time or after GMT/UTC ("GMT+3"); elsewhere the
            # sign is a separator ("01-Apr-2025").
            if last_kind == "time" or (last_kind == "word" and words and words[-1] in _UTC_WORDS):
                tz = _offset(value)
                if tz is None:
                    return None
            else:
                nums.append(value[1:])
        elif kind == "num":
            nums.append(value)
        else:
            word = value.lower()
            if last_kind == "time" and (word in _AM or word in _PM):
                ampm = "am" if word in _AM else "pm"
            else:
                words.append(word)
                zone = _ZONES.get(word)
                if zone is not None and tz is None:
                    tz = zone
        last_kind = kind
    if month is None:
        month = _month_from_words(words)
        if month is None:
            return None
        year, day = _year_and_day(nums)
    if year is None or day is None:
        return None
    if ampm == "pm" and hour < 12:
        hour += 12
    elif ampm == "am" and hour == 12:
        hour = 0
    second = min(second, 59)  # leap second
    try:
        dt = datetime(year, month, day, hour, minute, second, micro, tzinfo=tz or default_tz or UTC)
    except ValueError:
        return None
    return dt.astimezone(UTC)


def _numeric_date(value: str) -> tuple[int, int, int] | None:
    parts = _DATE_SEP.split(value)
    a, b, c = (int(x) for x in parts)
    if len(parts[0]) == 4:
        return a, b, c
    year = _full_year(c)
    if a > 12 >= b:
        return year, b, a
    if b > 12 >= a:
        return year, a, b
    return year, b, a  # ambiguous: day first, as Arab and European outlets write dates


def _offset(value: str) -> timezone | None:
    sign = -1 if value[0] == "-" else 1
    digits = value[1:].replace(":", "")
    if len(digits) <= 2:
        hours, minutes = int(digits), 0
    else:
        hours, minutes = int(digits[:-2]), int(digits[-2:])
    if hours > 14 or minutes > 59:
        return None
    return timezone(sign * timedelta(hours=hours, minutes=minutes))


def _month_from_words(words: list[str]) -> int | None:
    for i, word in enumerate(words):
        month = _EN_MONTHS.get(word)
        if month is not None:
            return month
        if word.isascii():
            continue
        folded = _fold(word)
        if folded in _AR_TWO_WORD_FIRST and i + 1 < len(words):
            month = _AR_TWO_WORD.get((folded, _fold(words[i + 1])))
            if month is not None:
                return month
        month = _AR_MONTHS.get(folded)
        if month is not None:
            return month
        # A clitic و ("and") or ب ("in") glued to the month name: "وأبريل", "بمارس".
        if len(folded) > 3 and folded[0] in "وب":
            month = _AR_MONTHS.get(folded[1:])
            if month is not None:
                return month
    return None


@lru_cache(maxsize=512)
def _fold(word: str) -> str:
    return normalize(word)


def _year_and_day(nums: list[str]) -> tuple[int | None, int | None]:
    year = day = None
    for n in nums:
        if len(n) == 4 and year is None:
            year = int(n)
        elif len(n) <= 2 and day is None:
            day = int(n)
        elif len(n) <= 2 and year is None:
            year = _full_year(int(n))
    return year, day


def _full_year(y: int) -> int:
    if y >= 100:
        return y
    return 1900 + y if y >= 70 else 2000 + y


# --- choosing an entry's date -----------------------------------------------------------------


def entry_date(candidates: Iterable[tuple[str | None, time.struct_time | None]], now: datetime,
               default_tz: tzinfo | None = None) -> EntryDate:
    """The publication time of an entry from (raw string, feedparser's parse) pairs in priority order.

    `default_tz` is the zone of the feed's dates that carry no offset (None: UTC).

    The first candidate that reads as a date wins: our own parser on the raw string first, then
    feedparser's struct (always UTC) as a fallback for formats we do not know. Then the clamping rules.
    """
    now = _to_utc(now)
    found: datetime | None = None
    for raw, parsed in candidates:
        found = parse_date(raw, default_tz)
        if found is None and parsed is not None:
            found = _from_struct(parsed)
        if found is not None:
            break
    return clamp_date(found, now)


def clamp_date(found: datetime | None, now: datetime) -> EntryDate:
    """Apply Marsad's rules to a parsed date: missing, future or ancient dates become `now`, flagged."""
    now = _to_utc(now)
    if found is None:
        return EntryDate(now, True, "missing")
    if found > now + FUTURE_TOLERANCE:
        return EntryDate(now, True, "future")
    if found < OLDEST:
        return EntryDate(now, True, "too_old")
    return EntryDate(found)


def _from_struct(parsed: time.struct_time) -> datetime | None:
    try:
        return datetime(*parsed[:6], tzinfo=UTC)
    except (TypeError, ValueError):
        return None
