"""The demo corpus generator: deterministic, realistic in size and spread, valid feeds, visible arcs."""

from __future__ import annotations

import re
import statistics
from collections import Counter, defaultdict
from datetime import UTC, date, datetime, timedelta

import feedparser
import pytest

from ingest.demo.corpus import Corpus, generate_corpus
from ingest.demo.feedfiles import format_date, items_for_poll, render_feed
from ingest.demo.outlets import OUTLETS
from ingest.demo.seed import SEED_ARTICLES

TODAY = date(2026, 11, 20)
SELF = "http://127.0.0.1:8000/feed.xml"  # the feed's self link; fixed so bytes can be compared


@pytest.fixture(scope="module")
def corpus() -> Corpus:
    return generate_corpus(seed=7, today=TODAY)


def _feeds_at(c: Corpus, week: int) -> dict[str, bytes]:
    now = c.week_end(week)
    out = {}
    for o in c.outlets:
        items = items_for_poll([i for i in c.items if i.outlet == o.key], now)
        for fmt in o.formats:
            out[f"{o.key}/{fmt}"] = render_feed(o, fmt, items, SELF)
    return out


def test_generate_corpus_same_seed_gives_identical_feed_bytes(corpus: Corpus) -> None:
    again = generate_corpus(seed=7, today=TODAY)
    assert again.items == corpus.items
    for week in (0, corpus.week_of(corpus.announcement_at)):
        assert _feeds_at(again, week) == _feeds_at(corpus, week)


def test_generate_corpus_other_seed_gives_other_news(corpus: Corpus) -> None:
    other = generate_corpus(seed=8, today=TODAY, weeks=4)
    mine = {i.title for i in corpus.items if i.published_at >= other.start}
    theirs = {i.title for i in other.items}
    assert len(theirs - mine) > len(theirs) // 4


def test_generate_corpus_full_size_spread(corpus: Corpus) -> None:
    assert len(corpus.outlets) >= 25
    assert len({o.country for o in corpus.outlets}) >= 10
    assert {o.language for o in corpus.outlets} == {"ar", "en"}
    assert 18_000 <= len(corpus.items) <= 22_000
    assert corpus.start == datetime(2026, 5, 22, tzinfo=UTC)
    assert all(corpus.start <= i.published_at < corpus.end for i in corpus.items)
    per_outlet = Counter(i.outlet for i in corpus.items)
    median = statistics.median(per_outlet.values())
    assert max(per_outlet.values()) > 2 * median and min(per_outlet.values()) < median / 4  # big and small outlets


def test_generate_corpus_weekends_are_quieter(corpus: Corpus) -> None:
    # Egyptian outlets rest on Friday and Saturday.
    days = Counter(i.published_at.astimezone(UTC).weekday() for i in corpus.items if i.outlet == "nile-gazette-ar")
    assert days[4] < 0.75 * days[1] and days[5] < 0.75 * days[2]


_RU = re.compile(r"russia|moscow|kremlin|lavrov|روسي|موسكو|الكرملين|لافروف", re.IGNORECASE)
_US = re.compile(r"\bUS\b|washington|united states|white house|واشنطن|الولايات المتحدة|أمريكي|البيت الأبيض", re.IGNORECASE)


def test_announcement_week_has_a_us_russia_spike_across_outlets(corpus: Corpus) -> None:
    per_week: Counter[int] = Counter()
    outlets_in_week: dict[int, set[str]] = defaultdict(set)
    for i in corpus.items:
        text = f"{i.title} {i.summary}"
        if _RU.search(text) and _US.search(text):
            week = corpus.week_of(i.published_at)
            per_week[week] += 1
            outlets_in_week[week].add(i.outlet)
    spike = corpus.week_of(corpus.announcement_at)
    quiet = statistics.median(per_week[w] for w in range(corpus.weeks) if abs(w - spike) > 2)
    assert per_week[spike] > 4 * quiet
    assert per_week[spike + 1] > 2 * quiet  # it fades over the next week, not at once
    countries = {o.country for o in corpus.outlets if o.key in outlets_in_week[spike]}
    assert len(countries) >= 10
    assert 8 <= corpus.weeks - spike <= 10  # about nine weeks before today


def test_gaza_mediation_has_several_peaks(corpus: Corpus) -> None:
    per_week = Counter(corpus.week_of(i.published_at) for i in corpus.items if re.search(r"غزة|Gaza", i.title))
    series = [per_week[w] for w in range(corpus.weeks)]
    peaks = [w for w in range(1, corpus.weeks - 1)
             if series[w] >= max(series[w - 1], series[w + 1]) and series[w] > 1.3 * statistics.median(series)]
    assert len(peaks) >= 3


def test_seed_articles_sit_in_the_announcement_week(corpus: Corpus) -> None:
    seeds = [i for i in corpus.items if i.outlet == "sada-elbalad"]
    assert [(i.title, i.summary) for i in seeds] == [(t, b) for t, b, _ in SEED_ARTICLES]
    assert all(corpus.week_of(i.published_at) == corpus.week_of(corpus.announcement_at) for i in seeds)
    assert "الأزمة الأوكرانية" in seeds[0].summary and "قطر في ملف الوساطة" in seeds[1].summary
    assert not any("كلمات دلالية" in i.summary or "المصدر:" in i.summary for i in seeds)


def test_wire_copy_runs_in_several_outlets(corpus: Corpus) -> None:
    by_wire: dict[str, list] = defaultdict(list)
    for i in corpus.items:
        if i.wire:
            by_wire[i.wire].append(i)
    assert len(by_wire) > 300
    multi = [copies for copies in by_wire.values() if len({c.outlet for c in copies}) >= 3]
    assert multi
    same_title = [c for c in multi if len({x.title for x in c}) == 1]
    assert same_title  # verbatim syndication
    shared_links = [c for c in by_wire.values() if len(c) - len({x.link for x in c}) >= 1]
    assert shared_links  # some copies keep the agency's canonical URL


def test_headlines_do_not_repeat_much(corpus: Corpus) -> None:
    titles = Counter(i.title for i in corpus.items if not i.wire)
    assert len(titles) > 0.35 * sum(titles.values())
    # No desk runs the same headline every other day.
    per_outlet = Counter((i.outlet, i.title) for i in corpus.items if not i.wire)
    assert max(per_outlet.values()) <= 12


def test_feeds_parse_with_the_right_titles_and_instants(corpus: Corpus) -> None:
    week = corpus.week_of(corpus.announcement_at)
    now = corpus.week_end(week)
    styles_seen = set()
    for o in corpus.outlets:
        items = items_for_poll([i for i in corpus.items if i.outlet == o.key], now)
        for fmt in o.formats:
            parsed = feedparser.parse(render_feed(o, fmt, items, SELF))
            assert not parsed.bozo, (o.key, fmt, parsed.get("bozo_exception"))
            assert parsed.version.startswith("atom" if fmt == "atom" else "rss")
            assert len(parsed.entries) == len(items)
            expected = sorted(items, key=lambda i: (i.published_at, i.number), reverse=True)
            for entry, item in zip(parsed.entries, expected, strict=True):
                assert entry.title == item.title and entry.link == item.link
                stamp = entry.get("published_parsed")
                if item.dated:
                    # rfc_short writes no seconds
                    precision = item.published_at.second if o.date_style == "rfc_short" and fmt == "rss" else 0
                    assert datetime(*stamp[:6], tzinfo=UTC) == item.published_at - timedelta(seconds=precision)
                else:
                    assert stamp is None
            styles_seen.add(o.date_style)
    assert len(styles_seen) >= 5


def test_some_items_carry_no_date(corpus: Corpus) -> None:
    undated = [i for i in corpus.items if not i.dated]
    assert 50 < len(undated) < 0.05 * len(corpus.items)


@pytest.mark.parametrize(
    ("style", "offset", "text"),
    [
        ("rfc_offset", 2, "Tue, 01 Apr 2025 14:05:09 +0200"),
        ("rfc_gmt", 3, "Tue, 01 Apr 2025 12:05:09 GMT"),
        ("rfc_short", 3, "Tue, 1 Apr 2025 15:05 +0300"),
        ("rfc_us", -5, "Tue, 01 Apr 2025 07:05:09 EST"),
        ("iso_offset", 4, "2025-04-01T16:05:09+04:00"),
        ("iso_z", 3, "2025-04-01T12:05:09Z"),
    ],
    ids=lambda v: str(v),
)
def test_format_date_styles(style: str, offset: int, text: str) -> None:
    assert format_date(datetime(2025, 4, 1, 12, 5, 9, tzinfo=UTC), style, offset) == text


def test_small_demo_keeps_seed_failing_feed_and_both_languages() -> None:
    small = generate_corpus(seed=7, today=TODAY, weeks=4, outlets=4)
    keys = {o.key for o in small.outlets}
    assert "sada-elbalad" in keys and small.failing_outlet in keys
    assert {o.language for o in small.outlets} == {"ar", "en"}
    spike = small.week_of(small.announcement_at)
    assert 0 < small.failing_week < small.weeks and small.failing_week != spike
    assert small.start <= small.announcement_at < small.end
    assert any(i.outlet == "sada-elbalad" for i in small.items)
    # A week with nothing new (the weekly review, the seed outlet) serves the same bytes again.
    seed_outlet = next(o for o in small.outlets if o.seed_only)
    seeds = [i for i in small.items if i.outlet == seed_outlet.key]
    after = [render_feed(seed_outlet, "rss", items_for_poll(seeds, small.week_end(w)), SELF)
             for w in range(spike, small.weeks)]
    assert len(set(after)) == 1


def test_items_for_poll_overlaps_previous_poll(corpus: Corpus) -> None:
    items = [i for i in corpus.items if i.outlet == "levant-monitor"]
    now = corpus.week_end(5)
    listed = items_for_poll(items, now)
    assert min(i.published_at for i in listed) < now - timedelta(days=7)  # a few from the week before
    assert all(i.published_at < now for i in listed)
    assert len([i for i in listed if i.published_at >= now - timedelta(days=7)]) == len(
        [i for i in items if now - timedelta(days=7) <= i.published_at < now])


def test_outlet_keys_are_unique_and_url_safe() -> None:
    keys = [o.key for o in OUTLETS]
    assert len(keys) == len(set(keys))
    assert all(re.fullmatch(r"[a-z0-9-]+", k) for k in keys)
