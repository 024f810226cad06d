"""Gather one week's report from the database, through the dashboard's read layer.

Scope: the articles published during the week (local days in the report's time zone) that carry at
least one of the chosen topics (all topics by default) — the dashboard's view of the same week with
the same topics selected. Numbers the dashboard also shows come from `ingest.store.reads` with the
same Filter; report-only questions from `ingest.store.reads_report`. The build reads once, inside one
short read-only connection, and returns a frozen Report that every format renders.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pandas as pd

from dashboard.report.model import (
    BASELINE_DAYS,
    ArticleRow,
    CountryCount,
    Fingerprint,
    Report,
    ReportWeek,
    SourceCount,
    SpikeDay,
    Summary,
    TopicCount,
    TopicInfo,
    TopicSection,
)
from dashboard.report.stories import group_stories, spike_days
from ingest.config import countries as country_table
from ingest.errors import ConfigError
from ingest.query import describe
from ingest.store import reader
from ingest.store.connection import Connection
from ingest.store.reads import (
    Filter,
    count_articles,
    count_by_bucket,
    mentioned_countries,
    source_countries,
    top_sources,
)
from ingest.store.reads_report import (
    article_topic_pairs,
    feeds_in_window,
    fetch_history_kept_from,
    local_time,
    report_articles,
    stored_topic_hashes,
)
from ingest.topics import Topic, load_topics

Progress = Callable[[float, str], None]

TOP_SOURCES = 10
TOP_COUNTRIES = 10
TOPIC_SOURCES = 5
TOPIC_COUNTRIES = 8
TOPIC_STORIES = 6
SPIKE_STORIES = 3
FINGERPRINT_VERSION = "marsad-report-fingerprint/1"


def choose_topics(all_topics: Sequence[Topic], wanted: Sequence[str]) -> tuple[Topic, ...]:
    """The topics named in `wanted` (all when empty), in the topics file's order; ConfigError for an
    unknown id, listing the known ones."""
    wanted = [w.strip() for w in wanted if w.strip()]
    if not wanted:
        return tuple(all_topics)
    known = {t.id for t in all_topics}
    unknown = [w for w in wanted if w not in known]
    if unknown:
        raise ConfigError(f"unknown topic {unknown[0]!r}; the topics are: {', '.join(t.id for t in all_topics)}")
    return tuple(t for t in all_topics if t.id in set(wanted))


def _country(code: str, articles: int) -> CountryCount:
    c = country_table().get(code)
    return CountryCount(code, c.name_en if c else code, c.name_ar if c else code, int(articles))


def _sources(df: pd.DataFrame) -> tuple[SourceCount, ...]:
    return tuple(SourceCount(str(r.source), str(r.source_country), int(r.matching), float(r.share_of_coverage))
                 for r in df.itertuples())


def _countries(df: pd.DataFrame, count_column: str) -> tuple[CountryCount, ...]:
    return tuple(_country(str(code), int(n)) for code, n in zip(df["country"], df[count_column], strict=True))


def _daily(df: pd.DataFrame, topic: str, days: Sequence[date]) -> tuple[int, ...]:
    """Counts for `days` from count_by_bucket's dense frame (bucket, series, matching)."""
    sub = df[df["series"] == topic]
    by_day = dict(zip(sub["bucket"], sub["matching"], strict=True))
    return tuple(int(by_day.get(d, 0)) for d in days)


def _http(url: object) -> str | None:
    # The store keeps only canonical http(s) links, but a report leaves the building: check again.
    if isinstance(url, str) and url.lower().startswith(("http://", "https://")):
        return url
    return None


def _naive(ts: object) -> datetime:
    """A pandas/py timestamp → naive datetime (local wall-clock time inside local_time())."""
    value = ts.to_pydatetime() if isinstance(ts, pd.Timestamp) else ts
    assert isinstance(value, datetime)
    return value.replace(tzinfo=None)


def _utc(ts: object) -> datetime:
    value = ts.to_pydatetime() if isinstance(ts, pd.Timestamp) else ts
    assert isinstance(value, datetime)
    return value.astimezone(UTC)


def _rows(df: pd.DataFrame) -> tuple[list[ArticleRow], list[str]]:
    rows, keys = [], []
    for r in df.itertuples():
        rows.append(ArticleRow(str(r.id), _utc(r.published_utc), _naive(r.published_at), str(r.source),
                               str(r.source_country), str(r.language), str(r.title), _http(r.url),
                               tuple(r.topics), tuple(r.countries)))
        keys.append(str(r.title_norm))
    return rows, keys


def fingerprint(week: ReportWeek, topics: Sequence[TopicInfo], pairs: Sequence[tuple[str, str]]) -> Fingerprint:
    """sha256 over a canonical text of the inputs; the same database, week and topics give the same one."""
    h = hashlib.sha256()
    h.update(f"{FINGERPRINT_VERSION}\nweek\t{week.label}\t{week.tz}\n".encode())
    for t in sorted(topics, key=lambda t: t.id):
        h.update(f"topic\t{t.id}\t{t.label}\t{t.label_ar}\t{t.canonical}\n".encode())
    for article_id, topic in sorted(pairs):
        h.update(f"tag\t{article_id}\t{topic}\n".encode())
    return Fingerprint(h.hexdigest(), len({a for a, _ in pairs}), len(pairs))


def build_report(db_path: Path, week: ReportWeek, topic_ids: Sequence[str] = (), *,
                 topics: Sequence[Topic] | None = None, now: datetime | None = None,
                 progress: Progress | None = None) -> Report:
    """Read everything a week's report shows. Raises ConfigError (unknown topic) or StoreError."""
    all_topics = tuple(load_topics()) if topics is None else tuple(topics)
    chosen = choose_topics(all_topics, topic_ids)
    if not chosen:
        raise ConfigError("no topics are defined: a report is about topics (see data/topics.toml)")
    now = (now or datetime.now(UTC)).astimezone(UTC)
    step = progress or (lambda _f, _m: None)
    baseline_start = week.start - timedelta(days=BASELINE_DAYS)
    # A day of margin either side: the temporary table must hold every article whose local day
    # falls in [baseline_start, week.end) whatever the zone's offset; the Filters cut exactly.
    span = (week.instant(baseline_start) - timedelta(days=1), week.end_utc + timedelta(days=1))
    ids = tuple(t.id for t in chosen)
    step(0.05, "Opening the database")
    with reader(db_path) as con:
        stored = stored_topic_hashes(con)
        infos = tuple(TopicInfo(t.id, t.label, t.label_ar, t.color, t.query_text, describe(t.query),
                                t.id in stored and stored[t.id] != t.hash) for t in chosen)
        data_until = con.execute("SELECT max(published_at) FROM articles").fetchall()[0][0]
        feeds = feeds_in_window(con, week.start_utc, week.end_utc)
        history_from = fetch_history_kept_from(con)
        with local_time(con, week.tz, *span):
            report = _read_week(con, week, infos, ids, baseline_start, step)
    step(1.0, "Done")
    summary, sections, articles, pairs = report
    return Report(week, now, infos, len(chosen) == len(all_topics), summary, sections, feeds, articles,
                  fingerprint(week, infos, pairs), data_until, history_from)


def _read_week(con: Connection, week: ReportWeek, infos: tuple[TopicInfo, ...], ids: tuple[str, ...],
               baseline_start: date, step: Progress
               ) -> tuple[Summary, tuple[TopicSection, ...], tuple[ArticleRow, ...], list[tuple[str, str]]]:
    scope = Filter(week.start, week.end, topics=ids, bucket="day")
    previous = scope.previous()
    step(0.15, "Counting articles per topic and day")
    daily = count_by_bucket(con, scope, by="topic")
    daily_prev = count_by_bucket(con, previous, by="topic")
    baseline = count_by_bucket(con, scope.replace(start=baseline_start, end=week.start), by="topic")
    prev_days = tuple(previous.start + timedelta(days=i) for i in range(7))
    base_days = tuple(baseline_start + timedelta(days=i) for i in range(BASELINE_DAYS))
    total = count_articles(con, scope)
    total_prev = count_articles(con, previous)
    everything = count_articles(con, scope.universe())
    step(0.3, "Ranking sources and countries")
    sources = _sources(top_sources(con, scope, TOP_SOURCES))
    src_countries = _countries(source_countries(con, scope).head(TOP_COUNTRIES), "matching")
    mentioned = _countries(mentioned_countries(con, scope, TOP_COUNTRIES), "articles")
    step(0.45, "Listing the week's articles")
    rows, keys = _rows(report_articles(con, scope))
    pairs = article_topic_pairs(con, scope)
    counts, sections = [], []
    for n, info in enumerate(infos):
        step(0.55 + 0.4 * n / max(1, len(infos)), f"Topic: {info.label}")
        this = _daily(daily, info.id, week.days)
        before = _daily(daily_prev, info.id, prev_days)
        count = TopicCount(info, sum(this), sum(before))
        counts.append(count)
        flt = scope.replace(topics=(info.id,))
        members = [(r, k) for r, k in zip(rows, keys, strict=True) if info.id in r.topics]
        stories = group_stories([r for r, _ in members], [k for _, k in members])
        spikes = []
        for day, n_day, mean, sd in spike_days(week.days, this, _daily(baseline, info.id, base_days)):
            on_day = [(r, k) for r, k in members if r.published_local.date() == day]
            spikes.append(SpikeDay(day, n_day, mean, sd,
                                   tuple(group_stories([r for r, _ in on_day], [k for _, k in on_day])[:SPIKE_STORIES])))
        topic_sources = _sources(top_sources(con, flt, TOPIC_SOURCES)) if count.articles else ()
        topic_countries = (_countries(mentioned_countries(con, flt, TOPIC_COUNTRIES), "articles")
                           if count.articles else ())
        sections.append(TopicSection(count, this, before, topic_sources, topic_countries,
                                     tuple(stories[:TOPIC_STORIES]), len(stories), tuple(spikes)))
    summary = Summary(total, total_prev, everything, tuple(counts), sources, src_countries, mentioned)
    return summary, tuple(sections), tuple(rows), pairs
