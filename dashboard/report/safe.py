"""What keeps feed text inert once a report leaves Marsad: spreadsheet cells, links and file names.

Spreadsheet formula injection: Excel, LibreOffice and Google Sheets treat a cell that starts with
= + - @ (and, in some versions, a tab or carriage return followed by one of them) as a formula, so a
headline like `=HYPERLINK("http://x","y")` would become a live link or worse. Every text cell taken
from a feed or the database is passed through `cell()`, which prefixes such a value with a single
quote ('), the convention spreadsheet programs use for "this is text". The quote is visible in the
cell; that is the price of a value that can never run. Numbers and dates are written as numbers and
dates and need no quoting.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_SLUG_RE = re.compile(r"[^a-z0-9]+")


def cell(value: str) -> str:
    """A text value safe for a CSV or XLSX cell (see the module docstring)."""
    return "'" + value if value.startswith(_FORMULA_START) else value


def http_url(url: str | None) -> str | None:
    """`url` when it is an http(s) link, else None: a report links to nothing else."""
    if url and url.lower().startswith(("http://", "https://")) and not any(c in url for c in "\r\n\t "):
        return url
    return None


def slug(text: str) -> str:
    """Lower-case ASCII letters and digits joined by hyphens ('Africa/Cairo' → 'africa-cairo')."""
    return _SLUG_RE.sub("-", text.lower()).strip("-")


def file_name(week_label: str, topic_ids: Sequence[str], all_topics: bool, tz: str, extension: str,
              edition: str = "") -> str:
    """marsad-2025-W14[-topic…][-time-zone][-edition].ext, from safe parts only (edition: '' or 'ar').

    Topic ids are already kebab-case ASCII (topics.py checks them); they are slugged again anyway.
    More than three topics are summarised as a count, so names stay short.
    """
    parts = ["marsad", slug(week_label).upper()]
    if not all_topics:
        ids = [slug(t) for t in topic_ids if slug(t)]
        parts.extend(ids if len(ids) <= 3 else [f"{len(ids)}-topics"])
    if tz != "UTC":
        parts.append(slug(tz))
    if edition:
        parts.append(slug(edition))
    return "-".join(p for p in parts if p) + "." + slug(extension)
