"""Every statement that changes the database: feeds, a feed's new articles (one transaction), runs, retags.

Articles arrive as a batch (a pandas DataFrame) and are inserted with one INSERT … SELECT per table,
inside one transaction per feed: a run killed at any moment leaves either all of a feed's new items or
none, and the next run completes it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
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
_INSERT_ARTICLES = (
    f"INSERT INTO articles ({_COLS}) SELECT DISTINCT ON (id) {_COLS} FROM batch_articles "  # noqa: S608
    "WHERE id IN (SELECT id FROM new_ids)"
)


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


def _update_feed(con: Connection, u: FeedUpdate) -> None:
    con.execute(
        """
        UPDATE feeds SET
            last_fetched_at = ?,
            last_success_at = CASE WHEN ? THEN ? ELSE last_success_at END,
            last_status = ?, last_error = ?, consecutive_failures = ?, next_fetch_at = ?,
            enabled = ?, disabled_reason = ?,
            fetch_url = coalesce(?, fetch_url),
            etag = CASE WHEN ? THEN coalesce(?, etag) ELSE etag END,
            last_modified = CASE WHEN ? THEN coalesce(?, last_modified) ELSE last_modified END,
            content_hash = coalesce(?, content_hash)
        WHERE url = ?
        """,
        [u.fetched_at, u.success, u.fetched_at, u.status, u.error, u.consecutive_failures, u.next_fetch_at,
         u.enabled, u.disabled_reason, u.fetch_url, u.success, u.etag, u.success, u.last_modified,
         u.content_hash, u.url],
    )


def _insert_log(con: Connection, row: FetchLogRow) -> None:
    con.execute(
        """INSERT INTO fetch_log (run_id, feed_url, started_at, duration_ms, outcome, http_status, error, bytes,
                                  items_parsed, items_new) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
        [row.run_id, row.feed_url, row.started_at, row.duration_ms, row.outcome, row.http_status, row.error,
         row.bytes, row.items_parsed, row.items_new],
    )


def record_attempt(
    con: Connection,
    update: FeedUpdate,
    log: FetchLogRow,
    articles: pd.DataFrame | None = None,
    topics: pd.DataFrame | None = None,
    countries: pd.DataFrame | None = None,
) -> int:
    """Store one feed attempt atomically: its new articles and their tags, the feed's state, the log line.

    `articles` has ARTICLE_COLUMNS; `topics` (article_id, topic) and `countries` (article_id, country,
    mentions) may mention articles that are already stored: only rows of newly inserted articles are
    kept. Returns the number of new articles. An article already stored (same id, or same feed and
    guid) is left as it was.
    """
    new = 0
    try:
        con.execute("BEGIN TRANSACTION")
        if articles is not None and len(articles):
            con.register("batch_articles", articles[ARTICLE_COLUMNS])
            con.execute(
                """
                CREATE OR REPLACE TEMP TABLE new_ids AS
                SELECT DISTINCT ON (b.id) b.id FROM batch_articles b
                WHERE b.id NOT IN (SELECT id FROM articles)
                  AND NOT EXISTS (SELECT 1 FROM articles a
                                  WHERE b.guid IS NOT NULL AND a.feed_url = b.feed_url AND a.guid = b.guid)
                """
            )
            new = int(scalar(con, "SELECT count(*) FROM new_ids"))  # type: ignore[arg-type]
            if new:
                con.execute(_INSERT_ARTICLES)
                if topics is not None and len(topics):
                    con.register("batch_topics", topics[["article_id", "topic"]])
                    con.execute(
                        """INSERT INTO article_topics SELECT DISTINCT article_id, topic FROM batch_topics
                           WHERE article_id IN (SELECT id FROM new_ids)"""
                    )
                    con.unregister("batch_topics")
                if countries is not None and len(countries):
                    con.register("batch_countries", countries[["article_id", "country", "mentions"]])
                    con.execute(
                        """INSERT INTO article_countries SELECT article_id, country, max(mentions)
                           FROM batch_countries WHERE article_id IN (SELECT id FROM new_ids)
                           GROUP BY article_id, country"""
                    )
                    con.unregister("batch_countries")
            con.unregister("batch_articles")
        _update_feed(con, update)
        _insert_log(con, FetchLogRow(**{**log.__dict__, "items_new": new if articles is not None else log.items_new}))
        con.execute("COMMIT")
    except duckdb.Error as e:
        con.execute("ROLLBACK")
        raise StoreError(f"storing {update.url} failed: {e}") from e
    return new
