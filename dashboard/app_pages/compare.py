"""Compare: several topics and ad-hoc queries on one chart (share of voice), with a 7-day moving average."""

from __future__ import annotations

from datetime import timedelta

import pandas as pd
import streamlit as st

from dashboard import charts, context, data, ui
from dashboard.data import fallback_color
from ingest.errors import QueryError
from ingest.query import parse_query
from ingest.store.reads import Series

ctx = context.current()
flt = ctx.view.filter
share = ctx.view.state.share

st.title("Compare")
# Streamlit forgets a widget's value once a run draws another page; the page's own settings are kept
# under other keys and put back, so a visit to another page does not lose the comparison.
SETTINGS = ("cmp_topics", "cmp_queries", "cmp_ma")
for key in SETTINGS:
    if key not in st.session_state and f"kept_{key}" in st.session_state:
        st.session_state[key] = st.session_state[f"kept_{key}"]
present = [t for t in ctx.topics if t in ctx.options.topics]
st.session_state.setdefault("cmp_topics", list(flt.topics) or present[:3])
st.session_state["cmp_topics"] = [t for t in st.session_state["cmp_topics"] if t in present]
left, right = st.columns([1, 1])
chosen = left.multiselect("Topics", present, key="cmp_topics", format_func=ctx.topic_label, placeholder="None")
lines = right.text_area("Ad-hoc queries, one per line (optionally `name = query`)", key="cmp_queries", height=96,
                        placeholder="ceasefire OR هدنة\nSummit talk = summit NEAR/5 (Putin OR Trump)")
smooth = st.toggle("7-day moving average", key="cmp_ma",
                   help="Daily numbers summed over the 7 days ending on each day; the share is the 7-day "
                        "matching total ÷ the 7-day total of all articles.")

for key in SETTINGS:
    st.session_state[f"kept_{key}"] = st.session_state.get(key)

series = [Series(ctx.topic_label(t), topic=t) for t in chosen]
drill_keys = {ctx.topic_label(t): ("topic", t) for t in chosen}
colors = {ctx.topic_label(t): ctx.topics[t].color for t in chosen}
for i, line in enumerate(x.strip() for x in (lines or "").splitlines()):
    if not line:
        continue
    name, _, text = line.partition(" = ") if " = " in line else (line, "", line)
    try:
        parse_query(text)
    except QueryError as e:
        right.error(f"Line {i + 1}: {e.describe()}", icon=":material/error:")
        continue
    label = name.strip()[:60] or text[:60]
    if label in colors:
        label = f"{label} ({i + 1})"
    series.append(Series(label, query=text.strip()))
    drill_keys[label] = ("query", text)
    colors[label] = fallback_color(i)

if not series:
    ui.empty("Choose one or more topics, or type a query, to compare them.")
    st.stop()

if smooth:
    # Read 6 extra days so the first day's 7-day window is complete, then drop them.
    base = flt.replace(bucket="day", start=flt.start - timedelta(days=6))
    raw = data.compare_series(base, tuple(series))
    parts = []
    for _name, part in raw.sort_values("date").groupby("series", sort=False):
        part = part.copy()
        part["matching"] = part["matching"].rolling(7, min_periods=7).sum()
        part["total"] = part["total"].rolling(7, min_periods=7).sum()
        parts.append(part[part["date"] >= flt.start])
    df = pd.concat(parts)
    df[["matching", "total"]] = df[["matching", "total"]].astype("int64")
    df["ratio"] = df["matching"] / df["total"].where(df["total"] > 0)
    bucket = "day"
else:
    df = data.compare_series(flt, tuple(series))
    bucket = flt.bucket

if int(df["matching"].sum()) == 0:
    ui.empty("None of these topics or queries matches an article in this period.")
    st.stop()
fig = charts.time_series(df, share=share, bucket=bucket, colors=colors, names={}, x="date", drill_keys=drill_keys)
ui.chart(fig, df[["date", "series", "matching", "total", "ratio"]], key="compare_chart", bucket=bucket,
         filename=f"marsad-compare-{ui.span(flt)}.csv")
st.caption(("Share of voice: each series ÷ all articles from the same sources" if share else
            "Article counts; switch on **Normalised share** in the sidebar for share of voice")
           + (" — 7-day moving sums." if smooth else "."))
