"""The in-Python back-end: a syntax tree compiled once into nested closures over a MatchDoc.

Used when tagging at ingest, so it must be fast: substring tests first, a compiled regex only for
Arabic clitic forms and NEAR, and only once the cheap substring test has passed.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

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


Matcher = Callable[[MatchDoc], bool]


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
    """An OR. Topics are mostly long OR lists of words, so the plain terms on each column are tested
    in one loop over (needle, regex) pairs instead of one closure call per term."""
    loops: dict[str, list[tuple[str, Callable[[str], object] | None]]] = {"text_norm": [], "title_norm": []}
    others: list[Matcher] = []
    for child in sorted(node.children, key=_cost):
        if isinstance(child, Term):
            test = term_test(child)
            rx = re.compile(test.pattern).search if test.pattern is not None else None
            loops[test.column].append((test.needles[0][0], rx))
        else:
            others.append(compile_matcher(child))
    in_text, in_title = tuple(loops["text_norm"]), tuple(loops["title_norm"])

    def any_of(d: MatchDoc) -> bool:
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
