"""Tagging throughput on one core: 20 topics over articles of the benchmark corpus.

The eleven default topics plus nine variants a comms team would add (the same query narrowed with
NOT sport/football) make twenty. Measured, for 10k and 100k articles, each the median of three runs:
topic matching alone (the query matcher over ready MatchDocs: the target is ≥ 20,000 articles/s),
the whole `tag_entry` (normalisation, language, countries, topics), and the share of each stage.
Usage: `python -m bench.tagging_bench [--sizes 10k,100k]`.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from bench.corpus import WEEKS, _Plan, generate_week, parse_size, size_label
from bench.corpus_outlets import bench_outlets
from bench.harness import Section, Timing, load_average, repeat
from ingest.countries import CountryMatcher, default_matcher
from ingest.errors import QueryError
from ingest.language import detect_language
from ingest.models import Entry
from ingest.query import MatchDoc, matches, parse_query
from ingest.tagging import searchable_text, tag_entry
from ingest.text import normalize
from ingest.topics import Topic, load_topics, parse_topics

TARGET_PER_S = 20_000
COMMAND = "python -m bench.tagging_bench"


@dataclass(frozen=True)
class Article:
    """An entry with what tag_entry needs to know about its feed."""

    entry: Entry
    source: str
    source_country: str
    language: str


def twenty_topics() -> tuple[Topic, ...]:
    """The default topics plus variants of the first nine, each a real query the parser accepts."""
    defaults = load_topics()
    doc = {"topic": [{"id": t.id, "label": t.label, "label_ar": t.label_ar, "query": t.query_text, "color": t.color}
                     for t in defaults]}
    for t in defaults:
        if len(doc["topic"]) == 20:
            break
        # Narrowed the way a desk narrows a topic; the parser caps a query at MAX_TERMS terms, so the
        # longest narrowing that fits is used (and a topic already at the cap is skipped).
        for narrowing in ("NOT (sport OR football OR رياضة)", "NOT football"):
            query = f"({t.query_text}) AND {narrowing}"
            try:
                parse_query(query)
            except QueryError:
                continue
            doc["topic"].append({"id": f"{t.id}-watch", "label": f"{t.label} (watch)", "label_ar": t.label_ar,
                                 "query": query, "color": t.color})
            break
    topics = parse_topics(doc, source="bench topics")
    if len(topics) != 20:
        raise RuntimeError(f"expected 20 topics, made {len(topics)}")
    return topics


def sample_articles(count: int, seed: int = 7) -> list[Article]:
    """`count` articles from weeks spread over the corpus year (the story arcs differ by week)."""
    outlets = bench_outlets(seed)
    plan = _Plan(seed, 1_000_000, datetime(2025, 11, 30, tzinfo=UTC), outlets)
    out: list[Article] = []
    week = 3
    while len(out) < count:
        for day in generate_week(plan, week % WEEKS):
            out.extend(Article(it.entry, it.outlet.outlet.name, it.outlet.country, it.outlet.language) for it in day)
        week += 11  # a prime stride visits every week before repeating one
    return out[:count]


def _docs(articles: Sequence[Article], matcher: CountryMatcher) -> list[MatchDoc]:
    docs = []
    for a in articles:
        text_norm, title_norm = searchable_text(a.entry.title, a.entry.summary)
        text = f"{a.entry.title}\n{a.entry.summary}"
        docs.append(MatchDoc(text_norm=text_norm, title_norm=title_norm, countries=frozenset(matcher.find(text)),
                             source_norm=normalize(a.source), source_country=a.source_country,
                             language=detect_language(text, a.language)))
    return docs


def _measure(articles: Sequence[Article], docs: Sequence[MatchDoc], topics: Sequence[Topic], matcher: CountryMatcher,
             *, breakdown: bool) -> list[tuple[str, Timing, bool]]:
    """(what, timing, whether the throughput target applies) for each thing measured."""
    texts = [(a.entry.title, a.entry.summary, a.language) for a in articles]

    def topics_only(chosen: Sequence[Topic]) -> None:
        for d in docs:
            [t.id for t in chosen if matches(t.query, d)]

    def full() -> None:
        for a in articles:
            tag_entry(a.entry, source=a.source, source_country=a.source_country, declared_language=a.language,
                      topics=topics, matcher=matcher)

    out = [
        ("topic matching, 20 topics", repeat(lambda: topics_only(topics)), True),
        ("topic matching, 11 default topics", repeat(lambda: topics_only(topics[:11])), False),
        ("tag_entry (all stages), 20 topics", repeat(full), True),
    ]
    if breakdown:
        out += [
            ("  stage: normalise title + summary", repeat(lambda: [searchable_text(t, s) for t, s, _ in texts]), False),
            ("  stage: detect_language", repeat(lambda: [detect_language(f"{t} {s}", lang) for t, s, lang in texts]),
             False),
            ("  stage: countries (gazetteer matcher)", repeat(lambda: [matcher.find(f"{t}\n{s}") for t, s, _ in texts]),
             False),
        ]
    return out


def run(sizes: Sequence[int] = (10_000, 100_000)) -> Section:
    started = time.monotonic()
    topics = twenty_topics()
    matcher = default_matcher()
    matcher.find("warm up")
    detect_language("warm up the latin model", "en")
    section = Section(
        "Tagging throughput (one core, 20 topics)", f"{COMMAND} --sizes {','.join(size_label(s) for s in sizes)}",
        ("articles", "what", "median time", "articles/s", "µs/article", f"target ≥ {TARGET_PER_S:,}/s"))
    rates: dict[tuple[int, str], float] = {}
    for size in sizes:
        articles = sample_articles(size)
        # The breakdown per stage is the same at any size: measure it once, on the small sample.
        stages = _measure(articles, _docs(articles, matcher), topics, matcher, breakdown=size <= 20_000)
        for name, timing, has_target in stages:
            rate = size / timing.median
            rates[(size, name)] = rate
            mark = ("meets" if rate >= TARGET_PER_S else "MISSES") if has_target else ""
            section.add(f"{size:,}", name, timing.ms(), f"{rate:,.0f}", f"{1e6 / rate:.1f}", mark)
    top = max(sizes)
    for name in ("topic matching, 20 topics", "tag_entry (all stages), 20 topics"):
        section.target(f"Tagging: {name}, one core", f"≥ {TARGET_PER_S:,} articles/s",
                       f"{rates[(top, name)]:,.0f}/s", rates[(top, name)] >= TARGET_PER_S)
    if len(sizes) > 1:
        a, b = sizes[0], sizes[-1]
        for name in ("topic matching, 20 topics", "tag_entry (all stages), 20 topics"):
            section.growth.append(
                f"{name}: {rates[(a, name)]:,.0f}/s at {size_label(a)} and {rates[(b, name)]:,.0f}/s at "
                f"{size_label(b)}: a cost per article, so the time grows linearly with the articles tagged and "
                "the rate does not depend on how many there are (differences are the sample's mix and the machine's load).")
    section.notes.append("Articles are generated by bench.corpus (Arabic, English and French wire-style headlines "
                         "with a lead); topic matching runs over MatchDocs built beforehand, so it times the query "
                         "matcher alone; tag_entry times what ingest does per article.")
    section.seconds = time.monotonic() - started
    section.load = load_average()
    return section


def main(argv: Sequence[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="10k,100k", help="comma-separated numbers of articles (10k, 100k, …)")
    args = ap.parse_args(argv)
    print(run([parse_size(s) for s in args.sizes.split(",")]).markdown())


if __name__ == "__main__":
    main()
