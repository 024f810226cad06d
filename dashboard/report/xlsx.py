"""The report as an Excel workbook: one sheet per table, formatted, with charts where they help.

Sheets: Summary (the cover and articles per topic, with a bar chart), Daily (articles per topic and
day, this week and the week before, with a line chart), Sources, Countries, Stories (the top stories
per topic with their syndicated copies), Articles (the week's list, as in the CSV), Feeds (sources
monitored and their failures), Method (definitions, rules, fingerprint).

Every text cell from a feed or a config file goes through safe.cell (formula injection); numbers
are numbers and dates are dates. The file is deterministic: document properties carry the report's
generation time and the zip entries a fixed timestamp, so the same report gives the same bytes.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterable, Sequence
from datetime import date, datetime

from openpyxl import Workbook
from openpyxl.chart import BarChart, LineChart, Reference
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from dashboard.report.html import direction
from dashboard.report.model import BASELINE_DAYS, SPIKE_MIN, SPIKE_SD, CountryCount, Report, SourceCount
from dashboard.report.safe import cell, http_url
from dashboard.report.words import ENGLISH

SHEETS = ("Summary", "Daily", "Sources", "Countries", "Stories", "Articles", "Feeds", "Method")
_HEAD_FONT = Font(bold=True, color="FFFFFF")
_HEAD_FILL = PatternFill("solid", fgColor="33334D")
_TITLE_FONT = Font(bold=True, size=14)
_RTL = Alignment(horizontal="right", readingOrder=2)
_WRAP = Alignment(wrap_text=True, vertical="top")
_ZIP_TIME = (2000, 1, 1, 0, 0, 0)
_MODIFIED_RE = re.compile(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)")

Value = str | int | float | date | datetime | None


def _text(value: object) -> str:
    return cell(str(value))


def _header(ws: Worksheet, row: int, names: Sequence[str]) -> None:
    for col, name in enumerate(names, 1):
        c = ws.cell(row=row, column=col, value=name)
        c.font, c.fill = _HEAD_FONT, _HEAD_FILL


def _rows(ws: Worksheet, start: int, rows: Iterable[Sequence[Value]]) -> int:
    """Write rows from `start`; Arabic text cells are right-aligned, right to left. Returns the next row."""
    r = start
    for row in rows:
        for col, value in enumerate(row, 1):
            c = ws.cell(row=r, column=col, value=value)
            if isinstance(value, str) and direction(value) == "rtl":
                c.alignment = _RTL
        r += 1
    return r


def _widths(ws: Worksheet, widths: Sequence[int]) -> None:
    for i, w in enumerate(widths, 1):
        ws.column_dimensions[get_column_letter(i)].width = w


def _table(ws: Worksheet, names: Sequence[str], rows: Iterable[Sequence[Value]], widths: Sequence[int]) -> int:
    _header(ws, 1, names)
    end = _rows(ws, 2, rows)
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(names))}{max(end - 1, 1)}"
    _widths(ws, widths)
    return end


def _summary(ws: Worksheet, r: Report) -> None:
    ws["A1"] = f"Marsad weekly report {r.week.label}"
    ws["A1"].font = _TITLE_FONT
    s = r.summary
    facts: list[tuple[str, Value]] = [
        ("Week", f"{r.week.label}, {r.week.span()}"),
        ("Time zone", r.week.tz),
        ("Topics", "all" if r.all_topics_chosen else ", ".join(t.id for t in r.topics)),
        ("Generated (UTC)", r.generated_at.replace(tzinfo=None)),
        ("Newest article in the database (UTC)", r.data_until.replace(tzinfo=None) if r.data_until else "none"),
        ("Feeds monitored", r.feeds_monitored),
        ("Feeds failing this week", len(r.feeds_failing)),
        ("Articles on these topics", s.articles),
        ("Articles on these topics, previous week", s.previous),
        ("All articles from monitored feeds", s.all_articles),
        ("Fingerprint", r.fingerprint.short),
    ]
    if r.empty:
        facts.append(("Note", "No articles on the chosen topics were published during this week."))
    row = 3
    for key, value in facts:
        ws.cell(row=row, column=1, value=key).font = Font(bold=True)
        c = ws.cell(row=row, column=2, value=value)
        if isinstance(value, datetime):
            c.number_format = "yyyy-mm-dd hh:mm"
        row += 1
    row += 1
    _header(ws, row, ["Topic", "Topic (Arabic)", "Topic id", "This week", "Previous week", "Change", "Change %"])
    first = row + 1
    counts = sorted(s.topics, key=lambda c: (-c.articles, -c.previous, c.topic.label))
    row = _rows(ws, first, [(_text(c.topic.label), _text(c.topic.label_ar), c.topic.id, c.articles, c.previous,
                             c.change, c.change_pct) for c in counts])
    for rr in range(first, row):
        ws.cell(row=rr, column=7).number_format = "0%"
    _widths(ws, [40, 30, 24, 12, 14, 10, 10])
    if counts:
        chart = BarChart()
        chart.type = "bar"
        chart.title = "Articles per topic"
        chart.y_axis.title = "articles"
        data = Reference(ws, min_col=4, max_col=5, min_row=first - 1, max_row=row - 1)
        chart.add_data(data, titles_from_data=True)
        chart.set_categories(Reference(ws, min_col=1, min_row=first, max_row=row - 1))
        chart.height, chart.width = 3 + 0.6 * len(counts), 18
        ws.add_chart(chart, f"I{first - 1}")


def _daily(ws: Worksheet, r: Report) -> None:
    days = [*r.week.previous().days, *r.week.days]
    names = ["Day", "Week", *(s.topic.label for s in r.sections)]
    rows = []
    for i, d in enumerate(days):
        this = i >= 7
        rows.append((d, r.week.label if this else r.week.previous().label,
                     *((s.daily[i - 7] if this else s.daily_previous[i]) for s in r.sections)))
    _header(ws, 1, [_text(n) for n in names])
    end = _rows(ws, 2, rows)
    for rr in range(2, end):
        ws.cell(row=rr, column=1).number_format = "ddd d mmm yyyy"
    ws.freeze_panes = "C2"
    _widths(ws, [18, 10, *([16] * len(r.sections))])
    active = [i for i, s in enumerate(r.sections) if s.count.articles or s.count.previous]
    if active:
        chart = LineChart()
        chart.title = "Articles per day"
        chart.y_axis.title = "articles"
        for i in active:
            chart.add_data(Reference(ws, min_col=3 + i, min_row=1, max_row=end - 1), titles_from_data=True)
        chart.set_categories(Reference(ws, min_col=1, min_row=2, max_row=end - 1))
        chart.height, chart.width = 9, 22
        ws.add_chart(chart, f"{get_column_letter(4 + len(r.sections))}2")


def _source_rows(scope: str, rows: Sequence[SourceCount]) -> list[tuple[Value, ...]]:
    return [(_text(scope), _text(s.source), _text(s.source_country), s.articles, s.share) for s in rows]


def _country_rows(kind: str, scope: str, rows: Sequence[CountryCount]) -> list[tuple[Value, ...]]:
    return [(kind, _text(scope), _text(c.code), _text(c.name), _text(c.name_ar), c.articles) for c in rows]


def _percent_column(ws: Worksheet, column: int) -> None:
    for rr in range(2, ws.max_row + 1):
        ws.cell(row=rr, column=column).number_format = "0%"


def _stories(ws: Worksheet, r: Report) -> None:
    rows: list[tuple[Value, ...]] = []
    for s in r.sections:
        for rank, st in enumerate(s.stories, 1):
            rows.append((_text(s.topic.label), rank, _text(st.title), _text(st.source), st.published,
                         st.outlets, _text(", ".join(st.other_sources)), _text(http_url(st.url) or "")))
        for sp in s.spikes:
            for rank, st in enumerate(sp.stories, 1):
                rows.append((_text(f"{s.topic.label} — spike {ENGLISH.day(sp.day)}"), rank, _text(st.title),
                             _text(st.source), st.published, st.outlets, _text(", ".join(st.other_sources)),
                             _text(http_url(st.url) or "")))
    end = _table(ws, ["Topic", "Rank", "Headline", "Source", "Published (local)", "Outlets", "Other outlets", "URL"],
                 rows, [28, 6, 70, 20, 18, 8, 30, 50])
    for rr in range(2, end):
        ws.cell(row=rr, column=5).number_format = "yyyy-mm-dd hh:mm"


def _articles(ws: Worksheet, r: Report) -> None:
    rows = [(_text(a.id), a.published_local, _text(a.source), _text(a.source_country), _text(a.language),
             _text(a.title), _text(a.url or ""), _text(";".join(a.topics)), _text(";".join(a.countries)))
            for a in r.articles]
    end = _table(ws, ["id", f"published_at ({r.week.tz})", "source", "source_country", "language", "title", "url",
                      "topics", "countries"], rows, [26, 18, 20, 8, 8, 80, 50, 30, 20])
    for rr in range(2, end):
        ws.cell(row=rr, column=2).number_format = "yyyy-mm-dd hh:mm"
        url = ws.cell(row=rr, column=7).value
        if isinstance(url, str) and http_url(url):
            ws.cell(row=rr, column=7).hyperlink = url


def _feeds(ws: Worksheet, r: Report) -> None:
    known = r.failures_known  # attempts this old are no longer kept: blank, not a false zero
    rows = [(_text(f.source), _text(f.source_country), _text(f.language), _text(f.url), "yes" if f.enabled else "no",
             f.articles, f.attempts if known else None, f.failures if known else None,
             f.first_failure.replace(tzinfo=None) if f.first_failure else None,
             f.last_failure.replace(tzinfo=None) if f.last_failure else None,
             _text(f.last_error or f.disabled_reason or "")) for f in r.feeds]
    end = _table(ws, ["Source", "Country", "Language", "Feed", "Enabled", "Articles", "Fetches", "Failures",
                      "First failure (UTC)", "Last failure (UTC)", "Last error"], rows,
                 [22, 8, 9, 50, 8, 9, 9, 9, 18, 18, 60])
    for rr in range(2, end):
        for col in (9, 10):
            ws.cell(row=rr, column=col).number_format = "yyyy-mm-dd hh:mm"


def _method(ws: Worksheet, r: Report) -> None:
    rules = [
        ("Scope", f"Articles published {r.week.start} 00:00 to {r.week.days[-1]} 24:00 ({r.week.tz}) by the "
                  "monitored feeds that carry at least one of the chosen topics."),
        ("Spike days", f"Above the mean + {SPIKE_SD:g} standard deviations of the topic's daily counts over the "
                       f"{BASELINE_DAYS} days before the week, and at least {SPIKE_MIN} articles."),
        ("Stories", "Same normalised title or same link = one story; ranked by number of outlets, then time."),
        ("Formula safety", "Text cells starting with = + - @ tab or CR are prefixed with a single quote."),
        ("Fingerprint", r.fingerprint.digest),
        ("Fingerprint covers", f"week, time zone, topic definitions, {r.fingerprint.articles} articles, "
                               f"{r.fingerprint.tags} (article, topic) pairs"),
    ]
    _header(ws, 1, ["Item", "Value"])
    row = _rows(ws, 2, rules) + 1
    _header(ws, row, ["Topic id", "Label", "Label (Arabic)", "Query (verbatim)", "Query (as read by Marsad)",
                      "Retag pending"])
    _rows(ws, row + 1, [(t.id, _text(t.label), _text(t.label_ar), _text(t.query_text), _text(t.canonical),
                         "yes" if t.stale else "no") for t in r.topics])
    for rr in range(row + 1, ws.max_row + 1):
        for col in (4, 5):
            ws.cell(row=rr, column=col).alignment = _WRAP
    _widths(ws, [24, 60, 30, 70, 70, 12])


def _deterministic(data: bytes, modified: datetime) -> bytes:
    """The same zip with every entry's timestamp fixed and the document's "modified" property set to
    `modified` (openpyxl stamps the current time on both when it saves)."""
    stamp = modified.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                body = _MODIFIED_RE.sub(rb"\g<1>" + stamp + rb"\g<2>", body)
            fixed = zipfile.ZipInfo(info.filename, date_time=_ZIP_TIME)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = info.external_attr
            dst.writestr(fixed, body)
    return out.getvalue()


def xlsx_bytes(r: Report) -> bytes:
    wb = Workbook()
    sheets = {name: (wb.active if i == 0 else wb.create_sheet()) for i, name in enumerate(SHEETS)}
    for name, ws in sheets.items():
        assert ws is not None
        ws.title = name
    _summary(sheets["Summary"], r)  # type: ignore[arg-type]
    _daily(sheets["Daily"], r)  # type: ignore[arg-type]
    s = r.summary
    src_rows = _source_rows("All chosen topics", s.sources)
    for sec in r.sections:
        src_rows += _source_rows(sec.topic.label, sec.sources)
    _table(sheets["Sources"], ["Topic", "Source", "Country", "Articles", "Share of the topic's articles"],  # type: ignore[arg-type]
           src_rows, [30, 24, 9, 10, 14])
    _percent_column(sheets["Sources"], 5)  # type: ignore[arg-type]
    country_rows = (_country_rows("source country", "All chosen topics", s.source_countries)
                    + _country_rows("mentioned", "All chosen topics", s.countries))
    for sec in r.sections:
        country_rows += _country_rows("mentioned", sec.topic.label, sec.countries)
    _table(sheets["Countries"], ["Kind", "Topic", "Code", "Country", "Country (Arabic)", "Articles"],  # type: ignore[arg-type]
           country_rows, [16, 30, 7, 24, 24, 10])
    _stories(sheets["Stories"], r)  # type: ignore[arg-type]
    _articles(sheets["Articles"], r)  # type: ignore[arg-type]
    _feeds(sheets["Feeds"], r)  # type: ignore[arg-type]
    _method(sheets["Method"], r)  # type: ignore[arg-type]
    created = r.generated_at.replace(tzinfo=None, microsecond=0)
    wb.properties.created = created
    wb.properties.modified = created
    wb.properties.creator = "Marsad"
    wb.properties.title = f"Marsad weekly report {r.week.label}"
    buf = io.BytesIO()
    wb.save(buf)
    return _deterministic(buf.getvalue(), created)
