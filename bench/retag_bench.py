"""Retagging stored articles after ten topic definitions change, at 10k / 100k / 1M articles.

Ten of the default topics get a new definition (one more alternative term, as an analyst widening a
topic would write), and `ingest.store.retag.retag` recomputes their tags in SQL over every stored
article, as the next ingest run does. Runs on a copy of the cached corpus; the median of three runs.
Target: ≤ 30 s at 1M. Usage: `python -m bench.retag_bench [--sizes 10k,100k,1m]`.
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from bench.corpus import ensure_corpus, size_label
from bench.harness import WORK, Section, fmt_s, load_average, repeat, sizes_main
from ingest.store import writer
from ingest.store.retag import retag, stale_topics
from ingest.topics import Topic, load_topics, parse_topics

TARGET_S = 30.0
COMMAND = "python -m bench.retag_bench"
CHANGED = 10


def changed_topics(topics: Sequence[Topic], count: int = CHANGED) -> tuple[Topic, ...]:
    """`count` topics whose query gains one alternative, so their meaning hash changes."""
    doc = {"topic": [{"id": t.id, "label": t.label, "label_ar": t.label_ar, "color": t.color,
                      "query": f"({t.query_text}) OR \"press briefing\"" if i < count else t.query_text}
                     for i, t in enumerate(topics)]}
    return parse_topics(doc, source="changed topics")


def working_copy(source: Path, name: str) -> Path:
    """A writable copy of a cached corpus (the cache itself is never written by a benchmark)."""
    target = WORK / "scratch" / name
    target.parent.mkdir(parents=True, exist_ok=True)
    for stale in (target, Path(f"{target}.wal")):
        stale.unlink(missing_ok=True)
    shutil.copyfile(source, target)
    return target


def run(sizes: Sequence[int] = (10_000, 100_000, 1_000_000), seed: int = 7) -> Section:
    started = time.monotonic()
    topics = load_topics()
    changed = changed_topics(topics)
    section = Section(f"Retag after {CHANGED} topics change",
                      f"{COMMAND} --sizes {','.join(size_label(s).lower() for s in sizes)}",
                      ("articles", "median (range)", "per 100k articles", "tag rows written", "≤ 30 s at 1M"))
    medians: dict[int, float] = {}
    for size in sizes:
        info = ensure_corpus(size, seed)
        db = working_copy(Path(info.path), f"retag-{size}.duckdb")
        try:
            with writer(db) as con:
                stale = stale_topics(con, changed)
                if len(stale) != CHANGED:
                    raise RuntimeError(f"expected {CHANGED} stale topics, found {len(stale)}")
                counts: dict[str, int] = {}

                def once(con=con, stale=stale, counts=counts) -> None:  # type: ignore[no-untyped-def]
                    counts.update(retag(con, stale, datetime.now(UTC), defined=[t.id for t in changed]))

                timing = repeat(once)
        finally:
            db.unlink(missing_ok=True)
            Path(f"{db}.wal").unlink(missing_ok=True)
        medians[size] = timing.median
        per_100k = timing.median / info.articles * 100_000
        mark = ("meets" if timing.median <= TARGET_S else "MISSES") if size >= 1_000_000 else ""
        section.add(f"{info.articles:,}", f"{fmt_s(timing.median)} ({fmt_s(timing.low)}–{fmt_s(timing.high)})",
                    fmt_s(per_100k), f"{sum(counts.values()):,}", mark)
    top = max(medians)
    section.target(f"Retag after {CHANGED} topics change, {size_label(top)}", "≤ 30 s", fmt_s(medians[top]),
                   medians[top] <= TARGET_S)
    if len(medians) > 1:
        parts = ", ".join(f"{fmt_s(medians[s])} at {size_label(s)}" for s in sorted(medians))
        section.growth.append(f"Retag took {parts}: each changed topic is one INSERT … SELECT over every stored "
                              "article, so it grows linearly with the articles stored and with the topics changed.")
    section.seconds = time.monotonic() - started
    section.load = load_average()
    return section


def main(argv: Sequence[str] | None = None) -> None:
    sizes_main(run, __doc__, argv)


if __name__ == "__main__":
    main()
