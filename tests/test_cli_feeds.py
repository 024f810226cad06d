"""Managing the feed list from the command line: add-feed checks a feed once; OPML in and out."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from ingest.config import load_feeds
from tests.httpserver import FeedServer, Response

ROOT = Path(__file__).resolve().parents[1]
RSS = (b'<?xml version="1.0"?><rss version="2.0"><channel><title>Wire</title>'
       b"<item><title>Gaza truce talks</title><link>https://w.example/1</link></item></channel></rss>")


def ingest(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "ingest", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=120, env={**os.environ, **(env or {})})


def test_add_feed_fetches_once_then_appends(tmp_path: Path, feed_server: FeedServer) -> None:
    feeds = tmp_path / "feeds.toml"
    feeds.write_text("# my list\n", encoding="utf-8")
    url = feed_server.add("/rss", Response(200, RSS, {"Content-Type": "application/rss+xml"}))
    done = ingest("add-feed", url, "--source", "Wire", "--country", "gb", "--language", "en", "--feeds", str(feeds),
                  "--allow-private-hosts")
    assert done.returncode == 0, done.stderr
    assert "added Wire" in done.stdout and "1 items" in done.stdout
    [feed] = load_feeds(feeds)
    assert (feed.url, feed.country) == (url, "GB")
    again = ingest("add-feed", url, "--source", "Wire", "--country", "GB", "--language", "en", "--feeds", str(feeds),
                   "--allow-private-hosts")
    assert again.returncode == 2 and "already in the list" in again.stderr


def test_add_feed_refuses_what_is_not_a_feed_and_private_hosts(tmp_path: Path, feed_server: FeedServer) -> None:
    feeds = tmp_path / "feeds.toml"
    page = feed_server.add("/page", Response(200, b"<html><body>news</body></html>", {"Content-Type": "text/html"}))
    done = ingest("add-feed", page, "--source", "X", "--country", "EG", "--language", "ar", "--feeds", str(feeds),
                  "--allow-private-hosts")
    assert done.returncode == 2 and "not a feed" in done.stderr and "not added" in done.stderr
    assert not feeds.exists()
    url = feed_server.add("/rss", Response(200, RSS))
    private = ingest("add-feed", url, "--source", "X", "--country", "EG", "--language", "ar", "--feeds", str(feeds),
                     env={"MARSAD_ALLOW_PRIVATE_HOSTS": ""})
    assert private.returncode == 2 and "not added" in private.stderr and "Traceback" not in private.stderr


def test_opml_export_then_import_into_another_list(tmp_path: Path) -> None:
    shipped = ROOT / "data" / "feeds.toml"
    opml = tmp_path / "marsad.opml"
    out = ingest("export-opml", "--feeds", str(shipped), "--out", str(opml))
    assert out.returncode == 0, out.stderr
    target = tmp_path / "feeds.toml"
    first = ingest("import-opml", str(opml), "--feeds", str(target))
    assert first.returncode == 0, first.stderr
    assert load_feeds(target) == load_feeds(shipped)
    second = ingest("import-opml", str(opml), "--feeds", str(target))
    assert "imported 0 feeds" in second.stdout


def test_run_refuses_a_bad_fetch_log_window_before_fetching(tmp_path: Path, feed_server: FeedServer) -> None:
    url = feed_server.add("/rss", Response(200, RSS, {"Content-Type": "application/rss+xml"}))
    feeds = tmp_path / "feeds.toml"
    feeds.write_text(f'[[feed]]\nurl = "{url}"\nsource = "Wire"\ncountry = "GB"\nlanguage = "en"\n', encoding="utf-8")
    done = ingest("run", "--db", str(tmp_path / "m.duckdb"), "--feeds", str(feeds), "--allow-private-hosts",
                  env={"MARSAD_FETCH_LOG_DAYS": "ninety"})
    assert done.returncode == 2 and "MARSAD_FETCH_LOG_DAYS" in done.stderr and "Traceback" not in done.stderr
    assert feed_server.hits("/rss") == []
