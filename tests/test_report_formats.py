"""Weekly report files: what a reader finds in the PDF, HTML, XLSX and CSV, and that feed text stays inert.

Built from the pipeline-made database of test_report_build (2025-W14). The PDF is read back with
poppler's pdftotext/pdffonts, the workbook with openpyxl, the HTML with the standard HTML parser.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import re
import shutil
import subprocess
import zipfile
from datetime import UTC, datetime
from html import unescape as html_unescape
from html.parser import HTMLParser
from pathlib import Path

import openpyxl
import pytest

from dashboard.report import FORMATS, build_report, render, report_file_name
from dashboard.report.csv import COLUMNS
from dashboard.report.model import Report, ReportWeek
from dashboard.report.safe import cell, file_name
from dashboard.report.xlsx import SHEETS
from tests.test_report_build import INJECTION, SPECIAL_TITLE, TOPICS, WEEK

GENERATED = datetime(2025, 4, 8, 6, 0, tzinfo=UTC)
BIDI_CONTROLS = dict.fromkeys(map(ord, "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f"))
needs_poppler = pytest.mark.skipif(shutil.which("pdftotext") is None or shutil.which("pdffonts") is None,
                                   reason="poppler-utils (pdftotext, pdffonts) is not installed")


@pytest.fixture(scope="module")
def report(week_db: Path) -> Report:
    return build_report(week_db, WEEK, topics=TOPICS, now=GENERATED)


@pytest.fixture(scope="module")
def empty_report(week_db: Path) -> Report:
    return build_report(week_db, ReportWeek(2024, 30), topics=TOPICS, now=GENERATED)


@pytest.fixture(scope="module")
def pdf_path(report: Report, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("pdf") / "report.pdf"
    path.write_bytes(render(report, "pdf"))
    return path


@pytest.fixture(scope="module")
def pdf_text(pdf_path: Path) -> str:
    if shutil.which("pdftotext") is None:
        pytest.skip("poppler-utils (pdftotext) is not installed")
    out = subprocess.run(["pdftotext", "-layout", str(pdf_path), "-"], capture_output=True, check=True, text=True)
    return out.stdout.translate(BIDI_CONTROLS)


@needs_poppler
def test_pdf_contains_arabic_names_and_headlines_in_logical_order(pdf_text: str) -> None:
    assert "مفاوضات غزة" in pdf_text  # the topic's Arabic label, as typed
    assert "الوسطاء يستأنفون مفاوضات الهدنة في غزة" in pdf_text  # an Arabic headline, word order kept
    assert "أسعار النفط" in pdf_text
    assert "Gaza truce talks resume in Cairo" in pdf_text
    assert "+ 1 other outlet" in pdf_text


@needs_poppler
def test_pdf_shows_the_counts_spike_failing_feed_and_fingerprint(pdf_text: str, report: Report) -> None:
    flat = " ".join(pdf_text.split())
    assert "13 articles this week, 3 the week before (+10 (+333%))" in flat
    assert re.search(r"Spike on Thu 3 Apr: 6 articles", flat)
    assert "Broken Daily" in flat and "1 of 1 attempts failed" in flat and "2025-04-02 12:00" in flat
    assert report.fingerprint.short in flat
    assert "2025-W14" in flat and "31 Mar – 6 Apr 2025" in flat


@needs_poppler
def test_pdf_embeds_every_font(pdf_path: Path) -> None:
    out = subprocess.run(["pdffonts", str(pdf_path)], capture_output=True, check=True, text=True).stdout
    rows = [line.split() for line in out.splitlines()[2:] if line.strip()]
    assert rows, "the PDF uses no font at all"
    # Columns: name type encoding emb sub uni object ID; 'emb' is the 4th from the right.
    assert all(r[-5] == "yes" for r in rows), out
    assert any("Arabic" in r[0] for r in rows), out


class _Refs(HTMLParser):
    """Every tag and every attribute value that could make a browser fetch something."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.refs: list[tuple[str, str, str]] = []
        self.style = ""
        self._in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self._in_style = tag == "style"
        for name, value in attrs:
            if name in ("src", "href", "srcset", "action", "poster", "data", "background") or name == "style":
                self.refs.append((tag, name, value or ""))

    def handle_endtag(self, tag: str) -> None:
        self._in_style = False

    def handle_data(self, data: str) -> None:
        if self._in_style:
            self.style += data


def test_html_references_nothing_outside_itself(report: Report) -> None:
    doc = render(report, "html").decode("utf-8")
    parser = _Refs()
    parser.feed(doc)
    assert not {"script", "link", "iframe", "object", "embed", "base"} & set(parser.tags)
    for tag, name, value in parser.refs:
        if name == "src":
            assert tag == "img" and value.startswith("data:image/png;base64,"), (tag, value[:60])
        elif name == "href":
            assert tag == "a" and re.match(r"https?://", value), (tag, value)
        elif name == "style":
            assert "url(" not in value
        else:
            pytest.fail(f"unexpected reference {tag} {name}={value!r}")
    assert "url(" not in parser.style and "@import" not in parser.style
    assert sum(1 for t, n, _ in parser.refs if n == "src") >= 3  # summary chart + a chart per active topic


def test_html_escapes_feed_text(report: Report) -> None:
    # Markup never reaches a report through ingest (ingest.clean strips it); the renderer escapes anyway.
    gaza = report.sections[0]
    hostile = dataclasses.replace(gaza.stories[0], title='<script>alert(1)</script><img src="http://evil.example/p">',
                                  source="<b>Wire</b>", url='https://x.example/"><script>')
    doc = render(dataclasses.replace(report, sections=(dataclasses.replace(gaza, stories=(hostile,)),)), "html").decode()
    assert "<script>" not in doc and "<b>Wire" not in doc
    parser = _Refs()
    parser.feed(doc)
    assert "script" not in parser.tags and "b" not in parser.tags
    assert all(v.startswith("data:") for t, n, v in parser.refs if n == "src")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;&lt;img" in doc
    assert 'href="https://x.example/&quot;&gt;&lt;script&gt;"' in doc


def test_html_marks_arabic_right_to_left(report: Report) -> None:
    doc = render(report, "html").decode("utf-8")
    assert '<p class="story" lang="ar" dir="rtl"><a href="https://nile.example/n/' in doc
    assert '<span class="ar" lang="ar" dir="rtl">مفاوضات غزة</span>' in doc


def test_xlsx_has_the_expected_sheets_and_values(report: Report) -> None:
    wb = openpyxl.load_workbook(io.BytesIO(render(report, "xlsx")))
    assert tuple(wb.sheetnames) == SHEETS
    summary = wb["Summary"]
    rows = {r[2]: r[3:5] for r in summary.iter_rows(values_only=True) if r and r[2] in {t.id for t in TOPICS}}
    assert rows == {"gaza-talks": (13, 3), "oil-prices": (1, 1), "sudan-war": (0, 0)}
    daily = list(wb["Daily"].iter_rows(values_only=True))
    assert daily[0][:3] == ("Day", "Week", "Gaza talks")
    assert [r[2] for r in daily[8:15]] == [2, 2, 0, 6, 2, 0, 1]
    articles = list(wb["Articles"].iter_rows(values_only=True))
    assert len(articles) == 1 + 14
    assert summary._charts and wb["Daily"]._charts  # noqa: SLF001  (openpyxl keeps charts there)


def test_formula_injection_title_is_inert_in_xlsx_and_csv(report: Report) -> None:
    wb = openpyxl.load_workbook(io.BytesIO(render(report, "xlsx")))
    cells = [c for row in wb["Articles"].iter_rows() for c in row if isinstance(c.value, str) and "HYPERLINK" in c.value]
    assert [c.value for c in cells] == ["'" + INJECTION]
    assert all(c.data_type == "s" for c in cells)
    rows = list(csv.DictReader(io.StringIO(render(report, "csv").decode("utf-8-sig"))))
    assert [r["title"] for r in rows if "HYPERLINK" in r["title"]] == ["'" + INJECTION]
    assert SPECIAL_TITLE in [r["title"] for r in rows]


def test_csv_lists_the_weeks_articles_with_local_times(week_db: Path, report: Report) -> None:
    data = render(report, "csv")
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert tuple(rows[0]) == COLUMNS and len(rows) == 1 + 14
    monday = next(r for r in rows[1:] if r[5] == "Gaza truce talks resume in Cairo")
    assert monday[1:5] == ["2025-03-31T09:00:00+00:00", "Gulf Wire", "QA", "en"]
    assert monday[6].startswith("https://gulf.example/n/") and monday[7] == "gaza-talks"
    cairo = build_report(week_db, ReportWeek(2025, 14, "Africa/Cairo"), topics=TOPICS)
    assert "2025-03-31T11:00:00+02:00" in render(cairo, "csv").decode("utf-8-sig")


def test_same_report_gives_the_same_bytes(week_db: Path, report: Report) -> None:
    again = build_report(week_db, WEEK, topics=TOPICS, now=GENERATED)
    for fmt in ("csv", "xlsx", "html"):
        assert render(again, fmt) == render(report, fmt), fmt
    # Nothing in the workbook carries the time it was written (openpyxl stamps "modified" on save,
    # which made two saves a second apart differ).
    with zipfile.ZipFile(io.BytesIO(render(report, "xlsx"))) as z:
        core = z.read("docProps/core.xml").decode()
        assert {i.date_time for i in z.infolist()} == {(2000, 1, 1, 0, 0, 0)}
    assert re.findall(r"<dcterms:(?:created|modified)[^>]*>([^<]*)<", core) == ["2025-04-08T06:00:00Z"] * 2


def test_week_without_articles_gives_every_format_saying_so(empty_report: Report) -> None:
    html = render(empty_report, "html").decode("utf-8")
    assert "No articles on the chosen topics were published during this week" in html
    assert render(empty_report, "csv").decode("utf-8-sig").splitlines() == [",".join(COLUMNS)]
    wb = openpyxl.load_workbook(io.BytesIO(render(empty_report, "xlsx")))
    notes = [r[1] for r in wb["Summary"].iter_rows(values_only=True) if r[0] == "Note"]
    assert notes == ["No articles on the chosen topics were published during this week."]
    assert render(empty_report, "pdf").startswith(b"%PDF-")


def test_file_names_are_built_from_safe_parts(report: Report) -> None:
    assert [report_file_name(report, f) for f in FORMATS] == [f"marsad-2025-W14.{f}" for f in FORMATS]
    assert file_name("2025-W14", ["gaza-talks"], False, "Africa/Cairo", "pdf") == "marsad-2025-W14-gaza-talks-africa-cairo.pdf"
    assert file_name("2025-W14", ["a-b", "c-d", "e-f", "g-h"], False, "UTC", "csv") == "marsad-2025-W14-4-topics.csv"
    assert file_name("../2025-W14", ["../../etc/passwd"], False, "UTC", "pdf") == "marsad-2025-W14-etc-passwd.pdf"


@pytest.mark.parametrize("value", ["=1+1", "+1", "-1", "@SUM(A1)", "\t=1", "\r=1"],
                         ids=["equals", "plus", "minus", "at", "tab", "cr"])
def test_cell_neutralises_formula_starts(value: str) -> None:
    assert cell(value) == "'" + value


def test_cell_leaves_ordinary_text_alone() -> None:
    assert cell("غزة: هدنة =") == "غزة: هدنة =" and cell("Talks resume") == "Talks resume"


def _word_x(pdf: Path) -> list[tuple[int, float, str]]:
    """(line y, x, word) for every word pdftotext finds; Arabic words in either glyph order."""
    out = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, check=True, text=True).stdout
    found = re.findall(r'xMin="([\d.]+)" yMin="([\d.]+)"[^>]*>(.*?)</word>', out)
    return [(round(float(y)), float(x), html_unescape(w).translate(BIDI_CONTROLS)) for x, y, w in found]


def _x(words: list[tuple[int, float, str]], word: str, line: int | None = None) -> tuple[int, float]:
    for y, x, w in words:
        if (line is None or abs(y - line) <= 2) and (word in w or word[::-1] in w):
            return y, x
    raise AssertionError(f"{word!r} not on the page: {[w for _, _, w in words]}")


@needs_poppler
def test_pdf_lays_out_arabic_right_to_left_with_numbers_and_names_in_order(report: Report, tmp_path: Path) -> None:
    gaza = report.sections[0]
    story = dataclasses.replace(gaza.stories[0], title="مقتل 12 شخصا في غزة", source="نجم مصر",
                                other_sources=("قناة لبنان", "جريدة مصر", "Gulf Wire"))
    small = dataclasses.replace(report, sections=(dataclasses.replace(gaza, stories=(story,), spikes=()),), feeds=())
    pdf = tmp_path / "bidi.pdf"
    pdf.write_bytes(render(small, "pdf"))
    words = _word_x(pdf)
    # The Arabic headline reads right to left, the number inside it in its place.
    line, first = _x(words, "مقتل")
    assert first > _x(words, "12", line)[1] > _x(words, "شخصا", line)[1]
    # Its English line underneath reads left to right, the outlets in the order given.
    line, a = _x(words, "قناة")
    assert a < _x(words, "جريدة", line)[1] < _x(words, "Gulf", line)[1]


@needs_poppler
def test_a_widely_carried_story_names_five_outlets_and_the_xlsx_names_all(report: Report, tmp_path: Path) -> None:
    gaza = report.sections[0]
    others = tuple(f"Outlet {n}" for n in "ABCDEFGHI")
    story = dataclasses.replace(gaza.stories[0], other_sources=others)
    wide = dataclasses.replace(report, sections=(dataclasses.replace(gaza, stories=(story,), spikes=()),))
    pdf = tmp_path / "wide.pdf"
    pdf.write_bytes(render(wide, "pdf"))
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, check=True, text=True).stdout
    flat = " ".join(text.translate(BIDI_CONTROLS).split())
    assert "+ 9 other outlets (Outlet A, Outlet B, Outlet C, Outlet D, Outlet E and 4 more)" in flat
    assert "Outlet F" not in flat
    assert "names at most 5 of the other outlets" in flat and "XLSX Stories sheet names them all" in flat
    ws = openpyxl.load_workbook(io.BytesIO(render(wide, "xlsx")))["Stories"]
    listed = [row[6] for row in ws.iter_rows(min_row=2, values_only=True)]
    assert ", ".join(others) in listed


def test_charts_are_opaque_rgb_pngs_with_the_same_bytes_each_time(report: Report) -> None:
    from PIL import Image

    from dashboard.report.charts import clear_cache, daily_chart

    gaza = report.sections[0]
    args = (tuple(report.week.days), gaza.daily, gaza.daily_previous, gaza.topic.color)
    first = daily_chart(*args)
    clear_cache()
    assert daily_chart(*args) == first  # redrawn, not the memoised bytes
    image = Image.open(io.BytesIO(first))
    # RGB: WeasyPrint embeds an RGBA PNG as two re-encoded images (colour and alpha mask).
    assert (image.format, image.mode) == ("PNG", "RGB")
    assert image.size == (990, 315)  # 6.6 × 2.1 inches at 150 dpi: sharp at the 17 cm it prints
