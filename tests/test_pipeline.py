"""The ingest run end to end: real loopback feeds → fetch → parse → tag → DuckDB.

Idempotency, per-feed isolation, polite re-polling, and what users see of broken feeds.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

import pytest

from ingest.fetch import FetchOptions
from ingest.models import FeedConfig
from ingest.pipeline import run_once
from ingest.store import reader
from ingest.store.reads import feed_health
from tests.httpserver import FeedServer, Request, Response
from tests.seeded import ITEMS, OUTLETS, serve_feeds

OPTS = FetchOptions(allow_private_hosts=True, total_timeout_s=2.0, connect_timeout_s=1.0)


def rss(*items: tuple[str, str, str | None], link_base: str = "https://wire.example/") -> bytes:
    """An RSS 2.0 document: items are (guid, title, pubDate-or-None)."""
    body = ['<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>T</title>']
    for guid, title, date in items:
        body.append(f"<item><guid>{guid}</guid><title>{title}</title><link>{link_base}{guid}</link>")
        if date:
            body.append(f"<pubDate>{date}</pubDate>")
        body.append("<description>text</description></item>")
    body.append("</channel></rss>")
    return "".join(body).encode()


def count(db: Path, sql: str, params: list[object] | None = None) -> int:
    with reader(db) as con:
        return int(con.execute(sql, params or []).fetchall()[0][0])


def recent(days: int = 1) -> str:
    return format_datetime(datetime.now(UTC) - timedelta(days=days))


def test_run_stores_every_item_of_every_feed(tmp_path: Path, feed_server: FeedServer) -> None:
    db = tmp_path / "m.duckdb"
    report = run_once(db, serve_feeds(feed_server), options=OPTS, now=datetime.now(UTC))
    assert (report.feeds_ok, report.feeds_failed, report.items_new) == (len(OUTLETS), 0, len(ITEMS))
    assert count(db, "SELECT count(*) FROM articles") == len(ITEMS)
    # Arabic outlets' items are detected as Arabic, English ones as English.
    assert count(db, "SELECT count(*) FROM articles WHERE source = 'Nile Gazette' AND language = 'ar'") == 7
    assert count(db, "SELECT count(*) FROM articles WHERE source = 'Gulf Wire' AND language = 'en'") == 7
    assert count(db, "SELECT count(*) FROM ingest_runs WHERE status = 'finished' AND items_new = ?", [len(ITEMS)]) == 1


def test_second_run_over_unchanged_feeds_adds_nothing(tmp_path: Path, feed_server: FeedServer) -> None:
    db = tmp_path / "m.duckdb"
    feeds = serve_feeds(feed_server)
    run_once(db, feeds, options=OPTS)
    second = run_once(db, feeds, options=OPTS)
    assert second.items_new == 0
    # No validators from this server: the body hash tells the run that nothing changed, without parsing.
    assert {o.outcome for o in second.outcomes} == {"unchanged"}
    assert count(db, "SELECT count(*) FROM articles") == len(ITEMS)


def test_repoll_sends_validators_and_a_304_is_success_not_an_empty_feed(tmp_path: Path, feed_server: FeedServer) -> None:
    body = rss(("a", "Gaza truce talks resume", recent()))

    def conditional(req: Request) -> Response:
        if req.headers.get("if-none-match") == '"v1"':
            return Response(304, b"", {"ETag": '"v1"'})
        return Response(200, body, {"ETag": '"v1"', "Last-Modified": "Tue, 01 Apr 2025 10:00:00 GMT",
                                    "Content-Type": "application/rss+xml"})

    url = feed_server.add("/c.xml", conditional)
    db = tmp_path / "m.duckdb"
    feeds = [FeedConfig(url, "Wire", "GB", "en")]
    run_once(db, feeds, options=OPTS)
    second = run_once(db, feeds, options=OPTS)
    assert [o.outcome for o in second.outcomes] == ["not_modified"]
    assert feed_server.hits("/c.xml")[-1].headers.get("if-modified-since") == "Tue, 01 Apr 2025 10:00:00 GMT"
    with reader(db) as con:
        health = feed_health(con)
    assert health.loc[0, "state"] == "ok" and health.loc[0, "consecutive_failures"] == 0


def test_one_bad_feed_never_stops_the_run(tmp_path: Path, feed_server: FeedServer) -> None:
    good = feed_server.add("/good.xml", Response(200, rss(("g1", "Lavrov meets Rubio", recent())),
                                                 {"Content-Type": "application/rss+xml"}))
    html = feed_server.add("/html", Response(200, b"<!doctype html><html><body>Home</body></html>",
                                             {"Content-Type": "text/html"}))
    error = feed_server.add("/500", Response(500, b"oops"))
    hang = feed_server.add("/hang", Response(200, b"<rss/>", delay_s=5))
    # A character reference beyond Unicode crashes feedparser itself; the item must still come through.
    crashy = feed_server.add("/crashy", Response(200, b"<rss version='2.0'><channel><item><title>Truce &#x110000;"
                                                 b"talks</title><guid>c1</guid></item></channel></rss>",
                                                 {"Content-Type": "application/rss+xml"}))
    garbage = feed_server.add("/garbage", Response(200, bytes(range(256)) * 8, {"Content-Type": "application/rss+xml"}))
    feeds = [FeedConfig(u, f"S{i}", "GB", "en") for i, u in enumerate([good, html, error, hang, crashy, garbage])]
    db = tmp_path / "m.duckdb"
    report = run_once(db, feeds, options=OPTS)
    outcomes = {o.url: o for o in report.outcomes}
    assert outcomes[good].outcome == "ok" and outcomes[good].items_new == 1
    assert outcomes[html].outcome == "not_a_feed"
    assert outcomes[error].outcome == "http_error"
    assert outcomes[hang].outcome == "timeout"
    assert (outcomes[crashy].outcome, outcomes[crashy].items_new) == ("ok", 1)
    assert outcomes[garbage].outcome == "not_a_feed"
    with reader(db) as con:
        health = feed_health(con).set_index("url")
        logged = con.execute("SELECT count(*) FROM fetch_log").fetchall()[0][0]
    assert health.loc[html, "state"] == "failing"
    assert "HTML" in health.loc[html, "last_error"] or "html" in health.loc[html, "last_error"]
    assert health.loc[error, "last_status"] == "500"
    assert logged == 6


def test_gone_feed_is_disabled_and_stays_visible(tmp_path: Path, feed_server: FeedServer) -> None:
    url = feed_server.add("/gone", Response(410, b""))
    db = tmp_path / "m.duckdb"
    run_once(db, [FeedConfig(url, "Old Paper", "EG", "ar")], options=OPTS)
    again = run_once(db, [FeedConfig(url, "Old Paper", "EG", "ar")], options=OPTS)
    assert again.outcomes == ()  # never polled again
    assert len(feed_server.hits("/gone")) == 1
    with reader(db) as con:
        health = feed_health(con)
    assert (health.loc[0, "state"], health.loc[0, "disabled_reason"]) == ("disabled", "410 Gone")


def test_failing_feed_backs_off_and_recovers(tmp_path: Path, feed_server: FeedServer) -> None:
    state = {"fail": True}
    body = rss(("x", "Sudan talks in Jeddah", recent()))
    url = feed_server.add("/flaky", lambda req: Response(503, b"") if state["fail"] else Response(200, body))
    db = tmp_path / "m.duckdb"
    feeds = [FeedConfig(url, "Flaky", "SD", "en")]
    t0 = datetime.now(UTC)
    run_once(db, feeds, options=OPTS, now=t0)
    assert run_once(db, feeds, options=OPTS, now=t0 + timedelta(seconds=30)).outcomes == ()  # backing off
    state["fail"] = False
    recovered = run_once(db, feeds, options=OPTS, now=t0 + timedelta(hours=2))
    assert [o.outcome for o in recovered.outcomes] == ["ok"]
    with reader(db) as con:
        assert feed_health(con).loc[0, "consecutive_failures"] == 0


def test_permanent_redirect_moves_the_feed(tmp_path: Path, feed_server: FeedServer) -> None:
    new = feed_server.add("/new.xml", Response(200, rss(("n", "Iran nuclear talks", recent()))))
    old = feed_server.add("/old.xml", Response(301, b"", {"Location": "/new.xml"}))
    db = tmp_path / "m.duckdb"
    run_once(db, [FeedConfig(old, "Mover", "FR", "en")], options=OPTS)
    run_once(db, [FeedConfig(old, "Mover", "FR", "en")], options=OPTS)
    assert len(feed_server.hits("/old.xml")) == 1  # the second run went straight to the new address
    assert len(feed_server.hits("/new.xml")) == 2
    with reader(db) as con:
        assert con.execute("SELECT fetch_url FROM feeds").fetchall() == [(new,)]


def test_same_link_through_two_feeds_is_one_article(tmp_path: Path, feed_server: FeedServer) -> None:
    doc = rss(("story-1", "Red Sea shipping attacks resume", recent()))
    a = feed_server.add("/a.xml", Response(200, doc))
    b = feed_server.add("/b.xml", Response(200, doc))
    db = tmp_path / "m.duckdb"
    run_once(db, [FeedConfig(a, "Paper A", "AE", "en"), FeedConfig(b, "Paper A world", "AE", "en")], options=OPTS)
    assert count(db, "SELECT count(*) FROM articles") == 1


def test_duplicate_guids_in_one_document_do_not_collapse_stories(tmp_path: Path, feed_server: FeedServer) -> None:
    doc = rss(("same", "First story", recent()), ("same", "Second story", recent()), link_base="https://x.example/#")
    url = feed_server.add("/dup.xml", Response(200, doc))
    db = tmp_path / "m.duckdb"
    run_once(db, [FeedConfig(url, "Dup", "JO", "en")], options=OPTS)
    run_once(db, [FeedConfig(url, "Dup", "JO", "en")], options=OPTS)
    assert count(db, "SELECT count(*) FROM articles") == 2


def test_undated_items_are_flagged_and_not_duplicated_by_later_runs(tmp_path: Path, feed_server: FeedServer) -> None:
    doc = rss(("u1", "Undated story", None))
    url = feed_server.add("/undated.xml", lambda req: Response(200, doc + b" " * len(feed_server.requests)))
    db = tmp_path / "m.duckdb"
    feeds = [FeedConfig(url, "Undated", "IQ", "en")]
    first = datetime(2025, 4, 1, 9, tzinfo=UTC)
    run_once(db, feeds, options=OPTS, now=first)
    run_once(db, feeds, options=OPTS, now=first + timedelta(days=1))  # body differs, item does not
    with reader(db) as con:
        rows = con.execute("SELECT published_at, date_estimated, date_note FROM articles").fetchall()
    assert rows == [(first, True, "missing")]


@pytest.mark.parametrize("seed_file", ["sada-elbalad.rss"])
def test_seed_articles_are_stored_with_title_date_link_and_source(
    tmp_path: Path, feed_server: FeedServer, fixtures_dir: Path, seed_file: str
) -> None:
    body = (fixtures_dir / "seed" / seed_file).read_bytes()
    url = feed_server.add("/seed.rss", Response(200, body, {"Content-Type": "application/rss+xml; charset=utf-8"}))
    db = tmp_path / "m.duckdb"
    run_once(db, [FeedConfig(url, "صدى البلد", "EG", "ar")], options=OPTS, now=datetime(2025, 4, 2, tzinfo=UTC))
    with reader(db) as con:
        rows = con.execute(
            "SELECT id, title, url, published_at, source, language FROM articles ORDER BY published_at"
        ).fetchall()
        topics = {r[0]: set() for r in rows}
        for aid, topic in con.execute("SELECT article_id, topic FROM article_topics").fetchall():
            topics[aid].add(topic)
        countries = {r[0]: set() for r in rows}
        for aid, c in con.execute("SELECT article_id, country FROM article_countries").fetchall():
            countries[aid].add(c)
    titles = [r[1] for r in rows]
    assert "لافروف: موسكو وواشنطن تستعدان لعقد اجتماع بشأن حل الخلافات وتطبيع الاتصالات" in titles
    assert "السيسي يؤكد لمستشار ترامب التزام مصر بدعم الاستقرار الإقليمي" in titles
    for _aid, _title, link, published, source, language in rows:
        assert link.startswith("https://www.elbalad.news/")
        assert published.date() == datetime(2025, 4, 1).date()
        assert (source, language) == ("صدى البلد", "ar")
    lavrov = next(r[0] for r in rows if r[1].startswith("لافروف"))
    sisi = next(r[0] for r in rows if r[1].startswith("السيسي"))
    assert "us-russia-relations" in topics[lavrov]
    assert {"gaza-mediation", "egypt-us-relations"} <= topics[sisi]
    assert {"RU", "US", "UA"} <= countries[lavrov]
    assert {"EG", "US", "QA", "PS", "LY"} <= countries[sisi]


def test_an_ingest_run_stores_everything_without_loading_pandas(tmp_path: Path, feed_server: FeedServer) -> None:
    """pandas costs the ingest process ~95 MB of its 300 MB budget; the run's writes go without it."""
    import subprocess
    import sys

    feeds = serve_feeds(feed_server)
    feeds_file = tmp_path / "feeds.toml"
    feeds_file.write_text("".join(f'[[feed]]\nurl = "{f.url}"\nsource = "{f.source}"\ncountry = "{f.country}"\n'
                                  f'language = "{f.language}"\n\n' for f in feeds), encoding="utf-8")
    db = tmp_path / "m.duckdb"
    code = ("import sys\nfrom ingest.__main__ import main\n"
            "code = main(['run', '--db', sys.argv[1], '--feeds', sys.argv[2], '--allow-private-hosts'])\n"
            "print('pandas' in sys.modules, code)\n")
    out = subprocess.run([sys.executable, "-c", code, str(db), str(feeds_file)], capture_output=True, text=True,
                         check=True, cwd=Path(__file__).resolve().parents[1]).stdout.strip().splitlines()[-1]
    assert out == "False 0"
    assert count(db, "SELECT count(*) FROM articles") == len(ITEMS)


def test_dates_without_an_offset_are_read_in_the_feeds_time_zone(tmp_path: Path, feed_server: FeedServer) -> None:
    """A Cairo site writing "2025-01-12 10:00" means 08:00 UTC in winter, 07:00 UTC in summer (DST)."""
    body = rss(("w", "Winter story", "2025-01-12 10:00:00"), ("s", "Summer story", "2025-07-12 10:00:00"),
               ("z", "Zoned story", "Sun, 12 Jan 2025 10:00:00 +0000"))
    local = feed_server.add("/cairo", Response(200, body, {"Content-Type": "application/rss+xml"}))
    plain = feed_server.add("/plain", Response(200, body.replace(b"https://wire.example/", b"https://other.example/"),
                                               {"Content-Type": "application/rss+xml"}))
    feeds = [FeedConfig(local, "Cairo Daily", "EG", "ar", (), "Africa/Cairo"), FeedConfig(plain, "Plain", "EG", "ar")]
    db = tmp_path / "m.duckdb"
    run_once(db, feeds, options=OPTS, now=datetime(2025, 8, 1, tzinfo=UTC))
    with reader(db) as con:
        rows = dict(con.execute("SELECT source || ' ' || guid, strftime(published_at AT TIME ZONE 'UTC', '%H:%M') "
                                "FROM articles").fetchall())
    assert rows["Cairo Daily w"] == "08:00" and rows["Cairo Daily s"] == "07:00" and rows["Cairo Daily z"] == "10:00"
    assert rows["Plain w"] == "10:00" and rows["Plain s"] == "10:00"
