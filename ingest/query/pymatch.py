"""The in-Python back-end: a syntax tree compiled once into nested closures over a MatchDoc.

Used when tagging at ingest, so it must be fast. A term of one whole word is a set lookup: the word,
or for Arabic every form it takes with attached proclitics (enumerated once), against the set of the
article's tokens. Phrases, wildcards and NEAR test substrings first and run a compiled regex only once
the cheap substring test has passed.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property

from ingest.query.nodes import Field, Near, Node, Not, Or, Term
from ingest.query.plans import TextTest, near_test, term_test


@dataclass(frozen=True)
class MatchDoc:
    """What the matcher sees of one article.

    text_norm = " " + normalize(title) + " | " + normalize(summary) + " "; title_norm =
    pad(normalize(title)); countries holds upper-case ISO codes; source_norm = normalize(source)
    (not padded); source_country upper case; language an ISO 639-1 code as detected.
    """

    text_norm: str
    title_norm: str
    countries: frozenset[str]
    source_norm: str
    source_country: str
    language: str

    @cached_property
    def text_tokens(self) -> frozenset[str]:
        return frozenset(self.text_norm.split())

    @cached_property
    def title_tokens(self) -> frozenset[str]:
        return frozenset(self.title_norm.split())


Matcher = Callable[[MatchDoc], bool]


# The proclitic prefixes plans.py's regexes allow, written out: an optional و/ف, then for a plain word
# an optional ب/ك/ل and an optional article (ل + ال written لل), for a word with the article only
# ب/ك before it or لل instead of it. tests/test_query_forms.py checks these against the regexes.
_CONJUNCTIONS = ("", "و", "ف")
_PLAIN_PREFIXES = tuple(c + p for c in _CONJUNCTIONS for p in ("", "ب", "ك", "ل", "ال", "بال", "كال", "لال", "لل"))
_ARTICLE_PREFIXES = tuple(c + p for c in _CONJUNCTIONS for p in ("ال", "بال", "كال", "لل"))


def whole_token_forms(t: Term) -> frozenset[str] | None:
    """Every token a one-word, non-wildcard term matches as a whole token; None for other terms."""
    if len(t.tokens) != 1 or t.prefix:
        return None
    word = t.tokens[0]
    if not t.arabic:
        return frozenset((word,))
    if word.startswith("ال"):
        return frozenset(p + word[2:] for p in _ARTICLE_PREFIXES)
    return frozenset(p + word for p in _PLAIN_PREFIXES)


def _forms_matcher(forms: frozenset[str], title: bool) -> Matcher:
    if len(forms) == 1:
        (word,) = forms
        if title:
            return lambda d: word in d.title_tokens
        return lambda d: word in d.text_tokens
    if title:
        return lambda d: not forms.isdisjoint(d.title_tokens)
    return lambda d: not forms.isdisjoint(d.text_tokens)


def _text_matcher(test: TextTest) -> Matcher:
    title = test.column == "title_norm"
    rx = re.compile(test.pattern) if test.pattern is not None else None
    if len(test.needles) == 1 and len(test.needles[0]) == 1:
        needle = test.needles[0][0]
        if rx is None:
            if title:
                return lambda d: needle in d.title_norm
            return lambda d: needle in d.text_norm
        search = rx.search
        if title:
            return lambda d: needle in d.title_norm and search(d.title_norm) is not None
        return lambda d: needle in d.text_norm and search(d.text_norm) is not None

    groups = test.needles

    def match(d: MatchDoc) -> bool:
        text = d.title_norm if title else d.text_norm
        for group in groups:
            if not any(n in text for n in group):
                return False
        return rx is None or rx.search(text) is not None

    return match


def _field_matcher(f: Field) -> Matcher:
    value = f.value
    if f.name == "country":
        return lambda d: value in d.countries
    if f.name == "sourcecountry":
        return lambda d: d.source_country == value
    if f.name == "lang":
        return lambda d: d.language == value
    if f.prefix:
        return lambda d: d.source_norm.startswith(value)
    return lambda d: d.source_norm == value


def _cost(node: Node) -> int:
    """Rough evaluation cost, so AND/OR try cheap children first (the result does not depend on order)."""
    if isinstance(node, Field):
        return 0
    if isinstance(node, Term):
        return 1 if not node.arabic else 2
    if isinstance(node, Near):
        return 4
    if isinstance(node, Not):
        return _cost(node.child)
    return sum(_cost(c) for c in node.children)


def compile_matcher(node: Node) -> Matcher:
    if isinstance(node, Term):
        forms = whole_token_forms(node)
        if forms is not None:
            return _forms_matcher(forms, node.title_only)
        return _text_matcher(term_test(node))
    if isinstance(node, Near):
        return _text_matcher(near_test(node))
    if isinstance(node, Field):
        return _field_matcher(node)
    if isinstance(node, Not):
        inner = compile_matcher(node.child)
        return lambda d: not inner(d)
    if isinstance(node, Or):
        return _any_of(node)
    parts = [compile_matcher(c) for c in sorted(node.children, key=_cost)]
    if len(parts) == 2:
        a, b = parts
        return lambda d: a(d) and b(d)

    def all_of(d: MatchDoc) -> bool:
        for p in parts:
            if not p(d):
                return False
        return True

    return all_of


def _any_of(node: Or) -> Matcher:
    """An OR. Topics are mostly long OR lists of words: all one-word terms on a column become one set
    of token forms, tested with a single set intersection; phrases and wildcards are tested in one
    loop over (needle, regex) pairs instead of one closure call per term."""
    forms: dict[str, set[str]] = {"text_norm": set(), "title_norm": set()}
    loops: dict[str, list[tuple[str, Callable[[str], object] | None]]] = {"text_norm": [], "title_norm": []}
    others: list[Matcher] = []
    for child in sorted(node.children, key=_cost):
        if isinstance(child, Term):
            test = term_test(child)
            words = whole_token_forms(child)
            if words is not None:
                forms[test.column] |= words
                continue
            rx = re.compile(test.pattern).search if test.pattern is not None else None
            loops[test.column].append((test.needles[0][0], rx))
        else:
            others.append(compile_matcher(child))
    text_forms, title_forms = frozenset(forms["text_norm"]), frozenset(forms["title_norm"])
    in_text, in_title = tuple(loops["text_norm"]), tuple(loops["title_norm"])

    def any_of(d: MatchDoc) -> bool:
        if text_forms and not text_forms.isdisjoint(d.text_tokens):
            return True
        if title_forms and not title_forms.isdisjoint(d.title_tokens):
            return True
        if in_text:
            text = d.text_norm
            for needle, search in in_text:
                if needle in text and (search is None or search(text) is not None):
                    return True
        if in_title:
            text = d.title_norm
            for needle, search in in_title:
                if needle in text and (search is None or search(text) is not None):
                    return True
        for p in others:
            if p(d):
                return True
        return False

    return any_of
