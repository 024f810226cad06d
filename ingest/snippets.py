"""Keyword-in-context snippets: the words around the first hit of a query in an article's summary.

The hit is found with the query language's own term patterns (ingest.query.plans.term_regex) over
the normalised text, so a snippet highlights exactly what made the article match — including Arabic
words with attached clitics (بالقاهرة for القاهرة) — and is then cut from the original words, so the
reader sees the text as published. Pure text in, plain text out: no markup is produced here.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass

from ingest.errors import QueryError
from ingest.query import And, Near, Node, Not, Or, Term, parse_query
from ingest.query.plans import term_regex
from ingest.text import normalize

WORDS_BEFORE = 12
WORDS_AFTER = 20
WORDS_NO_HIT = 32
ELLIPSIS = "…"


@dataclass(frozen=True)
class Snippet:
    before: str
    hit: str  # empty when no term was found
    after: str

    @property
    def text(self) -> str:
        return " ".join(p for p in (self.before, self.hit, self.after) if p)


def _positive_terms(node: Node) -> list[Term]:
    # Terms under NOT are what the article does not contain; highlighting them makes no sense.
    if isinstance(node, Term):
        return [node]
    if isinstance(node, Near):
        return [*node.left, *node.right]
    if isinstance(node, And | Or):
        return [t for child in node.children for t in _positive_terms(child)]
    if isinstance(node, Not):
        return []
    return []  # Field: metadata, nothing in the text to point at


def snippet_terms(queries: Iterable[str]) -> tuple[re.Pattern[str], ...]:
    """Compiled patterns for the positive terms of the given queries (unparseable ones are skipped)."""
    patterns: list[re.Pattern[str]] = []
    for text in queries:
        if not text:
            continue
        try:
            root = parse_query(text).root
        except QueryError:
            continue
        for term in _positive_terms(root):
            tail = "" if term.prefix else "(?= )"
            patterns.append(re.compile(" (" + term_regex(term) + ")" + tail))
    return tuple(dict.fromkeys(patterns))


def _words(text: str) -> tuple[list[str], str, list[int], list[int]]:
    """Original words; the padded normalised text; start offset of each normalised token in it; and
    the original word each normalised token came from."""
    words = text.split()
    tokens: list[str] = []
    owner: list[int] = []
    for i, w in enumerate(words):
        for tok in normalize(w).split():
            tokens.append(tok)
            owner.append(i)
    offsets, pos = [], 1
    for tok in tokens:
        offsets.append(pos)
        pos += len(tok) + 1
    return words, " " + " ".join(tokens) + " ", offsets, owner


def _clip(words: list[str], start: int, end: int, *, lead: bool, trail: bool) -> str:
    text = " ".join(words[start:end])
    if text and lead:
        text = ELLIPSIS + text
    if text and trail:
        text += ELLIPSIS
    return text


def snippets(title: str, summary: str, patterns: tuple[re.Pattern[str], ...]) -> Snippet:
    """The snippet for one article: around the earliest hit in the summary, else its opening words.

    `title` is accepted for symmetry with the matcher, but never repeated: the list shows it already.
    """
    del title
    words, padded, offsets, owner = _words(summary or "")
    best: tuple[int, int] | None = None  # (first token, last token) of the earliest hit
    for pattern in patterns:
        m = pattern.search(padded)
        if m is None:
            continue
        first = bisect_right(offsets, m.start(1)) - 1
        last = first + m.group(1).count(" ")
        if best is None or first < best[0]:
            best = (first, last)
    if best is None:
        n = min(len(words), WORDS_NO_HIT)
        return Snippet("", "", _clip(words, 0, n, lead=False, trail=n < len(words)))
    w0, w1 = owner[best[0]], owner[best[1]]
    b0 = max(0, w0 - WORDS_BEFORE)
    a1 = min(len(words), w1 + 1 + WORDS_AFTER)
    return Snippet(
        _clip(words, b0, w0, lead=b0 > 0, trail=False),
        " ".join(words[w0 : w1 + 1]),
        _clip(words, w1 + 1, a1, lead=False, trail=a1 < len(words)),
    )
