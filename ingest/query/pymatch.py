"""The in-Python back-end: a syntax tree compiled once into nested closures over a MatchDoc.

Used when tagging at ingest, so it must be fast. A term of one whole word is a set lookup: the word,
or for Arabic every form it takes with attached proclitics (enumerated once), against the set of the
article's tokens. Phrases, wildcards and NEAR test substrings first and run a compiled regex only once
the cheap substring test has passed. The regexes run on RE2 (google-re2), the engine DuckDB's
regexp_matches uses too: several times faster than Python's `re` on NEAR's long alternations. They
are compiled from UTF-8 bytes and run on each article's text encoded once (searching a str would
encode it again on every call).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import re2

from ingest.query.nodes import Field, Near, Node, Not, Or, Term
from ingest.query.plans import TextTest, near_test, term_test


class _once:  # noqa: N801 (used as a decorator)
    """A lazily computed attribute stored on first use (functools.cached_property takes a lock per read)."""

    def __init__(self, fn: Callable[[MatchDoc], object]) -> None:
        self.fn, self.name = fn, fn.__name__

    def __get__(self, doc: MatchDoc | None, owner: type) -> object:
        if doc is None:
            return self
        value = self.fn(doc)
        doc.__dict__[self.name] = value  # the instance's own value shadows this descriptor from now on
        return value


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

    @_once  # type: ignore[prop-decorator]
    def text_tokens(self) -> frozenset[str]:
        return frozenset(self.text_norm.split())

    @_once  # type: ignore[prop-decorator]
    def title_tokens(self) -> frozenset[str]:
        return frozenset(self.title_norm.split())

    @_once  # type: ignore[prop-decorator]
    def text_utf8(self) -> bytes:
        return self.text_norm.encode()

    @_once  # type: ignore[prop-decorator]
    def title_utf8(self) -> bytes:
        return self.title_norm.encode()


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


def _compile(pattern: str) -> Callable[[bytes], object]:
    return re2.compile(pattern.encode()).search  # type: ignore[no-any-return]


def _text_matcher(test: TextTest) -> Matcher:
    title = test.column == "title_norm"
    search = _compile(test.pattern) if test.pattern is not None else None
    if len(test.needles) == 1 and len(test.needles[0]) == 1:
        needle = test.needles[0][0]
        if search is None:
            if title:
                return lambda d: needle in d.title_norm
            return lambda d: needle in d.text_norm
        if title:
            return lambda d: needle in d.title_norm and search(d.title_utf8) is not None
        return lambda d: needle in d.text_norm and search(d.text_utf8) is not None

    groups = test.needles

    def match(d: MatchDoc) -> bool:
        text = d.title_norm if title else d.text_norm
        for group in groups:
            for n in group:
                if n in text:
                    break
            else:
                return False
        return search is None or search(d.title_utf8 if title else d.text_utf8) is not None

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
    of token forms, tested with a single set intersection; the phrases and wildcards on a column
    become one RE2 alternation (one pass over the text whatever their number)."""
    forms: dict[str, set[str]] = {"text_norm": set(), "title_norm": set()}
    patterns: dict[str, list[tuple[str, str]]] = {"text_norm": [], "title_norm": []}
    others: list[Matcher] = []
    for child in sorted(node.children, key=_cost):
        if isinstance(child, Term):
            test = term_test(child)
            words = whole_token_forms(child)
            if words is not None:
                forms[test.column] |= words
            else:
                # A term without a regex is exactly its needle (letters, digits and spaces only).
                needle = test.needles[0][0]
                patterns[test.column].append((needle, test.pattern if test.pattern is not None else needle))
        else:
            others.append(compile_matcher(child))
    text_forms, title_forms = frozenset(forms["text_norm"]), frozenset(forms["title_norm"])
    in_text, in_title = _alternation(patterns["text_norm"], False), _alternation(patterns["title_norm"], True)

    def any_of(d: MatchDoc) -> bool:
        if text_forms and not text_forms.isdisjoint(d.text_tokens):
            return True
        if title_forms and not title_forms.isdisjoint(d.title_tokens):
            return True
        if in_text is not None and in_text(d):
            return True
        if in_title is not None and in_title(d):
            return True
        for p in others:
            if p(d):
                return True
        return False

    return any_of


def _alternation(terms: list[tuple[str, str]], title: bool) -> Matcher | None:
    """One test for several (needle, pattern) terms: any needle present, then one RE2 search."""
    if not terms:
        return None
    needles = tuple(dict.fromkeys(n for n, _ in terms))
    search = _compile("(?:" + "|".join(p for _, p in terms) + ")")

    def test(d: MatchDoc) -> bool:
        text = d.title_norm if title else d.text_norm
        for n in needles:
            if n in text:
                return search(d.title_utf8 if title else d.text_utf8) is not None
        return False

    return test
