"""Marsad's boolean query language: one parser, two back-ends that agree exactly.

Topics (data/topics.toml) and the dashboard's keyword box share it. `parse_query()` reads the text
once; `matches()` tests one article in Python (tagging at ingest) and `to_sql()` gives the same
condition as a DuckDB expression with bound parameters (filtering stored articles). Both execute the
same substring needles and regexes (see plans.py), so they return the same articles.

Syntax, for users:
    gaza ceasefire            both words (implicit AND)       "exact phrase"     negotiat*  (≥ 2 letters)
    a AND b, a OR b, NOT a, -a, -"a phrase", -(a OR b), ( … )     operators in capitals only
    a NEAR/5 b                a and b at most 5 words apart, either order (NEAR/1: next to each other)
    country:EG  sourcecountry:GB  lang:ar  source:"Al Jazeera"  source:bbc*  title:word  title:"phrase"
Precedence: NOT > NEAR > AND > OR. Arabic words also match with attached و ف ب ك ل ال (واشنطن finds
وواشنطن, القاهرة finds بالقاهرة and للقاهرة), always as whole words (غزة never finds غزوة).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ingest.query.canonical import MATCH_RULES_VERSION, describe_tree, hash_tree
from ingest.query.nodes import And, Field, Near, Node, Not, Or, Term
from ingest.query.pymatch import MatchDoc, Matcher, compile_matcher
from ingest.query.sql import tree_to_sql
from ingest.query.syntax import FIELDS, MAX_NEAR, MAX_QUERY_CHARS, MAX_TERMS, parse_tree

__all__ = [
    "FIELDS",
    "MATCH_RULES_VERSION",
    "MAX_NEAR",
    "MAX_QUERY_CHARS",
    "MAX_TERMS",
    "And",
    "Field",
    "MatchDoc",
    "Near",
    "Node",
    "Not",
    "Or",
    "Query",
    "Term",
    "describe",
    "matches",
    "parse_query",
    "query_hash",
    "to_sql",
]


@dataclass(frozen=True)
class Query:
    """A parsed query: its syntax tree and the text it was read from. Equal when the trees are."""

    text: str = field(compare=False)
    root: Node
    _matcher: Matcher = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        # Compiled once here so that matching an article costs no parsing or regex compilation.
        object.__setattr__(self, "_matcher", compile_matcher(self.root))


def parse_query(text: str) -> Query:
    """Parse `text`; raises QueryError(message, position, query) with a message for the user."""
    return Query(text, parse_tree(text))


def matches(q: Query, doc: MatchDoc) -> bool:
    """Whether one article matches (the same answer to_sql gives for its stored row)."""
    return q._matcher(doc)


def to_sql(q: Query, alias: str = "a", *, word_sig: bool = False) -> tuple[str, list[object]]:
    """A DuckDB boolean expression over `articles` aliased `alias`, and its `?` parameters in order.

    Reads {alias}.text_norm, .title_norm, .source_norm, .source_country, .language, .id and the
    table article_countries(article_id, country). User text is only ever in the parameters.
    `word_sig` also reads {alias}.word_sig (schema 4) to skip articles whose word signature rules
    a match out: same answer, less text read. Leave it off for a table without that column.
    """
    return tree_to_sql(q.root, alias, word_sig)


def query_hash(q: Query) -> str:
    """A stable hash of what the query means (reordering AND/OR terms keeps it; any change in the
    matching rules changes it), for deciding when stored articles must be retagged."""
    return hash_tree(q.root)


def describe(q: Query) -> str:
    """The canonical form, e.g. `(gaza OR غزه) AND NOT hamas AND "united nations"`; parses back to an
    equal Query."""
    return describe_tree(q.root)
