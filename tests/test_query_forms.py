"""The Python matcher's whole-word forms are exactly the tokens plans.py's regexes accept.

Tagging at ingest tests a one-word term by looking its forms up in the article's set of tokens
instead of running the regex; if the two definitions drifted apart, topics tagged at ingest would
differ from the dashboard's SQL filter and from a retag.
"""

from __future__ import annotations

import itertools
import re

import pytest

from ingest.query.nodes import Term
from ingest.query.plans import term_test
from ingest.query.pymatch import whole_token_forms

_PREFIX_LETTERS = "وفبكلا"


def _candidates(word: str) -> set[str]:
    """The word with every string of up to four prefix letters in front, and with its first letters cut."""
    out = {word, word[1:], word[2:], word[3:]}
    for n in range(1, 5):
        for combo in itertools.product(_PREFIX_LETTERS, repeat=n):
            out.add("".join(combo) + word)
            out.add("".join(combo) + word[2:])  # an article word with its article replaced
    return {c for c in out if c}


@pytest.mark.parametrize("word", ["واشنطن", "غزه", "القاهره", "لبنان", "الامم", "ال", "فرنسا", "ceasefire"])
def test_forms_are_exactly_what_the_regex_accepts(word: str) -> None:
    term = Term((word,))
    test = term_test(term)
    forms = whole_token_forms(term)
    assert forms is not None
    for token in _candidates(word):
        padded = f" {token} "
        by_regex = (test.pattern is None and f" {word} " == padded) or (
            test.pattern is not None and re.fullmatch(test.pattern, padded) is not None)
        assert (token in forms) == by_regex, (word, token)


def test_phrases_and_wildcards_have_no_whole_token_forms() -> None:
    assert whole_token_forms(Term(("red", "sea"))) is None
    assert whole_token_forms(Term(("negotiat",), prefix=True)) is None
