"""Weekly reports: one ISO week of coverage as PDF, HTML, XLSX or CSV bytes, with no st.* calls.

    report = build_report(db_path, ReportWeek.parse("2025-W14", tz="Africa/Cairo"), ["gaza-mediation"])
    data = render(report, "pdf")
    name = report_file_name(report, "pdf")   # marsad-2025-W14-gaza-mediation-africa-cairo.pdf
    arabic = render(report, "pdf", language="ar")   # the Arabic edition: right to left, every word Arabic
    name = report_file_name(report, "pdf", language="ar")   # marsad-2025-W14-gaza-mediation-africa-cairo-ar.pdf

Editions: PDF and HTML come in English (the default) and Arabic, the same numbers from the same
Report. XLSX and CSV are data files for analysts: their sheet names and column headers stay English
and stable for scripts and formulas, so language="ar" is accepted for them and changes nothing (not
even the file name).

`build_report` reads the database once (through the dashboard's read layer); the renderers are pure.
"""

from __future__ import annotations

from collections.abc import Callable

from dashboard.report.build import build_report
from dashboard.report.model import Report, ReportWeek
from dashboard.report.safe import file_name
from dashboard.report.words import LANGUAGES

FORMATS = ("pdf", "html", "xlsx", "csv")
# The formats that have an Arabic edition; the others are data files whose headers do not change.
EDITION_FORMATS = ("pdf", "html")
MEDIA_TYPES = {
    "pdf": "application/pdf",
    "html": "text/html; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}

__all__ = ["EDITION_FORMATS", "FORMATS", "LANGUAGES", "MEDIA_TYPES", "Report", "ReportWeek", "build_report", "render", "report_file_name"]


def _renderer(fmt: str) -> Callable[..., bytes]:
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


def _check_language(language: str) -> None:
    if language not in LANGUAGES:
        raise ValueError(f"unknown report language {language!r} (expected one of {', '.join(LANGUAGES)})")


def render(report: Report, fmt: str, language: str = "en") -> bytes:
    """The report in `fmt` (pdf, html, xlsx or csv), PDF and HTML in the edition `language` ("en" or "ar").

    For xlsx and csv `language` is checked and otherwise ignored: data files keep their English
    headers and sheet names, which scripts and formulas rely on."""
    _check_language(language)
    renderer = _renderer(fmt)
    return renderer(report, language) if fmt in EDITION_FORMATS else renderer(report)


def report_file_name(report: Report, fmt: str, language: str = "en") -> str:
    """A file name built from safe parts only, e.g. marsad-2025-W14-gaza-mediation.pdf; the Arabic PDF or
    HTML ends in -ar (marsad-2025-W14-ar.pdf). XLSX and CSV have one edition and one name."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown report format {fmt!r}")
    _check_language(language)
    suffix = language if fmt in EDITION_FORMATS and language != "en" else ""
    return file_name(report.week.label, [t.id for t in report.topics], report.all_topics_chosen, report.week.tz, fmt,
                     suffix)
