"""`python -m dashboard report` and the Reports page, over the shared seeded database and a fixed week.

The seeded database (tests/seeded.py, the real pipeline, real topics.toml and gazetteer) has dates
relative to today, so these tests use the current ISO week and the one before.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from dashboard.report import build_report
from dashboard.report.model import ReportWeek
from dashboard.report_cli import last_complete_week, main
from ingest.store import reader
from ingest.store.reads import Filter, count_articles
from ingest.topics import load_topics

ROOT = Path(__file__).resolve().parent.parent
BIDI_CONTROLS = dict.fromkeys(map(ord, "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f"))
TEST_TOPICS = """
[[topic]]
id = "gaza-talks"
label = "Gaza talks"
label_ar = "مفاوضات غزة"
query = "(gaza OR غزة) AND (talks OR truce OR مفاوضات OR هدنة)"
color = "#117733"

[[topic]]
id = "oil-prices"
label = "Oil prices"
label_ar = "أسعار النفط"
query = "oil AND (price* OR prices)"
color = "#0072B2"

[[topic]]
id = "sudan-war"
label = "Sudan war"
label_ar = "الحرب في السودان"
query = "sudan AND war"
color = "#882255"
"""


@pytest.fixture
def test_topics(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "topics.toml"
    path.write_text(TEST_TOPICS, encoding="utf-8")
    monkeypatch.setenv("MARSAD_TOPICS", str(path))
    return path


def text_runs(title: str) -> list[str]:
    """The title cut at punctuation: pdftotext rebuilds reading order per run of letters, and puts a
    run that ends in punctuation («لافروف:») after the next one even though the page shows it first
    (checked by eye on the rendered page). Within each run the words must be in reading order."""
    return [" ".join(run.split()) for run in re.split(r"[^\w\s]+", title) if run.strip()]


def this_week() -> ReportWeek:
    return ReportWeek.containing(datetime.now(UTC).date())


def test_cli_writes_every_format_and_prints_the_paths(week_db: Path, test_topics: Path, tmp_path: Path,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "reports"
    code = main(["--db", str(week_db), "--week", "2025-W14", "--format", "all", "--out", str(out),
                 "--topics", "gaza-talks", "--tz", "Africa/Cairo"])
    printed = capsys.readouterr().out.split()
    names = [f"marsad-2025-W14-gaza-talks-africa-cairo.{f}" for f in ("pdf", "html", "xlsx", "csv")]
    assert code == 0 and printed == [str(out / n) for n in names]
    assert sorted(p.name for p in out.iterdir()) == sorted(names)  # no temporary file left behind
    assert (out / names[0]).read_bytes().startswith(b"%PDF-")
    csv_text = (out / names[3]).read_text(encoding="utf-8-sig")
    assert len(csv_text.splitlines()) == 1 + 13  # Cairo days: gains Sunday night's article, loses the next one


def test_cli_for_a_week_without_data_still_writes_and_says_so(week_db: Path, test_topics: Path, tmp_path: Path,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["--db", str(week_db), "--week", "2024-W30", "--format", "html", "--out", str(tmp_path)])
    captured = capsys.readouterr()
    assert code == 0 and captured.out.strip() == str(tmp_path / "marsad-2024-W30.html")
    assert "no articles on these topics in 2024-W30" in captured.err
    assert "No articles on the chosen topics" in (tmp_path / "marsad-2024-W30.html").read_text(encoding="utf-8")


@pytest.mark.parametrize(("args", "code", "message"), [
    (["--week", "2025-W60"], 2, "not an ISO week"),
    (["--topics", "no-such-topic"], 2, "unknown topic 'no-such-topic'"),
    (["--tz", "Cairo"], 2, "unknown time zone 'Cairo'"),
], ids=["bad-week", "unknown-topic", "bad-zone"])
def test_cli_refuses_bad_arguments_with_a_message(week_db: Path, test_topics: Path, tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str], args: list[str], code: int,
                                                  message: str) -> None:
    assert main(["--db", str(week_db), "--out", str(tmp_path / "o"), *args]) == code
    captured = capsys.readouterr()
    assert message in captured.err and captured.out == ""
    assert not (tmp_path / "o").exists()


def test_cli_without_a_database_exits_1(tmp_path: Path, test_topics: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--db", str(tmp_path / "none.duckdb"), "--out", str(tmp_path)]) == 1
    assert "no database at" in capsys.readouterr().err


def test_last_complete_week_is_the_week_before_now_in_the_zone() -> None:
    # Sunday 6 April 2025 23:30 UTC is already Monday 7 April in Cairo.
    now = datetime(2025, 4, 6, 23, 30, tzinfo=UTC)
    assert last_complete_week("UTC", now).label == "2025-W13"
    assert last_complete_week("Africa/Cairo", now).label == "2025-W14"


def test_python_m_dashboard_report_runs_the_command(seeded_db: Path, tmp_path: Path) -> None:
    week = this_week()
    proc = subprocess.run([sys.executable, "-m", "dashboard", "report", "--db", str(seeded_db), "--week", week.label,
                           "--format", "csv", "--out", str(tmp_path)], cwd=ROOT, capture_output=True, text=True,
                          timeout=60, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == str(tmp_path / f"marsad-{week.label}.csv")


@pytest.mark.parametrize("weeks_back", [0, 1], ids=["this-week", "previous-week"])
def test_seeded_report_numbers_equal_the_dashboards(seeded_db: Path, weeks_back: int) -> None:
    week = ReportWeek.containing(this_week().start - timedelta(weeks=weeks_back))
    report = build_report(seeded_db, week)
    with reader(seeded_db) as con:
        for c in report.summary.topics:
            flt = Filter(week.start, week.end, topics=(c.topic.id,))
            assert c.articles == count_articles(con, flt), c.topic.id
            assert c.previous == count_articles(con, flt.previous()), c.topic.id
        everything = Filter(week.start, week.end, topics=tuple(t.id for t in load_topics()))
        assert report.summary.articles == count_articles(con, everything)
    assert report.summary.articles > 0  # the seeded feeds cover both weeks


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils (pdftotext) is not installed")
def test_seeded_pdf_has_arabic_topic_names_headlines_and_counts(seeded_db: Path, tmp_path: Path) -> None:
    week = this_week()
    report = build_report(seeded_db, week)
    assert main(["--db", str(seeded_db), "--week", week.label, "--format", "pdf", "--out", str(tmp_path)]) == 0
    pdf = tmp_path / f"marsad-{week.label}.pdf"
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    flat = " ".join(text.translate(BIDI_CONTROLS).split())
    active = [s for s in report.sections if s.count.articles]
    assert active
    for sec in active:
        assert sec.topic.label_ar in flat
        assert f"{sec.count.articles} articles this week, {sec.count.previous} the week before" in flat
        for story in sec.stories:
            for run in text_runs(story.title):
                assert run in flat, (run, story.title)


def test_reports_page_builds_and_offers_the_download(app_env: None) -> None:
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "dashboard" / "app.py"), default_timeout=60)
    at.run()
    at.switch_page("app_pages/reports.py").run()
    assert not at.exception
    week = at.selectbox(key="report_week")
    current = this_week()
    assert week.options[0].startswith(current.label) and "(in progress)" in week.options[0]
    assert week.value == (current.start - timedelta(days=7)).strftime("%G-W%V")
    week.set_value(current.label)
    at.radio(key="report_format").set_value("xlsx")
    at.multiselect(key="report_topics").set_value(["gaza-mediation"])
    at.button(key="report_build").click().run()
    assert not at.exception and not at.error
    [button] = at.get("download_button")
    assert button.label == f"Download marsad-{current.label}-gaza-mediation.xlsx"
    expected = build_report(Path(os.environ["MARSAD_DB"]), current, ["gaza-mediation"]).summary.articles
    assert at.success[0].value.startswith(f"{expected:,} articles on 1 topic in {current.label}")


def test_reports_page_week_list_covers_half_a_year(app_env: None) -> None:
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "dashboard" / "app.py"), default_timeout=60)
    at.run()
    at.switch_page("app_pages/reports.py").run()
    options = at.selectbox(key="report_week").options
    assert len(options) == 26
    oldest = ReportWeek.parse(options[-1].split(" ")[0])
    assert oldest.start == this_week().start - timedelta(weeks=25)
    assert isinstance(oldest.start, date)
