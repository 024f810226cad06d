"""Countries: where coverage comes from, which countries are talked about, and topics × countries."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd
import streamlit as st

from dashboard import charts, context, data, ui
from ingest.config import countries

ctx = context.current()
flt = ctx.view.filter
info = countries()

st.title("Countries")
left, right = st.columns(2)

with left:
    st.subheader("Where coverage comes from")
    origin = data.source_countries(flt)
    if origin.empty:
        ui.empty("No matching article in this period.")
    else:
        origin = origin.assign(name=origin["country"].map(ui.country_label))

        def origin_hover(row: Mapping[str, Any]) -> str:
            return (f"<b>{charts.plain(row['name'])}</b><br>{row['matching']:,} matching articles "
                    f"from {row['sources']:,} source{'s' if row['sources'] != 1 else ''}")

        fig = charts.ranked_bars(origin, label="name", key="country", value="matching", kind="source_country",
                                 hover=origin_hover)
        ui.chart(fig, origin[["country", "name", "matching", "sources"]], key="countries_origin",
                 filename=f"marsad-source-countries-{ui.span(flt)}.csv")

mentioned = data.mentioned_countries(flt)
with right:
    st.subheader("Countries talked about")
    if mentioned.empty:
        ui.empty("No matching article mentions a country in this period.")
    else:
        bars_tab, map_tab = st.tabs(["Ranked", "World map"])
        with bars_tab:
            ranked = mentioned.head(20).assign(name=lambda d: d["country"].map(ui.country_label))
            fig = charts.ranked_bars(ranked, label="name", key="country", value="articles", kind="country",
                                     hover=lambda row: f"<b>{charts.plain(row['name'])}</b><br>"
                                                       f"{row['articles']:,} articles mention it")
            ui.chart(fig, ranked[["country", "name", "articles"]], key="countries_mentioned_bars",
                     filename=f"marsad-countries-mentioned-{ui.span(flt)}.csv")
        with map_tab:
            iso3 = {code: c.iso3 for code, c in info.items() if c.iso3}
            fig = charts.choropleth(mentioned, iso3=iso3, names={code: c.name_en for code, c in info.items()},
                                    height=360)
            ui.chart(fig, mentioned.assign(name=mentioned["country"].map(ui.country_name)), key="countries_map",
                     filename=f"marsad-countries-map-{ui.span(flt)}.csv")

st.subheader("Topics × countries talked about")
matrix = data.topic_country_matrix(flt, 15)
if matrix.empty:
    ui.empty("No tagged article mentions a country in this period.")
else:
    order = [t for t in ctx.topics if t in set(matrix["topic"])]
    matrix = matrix.assign(topic=pd.Categorical(matrix["topic"], categories=order + sorted(
        set(matrix["topic"]) - set(order)))).sort_values(["topic", "articles"], ascending=[True, False])
    fig = charts.heatmap(matrix, x="country", y="topic", z="articles", y_names=ctx.topic_names,
                         x_names={c: ui.country_name(c) for c in matrix["country"]}, show_values=True,
                         x_by_total=True, y_kind="topic", x_kind="country")
    ui.chart(fig, matrix.astype({"topic": "object"}), key="countries_matrix",
             filename=f"marsad-topic-country-{ui.span(flt)}.csv")
