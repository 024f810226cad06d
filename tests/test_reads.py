"""The read layer: every chart's question answered with exact numbers over a small hand-built database.

The database is written through the real store (sync_feeds + record_attempt) and read back through
the readers' copy, as the dashboard does. Dates are fixed: March 2025, whose 3rd is a Monday.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pandas as pd
import pytest

from ingest.config import read_opml, write_opml
from ingest.errors import QueryError
from ingest.models import FeedConfig
from ingest.store import publish_snapshot, reader, writer
from ingest.store.filter import where_clause
from ingest.store.reads import (
    Filter,
    Series,
    bucket_starts,
    compare_series,
    count_articles,
    count_by_bucket,
    feed_health,
    feeds_for_opml,
    filter_options,
    freshness,
    kpis,
    list_articles,
    mentioned_countries,
    source_countries,
    source_table,
    source_week_heatmap,
    top_sources,
    topic_country_matrix,
    totals_by_bucket,
)
from ingest.store.writes import ARTICLE_COLUMNS, FeedUpdate, FetchLogRow, record_attempt, sync_feeds
from ingest.tagging import searchable_text
from ingest.text import normalize

NOW = datetime(2025, 3, 31, 12, 0, tzinfo=UTC)
NILE = FeedConfig("https://nile.example/rss", "Nile Gazette", "EG", "ar", ("wire",))
GULF = FeedConfig("https://gulf.example/atom", "Gulf Wire", "QA", "en")
THAMES = FeedConfig("https://thames.example/rss", "Thames Post", "GB", "en")
BROKEN = FeedConfig("https://broken.example/rss", "Broken Daily", "LB", "ar")

# (id, feed, day of March 2025, hour, language, title, summary, topics, mentioned countries)
ARTICLES = [
    ("n1", NILE, 3, 9, "ar", "الوسطاء يستأنفون مفاوضات الهدنة في القاهرة",
     "يستأنف الوسطاء المصريون والقطريون مفاوضات وقف إطلاق النار في غزة بالقاهرة اليوم", ["gaza"], ["EG", "QA", "PS"]),
    ("n2", NILE, 4, 9, "ar", "ارتفاع أسعار القطن", "سجلت أسعار القطن ارتفاعا", [], ["EG"]),
    ("n3", NILE, 11, 9, "ar", "لافروف: موسكو وواشنطن تستعدان لاجتماع", "أعلن لافروف أن موسكو وواشنطن تستعدان",
     ["usru"], ["RU", "US"]),
    ("n4", NILE, 12, 9, "ar", "وفد حماس يصل القاهرة", "وصل وفد إلى القاهرة لبحث الهدنة في غزة", ["gaza"], ["EG", "PS"]),
    ("g1", GULF, 3, 10, "en", "Gaza ceasefire talks resume in Doha",
     "Mediators from Qatar and Egypt met to discuss a truce in Gaza.", ["gaza"], ["PS", "QA", "EG"]),
    ("g2", GULF, 5, 10, "en", "Oil prices edge higher", "Brent crude rose 1% on Tuesday.", [], []),
    ("g3", GULF, 12, 10, "en", "Putin and Trump could meet", "Russia and the United States are preparing a summit.",
     ["usru"], ["RU", "US"]),
    ("g4", GULF, 13, 10, "en", "Gaza truce talks stall", "Negotiations on a Gaza ceasefire stalled in Cairo.",
     ["gaza"], ["PS", "EG"]),
    ("g5", GULF, 19, 10, "en", "Heatwave expected", "Temperatures will reach 47C.", [], []),
    ("t1", THAMES, 10, 8, "en", "Bank of England holds rates", "The central bank kept its main rate.", [], ["GB"]),
    ("t2", THAMES, 20, 8, "en", "Hostage deal within reach in Gaza", "Egypt and Qatar mediate a Gaza ceasefire.",
     ["gaza"], ["PS", "EG", "QA"]),
    # February: the previous period of a March filter.
    ("p1", GULF, 20, 10, "en", "Gaza talks planned", "Mediators plan Gaza talks.", ["gaza"], ["PS"]),
]
PREVIOUS_PERIOD_IDS = {"p1"}


def _published(item: tuple) -> datetime:  # type: ignore[type-arg]
    day, hour = item[2], item[3]
    month = 2 if item[0] in PREVIOUS_PERIOD_IDS else 3
    return datetime(2025, month, day, hour, tzinfo=UTC)


def _store(con, feed: FeedConfig, items: list[tuple], *, fail: bool = False) -> None:  # type: ignore[no-untyped-def,type-arg]
    rows, topics, countries = [], [], []
    for item in items:
        aid, _, _, _, lang, title, summary, tps, ctys = item
        text_norm, title_norm = searchable_text(title, summary)
        rows.append((aid, feed.url, feed.source, normalize(feed.source), feed.country, aid, f"https://x.example/{aid}",
                     title, summary, _published(item), False, None, NOW, lang, text_norm, title_norm))
        topics += [(aid, t) for t in tps]
        countries += [(aid, c, 1) for c in ctys]
    df = pd.DataFrame(rows, columns=ARTICLE_COLUMNS)
    for col in ("published_at", "fetched_at"):
        df[col] = pd.to_datetime(df[col], utc=True)
    df["date_note"] = df["date_note"].astype("object")
    update = FeedUpdate(url=feed.url, fetched_at=NOW, success=not fail, status="500" if fail else "200",
                        error="HTTP 500" if fail else None, consecutive_failures=3 if fail else 0, next_fetch_at=None,
                        enabled=True, disabled_reason=None)
    log = FetchLogRow(1, feed.url, NOW, 10, "http_error" if fail else "ok", 500 if fail else 200, None, 100,
                      len(rows), None)
    record_attempt(con, update, log, df if rows else None, pd.DataFrame(topics, columns=["article_id", "topic"]),
                   pd.DataFrame(countries, columns=["article_id", "country", "mentions"]))


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("reads") / "marsad.duckdb"
    with writer(path) as con:
        sync_feeds(con, [NILE, GULF, THAMES, BROKEN], NOW - timedelta(days=60))
        for feed in (NILE, GULF, THAMES):
            _store(con, feed, [a for a in ARTICLES if a[1] is feed])
        _store(con, BROKEN, [], fail=True)
        con.execute("INSERT INTO ingest_runs VALUES (1, ?, ?, 3, 0, 1, 12, 'finished')", [NOW, NOW])
        con.execute("CHECKPOINT")
        publish_snapshot(con, path)
    return path


@pytest.fixture
def con(db: Path):  # type: ignore[no-untyped-def]
    with reader(db) as c:
        yield c


MARCH = Filter(date(2025, 3, 1), date(2025, 4, 1), bucket="week")


def _grid(df: pd.DataFrame, value: str = "matching") -> dict[tuple[str, str], int]:
    return {(str(b), s): int(v) for b, s, v in zip(df["bucket"], df["series"], df[value], strict=True) if v}


def test_count_by_bucket_counts_each_topic_per_iso_week(con) -> None:  # type: ignore[no-untyped-def]
    df = count_by_bucket(con, MARCH, by="topic")
    assert _grid(df) == {
        ("2025-03-03", "gaza"): 2, ("2025-03-10", "gaza"): 2, ("2025-03-17", "gaza"): 1,
        ("2025-03-10", "usru"): 2,
    }
    # Weeks without a story are zeros, not gaps: Feb 24 (overlaps 1 March) … Mar 31.
    assert sorted({str(b) for b in df["bucket"]}) == ["2025-02-24", "2025-03-03", "2025-03-10", "2025-03-17",
                                                      "2025-03-24", "2025-03-31"]
    assert len(df) == 12


def test_count_by_bucket_ratio_divides_by_every_article_of_the_same_outlets(con) -> None:  # type: ignore[no-untyped-def]
    df = count_by_bucket(con, MARCH, by="topic")
    row = df[(df["bucket"].astype(str) == "2025-03-10") & (df["series"] == "gaza")].iloc[0]
    # Week of 10 March: n3, n4, g3, g4, t1 were published; 2 are about gaza.
    assert (row["matching"], row["total"]) == (2, 5)
    assert row["ratio"] == pytest.approx(0.4)
    empty_week = df[df["bucket"].astype(str) == "2025-03-31"]
    assert empty_week["ratio"].isna().all()  # nothing published: no share, not 0 %


def test_totals_ignore_content_filters_but_keep_outlet_filters(con) -> None:  # type: ignore[no-untyped-def]
    narrowed = MARCH.replace(topics=("gaza",), countries=("QA",), query="ceasefire", languages=("en",))
    totals = dict(zip(totals_by_bucket(con, narrowed)["bucket"].astype(str),
                      totals_by_bucket(con, narrowed)["total"], strict=True))
    assert totals["2025-03-03"] == 2  # g1, g2 (the Arabic n1, n2 are outside languages=en)
    assert totals["2025-03-10"] == 3  # g3, g4, t1


def test_day_and_month_buckets(con) -> None:  # type: ignore[no-untyped-def]
    by_day = count_by_bucket(con, MARCH.replace(bucket="day"), by="all")
    assert len(by_day) == 31
    assert int(by_day[by_day["bucket"].astype(str) == "2025-03-12"]["matching"].iloc[0]) == 2
    by_month = count_by_bucket(con, Filter(date(2025, 2, 1), date(2025, 4, 1), bucket="month"), by="all")
    assert list(by_month["matching"]) == [1, 11]


def test_breakdown_by_source_and_language(con) -> None:  # type: ignore[no-untyped-def]
    by_source = count_by_bucket(con, MARCH.replace(bucket="month"), by="source")
    assert dict(zip(by_source["series"], by_source["matching"], strict=True)) == {
        "Gulf Wire": 5, "Nile Gazette": 4, "Thames Post": 2}
    by_lang = count_by_bucket(con, MARCH.replace(bucket="month"), by="language")
    assert dict(zip(by_lang["series"], by_lang["matching"], strict=True)) == {"ar": 4, "en": 7}


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({}, 11),
        ({"topics": ("gaza",)}, 5),
        ({"topics": ("gaza", "usru")}, 7),
        ({"sources": ("Nile Gazette",)}, 4),
        ({"source_countries": ("QA", "GB")}, 7),
        ({"countries": ("RU",)}, 2),
        ({"languages": ("ar",)}, 4),
        ({"query": "القاهرة"}, 2),  # n1 says بالقاهرة: the clitic form counts
        ({"query": "gaza AND NOT cairo"}, 2),  # g1, t2 (g4 mentions Cairo)
        ({"query": "country:QA"}, 3),
        ({"end": date(2025, 3, 12)}, 6),  # end is exclusive: 12 March (n4, g3) is out
    ],
    ids=["all", "topic", "two-topics", "source", "source-countries", "mentioned", "language", "arabic-clitic",
         "not", "query-field", "end-exclusive"],
)
def test_filter_fields_narrow_the_count(con, changes: dict, expected: int) -> None:  # type: ignore[no-untyped-def,type-arg]
    assert count_articles(con, MARCH.replace(**changes)) == expected


def test_user_text_is_bound_never_spliced_into_sql(con) -> None:  # type: ignore[no-untyped-def]
    hostile = "x'); DROP TABLE articles; --"
    assert count_articles(con, MARCH.replace(sources=(hostile,), topics=(hostile,), query='"' + hostile + '"')) == 0
    assert count_articles(con, MARCH) == 11


def test_a_malformed_query_raises_query_error(con) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(QueryError):
        count_articles(con, MARCH.replace(query="gaza AND ("))


def test_kpis_compare_with_the_previous_period(con) -> None:  # type: ignore[no-untyped-def]
    k = kpis(con, MARCH.replace(topics=("gaza",)))
    # March has 5 gaza articles; the 31 days before (29 Jan – 28 Feb) have 1.
    assert (k.articles, k.previous_articles, k.active_sources, k.top_topic, k.top_topic_articles) == (
        5, 1, 3, "gaza", 5)
    assert k.change == pytest.approx(4.0)
    nothing_before = kpis(con, MARCH.replace(topics=("usru",)))
    assert nothing_before.change is None


def test_kpis_with_a_keyword_count_each_period_apart(con) -> None:  # type: ignore[no-untyped-def]
    # Both periods are read in one pass: February's "Gaza talks planned" is the previous period's one
    # article and must not count as this period's article, source or topic.
    k = kpis(con, MARCH.replace(query="talks OR putin"))
    assert (k.articles, k.previous_articles, k.active_sources, k.top_topic, k.top_topic_articles) == (
        3, 1, 1, "gaza", 2)
    assert k.articles == count_articles(con, MARCH.replace(query="talks OR putin"))


def test_list_articles_newest_first_with_tags_and_a_snippet_around_the_hit(con) -> None:  # type: ignore[no-untyped-def]
    df = list_articles(con, MARCH.replace(query="القاهرة"))
    assert list(df["id"]) == ["n4", "n1"]
    n1 = df.iloc[1]
    assert n1["topics"] == ["gaza"] and sorted(n1["countries"]) == ["EG", "PS", "QA"]
    assert n1["snippet_hit"] == "بالقاهرة"
    assert n1["url"] == "https://x.example/n1"
    page2 = list_articles(con, MARCH, limit=4, offset=4)
    assert list(page2["id"]) == ["n4", "n3", "t1", "g2"]  # after t2, g5, g4, g3


def test_list_articles_without_query_shows_the_summary_opening(con) -> None:  # type: ignore[no-untyped-def]
    df = list_articles(con, MARCH.replace(sources=("Gulf Wire",)), limit=1)
    assert df.iloc[0]["snippet"] == "Temperatures will reach 47C."
    highlighted = list_articles(con, MARCH.replace(sources=("Gulf Wire",), topics=("gaza",)), limit=1,
                                highlight=["ceasefire"])
    assert highlighted.iloc[0]["snippet_hit"] == "ceasefire"


def test_top_sources_shares(con) -> None:  # type: ignore[no-untyped-def]
    df = top_sources(con, MARCH.replace(topics=("gaza",)))
    assert list(df["source"]) == ["Gulf Wire", "Nile Gazette", "Thames Post"]
    gulf = df.iloc[0]
    assert (gulf["matching"], gulf["total"]) == (2, 5)
    assert gulf["share_of_source"] == pytest.approx(0.4)
    assert gulf["share_of_coverage"] == pytest.approx(0.4)
    assert df["share_of_coverage"].sum() == pytest.approx(1.0)


def test_source_week_heatmap_is_a_dense_grid_of_the_top_sources(con) -> None:  # type: ignore[no-untyped-def]
    df = source_week_heatmap(con, MARCH, limit=2)
    assert list(dict.fromkeys(df["source"])) == ["Gulf Wire", "Nile Gazette"]
    assert len(df) == 2 * 6
    assert int(df["matching"].sum()) == 9


def test_country_questions(con) -> None:  # type: ignore[no-untyped-def]
    origin = source_countries(con, MARCH.replace(topics=("gaza",)))
    assert dict(zip(origin["country"], origin["matching"], strict=True)) == {"QA": 2, "EG": 2, "GB": 1}
    mentioned = mentioned_countries(con, MARCH.replace(topics=("gaza",)))
    assert dict(zip(mentioned["country"], mentioned["articles"], strict=True)) == {"EG": 5, "PS": 5, "QA": 3}
    matrix = topic_country_matrix(con, MARCH, limit_countries=2)
    assert {(t, c): n for t, c, n in matrix.itertuples(index=False)} == {("gaza", "EG"): 5, ("gaza", "PS"): 5}


def test_source_table(con) -> None:  # type: ignore[no-untyped-def]
    df = source_table(con, MARCH)
    nile = df[df["source"] == "Nile Gazette"].iloc[0]
    assert (nile["source_country"], nile["languages"], nile["articles"]) == ("EG", "ar", 4)


def test_compare_series_gives_matching_total_and_ratio_per_date(con) -> None:  # type: ignore[no-untyped-def]
    df = compare_series(con, MARCH, [Series("Gaza", topic="gaza"), Series("Putin", query="putin OR لافروف")])
    assert list(df.columns) == ["date", "series", "matching", "total", "ratio"]
    week = df[df["date"].astype(str) == "2025-03-10"].set_index("series")
    assert (week.loc["Gaza", "matching"], week.loc["Putin", "matching"], week.loc["Putin", "total"]) == (2, 2, 5)
    with_keyword = compare_series(con, MARCH.replace(query="cairo"), [Series("Gaza", topic="gaza")])
    assert int(with_keyword["matching"].sum()) == 1  # the sidebar's keyword narrows every series


def test_freshness_and_feed_health_tell_failing_feeds_apart(con) -> None:  # type: ignore[no-untyped-def]
    f = freshness(con)
    assert (f.articles, f.feeds, f.feeds_failing, f.last_run_status) == (12, 4, 1, "finished")
    assert f.latest_published_at == datetime(2025, 3, 20, 8, tzinfo=UTC)
    health = feed_health(con)
    assert health.iloc[0]["source"] == "Broken Daily" and health.iloc[0]["state"] == "failing"


def test_filter_options_offer_only_what_occurs(con) -> None:  # type: ignore[no-untyped-def]
    o = filter_options(con)
    assert o.sources == ("Gulf Wire", "Nile Gazette", "Thames Post")
    assert o.topics == ("gaza", "usru")
    assert o.countries[:2] in (("EG", "PS"), ("PS", "EG"))
    assert o.source_countries == ("EG", "GB", "QA")  # not LB: Broken Daily has never answered
    assert o.languages == ("ar", "en")


def test_filter_options_offer_a_feed_once_it_answered_and_keep_it_when_disabled(tmp_path: Path) -> None:
    # A feed just added (not polled yet) has no articles: offering it would show an empty page. A feed
    # removed from the list keeps its articles, so its outlet stays selectable.
    new = FeedConfig("https://new.example/rss", "Newcomer Times", "JO", "ar")
    path = tmp_path / "marsad.duckdb"
    with writer(path) as c:
        sync_feeds(c, [NILE, GULF, new], NOW - timedelta(days=60))
        _store(c, NILE, [a for a in ARTICLES if a[1] is NILE])
        _store(c, GULF, [a for a in ARTICLES if a[1] is GULF])
        sync_feeds(c, [NILE, new], NOW)  # Gulf Wire removed from the list: disabled, articles kept
        publish_snapshot(c, path)
    with reader(path) as c:
        o = filter_options(c)
        assert o.sources == ("Gulf Wire", "Nile Gazette")
        assert o.source_countries == ("EG", "QA")
        assert count_articles(c, MARCH.replace(sources=o.sources)) == 9
        assert freshness(c).feeds_disabled == 1


def test_freshness_reports_the_newest_article_even_when_nothing_is_recent(tmp_path: Path) -> None:
    # The newest article is looked for among recent rows first; a database whose articles are all
    # older than that window must still report its newest one, not "never".
    path = tmp_path / "marsad.duckdb"
    with writer(path) as c:
        sync_feeds(c, [GULF], NOW - timedelta(days=60))
        _store(c, GULF, [a for a in ARTICLES if a[1] is GULF])
        c.execute("UPDATE feeds SET last_success_at = ?", [NOW + timedelta(days=400)])
        publish_snapshot(c, path)
    with reader(path) as c:
        f = freshness(c)
    assert (f.articles, f.latest_published_at, f.latest_fetched_at) == (6, datetime(2025, 3, 19, 10, tzinfo=UTC), NOW)


def test_feeds_for_opml_round_trips_through_opml(con, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    feeds = feeds_for_opml(con)
    path = tmp_path / "feeds.opml"
    path.write_text(write_opml(feeds), encoding="utf-8")
    assert tuple(read_opml(path)) == feeds
    assert NILE in feeds


def test_filter_is_hashable_and_validated() -> None:
    f = Filter(date(2025, 3, 1), date(2025, 4, 1), topics=["gaza"])  # type: ignore[arg-type]
    assert hash(f) == hash(Filter(date(2025, 3, 1), date(2025, 4, 1), topics=("gaza",)))
    assert f.previous() == Filter(date(2025, 1, 29), date(2025, 3, 1), topics=("gaza",))
    with pytest.raises(ValueError):
        Filter(date(2025, 3, 1), date(2025, 3, 1))
    with pytest.raises(ValueError):
        Filter(date(2025, 3, 1), date(2025, 3, 2), bucket="year")


def test_month_buckets_cross_the_year() -> None:
    f = Filter(date(2024, 11, 15), date(2025, 2, 2), bucket="month")
    assert bucket_starts(f) == [date(2024, 11, 1), date(2024, 12, 1), date(2025, 1, 1), date(2025, 2, 1)]


@pytest.mark.parametrize("flt", [MARCH.replace(sources=("Nobody",)), Filter(date(2020, 1, 1), date(2020, 3, 1))],
                         ids=["no-such-source", "no-data-in-period"])
def test_every_read_answers_an_empty_selection_with_zeros_not_an_error(con, flt: Filter) -> None:  # type: ignore[no-untyped-def]
    for by in ("topic", "source", "all"):
        assert int(count_by_bucket(con, flt, by=by, topics=("gaza",))["matching"].sum()) == 0
    assert int(totals_by_bucket(con, flt)["total"].sum()) == 0
    assert int(compare_series(con, flt, [Series("Gaza", topic="gaza"), Series("q", query="cairo")])["matching"].sum()) == 0
    heat = source_week_heatmap(con, flt)
    assert heat.empty and list(heat.columns) == ["source", "bucket", "matching"]
    for read in (top_sources, source_table, source_countries, mentioned_countries, topic_country_matrix, list_articles):
        assert read(con, flt).empty
    assert kpis(con, flt).articles == 0 and kpis(con, flt).top_topic is None


def test_keyword_reads_give_the_numbers_of_the_inline_predicate(con) -> None:  # type: ignore[no-untyped-def]
    # Reads look a query's matches up once per query and dates (ingest.store.matches); the numbers
    # must be those of the query's own SQL, including for the previous period and a narrower range.
    # A country: atom reads only the range's mentions (a WITH of the table's name stands in for it).
    for flt in (MARCH.replace(query="gaza OR القاهرة"), MARCH.replace(query="talks", start=date(2025, 3, 10)),
                MARCH.replace(query="gaza").previous(), MARCH.replace(query="country:EG -country:QA"),
                MARCH.replace(query="gaza OR country:RU", start=date(2025, 3, 12), end=date(2025, 3, 13))):
        where, params = where_clause(flt)
        inline = con.execute(f"SELECT count(*) FROM articles a WHERE {where}", params).fetchall()[0][0]  # noqa: S608
        assert count_articles(con, flt) == inline
        assert len(list_articles(con, flt)) == inline
    assert kpis(con, MARCH.replace(query="gaza")).previous_articles == 1
    # March alone, after the two-period read has kept February and March together: g1, g4, t2.
    assert count_articles(con, MARCH.replace(query="gaza")) == 3


def test_keyword_matches_follow_a_new_published_copy(tmp_path: Path) -> None:
    path = tmp_path / "marsad.duckdb"
    later = ("g6", GULF, 21, 10, "en", "Second heatwave expected", "Another hot week.", [], [])
    with writer(path) as c:
        sync_feeds(c, [GULF], NOW - timedelta(days=60))
        _store(c, GULF, [a for a in ARTICLES if a[1] is GULF])
        publish_snapshot(c, path)
        with reader(path) as r:
            assert count_articles(r, MARCH.replace(query="heatwave")) == 1
        _store(c, GULF, [later])
        publish_snapshot(c, path)
    with reader(path) as r:
        assert count_articles(r, MARCH.replace(query="heatwave")) == 2


def test_keyword_reads_work_on_the_writers_file_before_any_copy(tmp_path: Path) -> None:
    # No published copy yet: the reader opens the file itself, read-only, with nowhere to keep matches.
    path = tmp_path / "marsad.duckdb"
    with writer(path) as c:
        sync_feeds(c, [GULF], NOW - timedelta(days=60))
        _store(c, GULF, [a for a in ARTICLES if a[1] is GULF])
    with reader(path) as r:
        assert count_articles(r, MARCH.replace(query="gaza")) == 2
        assert kpis(r, MARCH.replace(query="gaza")).previous_articles == 1


def test_keyword_reads_from_several_sessions_at_once_agree(db: Path) -> None:
    # Dashboard sessions run in threads sharing one DuckDB instance; the first of them to ask a
    # query keeps its matches, the others must get the same numbers whether or not they find them.
    def count(_: int) -> int:
        with reader(db) as c:
            return count_articles(c, MARCH.replace(query="truce OR ceasefire OR هدنة"))

    with ThreadPoolExecutor(4) as pool:
        counts = list(pool.map(count, range(8)))
    with reader(db) as c:
        where, params = where_clause(MARCH.replace(query="truce OR ceasefire OR هدنة"))
        expected = c.execute(f"SELECT count(*) FROM articles a WHERE {where}", params).fetchall()[0][0]  # noqa: S608
    assert expected > 0 and counts == [expected] * 8


def _every_tag_read(con, flt: Filter) -> list[object]:  # type: ignore[no-untyped-def]
    """The answers of every read that joins article_topics or article_countries, comparable with ==."""
    topics = tuple(sorted({t for a in ARTICLES for t in a[7]}))

    def frame(df: pd.DataFrame) -> list[tuple[object, ...]]:
        return [tuple(map(str, row)) for row in df.itertuples(index=False, name=None)]

    return [
        frame(count_by_bucket(con, flt, "topic", topics)), frame(mentioned_countries(con, flt)),
        frame(topic_country_matrix(con, flt)), frame(list_articles(con, flt)), kpis(con, flt),
        frame(compare_series(con, flt, [Series(t, topic=t) for t in topics])), count_articles(con, flt),
    ]


TAG_FILTERS = [
    pytest.param(MARCH, id="march"),
    pytest.param(MARCH.replace(start=date(2025, 3, 4), end=date(2025, 3, 13)), id="days-cutting-between-articles"),
    pytest.param(MARCH.replace(start=date(2025, 3, 12), end=date(2025, 3, 13), topics=("gaza",)), id="one-day-topic"),
    pytest.param(MARCH.replace(countries=("EG",), bucket="day"), id="mentioned-country"),
    pytest.param(MARCH.replace(topics=("gaza", "usru"), countries=("PS", "RU"), query="gaza OR لافروف"),
                 id="topics-countries-and-keyword"),
    pytest.param(MARCH.previous(), id="previous-period"),
]


@pytest.mark.parametrize("flt", TAG_FILTERS)
def test_tag_reads_restricted_to_the_range_give_the_unrestricted_answers(con, flt: Filter,  # type: ignore[no-untyped-def]
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    # Tag tables are read only over the filter's dates (schema 3); that must never change a number.
    restricted = _every_tag_read(con, flt)
    unrestricted = ("TRUE", [])
    monkeypatch.setattr("ingest.store.reads.tag_range", lambda _flt, _alias: unrestricted)
    monkeypatch.setattr("ingest.store.filter.tag_range", lambda _flt, _alias: unrestricted)
    assert restricted == _every_tag_read(con, flt)


@pytest.mark.parametrize("tz", ["Pacific/Kiritimati", "Pacific/Pago_Pago"])
def test_tag_reads_in_a_reports_local_time_keep_every_tag(con, tz: str,  # type: ignore[no-untyped-def]
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    # A report's local-time view moves articles up to 14 hours away from the instant their tag rows
    # keep; the tag range must still cover them (UTC+14 turns g1's 10:00 on the 3rd into the 4th).
    from ingest.store.reads_report import local_time

    span = (datetime(2025, 3, 1, tzinfo=UTC), datetime(2025, 3, 25, tzinfo=UTC))
    days = [MARCH.replace(start=date(2025, 3, d), end=date(2025, 3, d + 1), bucket="day") for d in (3, 4, 12, 13)]
    with local_time(con, tz, *span):
        restricted = [_every_tag_read(con, flt) for flt in days]
    unrestricted = ("TRUE", [])
    monkeypatch.setattr("ingest.store.reads.tag_range", lambda _flt, _alias: unrestricted)
    monkeypatch.setattr("ingest.store.filter.tag_range", lambda _flt, _alias: unrestricted)
    with local_time(con, tz, *span):
        assert restricted == [_every_tag_read(con, flt) for flt in days]
    assert any(mentioned for _, mentioned, *_ in restricted)


def test_a_copy_published_before_schema_3_is_read_with_the_same_answers(db: Path, tmp_path: Path) -> None:
    # A dashboard upgraded before the ingest job's next run still reads a copy whose tag tables carry
    # no date: every page must answer, with the numbers the migrated copy gives.
    import shutil

    import duckdb

    old = tmp_path / "old.duckdb"
    shutil.copyfile(db.with_name("marsad.read.duckdb"), old)
    raw = duckdb.connect(str(old))
    for table in ("article_topics", "article_countries"):
        raw.execute(f"ALTER TABLE {table} DROP COLUMN published_at")
    raw.execute("DELETE FROM schema_version WHERE version >= 3")
    raw.close()
    with reader(db) as current, reader(old) as previous:
        for param in TAG_FILTERS:
            flt = param.values[0]
            assert _every_tag_read(previous, flt) == _every_tag_read(current, flt)


KEYWORD_FILTERS = [MARCH.replace(query=q) for q in (
    "gaza OR لافروف", "غزة", "(gaza OR غزة) AND (truce OR ceasefire OR هدنة) AND NOT hamas", '"red sea"',
    "negotiat*", "title:gaza", "لافروف NEAR/5 واشنطن", "country:PS gaza")]


def test_a_copy_published_before_schema_4_is_read_with_the_same_answers(db: Path, tmp_path: Path) -> None:
    # A copy without word signatures: keyword queries read every article's text instead of testing
    # the signature first, and every page answers with the numbers the current copy gives.
    import shutil

    import duckdb

    from ingest.store.word_sig import word_sigs_usable as word_sigs

    old = tmp_path / "old.duckdb"
    shutil.copyfile(db.with_name("marsad.read.duckdb"), old)
    raw = duckdb.connect(str(old))
    # As schema 3 left it: no word_sig column (rebuilt, since DuckDB keeps indexed tables' columns).
    raw.execute("CREATE TABLE articles_v3 AS SELECT * EXCLUDE (word_sig) FROM articles")
    raw.execute("DROP TABLE articles")
    raw.execute("ALTER TABLE articles_v3 RENAME TO articles")
    raw.execute("DROP TABLE metadata")
    raw.execute("DELETE FROM schema_version WHERE version >= 4")
    raw.close()
    with reader(db) as current, reader(old) as previous:
        assert word_sigs(current) and not word_sigs(previous)
        answers = [count_articles(current, flt) for flt in KEYWORD_FILTERS]
        assert sum(1 for n in answers if n) >= 4  # the queries find articles, so equality means something
        for flt in [*KEYWORD_FILTERS, *(p.values[0] for p in TAG_FILTERS)]:
            assert _every_tag_read(previous, flt) == _every_tag_read(current, flt), flt.query
            series = [Series("q", query=flt.query or "gaza")]  # the Compare page's ad-hoc line
            pd.testing.assert_frame_equal(compare_series(previous, flt, series), compare_series(current, flt, series))
