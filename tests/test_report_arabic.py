"""The Arabic edition of the weekly report: the same numbers as the English one, laid out right to left,
every fixed word in Arabic; XLSX and CSV unchanged; the CLI flag and the Reports page's Edition choice.

Built from the pipeline-made database of test_report_build (2025-W14). The PDF is read back with
poppler (pdftotext -bbox gives each word's position, so right-to-left order can be checked on the
page), the HTML with the standard HTML parser.
"""

from __future__ import annotations

import dataclasses
import io
import re
import subprocess
from datetime import UTC, date, datetime
from html import unescape
from html.parser import HTMLParser
from pathlib import Path

import pytest
from PIL import Image

from dashboard.report import FORMATS, build_report, render, report_file_name
from dashboard.report.charts import clear_cache, daily_chart
from dashboard.report.model import Report, ReportWeek
from dashboard.report.words import ARABIC, ENGLISH, words
from dashboard.report_cli import main
from tests.test_report_build import TOPICS, WEEK
from tests.test_report_formats import BIDI_CONTROLS, GENERATED, _Refs, needs_poppler


@pytest.fixture(scope="module")
def report(week_db: Path) -> Report:
    return build_report(week_db, WEEK, topics=TOPICS, now=GENERATED)


@pytest.fixture(scope="module")
def ar_pdf(report: Report, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("ar-pdf") / "report-ar.pdf"
    path.write_bytes(render(report, "pdf", language="ar"))
    return path


@pytest.fixture(scope="module")
def ar_text(ar_pdf: Path) -> str:
    """The Arabic PDF as pdftotext reads it (its tests carry needs_poppler)."""
    out = subprocess.run(["pdftotext", "-layout", str(ar_pdf), "-"], capture_output=True, check=True, text=True)
    return " ".join(out.stdout.translate(BIDI_CONTROLS).split())


@pytest.fixture(scope="module")
def ar_html(report: Report) -> str:
    return render(report, "html", language="ar").decode("utf-8")


def page_lines(pdf: Path, page: int) -> list[list[str]]:
    """The words pdftotext finds on one page, line by line from the top, each line from right to left.

    Arabic words come out of -bbox in glyph order (reversed); they are turned back into reading order."""
    out = subprocess.run(["pdftotext", "-f", str(page), "-l", str(page), "-bbox", str(pdf), "-"],
                         capture_output=True, check=True, text=True).stdout
    found = []
    for x, y, w in re.findall(r'xMin="([\d.]+)" yMin="([\d.]+)"[^>]*>(.*?)</word>', out):
        word = unescape(w).translate(BIDI_CONTROLS)
        found.append((float(y), float(x), word[::-1] if re.search(r"[\u0600-\u06FF]", word) else word))
    # A line is the words whose tops lie within 3 pt (marks such as tanween raise a word's top a little).
    lines: list[list[tuple[float, str]]] = []
    top = -10.0
    for y, x, word in sorted(found):
        if y - top > 3:
            lines.append([])
            top = y
        lines[-1].append((x, word))
    return [[w for _, w in sorted(line, reverse=True)] for line in lines]


def line_with(lines: list[list[str]], word: str) -> int:
    return next(i for i, line in enumerate(lines) if word in line)


@needs_poppler
def test_arabic_pdf_has_arabic_headings_topic_names_and_the_fingerprint(ar_text: str, report: Report) -> None:
    for heading in ("تقرير مرصد الأسبوعي", "ملخص بالأرقام", "أبرز المصادر", "دول المصادر", "أبرز الأخبار",
                    "الملحق المنهجي", "تعريفات الموضوعات", "المصادر المرصودة"):
        assert heading in ar_text, heading
    assert "مفاوضات غزة" in ar_text and "أسعار النفط" in ar_text and "الحرب في السودان" in ar_text
    assert "الوسطاء يستأنفون مفاوضات الهدنة في غزة" in ar_text  # an Arabic headline, word order kept
    assert "Gaza truce talks resume in Cairo" in ar_text  # an English one, its Latin letters kept
    assert report.fingerprint.short in ar_text and report.fingerprint.digest in ar_text
    assert "Summary in numbers" not in ar_text and "Method appendix" not in ar_text and "page 1 of" not in ar_text


@needs_poppler
def test_arabic_pdf_reads_right_to_left_with_the_english_editions_numbers(ar_pdf: Path, report: Report) -> None:
    gaza = report.sections[0]
    assert gaza.daily == (2, 2, 0, 6, 2, 0, 1)  # the fixture's week, as the English tests read it
    lines = page_lines(ar_pdf, 2)
    # The daily table: the header has Monday at the right and Sunday at the left; the first row, read
    # from the right, is Monday … Sunday and the total.
    header = line_with(lines, "الاثنين")
    assert lines[header].index("الاثنين") < lines[header].index("الأحد")
    assert [w for w in lines[header + 1] if w.isdigit()] == [*map(str, gaza.daily), str(gaza.count.articles)]
    # "13 مقالاً هذا الأسبوع": the count reads first, so it stands right of its noun.
    assert lines[line_with(lines, "مقالاً")][:2] == [str(gaza.count.articles), "مقالاً"]
    # The title is on the right half of the first page (the English one starts at the left margin).
    out = subprocess.run(["pdftotext", "-f", "1", "-l", "1", "-bbox", str(ar_pdf), "-"], capture_output=True,
                         check=True, text=True).stdout
    title_x = [float(x) for x, w in re.findall(r'xMin="([\d.]+)"[^>]*>(.*?)</word>', out) if w == "تقرير"[::-1]]
    assert title_x and min(title_x) > 595 / 2


@needs_poppler
def test_arabic_pdf_footer_spike_and_failing_feed_in_arabic(ar_text: str) -> None:
    assert re.search(r"صفحة ?1 ?من ?4", ar_text)  # pdftotext drops a space next to the digits
    assert "ذروة يوم الخميس" in ar_text and "أبريل" in ar_text
    assert "فشلت محاولة واحدة من أصل 1" in ar_text and "Broken Daily" in ar_text
    assert "وسيلة إعلام أخرى" in ar_text  # "+ 1 other outlet"


@needs_poppler
def test_arabic_pdf_embeds_arabic_and_latin_fonts(ar_pdf: Path) -> None:
    out = subprocess.run(["pdffonts", str(ar_pdf)], capture_output=True, check=True, text=True).stdout
    rows = [line.split() for line in out.splitlines()[2:] if line.strip()]
    assert rows and all(r[-5] == "yes" for r in rows), out
    assert any("Arabic" in r[0] for r in rows), out
    assert any("Arabic" not in r[0] and ("NotoSans" in r[0] or "DejaVu" in r[0]) for r in rows), out


class _Root(HTMLParser):
    """The root element's attributes, and the text that is not inside a left-to-right element."""

    def __init__(self) -> None:
        super().__init__()
        self.root: dict[str, str | None] = {}
        self.outside_ltr: list[str] = []
        self._stack: list[bool] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "html":
            self.root = dict(attrs)
            return
        if tag in ("meta", "img", "br"):
            return
        inside = bool(self._stack and self._stack[-1])
        self._stack.append(inside or dict(attrs).get("dir") == "ltr" or tag in ("style", "title", "pre"))

    def handle_endtag(self, tag: str) -> None:
        if tag != "html" and self._stack:
            self._stack.pop()

    def handle_data(self, data: str) -> None:
        if not (self._stack and self._stack[-1]):
            self.outside_ltr.append(data)


def test_arabic_html_is_right_to_left_and_marks_english_titles_ltr(ar_html: str) -> None:
    parser = _Root()
    parser.feed(ar_html)
    assert parser.root == {"lang": "ar", "dir": "rtl"}
    assert '<a href="https://gulf.example/n/' in ar_html
    assert '<span dir="ltr">\u2066Gaza truce talks resume in Cairo\u2069</span>' in ar_html
    assert "font-family: \"Noto Naskh Arabic\", \"Noto Sans Arabic\", \"Noto Sans\"" in ar_html  # Arabic first


def test_arabic_html_has_no_english_fixed_words(ar_html: str) -> None:
    # Everything Latin in the Arabic edition comes from the data (titles, outlets, URLs, queries: each in a
    # dir="ltr" element) or is a name that stays Latin in Arabic text.
    parser = _Root()
    parser.feed(ar_html)
    latin = set(re.findall(r"[A-Za-z][A-Za-z_-]+", " ".join(parser.outside_ltr)))
    allowed = {"W14", "UTC", "XLSX", "CSV", "SHA-256", "SHA-", "SHA", "Marsad", "Stories", "MARSAD_FETCH_LOG_DAYS",
               "QA", "GB", "LB", "EG"}
    assert latin <= allowed, latin - allowed


def test_arabic_html_escapes_feed_text_and_references_nothing_outside(report: Report) -> None:
    gaza = report.sections[0]
    hostile = dataclasses.replace(gaza.stories[0], title='<script>alert(1)</script><img src="http://evil.example/p">',
                                  source="<b>Wire</b>", url='https://x.example/"><script>')
    doc = render(dataclasses.replace(report, sections=(dataclasses.replace(gaza, stories=(hostile,)),)), "html",
                 language="ar").decode()
    parser = _Refs()
    parser.feed(doc)
    assert not {"script", "b", "link", "iframe", "object", "embed", "base"} & set(parser.tags)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;&lt;img" in doc
    assert 'href="https://x.example/&quot;&gt;&lt;script&gt;"' in doc
    for tag, name, value in parser.refs:
        if name == "src":
            assert tag == "img" and value.startswith("data:image/png;base64,"), (tag, value[:60])
        elif name == "href":
            assert tag == "a" and re.match(r"https?://", value), (tag, value)
        else:
            assert name == "style" and "url(" not in value, (tag, name, value)
    assert "url(" not in parser.style and "@import" not in parser.style


def test_arabic_week_without_articles_says_so_in_arabic(week_db: Path, report: Report) -> None:
    empty = build_report(week_db, ReportWeek(2024, 30), topics=TOPICS, now=GENERATED)
    doc = render(empty, "html", language="ar").decode("utf-8")
    assert ARABIC.empty_note in doc and ENGLISH.empty_note not in doc
    assert render(empty, "pdf", language="ar").startswith(b"%PDF-")
    # A week older than the kept fetch history: its failures are not known, and the report says so.
    pruned = dataclasses.replace(report, fetch_history_from=datetime(2026, 1, 1, tzinfo=UTC))
    doc = render(pruned, "html", language="ar").decode("utf-8")
    assert ARABIC.unknown_failures in doc and ARABIC.unknown_failures_sentence in doc


def test_english_stays_the_default_edition(report: Report) -> None:
    assert render(report, "html") == render(report, "html", language="en")
    assert render(report, "html").startswith(b'<!DOCTYPE html>\n<html lang="en" dir="ltr">')


def test_data_files_are_the_same_in_both_editions(report: Report) -> None:
    for fmt in ("xlsx", "csv"):
        assert render(report, fmt, language="ar") == render(report, fmt), fmt
    assert [report_file_name(report, f, "ar") for f in FORMATS] == [
        "marsad-2025-W14-ar.pdf", "marsad-2025-W14-ar.html", "marsad-2025-W14.xlsx", "marsad-2025-W14.csv"]
    with pytest.raises(ValueError, match="unknown report language 'fr'"):
        render(report, "pdf", language="fr")
    with pytest.raises(ValueError, match="unknown report language 'fr'"):
        report_file_name(report, "csv", "fr")


@pytest.mark.parametrize(("n", "text"), [
    (0, "0 مقال"), (1, "مقال واحد"), (2, "مقالان"), (3, "3 مقالات"), (10, "10 مقالات"), (11, "11 مقالاً"),
    (99, "99 مقالاً"), (100, "100 مقال"), (102, "102 مقال"), (103, "103 مقالات"), (1013, "1,013 مقالاً"),
], ids=lambda v: str(v) if isinstance(v, int) else "")
def test_arabic_counts_agree_with_their_number(n: int, text: str) -> None:
    assert ARABIC.count(n, ARABIC.articles) == text


@pytest.mark.parametrize(("n", "text"), [(0, "0 articles"), (1, "1 article"), (2, "2 articles"), (1001, "1,001 articles")])
def test_english_counts_take_the_singular_after_one_only(n: int, text: str) -> None:
    assert ENGLISH.count(n, ENGLISH.articles) == text
    assert ENGLISH.count(n, ENGLISH.outlets) == text.replace("article", "outlet")


def test_arabic_dates_and_changes() -> None:
    assert ARABIC.day(date(2026, 11, 16)) == "الاثنين 16 نوفمبر"
    assert ARABIC.day(date(2025, 4, 6)) == "الأحد 6 أبريل"
    assert ARABIC.span(date(2024, 12, 30)) == "30 ديسمبر 2024 – 5 يناير 2025"
    assert ENGLISH.span(date(2025, 3, 31)) == "31 Mar – 6 Apr 2025"
    assert ARABIC.change_text(4, 0) == "\u2066+4\u2069 (جديد)"
    assert ARABIC.change_text(3, 5) == "\u2066−2\u2069 (\u2066−40%\u2069)"  # the real minus sign, not "-"
    assert ENGLISH.change_text(4, 0) == "+4 (new)"
    with pytest.raises(ValueError, match="unknown report language"):
        words("fr")


def _value_axis_side(png: bytes) -> str:
    """Which half of the chart holds the count axis: the column with the most axis-grey pixels."""
    image = Image.open(io.BytesIO(png)).convert("RGB")
    width, height = image.size
    pixels = image.load()
    greys = [sum(1 for y in range(height) if pixels[x, y] == (0x99, 0x99, 0x99)) for x in range(width)]
    return "left" if greys.index(max(greys)) < width / 2 else "right"


def test_arabic_daily_chart_reads_from_the_right_and_is_drawn_the_same_each_time(report: Report) -> None:
    gaza = report.sections[0]
    args = (tuple(report.week.days), gaza.daily, gaza.daily_previous, gaza.topic.color)
    arabic = daily_chart(*args, language="ar")
    english = daily_chart(*args)
    assert arabic != english  # memoised per language: the English image is not served for Arabic
    clear_cache()
    assert daily_chart(*args, language="ar") == arabic  # redrawn, same bytes
    assert _value_axis_side(english) == "left" and _value_axis_side(arabic) == "right"


def test_cli_language_ar_writes_the_arabic_pdf_and_html_and_the_same_data_files(
        week_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    topics = tmp_path / "topics.toml"
    from tests.test_report_cli import TEST_TOPICS

    topics.write_text(TEST_TOPICS, encoding="utf-8")
    monkeypatch.setenv("MARSAD_TOPICS", str(topics))
    ar, en = tmp_path / "ar", tmp_path / "en"
    assert main(["--db", str(week_db), "--week", "2025-W14", "--out", str(ar), "--language", "ar"]) == 0
    names = ["marsad-2025-W14-ar.pdf", "marsad-2025-W14-ar.html", "marsad-2025-W14.xlsx", "marsad-2025-W14.csv"]
    assert capsys.readouterr().out.split() == [str(ar / n) for n in names]
    assert (ar / names[0]).read_bytes().startswith(b"%PDF-")
    assert '<html lang="ar" dir="rtl">' in (ar / names[1]).read_text(encoding="utf-8")
    assert main(["--db", str(week_db), "--week", "2025-W14", "--out", str(en), "--format", "csv"]) == 0
    assert (ar / names[3]).read_bytes() == (en / names[3]).read_bytes()


def test_cli_refuses_an_unknown_language(week_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["--db", str(week_db), "--week", "2025-W14", "--out", str(tmp_path / "o"), "--language", "fr"])
    assert exit_info.value.code == 2
    captured = capsys.readouterr()
    assert "--language" in captured.err and "invalid choice: 'fr'" in captured.err and captured.out == ""
    assert not (tmp_path / "o").exists()


def test_reports_page_builds_the_arabic_pdf(app_env: None) -> None:
    from streamlit.testing.v1 import AppTest

    root = Path(__file__).resolve().parent.parent
    at = AppTest.from_file(str(root / "dashboard" / "app.py"), default_timeout=60)
    at.run()
    at.switch_page("app_pages/reports.py").run()
    edition = at.radio(key="report_language")
    assert edition.value == "en" and edition.options == ["English", "العربية"]
    edition.set_value("ar")
    at.radio(key="report_format").set_value("pdf")
    at.multiselect(key="report_topics").set_value(["gaza-mediation"])
    at.button(key="report_build").click().run()
    assert not at.exception and not at.error
    [button] = at.get("download_button")
    week = at.selectbox(key="report_week").value
    assert button.label == f"Download marsad-{week}-gaza-mediation-ar.pdf"
    # The edition survives a rerun, and choosing English again asks for a new build.
    at.run()
    assert at.radio(key="report_language").value == "ar" and at.get("download_button")
    at.radio(key="report_language").set_value("en").run()
    assert not at.get("download_button")
