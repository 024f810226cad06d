"""The demo build: feeds served over real loopback HTTP, replayed week by week through run_once."""

from __future__ import annotations

import urllib.error
import urllib.request
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

import duckdb
import pytest

from ingest.demo.build import DemoReport, build_demo, console_progress, read_record
from ingest.demo.corpus import generate_corpus
from ingest.demo.seed import SEED_ARTICLES
from ingest.demo.server import DemoFeedServer, FeedDocument
from ingest.store import snapshot_path

TODAY = date(2026, 11, 20)
WEEKS, OUTLETS = 4, 4

# --- the feed server ------------------------------------------------------------------------------


def _get(url: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    req = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=5) as resp:  # noqa: S310 (loopback URL built by the test)
            return resp.status, dict(resp.headers), resp.read()
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), e.read()


@pytest.fixture
def server() -> Iterator[DemoFeedServer]:
    with DemoFeedServer() as s:
        yield s


def test_server_answers_304_to_a_repeated_poll(server: DemoFeedServer) -> None:
    newest = datetime(2026, 11, 1, 9, 30, tzinfo=UTC)
    server.publish({"/a/rss.xml": FeedDocument(b"<rss/>", "application/rss+xml", newest)})
    status, headers, body = _get(server.url("/a/rss.xml"))
    assert (status, body) == (200, b"<rss/>")
    assert headers["Last-Modified"] == "Sun, 01 Nov 2026 09:30:00 GMT"
    assert _get(server.url("/a/rss.xml"), {"If-None-Match": headers["ETag"]})[0] == 304
    assert _get(server.url("/a/rss.xml"), {"If-Modified-Since": headers["Last-Modified"]})[0] == 304
    earlier = format_datetime(newest - timedelta(hours=1), usegmt=True)
    assert _get(server.url("/a/rss.xml"), {"If-Modified-Since": earlier})[0] == 200
    # A new week's document has a new ETag, so the old one no longer matches.
    server.publish({"/a/rss.xml": FeedDocument(b"<rss><channel/></rss>", "application/rss+xml", newest)})
    status, _, body = _get(server.url("/a/rss.xml"), {"If-None-Match": headers["ETag"]})
    assert (status, body) == (200, b"<rss><channel/></rss>")


def test_server_fails_marked_paths_with_500(server: DemoFeedServer) -> None:
    doc = FeedDocument(b"<rss/>", "application/rss+xml", None)
    server.publish({"/a/rss.xml": doc, "/b/rss.xml": doc}, failing=frozenset({"/b/rss.xml"}))
    assert _get(server.url("/a/rss.xml"))[0] == 200
    assert _get(server.url("/b/rss.xml"))[0] == 500
    assert _get(server.url("/nowhere.xml"))[0] == 404
    assert server.statuses[500] == 1


def test_console_progress_plain_lines_when_not_a_terminal(tmp_path: Path) -> None:
    with open(tmp_path / "log.txt", "w", encoding="utf-8") as out:
        show = console_progress(out)
        show("building")
        show("week 1/2 · 10 articles so far")
        show("week 2/2 · 20 articles so far")
    assert (tmp_path / "log.txt").read_text(encoding="utf-8").splitlines() == [
        "building", "week 1/2 · 10 articles so far", "week 2/2 · 20 articles so far"]


# --- a small demo through the real pipeline -------------------------------------------------------


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, DemoReport, list[str]]:
    db = tmp_path_factory.mktemp("demo") / "demo.duckdb"
    lines: list[str] = []
    report = build_demo(db, weeks=WEEKS, outlets=OUTLETS, today=TODAY, progress=lines.append)
    return db, report, lines


def _query(db: Path, sql: str, params: list[object] | None = None) -> list[tuple]:
    con = duckdb.connect(str(snapshot_path(db)), read_only=True)
    try:
        con.execute("SET TimeZone = 'UTC'")
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


def test_build_demo_stores_the_week_replay_atomically(built: tuple[Path, DemoReport, list[str]]) -> None:
    db, report, lines = built
    corpus = generate_corpus(seed=7, today=TODAY, weeks=WEEKS, outlets=OUTLETS)
    stored = _query(db, "SELECT count(*) FROM articles")[0][0]
    assert stored == report.items_stored
    # Wire copy with one canonical URL is stored once, and the failing week's overflow is lost.
    assert 0.85 * len(corpus.items) < stored <= len(corpus.items)
    assert [line for line in lines if line.startswith("week ")][-1].startswith(f"week {WEEKS}/{WEEKS}")
    assert db.exists() and snapshot_path(db).exists()
    assert not list(db.parent.glob(".*building*"))
    assert read_record(db) is not None
    max_published = _query(db, "SELECT max(published_at) FROM articles")[0][0]
    assert max_published <= corpus.end


def test_build_demo_seed_articles_are_tagged(built: tuple[Path, DemoReport, list[str]]) -> None:
    db, _, _ = built
    expected = [({"us-russia-relations"}, {"RU", "US", "UA"}),
                ({"gaza-mediation", "egypt-us-relations"}, {"EG", "US", "QA", "PS", "LY"})]
    for (title, _body, _kind), (topics, countries) in zip(SEED_ARTICLES, expected, strict=True):
        rows = _query(db, "SELECT id, source, source_country, language FROM articles WHERE title = ?", [title])
        assert len(rows) == 1
        article_id, source, source_country, language = rows[0]
        assert (source, source_country, language) == ("صدى البلد", "EG", "ar")
        got_topics = {r[0] for r in _query(db, "SELECT topic FROM article_topics WHERE article_id = ?", [article_id])}
        got_countries = {r[0] for r in _query(db, "SELECT country FROM article_countries WHERE article_id = ?",
                                              [article_id])}
        assert topics <= got_topics
        assert countries <= got_countries


def test_build_demo_announcement_week_spikes(built: tuple[Path, DemoReport, list[str]]) -> None:
    db, _, _ = built
    corpus = generate_corpus(seed=7, today=TODAY, weeks=WEEKS, outlets=OUTLETS)
    spike = corpus.week_of(corpus.announcement_at)
    counts = dict(_query(db, """
        SELECT CAST(floor(date_diff('day', ?::TIMESTAMPTZ, a.published_at) / 7) AS INTEGER) AS week, count(*)
        FROM articles a JOIN article_topics t ON t.article_id = a.id
        WHERE t.topic = 'us-russia-relations' GROUP BY week""", [corpus.start]))
    before = max(counts.get(w, 0) for w in range(spike))
    assert counts.get(spike, 0) >= max(6, 3 * before)


def test_build_demo_failing_feed_shows_in_fetch_log(built: tuple[Path, DemoReport, list[str]]) -> None:
    db, report, _ = built
    corpus = generate_corpus(seed=7, today=TODAY, weeks=WEEKS, outlets=OUTLETS)
    bad_week_end = corpus.week_end(corpus.failing_week)
    rows = _query(db, """
        SELECT l.started_at, l.outcome, l.http_status FROM fetch_log l JOIN feeds f ON f.url = l.feed_url
        WHERE f.source = 'Levant Monitor' ORDER BY l.started_at""")
    failed = {(r[0], r[2]) for r in rows if r[1] == "http_error"}
    assert failed == {(bad_week_end, 500)}
    assert all(r[1] in ("ok", "not_modified", "unchanged") for r in rows if r[0] != bad_week_end)
    assert report.polls_failed == len([r for r in rows if r[1] == "http_error"])
    # It recovered: the feeds table shows it healthy at the end.
    health = _query(db, "SELECT consecutive_failures, last_status FROM feeds WHERE source = 'Levant Monitor'")
    assert all(h[0] == 0 for h in health)


def test_build_demo_unchanged_feed_is_answered_304(built: tuple[Path, DemoReport, list[str]]) -> None:
    db, report, _ = built
    rows = _query(db, """
        SELECT l.outcome, l.http_status FROM fetch_log l JOIN feeds f ON f.url = l.feed_url
        WHERE f.source = 'صدى البلد' ORDER BY l.started_at""")
    assert ("not_modified", 304) in rows  # the seed outlet publishes nothing after its two articles
    assert report.polls_not_modified >= 1


def test_build_demo_reuses_an_up_to_date_database(built: tuple[Path, DemoReport, list[str]]) -> None:
    db, report, _ = built
    mtime = db.stat().st_mtime_ns
    again = build_demo(db, weeks=WEEKS, outlets=OUTLETS, today=TODAY + timedelta(days=2))
    assert again.reused and again.items_stored == report.items_stored
    assert db.stat().st_mtime_ns == mtime


def test_build_demo_rebuilds_for_other_settings(tmp_path: Path) -> None:
    db = tmp_path / "demo.duckdb"
    first = build_demo(db, weeks=1, outlets=2, today=TODAY)
    assert not first.reused
    assert build_demo(db, weeks=1, outlets=2, today=TODAY).reused
    other = build_demo(db, weeks=1, outlets=2, today=TODAY, seed=8)
    assert not other.reused
    assert read_record(db).seed == 8  # type: ignore[union-attr]
    assert not build_demo(db, weeks=1, outlets=2, today=TODAY + timedelta(days=8), seed=8).reused


def test_server_falls_back_to_a_free_port_when_its_port_is_taken(server: DemoFeedServer) -> None:
    with DemoFeedServer(server.port) as second:
        assert second.port != server.port
        second.publish({"/a.xml": FeedDocument(b"<rss/>", "application/rss+xml", None)})
        assert _get(second.url("/a.xml"))[0] == 200
