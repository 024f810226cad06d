"""Small shared widgets: safe text from feeds, links, CSV downloads, empty states and the first-run message.

Feed text is untrusted. It reaches the page only as escaped Markdown (`md()`), as plain dataframe
cells, or as a link whose URL passed `safe_url()`. The one piece of HTML Marsad writes is the static
stylesheet in `inject_css()`, which contains no feed data.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from urllib.parse import quote, urlsplit

import pandas as pd
import streamlit as st

from ingest.config import countries
from ingest.store.reads import Filter

# A container keyed "card-rtl-…" gets Streamlit's class "st-key-card-rtl-…": an article card whose
# feed text (title, snippet) is right to left and right-aligned, while its caption (Marsad's own
# metadata line) stays left to right. Streamlit's Markdown blocks set text-align: left themselves,
# hence the element selectors. One keyed container per card, not one per line: every element is a
# message to the browser, and a page of 25 cards is most of the Articles page's run.
_CSS = """
<style>
[class*="st-key-card-rtl-"] { direction: rtl; }
[class*="st-key-card-rtl-"] div, [class*="st-key-card-rtl-"] p { text-align: right; }
[class*="st-key-card-rtl-"] [data-testid="stCaptionContainer"],
[class*="st-key-card-rtl-"] [data-testid="stCaptionContainer"] p { direction: ltr; text-align: left; }
[class*="st-key-card-"] p { margin-bottom: 0.1rem; }
</style>
"""

# Every ASCII punctuation character may be backslash-escaped in Markdown; escaping them all turns
# links, emphasis, headings, HTML, math ($), emoji/colour directives (:) and tables into plain text.
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:&\"'=^@%;,/?])")
_RTL_SCRIPT = re.compile(r"[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefc]")
_LTR_SCRIPT = re.compile(r"[A-Za-z\u00c0-\u024f\u0400-\u04ff]")
RTL_LANGUAGES = frozenset({"ar", "fa", "ur", "he", "ps", "ku", "yi"})


def inject_css() -> None:
    """The static stylesheet (right-to-left cards). Called once per run by the entry point."""
    st.html(_CSS)


def md(text: object) -> str:
    """`text` as Markdown that renders literally: no link, emphasis, HTML or directive survives."""
    s = "" if text is None else str(text)
    s = " ".join(s.split())  # newlines would start new Markdown blocks (headings, lists, quotes)
    return _MD_SPECIAL.sub(r"\\\1", s)


def safe_url(url: object) -> str | None:
    """The URL if it is an absolute http(s) link with a host, else None (javascript:, data:, relative…)."""
    if not isinstance(url, str) or not url.strip():
        return None
    url = url.strip()
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    if any(c in url for c in "\r\n\t"):
        return None
    return url


def md_link(text: object, url: object) -> str:
    """An escaped Markdown link to a validated http(s) URL, or the escaped text alone."""
    safe = safe_url(url)
    label = md(text) or "(untitled)"
    if safe is None:
        return label
    # Inside <…> a Markdown destination may hold anything but <, > and line breaks; percent-encode
    # those and the space so an odd URL cannot end the link early.
    dest = quote(safe, safe=":/?#[]@!$&'()*+,;=%-._~")
    return f"[{label}](<{dest}>)"


def is_rtl(text: str, language: str | None = None) -> bool:
    """Whether a title should be laid out right to left: an RTL language, else an RTL first letter."""
    if language in RTL_LANGUAGES:
        return True
    for ch in text or "":
        if _RTL_SCRIPT.match(ch):
            return True
        if _LTR_SCRIPT.match(ch):
            return False
    return False


def country_name(code: str | None) -> str:
    """English name of an ISO alpha-2 code (the code itself when unknown)."""
    if not code:
        return ""
    c = countries().get(code)
    return c.name_en if c else code


def country_label(code: str) -> str:
    return f"{country_name(code)} ({code})" if code in countries() else code


def csv_bytes(df: pd.DataFrame) -> bytes:
    """A CSV download: text cells neutralised against spreadsheet formulas (dashboard.report.safe.cell),
    UTF-8 with a byte-order mark so Excel opens Arabic text correctly."""
    from dashboard.report.safe import cell

    safe = df.copy()
    for col in safe.columns:
        if safe[col].dtype == object or pd.api.types.is_string_dtype(safe[col]):
            safe[col] = safe[col].map(lambda v: cell(v) if isinstance(v, str) else v)
    return safe.to_csv(index=False).encode("utf-8-sig")


def csv_download(df: pd.DataFrame, filename: str, key: str, label: str = "Download CSV") -> None:
    """A CSV download of `df`. The file is written when the button is clicked, not on every run of the
    page (that cost a few milliseconds per chart on each rerun, for a file rarely wanted)."""
    st.download_button(label, lambda: csv_bytes(df), file_name=filename, mime="text/csv", key=key,
                       icon=":material/download:", on_click="ignore")


def empty(message: str) -> None:
    """An empty result, said in words instead of an empty chart."""
    st.info(message, icon=":material/search_off:")


def first_run(reason: str, db_path: str) -> None:
    st.title("Welcome to Marsad")
    st.markdown(f"**{md(reason)}**")
    st.markdown(
        "Marsad shows news coverage once the ingest job has collected some articles. To get started:\n\n"
        "- try it with sample data: `make demo` (builds `data/demo.duckdb` and opens this dashboard on it), or\n"
        "- collect real news from the feeds in `data/feeds.toml`: `python -m ingest run` "
        "(or `make run` to keep polling every 15 minutes).\n\n"
        f"This dashboard reads `{md(db_path)}`; set `MARSAD_DB` to use another database."
    )


def ago(ts: datetime | None, now: datetime | None = None) -> str:
    """'3 h ago', '2 days ago'… for a UTC timestamp; 'never' for None."""
    if ts is None or pd.isna(ts):
        return "never"
    now = now or datetime.now(UTC)
    seconds = (now - ts).total_seconds()
    if seconds < 90:
        return "just now"
    if seconds < 5400:
        return f"{round(seconds / 60)} min ago"
    if seconds < 48 * 3600:
        return f"{round(seconds / 3600)} h ago"
    return f"{round(seconds / 86400)} days ago"


def utc(ts: datetime | None) -> str:
    if ts is None or pd.isna(ts):
        return "never"
    return f"{ts.astimezone(UTC):%Y-%m-%d %H:%M} UTC"


# Maps take their country outlines from dashboard/static/ (Streamlit's static serving, relative to
# the page) instead of plotly's map server, so they draw without internet access.
PLOTLY_CONFIG = {"displaylogo": False, "topojsonURL": "app/static/"}


def chart(fig: object, data: pd.DataFrame, *, key: str, filename: str, bucket: str = "week",
          drill: bool = True) -> None:
    """A plotly chart (click a mark → its articles, when `drill`) with its data as a CSV download."""
    from dashboard.filters import select_callback  # late: filters imports nothing from ui, keep it so

    st.plotly_chart(fig, key=key, on_select=select_callback(key, bucket) if drill else "ignore",
                    selection_mode="points", config=PLOTLY_CONFIG)
    row = st.container(horizontal=True, horizontal_alignment="distribute", vertical_alignment="center")
    with row:
        if drill:
            st.caption("Click a point, bar or cell to list the articles behind it.")
        csv_download(data, filename, key=f"{key}_csv")


def span(flt: Filter) -> str:
    """The filter's dates for a file name, both ends inclusive: "2025-03-01_2025-03-31"."""
    return f"{flt.start}_{flt.end - timedelta(days=1)}"
