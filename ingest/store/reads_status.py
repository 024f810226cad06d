"""What the dashboard asks of the database on every page and on the Feeds page: how fresh the data
is, what the sidebar offers, and the feeds' health. Re-exported by ingest.store.reads.

None of it reads every stored article: outlets come from the feeds table, counts from DuckDB's table
metadata, the newest article from the recent row groups only, the sidebar's languages, mentioned
countries and topics from the counts the writer keeps (facet_counts, schema 5).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import pandas as pd

from ingest.models import FeedConfig
from ingest.store import facets
from ingest.store.connection import Connection, scalar
from ingest.store.version import stored_version


@dataclass(frozen=True)
class Freshness:
    """How current the data is, so a gap in the data is not read as a drop in attention."""

    articles: int
    last_run_at: datetime | None  # when the last ingest run finished (or started, if it never finished)
    last_run_status: str | None
    latest_fetched_at: datetime | None
    latest_published_at: datetime | None
    feeds: int  # enabled feeds
    feeds_failing: int
    feeds_disabled: int


# The newest values are looked for among the rows of this many days before the last poll first: the
# articles table is stored in ingest order, so zone maps skip every older row group and the answer
# costs what the recent days cost, not what everything stored costs.
_RECENT = timedelta(days=30)


def _newest(con: Connection, column: str, since: datetime | None) -> datetime | None:
    """max(column) over all articles, read from the recent rows when any exist (the same answer:
    the maximum of everything is the maximum of the rows at or above any bound it exceeds)."""
    if column not in ("fetched_at", "published_at"):
        raise ValueError(f"not a timestamp column of articles: {column!r}")
    if since is not None:
        found = scalar(con, f"SELECT max({column}) FROM articles WHERE {column} >= ?", [since])  # noqa: S608
        if found is not None:
            return found  # type: ignore[return-value]
    return scalar(con, f"SELECT max({column}) FROM articles")  # type: ignore[return-value]  # noqa: S608


def freshness(con: Connection) -> Freshness:
    """Read from ingest_runs and feeds, plus the article count (table metadata in DuckDB) and the
    newest article (recent row groups only, see _newest): nothing here scans all stored articles."""
    run = con.execute("SELECT coalesce(finished_at, started_at), status FROM ingest_runs "
                      "ORDER BY run_id DESC LIMIT 1").fetchall()
    feeds, failing, disabled, polled = con.execute(
        "SELECT count(*) FILTER (WHERE enabled), count(*) FILTER (WHERE enabled AND consecutive_failures > 0), "
        "count(*) FILTER (WHERE NOT enabled), max(last_success_at) FROM feeds").fetchall()[0]
    articles = int(scalar(con, "SELECT count(*) FROM articles"))  # type: ignore[arg-type]
    since = polled - _RECENT if polled is not None else None
    fetched = _newest(con, "fetched_at", since) if articles else None
    published = _newest(con, "published_at", since) if articles else None
    return Freshness(articles, run[0][0] if run else None, run[0][1] if run else None, fetched, published,
                     int(feeds), int(failing), int(disabled))


@dataclass(frozen=True)
class Options:
    """What the sidebar offers: only values that occur in the database.

    Outlets and their countries come from the feeds table: a feed is offered once it has answered a
    poll successfully (a feed added but not polled yet, or failing since it was added, has no
    articles, so offering it would show nothing); a feed since disabled or removed from the list
    stays offered, because its articles stay. Languages, mentioned countries and topics are those of
    at least one stored article (facet_counts; a copy published before schema 5 is read from the
    articles and their tags, with the same answer).
    """

    sources: tuple[str, ...]
    source_countries: tuple[str, ...]
    languages: tuple[str, ...]
    countries: tuple[str, ...]  # mentioned countries, most mentioned first
    topics: tuple[str, ...]  # topics with at least one tagged article


def filter_options(con: Connection) -> Options:
    def column(sql: str) -> tuple[str, ...]:
        return tuple(r[0] for r in con.execute(sql).fetchall() if r[0] is not None)

    answered = "FROM feeds WHERE last_success_at IS NOT NULL"
    sources = column(f"SELECT DISTINCT source {answered} ORDER BY 1")  # noqa: S608
    source_countries = column(f"SELECT DISTINCT source_country {answered} ORDER BY 1")  # noqa: S608
    if stored_version(con) >= 5:
        kept = facets.facet_values(con)
        return Options(sources, source_countries, kept[facets.LANGUAGE], kept[facets.COUNTRY], kept[facets.TOPIC])
    return Options(
        sources, source_countries,
        column("SELECT DISTINCT language FROM articles ORDER BY 1"),
        column("SELECT country FROM article_countries GROUP BY 1 ORDER BY count(*) DESC, 1"),
        column("SELECT DISTINCT topic FROM article_topics ORDER BY 1"),
    )


def feeds_for_opml(con: Connection) -> tuple[FeedConfig, ...]:
    """The enabled feeds as FeedConfig, for an OPML export of what is being monitored."""
    rows = con.execute("SELECT url, source, source_country, coalesce(language, ''), coalesce(tags, []) "
                       "FROM feeds WHERE enabled ORDER BY source, url").fetchall()
    return tuple(FeedConfig(url, source, country, language, tuple(tags)) for url, source, country, language, tags in rows)


def feed_health(con: Connection) -> pd.DataFrame:
    """One row per feed: its state, last success and error, failures in a row, recent volume."""
    return con.execute(
        """
        SELECT f.source, f.source_country, f.language, f.url,
               CASE WHEN NOT f.enabled THEN 'disabled'
                    WHEN f.last_fetched_at IS NULL THEN 'new'
                    WHEN f.consecutive_failures > 0 THEN 'failing'
                    ELSE 'ok' END AS state,
               f.last_success_at, f.last_fetched_at, f.last_status, f.last_error, f.consecutive_failures,
               f.next_fetch_at, f.disabled_reason,
               coalesce(v.items_7d, 0) / 7.0 AS items_per_day
        FROM feeds f
        LEFT JOIN (
            SELECT feed_url, count(*) AS items_7d FROM articles
            WHERE fetched_at >= (SELECT coalesce(max(fetched_at), now()) FROM articles) - INTERVAL 7 DAY
            GROUP BY feed_url
        ) v ON v.feed_url = f.url
        ORDER BY (state = 'ok'), f.consecutive_failures DESC, f.source
        """
    ).df()

