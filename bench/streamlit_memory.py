"""Memory of the Streamlit process serving the dashboard over 10k / 100k / 1M articles.

`streamlit run dashboard/app.py` on a free loopback port with the corpus as its published readers' copy; headless
Chromium (Debian's, driven by Playwright) opens every page with the default view, then again with a
keyword query, three rounds. The server's resident memory (VmRSS) after each round and its peak
(VmHWM) are read from /proc. Target: ≤ 500 MB at 1M.
Usage: `python -m bench.streamlit_memory [--sizes 10k,100k,1m]`.
"""

from __future__ import annotations

import os
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from collections.abc import Sequence
from pathlib import Path
from urllib.parse import urlencode

from bench.corpus import ensure_corpus, size_label
from bench.harness import ROOT, Section, load_average, sizes_main
from bench.pages_bench import PAGES, QUERY, default_view, published_copy

COMMAND = "python -m bench.streamlit_memory"
CHROMIUM = Path("/usr/bin/chromium")
TARGET_MB = 500
ROUNDS = 3


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _proc_mb(pid: int, field: str) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no {field} for process {pid}")


def _start(db: Path) -> tuple[subprocess.Popen[bytes], str]:
    port = _free_port()
    env = {**os.environ, "MARSAD_DB": str(db)}
    cmd = [sys.executable, "-m", "streamlit", "run", str(ROOT / "dashboard" / "app.py"), "--server.port", str(port),
           "--server.address", "127.0.0.1", "--server.headless", "true", "--browser.gatherUsageStats", "false"]
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as resp:
                if resp.status == 200:
                    return proc, url
        except OSError:
            time.sleep(0.3)
    proc.terminate()
    raise RuntimeError("streamlit did not start within 60 s")


def _visit(page, url: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(url)
    page.wait_for_selector('[data-testid="stAppViewContainer"]', timeout=60_000)
    page.wait_for_timeout(500)  # the script run starts after the page connects
    page.wait_for_selector('[data-testid="stStatusWidget"]', state="detached", timeout=120_000)
    page.wait_for_selector('[data-testid="stSkeleton"]', state="detached", timeout=60_000)


def measure(db: Path, views: Sequence[dict[str, str]]) -> tuple[list[float], float]:
    """(RSS after each round in MB, peak RSS in MB) of a Streamlit server showing every page."""
    from playwright.sync_api import sync_playwright

    proc, base = _start(db)
    after: list[float] = []
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=[
                "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync"])
            try:
                page = browser.new_page(viewport={"width": 1400, "height": 1000})
                for _ in range(ROUNDS):
                    for view in views:
                        for name in PAGES:
                            _visit(page, f"{base}/{name}?{urlencode(view)}")
                    after.append(_proc_mb(proc.pid, "VmRSS"))
            finally:
                browser.close()
        peak = _proc_mb(proc.pid, "VmHWM")
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    return after, peak


def run(sizes: Sequence[int] = (10_000, 100_000, 1_000_000), seed: int = 7) -> Section:
    started = time.monotonic()
    section = Section("Streamlit process memory (every page, plain and with a keyword query, three rounds)",
                      f"{COMMAND} --sizes {','.join(size_label(s).lower() for s in sizes)}",
                      ("articles", "RSS after rounds 1 / 2 / 3", "median RSS", "peak RSS", f"≤ {TARGET_MB} MB"))
    if not CHROMIUM.exists():
        section.notes.append("Not measured: needs Debian's chromium at /usr/bin/chromium (apt-get install chromium).")
        return section
    peaks: dict[int, float] = {}
    for size in sizes:
        info = ensure_corpus(size, seed)
        # Through the published readers' copy, as the dashboard reads after any ingest run.
        after, peak = measure(published_copy(info), [default_view(info), default_view(info, QUERY)])
        peaks[size] = peak
        section.add(f"{info.articles:,}", " / ".join(f"{mb:,.0f}" for mb in after), f"{statistics.median(after):,.0f} MB",
                    f"{peak:,.0f} MB", "meets" if peak <= TARGET_MB else "MISSES")
    ordered = sorted(peaks)
    if ordered:
        top = ordered[-1]
        section.target(f"Streamlit process peak memory, {size_label(top)}", f"≤ {TARGET_MB} MB", f"{peaks[top]:,.0f} MB",
                       peaks[top] <= TARGET_MB)
    if len(ordered) > 1:
        parts = ", ".join(f"{peaks[s]:,.0f} MB at {size_label(s)}" for s in ordered)
        section.growth.append(f"Peak memory: {parts}. The pages hold aggregates (a few hundred rows each) and a page "
                              "of articles, so memory follows the number of cached views more than the articles stored.")
    section.notes.append("Rounds after the first are served partly from Streamlit's data cache (64 entries per read).")
    section.seconds = time.monotonic() - started
    section.load = load_average()
    return section


def main(argv: Sequence[str] | None = None) -> None:
    sizes_main(run, __doc__, argv)


if __name__ == "__main__":
    main()
