"""How each term and NEAR is tested against stored text — the one definition both back-ends execute.

A test is "every needle group has a substring hit, then the regex (if any) matches". The Python
matcher runs it with `in` and `re.search`; the SQL back-end with `contains()` and
`regexp_matches()`. The regexes use only literal letters and digits, spaces, `(?:…|…)`, `?`, `{0,n}`
and the class `[^ |]`, which Python's `re` and DuckDB's RE2 read identically; the needles are
implied by the regex and only make the common "no hit" case cheap. That is what makes the two
back-ends agree exactly.

Text model: columns are space-padded normalised text, so a whole token is " tok "; text_norm is
" title | summary ", and because `[^ |]` never crosses the "|" token, phrases and NEAR stay within the
title or within the summary.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

from ingest.query.nodes import Near, Term

# Arabic proclitics. A word w matches with: an optional conjunction (و or ف), then an optional
# preposition (ب, ك or ل), then an optional article; ل + ال is written لل. For a word that already
# carries the article (القاهره) only ب/ك may precede it, and لل replaces its ال (للقاهره).
_CONJ = "[وف]?"
_PLAIN_CLITICS = _CONJ + "(?:[بكل]?(?:ال)?|لل)"
_ARTICLE_CLITICS = _CONJ + "(?:[بك]?ال|لل)"
_ARTICLE = "ال"
_TOKEN = "[^ |]"  # one character of a token; never a space, never the title/summary separator


def _clitic_prefixes(pattern: str) -> frozenset[str]:
    """Every non-empty string the clitic regex `pattern` matches in full, found by trying every
    string of its letters up to a length it cannot reach. Derived from the regex itself so that the
    word signature (ingest.query.signature) can never index a different prefix language."""
    letters = sorted({ch for ch in pattern if ch.isalpha()})
    regex = re.compile(pattern)
    found = frozenset("".join(p) for n in range(1, 6) for p in itertools.product(letters, repeat=n)
                      if regex.fullmatch("".join(p)))
    if any(len(p) == 5 for p in found):
        raise AssertionError("the clitic prefixes grew past the enumerated length")
    return found


# Every proclitic string that may precede a term's first word (the plain-word language contains the
# one for words with the article).
CLITIC_PREFIXES = _clitic_prefixes(_PLAIN_CLITICS)


@dataclass(frozen=True)
class TextTest:
    """A test on one padded text column: each needle group needs one substring hit, then `pattern`
    (a regex, or None) must match somewhere."""

    column: str  # "text_norm" or "title_norm"
    needles: tuple[tuple[str, ...], ...]
    pattern: str | None


_SPECIAL = frozenset("\\.^$|?*+()[]{}- \t\n")


def _literal(token: str) -> str:
    # normalize() leaves only letters and digits, none of which is special in a regex; keep that an
    # invariant rather than an assumption, since a metacharacter here would split the back-ends.
    if _SPECIAL.intersection(token):
        raise ValueError(f"not a normalised token: {token!r}")
    return token


def _stem_and_clitics(first: str) -> tuple[str, str]:
    """The part of the first word every clitic form contains, and the regex for what may precede it."""
    if first.startswith(_ARTICLE):
        return first[len(_ARTICLE) :], _ARTICLE_CLITICS
    return first, _PLAIN_CLITICS


def term_stem(t: Term) -> str:
    """The first word of an Arabic term as it stands in every stored token the term matches, once
    the clitic prefix (one of CLITIC_PREFIXES, or none) is cut off: the word, or for a word with the
    article the word without it (للقاهره and بالقاهره both end in قاهره)."""
    return _stem_and_clitics(t.tokens[0])[0]


def term_needle(t: Term) -> str:
    """A substring every match of `t` contains (for a term without clitics, exactly the match)."""
    if t.arabic:
        stem, _ = _stem_and_clitics(t.tokens[0])
        body = " ".join((stem, *t.tokens[1:]))
        return body if t.prefix else body + " "
    body = " " + " ".join(t.tokens)
    return body if t.prefix else body + " "


def term_regex(t: Term) -> str:
    """The regex for one occurrence of `t`, without the leading space or any trailing boundary."""
    words = [_literal(tok) for tok in t.tokens]
    if t.arabic:
        stem, clitics = _stem_and_clitics(words[0])
        words[0] = clitics + stem
    return " ".join(words) + (_TOKEN + "*" if t.prefix else "")


def term_test(t: Term) -> TextTest:
    column = "title_norm" if t.title_only else "text_norm"
    if not t.arabic:
        # Whole tokens are space-delimited, so the literal " tok " (or " pre" for a prefix) is exact.
        return TextTest(column, ((term_needle(t),),), None)
    pattern = " " + term_regex(t) + ("" if t.prefix else " ")
    return TextTest(column, ((term_needle(t),),), pattern)


def near_test(n: Near) -> TextTest:
    """Some left term and some right term with at most distance-1 whole tokens between them."""
    left = "(?:" + "|".join(term_regex(t) for t in n.left) + ")"
    right = "(?:" + "|".join(term_regex(t) for t in n.right) + ")"
    gap = f"(?: {_TOKEN}+){{0,{n.distance - 1}}}" if n.distance > 1 else ""
    pattern = f" (?:{left}{gap} {right}|{right}{gap} {left}) "
    needles = (
        tuple(dict.fromkeys(term_needle(t) for t in n.left)),
        tuple(dict.fromkeys(term_needle(t) for t in n.right)),
    )
    return TextTest("text_norm", needles, pattern)
