"""to_sql(): run against a real DuckDB file, it returns exactly the articles the Python matcher picks,
with and without the word-signature prefilter (every query here is run both ways).

The database mirrors the columns of ingest/store/schema.py that the query language reads.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from ingest.errors import QueryError
from ingest.query import MatchDoc, Query, matches, parse_query, to_sql
from ingest.query.signature import word_signature
from ingest.text import normalize, pad
from tests.fixtures.query_corpus import ARTICLES, PAIR_CASES, QUERIES, Article

_DDL = (
    """CREATE TABLE articles (
        id VARCHAR PRIMARY KEY, source VARCHAR NOT NULL, source_norm VARCHAR NOT NULL,
        source_country VARCHAR NOT NULL, language VARCHAR NOT NULL, title VARCHAR NOT NULL,
        summary VARCHAR NOT NULL, text_norm VARCHAR NOT NULL, title_norm VARCHAR NOT NULL, word_sig BIT)""",
    "CREATE TABLE article_countries (article_id VARCHAR NOT NULL, country VARCHAR NOT NULL, mentions INTEGER NOT NULL)",
)


def _doc(a: Article) -> MatchDoc:
    return MatchDoc(
        text_norm=f" {normalize(a.title)} | {normalize(a.summary)} ",
        title_norm=pad(normalize(a.title)),
        countries=a.countries,
        source_norm=normalize(a.source),
        source_country=a.source_country,
        language=a.language,
    )


def _insert(con: duckdb.DuckDBPyConnection, table: str, rows: list[tuple[object, ...]], last: str = "?") -> None:
    """One multi-row INSERT (executemany runs one statement per row and is slow); `last` is the
    placeholder of the last column (a cast for the word signature's bytes)."""
    if rows:
        one = "(" + ", ".join("?" for _ in rows[0][:-1]) + f", {last})"
        con.execute(
            f"INSERT INTO {table} VALUES " + ", ".join(one for _ in rows), [v for r in rows for v in r]
        )


def _build_db(path: Path, articles: tuple[Article, ...] | list[Article]) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(str(path))
    for stmt in _DDL:
        con.execute(stmt)
    rows = []
    for a in articles:
        d = _doc(a)
        rows.append(
            (
                a.id,
                a.source,
                d.source_norm,
                a.source_country,
                a.language,
                a.title,
                a.summary,
                d.text_norm,
                d.title_norm,
                word_signature(d.text_norm, d.title_norm),
            )
        )
    _insert(con, "articles", rows, "?::BLOB::BIT")
    _insert(con, "article_countries", [(a.id, c, 1) for a in articles for c in sorted(a.countries)])
    return con


@pytest.fixture(scope="module")
def corpus_db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[duckdb.DuckDBPyConnection]:
    con = _build_db(tmp_path_factory.mktemp("query") / "corpus.duckdb", ARTICLES)
    yield con
    con.close()


def sql_ids(con: duckdb.DuckDBPyConnection, q: Query, alias: str = "a") -> set[str]:
    """The ids to_sql selects; the same query with the word-signature prefilter must select the same."""
    found = []
    for word_sig in (False, True):
        predicate, params = to_sql(q, alias, word_sig=word_sig)
        rows = con.execute(f"SELECT {alias}.id FROM articles {alias} WHERE {predicate}", params).fetchall()
        found.append({r[0] for r in rows})
    assert found[0] == found[1], f"the word signature changed the answer of {q.text!r}"
    return found[0]


def python_ids(q: Query, articles: tuple[Article, ...] | list[Article] = ARTICLES) -> set[str]:
    return {a.id for a in articles if matches(q, _doc(a))}


# --- agreement ----------------------------------------------------------------------------------


@pytest.mark.parametrize(("query", "expected"), [pytest.param(q, e, id=q) for q, e in QUERIES])
def test_to_sql_agrees_with_matcher_on_corpus(
    corpus_db: duckdb.DuckDBPyConnection, query: str, expected: frozenset[str]
) -> None:
    q = parse_query(query)
    assert sql_ids(corpus_db, q) == python_ids(q) == expected


def test_corpus_is_big_enough_to_mean_something() -> None:
    assert len(ARTICLES) >= 60 and len(QUERIES) >= 40
    assert sum(1 for a in ARTICLES if a.language == "ar") >= 30
    hits = [e for _, e in QUERIES]
    assert sum(1 for e in hits if e) >= 40 and sum(1 for e in hits if not e) >= 3


@pytest.mark.parametrize(
    ("query", "title", "summary", "expected"),
    [pytest.param(q, t, s, e, id=i) for i, q, t, s, e in PAIR_CASES],
)
def test_to_sql_single_rule(tmp_path: Path, query: str, title: str, summary: str, expected: bool) -> None:
    con = _build_db(
        tmp_path / "one.duckdb", [Article("x", "Reuters", "GB", "en", frozenset(), title, summary)]
    )
    assert sql_ids(con, parse_query(query)) == ({"x"} if expected else set())
    con.close()


# Generated queries over generated texts: any difference between Python's re and DuckDB's RE2, or
# between `in` and contains(), shows up here even where no hand-written case thought of it.
_VOCAB = (
    "غزه وغزه بغزه لغزه غزوه الهدنه والهدنه للهدنه هدنه هدنتين القاهره بالقاهره للقاهره قاهره "
    "كيف التكييف واشنطن وواشنطن مفاوضات المفاوضون تفاوض gaza bus us ceasefire cease fire talks "
    "resume resumed negotiators negotiations washington washingtonians 16 f un"
).split()
_TERMS = (
    "غزة هدنة القاهرة قاهرة كيف واشنطن مفاوض* هدن* gaza us talks resum* negotiat* wash* washington "
    '"cease fire" "talks resume" "وغزة الهدنة" "الهدنة في" F-16 un'
).split(" ")


def _random_query(rng: random.Random, depth: int = 0) -> str:
    roll = rng.random()
    if depth >= 2 or roll < 0.35:
        t = rng.choice(_TERMS)
        return rng.choice((t, t, f"title:{t}"))
    if roll < 0.55:
        a, b = rng.choice(_TERMS), rng.choice(_TERMS)
        return f"{a} NEAR/{rng.randint(1, 4)} {b}"
    left, right = _random_query(rng, depth + 1), _random_query(rng, depth + 1)
    op = rng.choice(("AND", "OR", "", "-", "country:EG"))
    if op == "-":
        return f"({left}) -({right})"
    if op == "country:EG":
        return f"({left}) {rng.choice(('', '-'))}country:EG"
    return f"({left}) {op} ({right})"


def test_to_sql_agrees_with_matcher_on_generated_cases(tmp_path: Path) -> None:
    rng = random.Random(20261129)
    articles = [
        Article(
            f"g{i:03}",
            rng.choice(("Reuters", "Al Jazeera")),
            "GB",
            "en",
            frozenset(rng.sample(("EG", "PS", "US"), rng.randint(0, 2))),
            " ".join(rng.choices(_VOCAB, k=rng.randint(1, 6))),
            " ".join(rng.choices(_VOCAB, k=rng.randint(0, 8))),
        )
        for i in range(300)
    ]
    con = _build_db(tmp_path / "generated.duckdb", articles)
    nonempty = 0
    for _ in range(150):
        text = _random_query(rng)
        try:
            q = parse_query(text)
        except QueryError:
            continue  # e.g. a generated query made only of exclusions
        got = python_ids(q, articles)
        assert sql_ids(con, q) == got, text
        nonempty += bool(got)
    con.close()
    assert nonempty >= 50  # the generator really exercises matches, not just empty results


# The SQL back-end tests a Latin word's needle without its leading space first ("gaza " before
# " gaza "), a short OR word by word and a long OR as one regex, and an AND in its own cost order:
# texts where only the cheap first test passes, and ORs on either side of the length threshold.
_NEAR_MISS_VOCAB = [
    *_VOCAB,
    *"algaza xceasefire renegotiated prewashington shred sea red sea truce hamas غزة لغزة هدنة".split(),
]
_OR_TERMS = [*_TERMS, "truce", "hamas", '"red sea"', "sea", "ceasefire", "title:gaza", "title:غزة"]


def _long_query(rng: random.Random) -> str:
    words = rng.sample(_OR_TERMS, rng.randint(2, 12))
    disjunction = "(" + " OR ".join(words) + ")"
    extra = rng.choice(("", "gaza", "-hamas", "NOT (truce OR هدنة)", "country:EG", "-ceasefire"))
    return rng.choice((f"{disjunction} {extra}", f"{extra} {disjunction}")).strip()


@pytest.mark.parametrize(
    ("query", "title", "expected"),
    [
        ("gaza", "algaza talks", False),
        ("gaza", "talks in gaza", True),
        ("ceasefire", "xceasefire now", False),
        ("negotiat*", "renegotiated deal", False),
        ("negotiat*", "negotiators meet", True),
        ('"red sea"', "shred sea", False),
        ('"red sea"', "the red sea", True),
        ("wash*", "prewashington", False),
        ("gaza -hamas", "algaza gaza", True),
        ("gaza -hamas", "gaza xhamas", True),
        ("gaza -hamas", "gaza hamas", False),
    ],
)
def test_to_sql_cheap_first_tests_never_change_the_answer(
    tmp_path: Path, query: str, title: str, expected: bool
) -> None:
    con = _build_db(tmp_path / "near.duckdb", [Article("x", "Reuters", "GB", "en", frozenset(), title, "")])
    q = parse_query(query)
    assert (
        sql_ids(con, q)
        == python_ids(q, [Article("x", "Reuters", "GB", "en", frozenset(), title, "")])
        == ({"x"} if expected else set())
    )
    con.close()


def test_to_sql_agrees_with_matcher_on_long_and_short_ors(tmp_path: Path) -> None:
    rng = random.Random(7)
    articles = [
        Article(
            f"o{i:03}",
            "Reuters",
            "GB",
            "en",
            frozenset(rng.sample(("EG", "PS"), rng.randint(0, 1))),
            " ".join(rng.choices(_NEAR_MISS_VOCAB, k=rng.randint(1, 6))),
            " ".join(rng.choices(_NEAR_MISS_VOCAB, k=rng.randint(0, 8))),
        )
        for i in range(300)
    ]
    con = _build_db(tmp_path / "ors.duckdb", articles)
    shapes: set[bool] = set()
    nonempty = 0
    for _ in range(120):
        try:
            q = parse_query(_long_query(rng))
        except QueryError:
            continue  # a generated combination the language refuses
        _, params = to_sql(q)
        shapes.add(any(str(p).startswith(" (?:") for p in params))  # one regex for the whole OR
        got = python_ids(q, articles)
        assert sql_ids(con, q) == got, q.text
        nonempty += bool(got)
    con.close()
    assert shapes == {True, False}  # both the word-by-word and the one-regex form were exercised
    assert nonempty >= 40


def test_to_sql_tests_the_boolean_keyword_query_cheapest_first() -> None:
    # The dashboard's typical boolean: the cheap Latin test of the first group runs over every row,
    # the NOT only on rows that already matched both groups (it used to run first, on all rows).
    predicate, params = to_sql(parse_query("(gaza OR غزة) AND (truce OR ceasefire OR هدنة) AND NOT hamas"))
    assert params[0] == "gaza "
    assert params[-2:] == ["hamas ", " hamas "]
    assert predicate.startswith("CASE WHEN")
    assert " (?:" not in "".join(str(p) for p in params)  # three words: no alternation regex


# --- the SQL text --------------------------------------------------------------------------------


def test_to_sql_uses_the_given_alias(corpus_db: duckdb.DuckDBPyConnection) -> None:
    q = parse_query("country:EG title:gaza lang:en sourcecountry:GB source:reuters")
    predicate, _ = to_sql(q, "art")
    assert " a." not in predicate and "(a." not in predicate
    assert sql_ids(corpus_db, q, "art") == {"en01"}
    assert sql_ids(corpus_db, q, "ac") == {"en01"}  # the country subquery must not capture the alias


def test_to_sql_refuses_an_alias_that_is_not_an_identifier() -> None:
    with pytest.raises(ValueError):
        to_sql(parse_query("gaza"), "a; DROP TABLE articles")


INJECTIONS = [
    "'; DROP TABLE articles; --",
    '") OR 1=1 --',
    "country:XX') OR (1=1",
    "gaza') OR ('1'='1",
    "\\'; DELETE FROM articles; --",
    "gaza\\",
    "source:\"x' OR '1'='1\"",
    "title:gaza'--",
    "lang:a'",
    "sourcecountry:E'",
    "source:al*'",
    "%",
    "_",
    "gaza%",
    "g_za",
    ".*",
    "a.*b",
    "(.*)",
    "[a-z]+",
    "{1,3}",
    "^gaza$",
    "a|b",
    "\\d+ OR \\w",
    "$ ? + gaza",
    "غزة' OR '1'='1",
    "gaza NEAR/2 'x",
    "concat(1) gaza",
]


@pytest.mark.parametrize("query", INJECTIONS)
def test_to_sql_keeps_user_text_out_of_the_sql(tmp_path: Path, query: str) -> None:
    con = _build_db(tmp_path / "inj.duckdb", ARTICLES)
    try:
        q = parse_query(query)
    except QueryError as e:
        assert isinstance(e.position, int) and 0 <= e.position <= len(query)
    else:
        predicate, params = to_sql(q)
        # The templates contain no quotes, semicolons or comments: any in the SQL came from the user.
        for bad in ("'", '"', ";", "--", "\\", "DROP", "DELETE", "1=1"):
            assert bad not in predicate
        assert predicate.count("?") == len(params)
        assert sql_ids(con, q) == python_ids(q)
    tables = {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
    assert tables == {"articles", "article_countries"}
    assert con.execute("SELECT count(*) FROM articles").fetchall() == [(len(ARTICLES),)]
    con.close()


def test_to_sql_matches_metacharacters_literally(corpus_db: duckdb.DuckDBPyConnection) -> None:
    # "a.c" must not behave like the regex a.c, "(c)" not like a group, "g|h" not like an alternation.
    for query, expected in (
        ("a+b", {"en32"}),
        ("a.b", {"en32"}),
        ("a.c", set()),
        ("(c)", {"en19", "en32"}),
        ("g|h", {"en32"}),
    ):
        q = parse_query(query)
        assert sql_ids(corpus_db, q) == python_ids(q) == expected, query
