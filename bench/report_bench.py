"""Weekly report benchmark: seconds to gather one week and to write each format, on any Marsad database.

    python -m bench.report_bench --db bench/work/corpus/100000-s7.duckdb [--week 2026-W47] [--tz UTC]
        [--topics a,b] [--repeat 2] [--out DIR] [--json]
    python -m bench.report_bench --sizes 10k,100k,1m    (the cached bench corpora; a RESULTS.md section)

Without --week it reports the last complete week before the newest article. Prints the database's
size, the week's counts, the build time (every query, through the read layer) and each format's
render time and size (pdf-ar: the Arabic edition's PDF); with --repeat N the best of N runs is shown
(the first run also pays for imports and font loading, printed separately as "first"). Target for
the 1,000,000-article database: PDF (build + render) ≤ 10 s.

Measured 2026-11-29 on the 2-core development machine while other jobs ran (load 1–4), the 1M
bench corpus migrated to schema 3, all 11 default topics, week 2026-W47 (4,411 topic articles),
best of 3 (seconds), the code before and after the changes below, run back to back twice:

    run              build   pdf    build + pdf   pdf bytes
    before (twice)   2.22    8.84   11.06         446,396
                     1.94    8.54   10.47
    after (twice)    1.10    6.58    7.69         412,921
                     1.62    8.25    9.87

What changed: the build shadows the span's article_topics and article_countries rows next to its
articles (ingest.store.reads_report.local_time), so the thirty questions of a report join a week's
tags instead of scanning every stored tag (1.8 → 1.1 s on schema 3; 4.1 → 0.95 s on schema 2 at load 6);
a story names at most five of the other outlets that carried it (a wire story reached 73 outlets
a week at 1M, and those names were the part of the PDF that grew with the corpus: 22 → 19
pages); charts are RGB PNGs (WeasyPrint re-encoded each RGBA chart twice). The rest of the PDF is
WeasyPrint laying out ~19 pages (tables and story lines about 3 s, twelve charts about 1.2 s),
nearly independent of the database's size; a 600-row feed table in the appendix once cost 45 s
and was replaced by a compact list (the full table is the XLSX Feeds sheet).

The Arabic edition's PDF (step pdf-ar) lays out about 10–25 % slower than the English one (more
text to shape; bench/RESULTS.md at ef851d0: 8.04 against 7.33 s at 1M), so build + PDF counts the
slower of the two.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Sequence
from datetime import timedelta
from pathlib import Path

from dashboard.report import FORMATS, Report, ReportWeek, build_report, render, report_file_name
from dashboard.report.charts import clear_cache
from ingest.store import reader

COMMAND = "python -m bench.report_bench"
TARGET_PDF_S = 10.0  # build + PDF at 1,000,000 articles
# Each format, then the Arabic edition's PDF (the same report laid out right to left), timed alike.
STEPS = (*FORMATS, "pdf-ar")


def _format_and_language(step: str) -> tuple[str, str]:
    """"pdf-ar" → ("pdf", "ar"); "html" → ("html", "en")."""
    fmt, _, language = step.partition("-")
    return fmt, language or "en"


def _render(report: Report, step: str) -> bytes:
    return render(report, *_format_and_language(step))


def _file_name(report: Report, step: str) -> str:
    return report_file_name(report, *_format_and_language(step))


def default_week(db: Path, tz: str) -> ReportWeek:
    """The last complete ISO week before the newest article."""
    with reader(db) as con:
        newest = con.execute("SELECT max(published_at) FROM articles").fetchall()[0][0]
    if newest is None:
        raise SystemExit(f"{db} holds no articles")
    return ReportWeek.containing(newest.date() - timedelta(days=7), tz)


def run(sizes: Sequence[int] = (10_000, 100_000, 1_000_000), seed: int = 7) -> object:
    """The bench.harness Section for the cached corpora: medians of build and of each format."""
    from bench.corpus import ensure_corpus, size_label
    from bench.harness import Section, fmt_s, load_average, repeat

    started = time.monotonic()
    section = Section("Weekly report (build through the read layer, then each format)",
                      f"{COMMAND} --sizes {','.join(size_label(s).lower() for s in sizes)}",
                      ("articles", "week", "topic articles", "build", *STEPS, "build + PDF", "≤ 10 s"))
    for size in sizes:
        db = Path(ensure_corpus(size, seed).path)
        week = default_week(db, "UTC")
        report = build_report(db, week)
        build = repeat(lambda db=db, week=week: build_report(db, week))
        renders = {f: repeat(lambda f=f, r=report: _render(r, f), before=clear_cache) for f in STEPS}
        total = build.median + max(renders["pdf"].median, renders["pdf-ar"].median)
        section.add(f"{_articles(db):,}", week.label, f"{report.summary.articles:,}",
                    fmt_s(build.median), *(fmt_s(renders[f].median) for f in STEPS), fmt_s(total),
                    "meets" if total <= TARGET_PDF_S else "MISSES")
    section.notes.append("All default topics, UTC, the last complete week before the corpus's newest article; "
                         "medians of 3 runs in one process (fonts and imports already loaded). pdf-ar is the Arabic "
                         "edition's PDF; build + PDF counts the slower of the two editions.")
    section.seconds = time.monotonic() - started
    section.load = load_average()
    return section


def _articles(db: Path) -> int:
    with reader(db) as con:
        return int(con.execute("SELECT count(*) FROM articles").fetchall()[0][0])


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.report_bench", description=__doc__.split("\n\n")[0])
    p.add_argument("--db", type=Path, default=None, help="any Marsad database")
    p.add_argument("--sizes", default=None, help="instead of --db: bench corpora, e.g. 10k,100k,1m")
    p.add_argument("--week", default=None)
    p.add_argument("--tz", default="UTC")
    p.add_argument("--topics", default="")
    p.add_argument("--repeat", type=int, default=2)
    p.add_argument("--out", type=Path, default=None, help="also write the files here, to look at them")
    p.add_argument("--json", action="store_true", help="print one JSON object instead of a table")
    args = p.parse_args(argv)
    if args.sizes:
        from bench.corpus import parse_size

        print(run([parse_size(x) for x in args.sizes.split(",")]).markdown())  # type: ignore[attr-defined]
        return 0
    if args.db is None:
        p.error("give --db PATH or --sizes")

    week = ReportWeek.parse(args.week, args.tz) if args.week else default_week(args.db, args.tz)
    topics = [t for t in args.topics.split(",") if t.strip()]
    with reader(args.db) as con:
        total = int(con.execute("SELECT count(*) FROM articles").fetchall()[0][0])

    builds: list[float] = []
    renders: dict[str, list[float]] = {f: [] for f in STEPS}
    sizes: dict[str, int] = {}
    report = None
    for _ in range(max(1, args.repeat)):
        clear_cache()  # each format draws its charts, as when it is written alone
        t = time.perf_counter()
        report = build_report(args.db, week, topics)
        builds.append(time.perf_counter() - t)
        for fmt in STEPS:
            clear_cache()
            t = time.perf_counter()
            data = _render(report, fmt)
            renders[fmt].append(time.perf_counter() - t)
            sizes[fmt] = len(data)
            if args.out:
                args.out.mkdir(parents=True, exist_ok=True)
                (args.out / _file_name(report, fmt)).write_bytes(data)
    assert report is not None
    result = {
        "db": str(args.db), "db_bytes": args.db.stat().st_size, "articles_in_db": total, "week": week.label,
        "tz": week.tz, "topics": len(report.topics), "week_articles": report.summary.articles,
        "week_all_articles": report.summary.all_articles, "feeds": len(report.feeds),
        "build_s": {"first": round(builds[0], 3), "best": round(min(builds), 3)},
        "render_s": {f: {"first": round(v[0], 3), "best": round(min(v), 3)} for f, v in renders.items()},
        "bytes": sizes,
        "pdf_total_best_s": round(min(builds) + max(min(renders["pdf"]), min(renders["pdf-ar"])), 3),
    }
    if args.json:
        print(json.dumps(result, indent=2))
        return 0
    print(f"database   {args.db} ({total:,} articles, {result['db_bytes'] / 1e6:.0f} MB)")
    print(f"week       {week.label} {week.span()} ({week.tz}); {len(report.topics)} topics; "
          f"{report.summary.articles:,} articles on them of {report.summary.all_articles:,}; {len(report.feeds)} feeds")
    print(f"{'step':<8} {'first s':>8} {'best s':>8} {'bytes':>10}")
    print(f"{'build':<8} {builds[0]:>8.2f} {min(builds):>8.2f} {'':>10}")
    for fmt in STEPS:
        print(f"{fmt:<8} {renders[fmt][0]:>8.2f} {min(renders[fmt]):>8.2f} {sizes[fmt]:>10,}")
    print(f"PDF total (build + the slower edition's render, best): {result['pdf_total_best_s']:.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
