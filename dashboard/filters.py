"""The shared sidebar: widget state ↔ a frozen Filter ↔ the URL, and drill-downs from a chart to Articles.

The pure half (SidebarState, date ranges, URL encoding, Drill) has no Streamlit calls and is tested
directly; `draw_sidebar()` is the Streamlit half. The URL uses short keys so a view is a short link:

    r   date preset (7d, 30d, 90d, week, custom)    from/to  custom dates (inclusive, YYYY-MM-DD)
    t   topics      s  sources       sc  source countries      c  mentioned countries     l  languages
    q   keyword query                b   bucket (day/week/month)       n   1 = normalised share
    dt/ds/dsc/dc/dq/d0/d1  the Articles page's drill-down (topic, source, source country, country, query,
                           dates)
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

import streamlit as st

from ingest.errors import QueryError
from ingest.query import parse_query
from ingest.store.reads import BUCKETS, Filter, Options, bucket_end

PRESETS = {"7d": "Last 7 days", "30d": "Last 30 days", "90d": "Last 90 days", "week": "This ISO week",
           "custom": "Custom range"}
DEFAULT_PRESET = "30d"
DEFAULT_BUCKET = "week"
_LIST_KEYS = {"t": "topics", "s": "sources", "sc": "source_countries", "c": "countries", "l": "languages"}


@dataclass(frozen=True)
class SidebarState:
    """Everything the sidebar holds, as plain values (what the URL encodes)."""

    preset: str = DEFAULT_PRESET
    start: date | None = None  # custom range only
    end: date | None = None  # custom range only, inclusive (as the user picked it)
    topics: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    source_countries: tuple[str, ...] = ()
    countries: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()
    query: str = ""
    bucket: str = DEFAULT_BUCKET
    share: bool = False


def date_range(state: SidebarState, today: date) -> tuple[date, date]:
    """(start, end exclusive) of the state's dates; `today` counts as a full day."""
    end = today + timedelta(days=1)
    if state.preset == "7d":
        return end - timedelta(days=7), end
    if state.preset == "90d":
        return end - timedelta(days=90), end
    if state.preset == "week":
        return today - timedelta(days=today.weekday()), end
    if state.preset == "custom" and state.start and state.end:
        lo, hi = sorted((state.start, state.end))
        return lo, hi + timedelta(days=1)
    return end - timedelta(days=30), end


def to_filter(state: SidebarState, today: date) -> Filter:
    start, end = date_range(state, today)
    return Filter(start, end, topics=state.topics, sources=state.sources, source_countries=state.source_countries,
                  countries=state.countries, languages=state.languages, query=state.query, bucket=state.bucket)


def _one(params: Mapping[str, Sequence[str]], key: str) -> str | None:
    values = params.get(key) or []
    return values[-1] if values else None


def _date(text: str | None) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


def state_from_params(params: Mapping[str, Sequence[str]]) -> SidebarState:
    """Read a URL's parameters (each key → its values) leniently: anything unreadable is ignored."""
    preset = _one(params, "r")
    bucket = _one(params, "b")
    lists = {name: tuple(dict.fromkeys(v for v in params.get(key) or [] if v)) for key, name in _LIST_KEYS.items()}
    start, end = _date(_one(params, "from")), _date(_one(params, "to"))
    return SidebarState(
        preset=preset if preset in PRESETS else ("custom" if start and end else DEFAULT_PRESET),
        start=start, end=end, query=(_one(params, "q") or "").strip(),
        bucket=bucket if bucket in BUCKETS else DEFAULT_BUCKET, share=_one(params, "n") == "1", **lists,
    )


def params_from_state(state: SidebarState) -> dict[str, str | list[str]]:
    """The URL parameters for a state; defaults are left out to keep links short."""
    out: dict[str, str | list[str]] = {}
    if state.preset != DEFAULT_PRESET:
        out["r"] = state.preset
    if state.preset == "custom" and state.start and state.end:
        out["from"], out["to"] = state.start.isoformat(), state.end.isoformat()
    for key, name in _LIST_KEYS.items():
        values = list(getattr(state, name))
        if values:
            out[key] = values
    if state.query:
        out["q"] = state.query
    if state.bucket != DEFAULT_BUCKET:
        out["b"] = state.bucket
    if state.share:
        out["n"] = "1"
    return out


@dataclass(frozen=True)
class Drill:
    """What was clicked on a chart: the Articles page lists the articles behind it."""

    topic: str | None = None
    source: str | None = None
    source_country: str | None = None
    country: str | None = None
    query: str | None = None  # an ad-hoc query of the Compare page (ANDed with the sidebar's)
    start: date | None = None  # a bucket's dates (end exclusive); None = the sidebar's range
    end: date | None = None
    label: str = field(default="", compare=False)

    def apply(self, flt: Filter) -> Filter:
        """The sidebar filter narrowed to the clicked item, its dates clipped to the sidebar's range
        (a bar of a partial week counts only the days inside the range)."""
        changes: dict[str, object] = {}
        if self.topic:
            changes["topics"] = (self.topic,)
        if self.source:
            changes["sources"] = (self.source,)
        if self.source_country:
            changes["source_countries"] = (self.source_country,)
        if self.country:
            changes["countries"] = (self.country,)
        if self.query:
            changes["query"] = f"({flt.query}) ({self.query})" if flt.query else self.query
        if self.start and self.end:
            start, end = max(self.start, flt.start), min(self.end, flt.end)
            if start < end:
                changes["start"], changes["end"] = start, end
        return flt.replace(**changes)

    def to_params(self) -> dict[str, str]:
        pairs = {"dt": self.topic, "ds": self.source, "dsc": self.source_country, "dc": self.country, "dq": self.query,
                 "d0": self.start.isoformat() if self.start else None, "d1": self.end.isoformat() if self.end else None}
        return {k: v for k, v in pairs.items() if v}

    @staticmethod
    def from_params(params: Mapping[str, Sequence[str]]) -> Drill | None:
        d = Drill(_one(params, "dt"), _one(params, "ds"), _one(params, "dsc"), _one(params, "dc"), _one(params, "dq"),
                  _date(_one(params, "d0")), _date(_one(params, "d1")))
        return d if d != Drill() else None


_DRILL_FIELDS = {"topic": "topic", "source": "source", "source_country": "source_country", "country": "country",
                 "query": "query"}


def drill_from_point(point: Mapping[str, object], bucket: str) -> Drill | None:
    """The Drill for a selected chart point. Charts put [kind, key, bucket start or "", hover] in
    customdata, and a heat map's cell a second [kind, key] after them (see dashboard.charts); points
    without it (e.g. a map's background) drill nowhere."""
    data = point.get("customdata")
    if not isinstance(data, list | tuple) or len(data) < 2:
        return None
    start = _date(str(data[2])) if len(data) > 2 and data[2] else None
    end = bucket_end(start, bucket) if start else None
    pairs = [(data[0], data[1])]
    if len(data) >= 6 and data[4]:
        pairs.append((data[4], data[5]))
    fields: dict[str, str] = {}
    for kind, key in pairs:
        if str(kind) == "all":
            continue
        name = _DRILL_FIELDS.get(str(kind))
        if name is None:
            return None
        fields[name] = str(key)
    return Drill(**fields, start=start, end=end)  # type: ignore[arg-type]


# --- Streamlit ------------------------------------------------------------------------------------

K = {"preset": "f_preset", "dates": "f_dates", "topics": "f_topics", "sources": "f_sources",
     "source_countries": "f_scountries", "countries": "f_countries", "languages": "f_langs", "query": "f_query",
     "bucket": "f_bucket", "share": "f_share"}
_VALID_QUERY = "f_query_valid"
_RESTORED = "f_restored"


@dataclass(frozen=True)
class View:
    """The sidebar's outcome for this run."""

    state: SidebarState
    filter: Filter
    query_error: str | None = None


def _url_params() -> dict[str, list[str]]:
    return {k: st.query_params.get_all(k) for k in st.query_params}


def restore_from_url(today: date) -> None:
    """Once per browser session, before the widgets exist: put the URL's view into their state."""
    if st.session_state.get(_RESTORED):
        return
    st.session_state[_RESTORED] = True
    params = _url_params()
    s = state_from_params(params)
    st.session_state[K["preset"]] = s.preset
    start, end = date_range(s, today)
    st.session_state[K["dates"]] = (start, end - timedelta(days=1))
    for name in _LIST_KEYS.values():
        st.session_state[K[name]] = list(getattr(s, name))
    st.session_state[K["query"]] = s.query
    st.session_state[K["bucket"]] = s.bucket
    st.session_state[K["share"]] = s.share
    drill = Drill.from_params(params)
    if drill is not None:
        st.session_state[DRILL] = drill


def _keep_known(key: str, allowed: Sequence[str]) -> None:
    # A value from an old link (a source since renamed) would make the widget raise; drop it quietly.
    known = set(allowed)
    st.session_state[key] = [v for v in st.session_state.get(key, []) if v in known]


def draw_sidebar(options: Options, topic_labels: Mapping[str, str], country_label: object, today: date) -> View:
    """Draw the shared filters in the sidebar and return the view they describe."""
    ss = st.session_state
    ss.setdefault(K["preset"], DEFAULT_PRESET)
    ss.setdefault(K["bucket"], DEFAULT_BUCKET)
    ss.setdefault(K["share"], False)
    ss.setdefault(K["query"], "")
    topic_ids = list(topic_labels) + [t for t in options.topics if t not in topic_labels]
    choices = {"topics": topic_ids, "sources": list(options.sources),
               "source_countries": list(options.source_countries), "countries": list(options.countries),
               "languages": list(options.languages)}
    for name, allowed in choices.items():
        _keep_known(K[name], allowed)

    sb = st.sidebar
    sb.selectbox("Dates", list(PRESETS), format_func=PRESETS.__getitem__, key=K["preset"])
    custom = None
    if ss[K["preset"]] == "custom":
        if K["dates"] not in ss:
            lo, hi = date_range(SidebarState(), today)
            ss[K["dates"]] = (lo, hi - timedelta(days=1))
        picked = sb.date_input("From – to (UTC, inclusive)", key=K["dates"], format="YYYY-MM-DD")
        picked = tuple(picked) if isinstance(picked, list | tuple) else (picked,)
        if picked:  # while the user is between two clicks only the first date is set
            custom = (picked[0], picked[-1])
    names = {"topics": lambda t: topic_labels.get(t, t), "sources": str, "source_countries": country_label,
             "countries": country_label, "languages": str}
    titles = {"topics": "Topics", "sources": "Sources", "source_countries": "Source countries",
              "countries": "Countries mentioned", "languages": "Languages"}
    for name in choices:
        sb.multiselect(titles[name], choices[name], key=K[name], format_func=names[name],  # type: ignore[arg-type]
                       placeholder="All")
    sb.text_input("Keyword query", key=K["query"], placeholder='e.g. ceasefire OR هدنة',
                  help='Words, "phrases", word*, AND / OR / NOT in capitals, a NEAR/5 b, country:EG, lang:ar, '
                       'source:"Al Jazeera". Arabic words also match with attached و ف ب ك ل ال.')
    query, error = _checked_query(ss[K["query"]])
    if error:
        kept = f"still showing `{query}`" if query else "showing results without a keyword filter"
        sb.error(f"{error} — {kept}.", icon=":material/error:")
    sb.segmented_control("Group by", list(BUCKETS), key=K["bucket"], required=True,
                         format_func=lambda b: {"day": "Day", "week": "Week", "month": "Month"}[b])
    sb.toggle("Normalised share", key=K["share"],
              help="Matching articles ÷ all articles from the same sources in each period: the honest "
                   "measure when feeds come and go or publish more on some days.")
    state = SidebarState(
        preset=ss[K["preset"]], start=custom[0] if custom else None, end=custom[1] if custom else None,
        query=query, bucket=ss[K["bucket"]] or DEFAULT_BUCKET, share=bool(ss[K["share"]]),
        **{name: tuple(ss[K[name]]) for name in choices},
    )
    return View(state, to_filter(state, today), error)


def _checked_query(text: str) -> tuple[str, str | None]:
    """(the query to use, the parser's message or None). A bad query keeps the last valid one."""
    text = (text or "").strip()
    if not text:
        st.session_state[_VALID_QUERY] = ""
        return "", None
    try:
        parse_query(text)
    except QueryError as e:
        return st.session_state.get(_VALID_QUERY, ""), e.describe()
    st.session_state[_VALID_QUERY] = text
    return text, None


def write_url(state: SidebarState, drill: Drill | None) -> None:
    """Mirror the view into the address bar, so the page is a link a colleague can open."""
    params: dict[str, str | list[str]] = dict(params_from_state(state))
    if drill is not None:
        params.update(drill.to_params())
    if params != _url_params_flat():
        st.query_params.from_dict(params)


def _url_params_flat() -> dict[str, str | list[str]]:
    out: dict[str, str | list[str]] = {}
    for k in st.query_params:
        values = st.query_params.get_all(k)
        out[k] = values if k in _LIST_KEYS else values[-1]
    return out


DRILL = "drill"
GOTO_ARTICLES = "goto_articles"


def select_callback(chart_key: str, bucket: str) -> Callable[[], None]:
    """An on_select callback for a chart: the first clickable point selected becomes the Articles
    page's drill-down, and the entry point switches to that page on this rerun."""

    def on_select() -> None:
        event = st.session_state.get(chart_key)
        selection = getattr(event, "selection", None) or {}
        for point in selection.get("points", []) if hasattr(selection, "get") else []:
            drill = drill_from_point(point, bucket)
            if drill is not None:
                st.session_state[DRILL] = drill
                st.session_state[GOTO_ARTICLES] = True
                return

    return on_select
