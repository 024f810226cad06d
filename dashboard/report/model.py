"""What a weekly report says, as frozen values: built once from the database, rendered by every format.

Nothing here reads the database or knows a file format. `ReportWeek` is the one place an ISO week and
a time zone become days and UTC instants.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from ingest.errors import ConfigError
from ingest.store.reads_report import FeedWeek

# Spike rule (documented in the method appendix): a day is a spike when its count is above the mean
# plus SPIKE_SD standard deviations of the topic's daily counts over the BASELINE_DAYS before the
# week, and at least SPIKE_MIN articles (so that 1 → 3 on a quiet topic is not called a spike).
BASELINE_DAYS = 28
SPIKE_SD = 2.0
SPIKE_MIN = 5

_WEEK_RE = re.compile(r"(\d{4})-?W(\d{1,2})")


def check_tz(tz: str) -> str:
    """`tz` if it is an IANA time zone name, else ConfigError (it is also what DuckDB is given)."""
    tz = tz.strip()
    if tz not in available_timezones():
        raise ConfigError(f"unknown time zone {tz!r}; use an IANA name such as UTC, Africa/Cairo or Asia/Riyadh")
    try:
        ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError) as e:
        raise ConfigError(f"unknown time zone {tz!r}") from e
    return tz


@dataclass(frozen=True)
class ReportWeek:
    """An ISO week (Monday to Sunday) in a time zone."""

    year: int
    week: int
    tz: str = "UTC"

    def __post_init__(self) -> None:
        try:
            date.fromisocalendar(self.year, self.week, 1)
        except ValueError as e:
            raise ConfigError(f"{self.year}-W{self.week:02d} is not an ISO week ({e})") from e
        object.__setattr__(self, "tz", check_tz(self.tz))

    @classmethod
    def parse(cls, text: str, tz: str = "UTC") -> ReportWeek:
        """'2025-W14' (or '2025W14'); ConfigError otherwise."""
        m = _WEEK_RE.fullmatch(text.strip().upper())
        if not m:
            raise ConfigError(f"{text!r} is not a week; write it as YYYY-Www, e.g. 2025-W14")
        return cls(int(m.group(1)), int(m.group(2)), tz)

    @classmethod
    def containing(cls, day: date, tz: str = "UTC") -> ReportWeek:
        year, week, _ = day.isocalendar()
        return cls(year, week, tz)

    @property
    def label(self) -> str:
        return f"{self.year}-W{self.week:02d}"

    @property
    def start(self) -> date:
        """Monday (local)."""
        return date.fromisocalendar(self.year, self.week, 1)

    @property
    def end(self) -> date:
        """The Monday after (exclusive)."""
        return self.start + timedelta(days=7)

    @property
    def days(self) -> tuple[date, ...]:
        return tuple(self.start + timedelta(days=i) for i in range(7))

    def instant(self, day: date) -> datetime:
        """Local midnight starting `day`, as a UTC instant."""
        return datetime.combine(day, time(), tzinfo=ZoneInfo(self.tz)).astimezone(UTC)

    @property
    def start_utc(self) -> datetime:
        return self.instant(self.start)

    @property
    def end_utc(self) -> datetime:
        return self.instant(self.end)

    def previous(self) -> ReportWeek:
        return ReportWeek.containing(self.start - timedelta(days=7), self.tz)

    def span(self) -> str:
        """'31 Mar – 6 Apr 2025' (the English edition's words; `Words.span` writes it in either)."""
        from dashboard.report.words import ENGLISH  # late: words is presentation, the model is not

        return ENGLISH.span(self.start)


@dataclass(frozen=True)
class TopicInfo:
    id: str
    label: str
    label_ar: str
    color: str
    query_text: str  # verbatim from topics.toml
    canonical: str  # ingest.query.describe: how Marsad reads it
    stale: bool  # the stored tags were computed with a different definition (retag pending)


@dataclass(frozen=True)
class TopicCount:
    topic: TopicInfo
    articles: int
    previous: int

    @property
    def change(self) -> int:
        return self.articles - self.previous

    @property
    def change_pct(self) -> float | None:
        """Relative change (0.25 = +25 %); None when the previous week had nothing."""
        return None if self.previous == 0 else self.articles / self.previous - 1


@dataclass(frozen=True)
class SourceCount:
    source: str
    source_country: str
    articles: int
    share: float  # of the scope's articles (share_of_coverage)


@dataclass(frozen=True)
class CountryCount:
    code: str
    name: str
    name_ar: str
    articles: int


@dataclass(frozen=True)
class Story:
    """One story: an article and its syndicated copies (same normalised title or same link)."""

    title: str
    language: str
    source: str
    url: str | None  # http(s) only
    published: datetime  # local wall-clock time of the first copy (naive)
    other_sources: tuple[str, ...]  # the other outlets that carried it, first seen first

    @property
    def outlets(self) -> int:
        return 1 + len(self.other_sources)


@dataclass(frozen=True)
class SpikeDay:
    day: date
    articles: int
    baseline_mean: float
    baseline_sd: float
    stories: tuple[Story, ...]

    @property
    def threshold(self) -> float:
        return self.baseline_mean + SPIKE_SD * self.baseline_sd


@dataclass(frozen=True)
class TopicSection:
    count: TopicCount
    daily: tuple[int, ...]  # Monday..Sunday this week
    daily_previous: tuple[int, ...]  # Monday..Sunday the week before
    sources: tuple[SourceCount, ...]
    countries: tuple[CountryCount, ...]
    stories: tuple[Story, ...]  # the top stories
    story_count: int  # distinct stories this week
    spikes: tuple[SpikeDay, ...]

    @property
    def topic(self) -> TopicInfo:
        return self.count.topic


@dataclass(frozen=True)
class ArticleRow:
    id: str
    published_utc: datetime
    published_local: datetime  # naive wall-clock time in the report's time zone
    source: str
    source_country: str
    language: str
    title: str
    url: str | None
    topics: tuple[str, ...]
    countries: tuple[str, ...]


@dataclass(frozen=True)
class Fingerprint:
    """sha256 over the week, the topic definitions and the sorted (article, topic) pairs."""

    digest: str
    articles: int
    tags: int

    @property
    def short(self) -> str:
        return self.digest[:12]


@dataclass(frozen=True)
class Summary:
    articles: int  # distinct articles on the chosen topics this week
    previous: int  # the same, the week before
    all_articles: int  # everything the monitored feeds published this week
    topics: tuple[TopicCount, ...]
    sources: tuple[SourceCount, ...]
    source_countries: tuple[CountryCount, ...]
    countries: tuple[CountryCount, ...]  # most mentioned


@dataclass(frozen=True)
class Report:
    week: ReportWeek
    generated_at: datetime  # UTC
    topics: tuple[TopicInfo, ...]
    all_topics_chosen: bool
    summary: Summary
    sections: tuple[TopicSection, ...]
    feeds: tuple[FeedWeek, ...]
    articles: tuple[ArticleRow, ...]
    fingerprint: Fingerprint
    data_until: datetime | None  # the newest article in the database (UTC), for freshness
    # Where the kept fetch history starts when older attempts were pruned; a week before it has no
    # record of its feeds' failures (see failures_known).
    fetch_history_from: datetime | None = None

    @property
    def empty(self) -> bool:
        return self.summary.articles == 0

    @property
    def failures_known(self) -> bool:
        """Whether the week's fetch attempts are still kept (MARSAD_FETCH_LOG_DAYS prunes old ones)."""
        return self.fetch_history_from is None or self.week.start_utc >= self.fetch_history_from

    @property
    def feeds_failing(self) -> tuple[FeedWeek, ...]:
        return tuple(f for f in self.feeds if f.failures > 0)

    @property
    def feeds_monitored(self) -> int:
        return sum(1 for f in self.feeds if f.enabled or f.attempts > 0)
