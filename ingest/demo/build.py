"""Building the demo database through the real ingest path.

The corpus is served as feeds from a loopback HTTP server and time is replayed: for each week, oldest
first, every outlet's feed lists that week's items and `run_once` polls them all with `now` at the
week's end. So the demo database is made by the same fetch → parse → tag → store code as a real one,
including conditional GETs (304), a feed failing for a week, wire copy and undated items.

The database is built under a temporary name and renamed into place at the end, with the readers'
copy published first, so a dashboard never sees half a demo. A small build record beside it lets the
next `make demo` reuse a database built from the same generator version and settings.
"""

from __future__ import annotations

import json
import os
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TextIO

from ingest.demo.corpus import GENERATOR_VERSION, Corpus, DemoItem, generate_corpus
from ingest.demo.feedfiles import CONTENT_TYPES, items_for_poll, render_feed
from ingest.demo.outlets import select_outlets
from ingest.demo.server import DemoFeedServer, FeedDocument
from ingest.models import FeedConfig

Progress = Callable[[str], None]
# A demo built within this many days is still current enough to reuse: its window ends at most a week ago.
REUSE_DAYS = 7
# The demo feeds' port when it is free, so the feed URLs stored in the demo database stay the same.
DEMO_PORT = 8765


@dataclass(frozen=True)
class DemoReport:
    db_path: Path
    reused: bool
    seed: int
    weeks: int
    outlets: int
    feeds: int
    items_generated: int
    items_stored: int
    polls: int
    polls_not_modified: int
    polls_failed: int
    seconds: float

    def __str__(self) -> str:
        if self.reused:
            return f"demo database {self.db_path} is up to date ({self.items_stored:,} articles); rebuild with --force"
        return (f"demo database {self.db_path}: {self.items_stored:,} articles from {self.outlets} outlets "
                f"({self.feeds} feeds) over {self.weeks} weeks; {self.polls} polls, "
                f"{self.polls_not_modified} not modified, {self.polls_failed} failed; {self.seconds:.0f} s")


@dataclass(frozen=True)
class BuildRecord:
    """What a demo database was built from (kept beside it, in `<dir>/demo/<name>.build.json`)."""

    generator_version: int
    seed: int
    weeks: int
    outlets: int | None
    today: str  # ISO date the window ends on
    items_stored: int

    def matches(self, seed: int, weeks: int, outlets: int | None, today: date) -> bool:
        age = (today - date.fromisoformat(self.today)).days
        return (self.generator_version == GENERATOR_VERSION and self.seed == seed and self.weeks == weeks
                and self.outlets == outlets and 0 <= age < REUSE_DAYS)


def record_path(db_path: Path) -> Path:
    # data/demo/ is already ignored by git, so the record never shows up as an untracked file.
    return db_path.parent / "demo" / f"{db_path.name}.build.json"


def read_record(db_path: Path) -> BuildRecord | None:
    try:
        data = json.loads(record_path(db_path).read_text(encoding="utf-8"))
        return BuildRecord(**data)
    except (OSError, ValueError, TypeError):
        return None


def build_demo(db_path: Path, *, seed: int = 7, weeks: int = 26, today: date | None = None,
               outlets: int | None = None, progress: Progress | None = None, force: bool = False) -> DemoReport:
    """Build (or reuse) the demo database at `db_path`: `weeks` weeks of news up to `today`."""
    from ingest.store import snapshot_path

    started = time.monotonic()
    today = today or datetime.now(UTC).date()
    say = progress or (lambda _line: None)
    record = read_record(db_path)
    if (not force and record is not None and record.matches(seed, weeks, outlets, today) and db_path.exists()
            and snapshot_path(db_path).exists()):
        say(f"demo database {db_path} is up to date (built for {record.today}); nothing to do")
        return DemoReport(db_path, True, seed, weeks, len(select_outlets(outlets)), 0, 0, record.items_stored, 0, 0, 0,
                          time.monotonic() - started)
    corpus = generate_corpus(seed=seed, today=today, weeks=weeks, outlets=outlets)
    report = _replay(corpus, db_path, say, started)
    record_path(db_path).parent.mkdir(parents=True, exist_ok=True)
    record_path(db_path).write_text(json.dumps(asdict(BuildRecord(
        GENERATOR_VERSION, seed, weeks, outlets, today.isoformat(), report.items_stored)), indent=2) + "\n",
        encoding="utf-8")
    return report


def _replay(corpus: Corpus, db_path: Path, say: Progress, started: float) -> DemoReport:
    from ingest.fetch import FetchOptions
    from ingest.pipeline import run_once
    from ingest.store import open_writer, publish_snapshot
    from ingest.store.retag import retag
    from ingest.topics import load_topics

    building = db_path.with_name(f".{db_path.stem}.building{db_path.suffix or '.duckdb'}")
    for leftover in (building, Path(f"{building}.wal")):
        leftover.unlink(missing_ok=True)
    by_outlet: dict[str, list[DemoItem]] = {o.key: [] for o in corpus.outlets}
    for item in corpus.items:
        by_outlet[item.outlet].append(item)
    options = FetchOptions(allow_private_hosts=True)
    stored = polls = not_modified = failed = 0
    with DemoFeedServer(DEMO_PORT) as server:
        feeds = tuple(
            FeedConfig(url=server.url(f"/{o.key}/{fmt}.xml"), source=o.name, country=o.country, language=o.language,
                       tags=("demo",))
            for o in corpus.outlets for fmt in o.formats
        )
        say(f"building the demo: {len(corpus.items):,} items from {len(corpus.outlets)} outlets ({len(feeds)} feeds), "
            f"{corpus.weeks} weeks up to {corpus.end:%Y-%m-%d}")
        for week in range(corpus.weeks):
            now = corpus.week_end(week)
            server.publish(*_documents(corpus, by_outlet, server, now, week))
            # The demo replays months: keep its whole fetch history (the failing feed's weeks included).
            run = run_once(building, feeds, options=options, now=now, publish=False, seed=corpus.seed,
                           fetch_log_days=0)
            stored += run.items_new
            polls += len(run.outcomes)
            not_modified += run.feeds_not_modified
            failed += run.feeds_failed
            failing = f" · {run.feeds_failed} feed(s) failing" if run.feeds_failed else ""
            say(f"week {week + 1}/{corpus.weeks} ({now:%Y-%m-%d}) · {stored:,} articles so far{failing}")
    con = open_writer(building)
    try:
        # Recompute every topic over the finished database in one pass, so the demo's tags never depend
        # on how each weekly run treated the tags of earlier weeks.
        retag(con, load_topics(), corpus.end)
        publish_snapshot(con, db_path)  # readers switch to the new demo first …
    finally:
        con.close()
    Path(f"{db_path}.wal").unlink(missing_ok=True)  # a stale log must never be replayed into the new file
    os.replace(building, db_path)  # … then the writer's file follows, in one rename
    seconds = time.monotonic() - started
    say(f"demo ready: {stored:,} articles in {db_path} ({seconds:.0f} s)")
    return DemoReport(db_path, False, corpus.seed, corpus.weeks, len(corpus.outlets), len(feeds), len(corpus.items),
                      stored, polls, not_modified, failed, seconds)


def _documents(corpus: Corpus, by_outlet: dict[str, list[DemoItem]], server: DemoFeedServer, now: datetime,
               week: int) -> tuple[dict[str, FeedDocument], frozenset[str]]:
    documents: dict[str, FeedDocument] = {}
    failing: set[str] = set()
    for outlet in corpus.outlets:
        items = items_for_poll(by_outlet[outlet.key], now)
        newest = max((i.published_at for i in items), default=None)
        for fmt in outlet.formats:
            path = f"/{outlet.key}/{fmt}.xml"
            documents[path] = FeedDocument(render_feed(outlet, fmt, items, server.url(path)), CONTENT_TYPES[fmt], newest)
            if outlet.key == corpus.failing_outlet and week == corpus.failing_week:
                failing.add(path)
    return documents, frozenset(failing)


def console_progress(stream: TextIO | None = None) -> Progress:
    """Progress for a person: on a terminal the weekly lines overwrite each other; elsewhere plain lines."""
    out = stream or sys.stderr
    live = out.isatty()
    pending = False

    def show(line: str) -> None:
        nonlocal pending
        if live and line.startswith("week "):
            out.write("\r\033[K" + line)
            pending = True
        else:
            out.write(("\n" if pending else "") + line + "\n")
            pending = False
        out.flush()

    return show
