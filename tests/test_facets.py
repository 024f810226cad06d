"""The sidebar's languages, topics and mentioned countries come from counts the writer keeps
(facet_counts, schema 5): they must always equal a recount of what is stored."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb

from ingest.fetch import FetchOptions
from ingest.pipeline import run_once
from ingest.store import reader, writer
from ingest.store.facets import COUNTRY, LANGUAGE, TOPIC, recount_sql
from ingest.store.reads import filter_options
from ingest.store.schema import SCHEMA_VERSION
from ingest.topics import load_topics
from tests.httpserver import FeedServer, Response
from tests.seeded import OUTLETS, serve_feeds
from tests.test_retag import topics_file

OPTS = FetchOptions(allow_private_hosts=True)


def kept(con: duckdb.DuckDBPyConnection) -> dict[tuple[str, str], int]:
    return {(f, v): n for f, v, n in con.execute("SELECT facet, value, articles FROM facet_counts").fetchall()}


def recounted(con: duckdb.DuckDBPyConnection) -> dict[tuple[str, str], int]:
    return {(f, v): n for facet in (LANGUAGE, TOPIC, COUNTRY) for f, v, n in con.execute(recount_sql(facet)).fetchall()}


def counts_hold(db: Path) -> dict[tuple[str, str], int]:
    with reader(db) as con:
        counts = kept(con)
        assert counts == recounted(con)
    return counts


def as_v4(path: Path) -> None:
    """The file as Marsad wrote it before schema 5: no facet_counts, version 4."""
    con = duckdb.connect(str(path))
    con.execute("DROP TABLE facet_counts")
    con.execute("DELETE FROM schema_version WHERE version = 5")
    con.close()


def test_counts_follow_every_write_and_retag(tmp_path: Path, feed_server: FeedServer) -> None:
    db = tmp_path / "m.duckdb"
    feeds = serve_feeds(feed_server)
    topics = topics_file(tmp_path, ("gaza", "غزة OR gaza"), ("football", "الأهلي OR arsenal"))
    run_once(db, feeds, options=OPTS, topics=load_topics(topics))
    first = counts_hold(db)
    assert first[(TOPIC, "gaza")] == 7 and first[(TOPIC, "football")] == 2  # the stories in tests/seeded.py
    assert first[(LANGUAGE, "ar")] + first[(LANGUAGE, "en")] == 25
    assert first[(COUNTRY, "EG")] > 0

    # A run that finds the same items adds nothing; new items are added in the same write.
    run_once(db, feeds, options=OPTS, topics=load_topics(topics))
    assert counts_hold(db) == first
    outlet = OUTLETS[0]
    body = (b'<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>x</title>'
            b"<item><title>Gaza truce talks resume in Cairo</title><link>https://nile.example/new/1</link>"
            b"<description>Mediators met in Cairo.</description></item></channel></rss>")
    feed_server.add(f"/{outlet.key}.xml", Response(200, body, {"Content-Type": "application/rss+xml"}))
    run_once(db, feeds, options=OPTS, topics=load_topics(topics))
    second = counts_hold(db)
    assert second[(TOPIC, "gaza")] == 8 and second[(LANGUAGE, "en")] == first[(LANGUAGE, "en")] + 1

    # A changed topic is recounted; a removed one leaves the sidebar.
    run_once(db, feeds, options=OPTS, topics=load_topics(topics_file(tmp_path, ("gaza", "غزة"))))
    third = counts_hold(db)
    assert 0 < third[(TOPIC, "gaza")] < second[(TOPIC, "gaza")]
    assert (TOPIC, "football") not in third
    with reader(db) as con:
        assert filter_options(con).topics == ("gaza",)


def test_an_old_file_gets_its_counts_and_an_old_copy_offers_the_same(tmp_path: Path, feed_server: FeedServer) -> None:
    db = tmp_path / "m.duckdb"
    run_once(db, serve_feeds(feed_server), options=OPTS,
             topics=load_topics(topics_file(tmp_path, ("gaza", "غزة OR gaza"), ("football", "الأهلي OR arsenal"))))
    with reader(db) as con:
        options = filter_options(con)
    assert options.topics == ("football", "gaza") and options.languages == ("ar", "en")
    assert options.countries[0] in {"EG", "US", "QA"} and len(options.countries) >= 5

    # A readers' copy published before schema 5 is read from the tags, with the same answer.
    old_copy = tmp_path / "old.duckdb"
    shutil.copyfile(db, old_copy)
    as_v4(old_copy)
    with reader(old_copy) as con:
        assert filter_options(con) == options

    # The writer carries a schema 4 file forward, counting what it holds.
    with writer(old_copy) as con:
        assert con.execute("SELECT max(version) FROM schema_version").fetchone() == (SCHEMA_VERSION,)
        assert kept(con) == recounted(con) and kept(con)
    with reader(old_copy) as con:
        assert filter_options(con) == options
