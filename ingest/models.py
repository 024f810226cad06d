"""Plain data passed between the stages of the ingest pipeline (fetch → parse → tag → store)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True)
class FeedConfig:
    """One `[[feed]]` entry of feeds.toml."""

    url: str
    source: str
    country: str  # ISO 3166-1 alpha-2 of the outlet, upper case
    language: str  # declared language, a hint only
    tags: tuple[str, ...] = ()
    timezone: str | None = None  # IANA zone the outlet's dates without an offset are in (None: UTC)


@dataclass(frozen=True)
class FetchRequest:
    """What the fetcher needs to poll one feed politely."""

    url: str
    etag: str | None = None
    last_modified: str | None = None


@dataclass(frozen=True)
class FetchResult:
    """The outcome of one fetch attempt.

    outcome is one of: "ok", "not_modified", "http_error", "gone", "rate_limited", "timeout",
    "too_large", "redirect_loop", "too_many_redirects", "blocked_host", "bad_url", "network_error".
    """

    requested_url: str
    final_url: str
    outcome: str
    status: int | None = None
    body: bytes | None = None
    content_type: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    permanent_redirect_url: str | None = None  # set when a 301/308 chain moved the feed for good
    retry_after: datetime | None = None  # absolute UTC time from a Retry-After header
    error: str | None = None
    elapsed_s: float = 0.0

    @property
    def ok(self) -> bool:
        return self.outcome in ("ok", "not_modified")


@dataclass(frozen=True)
class Entry:
    """One feed item as clean plain text."""

    guid: str | None
    link: str | None  # canonical absolute http(s) URL, tracking parameters removed, or None
    title: str
    summary: str
    published_at: datetime  # timezone-aware UTC
    date_estimated: bool = False  # True when the date was missing or clamped
    date_note: str | None = None  # "missing", "future", "too_old", or None


@dataclass(frozen=True)
class ParsedFeed:
    """The result of parsing one body. kind: "feed", "not_a_feed" or "empty"."""

    kind: str
    entries: tuple[Entry, ...] = ()
    title: str | None = None
    language: str | None = None
    error: str | None = None
    bozo: str | None = None  # feedparser's complaint, kept for the fetch log


@dataclass(frozen=True)
class Tags:
    """What tagging adds to an entry."""

    language: str
    text_norm: str  # space-padded normalised title + " | " + summary, searched by the query language
    title_norm: str  # space-padded normalised title
    countries: dict[str, int] = field(default_factory=dict)  # ISO code → mentions
    topics: tuple[str, ...] = ()
    word_sig: bytes = b""  # 32-byte word signature of text_norm (ingest.query.signature); b"" = not computed
