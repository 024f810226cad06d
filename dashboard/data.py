"""Cached access to the read layer: one cached function per read, keyed by (database, data version, filter).

`data_version()` changes whenever the ingest job publishes new data, so a new run shows up on the
next click without waiting for a timeout. Each cached call opens its own short-lived read-only
connection (`ingest.store.reader`, which retries a busy file); no connection is ever cached.
Pages call the functions without the first two arguments, e.g. `data.kpis(flt)`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import wraps
from pathlib import Path
from typing import Any, ParamSpec, TypeVar

import pandas as pd
import streamlit as st

from ingest.config import default_db_path
from ingest.errors import ConfigError, StoreError, StoreLockedError
from ingest.models import FeedConfig
from ingest.store import data_version, readable_path, reader
from ingest.store import reads as r

log = logging.getLogger("marsad.dashboard")

P = ParamSpec("P")
T = TypeVar("T")

# A Tol "muted"-style fallback palette for topics that topics.toml does not describe (any longer).
_FALLBACK_COLORS = ("#88CCEE", "#CC6677", "#DDCC77", "#117733", "#332288", "#AA4499", "#44AA99", "#999933",
                    "#882255", "#661100")
ENTRIES = 64  # cached results per function: a few filters × a few data versions
# A busy file is retried this many times (0.2 s, 0.4 s, … apart) before the page explains it.
READ_ATTEMPTS = 5


def db_path() -> Path:
    return default_db_path()


@dataclass(frozen=True)
class DbStatus:
    """Whether there is something to show: "ok", "missing", "empty", "busy" or "error" (with a message)."""

    state: str
    message: str = ""


_READS: list[Any] = []  # every cached read, for clear_reads()
# A Filter or Series is a frozen dataclass of dates, strings and tuples, so its repr is a complete and
# stable key; Streamlit's generic hashing of a dataclass (via pickling) cost more than the rest of a
# cache hit.
_HASH_FUNCS: dict[type, Callable[[Any], Any]] = {r.Filter: repr, r.Series: repr}


def _cached(fn: Callable[..., T]) -> Callable[..., T]:
    """Cache a read `fn(con, *args)` per (db path, data version, *args); call it without the first two."""

    def run(path: str, version: str, *args: Any, **kwargs: Any) -> T:
        del version  # part of the cache key only
        with reader(Path(path), attempts=READ_ATTEMPTS) as con:
            return fn(con, *args, **kwargs)

    # Streamlit names a cache after the function's qualified name: one cache per read, not one shared.
    run.__name__ = run.__qualname__ = f"cached_{fn.__name__}"
    run = st.cache_data(max_entries=ENTRIES, show_spinner=False, hash_funcs=_HASH_FUNCS)(run)
    _READS.append(run)

    @wraps(fn)
    def call(*args: Any, **kwargs: Any) -> T:
        path = db_path()
        return run(str(path), data_version(path), *args, **kwargs)

    return call


def status() -> DbStatus:
    """Checked on every run (a stat and, when the data changed, one count)."""
    path = db_path()
    if readable_path(path) is None:
        return DbStatus("missing", f"There is no database at {path} yet.")
    try:
        fresh = freshness()
    except StoreLockedError as e:
        log.warning("database busy: %s", e)
        return DbStatus("busy", str(e))
    except StoreError as e:
        log.warning("cannot read %s: %s", path, e)
        return DbStatus("error", str(e))
    if fresh.articles == 0:
        return DbStatus("empty", f"The database at {path} has no articles yet.")
    return DbStatus("ok")


kpis: Callable[[r.Filter], r.Kpis] = _cached(r.kpis)
freshness: Callable[[], r.Freshness] = _cached(r.freshness)
filter_options: Callable[[], r.Options] = _cached(r.filter_options)
count_articles: Callable[[r.Filter], int] = _cached(r.count_articles)
count_by_bucket: Callable[..., pd.DataFrame] = _cached(r.count_by_bucket)
totals_by_bucket: Callable[[r.Filter], pd.DataFrame] = _cached(r.totals_by_bucket)
compare_series: Callable[[r.Filter, Sequence[r.Series]], pd.DataFrame] = _cached(r.compare_series)
top_sources: Callable[..., pd.DataFrame] = _cached(r.top_sources)
source_week_heatmap: Callable[..., pd.DataFrame] = _cached(r.source_week_heatmap)
source_table: Callable[[r.Filter], pd.DataFrame] = _cached(r.source_table)
source_countries: Callable[[r.Filter], pd.DataFrame] = _cached(r.source_countries)
mentioned_countries: Callable[..., pd.DataFrame] = _cached(r.mentioned_countries)
topic_country_matrix: Callable[..., pd.DataFrame] = _cached(r.topic_country_matrix)
list_articles: Callable[..., pd.DataFrame] = _cached(r.list_articles)
feed_health: Callable[[], pd.DataFrame] = _cached(r.feed_health)
feeds_for_opml: Callable[[], tuple[FeedConfig, ...]] = _cached(r.feeds_for_opml)


@dataclass(frozen=True)
class TopicStyle:
    """How a topic looks everywhere in the dashboard."""

    id: str
    label: str
    label_ar: str
    color: str
    query_text: str


@st.cache_data(max_entries=4, show_spinner=False)
def _topic_styles(path: str, mtime_ns: int) -> tuple[tuple[TopicStyle, ...], str | None]:
    del mtime_ns  # cache key only: an edited topics.toml is read again
    from ingest.topics import load_topics

    try:
        topics = load_topics(Path(path))
    except ConfigError as e:
        return (), str(e)
    return tuple(TopicStyle(t.id, t.label, t.label_ar, t.color, t.query_text) for t in topics), None


def fallback_color(i: int) -> str:
    return _FALLBACK_COLORS[i % len(_FALLBACK_COLORS)]


def topic_styles(present: Sequence[str] = ()) -> tuple[dict[str, TopicStyle], str | None]:
    """Topic id → style from topics.toml (file order), plus fallback styles for ids only the database
    knows; and the loader's error message when topics.toml could not be read."""
    from ingest.topics import default_topics_path

    path = default_topics_path()
    try:
        mtime = path.stat().st_mtime_ns
    except OSError:
        mtime = 0
    styles, error = _topic_styles(str(path), mtime)
    out = {s.id: s for s in styles}
    for i, tid in enumerate(t for t in present if t not in out):
        out[tid] = TopicStyle(tid, tid, tid, fallback_color(i), "")
    return out, error


def clear() -> None:
    """Forget every cached result (tests; a user never needs it, the data version does it)."""
    st.cache_data.clear()


def clear_reads() -> None:
    """Forget the cached database reads only, as a new data version does (topic styles stay cached:
    they depend on topics.toml, not on the data)."""
    for run in _READS:
        run.clear()
