"""Articles: the stories behind any number — a drill-down from a chart, or everything the sidebar selects."""

from __future__ import annotations

import math
from datetime import timedelta

import pandas as pd
import streamlit as st

from dashboard import context, data, filters, ui

PAGE_SIZE = 25
EXPORT_LIMIT = 10_000

ctx = context.current()
flt = ctx.view.filter
drill: filters.Drill | None = st.session_state.get(filters.DRILL)

st.title("Articles")
if drill is not None:
    flt = drill.apply(flt)
    parts = []
    if drill.topic:
        parts.append(f"topic **{ui.md(ctx.topic_label(drill.topic))}**")
    if drill.source:
        parts.append(f"source **{ui.md(drill.source)}**")
    if drill.source_country:
        parts.append(f"outlets from **{ui.md(ui.country_name(drill.source_country))}**")
    if drill.country:
        parts.append(f"articles mentioning **{ui.md(ui.country_name(drill.country))}**")
    if drill.query:
        parts.append(f"query `{drill.query.replace('`', '')}`")
    if drill.start and drill.end:
        parts.append(f"{flt.start} to {flt.end - timedelta(days=1)}")
    box = st.container(border=True, horizontal=True, vertical_alignment="center")
    box.markdown("Behind the point you clicked: " + " · ".join(parts))
    if box.button("Show all articles for the sidebar filters", icon=":material/close:"):
        st.session_state.pop(filters.DRILL, None)
        st.rerun()

total = data.count_articles(flt)
if total == 0:
    ui.empty("No article matches these filters in this period.")
    st.stop()

pages = max(1, math.ceil(total / PAGE_SIZE))
if st.session_state.get("articles_page", 1) > pages:
    st.session_state["articles_page"] = 1  # the filter changed under a later page
top = st.columns([3, 1], vertical_alignment="bottom")
top[0].markdown(f"**{total:,}** articles, newest first · {flt.start} to {flt.end - timedelta(days=1)} (UTC)")
page = top[1].number_input(f"Page (of {pages})", min_value=1, max_value=pages, step=1, key="articles_page")

highlight = tuple(ctx.topics[t].query_text for t in flt.topics if t in ctx.topics and ctx.topics[t].query_text)
df = data.list_articles(flt, PAGE_SIZE, (int(page) - 1) * PAGE_SIZE, highlight)


def names(codes: list[str]) -> str:
    return ", ".join(ui.country_name(c) for c in codes)


def topic_names(ids: list[str]) -> str:
    return ", ".join(ctx.topic_label(t) for t in ids)


as_list, as_table = st.tabs(["List", "Table"])
with as_list:
    for i, row in enumerate(df.itertuples(index=False)):
        # Only the feed's own words change direction; Marsad's metadata line (the caption) stays
        # left to right (dashboard.ui's stylesheet).
        direction = "rtl" if ui.is_rtl(row.title, row.language) else "ltr"
        with st.container(key=f"card-{direction}-{i}", border=True):
            st.markdown(f"**{ui.md_link(row.title, row.url)}**")
            meta = [f"{row.published_at:%Y-%m-%d %H:%M} UTC" + (" (date estimated)" if row.date_estimated else ""),
                    row.source, ui.country_name(row.source_country), row.language]
            if row.topics:
                meta.append("topics: " + topic_names(row.topics))
            if row.countries:
                meta.append("mentions: " + names(row.countries))
            st.caption(" · ".join(ui.md(m) for m in meta))
            if row.snippet:
                hit = f" **{ui.md(row.snippet_hit)}** " if row.snippet_hit else " "
                text = (ui.md(row.snippet_before) + hit + ui.md(row.snippet_after)).strip()
                st.markdown(text)


def table(frame: pd.DataFrame) -> pd.DataFrame:
    """The list as plain cells: what the Table tab shows and the CSV holds."""
    return pd.DataFrame({
        "published_at": frame["published_at"],
        "source": frame["source"],
        "source_country": frame["source_country"],
        "language": frame["language"],
        "title": frame["title"],
        "url": [ui.safe_url(u) for u in frame["url"]],
        "topics": [topic_names(t) for t in frame["topics"]],
        "countries": [", ".join(c) for c in frame["countries"]],
        "snippet": frame["snippet"],
    })


with as_table:
    st.dataframe(
        table(df), hide_index=True, width="stretch",
        column_config={
            "published_at": st.column_config.DatetimeColumn("Published (UTC)", format="YYYY-MM-DD HH:mm"),
            "source_country": st.column_config.TextColumn("Country"),
            "title": st.column_config.TextColumn("Title", width="large"),
            "url": st.column_config.LinkColumn("Link", display_text="open", validate=r"^https?://"),
            "snippet": st.column_config.TextColumn("Snippet", width="large"),
        },
    )


def export() -> bytes:
    frame = data.list_articles(flt, EXPORT_LIMIT, 0, highlight)
    return ui.csv_bytes(table(frame))


label = "Download CSV" if total <= EXPORT_LIMIT else f"Download CSV (newest {EXPORT_LIMIT:,})"
st.download_button(label, export, file_name=f"marsad-articles-{ui.span(flt)}.csv", mime="text/csv",
                   key="articles_csv", icon=":material/download:", on_click="ignore")
