"""Every statement that changes the database: feeds, a feed's new articles (one transaction), runs, retags.

Articles arrive as a batch (a pandas DataFrame) and are inserted with one INSERT … SELECT per table,
inside one transaction per feed: a run killed at any moment leaves either all of a feed's new items or
none, and the next run completes it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

import duckdb
import pandas as pd

from ingest.errors import StoreError
from ingest.models import FeedConfig
from ingest.store.connection import Connection, scalar

ARTICLE_COLUMNS = [
    "id", "feed_url", "source", "source_norm", "source_country", "guid", "url", "title", "summary",
    "published_at", "date_estimated", "date_note", "fetched_at", "language", "text_norm", "title_norm",
]


_COLS = ", ".join(ARTICLE_COLUMNS)  # a fixed list of identifiers, never user text
_INSERT_ARTICLES = f"INSERT INTO articles ({_COLS}) SELECT {_COLS} FROM new_articles"  # noqa: S608


@dataclass(frozen=True)
class FeedState:
    """What the pipeline needs to know about a feed before polling it."""

    url: str
    fetch_url: str
    source: str
    source_country: str
    language: str | None
    enabled: bool
    disabled_reason: str | None
    etag: str | None
    last_modified: str | None
    content_hash: str | None
    consecutive_failures: int
    next_fetch_at: datetime | None


@dataclass(frozen=True)
class FeedUpdate:
    """The feed row's new state after one attempt."""

    url: str
    fetched_at: datetime
    success: bool
    status: str
    error: str | None
    consecutive_failures: int
    next_fetch_at: datetime | None
    enabled: bool
    disabled_reason: str | None
    fetch_url: str | None = None  # new location after a permanent redirect
    etag: str | None = None
    last_modified: str | None = None
    content_hash: str | None = None


@dataclass(frozen=True)
class FetchLogRow:
    run_id: int | None
    feed_url: str
    started_at: datetime
    duration_ms: int
    outcome: str
    http_status: int | None
    error: str | None
    bytes: int | None
    items_parsed: int | None
    items_new: int | None


def sync_feeds(con: Connection, feeds: Sequence[FeedConfig], now: datetime) -> None:
    """Make the feeds table match the configured list: add new feeds, refresh names, mark removed ones.

    A feed removed from the list stays in the table (its articles keep their source) but is disabled
    with a reason; one that reappears is enabled again unless the server said it is gone (410).
    """
    frame = pd.DataFrame(
        {
            "url": [f.url for f in feeds],
            "source": [f.source for f in feeds],
            "source_country": [f.country for f in feeds],
            "language": [f.language for f in feeds],
            "tags": [list(f.tags) for f in feeds],
        },
        columns=["url", "source", "source_country", "language", "tags"],
    ).astype({"url": "object", "source": "object", "source_country": "object", "language": "object"})
    con.register("cfg_feeds", frame)
    try:
        con.execute("BEGIN TRANSACTION")
        con.execute(
            """
            INSERT INTO feeds (url, fetch_url, source, source_country, language, tags, added_at)
            SELECT c.url, c.url, c.source, c.source_country, c.language, CAST(c.tags AS VARCHAR[]), ?
            FROM cfg_feeds c WHERE c.url NOT IN (SELECT url FROM feeds)
            """,
            [now],
        )
        con.execute(
            """
            UPDATE feeds SET source = c.source, source_country = c.source_country, language = c.language,
                   tags = CAST(c.tags AS VARCHAR[]),
                   enabled = CASE WHEN feeds.disabled_reason = 'not in the feed list' THEN TRUE ELSE feeds.enabled END,
                   disabled_reason = CASE WHEN feeds.disabled_reason = 'not in the feed list' THEN NULL
                                          ELSE feeds.disabled_reason END
            FROM cfg_feeds c WHERE feeds.url = c.url
            """
        )
        con.execute(
            """
            UPDATE feeds SET enabled = FALSE, disabled_reason = 'not in the feed list'
            WHERE url NOT IN (SELECT url FROM cfg_feeds) AND enabled
            """
        )
        con.execute("COMMIT")
    except duckdb.Error as e:
        con.execute("ROLLBACK")
        raise StoreError(f"updating the feeds table failed: {e}") from e
    finally:
        con.unregister("cfg_feeds")


def load_feed_states(con: Connection) -> dict[str, FeedState]:
    rows = con.execute(
        """SELECT url, fetch_url, source, source_country, language, enabled, disabled_reason, etag,
                  last_modified, content_hash, consecutive_failures, next_fetch_at FROM feeds"""
    ).fetchall()
    return {r[0]: FeedState(*r) for r in rows}


def start_run(con: Connection, now: datetime) -> int:
    run_id = int(scalar(con, "SELECT coalesce(max(run_id), 0) + 1 FROM ingest_runs"))  # type: ignore[arg-type]
    con.execute("INSERT INTO ingest_runs (run_id, started_at, status) VALUES (?, ?, 'running')", [run_id, now])
    return run_id


def finish_run(con: Connection, run_id: int, *, finished_at: datetime, feeds_ok: int, feeds_not_modified: int,
               feeds_failed: int, items_new: int, status: str) -> None:
    con.execute(
        """UPDATE ingest_runs SET finished_at = ?, feeds_ok = ?, feeds_not_modified = ?, feeds_failed = ?,
               items_new = ?, status = ? WHERE run_id = ?""",
        [finished_at, feeds_ok, feeds_not_modified, feeds_failed, items_new, status, run_id],
    )


@dataclass(frozen=True)
class Attempt:
    """One feed's attempt, ready to store: its feed's new state, its log line and what it parsed.

    `articles` rows follow ARTICLE_COLUMNS; `topics` rows are (article_id, topic); `countries` rows are
    (article_id, country, mentions). `parsed` is False when there was nothing to parse (304, failure).
    """

    update: FeedUpdate
    log: FetchLogRow
    articles: list[tuple[object, ...]] = field(default_factory=list)
    topics: list[tuple[str, str]] = field(default_factory=list)
    countries: list[tuple[str, str, int]] = field(default_factory=list)
    parsed: bool = False


_UPDATE_COLUMNS = ["url", "fetched_at", "success", "status", "error", "consecutive_failures", "next_fetch_at",
                   "enabled", "disabled_reason", "fetch_url", "etag", "last_modified", "content_hash"]
_LOG_COLUMNS = ["run_id", "feed_url", "started_at", "duration_ms", "outcome", "http_status", "error", "bytes",
                "items_parsed", "items_new"]


def _frame(rows: list[tuple[object, ...]], columns: list[str]) -> pd.DataFrame:
    # Object columns: DuckDB reads None as NULL from them whatever the column holds.
    return pd.DataFrame(rows, columns=columns, dtype=object)


def record_attempts(con: Connection, attempts: Sequence[Attempt]) -> list[int]:
    """Store several feed attempts in one transaction; returns the number of new articles of each.

    A run killed at any moment leaves every feed either wholly stored or not at all (its content hash
    and validators are only updated in the same transaction), and the next run completes it. An
    article already stored (same id, or same feed and guid) is left as it was; one that arrives
    through two feeds of the batch is counted for the first.
    """
    if not attempts:
        return []
    new_by_attempt = [0] * len(attempts)
    try:
        con.execute("BEGIN TRANSACTION")
        rows = [(*row, i) for i, a in enumerate(attempts) for row in a.articles]
        if rows:
            batch = _frame(rows, [*ARTICLE_COLUMNS, "attempt"])
            batch["published_at"] = pd.to_datetime(batch["published_at"], utc=True)
            batch["fetched_at"] = pd.to_datetime(batch["fetched_at"], utc=True)
            batch["date_estimated"] = batch["date_estimated"].astype(bool)
            con.register("batch_articles", batch)
            con.execute(_SELECT_NEW)
            for i, n in con.execute("SELECT attempt, count(*) FROM new_articles GROUP BY attempt").fetchall():
                new_by_attempt[int(i)] = int(n)
            con.execute(_INSERT_ARTICLES)
            topic_rows = [t for a in attempts for t in a.topics]
            if topic_rows:
                con.register("batch_topics", _frame(topic_rows, ["article_id", "topic"]))
                con.execute(
                    """INSERT INTO article_topics SELECT DISTINCT article_id, topic FROM batch_topics
                       WHERE article_id IN (SELECT id FROM new_articles)"""
                )
                con.unregister("batch_topics")
            country_rows = [c for a in attempts for c in a.countries]
            if country_rows:
                frame = _frame(country_rows, ["article_id", "country", "mentions"]).astype({"mentions": "int64"})
                con.register("batch_countries", frame)
                con.execute(
                    """INSERT INTO article_countries SELECT article_id, country, max(mentions)
                       FROM batch_countries WHERE article_id IN (SELECT id FROM new_articles)
                       GROUP BY article_id, country"""
                )
                con.unregister("batch_countries")
            con.execute("DROP TABLE new_articles")
            con.unregister("batch_articles")
        updates = _frame([tuple(getattr(a.update, c) for c in _UPDATE_COLUMNS)
                          for a in attempts], _UPDATE_COLUMNS)
        con.register("batch_updates", updates)
        con.execute(_UPDATE_FEEDS)
        con.unregister("batch_updates")
        logs = _frame([(*[getattr(a.log, c) for c in _LOG_COLUMNS[:-1]],
                        new_by_attempt[i] if a.parsed else a.log.items_new) for i, a in enumerate(attempts)],
                      _LOG_COLUMNS)
        con.register("batch_logs", logs)
        con.execute(f"INSERT INTO fetch_log ({', '.join(_LOG_COLUMNS)}) SELECT * FROM batch_logs")  # noqa: S608 (fixed column list)
        con.unregister("batch_logs")
        con.execute("COMMIT")
    except duckdb.Error as e:
        con.execute("ROLLBACK")
        urls = ", ".join(a.update.url for a in attempts[:3]) + (" …" if len(attempts) > 3 else "")
        raise StoreError(f"storing {urls} failed: {e}") from e
    return new_by_attempt


_SELECT_NEW = """
CREATE OR REPLACE TEMP TABLE new_articles AS
SELECT DISTINCT ON (b.id) b.* FROM batch_articles b
WHERE b.id NOT IN (SELECT id FROM articles)
  AND NOT EXISTS (SELECT 1 FROM articles a
                  WHERE b.guid IS NOT NULL AND a.feed_url = b.feed_url AND a.guid = b.guid)
ORDER BY b.id, b.attempt
"""

_UPDATE_FEEDS = """
UPDATE feeds SET
    last_fetched_at = u.fetched_at,
    last_success_at = CASE WHEN u.success THEN u.fetched_at ELSE feeds.last_success_at END,
    last_status = u.status, last_error = u.error,
    consecutive_failures = CAST(u.consecutive_failures AS INTEGER), next_fetch_at = u.next_fetch_at,
    enabled = u.enabled, disabled_reason = u.disabled_reason,
    fetch_url = coalesce(u.fetch_url, feeds.fetch_url),
    etag = CASE WHEN u.success THEN coalesce(u.etag, feeds.etag) ELSE feeds.etag END,
    last_modified = CASE WHEN u.success THEN coalesce(u.last_modified, feeds.last_modified)
                         ELSE feeds.last_modified END,
    content_hash = coalesce(u.content_hash, feeds.content_hash)
FROM batch_updates u WHERE feeds.url = u.url
"""


def record_attempt(
    con: Connection,
    update: FeedUpdate,
    log: FetchLogRow,
    articles: pd.DataFrame | None = None,
    topics: pd.DataFrame | None = None,
    countries: pd.DataFrame | None = None,
) -> int:
    """Store one feed attempt atomically (see record_attempts); returns the number of new articles.

    `articles` has ARTICLE_COLUMNS; `topics` (article_id, topic) and `countries` (article_id, country,
    mentions) may mention articles that are already stored: only rows of newly inserted articles are kept.
    """

    def rows(df: pd.DataFrame | None, cols: list[str]) -> list[tuple[object, ...]]:
        if df is None or not len(df):
            return []
        return [tuple(None if v is pd.NA else v for v in r) for r in df[cols].itertuples(index=False, name=None)]

    attempt = Attempt(update, log, rows(articles, ARTICLE_COLUMNS), rows(topics, ["article_id", "topic"]),  # type: ignore[arg-type]
                      rows(countries, ["article_id", "country", "mentions"]), parsed=articles is not None)  # type: ignore[arg-type]
    return record_attempts(con, [attempt])[0]
