"""What keeping a bounded fetch log costs: pruning it when a run finishes.

At 600 feeds polled every 15 minutes the log gains 57,600 rows a day. The benchmark fills a fresh
database's fetch_log with `--days` days of such rows (91 by default: the 90-day window plus the day a
run prunes) and times `prune_fetch_log` dropping the oldest day, as every run's finish does once the
window is full (each run drops only the ~600 rows that just aged out; a day's worth is the cost after
a day without runs). It also times the one-off prune of a database that kept a whole year before
retention existed. Medians of three runs, each on its own copy of the filled database.
Usage: `python -m bench.fetch_log_bench [--feeds 600] [--days 91]`.
"""

from __future__ import annotations

import argparse
import shutil
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from bench.harness import WORK, Section, Timing, fmt_s, load_average, timed
from ingest.store import open_writer
from ingest.store.connection import Connection
from ingest.store.writes import FETCH_LOG_DAYS, prune_fetch_log

COMMAND = "python -m bench.fetch_log_bench"
POLLS_PER_DAY = 96  # every 15 minutes
NOW = datetime(2026, 11, 1, tzinfo=UTC)


def _fill(con: Connection, feeds: int, days: int) -> int:
    """`days` days of attempts by `feeds` feeds up to NOW, generated in SQL (outcomes mixed as in practice)."""
    con.execute(
        """
        INSERT INTO fetch_log
        SELECT p // ? AS run_id, 'https://feed' || (p % ?) || '.example/rss',
               ?::TIMESTAMPTZ - INTERVAL 15 MINUTE * (p // ?),
               50 + p % 900, CASE WHEN p % 10 < 7 THEN 'not_modified' WHEN p % 10 < 9 THEN 'ok' ELSE 'timeout' END,
               CASE WHEN p % 10 < 7 THEN 304 WHEN p % 10 < 9 THEN 200 END,
               CASE WHEN p % 10 = 9 THEN 'no complete answer within 30 s' END,
               CASE WHEN p % 10 BETWEEN 7 AND 8 THEN 40000 + p % 90000 END,
               CASE WHEN p % 10 BETWEEN 7 AND 8 THEN 30 END, CASE WHEN p % 10 BETWEEN 7 AND 8 THEN p % 5 END
        FROM range(?) t(p)
        """,
        [feeds, feeds, NOW, feeds, feeds * POLLS_PER_DAY * days],
    )
    con.execute("CHECKPOINT")
    return int(con.execute("SELECT count(*) FROM fetch_log").fetchall()[0][0])


def _prune_times(source: Path, days: int, runs: int = 3) -> tuple[Timing, int, int, int]:
    """(prune timing, rows before, rows deleted, file bytes after a checkpoint) on fresh copies of `source`."""
    out, deleted, before, size = [], 0, 0, 0
    for i in range(runs):
        copy = source.with_name(f"{source.stem}-{i}.duckdb")
        shutil.copyfile(source, copy)
        try:
            con = open_writer(copy)
            try:
                before = int(con.execute("SELECT count(*) FROM fetch_log").fetchall()[0][0])
                seconds, deleted = timed(lambda c=con: prune_fetch_log(c, NOW, days))
                out.append(seconds)
                con.execute("CHECKPOINT")
                size = copy.stat().st_size
            finally:
                con.close()
        finally:
            copy.unlink(missing_ok=True)
            Path(f"{copy}.wal").unlink(missing_ok=True)
    return Timing(tuple(out)), before, deleted, size


def run(feeds: int = 600, days: int = FETCH_LOG_DAYS + 1) -> Section:
    started = time.monotonic()
    section = Section("Fetch log retention", f"{COMMAND} --feeds {feeds} --days {days}",
                      ("fetch_log holds", "prune keeps", "rows deleted", "prune time", "file before", "file after"))
    folder = WORK / "scratch"
    folder.mkdir(parents=True, exist_ok=True)
    for held in (days, 365):
        db = folder / f"fetch-log-{held}d.duckdb"
        for stale in (db, Path(f"{db}.wal")):
            stale.unlink(missing_ok=True)
        try:
            con = open_writer(db)
            try:
                rows = _fill(con, feeds, held)
            finally:
                con.close()
            file_before = db.stat().st_size
            timing, before, deleted, file_after = _prune_times(db, FETCH_LOG_DAYS)
        finally:
            db.unlink(missing_ok=True)
            Path(f"{db}.wal").unlink(missing_ok=True)
        assert before == rows
        section.add(f"{held} days ({rows:,} rows)", f"{FETCH_LOG_DAYS} days", f"{deleted:,}", timing.ms()
                    if timing.median < 10 else fmt_s(timing.median), f"{file_before / 2**20:,.0f} MiB",
                    f"{file_after / 2**20:,.0f} MiB")
    section.notes.append(f"{feeds} feeds × {POLLS_PER_DAY} polls a day = {feeds * POLLS_PER_DAY:,} rows a day; a run "
                         "prunes when it finishes (ingest.store.writes.finish_run), so once the window is full each run "
                         "deletes only what aged out since the previous one.")
    section.seconds = time.monotonic() - started
    section.load = load_average()
    return section


def main(argv: Sequence[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--feeds", type=int, default=600)
    ap.add_argument("--days", type=int, default=FETCH_LOG_DAYS + 1)
    args = ap.parse_args(argv)
    print(run(args.feeds, args.days).markdown())


if __name__ == "__main__":
    main()
