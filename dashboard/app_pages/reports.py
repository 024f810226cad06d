"""Reports: pick a week, topics, time zone, format and edition; build the weekly report and download it."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import streamlit as st

from dashboard import context, data
from dashboard.report import (
    EDITION_FORMATS,
    FORMATS,
    MEDIA_TYPES,
    ReportWeek,
    build_report,
    render,
    report_file_name,
)

# Time zones offered (any IANA name works from the command line); UTC first, as the default.
ZONES = ("UTC", "Africa/Cairo", "Asia/Riyadh", "Asia/Qatar", "Asia/Dubai", "Asia/Beirut", "Asia/Amman",
         "Asia/Baghdad", "Africa/Tripoli", "Africa/Khartoum", "Africa/Casablanca", "Europe/London", "Europe/Paris",
         "America/New_York")
FORMAT_LABELS = {"pdf": "PDF (print)", "html": "HTML (one file, opens offline)", "xlsx": "Excel (tables and charts)",
                 "csv": "CSV (article list)"}
EDITIONS = {"en": "English", "ar": "العربية"}
_RESULT = "report_result"  # session state: (choice, file name, bytes, summary line) of the last build


def _count(n: int, noun: str) -> str:
    """'1 topic', '11 topics', '1,203 articles'."""
    return f"{n:,} {noun}" + ("" if n == 1 else "s")


ctx = context.current()
st.title("Weekly reports")
st.caption("One ISO week, Monday to Sunday, with the numbers the dashboard shows for the same week and topics. "
           "For a weekly email, schedule `python -m dashboard report --week … --out …` with cron.")

left, right = st.columns(2)
tz = right.selectbox("Time zone (which Monday–Sunday)", ZONES, key="report_tz")
current = ReportWeek.containing(datetime.now(ZoneInfo(tz)).date(), tz)
# Week labels as options (not objects), so that changing the time zone keeps the chosen week.
weeks = {w.label: w for w in (ReportWeek.containing(current.start - timedelta(weeks=i), tz) for i in range(26))}
label = left.selectbox(
    "Week", list(weeks), index=1, key="report_week",
    format_func=lambda w: f"{w} · {weeks[w].span()}" + (" (in progress)" if w == current.label else ""),
)
week = weeks[label]
names = ctx.topic_names
chosen = st.multiselect("Topics (none chosen: every topic)", list(names), format_func=lambda t: names.get(t, t),
                        default=[t for t in ctx.view.state.topics if t in names], key="report_topics")
fmt_col, edition_col = st.columns([3, 1])
fmt = fmt_col.radio("Format", FORMATS, format_func=FORMAT_LABELS.__getitem__, horizontal=True, key="report_format")
language = edition_col.radio("Edition", list(EDITIONS), format_func=EDITIONS.__getitem__, horizontal=True,
                             key="report_language",
                             help="The PDF and HTML come in English or in Arabic (right to left); the Excel and CSV "
                                  "files keep English column headers in both, for scripts and formulas.")
# XLSX and CSV are the same file in either edition: the edition is part of the choice only where it matters.
edition = language if fmt in EDITION_FORMATS else "en"

choice = (str(data.db_path()), week.label, tz, tuple(chosen), fmt, edition)
if st.button("Build report", type="primary", icon=":material/description:", key="report_build"):
    bar = st.progress(0.0, text="Starting")
    report = build_report(data.db_path(), week, chosen,
                          progress=lambda f, msg: bar.progress(min(f, 1.0) * 0.7, text=msg))
    bar.progress(0.75, text=f"Writing the {fmt.upper()} file")
    payload = render(report, fmt, edition)
    bar.progress(1.0, text="Ready")
    s = report.summary
    line = (f"{_count(s.articles, 'article')} on {_count(len(report.topics), 'topic')} in {week.label} "
            f"(previous week {s.previous:,}); {_count(len(report.feeds_failing), 'feed')} failing that week; "
            f"fingerprint {report.fingerprint.short}.")
    if report.empty:
        line = f"No articles on these topics in {week.label}: the report says so. " + line
    st.session_state[_RESULT] = (choice, report_file_name(report, fmt, edition), payload, line)

result = st.session_state.get(_RESULT)
if result and result[0] == choice:
    _, file_name, payload, line = result
    st.success(line, icon=":material/task_alt:")
    st.download_button(f"Download {file_name}", payload, file_name=file_name, mime=MEDIA_TYPES[fmt],
                       icon=":material/download:", key="report_download", on_click="ignore", type="primary")
else:
    st.info("Choose the week, topics and format, then build the report.", icon=":material/info:")
