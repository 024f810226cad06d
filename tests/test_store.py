"""The store: schema and migrations, atomic idempotent writes, the readers' copy and lock errors."""

from __future__ import annotations

import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pandas as pd
import pytest

from ingest.errors import StoreError, StoreLockedError
from ingest.models import FeedConfig
from ingest.store import data_version, open_writer, publish_snapshot, reader, snapshot_path, writer
from ingest.store.schema import SCHEMA_VERSION
from ingest.store.writes import (
    ARTICLE_COLUMNS,
    FeedUpdate,
    FetchLogRow,
    load_feed_states,
    record_attempt,
    sync_feeds,
)

NOW = datetime(2025, 4, 1, 12, 0, tzinfo=UTC)
FEED = FeedConfig("https://news.example/rss", "Example News", "EG", "ar")


def article(i: int, **over: object) -> dict[str, object]:
    row: dict[str, object] = {
        "id": f"id{i}", "feed_url": FEED.url, "source": FEED.source, "source_norm": "example news",
        "source_country": "EG", "guid": f"g{i}", "url": f"https://news.example/{i}", "title": f"title {i}",
        "summary": "s", "published_at": NOW - timedelta(hours=i), "date_estimated": False, "date_note": None,
        "fetched_at": NOW, "language": "ar", "text_norm": f" title {i} | s ", "title_norm": f" title {i} ",
    }
    row.update(over)
    return row


def frame(rows: list[dict[str, object]]) -> pd.DataFrame:
    df = pd.DataFrame(rows, columns=ARTICLE_COLUMNS)
    df["published_at"] = pd.to_datetime(df["published_at"], utc=True)
    df["fetched_at"] = pd.to_datetime(df["fetched_at"], utc=True)
    return df


def attempt(con, rows, topics=None, countries=None) -> int:  # type: ignore[no-untyped-def]
    update = FeedUpdate(url=FEED.url, fetched_at=NOW, success=True, status="200", error=None, consecutive_failures=0,
                        next_fetch_at=None, enabled=True, disabled_reason=None, etag='"v1"', content_hash="h1")
    log = FetchLogRow(1, FEED.url, NOW, 10, "ok", 200, None, 100, len(rows), None)
    return record_attempt(con, update, log, frame(rows),
                          pd.DataFrame(topics or [], columns=["article_id", "topic"]),
                          pd.DataFrame(countries or [], columns=["article_id", "country", "mentions"]))


def test_open_writer_creates_every_table_at_the_current_version(tmp_path: Path) -> None:
    with writer(tmp_path / "m.duckdb") as con:
        tables = {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
        version = con.execute("SELECT max(version) FROM schema_version").fetchone()
    assert {"feeds", "articles", "article_topics", "article_countries", "fetch_log", "ingest_runs"} <= tables
    assert version == (SCHEMA_VERSION,)


def test_opening_twice_does_not_migrate_twice(tmp_path: Path) -> None:
    path = tmp_path / "m.duckdb"
    with writer(path):
        pass
    with writer(path) as con:
        assert con.execute("SELECT count(*) FROM schema_version").fetchone() == (1,)


def test_record_attempt_is_idempotent_and_keeps_tags_of_new_articles_only(tmp_path: Path) -> None:
    with writer(tmp_path / "m.duckdb") as con:
        sync_feeds(con, [FEED], NOW)
        assert attempt(con, [article(1), article(2)], topics=[("id1", "gaza")], countries=[("id1", "PS", 2)]) == 2
        # Same items again (the feed re-sent them) plus one new: only the new one is added, and the tags
        # sent along for already-stored articles are not duplicated.
        assert attempt(con, [article(1), article(2), article(3)], topics=[("id1", "gaza"), ("id3", "gaza")]) == 1
        assert con.execute("SELECT count(*) FROM articles").fetchone() == (3,)
        assert con.execute("SELECT count(*) FROM article_topics").fetchone() == (2,)
        assert con.execute("SELECT mentions FROM article_countries").fetchall() == [(2,)]
        state = load_feed_states(con)[FEED.url]
        assert (state.etag, state.content_hash, state.consecutive_failures) == ('"v1"', "h1", 0)


def test_same_guid_from_the_same_feed_is_one_article_even_if_its_link_changed(tmp_path: Path) -> None:
    with writer(tmp_path / "m.duckdb") as con:
        sync_feeds(con, [FEED], NOW)
        attempt(con, [article(1)])
        assert attempt(con, [article(1, id="other", url="https://news.example/moved")]) == 0


def test_a_failing_write_leaves_nothing_of_that_feed(tmp_path: Path) -> None:
    with writer(tmp_path / "m.duckdb") as con:
        sync_feeds(con, [FEED], NOW)
        with pytest.raises(StoreError):
            attempt(con, [article(1), article(2, title=None)])  # NOT NULL violated half-way
        assert con.execute("SELECT count(*) FROM articles").fetchone() == (0,)
        assert con.execute("SELECT count(*) FROM fetch_log").fetchone() == (0,)
        assert load_feed_states(con)[FEED.url].content_hash is None


def test_sync_feeds_disables_removed_feeds_and_restores_them(tmp_path: Path) -> None:
    other = FeedConfig("https://other.example/rss", "Other", "QA", "en")
    with writer(tmp_path / "m.duckdb") as con:
        sync_feeds(con, [FEED, other], NOW)
        sync_feeds(con, [FEED], NOW)
        assert load_feed_states(con)[other.url].enabled is False
        assert load_feed_states(con)[other.url].disabled_reason == "not in the feed list"
        sync_feeds(con, [FEED, FeedConfig(other.url, "Other Renamed", "QA", "en")], NOW)
        state = load_feed_states(con)[other.url]
        assert (state.enabled, state.source) == (True, "Other Renamed")


def test_readers_see_the_published_copy_and_its_version_changes(tmp_path: Path) -> None:
    path = tmp_path / "m.duckdb"
    con = open_writer(path)
    sync_feeds(con, [FEED], NOW)
    attempt(con, [article(1)])
    publish_snapshot(con, path)
    v1 = data_version(path)
    # While the writer still holds the database open, a reader can read the copy.
    with reader(path) as rcon:
        assert rcon.execute("SELECT count(*) FROM articles").fetchone() == (1,)
    time.sleep(0.01)
    attempt(con, [article(2)])
    publish_snapshot(con, path)
    con.close()
    assert data_version(path) != v1
    with reader(path) as rcon:
        assert rcon.execute("SELECT count(*) FROM articles").fetchone() == (2,)
    assert snapshot_path(path).name == "m.read.duckdb"


def test_second_writer_gets_a_clear_locked_error(tmp_path: Path) -> None:
    path = tmp_path / "m.duckdb"
    holder = subprocess.Popen(
        [sys.executable, "-c", f"import duckdb,time; c=duckdb.connect({str(path)!r}); print('ok', flush=True); time.sleep(30)"],
        stdout=subprocess.PIPE, text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "ok"
        with pytest.raises(StoreLockedError, match="in use by another Marsad process"):
            open_writer(path)
    finally:
        holder.kill()
        holder.wait()


def test_reader_without_database_says_so(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="no database"), reader(tmp_path / "none.duckdb"):
        pass
