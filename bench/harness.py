"""What every benchmark shares: the machine description, repeated timings and their medians, and the
result sections that bench.run_all writes into bench/RESULTS.md.

A benchmark module exposes `run(...) -> Section`; a Section is a title, the exact command that
reproduces it, a Markdown table, the growth sentences and notes. Nothing here invents a number: a
Section holds only what its benchmark measured in this process.
"""

from __future__ import annotations

import os
import platform
import resource
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

ROOT = Path(__file__).resolve().parents[1]
WORK = ROOT / "bench" / "work"
RUNS = 3  # every figure is the median of at least this many runs

T = TypeVar("T")


@dataclass(frozen=True)
class Timing:
    """Wall-clock seconds of repeated runs of one thing."""

    runs: tuple[float, ...]

    @property
    def median(self) -> float:
        return statistics.median(self.runs)

    @property
    def low(self) -> float:
        return min(self.runs)

    @property
    def high(self) -> float:
        return max(self.runs)

    def ms(self) -> str:
        """'123 ms (110–140)': the median and the range, for a table cell."""
        return f"{fmt_ms(self.median)} ({fmt_ms(self.low, unit=False)}–{fmt_ms(self.high, unit=False)})"


def fmt_ms(seconds: float, unit: bool = True) -> str:
    ms = seconds * 1000
    text = f"{ms:.1f}" if ms < 10 else f"{ms:,.0f}"
    return f"{text} ms" if unit else text


def fmt_s(seconds: float) -> str:
    return f"{seconds:.2f} s" if seconds < 10 else f"{seconds:.1f} s"


def timed(fn: Callable[[], T]) -> tuple[float, T]:
    t0 = time.perf_counter()
    out = fn()
    return time.perf_counter() - t0, out


def repeat(fn: Callable[[], object], runs: int = RUNS, before: Callable[[], object] | None = None) -> Timing:
    """Time `fn` `runs` times; `before` runs untimed ahead of each run (e.g. clearing a cache)."""
    out = []
    for _ in range(runs):
        if before is not None:
            before()
        seconds, _result = timed(fn)
        out.append(seconds)
    return Timing(tuple(out))


def peak_rss_mb() -> float:
    """This process's peak resident memory so far (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _ram_gib() -> float:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return int(line.split()[1]) / 2**20
    except OSError:
        pass
    return float("nan")


def load_average() -> str:
    try:
        return "{:.1f} / {:.1f} / {:.1f}".format(*os.getloadavg())
    except OSError:
        return "n/a"


def machine() -> dict[str, str]:
    """CPU, cores, memory and software versions, as printed at the top of RESULTS.md."""
    import duckdb
    import feedparser
    import pandas

    return {
        "CPU": _cpu_model(),
        "cores": str(os.cpu_count()),
        "RAM": f"{_ram_gib():.1f} GiB",
        "OS": f"{platform.system()} {platform.release()}",
        "Python": sys.version.split()[0],
        "DuckDB": duckdb.__version__,
        "pandas": pandas.__version__,
        "feedparser": feedparser.__version__,
    }


@dataclass
class Section:
    """One benchmark's results: a heading, the command that reproduces it, a table and sentences."""

    title: str
    command: str
    header: Sequence[str] = ()
    rows: list[Sequence[str]] = field(default_factory=list)
    growth: list[str] = field(default_factory=list)  # one sentence per figure on how it grows with size
    notes: list[str] = field(default_factory=list)
    targets: list[tuple[str, str, str, str]] = field(default_factory=list)  # (figure, target, measured, verdict)
    seconds: float = 0.0  # how long the benchmark itself took
    load: str = ""  # load average when it finished (the machine is shared: say how busy it was)

    def add(self, *cells: object) -> None:
        self.rows.append([str(c) for c in cells])

    def target(self, figure: str, target: str, measured: str, met: bool) -> None:
        """Record a figure that has a target, for the summary at the top of RESULTS.md."""
        self.targets.append((figure, target, measured, "meets" if met else "MISSES"))

    def markdown(self) -> str:
        lines = [f"## {self.title}", "", f"Command: `{self.command}`  ", f"Ran in {fmt_s(self.seconds)}; "
                 f"load average (1/5/15 min) at the end: {self.load or 'n/a'}.", ""]
        if self.header:
            lines.append("| " + " | ".join(self.header) + " |")
            lines.append("|" + "|".join("---" for _ in self.header) + "|")
            lines.extend("| " + " | ".join(r) + " |" for r in self.rows)
            lines.append("")
        if self.growth:
            lines.append("Growth:")
            lines.extend(f"- {g}" for g in self.growth)
            lines.append("")
        if self.notes:
            lines.extend(f"- {n}" for n in self.notes)
            lines.append("")
        return "\n".join(lines)


def growth_factor(small: float, large: float) -> str:
    """'x3.2' for how much a figure grew between two sizes (guarding against a zero)."""
    if small <= 0:
        return "n/a"
    return f"x{large / small:.1f}"


def verdict(value: float, target: float, *, lower_is_better: bool = True) -> str:
    ok = value <= target if lower_is_better else value >= target
    return "meets" if ok else "MISSES"


def sizes_main(run: Callable[[list[int], int], object], doc: str | None, argv: Sequence[str] | None = None) -> None:
    """The command line every corpus benchmark shares: `--sizes 10k,100k,1m --seed 7`, Markdown out."""
    import argparse

    from bench.corpus import parse_size  # late: the corpus module imports this one

    ap = argparse.ArgumentParser(description=(doc or "").splitlines()[0] if doc else None)
    ap.add_argument("--sizes", default="10k,100k,1m")
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args(argv)
    result = run([parse_size(s) for s in args.sizes.split(",")], args.seed)
    sections = result if isinstance(result, list) else [result]
    print("\n".join(section.markdown() for section in sections))
