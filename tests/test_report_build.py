"""Weekly report numbers: exact counts over a small database built by the real ingest pipeline.

The week is 2025-W14 (Monday 31 March – Sunday 6 April 2025). Fixture feeds are served on loopback
and ingested with run_once: once on Wednesday 2 April (a broken feed fails that day) and once after
the week. Topics and the country gazetteer are small fixed ones, so the numbers do not move when the
shipped topics.toml is tuned.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from email.utils import format_datetime
from pathlib import Path
from xml.sax.saxutils import escape

import pytest

from dashboard.report import build_report
from dashboard.report.build import choose_topics
from dashboard.report.model import Report, ReportWeek
from dashboard.report.stories import group_stories, spike_days
from ingest.countries import CountryMatcher, GazetteerEntry
from ingest.errors import ConfigError
from ingest.fetch import FetchOptions
from ingest.models import FeedConfig
from ingest.pipeline import run_once
from ingest.store import reader
from ingest.store.reads import Filter, count_by_bucket, mentioned_countries, source_countries, top_sources
from ingest.topics import Topic, parse_topics
from tests.httpserver import FeedServer, Response

WEEK = ReportWeek(2025, 14)
OPTS = FetchOptions(allow_private_hosts=True, total_timeout_s=2.0, connect_timeout_s=1.0)
INJECTION = '=HYPERLINK("http://evil.example/x","Gaza truce talks")'
# Markup is stripped at ingest (ingest.clean); these characters survive it and must be escaped.
SPECIAL_TITLE = 'Gaza truce talks: 5 < 7 & "quoted" > \'single\''

TOPICS: tuple[Topic, ...] = parse_topics({"topic": [
    {"id": "gaza-talks", "label": "Gaza talks", "label_ar": "مفاوضات غزة", "color": "#117733",
     "query": "(gaza OR غزة) AND (talks OR truce OR مفاوضات OR هدنة)"},
    {"id": "oil-prices", "label": "Oil prices", "label_ar": "أسعار النفط", "color": "#0072B2",
     "query": "oil AND (price* OR prices)"},
    {"id": "sudan-war", "label": "Sudan war", "label_ar": "الحرب في السودان", "color": "#882255",
     "query": "sudan AND war"},
]})

GAZETTEER = [GazetteerEntry(term, (code,), "name", lang) for term, code, lang in (
    ("Gaza", "PS", "en"), ("غزة", "PS", "ar"), ("Cairo", "EG", "en"), ("القاهرة", "EG", "ar"),
    ("Qatar", "QA", "en"), ("Doha", "QA", "en"), ("قطر", "QA", "ar"), ("Israel", "IL", "en"))]


@dataclass(frozen=True)
class Outlet:
    key: str
    source: str
    country: str
    language: str


NILE = Outlet("nile", "Nile Gazette", "EG", "ar")
GULF = Outlet("gulf", "Gulf Wire", "QA", "en")
THAMES = Outlet("thames", "Thames Post", "GB", "en")
CEDAR = Outlet("cedar", "Cedar Daily", "LB", "ar")
BROKEN = Outlet("broken", "Broken Daily", "LB", "ar")


def at(month: int, day: int, hour: int = 10, minute: int = 0) -> datetime:
    return datetime(2025, month, day, hour, minute, tzinfo=UTC)


# (outlet, published, title). Summaries repeat the title: the topic queries read title and summary.
ITEMS: tuple[tuple[Outlet, datetime, str], ...] = (
    # Baseline for the spike rule: one Gaza article every fourth day from 4 to 28 March.
    *((GULF, at(3, d), f"Gaza truce talks, day {d} of March") for d in (4, 8, 12, 16, 20, 24, 28)),
    # The previous week (24–30 March): 24 and 28 above, plus one late on Sunday 30 March UTC, which is
    # already Monday 31 March in Cairo (UTC+2).
    (THAMES, at(3, 30, 23, 0), "Gaza truce talks set to resume on Monday"),
    (THAMES, at(3, 26), "Oil prices fall as demand weakens"),
    # This week. Monday: the same wire story from two outlets (one story, "+ 1 other outlet").
    (GULF, at(3, 31, 9), "Gaza truce talks resume in Cairo"),
    (THAMES, at(3, 31, 11), "Gaza truce talks resume in Cairo"),
    # Tuesday: one Arabic story, the second copy with a diacritic and ه for ة (same normalised title).
    (NILE, at(4, 1, 8), "الوسطاء يستأنفون مفاوضات الهدنة في غزة"),
    (CEDAR, at(4, 1, 9), "الوسطاءُ يستأنفون مفاوضات الهدنه في غزة"),
    (GULF, at(4, 2), "Oil prices rise on supply worries"),
    (NILE, at(4, 2, 11), "ارتفاع أسعار القطن في البورصة"),
    # Thursday: six articles, a spike (baseline mean 0.29/day, sd 0.45; at least 5 needed).
    (GULF, at(4, 3, 7), "Gaza truce talks: mediators in Doha present a new plan"),
    (THAMES, at(4, 3, 8), "Gaza truce talks: mediators in Doha present a new plan"),
    (NILE, at(4, 3, 9), "مفاوضات غزة: خطة جديدة للوسطاء في الدوحة"),
    (CEDAR, at(4, 3, 10), "مفاوضات غزة تدخل مرحلة حاسمة في القاهرة"),
    (GULF, at(4, 3, 12), "Hamas studies Gaza truce proposal"),
    (THAMES, at(4, 3, 15), "Israel responds to Gaza truce talks plan"),
    (GULF, at(4, 4), INJECTION),
    (THAMES, at(4, 4, 12), SPECIAL_TITLE),
    (THAMES, at(4, 5), "Premier League: late goal lifts Arsenal"),
    # Sunday 6 April 23:30 UTC: this week in UTC, next week (Monday 01:30) in Cairo.
    (GULF, at(4, 6, 23, 30), "Gaza talks end without truce deal"),
)


def _rss(outlet: Outlet, items: list[tuple[int, datetime, str]]) -> bytes:
    parts = ['<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>',
             f"<title>{escape(outlet.source)}</title><link>https://{outlet.key}.example/</link>",
             f"<language>{outlet.language}</language>"]
    for index, when, title in items:
        parts.append(f"<item><title>{escape(title)}</title><link>https://{outlet.key}.example/n/{index}</link>"
                     f"<guid>{outlet.key}-{index}</guid><pubDate>{format_datetime(when)}</pubDate>"
                     f"<description>{escape(title)}</description></item>")
    parts.append("</channel></rss>")
    return "".join(parts).encode("utf-8")


def build_week_db(db: Path, server: FeedServer) -> None:
    """Two ingest runs through the real pipeline: Wednesday 2 April (feeds empty, the broken one fails)
    and Tuesday 8 April (every item). Items are only served after the week so none is dated in the future."""
    outlets = (NILE, GULF, THAMES, CEDAR)
    feeds = [FeedConfig(server.url(f"/{o.key}.xml"), o.source, o.country, o.language) for o in (*outlets, BROKEN)]
    server.add("/broken.xml", Response(500, b"oops"))
    for o in outlets:
        server.add(f"/{o.key}.xml", Response(200, _rss(o, []), {"Content-Type": "application/rss+xml"}))
    matcher = CountryMatcher(GAZETTEER)
    run_once(db, feeds, options=OPTS, topics=TOPICS, matcher=matcher, now=at(4, 2, 12))
    for o in outlets:
        mine = [(i, when, title) for i, (out, when, title) in enumerate(ITEMS) if out == o]
        server.add(f"/{o.key}.xml", Response(200, _rss(o, mine), {"Content-Type": "application/rss+xml"}))
    run_once(db, feeds, options=OPTS, topics=TOPICS, matcher=matcher, now=at(4, 8, 12))


@pytest.fixture(scope="module")
def report(week_db: Path) -> Report:
    return build_report(week_db, WEEK, topics=TOPICS, now=at(4, 8, 12))


def section(r: Report, topic: str):  # noqa: ANN201
    return next(s for s in r.sections if s.topic.id == topic)


def test_build_report_counts_each_topic_this_week_and_the_week_before(report: Report) -> None:
    counts = {c.topic.id: (c.articles, c.previous) for c in report.summary.topics}
    # Gaza: 2 Mon + 2 Tue + 6 Thu + injection + script (Fri) + Sun night = 13; before: 24, 28, 30 March.
    assert counts == {"gaza-talks": (13, 3), "oil-prices": (1, 1), "sudan-war": (0, 0)}
    assert (report.summary.articles, report.summary.previous) == (14, 4)
    assert report.summary.all_articles == 16  # plus cotton and football, untagged
    assert section(report, "gaza-talks").daily == (2, 2, 0, 6, 2, 0, 1)
    assert section(report, "gaza-talks").daily_previous == (1, 0, 0, 0, 1, 0, 1)


def test_build_report_numbers_equal_the_dashboard_read_layer_for_the_same_filter(week_db: Path, report: Report) -> None:
    flt = Filter(WEEK.start, WEEK.end, topics=("gaza-talks", "oil-prices", "sudan-war"), bucket="day")
    with reader(week_db) as con:
        daily = count_by_bucket(con, flt, by="topic")
        sources = top_sources(con, flt, 10)
        src_countries = source_countries(con, flt)
        mentioned = mentioned_countries(con, flt, 10)
    gaza = daily[daily["series"] == "gaza-talks"]["matching"].tolist()
    assert tuple(gaza) == section(report, "gaza-talks").daily
    assert [(s.source, s.articles) for s in report.summary.sources] == list(zip(sources["source"], sources["matching"],
                                                                                strict=True))
    assert [(c.code, c.articles) for c in report.summary.source_countries] == list(
        zip(src_countries["country"], src_countries["matching"], strict=True))
    assert [(c.code, c.articles) for c in report.summary.countries] == list(
        zip(mentioned["country"], mentioned["articles"], strict=True))


def test_build_report_counts_local_days_in_the_chosen_time_zone(week_db: Path) -> None:
    cairo = build_report(week_db, ReportWeek(2025, 14, "Africa/Cairo"), ["gaza-talks"], topics=TOPICS)
    gaza = section(cairo, "gaza-talks")
    # Sunday 30 March 23:00 UTC moves into Monday; Sunday 6 April 23:30 UTC moves out of the week.
    assert gaza.daily == (3, 2, 0, 6, 2, 0, 0)
    assert gaza.count.articles == 13
    assert gaza.daily_previous == (1, 0, 0, 0, 1, 0, 0)
    assert cairo.fingerprint.digest != build_report(week_db, WEEK, ["gaza-talks"], topics=TOPICS).fingerprint.digest


def test_build_report_groups_syndicated_copies_into_one_story(report: Report) -> None:
    stories = {s.title: s for s in section(report, "gaza-talks").stories}
    monday = stories["Gaza truce talks resume in Cairo"]
    assert (monday.source, monday.other_sources) == ("Gulf Wire", ("Thames Post",))
    arabic = stories["الوسطاء يستأنفون مفاوضات الهدنة في غزة"]
    assert (arabic.source, arabic.other_sources) == ("Nile Gazette", ("Cedar Daily",))
    assert "الوسطاءُ يستأنفون مفاوضات الهدنه في غزة" not in stories
    # 13 articles, three pairs of copies: 10 stories; the most syndicated come first.
    assert section(report, "gaza-talks").story_count == 10
    assert all(s.outlets == 2 for s in section(report, "gaza-talks").stories[:3])


def test_build_report_finds_the_spike_day_and_its_stories(report: Report) -> None:
    gaza = section(report, "gaza-talks")
    assert [(s.day, s.articles) for s in gaza.spikes] == [(date(2025, 4, 3), 6)]
    spike = gaza.spikes[0]
    assert spike.baseline_mean == pytest.approx(8 / 28)  # 7 in March plus late Sunday 30 March
    assert spike.stories[0].title == "Gaza truce talks: mediators in Doha present a new plan"
    assert spike.stories[0].other_sources == ("Thames Post",)
    # Monday's 2 articles are far above the baseline too, but below the 5-article floor.
    assert section(report, "oil-prices").spikes == ()


def test_build_report_lists_feeds_monitored_and_the_failing_one(report: Report) -> None:
    assert report.feeds_monitored == 5
    failing = report.feeds_failing
    assert [f.source for f in failing] == ["Broken Daily"]
    assert failing[0].first_failure == at(4, 2, 12)
    assert failing[0].failures == 1 and "500" in (failing[0].last_error or "")
    assert {f.source: f.articles for f in report.feeds}["Gulf Wire"] == 6


def test_build_report_fingerprint_is_stable_and_changes_with_the_inputs(week_db: Path, report: Report) -> None:
    again = build_report(week_db, WEEK, topics=TOPICS, now=datetime.now(UTC))
    assert again.fingerprint == report.fingerprint
    assert again.summary == report.summary and again.sections == report.sections
    assert report.fingerprint.articles == 14 and report.fingerprint.tags == 14
    only_gaza = build_report(week_db, WEEK, ["gaza-talks"], topics=TOPICS)
    assert only_gaza.fingerprint.digest != report.fingerprint.digest
    relabelled = tuple(t if t.id != "oil-prices" else Topic(t.id, "Crude", t.label_ar, t.query_text, t.color, t.query,
                                                           t.hash) for t in TOPICS)
    assert build_report(week_db, WEEK, topics=relabelled).fingerprint.digest != report.fingerprint.digest


def test_build_report_for_a_week_without_articles_is_empty_but_complete(week_db: Path) -> None:
    r = build_report(week_db, ReportWeek(2024, 30), topics=TOPICS)
    assert r.empty and r.articles == () and r.summary.articles == 0
    assert len(r.sections) == 3 and all(s.daily == (0,) * 7 for s in r.sections)


def test_build_report_rejects_unknown_topics_weeks_and_zones() -> None:
    with pytest.raises(ConfigError, match="unknown topic 'nope'"):
        choose_topics(TOPICS, ["gaza-talks", "nope"])
    with pytest.raises(ConfigError, match="not an ISO week"):
        ReportWeek.parse("2025-W53")
    with pytest.raises(ConfigError, match="not a week"):
        ReportWeek.parse("14/2025")
    with pytest.raises(ConfigError, match="unknown time zone"):
        ReportWeek(2025, 14, "Mars/Olympus")


def test_report_week_boundaries_are_local_midnights() -> None:
    w = ReportWeek.parse("2025-W14", "Asia/Riyadh")
    assert (w.start, w.end) == (date(2025, 3, 31), date(2025, 4, 7))
    assert w.start_utc == datetime(2025, 3, 30, 21, tzinfo=UTC)
    assert w.previous().label == "2025-W13" and ReportWeek.parse("2026-W01").previous().label == "2025-W52"
    assert w.span() == "31 Mar – 6 Apr 2025"


def test_spike_days_needs_a_baseline_and_the_floor() -> None:
    days = [date(2025, 4, d) for d in range(1, 8)]
    assert spike_days(days, [9, 0, 0, 0, 0, 0, 0], []) == []
    assert [d for d, *_ in spike_days(days, [5, 4, 0, 0, 0, 0, 30], [1] * 28)] == [days[0], days[6]]
    assert spike_days(days, [5] * 7, [5] * 28) == []


def test_group_stories_joins_copies_by_link_and_ignores_short_titles() -> None:
    from dashboard.report.model import ArticleRow

    def row(i: str, source: str, title: str, url: str | None) -> ArticleRow:
        return ArticleRow(i, at(4, 1, int(i)), at(4, 1, int(i)).replace(tzinfo=None), source, "EG", "en", title, url,
                          (), ())

    rows = [row("1", "A", "Breaking", "https://a/1"), row("2", "B", "Breaking", "https://b/2"),
            row("3", "C", "Same story long title", "https://a/1"), row("4", "D", "other words here", None)]
    keys = ["breaking", "breaking", "same story long title", "other words here"]
    stories = group_stories(rows, keys)
    assert [(s.source, s.other_sources) for s in stories] == [("A", ("C",)), ("B", ()), ("D", ())]


def test_local_time_restricts_tags_and_mentions_to_the_span_and_restores_them(week_db: Path) -> None:
    from ingest.store.reads_report import local_time

    sql = ("SELECT (SELECT count(*) FROM articles), (SELECT count(*) FROM article_topics), "
           "(SELECT count(*) FROM article_countries)")
    in_span = " WHERE article_id IN (SELECT id FROM articles WHERE published_at >= ? AND published_at < ?)"
    with reader(week_db) as con:
        stored = con.execute(sql).fetchall()[0]
        span = [WEEK.start_utc, WEEK.end_utc]
        expected = (
            con.execute("SELECT count(*) FROM articles WHERE published_at >= ? AND published_at < ?", span).fetchall()[0][0],
            con.execute("SELECT count(*) FROM article_topics" + in_span, span).fetchall()[0][0],  # noqa: S608
            con.execute("SELECT count(*) FROM article_countries" + in_span, span).fetchall()[0][0],  # noqa: S608
        )
        with local_time(con, "UTC", WEEK.start_utc, WEEK.end_utc):
            inside = con.execute(sql).fetchall()[0]
        after = con.execute(sql).fetchall()[0]
    # Inside: the week's articles with all their tags and mentions, and nothing else.
    assert inside == expected and all(0 < n for n in expected)
    assert all(e < s for e, s in zip(expected, stored, strict=True))
    assert after == stored  # the stored tables are visible again


def test_a_report_from_a_copy_published_before_schema_3_has_the_same_numbers(week_db: Path, report: Report,
                                                                           tmp_path: Path) -> None:
    """Between an upgrade and the ingest job's next run the readers' copy still has undated tag tables."""
    import shutil

    import duckdb

    old = tmp_path / "marsad.duckdb"
    shutil.copyfile(week_db.with_name("marsad.read.duckdb"), old.with_name("marsad.read.duckdb"))
    raw = duckdb.connect(str(old.with_name("marsad.read.duckdb")))
    for table in ("article_topics", "article_countries"):
        raw.execute(f"ALTER TABLE {table} DROP COLUMN published_at")
    raw.execute("DELETE FROM schema_version WHERE version >= 3")
    raw.close()
    again = build_report(old, WEEK, topics=TOPICS, now=at(4, 8, 12))
    assert again.summary == report.summary
    assert [s.daily for s in again.sections] == [s.daily for s in report.sections]


def test_a_week_whose_fetch_history_was_pruned_says_failures_are_not_known(week_db: Path, report: Report,
                                                                         tmp_path: Path) -> None:
    """MARSAD_FETCH_LOG_DAYS prunes old attempts; a report for such a week must not claim "no failures"."""
    import shutil

    import duckdb

    from dashboard.report.html import render_html

    assert report.failures_known and report.feeds_failing
    pruned = tmp_path / "marsad.duckdb"
    shutil.copyfile(week_db.with_name("marsad.read.duckdb"), pruned.with_name("marsad.read.duckdb"))
    raw = duckdb.connect(str(pruned.with_name("marsad.read.duckdb")))
    raw.execute("DELETE FROM fetch_log WHERE started_at < ?", [at(4, 5)])  # the week's first run is gone
    raw.close()
    again = build_report(pruned, WEEK, topics=TOPICS, now=at(4, 8, 12))
    assert not again.failures_known
    html = render_html(again)
    assert "not known: fetch attempts this old are no longer kept" in html
    assert "Broken Daily" not in html.split("Feeds failing this week")[1].split("Sources monitored")[0]
    assert again.summary == report.summary  # articles and tags are untouched by the pruning
