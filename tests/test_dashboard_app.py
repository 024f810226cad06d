"""The dashboard's pages under Streamlit's AppTest, against a database built by the real ingest code.

The seeded database (tests/seeded.py: four fixture feeds served on loopback, ingested by run_once)
has 25 articles dated 0–19 days before today. Expected numbers are computed independently: from the
fixture items themselves, or with plain SQL in the test, never through the dashboard's read layer.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from pathlib import Path

import duckdb
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from dashboard import data, ui
from dashboard.filters import DRILL, GOTO_ARTICLES, Drill, drill_from_point
from ingest.store import publish_snapshot, snapshot_path, writer
from tests.httpserver import FeedServer
from tests.seeded import ITEMS, OUTLETS, build_seeded_db

APP = str(Path(__file__).resolve().parent.parent / "dashboard" / "app.py")
PAGES = ["overview", "compare", "sources", "countries", "articles", "feeds"]
TIMEOUT = 30


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    server = FeedServer().start()
    try:
        path = tmp_path_factory.mktemp("app") / "marsad.duckdb"
        build_seeded_db(path, server)
        yield path
    finally:
        server.stop()


@pytest.fixture(autouse=True)
def fresh_cache() -> Iterator[None]:
    # st.cache_data outlives an AppTest; each test must read its own database.
    st.cache_data.clear()
    yield
    st.cache_data.clear()


App = Callable[..., AppTest]


@pytest.fixture
def app(seeded: Path, monkeypatch: pytest.MonkeyPatch) -> App:
    monkeypatch.setenv("MARSAD_DB", str(seeded))

    def make(page: str = "overview", params: dict[str, str | list[str]] | None = None,
             state: dict[str, object] | None = None) -> AppTest:
        at = AppTest.from_file(APP, default_timeout=TIMEOUT)
        for k, v in (params or {}).items():
            at.query_params[k] = v
        for k, v in (state or {}).items():
            at.session_state[k] = v
        if page != "overview":
            at.switch_page(f"app_pages/{page}.py")
        return at.run()

    return make


def sql(db: Path, query: str, params: list[object] | None = None) -> list[tuple]:  # type: ignore[type-arg]
    with duckdb.connect(str(snapshot_path(db)), read_only=True) as con:
        con.execute("SET TimeZone = 'UTC'")
        return con.execute(query, params or []).fetchall()


def metric(at: AppTest, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def shown_errors(at: AppTest) -> list[str]:
    return [e.value for e in at.exception] + [e.value for e in at.error]


def items_within(days: int, outlet_keys: set[str] | None = None) -> int:
    """Fixture items published in the last `days` days (today included)."""
    return sum(1 for key, ago, _, _ in ITEMS if ago < days and (outlet_keys is None or key in outlet_keys))


@pytest.mark.parametrize("page", PAGES)
def test_every_page_runs_without_an_error(app: App, page: str) -> None:
    at = app(page)
    assert not at.exception
    assert shown_errors(at) == []
    assert at.title[0].value.lower().startswith(page[:5])


@pytest.mark.parametrize("page", ["overview", "sources", "countries"])
def test_every_chart_is_a_figure_plotly_accepts(app: App, page: str) -> None:
    # Charts are written as plain specs without plotly's validation at run time (dashboard.charts):
    # a misspelt property would be silently dropped by the browser, so plotly's validator checks them here.
    import plotly.graph_objects as go

    charts = app(page).get("plotly_chart")
    assert charts
    for chart in charts:
        spec = json.loads(chart.proto.spec)
        assert spec["data"] and go.Figure(spec).to_plotly_json()["data"]


def test_overview_kpis_equal_independent_counts(app: App, seeded: Path) -> None:
    at = app()
    assert metric(at, "Articles") == str(items_within(30)) == "25"
    assert metric(at, "Active sources") == str(len(OUTLETS))
    topic, n = sql(seeded, "SELECT topic, count(*) FROM article_topics GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 1")[0]
    card = next(m for m in at.metric if m.label == "Top topic")
    assert card.value == str(n)
    assert card.delta == data.topic_styles()[0][topic].label


@pytest.mark.parametrize(
    ("key", "value", "expected"),
    [
        ("f_sources", ["Nile Gazette"], items_within(30, {"nile"})),
        ("f_scountries", ["QA", "GB"], items_within(30, {"gulf", "thames"})),
        ("f_langs", ["en"], items_within(30, {"gulf", "thames"})),
        ("f_preset", "7d", items_within(7)),
    ],
    ids=["source", "source-countries", "language", "last-7-days"],
)
def test_a_sidebar_filter_set_by_key_changes_the_numbers(app: App, key: str, value: object, expected: int) -> None:
    at = app()
    assert metric(at, "Articles") == "25"
    widget = at.multiselect(key=key) if isinstance(value, list) else at.selectbox(key=key)
    widget.set_value(value).run()
    assert metric(at, "Articles") == str(expected)
    assert expected < 25


def test_mentioned_country_and_topic_filters_match_plain_sql(app: App, seeded: Path) -> None:
    at = app()
    at.multiselect(key="f_countries").set_value(["EG"]).run()
    assert metric(at, "Articles") == str(sql(seeded, "SELECT count(*) FROM article_countries WHERE country = 'EG'")[0][0])
    at.multiselect(key="f_countries").set_value([]).run()
    at.multiselect(key="f_topics").set_value(["gaza-mediation"]).run()
    n = sql(seeded, "SELECT count(*) FROM article_topics WHERE topic = 'gaza-mediation'")[0][0]
    assert metric(at, "Articles") == str(n) and n > 0


def test_the_url_state_round_trips(app: App) -> None:
    at = app()
    at.selectbox(key="f_preset").set_value("7d")
    at.multiselect(key="f_sources").set_value(["Nile Gazette", "Gulf Wire"])
    at.segmented_control(key="f_bucket").set_value("day")
    at.toggle(key="f_share").set_value(True)
    at.text_input(key="f_query").input("cairo OR القاهرة").run()
    params = {k: at.query_params[k] for k in at.query_params}
    assert params == {"r": "7d", "s": ["Nile Gazette", "Gulf Wire"], "b": "day", "n": "1", "q": "cairo OR القاهرة"}
    articles = metric(at, "Articles")

    # A colleague opens the link: the same view, the same numbers.
    again = app(params=params)
    assert again.selectbox(key="f_preset").value == "7d"
    assert again.multiselect(key="f_sources").value == ["Nile Gazette", "Gulf Wire"]
    assert again.segmented_control(key="f_bucket").value == "day"
    assert again.toggle(key="f_share").value is True
    assert again.text_input(key="f_query").value == "cairo OR القاهرة"
    assert metric(again, "Articles") == articles


def test_a_link_with_unknown_values_still_opens(app: App) -> None:
    at = app(params={"s": ["No Such Outlet", "Thames Post"], "b": "fortnight", "r": "yesterday"})
    assert not at.exception and shown_errors(at) == []
    assert at.multiselect(key="f_sources").value == ["Thames Post"]
    assert metric(at, "Articles") == str(items_within(30, {"thames"}))


def test_a_bad_query_shows_the_parser_message_and_keeps_the_last_valid_one(app: App, seeded: Path) -> None:
    at = app()
    at.text_input(key="f_query").input("ceasefire OR truce").run()
    valid = metric(at, "Articles")
    assert valid != "25"
    at.text_input(key="f_query").input("ceasefire OR (truce").run()
    assert not at.exception
    messages = [e.value for e in at.sidebar.error]
    assert len(messages) == 1 and "ceasefire OR truce" in messages[0]
    assert "(" in messages[0] or "bracket" in messages[0].lower() or "parenthes" in messages[0].lower()
    assert metric(at, "Articles") == valid  # the page still shows the last valid query's numbers


def _first_bar(at: AppTest) -> dict[str, object]:
    """A point of the Overview's topic chart with articles behind it, as a click would report it."""
    spec = json.loads(at.get("plotly_chart")[0].proto.spec)
    for trace in spec["data"]:
        for x, y, custom in zip(trace["x"], trace["y"], trace["customdata"], strict=True):
            if y:
                return {"x": x, "y": y, "customdata": custom}
    raise AssertionError("no point with articles on the chart")


def test_a_drill_down_lists_exactly_the_articles_behind_a_point(app: App, seeded: Path) -> None:
    overview = app()
    point = _first_bar(overview)
    drill = drill_from_point(point, "week")
    assert drill is not None and drill.topic == point["customdata"][1]
    # What the chart's click callback leaves in session state; the entry point then switches page.
    overview.session_state[DRILL] = drill
    overview.session_state[GOTO_ARTICLES] = True
    at = overview.run()
    assert at.title[0].value == "Articles"
    start = max(drill.start, date.today() - timedelta(days=29))  # type: ignore[type-var]
    expected = sql(seeded, """SELECT a.title FROM articles a JOIN article_topics t ON t.article_id = a.id
                              WHERE t.topic = ? AND a.published_at >= ? AND a.published_at < ?""",
                   [drill.topic, start, drill.end])
    assert len(expected) == point["y"]
    titles = {m.value.strip("*") for m in at.markdown if m.value.startswith("**[")}
    assert {t.split("](")[0].lstrip("[") for t in titles} == {ui.md(t) for (t,) in expected}
    assert at.query_params["dt"] == drill.topic  # the drill-down is part of the link too


def test_a_drill_down_link_opens_on_articles(app: App, seeded: Path) -> None:
    today = date.today()
    at = app("articles", params={"ds": "Levant Monitor", "d0": (today - timedelta(days=7)).isoformat(),
                                 "d1": (today + timedelta(days=1)).isoformat()})
    cards = [m for m in at.markdown if m.value.startswith("**[")]
    assert len(cards) == sum(1 for key, ago, _, _ in ITEMS if key == "levant" and ago <= 7)
    at.button[0].click().run()  # "Show all articles for the sidebar filters"
    assert len([m for m in at.markdown if m.value.startswith("**[")]) == 25


def test_articles_are_plain_text_and_link_only_to_http(app: App) -> None:
    at = app("articles")
    for m in at.markdown:
        if m.value.startswith("**["):
            assert "](<http" in m.value  # every title links to its http(s) original
    assert not any("<script" in m.value.lower() for m in at.markdown)


def test_an_empty_database_shows_the_first_run_message(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "empty.duckdb"
    with writer(path) as con:
        publish_snapshot(con, path)
    monkeypatch.setenv("MARSAD_DB", str(path))
    at = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
    assert not at.exception
    assert at.title[0].value == "Welcome to Marsad"
    assert any("make demo" in m.value and "python -m ingest run" in m.value for m in at.markdown)


def test_a_missing_database_shows_the_first_run_message(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MARSAD_DB", str(tmp_path / "nothing-here.duckdb"))
    at = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
    assert not at.exception
    assert any("no database" in m.value.lower() for m in at.markdown)


def test_a_busy_database_is_explained_not_shown_as_a_traceback(seeded: Path, tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    busy = tmp_path / "busy.duckdb"
    snapshot_path(busy).write_bytes(snapshot_path(seeded).read_bytes())
    # Another process opens the copy read-write: DuckDB then refuses every other process.
    holder = subprocess.Popen([sys.executable, "-c", "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); "
                               "print('held', flush=True); time.sleep(60)", str(snapshot_path(busy))],
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        monkeypatch.setenv("MARSAD_DB", str(busy))
        monkeypatch.setattr(data, "READ_ATTEMPTS", 2)
        started = time.monotonic()
        at = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
        assert not at.exception
        assert any("busy" in w.value for w in at.warning)
        assert time.monotonic() - started < 10
    finally:
        holder.kill()
        holder.wait()


def test_drill_from_point_reads_what_the_charts_put_in_customdata() -> None:
    week = drill_from_point({"customdata": ["source", "Gulf Wire", "2025-03-03", "hover"]}, "week")
    assert week == Drill(source="Gulf Wire", start=date(2025, 3, 3), end=date(2025, 3, 10))
    assert drill_from_point({"customdata": ["country", "EG", "", "hover"]}, "month") == Drill(country="EG")
    assert drill_from_point({"x": 1, "y": 2}, "week") is None
    # A heat map's cell: its row, and its column (a value of another kind, or the bucket's dates).
    cell = drill_from_point({"customdata": ["topic", "gaza-mediation", "", "hover", "country", "QA"]}, "week")
    assert cell == Drill(topic="gaza-mediation", country="QA")
    assert drill_from_point({"customdata": ["source", "Gulf Wire", "2025-03-03", "hover", "", ""]}, "week") == week


def _cells(at: AppTest, chart_key: str) -> list[dict[str, object]]:
    """The clickable cells of a heat map, as a click would report each: its count and customdata."""
    chart = next(c for c in at.get("plotly_chart") if chart_key in c.proto.id)
    spec = json.loads(chart.proto.spec)
    grid = next(t for t in spec["data"] if t["type"] == "heatmap")
    points = next(t for t in spec["data"] if t["type"] == "scatter")
    xs, ys = grid["x"], grid["y"]
    return [{"customdata": c, "n": grid["z"][ys.index(y)][xs.index(x)]}
            for x, y, c in zip(points["x"], points["y"], points["customdata"], strict=True)]


def _drilled_titles(at: AppTest, drill: Drill) -> set[str]:
    at.session_state[DRILL] = drill  # what the chart's click callback leaves; the entry point switches page
    at.session_state[GOTO_ARTICLES] = True
    at.run()
    assert at.title[0].value == "Articles"
    return {m.value.split("](")[0].removeprefix("**[") for m in at.markdown if m.value.startswith("**[")}


def test_a_heat_map_cell_drills_down_to_exactly_its_articles(app: App, seeded: Path) -> None:
    start = date.today() - timedelta(days=29)
    # Countries: topic × mentioned country.
    at = app("countries")
    cells = _cells(at, "countries_matrix")
    assert all((c["n"] > 0) == bool(c["customdata"][0]) for c in cells)  # an empty cell drills nowhere
    assert any(drill_from_point(c, "week") is None for c in cells)
    cell = max(cells, key=lambda c: c["n"])
    drill = drill_from_point(cell, "week")
    assert drill is not None and drill.topic and drill.country
    expected = sql(seeded, """SELECT a.title FROM articles a JOIN article_topics t ON t.article_id = a.id
                              JOIN article_countries c ON c.article_id = a.id
                              WHERE t.topic = ? AND c.country = ? AND a.published_at >= ?""",
                   [drill.topic, drill.country, start])
    assert len(expected) == cell["n"] >= 2
    assert _drilled_titles(at, drill) == {ui.md(t) for (t,) in expected}
    # Sources: outlet × week.
    at = app("sources")
    cell = max(_cells(at, "sources_heatmap"), key=lambda c: c["n"])
    drill = drill_from_point(cell, "week")
    assert drill is not None and drill.source and drill.start and drill.end
    expected = sql(seeded, "SELECT title FROM articles WHERE source = ? AND published_at >= ? AND published_at < ?",
                   [drill.source, max(drill.start, start), drill.end])
    assert len(expected) == cell["n"] >= 1
    assert _drilled_titles(at, drill) == {ui.md(t) for (t,) in expected}


def test_a_custom_date_range_in_the_link_is_used(app: App) -> None:
    today = date.today()
    params = {"r": "custom", "from": (today - timedelta(days=5)).isoformat(), "to": today.isoformat()}
    at = app(params=params)
    assert at.date_input(key="f_dates").value == (today - timedelta(days=5), today)
    assert metric(at, "Articles") == str(items_within(6))
    assert {k: at.query_params[k] for k in ("r", "from", "to")} == params


def test_compare_explains_a_bad_ad_hoc_query_and_draws_the_good_ones(app: App) -> None:
    at = app("compare")
    at.text_area(key="cmp_queries").input("Truce talk = truce OR ceasefire\nlavrov AND (").run()
    assert not at.exception
    assert [e.value for e in at.error] and "Line 2" in at.error[0].value
    spec = json.loads(at.get("plotly_chart")[0].proto.spec)
    assert "Truce talk" in [t["name"] for t in spec["data"]]
    at.toggle(key="cmp_ma").set_value(True).run()
    assert not at.exception and [e.value for e in at.error] == [at.error[0].value]  # still only line 2
    daily = json.loads(at.get("plotly_chart")[0].proto.spec)["data"][0]["x"]
    assert len(daily) == 30  # one point per day of the 30-day range


def test_compare_keeps_its_settings_across_a_visit_to_another_page(app: App) -> None:
    at = app("compare")
    topics = at.multiselect(key="cmp_topics").value
    assert len(topics) >= 2
    at.multiselect(key="cmp_topics").set_value(topics[:1])
    at.text_area(key="cmp_queries").input("Truce talk = truce OR ceasefire")
    at.toggle(key="cmp_ma").set_value(True).run()
    at.switch_page("app_pages/overview.py").run()
    assert not at.exception and at.title[0].value.lower().startswith("overview")
    at.switch_page("app_pages/compare.py").run()
    assert not at.exception
    assert at.multiselect(key="cmp_topics").value == topics[:1]
    assert at.text_area(key="cmp_queries").value == "Truce talk = truce OR ceasefire"
    assert at.toggle(key="cmp_ma").value is True
    names = [t["name"] for t in json.loads(at.get("plotly_chart")[0].proto.spec)["data"]]
    assert "Truce talk" in names and len(names) == 2


def test_python_m_dashboard_hands_report_to_the_report_command() -> None:
    done = subprocess.run([sys.executable, "-m", "dashboard", "report", "--help"], capture_output=True, text=True,
                          timeout=60, cwd=Path(APP).parent.parent)
    assert done.returncode == 0, done.stderr
    assert "week" in done.stdout.lower()


@pytest.mark.parametrize(
    ("text", "forbidden"),
    [
        ("[click me](javascript:alert(1))", "](javascript"),
        ("**bold** _it_ `code` # heading", "**bold**"),
        ("<script>alert(1)</script>", "<script>"),
        ("$x^2$ :red[alarm] :smile:", ":red["),
        ("line one\n# two\n- three", "\n"),
    ],
    ids=["link", "emphasis", "html", "directives", "newlines"],
)
def test_feed_text_is_escaped_before_it_reaches_markdown(text: str, forbidden: str) -> None:
    escaped = ui.md(text)
    assert forbidden not in escaped
    # Escaping only adds backslashes: the reader still sees every character of the headline.
    assert escaped.replace("\\", "") == " ".join(text.replace("\\", "").split())


@pytest.mark.parametrize(
    ("url", "safe"),
    [("https://news.example/a?b=1", True), ("http://x.example/", True), ("javascript:alert(1)", False),
     ("data:text/html;base64,PHNjcmlwdD4=", False), ("/relative/path", False), ("https:///nohost", False),
     ("ftp://files.example/x", False), (None, False)],
)
def test_only_absolute_http_links_are_kept(url: str | None, safe: bool) -> None:
    assert (ui.safe_url(url) is not None) is safe
    link = ui.md_link("Title", url)
    assert link.startswith("[Title](<http") is safe


def test_a_link_cannot_be_broken_out_of() -> None:
    link = ui.md_link("t", "https://x.example/a b>c)d")
    assert link == "[t](<https://x.example/a%20b%3Ec)d>)"


@pytest.mark.parametrize(
    ("title", "language", "rtl"),
    [("غزة: الوسطاء يستأنفون", "ar", True), ("Gaza talks", "en", False), ("«غزة» talks", None, True),
     ("2025: عام", None, True), ("BBC: غزة", None, False)],
)
def test_right_to_left_is_decided_by_language_then_first_letter(title: str, language: str | None, rtl: bool) -> None:
    assert ui.is_rtl(title, language) is rtl


def test_new_data_shows_on_the_next_run_without_clearing_the_cache(seeded: Path, tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch,
                                                                   feed_server: FeedServer) -> None:
    from datetime import UTC, datetime
    from email.utils import format_datetime

    from ingest.fetch import FetchOptions
    from ingest.models import FeedConfig
    from ingest.pipeline import run_once
    from tests.httpserver import Response

    db = tmp_path / "marsad.duckdb"
    db.write_bytes(seeded.read_bytes())
    snapshot_path(db).write_bytes(snapshot_path(seeded).read_bytes())
    monkeypatch.setenv("MARSAD_DB", str(db))
    at = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
    assert metric(at, "Articles") == "25"

    now = format_datetime(datetime.now(UTC))
    items = "".join(f"<item><title>Fresh story {i}</title><link>https://fresh.example/{i}</link>"
                    f"<pubDate>{now}</pubDate><description>New.</description></item>" for i in range(2))
    body = f'<?xml version="1.0"?><rss version="2.0"><channel><title>Fresh</title>{items}</channel></rss>'
    url = feed_server.add("/fresh.xml", Response(200, body.encode(), {"Content-Type": "application/rss+xml"}))
    run_once(db, [FeedConfig(url, "Fresh Times", "GB", "en")], options=FetchOptions(allow_private_hosts=True))

    assert metric(at.run(), "Articles") == "27"  # the same session, the cache untouched: the version moved
