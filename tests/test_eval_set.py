"""The tagging evaluation set is sound, and tagging keeps Marsad's quality targets on it.

This is the regression guard for trustworthy numbers: a change to data/topics.toml, the query
language, normalisation or the gazetteer that loses precision or recall fails here, with the misses
listed. `python -m bench.eval_tagging` prints the full report.
"""

from __future__ import annotations

from collections import Counter

import pytest

from bench.eval_tagging import (
    COUNTRY_MIN_F1,
    EVAL_SET,
    LANGUAGES,
    CountryFinder,
    EvalItem,
    EvalReport,
    default_country_finder,
    evaluate,
    failures,
    format_report,
    load_eval_set,
)
from ingest.language import detect_language
from ingest.text import normalize
from ingest.topics import DEFAULT_TOPICS, Topic, load_topics

TOPICS = load_topics(DEFAULT_TOPICS)
ITEMS = load_eval_set(EVAL_SET, [t.id for t in TOPICS])


def _country_finder() -> CountryFinder:
    return default_country_finder()


def _topic_failures(report: EvalReport) -> list[str]:
    return [f for f in failures(report) if not f.startswith("countries")]


def test_eval_set_is_large_and_bilingual() -> None:
    assert len(ITEMS) >= 150
    by_lang = Counter(i.lang for i in ITEMS)
    assert set(by_lang) == set(LANGUAGES)
    assert min(by_lang.values()) >= 0.4 * len(ITEMS), by_lang


def test_eval_set_items_are_in_the_language_they_claim() -> None:
    wrong = [i.id for i in ITEMS if detect_language(f"{i.title} {i.summary}") != i.lang]
    assert wrong == []


def test_eval_set_covers_every_topic_in_both_languages() -> None:
    for topic in TOPICS:
        per_lang = Counter(i.lang for i in ITEMS if topic.id in i.topics)
        assert sum(per_lang.values()) >= 10, f"{topic.id}: only {sum(per_lang.values())} positives"
        assert all(per_lang[lang] >= 5 for lang in LANGUAGES), f"{topic.id}: {dict(per_lang)}"


def test_eval_set_has_negatives_and_traps() -> None:
    negatives = [i for i in ITEMS if not i.topics]
    assert len(negatives) >= 0.25 * len(ITEMS)
    # Each trap word of the country matcher and the query language appears in at least one item.
    texts = [f" {normalize(i.title + ' ' + i.summary)} " for i in ITEMS]
    raw = [f"{i.title} {i.summary}" for i in ITEMS]
    for trap in ("كيف", "مالي", "عمان", "هند", "بنين", "اليمني", "تركي ال الشيخ", "صلاه المغرب",
                 "turkey", "chad", "michael jordan", "georgia", "وواشنطن", "بالقاهره", "للقاهره"):
        assert any(f" {trap} " in t for t in texts), trap
    assert any(" us " in f" {normalize(t, casefold=False)} " for t in raw), "no item uses the pronoun 'us'"


def test_eval_set_holds_the_seed_articles_with_their_labels() -> None:
    by_id = {i.id: i for i in ITEMS}
    first, second = by_id["ar-seed-1"], by_id["ar-seed-2"]
    assert first.title.startswith("لافروف: موسكو وواشنطن تستعدان")
    assert first.topics == {"us-russia-relations"} and first.countries == {"RU", "US", "UA"}
    assert second.title.startswith("السيسي يؤكد لمستشار ترامب")
    assert second.topics == {"gaza-mediation", "egypt-us-relations"}
    assert second.countries == {"EG", "US", "QA", "PS", "LY"}


def test_evaluate_counts_misses_and_false_hits() -> None:
    topic = next(t for t in TOPICS if t.id == "iran-nuclear")
    items = [
        EvalItem("a", "en", "Iran enriches uranium", "More centrifuges.", frozenset({"iran-nuclear"}), frozenset({"IR"})),
        EvalItem("b", "en", "Tehran hosts wrestling", "Nothing nuclear here.", frozenset(), frozenset({"IR"})),
        EvalItem("c", "en", "Weather", "Sunny.", frozenset({"iran-nuclear"}), frozenset()),
    ]
    report = evaluate(items, [topic], find_countries=lambda text: ["IR"] if "Iran" in text else [])
    score = report.topic("iran-nuclear")
    assert (score.tp, score.fp, score.fn) == (1, 1, 1)
    assert score.precision == score.recall == 0.5
    countries = report.country("en")
    assert (countries.tp, countries.fp, countries.fn) == (1, 0, 1)
    text = format_report(report, items)
    assert "iran-nuclear" in text and " b " in text and " c " in text


def _assert_topic_targets(topics: tuple[Topic, ...], report: EvalReport) -> None:
    problems = _topic_failures(report)
    assert not problems, "\n".join(problems) + "\n\n" + format_report(report, ITEMS)


def test_topic_queries_meet_targets_with_labelled_countries() -> None:
    # The queries alone: their country: atoms see the labelled countries.
    _assert_topic_targets(TOPICS, evaluate(ITEMS, TOPICS, find_countries=None))


def test_topics_meet_targets_as_ingest_tags_them() -> None:
    report = evaluate(ITEMS, TOPICS, find_countries=_country_finder())
    _assert_topic_targets(TOPICS, report)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_countries_meet_f1_target(lang: str) -> None:
    report = evaluate([i for i in ITEMS if i.lang == lang], TOPICS, find_countries=_country_finder())
    score = report.country(lang)
    assert score.f1 >= COUNTRY_MIN_F1, format_report(report, ITEMS)
