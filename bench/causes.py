"""Why targets are missed: each suspected cause measured against a candidate change, on the same data.

Nothing here changes Marsad: each experiment times the current code and a small alternative written
here, checks that both give the same answer, and reports both, so a maintainer can judge the change
from numbers. The experiments:

1. SQL text search (retag, keyword queries): an OR of plain terms becomes one `contains()` per term,
   each a pass over every stored text; the alternative folds the OR's plain terms into one RE2
   alternation (one pass), everything else unchanged (ingest/query/sql.py).
2. Opening the database for each dashboard read: `duckdb.connect` costs the same ~30 ms for any file,
   even `:memory:`; the alternative keeps one DuckDB instance per process with the file attached
   read-only and gives each read a cursor (ingest/store/connection.py `reader`).
3. The duplicate check of every feed's write: an anti-join of the batch against all stored ids plus
   (feed, guid) pairs, a full scan per feed; the alternative looks the 50 ids and guids up with
   bound lists (ingest/store/writes.py `record_attempt`).
Usage: `python -m bench.causes [--size 1m]`.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Sequence
from pathlib import Path

import duckdb

from bench.corpus import ensure_corpus, parse_size, size_label
from bench.harness import Section, Timing, fmt_ms, load_average, repeat
from ingest.query import Or, Term, to_sql
from ingest.query.plans import term_regex
from ingest.query.sql import _Builder
from ingest.store import reader
from ingest.topics import load_topics

COMMAND = "python -m bench.causes"


class _AlternationBuilder(_Builder):
    """to_sql, except that an OR's plain text terms (no title:, no field) share one RE2 alternation."""

    def build(self, node):  # type: ignore[no-untyped-def]
        if isinstance(node, Or):
            plain = [c for c in node.children if isinstance(c, Term) and not c.title_only]
            if len(plain) > 1:
                rest = [c for c in node.children if c not in plain]
                alternation = "|".join(term_regex(t) + ("" if t.prefix else " ") for t in plain)
                self.params.append(f" (?:{alternation})")
                parts = [f"regexp_matches({self.alias}.text_norm, ?)", *(self.build(c) for c in rest)]
                return "(" + " OR ".join(parts) + ")"
        return super().build(node)


def _sql_alternation(db: Path, section: Section) -> None:
    topics = load_topics()
    with reader(db) as con:
        now_total = alt_total = 0.0
        for t in topics:
            predicate, params = to_sql(t.query, "a")
            b = _AlternationBuilder("a")
            alt, alt_params = b.build(t.query.root), b.params

            def count(sql: str = predicate, p: list[object] = params) -> int:
                return int(con.execute(f"SELECT count(*) FROM articles a WHERE {sql}", p).fetchall()[0][0])  # noqa: S608

            same = count() == count(alt, alt_params)
            now = repeat(count)
            new = repeat(lambda sql=alt, p=alt_params: count(sql, p))
            now_total += now.median
            alt_total += new.median
            section.add("1. OR as one regex", t.id, now.ms(), new.ms(), "yes" if same else "NO")
        section.add("1. OR as one regex", "all 11 topics (a full retag)", fmt_ms(now_total), fmt_ms(alt_total), "")


def _connections(db: Path, section: Section) -> None:
    def open_each() -> None:
        with reader(db) as con:
            con.execute("SELECT count(*) FROM articles").fetchall()

    instance = duckdb.connect()
    instance.execute(f"ATTACH '{db.as_posix()}' AS snap (READ_ONLY)")  # a path of ours, not user text

    def cursor_each() -> None:
        cur = instance.cursor()
        try:
            cur.execute("SET TimeZone = 'UTC'")
            cur.execute("SELECT count(*) FROM snap.articles").fetchall()
        finally:
            cur.close()

    open_each()
    cursor_each()
    section.add("2. one instance, a cursor per read", "open + count(*) + close", repeat(open_each, 9).ms(),
                repeat(cursor_each, 9).ms(), "yes")
    instance.close()


def _duplicate_check(db: Path, section: Section) -> None:
    with reader(db) as con:
        rows = con.execute("SELECT id, feed_url, guid FROM articles USING SAMPLE reservoir(50 ROWS) REPEATABLE (1)"
                           ).fetchall()
        # Half of the batch is already stored (a feed repeats its recent items), half is new.
        batch = [r if i % 2 else (f"{r[0]}x", r[1], None if r[2] is None else f"{r[2]}x") for i, r in enumerate(rows)]
        con.execute("CREATE TEMP TABLE batch (id VARCHAR, feed_url VARCHAR, guid VARCHAR)")
        con.executemany("INSERT INTO batch VALUES (?, ?, ?)", batch)
        anti = """SELECT DISTINCT ON (b.id) b.id FROM batch b WHERE b.id NOT IN (SELECT id FROM articles)
                  AND NOT EXISTS (SELECT 1 FROM articles a WHERE b.guid IS NOT NULL AND a.feed_url = b.feed_url
                                  AND a.guid = b.guid)"""
        ids = [b[0] for b in batch]
        guids = [b[2] for b in batch if b[2] is not None]
        # Placeholders only: the ids and guids are bound. `id IN (…)` is answered from the primary-key index.
        by_id = f"SELECT id FROM articles WHERE id IN ({', '.join('?' for _ in ids)})"  # noqa: S608
        lookup = f"""SELECT b.id FROM batch b WHERE b.id NOT IN ({by_id})
                     AND NOT EXISTS (SELECT 1 FROM articles a WHERE a.guid IN ({', '.join('?' for _ in guids)})
                                     AND a.feed_url = b.feed_url AND a.guid = b.guid)"""  # noqa: S608
        first = sorted(r[0] for r in con.execute(anti).fetchall())
        second = sorted(r[0] for r in con.execute(lookup, [*ids, *guids]).fetchall())
        now: Timing = repeat(lambda: con.execute(anti).fetchall())
        new: Timing = repeat(lambda: con.execute(lookup, [*ids, *guids]).fetchall())
        id_half: Timing = repeat(lambda: con.execute(by_id, ids).fetchall())
    same = "yes" if first == second and len(first) == 25 else "NO"
    section.add("3. duplicate check by lookup", "50 articles (25 stored, 25 new) against the stored ones", now.ms(),
                new.ms(), same)
    section.add("3. duplicate check by lookup", "of which the ids alone (primary-key index)", "", id_half.ms(), "")


def run(size: int = 1_000_000, seed: int = 7) -> Section:
    started = time.monotonic()
    info = ensure_corpus(size, seed)
    db = Path(info.path)
    section = Section(f"Causes of missed targets, measured ({size_label(size)} corpus)", f"{COMMAND} --size "
                      f"{size_label(size).lower()}", ("experiment", "what", "now", "alternative", "same answer"))
    _sql_alternation(db, section)
    _connections(db, section)
    _duplicate_check(db, section)
    section.notes.append("Medians of three runs (nine for the connection); the alternatives live in bench/causes.py "
                         "and change nothing in Marsad.")
    section.seconds = time.monotonic() - started
    section.load = load_average()
    return section


def main(argv: Sequence[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--size", default="1m")
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args(argv)
    print(run(parse_size(args.size), args.seed).markdown())


if __name__ == "__main__":
    main()
