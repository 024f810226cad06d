"""Changing topics.toml takes effect on everything already stored — and only when it changes."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from ingest.fetch import FetchOptions
from ingest.pipeline import run_once
from ingest.store import reader
from ingest.topics import load_topics
from tests.httpserver import FeedServer
from tests.seeded import serve_feeds

OPTS = FetchOptions(allow_private_hosts=True)
ROOT = Path(__file__).resolve().parents[1]

TOPIC = """
[[topic]]
id = "{id}"
label = "L"
label_ar = "ل"
query = '{query}'
color = "#117733"
"""


def topics_file(tmp_path: Path, *pairs: tuple[str, str]) -> Path:
    path = tmp_path / "topics.toml"
    path.write_text("".join(TOPIC.format(id=i, query=q) for i, q in pairs), encoding="utf-8")
    return path


def tagged(db: Path) -> dict[str, int]:
    with reader(db) as con:
        return dict(con.execute("SELECT topic, count(*) FROM article_topics GROUP BY topic").fetchall())


def test_tags_survive_runs_and_follow_topic_changes(tmp_path: Path, feed_server: FeedServer) -> None:
    db = tmp_path / "m.duckdb"
    feeds = serve_feeds(feed_server)
    gaza = topics_file(tmp_path, ("gaza", "غزة OR gaza"))
    run_once(db, feeds, options=OPTS, topics=load_topics(gaza))
    first = tagged(db)
    assert first["gaza"] == 7  # the seven Gaza stories in tests/seeded.py
    # Unchanged topics: nothing is retagged and nothing is lost, run after run.
    for _ in range(2):
        report = run_once(db, feeds, options=OPTS, topics=load_topics(gaza))
        assert report.retagged == ()
        assert tagged(db) == first
    # A changed query retags what is stored; a removed topic's tags go; a new topic is filled.
    changed = topics_file(tmp_path, ("gaza", "غزة"), ("football", "الأهلي OR arsenal"))
    report = run_once(db, feeds, options=OPTS, topics=load_topics(changed))
    assert set(report.retagged) == {"gaza", "football"}
    after = tagged(db)
    assert 0 < after["gaza"] < first["gaza"]
    assert after["football"] == 2
    only_football = topics_file(tmp_path, ("football", "الأهلي OR arsenal"))
    run_once(db, feeds, options=OPTS, topics=load_topics(only_football))
    assert tagged(db) == {"football": 2}


def test_retag_command_uses_sql_and_agrees_with_ingest_tagging(tmp_path: Path, feed_server: FeedServer) -> None:
    db = tmp_path / "m.duckdb"
    run_once(db, serve_feeds(feed_server), options=OPTS)  # tagged in Python with the default topics
    at_ingest = tagged(db)
    done = subprocess.run([sys.executable, "-m", "ingest", "retag", "--db", str(db)], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert tagged(db) == at_ingest  # the SQL back-end finds exactly what the Python matcher found
    assert "gaza-mediation:" in done.stdout


def test_retag_with_an_invalid_topic_names_it(tmp_path: Path, feed_server: FeedServer) -> None:
    db = tmp_path / "m.duckdb"
    run_once(db, serve_feeds(feed_server), options=OPTS)
    bad = topics_file(tmp_path, ("broken", "(gaza OR"))
    done = subprocess.run([sys.executable, "-m", "ingest", "retag", "--db", str(db), "--topics", str(bad)], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 2
    assert "broken" in done.stderr and "Traceback" not in done.stderr


def test_retagged_topics_carry_their_articles_dates_in_date_order(tmp_path: Path, feed_server: FeedServer) -> None:
    # Reads of a date range skip tag rows of other dates (schema 3): a retag must date every row it
    # writes and leave the table stored oldest first, as the ingest leaves it.
    db = tmp_path / "m.duckdb"
    feeds = serve_feeds(feed_server)
    run_once(db, feeds, options=OPTS, topics=load_topics(topics_file(tmp_path, ("gaza", "غزة OR gaza"))))
    changed = topics_file(tmp_path, ("gaza", "غزة"), ("football", "الأهلي OR arsenal"))
    assert run_once(db, feeds, options=OPTS, topics=load_topics(changed)).retagged
    with reader(db) as con:
        rows = con.execute("SELECT t.published_at, a.published_at FROM article_topics t "
                           "JOIN articles a ON a.id = t.article_id ORDER BY t.rowid").fetchall()
        total = con.execute("SELECT count(*) FROM article_topics").fetchall()[0][0]
    assert len(rows) == total > 0
    assert all(tag == art for tag, art in rows)
    assert [tag for tag, _ in rows] == sorted(tag for tag, _ in rows)
