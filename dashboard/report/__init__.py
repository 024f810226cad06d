"""Weekly reports: one ISO week of coverage as PDF, HTML, XLSX or CSV bytes, with no st.* calls.

    report = build_report(db_path, ReportWeek.parse("2025-W14", tz="Africa/Cairo"), ["gaza-mediation"])
    data = render(report, "pdf")
    name = report_file_name(report, "pdf")   # marsad-2025-W14-gaza-mediation-africa-cairo.pdf

`build_report` reads the database once (through the dashboard's read layer); the renderers are pure.
"""

from __future__ import annotations

from collections.abc import Callable

from dashboard.report.build import build_report
from dashboard.report.model import Report, ReportWeek
from dashboard.report.safe import file_name

FORMATS = ("pdf", "html", "xlsx", "csv")
MEDIA_TYPES = {
    "pdf": "application/pdf",
    "html": "text/html; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}

__all__ = ["FORMATS", "MEDIA_TYPES", "Report", "ReportWeek", "build_report", "render", "report_file_name"]


def _renderer(fmt: str) -> Callable[[Report], bytes]:
    # Imported on demand: WeasyPrint and openpyxl are slow to import and each format needs only one.
    if fmt == "pdf":
        from dashboard.report.pdf import pdf_bytes
        return pdf_bytes
    if fmt == "html":
        from dashboard.report.html import html_bytes
        return html_bytes
    if fmt == "xlsx":
        from dashboard.report.xlsx import xlsx_bytes
        return xlsx_bytes
    if fmt == "csv":
        from dashboard.report.csv import csv_bytes
        return csv_bytes
    raise ValueError(f"unknown report format {fmt!r} (expected one of {', '.join(FORMATS)})")


def render(report: Report, fmt: str) -> bytes:
    """The report in `fmt` (pdf, html, xlsx or csv)."""
    return _renderer(fmt)(report)


def report_file_name(report: Report, fmt: str) -> str:
    """A file name built from safe parts only, e.g. marsad-2025-W14-gaza-mediation.pdf."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown report format {fmt!r}")
    return file_name(report.week.label, [t.id for t in report.topics], report.all_topics_chosen, report.week.tz, fmt)
