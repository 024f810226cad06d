"""The store: schema and migrations, atomic idempotent writes, the readers' copy and lock errors."""

from __future__ import annotations

import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pandas as pd
import pytest

from ingest.errors import ConfigError, StoreError, StoreLockedError
from ingest.models import FeedConfig
from ingest.store import data_version, open_writer, publish_snapshot, reader, snapshot_path, writer
from ingest.store.schema import MIGRATIONS, SCHEMA_VERSION
from ingest.store.writes import (
    ARTICLE_COLUMNS,
    FeedUpdate,
    FetchLogRow,
    fetch_log_retention_days,
    finish_run,
    load_feed_states,
    record_attempt,
    start_run,
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
        assert con.execute("SELECT version FROM schema_version ORDER BY version").fetchall() == [
            (v,) for v in range(1, SCHEMA_VERSION + 1)]


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


def _version_1_file(path: Path, rows: list[dict[str, object]], topics: list[tuple[str, str]] = (),  # type: ignore[assignment]
                    countries: list[tuple[str, str, int]] = (), version: int = 1) -> None:  # type: ignore[assignment]
    """A database as Marsad wrote it at schema `version` (1 or 2): the old tables holding `rows` and their tags."""
    import duckdb

    con = duckdb.connect(str(path))
    for v in range(1, version + 1):
        for statement in MIGRATIONS[v]:
            con.execute(statement)
        con.execute("INSERT INTO schema_version (version) VALUES (?)", [v])
    con.register("old", frame(rows))
    con.execute(f"INSERT INTO articles ({', '.join(ARTICLE_COLUMNS)}) SELECT * FROM old")
    for table, tags in (("article_topics", topics), ("article_countries", countries)):
        if tags:
            row = "(" + ", ".join("?" for _ in tags[0]) + ")"
            con.execute(f"INSERT INTO {table} VALUES {', '.join(row for _ in tags)}",  # noqa: S608 (placeholders only)
                        [v for t in tags for v in t])
    con.close()


@pytest.mark.parametrize("version", [1, 2], ids=["from-v1", "from-v2"])
def test_an_old_file_gets_its_tags_dated_and_ordered_by_date(tmp_path: Path, version: int) -> None:
    # Schema 3: every tag row carries its article's published_at (what lets reads skip other dates),
    # existing rows are filled in and stored oldest first, and nothing is lost on the way.
    path = tmp_path / "old.duckdb"
    rows = [article(i) for i in range(1, 6)]  # id1 is the newest, id5 the oldest
    topics = [(f"id{i}", "gaza") for i in range(1, 6)] + [("id3", "usru")]
    countries = [(f"id{i}", "EG", i) for i in range(1, 6)] + [("id2", "PS", 1)]
    _version_1_file(path, rows, topics, countries, version=version)
    with writer(path) as con:
        assert con.execute("SELECT max(version) FROM schema_version").fetchone() == (SCHEMA_VERSION,)
        for table, key in (("article_topics", "topic"), ("article_countries", "country")):
            stored = con.execute(f"SELECT t.article_id, t.{key}, t.published_at, a.published_at FROM {table} t "  # noqa: S608
                                 "JOIN articles a ON a.id = t.article_id ORDER BY t.rowid").fetchall()
            assert len(stored) == len(topics if key == "topic" else countries)
            assert all(tag_date == article_date for _, _, tag_date, article_date in stored)
            assert [r[2] for r in stored] == sorted(r[2] for r in stored)
        assert con.execute("SELECT mentions FROM article_countries WHERE article_id = 'id4' AND country = 'EG'"
                           ).fetchall() == [(4,)]
        # The tables keep refusing incomplete rows after the rebuild.
        with pytest.raises(Exception, match="NOT NULL"):
            con.execute("INSERT INTO article_topics VALUES ('id1', 'x', NULL)")


def test_new_tags_carry_their_articles_date(tmp_path: Path) -> None:
    with writer(tmp_path / "m.duckdb") as con:
        sync_feeds(con, [FEED], NOW)
        attempt(con, [article(1), article(30)], topics=[("id1", "gaza"), ("id30", "gaza"), ("id30", "usru")],
                countries=[("id1", "PS", 2), ("id30", "EG", 1), ("id30", "EG", 3)])
        for table in ("article_topics", "article_countries"):
            pairs = con.execute(f"SELECT t.published_at, a.published_at FROM {table} t "  # noqa: S608
                                "JOIN articles a ON a.id = t.article_id").fetchall()
            assert len(pairs) == (3 if table == "article_topics" else 2)
            assert all(tag == art for tag, art in pairs)
        assert con.execute("SELECT mentions FROM article_countries WHERE article_id = 'id30'").fetchall() == [(3,)]


def test_a_version_1_file_is_carried_forward_and_keeps_its_articles(tmp_path: Path) -> None:
    path = tmp_path / "old.duckdb"
    _version_1_file(path, [article(1), article(2)])
    with writer(path) as con:
        assert con.execute("SELECT max(version) FROM schema_version").fetchone() == (SCHEMA_VERSION,)
        indexes = {r[0] for r in con.execute("SELECT index_name FROM duckdb_indexes() WHERE table_name = 'articles'"
                                             ).fetchall()}
        assert "articles_guid" in indexes
        sync_feeds(con, [FEED], NOW)
        # The stored guid is still recognised under a new id, and the stored id under a new guid.
        assert attempt(con, [article(1, id="moved"), article(2, guid="g2-changed"), article(3)]) == 1
        assert con.execute("SELECT count(*) FROM articles").fetchone() == (3,)


def test_duplicate_check_uses_the_guid_index(tmp_path: Path) -> None:
    # What keeps a write at a million articles from scanning them all: the guid lookup is an index scan.
    with writer(tmp_path / "m.duckdb") as con:
        sync_feeds(con, [FEED], NOW)
        attempt(con, [article(i) for i in range(200)])
        plan = con.execute("EXPLAIN ANALYZE SELECT id FROM articles WHERE guid IN (?, ?)", ["g1", "g2"]).fetchall()
    assert "Index Scan" in plan[0][1]


def test_large_batch_finds_exactly_the_new_articles(tmp_path: Path) -> None:
    # More keys than DuckDB turns into index lookups by default (50), stored ones mixed with new ones,
    # some stored ones re-sent under a new id (same guid) and some new ones sharing a guid of another feed.
    other = FeedConfig("https://other.example/rss", "Other", "QA", "en")
    with writer(tmp_path / "m.duckdb") as con:
        sync_feeds(con, [FEED, other], NOW)
        assert attempt(con, [article(i) for i in range(0, 300, 2)]) == 150
        resent = [article(i, id=f"new-id-{i}") if i % 4 == 0 else article(i) for i in range(300)]
        assert attempt(con, resent) == 150
        # The re-sent stored ones were recognised by their guid: none is stored again under its new id.
        assert con.execute("SELECT count(*) FROM articles WHERE id LIKE 'new-id-%'").fetchone() == (0,)
        elsewhere = [article(i, id=f"o{i}", feed_url=other.url) for i in range(100)]  # same guids, other feed
        assert attempt(con, elsewhere) == 100
        assert con.execute("SELECT count(*) FROM articles").fetchone() == (400,)


def test_a_failed_write_reports_its_own_error_and_the_next_write_works(tmp_path: Path) -> None:
    with writer(tmp_path / "m.duckdb") as con:
        sync_feeds(con, [FEED], NOW)
        with pytest.raises(StoreError, match="NOT NULL"):
            attempt(con, [article(i) for i in range(60)] + [article(99, title=None)])
        assert attempt(con, [article(i) for i in range(60)]) == 60


# --- fetch_log retention --------------------------------------------------------------------------------


def _log_attempts(con, days_ago: list[int]) -> None:  # type: ignore[no-untyped-def]
    for d in days_ago:
        update = FeedUpdate(url=FEED.url, fetched_at=NOW - timedelta(days=d), success=True, status="304", error=None,
                            consecutive_failures=0, next_fetch_at=None, enabled=True, disabled_reason=None)
        log = FetchLogRow(None, FEED.url, NOW - timedelta(days=d), 5, "not_modified", 304, None, None, None, None)
        record_attempt(con, update, log)


def _finish(con, **kw) -> int:  # type: ignore[no-untyped-def]
    run_id = start_run(con, NOW)
    return finish_run(con, run_id, finished_at=NOW, feeds_ok=0, feeds_not_modified=1, feeds_failed=0, items_new=0,
                      status="finished", **kw)


def _logged_days(con) -> list[int]:  # type: ignore[no-untyped-def]
    rows = con.execute("SELECT started_at FROM fetch_log ORDER BY started_at DESC").fetchall()
    return [(NOW - r[0]).days for r in rows]


def test_finishing_a_run_drops_fetch_log_rows_older_than_90_days(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MARSAD_FETCH_LOG_DAYS", raising=False)
    with writer(tmp_path / "m.duckdb") as con:
        sync_feeds(con, [FEED], NOW)
        _log_attempts(con, [0, 1, 89, 90, 91, 400])
        assert _finish(con) == 2
        assert _logged_days(con) == [0, 1, 89, 90]
        # The feed's own state (last success, failures in a row) does not depend on old log rows.
        assert load_feed_states(con)[FEED.url].consecutive_failures == 0


def test_fetch_log_window_follows_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with writer(tmp_path / "m.duckdb") as con:
        sync_feeds(con, [FEED], NOW)
        _log_attempts(con, [0, 5, 10, 400])
        monkeypatch.setenv("MARSAD_FETCH_LOG_DAYS", "0")  # keep everything
        assert _finish(con) == 0
        assert _logged_days(con) == [0, 5, 10, 400]
        monkeypatch.setenv("MARSAD_FETCH_LOG_DAYS", "7")
        assert _finish(con) == 2
        assert _logged_days(con) == [0, 5]


def test_invalid_fetch_log_window_keeps_everything_and_warns(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                             caplog: pytest.LogCaptureFixture) -> None:
    monkeypatch.setenv("MARSAD_FETCH_LOG_DAYS", "9o")
    with pytest.raises(ConfigError, match="MARSAD_FETCH_LOG_DAYS"):
        fetch_log_retention_days()
    with writer(tmp_path / "m.duckdb") as con:
        sync_feeds(con, [FEED], NOW)
        _log_attempts(con, [0, 400])
        assert _finish(con) == 0
        assert _logged_days(con) == [0, 400]
    assert "MARSAD_FETCH_LOG_DAYS" in caplog.text


def test_pruned_log_survives_reopening_and_the_readers_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MARSAD_FETCH_LOG_DAYS", raising=False)
    path = tmp_path / "m.duckdb"
    with writer(path) as con:
        sync_feeds(con, [FEED], NOW)
        _log_attempts(con, [0, 200])
        _finish(con)
        publish_snapshot(con, path)
    with reader(path) as rcon:
        assert rcon.execute("SELECT count(*) FROM fetch_log").fetchone() == (1,)
    with writer(path) as con:
        assert _logged_days(con) == [0]


def test_duplicate_check_at_a_size_where_it_uses_index_lookups(tmp_path: Path) -> None:
    # With 24,000 stored articles a batch of up to 60 keys is looked up in the indexes rather than
    # scanned (writes._index_lookups; DuckDB alone would stop at 50); the answer must be the same.
    with writer(tmp_path / "m.duckdb") as con:
        sync_feeds(con, [FEED], NOW)
        assert attempt(con, [article(i) for i in range(24_000)]) == 24_000
        batch = [article(i, id=f"again-{i}") for i in range(20)]  # stored guids under new ids
        batch += [article(i, guid=f"changed-{i}") for i in range(20, 40)]  # stored ids under new guids
        batch += [article(i) for i in range(30_000, 30_020)]  # new
        assert attempt(con, batch) == 20
        assert con.execute("SELECT count(*) FROM articles").fetchone() == (24_020,)
        assert con.execute("SELECT current_setting('dynamic_or_filter_threshold')").fetchone() == (50,)
