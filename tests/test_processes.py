"""Ingest as separate processes: killed mid-run, and read by other processes while it writes."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

import pytest

from ingest.config import feed_to_toml
from ingest.models import FeedConfig
from ingest.store import open_writer
from tests.httpserver import FeedServer, Request, Response

ROOT = Path(__file__).resolve().parents[1]
ENV = {**os.environ, "PYTHONPATH": str(ROOT), "MARSAD_ALLOW_PRIVATE_HOSTS": "1"}


def rss_items(prefix: str, n: int) -> bytes:
    date = format_datetime(datetime.now(UTC) - timedelta(hours=2))
    items = "".join(
        f"<item><guid>{prefix}-{i}</guid><title>{prefix} story {i} on Gaza ceasefire talks</title>"
        f"<link>https://{prefix}.example/{i}</link><pubDate>{date}</pubDate>"
        f"<description>Mediators in Cairo and Doha discussed item {i}.</description></item>"
        for i in range(n)
    )
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>{prefix}</title>{items}</channel></rss>'.encode()


def write_feeds(path: Path, feeds: list[FeedConfig]) -> None:
    path.write_text("\n".join(feed_to_toml(f) for f in feeds), encoding="utf-8")


def ingest(*args: str) -> list[str]:
    return [sys.executable, "-m", "ingest", *args]


@pytest.mark.slow
def test_killed_run_leaves_whole_feeds_and_the_next_run_completes(tmp_path: Path, feed_server: FeedServer) -> None:
    sizes = {"a": 30, "b": 30, "c": 1500, "d": 30, "e": 800}
    feeds = [
        FeedConfig(feed_server.add(f"/{k}.xml", Response(200, rss_items(k, n), {"Content-Type": "application/rss+xml"})),
                   f"Outlet {k}", "EG", "en")
        for k, n in sizes.items()
    ]
    feeds_file = tmp_path / "feeds.toml"
    write_feeds(feeds_file, feeds)
    db = tmp_path / "m.duckdb"
    expected = {f.url: sizes[f.source[-1]] for f in feeds}
    for delay in (1.2, 2.0, 2.8):
        proc = subprocess.Popen(ingest("run", "--db", str(db), "--feeds", str(feeds_file)), env=ENV,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(delay)
        proc.kill()  # SIGKILL: no chance to clean up
        proc.wait()
        con = open_writer(db)  # replays whatever the killed process left in its write-ahead log
        try:
            per_feed = dict(con.execute("SELECT feed_url, count(*) FROM articles GROUP BY feed_url").fetchall())
            logged = {r[0] for r in con.execute("SELECT feed_url FROM fetch_log WHERE outcome = 'ok'").fetchall()}
        finally:
            con.close()
        for url, n in per_feed.items():
            assert n == expected[url], f"{url}: {n} of {expected[url]} items stored: a half-written feed"
        assert set(per_feed) <= logged
    done = subprocess.run(ingest("run", "--db", str(db), "--feeds", str(feeds_file)), env=ENV,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    con = open_writer(db)
    try:
        per_feed = dict(con.execute("SELECT feed_url, count(*) FROM articles GROUP BY feed_url").fetchall())
        distinct = con.execute("SELECT count(DISTINCT id) = count(*) FROM articles").fetchall()[0][0]
    finally:
        con.close()
    assert per_feed == expected
    assert distinct


READER = textwrap.dedent(
    """
    import json, sys, time
    from pathlib import Path
    from ingest.store import reader
    db, stop_file = Path(sys.argv[1]), Path(sys.argv[2])
    counts, failures = [], []
    end = time.monotonic() + 120
    while time.monotonic() < end and not stop_file.exists():
        try:
            with reader(db) as con:
                counts.append(con.execute("SELECT count(*) FROM articles").fetchall()[0][0])
        except Exception as e:  # every failure is what this test counts
            failures.append(f"{type(e).__name__}: {e}")
        time.sleep(0.02)
    print(json.dumps({"counts": counts, "failures": failures}))
    """
)


@pytest.mark.slow
def test_readers_never_fail_while_the_loop_writes(tmp_path: Path, feed_server: FeedServer) -> None:
    served: list[int] = []

    def growing(req: Request) -> Response:
        # Every poll sees five more stories than the last one.
        n = 5 * (len(served) + 1)
        served.append(n)
        return Response(200, rss_items("live", n), {"Content-Type": "application/rss+xml"})

    url = feed_server.add("/live.xml", growing)
    feeds_file = tmp_path / "feeds.toml"
    write_feeds(feeds_file, [FeedConfig(url, "Live", "QA", "en")])
    db = tmp_path / "m.duckdb"
    # A first run so the readers' copy exists before the readers start.
    subprocess.run(ingest("run", "--db", str(db), "--feeds", str(feeds_file)), env=ENV, check=True,
                   capture_output=True, timeout=120)
    writer = subprocess.Popen(ingest("loop", "--every", "0.2s", "--db", str(db), "--feeds", str(feeds_file)),
                              env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    stop_file = tmp_path / "stop-reading"
    readers = [
        subprocess.Popen([sys.executable, "-c", READER, str(db), str(stop_file)], env=ENV, stdout=subprocess.PIPE,
                         text=True)
        for _ in range(2)
    ]
    # Let the writer complete several runs (each publishes a new readers' copy) while they read.
    deadline = time.monotonic() + 90
    while len(served) < 5 and time.monotonic() < deadline:
        time.sleep(0.1)
    time.sleep(0.5)
    stop_file.touch()
    results = [json.loads(r.communicate(timeout=60)[0]) for r in readers]
    writer.send_signal(signal.SIGTERM)
    _, err = writer.communicate(timeout=60)
    assert writer.returncode == 0, err
    for result in results:
        assert result["failures"] == []
        assert len(result["counts"]) > 10
        assert result["counts"] == sorted(result["counts"])  # never goes back in time
    assert max(max(r["counts"]) for r in results) > 5, served  # the readers saw the writer's later runs
    con = open_writer(db)
    try:
        stored = con.execute("SELECT count(*) FROM articles").fetchall()[0][0]
    finally:
        con.close()
    assert len(served) >= 4
    assert stored == served[-1]  # every item of the last poll is stored: nothing lost


def test_cli_exits_zero_when_feeds_fail_and_two_on_bad_configuration(tmp_path: Path, feed_server: FeedServer) -> None:
    bad_feed = FeedConfig(feed_server.add("/down", Response(500, b"")), "Down", "EG", "ar")
    feeds_file = tmp_path / "feeds.toml"
    write_feeds(feeds_file, [bad_feed])
    db = tmp_path / "m.duckdb"
    done = subprocess.run(ingest("run", "--db", str(db), "--feeds", str(feeds_file)), env=ENV,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0
    assert "1 failed" in done.stdout
    status = subprocess.run(ingest("status", "--db", str(db)), env=ENV, capture_output=True, text=True, timeout=60)
    assert "failing" in status.stdout and "Down" in status.stdout
    feeds_file.write_text('[[feed]]\nurl = "https://x.example/rss"\nsource = "X"\ncountry = "Egypt"\nlanguage = "ar"\n')
    bad = subprocess.run(ingest("run", "--db", str(db), "--feeds", str(feeds_file)), env=ENV,
                         capture_output=True, text=True, timeout=60)
    assert bad.returncode == 2
    assert "feed #1" in bad.stderr and "'country'" in bad.stderr and "Traceback" not in bad.stderr
