"""The week's article list as CSV: one row per article on the report's topics.

Columns: id, published_at, source, source_country, language, title, url, topics, countries.
published_at is ISO 8601 with the report time zone's offset (the exact instant, in local time);
topics and countries are ';'-separated (countries most mentioned first). UTF-8 with a byte-order
mark, so spreadsheet programs open Arabic correctly; RFC 4180 quoting and CRLF line ends. Text cells
are neutralised against formula injection (dashboard.report.safe.cell). A week without articles gives
the header row alone. Rows are ordered by time then id, so the same database gives the same bytes.
"""

from __future__ import annotations

import csv
import io
from zoneinfo import ZoneInfo

from dashboard.report.model import Report
from dashboard.report.safe import cell

COLUMNS = ("id", "published_at", "source", "source_country", "language", "title", "url", "topics", "countries")


def csv_bytes(r: Report) -> bytes:
    zone = ZoneInfo(r.week.tz)
    buf = io.StringIO(newline="")
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for a in r.articles:
        writer.writerow([
            cell(a.id),
            a.published_utc.astimezone(zone).isoformat(timespec="seconds"),
            cell(a.source),
            cell(a.source_country),
            cell(a.language),
            cell(a.title),
            cell(a.url or ""),
            cell(";".join(a.topics)),
            cell(";".join(a.countries)),
        ])
    return buf.getvalue().encode("utf-8-sig")
