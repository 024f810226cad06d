"""The questions only the weekly report asks, and the report's local-time view of the articles.

Every number the dashboard also shows (counts per topic and day, top sources, source countries,
mentioned countries) is answered by `ingest.store.reads` with a `Filter`, exactly as the dashboard
asks it. This module adds what the dashboard has no use for: the week's full article list with the
keys used to group syndicated copies, the feeds monitored and failing during a week (from fetch_log),
the stored topic definitions, and the (article, topic) pairs a report's fingerprint is taken over.

Time zones: the read layer counts UTC calendar days. A report for Cairo must count Cairo days, and
must do so with the same functions. `local_time()` therefore shadows `articles`, for one connection,
with a temporary table holding the report's span in which `published_at` is the local wall-clock
time (written as if it were UTC) and `published_utc` the true instant. Every read function then
buckets and filters by local days without a line of it changing; with tz "UTC" the numbers are the
dashboard's numbers by construction. The span's rows of article_topics and article_countries are
shadowed the same way, so that each of the report's questions joins a week's tags, not a year's. Readers open the published copy read-only; temporary tables
live in the connection's own memory, so nothing is written to the file.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta

import pandas as pd

from ingest.store.connection import Connection
from ingest.store.filter import Filter, dated_tags, where_clause
from ingest.store.word_sig import word_sigs_usable

__all__ = ["FeedWeek", "article_topic_pairs", "feeds_in_window", "local_time", "report_articles",
           "stored_topic_hashes"]

# fetch_log outcomes that are not failures (everything else is: http_error, timeout, not_a_feed, …).
_SUCCESS = ("ok", "not_modified", "unchanged")
# The tables local_time() restricts to the span's articles, besides `articles` itself.
_SHADOWED = ("article_topics", "article_countries")


@contextmanager
def local_time(con: Connection, tz: str, start_utc: datetime, end_utc: datetime) -> Iterator[None]:
    """Within the block, `articles` on `con` holds the articles published in [start_utc, end_utc)
    with `published_at` converted to wall-clock time in `tz` (and `published_utc` the instant).

    `tz` must be an IANA name DuckDB knows (the caller validates it); it is bound, never spliced.
    Filters used inside the block must stay within the span: rows outside it are simply absent.
    """
    con.execute(
        "CREATE OR REPLACE TEMP TABLE articles AS "
        "SELECT * REPLACE (CAST(timezone(?, published_at) AS TIMESTAMPTZ) AS published_at), "
        "published_at AS published_utc FROM articles WHERE published_at >= ? AND published_at < ?",
        [tz, start_utc, end_utc],
    )
    try:
        # The span's tags and mentions too: a report asks about thirty questions (per topic: sources,
        # countries, stories), each joining these tables; over the stored ones every question scanned
        # all of a million articles' tags and mentions again (about half of a report's build).
        for table in _SHADOWED:
            con.execute(
                f"CREATE OR REPLACE TEMP TABLE {table} AS SELECT * FROM {table} "  # noqa: S608  (fixed names)
                "WHERE article_id IN (SELECT id FROM temp.articles)"
            )
        yield
    finally:
        for table in ("articles", *_SHADOWED):
            con.execute(f"DROP TABLE IF EXISTS temp.{table}")


def report_articles(con: Connection, flt: Filter) -> pd.DataFrame:
    """Every article matching the filter, oldest first: id, published_at (local, inside local_time()),
    published_utc, source, source_country, language, title, url, title_norm, topics (list, sorted),
    countries (list, most mentioned first).

    Unlike the dashboard's paged list_articles there is no limit and no snippet: a report lists the
    whole week, and groups syndicated copies by title_norm and url. Call inside local_time().
    """
    where, params = where_clause(flt, dated_tags=dated_tags(con), word_sigs=word_sigs_usable(con))  # copies from before schemas 3 and 4 too
    sql = f"""
        WITH m AS (SELECT a.id, a.published_at, a.published_utc, a.source, a.source_country, a.language,
                          a.title, a.url, a.title_norm FROM articles a WHERE {where}),
             t AS (SELECT article_id, list(topic ORDER BY topic) AS topics FROM article_topics
                   WHERE article_id IN (SELECT id FROM m) GROUP BY 1),
             c AS (SELECT article_id, list(country ORDER BY mentions DESC, country) AS countries
                   FROM article_countries WHERE article_id IN (SELECT id FROM m) GROUP BY 1)
        SELECT m.*, coalesce(t.topics, []) AS topics, coalesce(c.countries, []) AS countries
        FROM m LEFT JOIN t ON t.article_id = m.id LEFT JOIN c ON c.article_id = m.id
        ORDER BY m.published_utc, m.id
    """  # noqa: S608  (where comes from where_clause: fixed templates, values bound)
    df = con.execute(sql, params).df()
    df["topics"] = df["topics"].map(list)
    df["countries"] = df["countries"].map(list)
    return df


def article_topic_pairs(con: Connection, flt: Filter) -> list[tuple[str, str]]:
    """(article id, topic) for every matching article and each of the filter's topics it carries,
    sorted: what a report's fingerprint is computed over. Call inside local_time()."""
    where, params = where_clause(flt, dated_tags=dated_tags(con), word_sigs=word_sigs_usable(con))  # copies from before schemas 3 and 4 too
    topic_cond = f"AND t.topic IN ({', '.join('?' for _ in flt.topics)})" if flt.topics else ""
    rows = con.execute(
        f"SELECT a.id, t.topic FROM articles a JOIN article_topics t ON t.article_id = a.id {topic_cond} "  # noqa: S608
        f"WHERE {where} ORDER BY 1, 2",
        [*flt.topics, *params],
    ).fetchall()
    return [(str(i), str(t)) for i, t in rows]


@dataclass(frozen=True)
class FeedWeek:
    """One feed during a report's window: what it is, and how its polling went."""

    url: str
    source: str
    source_country: str
    language: str
    enabled: bool
    disabled_reason: str | None
    attempts: int  # fetch attempts logged in the window
    failures: int  # of which failed (not ok / not modified / unchanged)
    first_failure: datetime | None  # UTC
    last_failure: datetime | None  # UTC
    last_error: str | None  # the last failure's outcome and message
    articles: int  # articles first seen in this feed and published in the window


def fetch_history_kept_from(con: Connection) -> datetime | None:
    """Where the kept fetch history starts when older attempts were pruned (MARSAD_FETCH_LOG_DAYS), else None.

    Runs are never pruned, so a run older than the oldest kept attempt (by more than a day) shows
    that the attempts before that were deleted: failures before it are not known any more.
    """
    oldest_log, oldest_run = con.execute(
        "SELECT (SELECT min(started_at) FROM fetch_log), (SELECT min(started_at) FROM ingest_runs)").fetchall()[0]
    if oldest_log is None or oldest_run is None or oldest_run >= oldest_log - timedelta(days=1):
        return None
    return oldest_log  # type: ignore[no-any-return]


def feeds_in_window(con: Connection, start_utc: datetime, end_utc: datetime) -> tuple[FeedWeek, ...]:
    """The feeds monitored in [start_utc, end_utc): known before its end, or the first source of an
    article published in it (a feed added later that brought that week's items). With their fetch
    attempts and failures in the window and their articles published in it, by source then URL.

    Reads the stored tables: call it outside local_time().
    """
    placeholders = ", ".join("?" for _ in _SUCCESS)
    rows = con.execute(
        f"""
        WITH l AS (
            SELECT feed_url, started_at, outcome, error, http_status,
                   outcome NOT IN ({placeholders}) AS failed
            FROM fetch_log WHERE started_at >= ? AND started_at < ?),
             agg AS (
            SELECT feed_url, count(*) AS attempts, count(*) FILTER (WHERE failed) AS failures,
                   min(started_at) FILTER (WHERE failed) AS first_failure,
                   max(started_at) FILTER (WHERE failed) AS last_failure,
                   arg_max(outcome || coalesce(' ' || CAST(http_status AS VARCHAR), '')
                           || coalesce(': ' || error, ''), started_at) FILTER (WHERE failed) AS last_error
            FROM l GROUP BY 1),
             art AS (
            SELECT feed_url, count(*) AS articles FROM articles
            WHERE published_at >= ? AND published_at < ? GROUP BY 1)
        SELECT f.url, f.source, f.source_country, coalesce(f.language, ''), f.enabled, f.disabled_reason,
               coalesce(agg.attempts, 0), coalesce(agg.failures, 0), agg.first_failure, agg.last_failure,
               agg.last_error, coalesce(art.articles, 0)
        FROM feeds f LEFT JOIN agg ON agg.feed_url = f.url LEFT JOIN art ON art.feed_url = f.url
        WHERE f.added_at < ? OR art.articles > 0
        ORDER BY f.source, f.url
        """,  # noqa: S608  (placeholders only)
        [*_SUCCESS, start_utc, end_utc, start_utc, end_utc, end_utc],
    ).fetchall()
    return tuple(
        FeedWeek(str(url), str(source), str(country), str(lang), bool(enabled), reason, int(attempts),
                 int(failures), first, last, error, int(articles))
        for url, source, country, lang, enabled, reason, attempts, failures, first, last, error, articles in rows
    )


def stored_topic_hashes(con: Connection) -> dict[str, str]:
    """topic id → the query hash its stored tags were computed with (topic_definitions)."""
    return {str(t): str(h) for t, h in con.execute("SELECT topic, query_hash FROM topic_definitions").fetchall()}
