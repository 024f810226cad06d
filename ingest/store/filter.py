"""The Filter every read takes, and the one function that turns it into SQL.

A Filter is a frozen, hashable value (so the dashboard can cache on it and a report can be built
from the same one). `where_clause()` assembles a predicate over `articles a` from fixed templates;
every value a user chose or typed is a bound parameter, and the keyword query goes through the query
language's own SQL back-end (ingest.query.to_sql), which binds its text too.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from ingest.query import parse_query, to_sql
from ingest.store.connection import Connection
from ingest.store.version import stored_version

# Bucket name → DuckDB date_trunc part (a fixed list: the part is written into the SQL text).
BUCKETS = {"day": "day", "week": "week", "month": "month"}


def utc_midnight(d: date) -> datetime:
    """The first instant of day `d` in UTC."""
    return datetime(d.year, d.month, d.day, tzinfo=UTC)


def bucket_start(d: date, bucket: str) -> date:
    """The first day of the bucket containing `d` (weeks start on Monday, as ISO weeks do)."""
    if bucket == "day":
        return d
    if bucket == "week":
        return d - timedelta(days=d.weekday())
    if bucket == "month":
        return d.replace(day=1)
    raise ValueError(f"unknown bucket {bucket!r} (expected one of {', '.join(BUCKETS)})")


def bucket_end(start: date, bucket: str) -> date:
    """The first day after the bucket that starts on `start`."""
    if bucket == "day":
        return start + timedelta(days=1)
    if bucket == "week":
        return start + timedelta(days=7)
    if bucket == "month":
        return date(start.year + start.month // 12, start.month % 12 + 1, 1)
    raise ValueError(f"unknown bucket {bucket!r} (expected one of {', '.join(BUCKETS)})")


@dataclass(frozen=True)
class Filter:
    """What a chart or list is about. Dates are UTC calendar days; `end` is exclusive.

    Empty tuples mean "no restriction". Several values in one field are alternatives (any of these
    topics); different fields must all hold. `query` is keyword text in Marsad's query language,
    already checked by the caller (where_clause raises QueryError otherwise).
    """

    start: date
    end: date
    topics: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    source_countries: tuple[str, ...] = ()
    countries: tuple[str, ...] = ()  # countries the articles mention
    languages: tuple[str, ...] = ()
    query: str = ""
    bucket: str = "week"

    def __post_init__(self) -> None:
        if self.bucket not in BUCKETS:
            raise ValueError(f"unknown bucket {self.bucket!r} (expected one of {', '.join(BUCKETS)})")
        if not self.start < self.end:
            raise ValueError(f"empty date range: {self.start} to {self.end} (the end is exclusive)")
        for name in ("topics", "sources", "source_countries", "countries", "languages"):
            # Lists would make the Filter unhashable (and uncacheable); accept them, store tuples.
            object.__setattr__(self, name, tuple(getattr(self, name)))
        object.__setattr__(self, "query", self.query.strip())

    def replace(self, **changes: object) -> Filter:
        return dataclasses.replace(self, **changes)  # type: ignore[arg-type]

    def universe(self) -> Filter:
        """The articles a share is taken of: same dates, outlets, outlet countries and languages, any
        content (topics, mentioned countries and keyword query dropped)."""
        return self.replace(topics=(), countries=(), query="")

    def previous(self) -> Filter:
        """The same filter over the period of equal length just before this one."""
        length = self.end - self.start
        return self.replace(start=self.start - length, end=self.start)

    @property
    def days(self) -> int:
        return (self.end - self.start).days


@dataclass(frozen=True)
class Series:
    """One line on the Compare chart: a topic or an ad-hoc query (exactly one of them)."""

    name: str
    topic: str | None = None
    query: str | None = None

    def __post_init__(self) -> None:
        if (self.topic is None) == (self.query is None):
            raise ValueError("a Series is either a topic or a query")


def bucket_starts(flt: Filter) -> list[date]:
    """The first day of every bucket that overlaps the filter's range, in order."""
    out = []
    b = bucket_start(flt.start, flt.bucket)
    while b < flt.end:
        out.append(b)
        b = bucket_end(b, flt.bucket)
    return out


# How far a tag row's own published_at may lie from its article's published_at as a read sees it.
# They are equal in the stored tables; a report's local-time view (ingest.store.reads_report) shifts
# articles to wall-clock time, up to 14 hours from UTC, while its tag rows keep the instant. The
# join on article_id decides what matches; the tag range only lets DuckDB skip row groups, so a
# margin wider than any UTC offset keeps every answer exact at the cost of two more days of tags.
TAG_MARGIN = timedelta(days=1)


def tag_range(flt: Filter, alias: str) -> tuple[str, list[object]]:
    """A date condition on a tag table (`article_topics` / `article_countries` as `alias`) covering
    every tag of the articles in the filter's range, so zone maps skip the tags of other dates."""
    return tag_dates(flt.start, flt.end, alias)


def tag_dates(start: date, end: date, alias: str) -> tuple[str, list[object]]:
    """tag_range for the days [start, end)."""
    if not alias.isidentifier():
        raise ValueError(f"not a plain SQL identifier: {alias!r}")
    return (f"{alias}.published_at >= ? AND {alias}.published_at < ?",
            [utc_midnight(start) - TAG_MARGIN, utc_midnight(end) + TAG_MARGIN])


def dated_tags(con: Connection) -> bool:
    """Whether the tag tables carry their article's date (schema 3). A dashboard upgraded before the
    ingest job's next run reads a copy published at schema 2 until then; it reads those tags whole."""
    return stored_version(con) >= 3


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join('?' for _ in values)})"


def where_clause(flt: Filter, alias: str = "a", *, extra_query: str | None = None,
                 dated_tags: bool = True, word_sigs: bool = False) -> tuple[str, list[object]]:
    """A predicate over `articles {alias}` for the filter, and its parameters in order.

    `extra_query` is one more keyword query that must also match (the Compare page's ad-hoc series).
    `dated_tags` False reads tag tables without their date (a copy published before schema 3).
    `word_sigs` lets the keyword queries skip articles by their word signature (schema 4, `word_sigs_usable()`).
    The date range comes first: it is the condition that discards most rows cheaply.
    """
    if not alias.isidentifier():
        raise ValueError(f"not a plain SQL identifier: {alias!r}")
    a = alias
    parts = [f"{a}.published_at >= ?", f"{a}.published_at < ?"]
    params: list[object] = [utc_midnight(flt.start), utc_midnight(flt.end)]
    for column, values in (("source", flt.sources), ("source_country", flt.source_countries),
                           ("language", flt.languages)):
        if values:
            parts.append(_in(f"{a}.{column}", values))
            params.extend(values)
    for table, column, values in (("article_topics", "topic", flt.topics), ("article_countries", "country", flt.countries)):
        if values:
            # Placeholders only: the values are bound. The tag table's own date keeps the subquery
            # to the range's tags instead of every tag stored.
            dates, dparams = tag_range(flt, "t") if dated_tags else ("TRUE", [])
            parts.append(f"{a}.id IN (SELECT t.article_id FROM {table} t WHERE {dates} AND {_in('t.' + column, values)})")  # noqa: S608
            params.extend([*dparams, *values])
    for text in (flt.query, extra_query):
        if text:
            sql, qparams = to_sql(parse_query(text), a, word_sig=word_sigs)
            parts.append(f"({sql})")
            params.extend(qparams)
    return " AND ".join(parts), params
