"""The query language: syntax, errors with positions, the Python matcher, describe() and query_hash()."""

from __future__ import annotations

import pytest

from ingest.errors import QueryError
from ingest.query import (
    And,
    Field,
    MatchDoc,
    Near,
    Not,
    Or,
    Term,
    describe,
    matches,
    parse_query,
    query_hash,
)
from ingest.text import normalize, pad
from tests.fixtures.query_corpus import ARTICLES, PAIR_CASES, QUERIES, Article


def doc(title: str, summary: str = "", **meta: object) -> MatchDoc:
    """A MatchDoc built the way stored articles are (text model: " title | summary ")."""
    return MatchDoc(
        text_norm=f" {normalize(title)} | {normalize(summary)} ",
        title_norm=pad(normalize(title)),
        countries=frozenset(meta.get("countries", ())),  # type: ignore[arg-type]
        source_norm=normalize(str(meta.get("source", ""))),
        source_country=str(meta.get("source_country", "")),
        language=str(meta.get("language", "")),
    )


def article_doc(a: Article) -> MatchDoc:
    return doc(
        a.title,
        a.summary,
        countries=a.countries,
        source=a.source,
        source_country=a.source_country,
        language=a.language,
    )


def w(*tokens: str, prefix: bool = False, title: bool = False) -> Term:
    return Term(tokens, prefix, title)


# --- syntax -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "tree"),
    [
        pytest.param("gaza", w("gaza"), id="word"),
        pytest.param("Gaza ceasefire", And((w("gaza"), w("ceasefire"))), id="implicit-and"),
        pytest.param('"United Nations"', w("united", "nations"), id="phrase"),
        pytest.param("F-16", w("f", "16"), id="hyphenated-word-is-phrase"),
        pytest.param("U.S.", w("u", "s"), id="dotted-word-is-phrase"),
        pytest.param("negotiat*", w("negotiat", prefix=True), id="wildcard"),
        pytest.param('"al jaz*"', w("al", "jaz", prefix=True), id="wildcard-ending-a-phrase"),
        pytest.param("غزة", w("غزه"), id="arabic-normalised"),
        pytest.param("a AND b", And((w("a"), w("b"))), id="and"),
        pytest.param("a OR b", Or((w("a"), w("b"))), id="or"),
        pytest.param("a NOT b", And((w("a"), Not(w("b")))), id="not"),
        pytest.param("a -b", And((w("a"), Not(w("b")))), id="minus-word"),
        pytest.param('a -"b c"', And((w("a"), Not(w("b", "c")))), id="minus-phrase"),
        pytest.param("a -(b OR c)", And((w("a"), Not(Or((w("b"), w("c")))))), id="minus-group"),
        pytest.param("a NEAR/5 b", Near((w("a"),), (w("b"),), 5), id="near"),
        pytest.param("(a OR b) NEAR/3 c", Near((w("a"), w("b")), (w("c"),), 3), id="near-with-or-group"),
        pytest.param("a b OR c", Or((And((w("a"), w("b"))), w("c"))), id="and-binds-tighter-than-or"),
        pytest.param("a OR b c", Or((w("a"), And((w("b"), w("c"))))), id="or-then-implicit-and"),
        pytest.param("NOT a b", And((Not(w("a")), w("b"))), id="not-binds-tightest"),
        pytest.param(
            "a NEAR/2 b c", And((Near((w("a"),), (w("b"),), 2), w("c"))), id="near-binds-tighter-than-and"
        ),
        pytest.param("a OR b NEAR/2 c", Or((w("a"), Near((w("b"),), (w("c"),), 2))), id="near-inside-or"),
        pytest.param("a AND (b OR c)", And((w("a"), Or((w("b"), w("c"))))), id="brackets"),
        pytest.param("a b c", And((w("a"), w("b"), w("c"))), id="and-chain-flattened"),
        pytest.param("country:eg", Field("country", "EG"), id="country-code-upper-cased"),
        pytest.param("Country:EG", Field("country", "EG"), id="field-name-any-case"),
        pytest.param("sourcecountry:gb", Field("sourcecountry", "GB"), id="sourcecountry"),
        pytest.param("lang:AR", Field("lang", "ar"), id="lang-lower-cased"),
        pytest.param('source:"Al Jazeera"', Field("source", "al jazeera"), id="source-normalised"),
        pytest.param("source:BBC*", Field("source", "bbc", prefix=True), id="source-prefix"),
        pytest.param("title:Gaza", w("gaza", title=True), id="title-word"),
        pytest.param('title:"white house"', w("white", "house", title=True), id="title-phrase"),
        pytest.param("title:wash*", w("wash", prefix=True, title=True), id="title-wildcard"),
        pytest.param("-country:US gaza", And((Not(Field("country", "US")), w("gaza"))), id="negated-field"),
        pytest.param('"and"', w("and"), id="quoted-operator-word-is-searched"),
        pytest.param('"rock and roll"', w("rock", "and", "roll"), id="operator-word-inside-phrase"),
        pytest.param("gaza – rafah", And((w("gaza"), w("rafah"))), id="punctuation-between-words-ignored"),
        pytest.param("10:30", w("10", "30"), id="digits-before-colon-not-a-field"),
        pytest.param("gaza\u00a0rafah", And((w("gaza"), w("rafah"))), id="no-break-space-separates-words"),
        pytest.param('"أو"', w("او"), id="quoted-arabic-or-is-searched"),
    ],
)
def test_parse_query_builds_the_expected_tree(query: str, tree: object) -> None:
    assert parse_query(query).root == tree


def test_parse_query_keeps_the_source_text() -> None:
    assert parse_query("  Gaza  ").text == "  Gaza  "


# --- errors -------------------------------------------------------------------------------------

TOO_MANY = " ".join(f"w{i}" for i in range(65))


@pytest.mark.parametrize(
    ("query", "position", "message"),
    [
        pytest.param("", 0, "the query is empty", id="empty"),
        pytest.param("   ", 0, "the query is empty", id="blank"),
        pytest.param("a (b OR c", 2, "this ( is never closed", id="open-bracket"),
        pytest.param("a (", 2, "this ( is never closed", id="open-bracket-at-end"),
        pytest.param("a b) c", 3, "this ) has no matching (", id="close-bracket"),
        pytest.param("a ()", 2, "these brackets are empty", id="empty-brackets"),
        pytest.param("a OR", 2, "OR needs a term on both sides", id="or-at-end"),
        pytest.param("OR a", 0, "OR needs a term on both sides", id="or-at-start"),
        pytest.param("a AND OR b", 2, "AND needs a term on both sides", id="and-then-or"),
        pytest.param("(AND a)", 1, "AND needs a term on both sides", id="and-after-bracket"),
        pytest.param("a NOT", 2, "NOT needs a term right after it", id="not-at-end"),
        pytest.param("a NEAR/3", 2, "NEAR/3 needs a term on both sides", id="near-at-end"),
        pytest.param("gaza and rafah", 5, "write operators in capitals: AND", id="lower-and"),
        pytest.param("gaza or rafah", 5, "write operators in capitals: OR", id="lower-or"),
        pytest.param("gaza Not hamas", 5, "write operators in capitals: NOT", id="mixed-case-not"),
        pytest.param("gaza near/5 rafah", 5, "write operators in capitals: NEAR/5", id="lower-near"),
        pytest.param("غزة أو رفح", 4, "write operators in capitals: OR", id="arabic-or"),
        pytest.param("غزة و رفح", 4, "write operators in capitals: AND", id="detached-arabic-and"),
        pytest.param("a NEAR b", 2, "NEAR needs a distance from 1 to 50", id="near-without-distance"),
        pytest.param("a NEAR/0 b", 2, "NEAR needs a distance from 1 to 50", id="near-zero"),
        pytest.param("a NEAR/51 b", 2, "NEAR needs a distance from 1 to 50", id="near-too-far"),
        pytest.param("a NEAR/x b", 2, "NEAR needs a distance from 1 to 50", id="near-not-a-number"),
        pytest.param("a NEAR/2 b NEAR/2 c", 11, "NEAR joins two terms", id="near-chain"),
        pytest.param("NOT a NEAR/2 b", 0, "NEAR works between words", id="near-on-negation"),
        pytest.param("country:EG NEAR/2 b", 0, "NEAR works between words", id="near-on-field"),
        pytest.param("(a b) NEAR/2 c", 1, "NEAR works between words", id="near-on-and-group"),
        pytest.param("*", 0, "a wildcard needs at least 2 letters", id="bare-star"),
        pytest.param("gaza w*", 5, "a wildcard needs at least 2 letters", id="one-letter-wildcard"),
        pytest.param("U.S*", 0, "a wildcard needs at least 2 letters", id="one-letter-wildcard-after-dot"),
        pytest.param("wa*sh", 2, "* can only end a word", id="star-inside-word"),
        pytest.param('"white *house"', 7, "* can only end a word", id="star-inside-phrase"),
        pytest.param('a "white house', 2, 'this " is never closed', id="open-quote"),
        pytest.param('a ""', 2, "no letters or digits", id="empty-phrase"),
        pytest.param("!!!", 0, "no letters or digits", id="only-punctuation"),
        pytest.param("a foo:bar", 2, 'unknown field "foo:"', id="unknown-field"),
        pytest.param("country:Egypt", 0, "two-letter country code", id="country-name"),
        pytest.param("country:", 0, "country: needs a value", id="country-empty"),
        pytest.param("country:E1", 0, "two-letter country code", id="country-with-digit"),
        pytest.param("lang:arabic", 0, "two-letter language code", id="lang-name"),
        pytest.param("a title:(b OR c)", 8, "title: takes a single word", id="title-with-brackets"),
        pytest.param("-hamas", 0, "a query can't be only exclusions", id="only-minus"),
        pytest.param("NOT hamas", 0, "a query can't be only exclusions", id="only-not"),
        pytest.param("-a -b", 0, "a query can't be only exclusions", id="only-exclusions"),
        pytest.param("gaza OR -hamas", 8, "a query can't be only exclusions", id="exclusion-as-or-branch"),
        pytest.param("gaza - hamas", 5, "a minus sign must touch the word", id="detached-minus"),
        pytest.param("gaza || rafah", 5, "write OR instead of ||", id="pipes"),
        pytest.param("gaza && rafah", 5, "write AND instead of &&", id="ampersands"),
        pytest.param("x" * 1001, 1000, "at most 1,000 characters", id="too-long"),
        pytest.param(TOO_MANY, TOO_MANY.index("w64"), "at most 64 terms", id="too-many"),
    ],
)
def test_parse_query_rejects_with_position(query: str, position: int, message: str) -> None:
    with pytest.raises(QueryError) as info:
        parse_query(query)
    err = info.value
    assert message in err.message
    assert err.position == position
    assert err.query == query


def test_parse_query_error_message_lists_valid_fields() -> None:
    with pytest.raises(QueryError) as info:
        parse_query("topic:gaza")
    for name in ("country:", "sourcecountry:", "lang:", "source:", "title:"):
        assert name in info.value.message


def test_parse_query_accepts_exactly_the_limits() -> None:
    parse_query(" ".join(f"w{i}" for i in range(64)))
    parse_query("x" * 1000)
    parse_query("a NEAR/50 b")
    parse_query("a NEAR/1 b")


# --- the Python matcher -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "title", "summary", "expected"),
    [pytest.param(q, t, s, e, id=i) for i, q, t, s, e in PAIR_CASES],
)
def test_matches_single_rule(query: str, title: str, summary: str, expected: bool) -> None:
    assert matches(parse_query(query), doc(title, summary)) is expected


@pytest.mark.parametrize(("query", "expected"), [pytest.param(q, e, id=q) for q, e in QUERIES])
def test_matches_corpus_query(query: str, expected: frozenset[str]) -> None:
    q = parse_query(query)
    assert {a.id for a in ARTICLES if matches(q, article_doc(a))} == expected


def test_matches_field_atoms_read_article_metadata() -> None:
    d = doc("Talks", countries={"EG", "PS"}, source="Al Jazeera", source_country="QA", language="ar")
    for query in ("country:PS talks", 'source:"al-jazeera"', "source:al*", "sourcecountry:qa", "lang:ar"):
        assert matches(parse_query(query), d), query
    for query in ("country:IL talks", "source:jazeera", "source:bbc*", "sourcecountry:GB", "lang:en"):
        assert not matches(parse_query(query), d), query


def test_matches_title_field_ignores_summary() -> None:
    d = doc("Talks in Doha", "ceasefire agreed")
    assert matches(parse_query("title:doha"), d)
    assert not matches(parse_query("title:ceasefire"), d)
    assert matches(parse_query("ceasefire"), d)


# --- describe and query_hash ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "canonical"),
    [
        ("Gaza  ceasefire", "gaza AND ceasefire"),
        ("(gaza OR غزة) -Hamas", "(gaza OR غزه) AND NOT hamas"),
        ("a b OR c", "(a AND b) OR c"),
        ('"F-16" OR F-16', '"f 16" OR "f 16"'),
        ('-(a OR b) c NEAR/3 "d e"', 'NOT (a OR b) AND c NEAR/3 "d e"'),
        (
            '(a OR b) NEAR/2 cc* country:eg source:"Al Jazeera" title:x',
            '(a OR b) NEAR/2 cc* AND country:EG AND source:"al jazeera" AND title:x',
        ),
        ('"and" near_', '"and" AND "near"'),
    ],
)
def test_describe_gives_canonical_form(query: str, canonical: str) -> None:
    assert describe(parse_query(query)) == canonical


@pytest.mark.parametrize("query", [q for q, _ in QUERIES] + ['"al jaz*" source:bbc* -(a NEAR/2 (b OR c))'])
def test_describe_parses_back_to_the_same_query(query: str) -> None:
    q = parse_query(query)
    assert parse_query(describe(q)) == q


def test_query_hash_ignores_order_case_and_spacing() -> None:
    base = query_hash(parse_query("gaza AND (ceasefire OR truce)"))
    assert query_hash(parse_query("(Truce OR CEASEFIRE)   Gaza")) == base
    assert query_hash(parse_query("gaza (ceasefire OR truce) gaza")) == base
    assert query_hash(parse_query("gaza AND (ceasefire OR truce)")) == base


def test_query_hash_changes_with_meaning() -> None:
    hashes = {
        query_hash(parse_query(q))
        for q in (
            "gaza",
            "gaza*",
            "title:gaza",
            "-x gaza",
            '"gaza city"',
            "gaza city",
            "a NEAR/2 b",
            "a NEAR/3 b",
        )
    }
    assert len(hashes) == 8


def test_query_hash_is_stable_across_releases() -> None:
    # Changing this value means every stored topic will be retagged: do it only on purpose, together
    # with MATCH_RULES_VERSION.
    assert (
        query_hash(parse_query("gaza -hamas"))
        == "99d12776fdd44b9e4aca321abc765598c7e981e9da59a6f0c083a1b24fb83a47"
    )
