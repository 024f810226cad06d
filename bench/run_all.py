"""`make bench`: every benchmark in turn, then bench/RESULTS.md from what they measured in this run.

Builds (or reuses) the 10k / 100k / 1M corpora in bench/work/corpus/, then runs tagging, keyword
queries, retag, store costs, ingest (with the reader comparison), dashboard pages, the Streamlit
server's memory, the weekly report, and the experiments that measure the causes of missed targets. A benchmark that fails is reported as failed, with its error,
and the others still run. Usage:

    python -m bench.run_all                       # everything → bench/RESULTS.md
    python -m bench.run_all --only query,retag    # some → bench/work/RESULTS.partial.md
    python -m bench.run_all --sizes 10k,100k      # smaller corpora (a quick look; not for RESULTS.md)
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
import traceback
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path

from bench.corpus import CorpusInfo, ensure_corpus, parse_size, size_label
from bench.harness import ROOT, RUNS, WORK, Section, fmt_s, load_average, machine

RESULTS = ROOT / "bench" / "RESULTS.md"
PARTIAL = WORK / "RESULTS.partial.md"


def _benchmarks(sizes: Sequence[int], feeds: int) -> dict[str, Callable[[], Section | list[Section]]]:
    from bench import (
        causes,
        ingest_compare,
        pages_bench,
        query_bench,
        report_bench,
        retag_bench,
        store_bench,
        streamlit_memory,
        tagging_bench,
    )

    small = [s for s in sizes if s <= 100_000] or list(sizes[:1])
    return {
        "tagging": lambda: tagging_bench.run(small),
        "query": lambda: query_bench.run(sizes),
        "retag": lambda: retag_bench.run(sizes),
        "store": lambda: store_bench.run(sizes),
        "ingest": lambda: ingest_compare.run(feeds, growth_sizes=sizes),
        "pages": lambda: pages_bench.run(sizes),
        "memory": lambda: streamlit_memory.run(sizes),
        "report": lambda: report_bench.run(sizes),  # type: ignore[return-value]
        "causes": lambda: causes.run(max(sizes)),
    }


def _failed(name: str, error: BaseException, seconds: float) -> Section:
    section = Section(f"{name}: FAILED", f"python -m bench.run_all --only {name}")
    section.notes.append(f"The benchmark stopped with `{type(error).__name__}: {error}`; no figure from it.")
    section.seconds = seconds
    section.load = load_average()
    return section


def _commit() -> str:
    """The commit the run starts from, and whether Marsad's code differs from it in the work tree."""
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True,
                              check=True).stdout.strip()
        # The results file itself is not code: a run over an earlier, uncommitted result is still clean.
        dirty = subprocess.run(["git", "status", "--porcelain", "--", "ingest", "dashboard", "bench", "data",
                                ":(exclude)bench/RESULTS.md"],
                               cwd=ROOT, capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return f"{head} (with uncommitted changes)" if dirty else head


def _corpus_table(infos: Sequence[CorpusInfo]) -> list[str]:
    lines = ["| corpus | articles | items generated | sources | feeds | dates | file | first build |",
             "|---|---|---|---|---|---|---|---|"]
    for i in infos:
        size = Path(i.path).stat().st_size
        lines.append(f"| {size_label(i.size)} (seed {i.seed}) | {i.articles:,} | {i.items:,} | {i.sources} | {i.feeds} | "
                     f"{i.start} to {i.end} (excl.) | {size / 2**20:,.0f} MiB | {fmt_s(i.build_seconds)} with "
                     f"{i.workers} process(es) |")
    return lines


def write_results(path: Path, sections: Sequence[Section], infos: Sequence[CorpusInfo], command: str,
                  started: datetime, seconds: float, commit: str) -> None:
    lines = [
        "# Marsad benchmark results",
        "",
        f"Produced by `{command}` on {started:%Y-%m-%d %H:%M} UTC from commit {commit}, in {fmt_s(seconds)} "
        f"(corpora already built). Every figure below was measured in that run; each is the median of {RUNS} runs "
        "unless its table says otherwise, with the range in brackets. Regenerate with `make bench`.",
        "",
        "## Machine",
        "",
        "| | |",
        "|---|---|",
        *(f"| {k} | {v} |" for k, v in machine().items()),
        "",
        "The machine is shared: each section gives the load average when it finished. On a busy machine the "
        "times are longer than on a quiet one; CPU-bound figures are affected most.",
        "",
        "## Corpora",
        "",
        "Built by `python -m bench.corpus 10k 100k 1m` through Marsad's own tagging and store code (see "
        "bench/README.md); cached in bench/work/corpus/.",
        "",
        *_corpus_table(infos),
        "",
        "## Targets",
        "",
        "| figure | target | measured | |",
        "|---|---|---|---|",
    ]
    for s in sections:
        lines.extend(f"| {f} | {t} | {m} | {v} |" for f, t, m, v in s.targets)
    lines.append("")
    lines.extend(s.markdown() for s in sections)
    path.write_text("\n".join(lines).rstrip() + "\n", encoding="utf-8")


def main(argv: Sequence[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description="Run every Marsad benchmark and write bench/RESULTS.md.")
    ap.add_argument("--sizes", default="10k,100k,1m", help="corpus sizes (default 10k,100k,1m)")
    ap.add_argument("--only", default="", help="comma-separated: tagging,query,retag,store,ingest,pages,memory,report,"
                                               "causes")
    ap.add_argument("--feeds", type=int, default=1000, help="feeds for the ingest comparison (default 1000)")
    ap.add_argument("--out", type=Path, default=None, help="where to write the results (default: see above)")
    args = ap.parse_args(argv)
    sizes = sorted(parse_size(s) for s in args.sizes.split(","))
    say = lambda line: print(line, file=sys.stderr, flush=True)  # noqa: E731
    started_at = datetime.now(UTC)
    commit = _commit()  # taken first: others may commit while a long run goes on
    infos = [ensure_corpus(size, say=say) for size in sizes]
    benches = _benchmarks(sizes, args.feeds)
    chosen = [n.strip() for n in args.only.split(",") if n.strip()] or list(benches)
    unknown = [n for n in chosen if n not in benches]
    if unknown:
        ap.error(f"unknown benchmark(s): {', '.join(unknown)}; choose from {', '.join(benches)}")
    started = time.monotonic()
    sections: list[Section] = []
    for name in chosen:
        say(f"== {name} ==")
        t0 = time.monotonic()
        try:
            out = benches[name]()
        except Exception as e:  # one broken benchmark must not lose the others' figures
            traceback.print_exc()
            out = _failed(name, e, time.monotonic() - t0)
        for section in out if isinstance(out, list) else [out]:
            sections.append(section)
            say(section.markdown())
    full = not args.only and args.sizes == "10k,100k,1m" and args.feeds == 1000
    path = args.out or (RESULTS if full else PARTIAL)
    command = "python -m bench.run_all" + "".join(f" {a}" for a in (argv if argv is not None else sys.argv[1:]))
    write_results(path, sections, infos, command, started_at, time.monotonic() - started, commit)
    say(f"wrote {path} ({fmt_s(time.monotonic() - started)})")


if __name__ == "__main__":
    main()
