"""Dashboard pages at 10k / 100k / 1M articles: each page's queries cold and warm, with and without a
keyword query, and each read on its own.

Pages run for real through Streamlit's AppTest (the app's own entry point, sidebar and page script,
charts built): cold = Streamlit's data cache cleared, so every read opens the database and runs its
SQL; warm = the same view again, served from the cache keyed by the data version. The view is the
default one (last 30 days, all topics, outlets and languages), dated on the corpus's last day; the
keyword run adds `ceasefire OR هدنة` in the sidebar's query box. Medians of three runs.
Targets at 1M: ≤ 500 ms per page cold, ≤ 50 ms warm, ≤ 300 ms for the keyword query.
The per-read table times each read function the pages call, cold (a new read-only connection).
Usage: `python -m bench.pages_bench [--sizes 10k,100k,1m]`.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Sequence
from datetime import date, timedelta
from pathlib import Path

from bench.corpus import CorpusInfo, ensure_corpus, size_label
from bench.harness import ROOT, Section, Timing, fmt_ms, load_average, repeat, sizes_main
from ingest.store import reader
from ingest.store import reads as r
from ingest.store.connection import Connection

COMMAND = "python -m bench.pages_bench"
PAGES = ("overview", "compare", "sources", "countries", "articles", "feeds")
QUERY = "ceasefire OR هدنة"
TARGET_COLD_S, TARGET_WARM_S, TARGET_QUERY_S = 0.5, 0.05, 0.3


def default_view(info: CorpusInfo, query: str = "") -> dict[str, str]:
    """The URL parameters of the default view (the last 30 days) as of the corpus's last day."""
    last = info.end_date - timedelta(days=1)
    params = {"r": "custom", "from": (last - timedelta(days=29)).isoformat(), "to": last.isoformat()}
    if query:
        params["q"] = query
    return params


def _app(page: str, params: dict[str, str]):  # type: ignore[no-untyped-def]
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "dashboard" / "app.py"), default_timeout=600)
    for key, value in params.items():
        at.query_params[key] = value
    at.switch_page(f"app_pages/{page}.py")
    return at


def _run(at) -> None:  # type: ignore[no-untyped-def]
    at.run()
    if at.exception:
        raise RuntimeError(f"the page raised: {at.exception[0].message}")
    errors = [e.value for e in at.error]
    if errors:
        raise RuntimeError(f"the page shows an error: {errors[0]}")


def page_timings(page: str, params: dict[str, str]) -> tuple[Timing, Timing]:
    """(cold, warm): each cold run is a new session with the data cache cleared; warm reruns it."""
    import streamlit as st

    cold, warm = [], []
    for _ in range(3):
        st.cache_data.clear()
        at = _app(page, params)
        t0 = time.perf_counter()
        _run(at)
        cold.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        _run(at)
        warm.append(time.perf_counter() - t0)
    return Timing(tuple(cold)), Timing(tuple(warm))


def page_reads(flt: r.Filter, topics: Sequence[str]) -> dict[str, list[tuple[str, Callable[[Connection], object]]]]:
    """The reads each page makes with the default view (app.py's two run on every page)."""
    first3 = tuple(topics[:3])
    series = tuple(r.Series(t, topic=t) for t in first3)
    return {
        "every page": [("freshness", r.freshness), ("filter_options", r.filter_options)],
        "overview": [("kpis", lambda c: r.kpis(c, flt)),
                     ("count_by_bucket(topic)", lambda c: r.count_by_bucket(c, flt, "topic", tuple(topics)))],
        "compare": [("compare_series(3 topics)", lambda c: r.compare_series(c, flt, series))],
        "sources": [("top_sources", lambda c: r.top_sources(c, flt, 25)),
                    ("source_week_heatmap", lambda c: r.source_week_heatmap(c, flt, 20)),
                    ("source_table", lambda c: r.source_table(c, flt))],
        "countries": [("source_countries", lambda c: r.source_countries(c, flt)),
                      ("mentioned_countries", lambda c: r.mentioned_countries(c, flt)),
                      ("topic_country_matrix", lambda c: r.topic_country_matrix(c, flt, 15))],
        "articles": [("count_articles", lambda c: r.count_articles(c, flt)),
                     ("list_articles(50)", lambda c: r.list_articles(c, flt, 50, 0))],
        "feeds": [("feed_health", r.feed_health)],
    }


def _read_cold(db: Path, fn: Callable[[Connection], object]) -> Timing:
    def once() -> None:
        with reader(db) as con:
            fn(con)

    once()  # the file in the OS cache, as it is on a dashboard that is in use
    return repeat(once)


def run(sizes: Sequence[int] = (10_000, 100_000, 1_000_000), seed: int = 7) -> list[Section]:
    started = time.monotonic()
    pages = Section("Dashboard pages (default view: last 30 days)",
                    f"{COMMAND} --sizes {','.join(size_label(s).lower() for s in sizes)}",
                    ("articles", "page", "cold", "warm (cached)", f"cold with `{QUERY}`", "targets ≤ 500 / 50 / 300 ms"))
    reads = Section("Dashboard reads, one by one (cold: a new read-only connection each)",
                    f"{COMMAND} --sizes {','.join(size_label(s).lower() for s in sizes)}",
                    ("articles", "page", "read", "cold", "with keyword query"))
    saved = os.environ.get("MARSAD_DB")
    worst: dict[int, float] = {}
    worst_warm: dict[int, float] = {}
    worst_query: dict[int, float] = {}
    try:
        for size in sizes:
            info = ensure_corpus(size, seed)
            os.environ["MARSAD_DB"] = info.path
            for page in PAGES:
                cold, warm = page_timings(page, default_view(info))
                qcold, _ = page_timings(page, default_view(info, QUERY))
                worst[size] = max(worst.get(size, 0.0), cold.median)
                worst_warm[size] = max(worst_warm.get(size, 0.0), warm.median)
                worst_query[size] = max(worst_query.get(size, 0.0), qcold.median)
                ok = cold.median <= TARGET_COLD_S and warm.median <= TARGET_WARM_S and qcold.median <= TARGET_QUERY_S
                pages.add(f"{info.articles:,}", page, cold.ms(), warm.ms(), qcold.ms(), "meets" if ok else "MISSES")
            view = default_view(info)
            flt = r.Filter(date.fromisoformat(view["from"]), date.fromisoformat(view["to"]) + timedelta(days=1))
            db = Path(info.path)
            with reader(db) as con:
                topics = r.filter_options(con).topics
            plain, keyed = page_reads(flt, topics), page_reads(flt.replace(query=QUERY), topics)
            for page, calls in plain.items():
                for (name, fn), (_, qfn) in zip(calls, keyed[page], strict=True):
                    q = "" if page in ("every page", "feeds") else _read_cold(db, qfn).ms()
                    reads.add(f"{info.articles:,}", page, name, _read_cold(db, fn).ms(), q)
    finally:
        if saved is None:
            os.environ.pop("MARSAD_DB", None)
        else:
            os.environ["MARSAD_DB"] = saved
    ordered = sorted(worst)
    top = ordered[-1]
    label = size_label(top)
    pages.target(f"Dashboard page cold, slowest of {len(PAGES)}, {label}", "≤ 500 ms", fmt_ms(worst[top]),
                 worst[top] <= TARGET_COLD_S)
    pages.target(f"Dashboard page warm, slowest of {len(PAGES)}, {label}", "≤ 50 ms", fmt_ms(worst_warm[top]),
                 worst_warm[top] <= TARGET_WARM_S)
    pages.target(f"Dashboard page cold with a keyword query, slowest, {label}", "≤ 300 ms", fmt_ms(worst_query[top]),
                 worst_query[top] <= TARGET_QUERY_S)
    if len(ordered) > 1:
        parts = ", ".join(f"{fmt_ms(worst[s])} at {size_label(s)}" for s in ordered)
        pages.growth.append(
            f"The slowest page cold took {parts}. Reads restricted to the 30-day range grow with the articles "
            "in those 30 days (zone maps skip older row groups); reads over all articles (the sidebar's options, "
            "freshness, feed health) grow with everything stored.")
    for s in (pages, reads):
        s.seconds = time.monotonic() - started
        s.load = load_average()
    pages.notes.append("A page's time is the whole server-side run measured by AppTest: the entry point (status, "
                       "sidebar options), the page's reads and building its charts and tables; the browser's "
                       "drawing is not included.")
    return [pages, reads]


def main(argv: Sequence[str] | None = None) -> None:
    sizes_main(run, __doc__, argv)


if __name__ == "__main__":
    main()
