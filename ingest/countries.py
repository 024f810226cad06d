"""Countries mentioned in a text: the gazetteer file → one Aho–Corasick matcher → ISO code counts.

This module owns reading `data/gazetteer.tsv` (written by `tools/build_gazetteer.py`, whose header
documents the policies), expanding each term into the surface forms it takes in running text (Arabic
clitics and nisba endings, Hebrew prefixes), and matching all of them in one pass.

Matching works on `ingest.text.normalize(text, casefold=False)` lower-cased: every key is a padded
run of whole tokens (" new delhi "), so boundaries are exact and the longest key starting leftmost
wins (" الولايات المتحده " over nothing shorter; " new delhi " over " delhi "). Case-sensitive terms
(US, UK, Turkey, Chad) are keyed in lower case and then checked against the case-preserved text at the
same offsets; lower() never changes the length of NFKD-normalised text, which keeps offsets aligned.

A term can be ambiguous ("Tripoli", «عمان», "Georgia"): it carries a default and alternatives, and is
resolved after the pass from the unambiguous evidence found in the same text (another LB term makes
Tripoli Lebanese). Codes starting with "#" are cues: they count nothing but serve as evidence.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from ingest.errors import ConfigError
from ingest.text import normalize

DEFAULT_GAZETTEER = Path(__file__).resolve().parent.parent / "data" / "gazetteer.tsv"

# Priority of a surface form when two terms expand to the same key, lowest first: (1 if built on a
# generated nisba ending, number of letters added in front: the ال of a nisba, clitics). A form written
# in the gazetteer beats any generated one, and the form needing fewer generated letters wins: the
# exclusion «بحماس» ("with enthusiasm") overrides «ب» + «حماس» (Hamas); «فبحماس» stays an exclusion.
Priority = tuple[int, int]
_WRITTEN: Priority = (0, 0)
_ENDING: Priority = (1, 0)

_AR_LETTERS = re.compile(r"[\u0600-\u06FF]")
_HE_LETTERS = re.compile(r"[\u0590-\u05FF]")

# و/ف (and/so) × ب/ك/ل (in/like/for). ل + ال contracts to لل (للقاهرة).
_AR_PREFIXES = ("و", "ف", "ب", "ك", "ل", "وب", "فب", "وك", "فك", "ول", "فل")
_AR_AL_PREFIXES = ("و", "ف", "ب", "ك", "وب", "فب", "وك", "فك")
_AR_LAM_PREFIXES = ("ل", "ول", "فل")
# Endings of an Arabic nisba built on a stem: Yemeni m./f., plurals, duals, the adverbial -يا
# (أمريكيا "American-", which also spells some country names: روسيا، ليبيا).
_AR_NISBA_ENDINGS = ("ي", "يه", "يين", "يون", "يا", "يان", "يتين", "يتان", "يات")
_HE_PREFIXES = ("ו", "ב", "ל", "מ", "ה", "ש", "כ", "וב", "ול", "ומ", "וה", "שב", "של", "שה", "מה")

# Sentence openers that scraped pages glue onto the previous paragraph («في ليبياكما شارك»). A token
# ending in one of them is split before matching; splitting a word that merely ends that way
# («حكما») is harmless because neither half is a gazetteer term.
_GLUE_WORDS = ("كما", "وصرح", "واضاف", "وقال", "واكد", "واشار", "واوضح", "وتابع", "واعلن", "وشدد", "ولفت")
_GLUE = -1  # automaton value marking a glue word


@dataclass(frozen=True)
class Alternative:
    """One reading of an ambiguous term: `code` ("-" for none) when `cue` (default: the code) is evidenced."""

    code: str
    cue: str


@dataclass(frozen=True)
class GazetteerEntry:
    """One row of the gazetteer file."""

    term: str
    codes: tuple[str, ...]  # ISO alpha-2 codes and "#cues"; () for an exclusion (a trap that counts nothing)
    kind: str  # name, capital, city, region, demonym, leader, institution, movement, exclusion, …
    lang: str
    alternatives: tuple[Alternative, ...] = ()  # non-empty: ambiguous, `codes` is the default reading
    case_sensitive: bool = False
    stem: bool = False  # Arabic nisba: generate the ي/ية/يين/يون/… endings


@dataclass(frozen=True)
class Mention:
    """One match in a text, for explaining a result."""

    surface: str  # the normalised tokens that matched
    term: str  # the gazetteer term they come from
    codes: tuple[str, ...]  # the ISO codes counted (after resolving ambiguity)


@dataclass(frozen=True, slots=True)
class _Rule:
    entry: GazetteerEntry
    cs_forms: frozenset[str] | None  # case-preserved forms accepted; None: any case
    counted: tuple[str, ...]  # the entry's codes without cues
    ambiguous: bool

    @classmethod
    def of(cls, entry: GazetteerEntry, cs_forms: frozenset[str] | None) -> _Rule:
        counted = tuple(c for c in entry.codes if not c.startswith("#"))
        return cls(entry, cs_forms, counted, bool(entry.alternatives))


@dataclass
class _Key:
    priority: Priority
    rules: list[_Rule] = field(default_factory=list)


def parse_gazetteer(lines: Iterable[str], source: str = "gazetteer") -> list[GazetteerEntry]:
    """Read gazetteer rows: term, codes, context, kind, lang, flags (tab-separated; '#' lines are comments)."""
    entries: list[GazetteerEntry] = []
    for number, line in enumerate(lines, 1):
        line = line.rstrip("\n")
        if not line or line.startswith("#") or line.startswith("term\t"):
            continue
        cols = line.split("\t")
        if len(cols) != 6 or not cols[0].strip():
            raise ConfigError(f"{source}:{number}: expected 6 tab-separated columns, got {len(cols)}")
        term, codes, context, kind, lang, flags = cols
        alternatives = []
        for alt in filter(None, context.split(",")):
            code, _, cue = alt.partition("@")
            alternatives.append(Alternative(code, cue or code))
        flag_set = set(filter(None, flags.split(",")))
        entries.append(
            GazetteerEntry(
                term=term,
                codes=tuple(c for c in codes.split(",") if c and c != "-"),
                kind=kind,
                lang=lang,
                alternatives=tuple(alternatives),
                case_sensitive="cs" in flag_set,
                stem="stem" in flag_set,
            )
        )
    return entries


def arabic_forms(norm: str, stem: bool = False) -> list[tuple[str, Priority]]:
    """Surface forms of a normalised Arabic term with their priority: nisba endings, then clitics."""
    tokens = norm.split(" ")
    bases: list[tuple[str, Priority]] = [(norm, _WRITTEN)]
    if stem:
        root = tokens[-1][:-1] if tokens[-1].endswith("ي") else tokens[-1]
        head = " ".join([*tokens[:-1], ""])
        bases = [(head + root + end, _WRITTEN if end == "ي" else _ENDING) for end in _AR_NISBA_ENDINGS]
        if len(tokens) == 1:  # the definite form: الروسي، الروسية … (ال counts as two generated letters)
            bases += [("ال" + form, (ending, 2)) for form, (ending, _) in bases]
    forms = list(bases)
    for base, (ending, added) in bases:
        first, _, rest = base.partition(" ")
        tail = " " + rest if rest else ""
        if first.startswith("ال"):
            forms += [(p + first + tail, (ending, added + len(p))) for p in _AR_AL_PREFIXES]
            forms += [(p + first[1:] + tail, (ending, added + len(p))) for p in _AR_LAM_PREFIXES]
        else:
            forms += [(p + first + tail, (ending, added + len(p))) for p in _AR_PREFIXES]
    return forms


def hebrew_forms(norm: str) -> list[tuple[str, Priority]]:
    """Surface forms of a normalised Hebrew term: the prefixes ו ב ל מ ה ש כ and common pairs."""
    return [(norm, _WRITTEN)] + [(p + norm, (0, len(p))) for p in _HE_PREFIXES]


def surface_forms(entry: GazetteerEntry) -> list[tuple[str, Priority]]:
    """Every case-preserved normalised form under which `entry` is looked for, with its priority."""
    norm = normalize(entry.term, casefold=False)
    if not norm:
        return []
    if _AR_LETTERS.search(norm):
        return arabic_forms(norm, entry.stem)
    if _HE_LETTERS.search(norm):
        return hebrew_forms(norm)
    return [(norm, _WRITTEN)]


class CountryMatcher:
    """Finds the countries a text mentions. Build once (`load` / `default_matcher`), call `find` often."""

    def __init__(self, entries: Iterable[GazetteerEntry]) -> None:
        import ahocorasick  # the one importer of pyahocorasick; imported here so tools can use the parser

        keys: dict[str, _Key] = {}
        conflicts: set[str] = set()
        self.entries: tuple[GazetteerEntry, ...] = tuple(entries)
        for entry in self.entries:
            for form, priority in surface_forms(entry):
                cs_forms = None
                if entry.case_sensitive:
                    cs_forms = _case_forms(form)
                rule = _Rule.of(entry, cs_forms)
                key = f" {form.lower()} "
                slot = keys.get(key)
                if slot is None or priority < slot.priority:
                    keys[key] = _Key(priority, [rule])
                elif priority == slot.priority:
                    if any(_outcome(r) != _outcome(rule) for r in slot.rules if r.cs_forms == cs_forms):
                        conflicts.add(key.strip())
                    slot.rules.append(rule)
        automaton = ahocorasick.Automaton()
        self._rules: list[tuple[_Rule, ...]] = []
        for key, slot in keys.items():
            # Case-sensitive readings are tried before a case-blind one of the same key.
            rules = (
                tuple(slot.rules) if len(slot.rules) == 1 else tuple(sorted(slot.rules, key=_case_blind_last))
            )
            automaton.add_word(key, (len(key), len(self._rules)))
            self._rules.append(rules)
        for word in _GLUE_WORDS:
            automaton.add_word(word + " ", (len(word) + 1, _GLUE))
        automaton.make_automaton()
        self._automaton: Any = automaton
        self.conflicts: tuple[str, ...] = tuple(sorted(conflicts))  # keys two terms claim differently
        self.key_count = len(keys)

    @classmethod
    def load(cls, path: Path = DEFAULT_GAZETTEER) -> CountryMatcher:
        """Read the gazetteer at `path` and build the matcher (about a second; cache the result)."""
        try:
            with open(path, encoding="utf-8") as fh:
                entries = parse_gazetteer(fh, str(path))
        except OSError as e:
            raise ConfigError(f"cannot read gazetteer {path}: {e}") from e
        return cls(entries)

    def find(self, text: str, home: str | None = None) -> dict[str, int]:
        """ISO code → number of mentions of that country in `text` (empty when none).

        `home`, the ISO code of the outlet's country, only helps read ambiguous terms (local news
        says "Tripoli" for its own city: a Lebanese outlet's Tripoli is Lebanon's); it counts nothing.
        """
        return self.find_normalized(normalize(text, casefold=False), home)

    def find_normalized(self, cased: str, home: str | None = None) -> dict[str, int]:
        """`find` for text already through `normalize(text, casefold=False)` (saves normalising twice)."""
        counts: dict[str, int] = {}
        deferred = []
        chosen = self._choose(cased)
        for _surface, rule in chosen:
            if rule.ambiguous:
                deferred.append(rule)
                continue
            for code in rule.counted:
                counts[code] = counts.get(code, 0) + 1
        if deferred:
            evidence = _evidence(chosen, home)
            for rule in deferred:
                for code in _disambiguate(rule.entry, evidence):
                    counts[code] = counts.get(code, 0) + 1
        return counts

    def mentions(self, text: str, home: str | None = None) -> list[Mention]:
        """The matches behind `find`, in text order, each with the codes it counted."""
        chosen = self._choose(normalize(text, casefold=False))
        evidence = _evidence(chosen, home)
        return [
            Mention(
                surface.lower(), r.entry.term, _disambiguate(r.entry, evidence) if r.ambiguous else r.counted
            )
            for surface, r in chosen
        ]

    def _choose(self, cased: str) -> list[tuple[str, _Rule]]:
        """Leftmost-longest matches that pass their case check, as (surface, rule) in text order."""
        if not cased:
            return []
        padded = f" {cased} "
        hits, glued = self._scan(padded)
        if glued:
            for pos in reversed(glued):
                padded = padded[:pos] + " " + padded[pos:]
            hits, _ = self._scan(padded)
        if len(padded.lower()) != len(padded):  # cannot happen after NFKD; if it did, offsets would drift
            padded = padded.lower()
            hits, _ = self._scan(padded)
        chosen: list[tuple[str, _Rule]] = []
        free_from = 0  # keys share their boundary spaces, so the next may start where the last ended
        rules_at = self._rules
        for start, neg_length, index in hits:
            if start < free_from:
                continue
            end = start - neg_length - 1
            surface = padded[start + 1 : end]
            for rule in rules_at[index]:
                if rule.cs_forms is None or surface in rule.cs_forms:
                    chosen.append((surface, rule))
                    free_from = end
                    break
        return chosen

    def _scan(self, padded: str) -> tuple[list[tuple[int, int, int]], list[int]]:
        hits: list[tuple[int, int, int]] = []
        glued: list[int] = []
        for end, (length, index) in self._automaton.iter(padded.lower()):
            start = end - length + 1
            if index == _GLUE:
                if padded[start - 1] != " ":
                    glued.append(start)
            else:
                hits.append((start, -length, index))
        hits.sort()
        return hits, glued


def _case_forms(form: str) -> frozenset[str]:
    """Accepted spellings of a case-sensitive term: as written, and in capitals for a word of 4+ letters
    (TURKEY in a shouted headline) but not for short ones ("Xi" is not the "XI" of a football team)."""
    if form.isupper() or len(form.replace(" ", "")) < 4:
        return frozenset({form})
    return frozenset({form, form.upper()})


def _case_blind_last(rule: _Rule) -> bool:
    return rule.cs_forms is None


def _outcome(rule: _Rule) -> tuple[tuple[str, ...], tuple[Alternative, ...]]:
    return rule.entry.codes, rule.entry.alternatives


def _evidence(chosen: list[tuple[str, _Rule]], home: str | None) -> set[str]:
    """Codes and cues of the unambiguous matches, and the outlet's country: what ambiguity is resolved by."""
    evidence = {c for _, r in chosen if not r.ambiguous for c in r.entry.codes}
    if home:
        evidence.add(home.upper())
    return evidence


def _disambiguate(entry: GazetteerEntry, evidence: set[str]) -> tuple[str, ...]:
    """The reading of an ambiguous term: the one alternative evidenced in the text, else the default."""
    supported = {a.code for a in entry.alternatives if a.cue in evidence}
    if not any(c in evidence for c in entry.codes) and len(supported) == 1:
        code = supported.pop()
        return () if code == "-" else (code,)
    return tuple(c for c in entry.codes if not c.startswith("#"))


@lru_cache(maxsize=1)
def default_matcher() -> CountryMatcher:
    """The matcher for the bundled gazetteer, built once per process."""
    return CountryMatcher.load(DEFAULT_GAZETTEER)


def iter_codes(matcher: CountryMatcher) -> Iterator[str]:
    """Every ISO code the gazetteer can produce (for coverage checks)."""
    for entry in matcher.entries:
        yield from (c for c in entry.codes if not c.startswith("#"))
        yield from (a.code for a in entry.alternatives if a.code != "-" and not a.code.startswith("#"))
