"""Recomputing article_topics inside DuckDB when topic definitions change.

Each topic's query is compiled to a SQL predicate (user text only as bound parameters) and applied to
every stored article in one statement, so a retag of a million articles does not pass them through
Python. Each tag row carries its article's published_at and the table is kept in date order (schema 3).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING

import duckdb

from ingest.errors import StoreError
from ingest.query import to_sql
from ingest.store import facets
from ingest.store.connection import Connection, scalar
from ingest.store.word_sig import word_sigs_usable

if TYPE_CHECKING:
    from ingest.topics import Topic


def stale_topics(con: Connection, topics: Sequence[Topic]) -> list[Topic]:
    """Topics whose definition differs from the one the stored tags were computed with."""
    stored = dict(con.execute("SELECT topic, query_hash FROM topic_definitions").fetchall())
    return [t for t in topics if stored.get(t.id) != t.hash]


def retag(con: Connection, topics: Sequence[Topic], now: datetime, *, defined: Sequence[str] | None = None) -> dict[str, int]:
    """Recompute article_topics for `topics`; returns topic id → number of tagged articles.

    `defined` is every topic id currently defined (default: the ids of `topics`); tags of any other
    topic are removed, so the charts never show a topic that is gone from topics.toml.
    """
    counts: dict[str, int] = {}
    known = list(defined) if defined is not None else [t.id for t in topics]
    recorded = {row[0] for row in con.execute("SELECT topic FROM topic_definitions").fetchall()}
    if not topics and recorded <= set(known):
        return counts  # nothing changed: skip scanning every stored tag (the usual case of a run)
    sigs = word_sigs_usable(con)  # the writer's own file is current; a test's older file may not be
    try:
        con.execute("BEGIN TRANSACTION")
        for topic in topics:
            predicate, params = to_sql(topic.query, "a", word_sig=sigs)
            con.execute("DELETE FROM article_topics WHERE topic = ?", [topic.id])
            con.execute(
                f"INSERT INTO article_topics (article_id, topic, published_at) SELECT a.id, ?, a.published_at "  # noqa: S608 (predicate is built from fixed templates; user text travels in params)
                f"FROM articles a WHERE {predicate} ORDER BY a.published_at, a.id",
                [topic.id, *params],
            )
            counts[topic.id] = int(scalar(con, "SELECT count(*) FROM article_topics WHERE topic = ?", [topic.id]))  # type: ignore[arg-type]
            con.execute("DELETE FROM topic_definitions WHERE topic = ?", [topic.id])
            con.execute("INSERT INTO topic_definitions VALUES (?, ?, ?)", [topic.id, topic.hash, now])
        # list_contains with one bound list parameter: no SQL text depends on how many topics there are.
        con.execute("DELETE FROM article_topics WHERE NOT list_contains(?::VARCHAR[], topic)", [known])
        con.execute("DELETE FROM topic_definitions WHERE NOT list_contains(?::VARCHAR[], topic)", [known])
        if topics:
            _reorder_by_date(con)
        facets.recount(con, facets.TOPIC)
        con.execute("COMMIT")
    except duckdb.Error as e:
        con.execute("ROLLBACK")
        raise StoreError(f"retagging failed: {e}") from e
    return counts


def _reorder_by_date(con: Connection) -> None:
    """Store article_topics in date order again after a retag appended whole topics at its end.

    Reads of a date range skip the row groups whose dates lie outside it (schema 3); a retagged
    topic's rows span every stored date, so left at the end they would make every range read them.
    A retag is rare and the table small (~250,000 rows at a million articles), so it is rewritten.
    """
    con.execute("CREATE OR REPLACE TEMP TABLE retag_ordered AS SELECT * FROM article_topics "
                "ORDER BY published_at, article_id, topic")
    con.execute("DELETE FROM article_topics")
    con.execute("INSERT INTO article_topics SELECT * FROM retag_ordered")
    con.execute("DROP TABLE retag_ordered")
