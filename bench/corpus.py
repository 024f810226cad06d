"""Large benchmark corpora: a DuckDB file with N articles, built through Marsad's own tagging and store.

A year (52 weeks) of news from about 500 outlets (bench.corpus_outlets) in 13 countries, in Arabic,
English and some French, with the demo's story arcs and headlines (ingest.demo: `compose`,
`kind_weights`, `article_link`) and wire copy carried by several outlets. Every item becomes an
`Entry`, is tagged by `ingest.tagging.tag_entry` with the default topics and country matcher, gets
its identity from `ingest.pipeline.article_ids`, and is stored by `ingest.store.writes.record_attempt`
in one batch per week, oldest first — so the tables, their row order (roughly date order, as
ingest leaves them) and the feed, run and topic-definition rows are what ingest itself produces.
Generation and tagging run in worker processes (one week per task); the parent only writes.

Built files are cached in bench/work/corpus/ keyed by size and seed, beside a JSON record of the
build; `python -m bench.corpus 1m` builds (or reuses) one. When topics.toml changed since a build, a
reused corpus is retagged in SQL first, as the next ingest run would do.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import random
import sys
import time
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pandas as pd

from bench.corpus_fr import compose_fr
from bench.corpus_outlets import BenchOutlet, bench_outlets
from ingest.demo.corpus import article_link, compose, poisson_count
from ingest.demo.outlets import DEFAULT_WEEKEND, WEEKEND
from ingest.demo.stories import TOPIC_KINDS, kind_weights
from ingest.models import Entry, FeedConfig

# Bump when the generated corpus changes, so cached databases built by an older version are rebuilt.
CORPUS_VERSION = 1
WORK_DIR = Path(__file__).resolve().parent / "work" / "corpus"
WEEKS = 52
DAYS = WEEKS * 7
WIRE_SHARE = 0.04  # share of all items that are copies of agency stories
_SECTION_KINDS = frozenset({"economy", "markets", "sport", "weather", "culture"})  # go to an outlet's 2nd feed
_HOURS = tuple(range(6, 24))
_HOUR_WEIGHTS = (2, 4, 7, 9, 10, 10, 9, 8, 7, 6, 6, 5, 5, 4, 4, 3, 2, 1)
_SIZES = {"10k": 10_000, "100k": 100_000, "1m": 1_000_000}


def parse_size(text: str) -> int:
    """"10k", "100k", "1m" or a plain number of articles."""
    key = text.strip().lower()
    if key in _SIZES:
        return _SIZES[key]
    return int(key.replace("_", "").replace(",", ""))


def size_label(size: int) -> str:
    for label, n in _SIZES.items():
        if n == size:
            return label.upper() if label.endswith("m") else label
    return f"{size:,}"


@dataclass(frozen=True)
class CorpusInfo:
    """The record kept beside a built corpus (bench/work/corpus/<size>-s<seed>.json)."""

    path: str
    version: int
    size: int  # requested number of articles
    seed: int
    start: str  # ISO date of the first day (UTC)
    end: str  # ISO date after the last day (UTC, exclusive)
    articles: int  # stored (wire copies sharing a link are one article)
    items: int  # generated entries, before identity collapsed shared links
    sources: int
    feeds: int
    topic_rows: int
    country_rows: int
    file_bytes: int
    build_seconds: float
    workers: int

    @property
    def end_date(self) -> date:
        return date.fromisoformat(self.end)

    @property
    def start_date(self) -> date:
        return date.fromisoformat(self.start)


@dataclass(frozen=True)
class _Plan:
    """Everything a worker needs to generate any week, identical in every process."""

    seed: int
    size: int
    start: datetime
    outlets: tuple[BenchOutlet, ...]


def corpus_path(size: int, seed: int) -> Path:
    return WORK_DIR / f"{size}-s{seed}.duckdb"


def _record_path(db: Path) -> Path:
    return db.with_suffix(".json")


def read_info(db: Path) -> CorpusInfo | None:
    try:
        info = CorpusInfo(**json.loads(_record_path(db).read_text(encoding="utf-8")))
    except (OSError, ValueError, TypeError):
        return None
    return info if info.version == CORPUS_VERSION and db.exists() else None


# --- generation (pure, deterministic per week) ---------------------------------------------------


def _day_factor(country: str, day: date) -> float:
    # Five full days and two half days make up the week's volume (as in the demo).
    return (7 / 6) * (0.5 if day.weekday() in WEEKEND.get(country, DEFAULT_WEEKEND) else 1.0)


def _publish_time(rng: random.Random, offset_h: int, day_start: datetime) -> datetime:
    hour = rng.choices(_HOURS, _HOUR_WEIGHTS)[0]
    local = day_start + timedelta(hours=hour, minutes=rng.randrange(60), seconds=rng.randrange(60))
    return min(max(local - timedelta(hours=offset_h), day_start), day_start + timedelta(hours=23, minutes=59))


def _text(rng: random.Random, language: str, kind: str, beat: str, country: str) -> tuple[str, str]:
    if language == "fr":
        return compose_fr(rng, kind, country)
    return compose(rng, language, kind, beat, country)


def _pick(rng: random.Random, weights: dict[str, float]) -> str:
    keys = list(weights)
    return rng.choices(keys, [weights[k] for k in keys])[0]


@dataclass(frozen=True)
class _Item:
    feed_url: str
    outlet: BenchOutlet
    entry: Entry
    fetched_at: datetime


class _Weights:
    """kind_weights per (day, lean) computed once: it is the same for every outlet of a country."""

    def __init__(self) -> None:
        self._cache: dict[tuple[int, tuple[tuple[str, float], ...]], tuple[dict[str, float], dict[str, dict[str, float]]]] = {}

    def get(self, day: int, lean: dict[str, float]) -> tuple[dict[str, float], dict[str, dict[str, float]]]:
        key = (day, tuple(sorted(lean.items())))
        if key not in self._cache:
            self._cache[key] = kind_weights(day, DAYS, lean)
        return self._cache[key]


def _entry(rng: random.Random, o: BenchOutlet, number: int, kind: str, title: str, summary: str, when: datetime,
           day_end: datetime, link: str | None = None) -> tuple[str, Entry, datetime]:
    own = article_link(o.outlet, number, title, kind, when)
    guid = own if number % 2 else f"{o.outlet.domain}-{number}"
    feed = o.feeds[1] if len(o.feeds) > 1 and kind in _SECTION_KINDS else o.feeds[0]
    # Polled every 15 minutes: an item is fetched a few minutes to a quarter of an hour after it appears.
    fetched = min(when + timedelta(minutes=rng.uniform(2, 17)), day_end)
    if o.outlet.undated_share and rng.random() < o.outlet.undated_share:
        # An undated item gets its fetch time as date, flagged as estimated (as parse does).
        return feed, Entry(guid, link or own, title, summary, fetched, True, "missing"), fetched
    return feed, Entry(guid, link or own, title, summary, when, False, None), fetched


def generate_week(plan: _Plan, week: int, weights: _Weights | None = None) -> list[list[_Item]]:
    """The items of one week, one list per day (each in no particular order)."""
    weights = weights or _Weights()
    per_day = plan.size * (1 - WIRE_SHARE) / DAYS
    days: list[list[_Item]] = [[] for _ in range(7)]
    for o in plan.outlets:
        rng = random.Random(f"{plan.seed}:{o.key}:{week}")
        mood = rng.uniform(0.85, 1.15)  # each week an outlet is a little busier or quieter than usual
        number = 100_000 + week * 20_000
        for d in range(7):
            day = week * 7 + d
            day_start = plan.start + timedelta(days=day)
            n = poisson_count(rng, per_day * o.weight * mood * _day_factor(o.country, day_start.date()))
            if not n:
                continue
            kinds, beats = weights.get(day, o.outlet.lean)
            day_end = day_start + timedelta(days=1)
            for _ in range(n):
                kind = _pick(rng, kinds)
                beat = _pick(rng, beats[kind])
                title, summary = _text(rng, o.language, kind, beat, o.country)
                when = _publish_time(rng, o.outlet.utc_offset_h, day_start)
                number += rng.randrange(1, 9)  # other sections' articles take numbers too
                feed, entry, fetched = _entry(rng, o, number, kind, title, summary, when, day_end)
                days[d].append(_Item(feed, o, entry, fetched))
    _add_wire(plan, week, weights, days)
    return days


def _add_wire(plan: _Plan, week: int, weights: _Weights, days: list[list[_Item]]) -> None:
    """Agency stories each run by 2–5 outlets of the language, 40 % of them keeping the agency's link."""
    by_language: dict[str, list[BenchOutlet]] = {}
    for o in plan.outlets:
        by_language.setdefault(o.language, []).append(o)
    for language, carriers in sorted(by_language.items()):
        rng = random.Random(f"{plan.seed}:wire:{language}:{week}")
        share = sum(o.weight for o in carriers)
        stories_per_day = plan.size * WIRE_SHARE * share / DAYS / 3.4  # 3.4 copies per story on average
        carrier_weights = [o.weight for o in carriers]
        number = 900_000 + week * 20_000
        for d in range(7):
            day = week * 7 + d
            day_start = plan.start + timedelta(days=day)
            kinds, beats = weights.get(day, {})
            for s in range(poisson_count(rng, stories_per_day)):
                kind = _pick(rng, {k: kinds[k] for k in (*TOPIC_KINDS, "world")})
                beat = _pick(rng, beats[kind])
                home = carriers[0].country if language == "fr" else ("QA" if language == "en" else "EG")
                title, summary = _text(rng, language, kind, beat, home)
                canonical = f"https://wire-{language}.marsad-bench.example/story/{day:03d}{s:03d}"
                base = _publish_time(rng, 0, day_start)
                picked: set[str] = set()
                for _ in range(min(len(carriers), rng.choice((2, 3, 3, 4, 5)))):
                    o = rng.choices(carriers, carrier_weights)[0]
                    if o.key in picked:
                        continue
                    picked.add(o.key)
                    number += 1
                    when = min(base + timedelta(minutes=rng.randrange(3, 240)), day_start + timedelta(hours=23, minutes=59))
                    link = canonical if rng.random() < 0.4 else None
                    feed, entry, fetched = _entry(rng, o, number, kind, title, summary, when,
                                                  day_start + timedelta(days=1), link)
                    days[d].append(_Item(feed, o, entry, fetched))


# --- tagging into the store's frames (in the workers) ---------------------------------------------

_WORKER: dict[str, object] = {}


def _tagger_init(plan: _Plan) -> None:
    from ingest.countries import default_matcher
    from ingest.topics import load_topics

    _WORKER["plan"] = plan
    _WORKER["topics"] = load_topics()
    _WORKER["matcher"] = default_matcher()
    _WORKER["weights"] = _Weights()


def week_frames(items: Sequence[_Item], topics: Sequence[object], matcher: object) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """articles / article_topics / article_countries frames for a batch of items, built as
    ingest.pipeline._frames builds them for one feed (same columns, same types, same identities);
    only fetched_at is per item rather than per poll."""
    from ingest.pipeline import article_ids, rows_as_frames
    from ingest.tagging import tag_entry
    from ingest.text import normalize

    by_feed: dict[str, list[_Item]] = {}
    for it in items:
        by_feed.setdefault(it.feed_url, []).append(it)
    rows, topic_rows, country_rows = [], [], []
    for feed_url, group in by_feed.items():
        o = group[0].outlet
        source_norm = normalize(o.outlet.name)
        for article_id, it in zip(article_ids(feed_url, [i.entry for i in group]), group, strict=True):
            e = it.entry
            tags = tag_entry(e, source=o.outlet.name, source_country=o.country, declared_language=o.language,
                             topics=topics, matcher=matcher)  # type: ignore[arg-type]
            rows.append((article_id, feed_url, o.outlet.name, source_norm, o.country, e.guid, e.link, e.title,
                         e.summary, e.published_at, e.date_estimated, e.date_note, it.fetched_at, tags.language,
                         tags.text_norm, tags.title_norm, tags.word_sig))
            topic_rows.extend((article_id, t) for t in tags.topics)
            country_rows.extend((article_id, c, n) for c, n in tags.countries.items())
    return rows_as_frames(rows, topic_rows, country_rows)


def _week_task(week: int) -> tuple[int, tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame], int]:
    plan: _Plan = _WORKER["plan"]  # type: ignore[assignment]
    items = [it for day in generate_week(plan, week, _WORKER["weights"]) for it in day]  # type: ignore[arg-type]
    return week, week_frames(items, _WORKER["topics"], _WORKER["matcher"]), len(items)  # type: ignore[arg-type]


def _weeks(plan: _Plan, workers: int) -> Iterator[tuple[int, tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame], int]]:
    if workers <= 1:
        _tagger_init(plan)
        for week in range(WEEKS):
            yield _week_task(week)
        return
    ctx = multiprocessing.get_context("fork" if sys.platform != "win32" else "spawn")
    with ctx.Pool(workers, initializer=_tagger_init, initargs=(plan,)) as pool:
        yield from pool.imap(_week_task, range(WEEKS))


# --- writing (the parent) ------------------------------------------------------------------------


def feed_configs(outlets: Sequence[BenchOutlet]) -> tuple[FeedConfig, ...]:
    return tuple(FeedConfig(url=f, source=o.outlet.name, country=o.country, language=o.language, tags=("bench",))
                 for o in outlets for f in o.feeds)


def _store_week(con: object, run_id: int, week_end: datetime, frames: tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]) -> int:
    from ingest.store.writes import FeedUpdate, FetchLogRow, record_attempt

    articles, topics, countries = frames
    if not len(articles):
        return 0
    # One batch per week: record_attempt checks every batch against all stored articles (a scan
    # that grows with the table), so fewer, larger batches keep a 1M build to minutes. It stores a
    # feed's state with its batch; the week's batch is booked to its busiest feed, and every feed's
    # own state is written once at the end of the build.
    busiest = str(articles["feed_url"].value_counts().index[0])
    update = FeedUpdate(url=busiest, fetched_at=week_end, success=True, status="200", error=None,
                        consecutive_failures=0, next_fetch_at=None, enabled=True, disabled_reason=None)
    log = FetchLogRow(run_id=run_id, feed_url=busiest, started_at=week_end, duration_ms=0, outcome="ok",
                      http_status=200, error=None, bytes=None, items_parsed=len(articles), items_new=None)
    return record_attempt(con, update, log, articles, topics, countries)  # type: ignore[arg-type]


def build_corpus(db: Path, size: int, seed: int = 7, *, end: date | None = None, workers: int | None = None,
                 outlets: int | None = None, say: object = None) -> CorpusInfo:
    """Build a corpus of about `size` articles into `db` (replaced atomically) and return its record.

    `outlets` takes an even sample of the outlets (quick tests); None keeps all of them.
    """
    from ingest.store import open_writer
    from ingest.store.retag import retag
    from ingest.store.writes import FeedUpdate, FetchLogRow, finish_run, record_attempt, start_run, sync_feeds
    from ingest.topics import load_topics

    report = say if callable(say) else (lambda _line: None)
    started = time.monotonic()
    end = end or datetime.now(UTC).date()
    start = datetime.combine(end, datetime.min.time(), tzinfo=UTC) - timedelta(days=DAYS)
    workers = workers or min(2, os.cpu_count() or 1)
    chosen = bench_outlets(seed, outlets)
    plan = _Plan(seed, size, start, chosen)
    feeds = feed_configs(chosen)
    db.parent.mkdir(parents=True, exist_ok=True)
    building = db.with_name(f".{db.stem}.building.duckdb")
    for leftover in (building, Path(f"{building}.wal")):
        leftover.unlink(missing_ok=True)
    con = open_writer(building)
    con.execute("SET threads TO 1")
    stored = items = 0
    store_s = 0.0  # time spent writing, to tell a slow store from slow tagging
    try:
        sync_feeds(con, feeds, start)
        retag(con, load_topics(), start)  # what the first ingest run does: record the topic definitions
        run_id = start_run(con, start)
        for week, frames, n_items in _weeks(plan, workers):
            t0 = time.monotonic()
            stored += _store_week(con, run_id, start + timedelta(days=week * 7 + 7), frames)
            store_s += time.monotonic() - t0
            items += n_items
            report(f"week {week + 1}/{WEEKS}: {stored:,} articles stored ({time.monotonic() - started:.0f} s, "
                   f"{store_s:.0f} s of it writing)")
        finished = start + timedelta(days=DAYS)
        for f in feeds:
            record_attempt(con, FeedUpdate(url=f.url, fetched_at=finished, success=True, status="200", error=None,
                                           consecutive_failures=0, next_fetch_at=None, enabled=True,
                                           disabled_reason=None),
                           FetchLogRow(run_id=run_id, feed_url=f.url, started_at=finished, duration_ms=0,
                                       outcome="ok", http_status=200, error=None, bytes=None, items_parsed=0,
                                       items_new=0))
        finish_run(con, run_id, finished_at=finished, feeds_ok=len(feeds), feeds_not_modified=0, feeds_failed=0,
                   items_new=stored, status="finished", fetch_log_days=0)
        topic_rows = int(con.execute("SELECT count(*) FROM article_topics").fetchall()[0][0])
        country_rows = int(con.execute("SELECT count(*) FROM article_countries").fetchall()[0][0])
        con.execute("CHECKPOINT")
    finally:
        con.close()
    Path(f"{db}.wal").unlink(missing_ok=True)
    os.replace(building, db)
    info = CorpusInfo(str(db), CORPUS_VERSION, size, seed, start.date().isoformat(), end.isoformat(), stored, items,
                      len(chosen), len(feeds), topic_rows, country_rows, db.stat().st_size,
                      round(time.monotonic() - started, 1), workers)
    _record_path(db).write_text(json.dumps(asdict(info), indent=2) + "\n", encoding="utf-8")
    return info


def ensure_corpus(size: int, seed: int = 7, *, rebuild: bool = False, workers: int | None = None,
                  say: object = None) -> CorpusInfo:
    """The cached corpus for (size, seed), built first when missing, outdated or `rebuild` is set.

    A cached corpus keeps the dates it was built with; benchmarks anchor their date ranges on its
    `end`, so an old build measures the same thing as a new one.
    """
    db = corpus_path(size, seed)
    info = None if rebuild else read_info(db)
    if info is None:
        return build_corpus(db, size, seed, workers=workers, say=say)
    migrate_corpus(db, say)
    refresh_topics(db, say)
    return info


def migrate_corpus(db: Path, say: object = None) -> int | None:
    """Carry a cached corpus built at an older schema forward, as the ingest job's next open would
    (ingest.store.open_writer migrates in place), so benchmarks read what a current database holds.
    Returns the version it was at when it was migrated, else None."""
    from ingest.store import reader, writer
    from ingest.store.schema import SCHEMA_VERSION
    from ingest.store.version import stored_version
    from ingest.store.word_sig import word_sigs_usable

    # Read-only first, as in refresh_topics: the usual case finds nothing to do and locks nothing.
    with reader(db) as con:
        version = stored_version(con)
        sigs_current = version < 4 or word_sigs_usable(con)  # a signature scheme change is rebuilt too
    if version >= SCHEMA_VERSION and sigs_current:
        return None
    started = time.monotonic()
    with writer(db) as con:
        con.execute("CHECKPOINT")
    if callable(say):
        say(f"{db.name}: migrated from schema {version} to {SCHEMA_VERSION} in {time.monotonic() - started:.1f} s")
    return version


def refresh_topics(db: Path, say: object = None) -> tuple[str, ...]:
    """Retag a cached corpus whose topic definitions changed since it was built, as the next ingest run
    would (ingest.store.retag in SQL); returns the ids retagged."""
    from ingest.store import reader, writer
    from ingest.store.retag import retag, stale_topics
    from ingest.topics import load_topics

    topics = load_topics()
    # Read-only first: most runs find nothing to do, and a read-only open never locks out another
    # benchmark process reading the same cached corpus.
    with reader(db) as con:
        stale = stale_topics(con, topics)
    if stale:
        with writer(db) as con:
            stale = stale_topics(con, topics)
            if callable(say):
                say(f"{db.name}: retagging {len(stale)} changed topic(s): {', '.join(t.id for t in stale)}")
            retag(con, stale, datetime.now(UTC), defined=[t.id for t in topics])
            con.execute("CHECKPOINT")
    return tuple(t.id for t in stale)


def main(argv: Sequence[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description="Build (or reuse) a benchmark corpus in bench/work/corpus/.")
    ap.add_argument("sizes", nargs="+", help="10k, 100k, 1m or a number of articles")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--workers", type=int, default=None, help="tagging processes (default: up to 2)")
    ap.add_argument("--rebuild", action="store_true", help="build even when a cached corpus exists")
    args = ap.parse_args(argv)
    for text in args.sizes:
        info = ensure_corpus(parse_size(text), args.seed, rebuild=args.rebuild, workers=args.workers,
                             say=lambda line: print(line, file=sys.stderr, flush=True))
        print(f"{info.path}: {info.articles:,} articles ({info.items:,} items) from {info.sources} sources, "
              f"{info.feeds} feeds, {info.start} to {info.end}; {info.file_bytes / 2**20:.0f} MiB; "
              f"built in {info.build_seconds:.0f} s with {info.workers} worker(s)")


if __name__ == "__main__":
    main()
