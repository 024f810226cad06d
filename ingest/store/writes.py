"""Every statement that changes the database: feeds, feeds' new articles (one transaction), runs, the fetch log.

Articles arrive as a batch (columns of NumPy object arrays, which DuckDB scans directly: the ingest
process never imports pandas, ~95 MB) and are inserted with one INSERT … SELECT per table,
inside one transaction per batch of feeds: a run killed at any moment leaves each feed's new items
either all stored or none, and the next run completes it. Tag rows carry their article's published_at
(schema 3) so that reads of a date range skip the tags of other dates. The fetch log keeps a bounded window of
per-attempt rows (MARSAD_FETCH_LOG_DAYS, 90 by default), pruned when a run finishes.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

import duckdb
import numpy as np

from ingest.errors import ConfigError, StoreError
from ingest.models import FeedConfig
from ingest.query.signature import word_signature
from ingest.store import facets
from ingest.store.connection import Connection, scalar

if TYPE_CHECKING:
    import pandas as pd

log = logging.getLogger(__name__)

ARTICLE_COLUMNS = [
    "id", "feed_url", "source", "source_norm", "source_country", "guid", "url", "title", "summary",
    "published_at", "date_estimated", "date_note", "fetched_at", "language", "text_norm", "title_norm",
]


# A row may carry its word signature (32 bytes, ingest.query.signature) after ARTICLE_COLUMNS, as
# ingest's rows do; a row without one gets it computed here, so no stored article lacks it.
WORD_SIG_COLUMN = "word_sig"
_TEXT_AT, _TITLE_AT = ARTICLE_COLUMNS.index("text_norm"), ARTICLE_COLUMNS.index("title_norm")

_COLS = ", ".join(ARTICLE_COLUMNS)  # a fixed list of identifiers, never user text
_INSERT_ARTICLES = f"INSERT INTO articles ({_COLS}, word_sig) SELECT {_COLS}, word_sig::BIT FROM new_articles"  # noqa: S608


def _with_word_sig(row: tuple[object, ...], n: int = len(ARTICLE_COLUMNS)) -> tuple[object, ...]:
    """An articles row (ARTICLE_COLUMNS, optionally followed by its word signature) with the signature."""
    if len(row) > n and row[n]:
        return row[: n + 1]
    return (*row[:n], word_signature(str(row[_TEXT_AT]), str(row[_TITLE_AT])))


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
    frame = _frame([(f.url, f.source, f.country, f.language, list(f.tags)) for f in feeds],
                   ["url", "source", "source_country", "language", "tags"])
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
               feeds_failed: int, items_new: int, status: str, fetch_log_days: int | None = None) -> int:
    """Close the run's row, then drop fetch_log rows older than the retention window (see prune_fetch_log).

    `fetch_log_days` defaults to MARSAD_FETCH_LOG_DAYS (fetch_log_retention_days); an invalid value
    prunes nothing and logs a warning. Returns the number of rows pruned.
    """
    con.execute(
        """UPDATE ingest_runs SET finished_at = ?, feeds_ok = ?, feeds_not_modified = ?, feeds_failed = ?,
               items_new = ?, status = ? WHERE run_id = ?""",
        [finished_at, feeds_ok, feeds_not_modified, feeds_failed, items_new, status, run_id],
    )
    if fetch_log_days is None:
        try:
            fetch_log_days = fetch_log_retention_days()
        except ConfigError as e:
            # Found at the end of a run whose articles are already stored: keep every row (a typo must
            # never delete history) and say so, rather than fail the run.
            log.warning("%s; the fetch log is not pruned", e)
            return 0
    return prune_fetch_log(con, finished_at, fetch_log_days)


FETCH_LOG_DAYS = 90  # default window; the Feeds page and a week's report read far less than this
FETCH_LOG_DAYS_ENV = "MARSAD_FETCH_LOG_DAYS"


def fetch_log_retention_days() -> int:
    """Days of per-attempt fetch_log rows to keep: MARSAD_FETCH_LOG_DAYS, else 90; 0 keeps them all.

    At 600 feeds polled every 15 minutes the log gains ~58,000 rows a day (~21M a year); the feeds
    table keeps each feed's current state whatever the window.
    """
    raw = os.environ.get(FETCH_LOG_DAYS_ENV, "").strip()
    if not raw:
        return FETCH_LOG_DAYS
    if not raw.isdigit():
        raise ConfigError(f"{FETCH_LOG_DAYS_ENV} must be a whole number of days (0 keeps everything), not {raw[:40]!r}")
    return int(raw)


def prune_fetch_log(con: Connection, now: datetime, days: int) -> int:
    """Delete fetch_log rows that started more than `days` days before `now`; `days` 0 keeps all. Returns the count."""
    if days <= 0:
        return 0
    try:
        rows = con.execute("DELETE FROM fetch_log WHERE started_at < ?", [now - timedelta(days=days)]).fetchall()
    except duckdb.Error as e:
        raise StoreError(f"pruning the fetch log failed: {e}") from e
    return int(rows[0][0]) if rows else 0


@dataclass(frozen=True)
class Attempt:
    """One feed's attempt, ready to store: its feed's new state, its log line and what it parsed.

    `articles` rows follow ARTICLE_COLUMNS, optionally followed by the word signature (computed at
    write time when absent); `topics` rows are (article_id, topic); `countries` rows are
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


def _frame(rows: Sequence[tuple[object, ...]], columns: list[str]) -> dict[str, np.ndarray]:
    """Rows as named columns of object arrays, a shape DuckDB scans (None reads as NULL in any column)."""
    out: dict[str, np.ndarray] = {}
    for i, name in enumerate(columns):
        values = [row[i] for row in rows]
        column = np.empty(len(values), dtype=object)
        if values and isinstance(values[0], list):
            for j, value in enumerate(values):  # one by one: NumPy would read lists (tags) as a 2-D block
                column[j] = value
        else:
            column[:] = values
        out[name] = column
    return out


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
    # A batch of 304s has nothing to look up: spare it the setting's two extra statements.
    with _index_lookups(con) if any(a.articles for a in attempts) else nullcontext():
        _write_attempts(con, attempts, new_by_attempt)
    return new_by_attempt


def _write_attempts(con: Connection, attempts: Sequence[Attempt], new_by_attempt: list[int]) -> None:
    try:
        con.execute("BEGIN TRANSACTION")
        rows = [(*_with_word_sig(row), i) for i, a in enumerate(attempts) for row in a.articles]
        if rows:
            con.register("batch_articles", _frame(rows, [*ARTICLE_COLUMNS, WORD_SIG_COLUMN, "attempt"]))
            con.execute(_SELECT_NEW)
            for i, n in con.execute("SELECT attempt, count(*) FROM new_articles GROUP BY attempt").fetchall():
                new_by_attempt[int(i)] = int(n)
            con.execute(_INSERT_ARTICLES)
            topic_rows = [t for a in attempts for t in a.topics]
            if topic_rows:
                con.register("batch_topics", _frame(topic_rows, ["article_id", "topic"]))
                con.execute(
                    """INSERT INTO article_topics (article_id, topic, published_at)
                       SELECT DISTINCT b.article_id, b.topic, n.published_at
                       FROM batch_topics b JOIN new_articles n ON n.id = b.article_id
                       ORDER BY n.published_at, b.article_id, b.topic"""
                )
            country_rows = [c for a in attempts for c in a.countries]
            if country_rows:
                con.register("batch_countries", _frame(country_rows, ["article_id", "country", "mentions"]))
                con.execute(
                    """INSERT INTO article_countries (article_id, country, mentions, published_at)
                       SELECT b.article_id, b.country, max(b.mentions), any_value(n.published_at)
                       FROM batch_countries b JOIN new_articles n ON n.id = b.article_id
                       GROUP BY b.article_id, b.country ORDER BY 4, 1, 2"""
                )
            facets.add_new(con, topics=bool(topic_rows), countries=bool(country_rows))
            for name, registered in (("batch_topics", topic_rows), ("batch_countries", country_rows)):
                if registered:
                    con.unregister(name)
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


# The duplicate check finds the stored articles that share an id (primary-key index) or a guid
# (articles_guid, schema 2) with the batch, then checks the batch against those few rows only. DuckDB
# answers `x IN (SELECT … FROM batch)` with index lookups when the batch side has at most
# dynamic_or_filter_threshold distinct values (50 by default), otherwise with a scan of the column.
# A lookup costs about as much as scanning 400 stored rows (bench/causes.py, experiments 3): at a
# million articles a 2,500-item transaction is cheaper looked up, at 10k articles a scan wins, so the
# threshold follows the table's size (_index_lookups).
_SELECT_NEW = """
CREATE OR REPLACE TEMP TABLE new_articles AS
WITH stored AS MATERIALIZED (
    SELECT a.id, a.feed_url, a.guid FROM articles a WHERE a.id IN (SELECT id FROM batch_articles)
    UNION ALL
    SELECT a.id, a.feed_url, a.guid FROM articles a
    WHERE a.guid IN (SELECT guid FROM batch_articles WHERE guid IS NOT NULL))
SELECT DISTINCT ON (b.id) b.* FROM batch_articles b
WHERE b.id NOT IN (SELECT id FROM stored)
  AND NOT EXISTS (SELECT 1 FROM stored s WHERE b.guid IS NOT NULL AND s.feed_url = b.feed_url AND s.guid = b.guid)
ORDER BY b.id, b.attempt
"""
_ROWS_PER_LOOKUP = 400  # stored rows scanned in the time of one index lookup
_MAX_LOOKUPS = 10_000  # far above a run's transaction (50 feeds × ~50 items)


@contextmanager
def _index_lookups(con: Connection) -> Iterator[None]:
    """Let the duplicate check use index lookups for as many keys as beat a scan at this table size.

    The setting is restored after the transaction has ended (committed or rolled back): an aborted
    transaction refuses SET, and the error that aborted it is the one worth reporting.
    """
    previous = int(scalar(con, "SELECT current_setting('dynamic_or_filter_threshold')"))  # type: ignore[call-overload]
    stored = int(scalar(con, "SELECT coalesce(max(estimated_size), 0) FROM duckdb_tables() "  # type: ignore[call-overload]
                             "WHERE table_name = 'articles' AND database_name = current_database()"))
    wanted = min(_MAX_LOOKUPS, stored // _ROWS_PER_LOOKUP)
    if wanted <= previous:
        yield
        return
    con.execute(f"SET dynamic_or_filter_threshold = {wanted:d}")
    try:
        yield
    finally:
        con.execute(f"SET dynamic_or_filter_threshold = {previous:d}")


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

    `articles` has ARTICLE_COLUMNS (and word_sig, else it is computed); `topics` (article_id, topic) and `countries` (article_id, country,
    mentions) may mention articles that are already stored: only rows of newly inserted articles are kept.
    """

    def rows(df: pd.DataFrame | None, cols: list[str]) -> list[tuple[object, ...]]:
        if df is None or not len(df):
            return []
        import pandas as pd  # only callers with DataFrames (the benchmark corpus, tests) pay for it

        return [tuple(None if v is pd.NA else v for v in r) for r in df[cols].itertuples(index=False, name=None)]

    columns = [*ARTICLE_COLUMNS, WORD_SIG_COLUMN] if articles is not None and WORD_SIG_COLUMN in articles else ARTICLE_COLUMNS
    attempt = Attempt(update, log, rows(articles, columns), rows(topics, ["article_id", "topic"]),  # type: ignore[arg-type]
                      rows(countries, ["article_id", "country", "mentions"]), parsed=articles is not None)  # type: ignore[arg-type]
    return record_attempts(con, [attempt])[0]
