"""The benchmark corpus generator makes a database ingest could have made (no timings here)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import duckdb
import pandas as pd
import pytest

from bench.corpus import WEEKS, _Plan, build_corpus, feed_configs, generate_week, read_info, week_frames
from bench.corpus_outlets import bench_outlets
from ingest.countries import default_matcher
from ingest.pipeline import _frames
from ingest.store.writes import FeedState
from ingest.topics import load_topics

END = date(2026, 6, 1)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    db = tmp_path_factory.mktemp("corpus") / "small.duckdb"
    info = build_corpus(db, 1500, seed=3, end=END, workers=1, outlets=40)
    return db, info


def test_build_corpus_small_database_is_spread_like_real_news(corpus) -> None:  # type: ignore[no-untyped-def]
    db, info = corpus
    con = duckdb.connect(str(db), read_only=True)
    try:
        n, sources, countries, first, last = con.execute(
            "SELECT count(*), count(DISTINCT source), count(DISTINCT source_country), "
            "min(published_at), max(published_at) FROM articles").fetchall()[0]
        languages = dict(con.execute("SELECT language, count(*) FROM articles GROUP BY 1").fetchall())
        topics = dict(con.execute("SELECT topic, count(*) FROM article_topics GROUP BY 1").fetchall())
        mentioned = con.execute("SELECT count(DISTINCT country) FROM article_countries").fetchall()[0][0]
        orphans = con.execute("SELECT count(*) FROM article_topics WHERE article_id NOT IN "
                              "(SELECT id FROM articles)").fetchall()[0][0]
        feeds_ok = con.execute("SELECT count(*) FROM feeds WHERE last_status = '200'").fetchall()[0][0]
        defined = con.execute("SELECT count(*) FROM topic_definitions").fetchall()[0][0]
    finally:
        con.close()
    assert n == info.articles and 1300 <= n <= 1600
    assert sources == info.sources == 40 and countries >= 10
    assert {"ar", "en"} <= set(languages) and languages["ar"] > n * 0.3
    start = datetime(2025, 6, 2, tzinfo=UTC)  # 52 weeks before END
    assert first >= start and last < datetime(2026, 6, 1, tzinfo=UTC)
    assert (last - first) > timedelta(days=300)
    assert len(topics) >= 5 and mentioned >= 10 and orphans == 0
    assert feeds_ok == info.feeds and defined == len(load_topics())
    assert read_info(db) == info


def test_week_frames_match_what_ingest_stores_for_the_same_entries() -> None:
    outlets = bench_outlets(3, 40)
    plan = _Plan(3, 50_000, datetime(2025, 6, 2, tzinfo=UTC), outlets)
    items = [it for day in generate_week(plan, WEEKS // 2) for it in day]
    feed_url = max({it.feed_url for it in items}, key=lambda f: sum(it.feed_url == f for it in items))
    group = [it for it in items if it.feed_url == feed_url]
    feed = next(f for f in feed_configs(outlets) if f.url == feed_url)
    state = FeedState(feed.url, feed.url, feed.source, feed.country, feed.language, True, None, None, None, None, 0,
                      None)
    topics, matcher = load_topics(), default_matcher()
    ours = week_frames(group, topics, matcher)
    theirs = _frames(feed, state, [it.entry for it in group], datetime(2026, 1, 1, tzinfo=UTC), topics, matcher)
    assert len(group) >= 5
    pd.testing.assert_frame_equal(ours[0].drop(columns="fetched_at"), theirs[0].drop(columns="fetched_at"))
    for mine, ingest in zip(ours[1:], theirs[1:], strict=True):
        pd.testing.assert_frame_equal(mine, ingest)


def test_ingest_benchmark_runs_end_to_end_at_a_tiny_size(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """The ingest benchmark's child process (a string of code) still runs against today's pipeline."""
    from bench.ingest_bench import run

    r = run(4, 5, tmp_path)
    assert r["items_stored"] == 20
    assert r["repoll_outcomes"] == ["not_modified"]
    assert 0 < float(r["parse_quiet_ratio"]) and 0 < float(r["tag_quiet_ratio"])  # type: ignore[arg-type]


def test_ingest_cpu_experiment_gives_the_same_entries_with_feedparser_trimmed() -> None:
    """bench/causes.py experiment 5 compares like with like: the trimmed feedparser yields identical rows."""
    from bench.causes import _ingest_floor
    from bench.harness import Section

    section = Section("t", "c", ("experiment", "what", "now", "alternative", "same answer"))
    _ingest_floor(section, n_feeds=4, n_items=5)
    assert [row[4] for row in section.rows] == ["yes", "", ""]
    assert all(float(row[2]) > 0 and float(row[3]) > 0 for row in section.rows)
