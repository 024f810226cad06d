"""Overview: the headline numbers, coverage over time per topic, and how fresh the data is."""

from __future__ import annotations

from datetime import timedelta

import streamlit as st

from dashboard import charts, context, data, ui
from ingest.store.reads import bucket_end

ctx = context.current()
flt = ctx.view.filter
share = ctx.view.state.share

st.title("Overview")

fresh = data.freshness()
failing = f" · **{fresh.feeds_failing} of {fresh.feeds} feeds failing**" if fresh.feeds_failing else ""
line = (f"Last ingest {ui.ago(fresh.last_run_at)} ({ui.utc(fresh.last_run_at)}) · newest article "
        f"{ui.ago(fresh.latest_published_at)} · {fresh.feeds} feeds{failing}")
stale = fresh.last_run_at is None or (ctx.today - fresh.last_run_at.date()).days >= 2
if stale or fresh.feeds_failing:
    st.warning(line + " — a gap in the data is not a drop in coverage; see **Feeds**.", icon=":material/schedule:")
else:
    st.caption(line)

k = data.kpis(flt)
days = flt.days
c1, c2, c3, c4 = st.columns(4)
c1.metric("Articles", f"{k.articles:,}", delta=None if k.change is None else f"{k.change:+.0%}", delta_color="off",
          help=f"Articles matching the filters from {flt.start} to {flt.end - timedelta(days=1)} (UTC, inclusive). The change compares with the {days} days before: {k.previous_articles:,} articles.",
          border=True)
c2.metric("Previous period", f"{k.previous_articles:,}", help=f"The same filters over the {days} days before.",
          border=True)
c3.metric("Active sources", f"{k.active_sources:,}", help="Outlets with at least one matching article.", border=True)
c4.metric("Top topic", f"{k.top_topic_articles:,}" if k.top_topic else "—",
          delta=ctx.topic_label(k.top_topic) if k.top_topic else None, delta_color="off", delta_arrow="off",
          help="The topic with the most matching articles, and how many.", border=True)

st.subheader("Coverage over time by topic")
topics = [t for t in ctx.topics if t in ctx.options.topics] or list(ctx.options.topics)
df = data.count_by_bucket(flt, "topic", tuple(topics))
if df.empty or int(df["matching"].sum()) == 0:
    ui.empty("No article on any topic matches these filters in this period. Widen the dates or clear a filter.")
else:
    fig = charts.time_series(df, share=share, bucket=flt.bucket, colors=ctx.topic_colors, names=ctx.topic_names)
    out = df.rename(columns={"bucket": "date"})
    ui.chart(fig, out, key="overview_topics", filename=f"marsad-topics-{ui.span(flt)}.csv", bucket=flt.bucket)
    if share:
        st.caption("Share = articles on the topic ÷ all articles from the same sources in that period.")
    if df["bucket"].min() < flt.start or bucket_end(df["bucket"].max(), flt.bucket) > flt.end:
        st.caption("The first or last period is partial: only its days inside the date range count.")
