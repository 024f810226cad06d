"""Feeds: the health of every feed (state, last success, last error, failures in a row, volume) and OPML export."""

from __future__ import annotations

import streamlit as st

from dashboard import data, ui
from ingest.config import write_opml

st.title("Feeds")
health = data.feed_health()
if health.empty:
    ui.empty("No feeds yet: the ingest job adds the feeds of data/feeds.toml on its first run.")
    st.stop()

counts = health["state"].value_counts()
c1, c2, c3, c4 = st.columns(4)
c1.metric("Feeds", f"{len(health):,}", border=True)
c2.metric("OK", f"{int(counts.get('ok', 0)):,}", border=True)
c3.metric("Failing", f"{int(counts.get('failing', 0)):,}", border=True,
          help="The last attempt failed; Marsad retries with a growing pause.")
c4.metric("Disabled", f"{int(counts.get('disabled', 0)):,}", border=True,
          help="Gone (HTTP 410) or removed from the feed list.")

# Words, not emoji: the table is drawn on a canvas, and a machine without an emoji font shows boxes.
STATE_LABELS = {"ok": "OK", "failing": "FAILING", "disabled": "disabled", "new": "not polled yet"}
view = health.assign(
    state=health["state"].map(lambda s: STATE_LABELS.get(s, s)),
    source_country=health["source_country"].map(ui.country_name),
    url=[ui.safe_url(u) for u in health["url"]],
    last_error=health["last_error"].fillna("") + health["disabled_reason"].fillna("").map(lambda r: f" ({r})" if r else ""),
)
st.dataframe(
    view[["state", "source", "source_country", "language", "last_success_at", "last_fetched_at", "last_status",
          "consecutive_failures", "last_error", "items_per_day", "next_fetch_at", "url"]],
    hide_index=True, width="stretch",
    column_config={
        "state": st.column_config.TextColumn("Status"),
        "source": st.column_config.TextColumn("Source"),
        "source_country": st.column_config.TextColumn("Country"),
        "language": st.column_config.TextColumn("Language"),
        "last_success_at": st.column_config.DatetimeColumn("Last success (UTC)", format="YYYY-MM-DD HH:mm"),
        "last_fetched_at": st.column_config.DatetimeColumn("Last attempt (UTC)", format="YYYY-MM-DD HH:mm"),
        "last_status": st.column_config.TextColumn("Last status"),
        "consecutive_failures": st.column_config.NumberColumn("Failures in a row"),
        "last_error": st.column_config.TextColumn("Last error", width="large"),
        "items_per_day": st.column_config.NumberColumn("Items / day (7 d)", format="%.1f"),
        "next_fetch_at": st.column_config.DatetimeColumn("Next poll not before", format="YYYY-MM-DD HH:mm"),
        "url": st.column_config.LinkColumn("Feed URL", validate=r"^https?://"),
    },
)
left, right = st.columns(2)
with left:
    feeds = data.feeds_for_opml()
    # Written when the button is clicked, not on every run of the page (like the CSV downloads).
    st.download_button("Export feeds as OPML", lambda: write_opml(feeds), file_name="marsad-feeds.opml",
                       mime="text/x-opml", icon=":material/download:", key="feeds_opml", on_click="ignore",
                       help=f"The {len(feeds)} enabled feeds, for another feed reader or another Marsad.")
with right:
    ui.csv_download(health, "marsad-feed-health.csv", key="feeds_csv", label="Download feed health (CSV)")
