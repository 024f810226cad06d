"""The report as a print-quality A4 PDF: the HTML report laid out by WeasyPrint.

WeasyPrint shapes Arabic with HarfBuzz/Pango and applies the bidi algorithm to elements marked
dir="rtl" (the whole Arabic edition is), so Arabic comes out joined and right to left with numbers
and Latin words in order; it
embeds (subsets of) the fonts it used. It is given a fetcher that allows data: URIs only: the
document needs nothing else, and a report must never reach out to the network while it is built.
"""

from __future__ import annotations

import logging

from dashboard.report.html import render_html
from dashboard.report.model import Report


def pdf_bytes(r: Report, language: str = "en") -> bytes:
    """The PDF document, in the edition `language` ("en" or "ar")."""
    # Imported here: WeasyPrint loads Pango at import (~0.5 s), which the other formats do not need.
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    # WeasyPrint logs every CSS property it does not support at WARNING; they are harmless here.
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    document = HTML(string=render_html(r, language), base_url=None, url_fetcher=URLFetcher(allowed_protocols={"data"}))
    pdf = document.write_pdf()
    assert pdf is not None
    return pdf
