"""Tagging quality: scores the topics in topics.toml and the country matcher against the hand-labelled
evaluation set (tests/eval/headlines.toml).

    python -m bench.eval_tagging                   # topics from data/topics.toml, countries from the gazetteer
    python -m bench.eval_tagging --gold-countries  # topics alone: country: atoms see the labelled countries
    python -m bench.eval_tagging --topics other.toml --set other_headlines.toml

Prints precision, recall and F1 for every topic (overall and per language) and micro-averaged over
countries per language, then every miss and false hit so a query can be tuned by looking at them.
Articles are prepared exactly as ingest prepares them (ingest.tagging.searchable_text), so the
numbers hold for the real pipeline. tests/test_eval_set.py holds them to Marsad's targets.
"""

from __future__ import annotations

import argparse
import re
import sys
import tomllib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ingest.errors import ConfigError
from ingest.query import MatchDoc
from ingest.tagging import searchable_text
from ingest.topics import DEFAULT_TOPICS, Topic, load_topics, tag_topics

EVAL_SET = Path(__file__).resolve().parent.parent / "tests" / "eval" / "headlines.toml"
LANGUAGES = ("ar", "en")

# The targets the tagging must keep (asserted by tests/test_eval_set.py).
TOPIC_MIN_PRECISION = 0.90
TOPIC_MIN_RECALL = 0.85
COUNTRY_MIN_F1 = 0.95

_ITEM_KEYS = {"id", "lang", "title", "summary", "topics", "countries", "note"}
_REQUIRED_KEYS = _ITEM_KEYS - {"note"}
_CODE_RE = re.compile(r"[A-Z]{2}")

CountryFinder = Callable[[str], Iterable[str]]


@dataclass(frozen=True)
class EvalItem:
    """One labelled headline of the evaluation set."""

    id: str
    lang: str
    title: str
    summary: str
    topics: frozenset[str]
    countries: frozenset[str]
    note: str = ""


@dataclass
class Score:
    """Counts of one binary decision over many items; precision is 1.0 when nothing was predicted."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, gold: bool, predicted: bool) -> None:
        if gold and predicted:
            self.tp += 1
        elif predicted:
            self.fp += 1
        elif gold:
            self.fn += 1

    def add_sets(self, gold: frozenset[str], predicted: frozenset[str]) -> None:
        self.tp += len(gold & predicted)
        self.fp += len(predicted - gold)
        self.fn += len(gold - predicted)

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass(frozen=True)
class Outcome:
    """What tagging said about one item."""

    item: EvalItem
    topics: frozenset[str]
    countries: frozenset[str]


@dataclass
class EvalReport:
    """Scores keyed by topic id and language ("all" for both languages together)."""

    outcomes: list[Outcome]
    topic_ids: tuple[str, ...]
    topics: dict[tuple[str, str], Score] = field(default_factory=dict)
    countries: dict[str, Score] = field(default_factory=dict)

    def topic(self, topic_id: str, lang: str = "all") -> Score:
        return self.topics.setdefault((topic_id, lang), Score())

    def country(self, lang: str = "all") -> Score:
        return self.countries.setdefault(lang, Score())


def load_eval_set(path: Path = EVAL_SET, topic_ids: Iterable[str] | None = None) -> tuple[EvalItem, ...]:
    """Read and check the evaluation set; ValueError names the item and the problem."""
    doc = tomllib.loads(path.read_text(encoding="utf-8"))
    known = set(topic_ids) if topic_ids is not None else None
    items: list[EvalItem] = []
    seen: set[str] = set()
    for n, raw in enumerate(doc.get("item", []), start=1):
        where = f"{path}: item #{n} ({raw.get('id', '?')})"
        if set(raw) - _ITEM_KEYS or _REQUIRED_KEYS - set(raw):
            raise ValueError(f"{where}: keys must be {sorted(_REQUIRED_KEYS)} and optionally 'note'")
        if raw["id"] in seen:
            raise ValueError(f"{where}: duplicate id")
        seen.add(raw["id"])
        if raw["lang"] not in LANGUAGES:
            raise ValueError(f"{where}: lang must be one of {LANGUAGES}")
        if not raw["title"].strip() or not raw["summary"].strip():
            raise ValueError(f"{where}: empty title or summary")
        bad = [c for c in raw["countries"] if not _CODE_RE.fullmatch(c)]
        if bad:
            raise ValueError(f"{where}: {bad[0]!r} is not an upper-case ISO 3166-1 alpha-2 code")
        if known is not None and set(raw["topics"]) - known:
            raise ValueError(f"{where}: unknown topic {sorted(set(raw['topics']) - known)[0]!r}")
        items.append(
            EvalItem(
                id=raw["id"], lang=raw["lang"], title=raw["title"], summary=raw["summary"],
                topics=frozenset(raw["topics"]), countries=frozenset(raw["countries"]), note=raw.get("note", ""),
            )
        )
    return tuple(items)


def default_country_finder() -> CountryFinder:
    """The gazetteer matcher ingest uses (imported late: the topic scores do not need it)."""
    from ingest.countries import default_matcher

    matcher = default_matcher()
    return lambda text: matcher.find(text).keys()


def evaluate(items: Sequence[EvalItem], topics: Sequence[Topic], find_countries: CountryFinder | None) -> EvalReport:
    """Tag every item as ingest would and score it. With `find_countries=None` the country: atoms of
    the queries see the labelled countries and no country score is computed (isolates the queries)."""
    report = EvalReport(outcomes=[], topic_ids=tuple(t.id for t in topics))
    for item in items:
        text_norm, title_norm = searchable_text(item.title, item.summary)
        if find_countries is None:
            found = item.countries
        else:
            found = frozenset(find_countries(f"{item.title}\n{item.summary}"))
            for lang in ("all", item.lang):
                report.country(lang).add_sets(item.countries, found)
        doc = MatchDoc(text_norm=text_norm, title_norm=title_norm, countries=found, source_norm="",
                       source_country="", language=item.lang)
        tagged = frozenset(tag_topics(topics, doc))
        for t in topics:
            for lang in ("all", item.lang):
                report.topic(t.id, lang).add(t.id in item.topics, t.id in tagged)
        report.outcomes.append(Outcome(item, tagged, found))
    return report


def failures(report: EvalReport) -> list[str]:
    """Every target the report misses, in words (empty when all targets are met)."""
    out = []
    for tid in report.topic_ids:
        s = report.topic(tid)
        if s.precision < TOPIC_MIN_PRECISION:
            out.append(f"{tid}: precision {s.precision:.2f} < {TOPIC_MIN_PRECISION}")
        if s.recall < TOPIC_MIN_RECALL:
            out.append(f"{tid}: recall {s.recall:.2f} < {TOPIC_MIN_RECALL}")
    for lang in LANGUAGES:
        if lang in report.countries and report.country(lang).f1 < COUNTRY_MIN_F1:
            out.append(f"countries ({lang}): F1 {report.country(lang).f1:.3f} < {COUNTRY_MIN_F1}")
    return out


def _cell(s: Score) -> str:
    return f"{s.precision:4.2f} {s.recall:4.2f} {s.f1:4.2f} ({s.tp:>2} {s.fp:>2} {s.fn:>2})"


def _short(text: str, width: int = 90) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def _per_code(outcomes: Sequence[Outcome]) -> list[tuple[str, Score]]:
    scores: dict[str, Score] = {}
    for o in outcomes:
        for code in o.item.countries | o.countries:
            scores.setdefault(code, Score()).add(code in o.item.countries, code in o.countries)
    return sorted(scores.items())


def format_report(report: EvalReport, items: Sequence[EvalItem]) -> str:
    """The printed report: score tables, then misses and false hits."""
    n_lang = {lang: sum(1 for i in items if i.lang == lang) for lang in LANGUAGES}
    width = max(len(t) for t in report.topic_ids)
    head = " " * width + "   " + "   ".join(f"{g:<24}" for g in ("all: P    R    F1  (tp fp fn)", "ar", "en"))
    lines = [f"{len(items)} items: " + ", ".join(f"{n} {lang}" for lang, n in n_lang.items()), "", "Topics", head]
    for tid in report.topic_ids:
        cells = "   ".join(f"{_cell(report.topic(tid, lang)):<24}" for lang in ("all", *LANGUAGES))
        lines.append(f"{tid:<{width}}   {cells}")
    if report.countries:
        lines += ["", "Countries (micro over item × country)  P    R    F1  (tp fp fn)"]
        for lang in ("all", *LANGUAGES):
            lines.append(f"  {lang:<37}{_cell(report.country(lang))}")
    misses = [(tid, o) for o in report.outcomes for tid in sorted(o.item.topics - o.topics)]
    extras = [(tid, o) for o in report.outcomes for tid in sorted(o.topics - o.item.topics)]
    lines += ["", f"Topic misses (labelled, not tagged): {len(misses)}"]
    lines += [f"  {tid:<{width}}  {o.item.id:<12} {_short(o.item.title)}" for tid, o in misses]
    lines += ["", f"Topic false hits (tagged, not labelled): {len(extras)}"]
    lines += [f"  {tid:<{width}}  {o.item.id:<12} {_short(o.item.title)}" for tid, o in extras]
    if report.countries:
        lines += ["", "Countries with errors (all languages)  code: tp fp fn"]
        lines += [f"  {code}: {s.tp:>3} {s.fp:>2} {s.fn:>2}" for code, s in _per_code(report.outcomes) if s.fp or s.fn]
        wrong = [o for o in report.outcomes if o.countries != o.item.countries]
        lines += ["", f"Country errors: {len(wrong)} items"]
        for o in wrong:
            missing = " ".join(sorted(o.item.countries - o.countries))
            extra = " ".join(sorted(o.countries - o.item.countries))
            lines.append(f"  {o.item.id:<12} missing [{missing}] extra [{extra}]  {_short(o.item.title, 70)}")
    problems = failures(report)
    lines += ["", "Targets: " + ("all met" if not problems else "MISSED: " + "; ".join(problems))]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.eval_tagging", description=__doc__.split("\n\n")[0])
    ap.add_argument("--topics", type=Path, default=DEFAULT_TOPICS, help="topics file (default: data/topics.toml)")
    ap.add_argument("--set", dest="eval_set", type=Path, default=EVAL_SET, help="evaluation set (TOML)")
    ap.add_argument("--gold-countries", action="store_true",
                    help="give the queries the labelled countries instead of the matcher's (scores topics alone)")
    args = ap.parse_args(argv)
    topics = load_topics(args.topics)
    items = load_eval_set(args.eval_set, [t.id for t in topics])
    try:
        finder = None if args.gold_countries else default_country_finder()
    except (ImportError, ConfigError) as e:
        print(f"cannot load the country matcher ({e}); run with --gold-countries to score the topics alone",
              file=sys.stderr)
        return 2
    report = evaluate(items, topics, finder)
    print(f"topics: {args.topics}   set: {args.eval_set}   countries: "
          + ("labelled (--gold-countries)" if finder is None else "ingest.countries"))
    print(format_report(report, items))
    return 0 if not failures(report) else 1


if __name__ == "__main__":
    sys.exit(main())
