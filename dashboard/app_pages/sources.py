"""Sources: coverage per outlet, outlets × weeks, who covers a topic most, and the outlets' table."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import streamlit as st

from dashboard import charts, context, data, ui

ctx = context.current()
flt = ctx.view.filter

st.title("Sources")
top = data.top_sources(flt, 25)
if top.empty:
    ui.empty("No source published a matching article in this period.")
    st.stop()


def hover(row: Mapping[str, Any]) -> str:
    return (f"<b>{charts.plain(row['source'])}</b> ({ui.country_name(row['source_country'])})<br>"
            f"{row['matching']:,} matching articles — {row['share_of_source']:.1%} of its {row['total']:,}<br>"
            f"{row['share_of_coverage']:.1%} of all matching articles")


st.subheader("Coverage per source")
st.caption("Matching articles per outlet (the 25 with most). Hover for each outlet's share of its own output.")
ui.chart(charts.ranked_bars(top, label="source", value="matching", kind="source", hover=hover), top,
         key="sources_ranked", filename=f"marsad-sources-{ui.span(flt)}.csv")

st.subheader("Sources × " + {"day": "day", "week": "week", "month": "month"}[flt.bucket])
grid = data.source_week_heatmap(flt, 20)
if grid.empty or int(grid["matching"].sum()) == 0:
    ui.empty("Nothing to show over time.")
else:
    fig = charts.heatmap(grid, x="bucket", y="source", z="matching", bucket=flt.bucket, y_kind="source")
    ui.chart(fig, grid.rename(columns={"bucket": "date"}), key="sources_heatmap", bucket=flt.bucket,
             filename=f"marsad-sources-by-{flt.bucket}-{ui.span(flt)}.csv")

st.subheader("Who covers a topic most")
present = [t for t in ctx.topics if t in ctx.options.topics]
if not present:
    ui.empty("No article is tagged with a topic yet.")
else:
    default = flt.topics[0] if flt.topics and flt.topics[0] in present else present[0]
    topic = st.selectbox("Topic", present, index=present.index(default), format_func=ctx.topic_label,
                         key="sources_topic")
    by_topic = data.top_sources(flt.replace(topics=(topic,)), 15)
    if by_topic.empty:
        ui.empty(f"No source covered {ctx.topic_label(topic)} in this period.")
    else:
        fig = charts.ranked_bars(by_topic, label="source", value="share_of_coverage", kind="source", percent=True,
                                 hover=hover, color=ctx.topics[topic].color)
        st.caption(f"Each outlet's part of all {int(by_topic['matching'].sum()):,} articles on "
                   f"{ctx.topic_label(topic)} (bars); hover for counts.")
        ui.chart(fig, by_topic, key="sources_topic_chart", filename=f"marsad-sources-{topic}-{ui.span(flt)}.csv")

st.subheader("Sources")
table = data.source_table(flt)
st.dataframe(
    table.assign(source_country=table["source_country"].map(ui.country_label)), hide_index=True, width="stretch",
    column_config={
        "source": "Source", "source_country": "Country", "languages": "Languages", "feeds": "Feeds",
        "articles": st.column_config.NumberColumn("Matching articles", format="%d"),
        "first_published": st.column_config.DatetimeColumn("First (UTC)", format="YYYY-MM-DD"),
        "last_published": st.column_config.DatetimeColumn("Latest (UTC)", format="YYYY-MM-DD HH:mm"),
    },
)
ui.csv_download(table, f"marsad-source-table-{ui.span(flt)}.csv", key="sources_table_csv")
