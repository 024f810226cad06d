"""The SQL back-end: a syntax tree → a DuckDB boolean expression with `?` parameters.

Every piece of user text travels as a bound parameter; the SQL text is assembled only from the
fixed templates below and the caller's table alias (checked to be a plain identifier). This module
does not import duckdb: the store runs the expression.

Speed over a million articles comes from three measured facts about DuckDB 2.0 (2 cores, CPU time
for one pass of a filter over the 1M-article corpus's text_norm):
- `contains()` finds its needle's first byte with memchr, so its cost follows how common that byte
  is: ' gaza ' (a space first) 360 ms, 'gaza ' 140 ms, any Arabic needle ~390 ms (every Arabic
  letter starts with the byte D8 or D9). A Latin needle is therefore tested first without its
  leading space, then exactly, only on the few rows that passed.
- An RE2 alternation costs 600–1,000 ms a pass, however few its words, so an OR of a few words is
  cheaper as one `contains()` each; long ORs (topics of twenty words) stay one alternation.
- DuckDB evaluates a conjunction left to right on the rows still selected, but it moves some
  conjuncts (e.g. `NOT contains(…)`) into the table scan, where they run on every row first. A
  CASE keeps the order chosen here: the cheapest, most selective test over all rows, the others
  only on its survivors.
The answer never depends on these choices: every extra test is implied by the exact one it guards.
Measured on the 1M corpus (CPU time, 2 threads): the boolean `(gaza OR غزة) AND (truce OR ceasefire
OR هدنة) AND NOT hamas` 930 → 580 ms, a word 370 → 160 ms; the 11 default topics (a full retag's
queries) 11.6 → 6.7 s. An Arabic word alone is unchanged (~430 ms): its needle is the floor.

Below that floor, with `word_sig=True` (schema 4): every word, phrase and NEAR first tests its bits
in the article's word signature (ingest.query.signature), `get_bit` on 32 bytes (~11 ms a bit over
1M rows), and runs its substring tests only where they are all set. The whole query gets the same
guard built from its atoms (OR: any; AND: all; NOT, wildcards and fields add nothing), so the
articles that cannot match are dismissed before any text is read. A signature only ever lets too
many rows through, so the exact test still decides; a row without a signature (NULL) always passes.
Measured over all of the 1M corpus (wall time, bench.query_bench): `واشنطن` 465 → 103 ms, the boolean
above 309 → 113 ms, `"red sea"` 233 → 90 ms; the 11 default topics 4.5 → 4.1 s.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ingest.query.nodes import And, Field, Near, Node, Not, Or, Term
from ingest.query.plans import TextTest, near_test, term_regex, term_test
from ingest.query.signature import term_bits

_ALIAS_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")

# Field atom → SQL template; "{a}" is the articles alias, "{c}" the article_countries alias.
_FIELD_SQL = {
    "country": "EXISTS (SELECT 1 FROM article_countries {c} WHERE {c}.article_id = {a}.id AND {c}.country = ?)",
    "sourcecountry": "{a}.source_country = ?",
    "lang": "{a}.language = ?",
    "source": "{a}.source_norm = ?",
    "source*": "starts_with({a}.source_norm, ?)",
}

# Rough cost of one pass over every row, in units of a `contains()` whose needle starts with an ASCII
# letter or digit (see the module docstring for the measurements behind the ratios).
_COST_ASCII_NEEDLE = 1.0
_COST_OTHER_NEEDLE = 3.0  # a space or an Arabic letter first
_COST_ALTERNATION = 7.0
_COST_FIELD = 0.2
_COST_COUNTRY = 2.0
# The share of rows a test lets through (a guess: the corpus's common words pass 3-8 %), so a NOT,
# which lets nearly every row through, runs after the tests that narrow the rows down.
_PASSES_TEXT = 0.1
_PASSES_FIELD = 0.3
_MIN_PREFILTER_CHARS = 3  # a shorter needle ('us') passes too many rows to be worth a first pass
_COST_BIT = 0.08  # one get_bit over every row (~11 ms at 1M) against ~140 ms for the unit
# A word's bit is set in about a tenth of articles (the 1M corpus: 21 of 256 bits set on average, a
# common word's bit more often). An OR of many words passes most articles: such a guard costs a
# get_bit per word and prunes little (the default topics' long ORs ran slower behind one), so a
# guard expected to pass more than half of the articles is not tested (it still joins a parent's).
_PASSES_BIT = 0.1
_MAX_GUARD_PASSES = 0.5


@dataclass(frozen=True)
class _Sql:
    """A compiled condition: its SQL, its parameters in order, its estimated cost of a pass over
    every row and the estimated share of rows it lets through."""

    sql: str
    params: tuple[object, ...]
    cost: float
    passes: float
    guard: _Guard | None = None  # implied by this condition: bits every matching article has set
    tests_guard: bool = False  # the SQL already starts by testing `guard`

    def rank(self) -> float:
        """Cost per row it rules out: a conjunction runs the lowest rank first."""
        return self.cost / max(1.0 - self.passes, 1e-3)


@dataclass(frozen=True)
class _Guard:
    """A condition on the word signature alone, implied by the condition it guards: all of `bits`
    (a tuple of bit numbers) and, for each of `any_of`, at least one of its guards."""

    bits: tuple[int, ...] = ()
    any_of: tuple[tuple[_Guard, ...], ...] = ()

    def sql(self, col: str) -> tuple[str, tuple[object, ...]]:
        parts = [f"get_bit({col}, ?) = 1" for _ in self.bits]
        params: list[object] = list(self.bits)
        for alternatives in self.any_of:
            rendered = [g.sql(col) for g in alternatives]
            parts.append("(" + " OR ".join(r[0] for r in rendered) + ")")
            params.extend(p for r in rendered for p in r[1])
        return "(" + " AND ".join(parts) + ")", tuple(params)

    def size(self) -> int:
        return len(self.bits) + sum(g.size() for alt in self.any_of for g in alt)

    def passes(self) -> float:
        """The estimated share of articles whose signature passes (each bit alone: _PASSES_BIT)."""
        share = _PASSES_BIT ** len(self.bits)
        for alternatives in self.any_of:
            missed = 1.0
            for g in alternatives:
                missed *= 1.0 - g.passes()
            share *= 1.0 - missed
        return share


def _guard_all(guards: list[_Guard | None]) -> _Guard | None:
    known = [g for g in guards if g is not None]
    if not known:
        return None
    bits = tuple(sorted({b for g in known for b in g.bits}))
    # The most selective group first: AND tests the next group only on the rows still passing.
    groups = sorted((alt for g in known for alt in g.any_of), key=lambda alt: _Guard((), (alt,)).passes())
    return _Guard(bits, tuple(groups))


def _guard_any(guards: list[_Guard | None]) -> _Guard | None:
    if not guards or any(g is None for g in guards):
        return None  # one alternative that promises nothing makes the whole OR promise nothing
    if len(guards) == 1:
        return guards[0]
    return _Guard((), (tuple(g for g in guards if g is not None),))


def _needle_cost(needle: str) -> float:
    return _COST_ASCII_NEEDLE if needle[:1].isascii() and needle[:1].isalnum() else _COST_OTHER_NEEDLE


def _all_of(parts: list[_Sql]) -> _Sql:
    """A conjunction evaluated in the given order (cheapest first is the caller's job)."""
    if len(parts) == 1:
        return parts[0]
    first, rest = parts[0], _all_of(parts[1:])
    # CASE WHEN runs THEN only on the rows where WHEN holds; ELSE false makes it equal to AND
    # (the columns read are NOT NULL, so no NULL can make the two differ).
    sql = f"CASE WHEN {first.sql} THEN {rest.sql} ELSE false END"
    return _Sql(
        sql, first.params + rest.params, first.cost + first.passes * rest.cost, first.passes * rest.passes,
        _guard_all([first.guard, rest.guard]),
    )


def _any_of(parts: list[_Sql]) -> _Sql:
    if len(parts) == 1:
        return parts[0]
    # OR runs each alternative on the rows the earlier ones rejected: nearly all of them.
    return _Sql(
        "(" + " OR ".join(p.sql for p in parts) + ")",
        tuple(p for x in parts for p in x.params),
        sum(p.cost for p in parts),
        min(1.0, sum(p.passes for p in parts)),
        _guard_any([p.guard for p in parts]),
    )


class _Builder:
    def __init__(self, alias: str, word_sig: bool) -> None:
        if not _ALIAS_RE.fullmatch(alias):
            raise ValueError(f"not a plain SQL identifier: {alias!r}")
        self.alias = alias
        self.word_sig = word_sig
        # The subquery's alias must differ from the outer one or the correlation would bind to itself.
        self.countries_alias = "ac" if alias != "ac" else "ac_q"

    def contains(self, column: str, needle: str) -> _Sql:
        col = f"{self.alias}.{column}"
        exact = _Sql(f"contains({col}, ?)", (needle,), _needle_cost(needle), _PASSES_TEXT)
        body = needle[1:]
        cheaper = _needle_cost(body) < exact.cost
        if needle.startswith(" ") and len(body.strip()) >= _MIN_PREFILTER_CHARS and cheaper:
            # " tok " implies "tok ": the cheap form first, the exact one on its survivors.
            return _all_of([_Sql(f"contains({col}, ?)", (body,), _needle_cost(body), _PASSES_TEXT), exact])
        return exact

    def text(self, test: TextTest) -> _Sql:
        groups = [_any_of([self.contains(test.column, n) for n in group]) for group in test.needles]
        groups.sort(key=_Sql.rank)
        if test.pattern is not None:
            col = f"{self.alias}.{test.column}"
            groups.append(_Sql(f"regexp_matches({col}, ?)", (test.pattern,), _COST_ALTERNATION, _PASSES_TEXT))
        return _all_of(groups)

    def field(self, f: Field) -> _Sql:
        key = "source*" if f.prefix else f.name
        cost = _COST_COUNTRY if f.name == "country" else _COST_FIELD
        return _Sql(
            _FIELD_SQL[key].format(a=self.alias, c=self.countries_alias), (f.value,), cost, _PASSES_FIELD
        )

    def guarded(self, exact: _Sql, guard: _Guard | None) -> _Sql:
        """`exact`, run only on the rows whose word signature passes `guard` (when signatures are on)."""
        if guard is None or not self.word_sig:
            return exact
        if guard.passes() > _MAX_GUARD_PASSES:
            return _Sql(exact.sql, exact.params, exact.cost, exact.passes, guard)
        col = f"{self.alias}.word_sig"
        bits_sql, bits_params = guard.sql(col)
        # CASE keeps the order (see the module docstring); a NULL signature (none stored) passes.
        return _Sql(
            f"CASE WHEN {col} IS NULL OR {bits_sql} THEN {exact.sql} ELSE false END",
            bits_params + exact.params,
            guard.size() * _COST_BIT + guard.passes() * exact.cost,
            exact.passes,
            guard,
            tests_guard=True,
        )

    def term(self, t: Term) -> _Sql:
        bits = term_bits(t)
        return self.guarded(self.text(term_test(t)), None if bits is None else _Guard(bits))

    def near(self, n: Near) -> _Sql:
        sides = [_guard_any([None if (b := term_bits(t)) is None else _Guard(b) for t in side])
                 for side in (n.left, n.right)]
        return self.guarded(self.text(near_test(n)), _guard_all(sides))

    def build(self, node: Node) -> _Sql:
        if isinstance(node, Term):
            return self.term(node)
        if isinstance(node, Near):
            return self.near(node)
        if isinstance(node, Field):
            return self.field(node)
        if isinstance(node, Not):
            inner = self.build(node.child)
            # A NOT promises no bits: its guard is dropped.
            return _Sql(f"NOT ({inner.sql})", inner.params, inner.cost, 1.0 - inner.passes)
        if isinstance(node, Or):
            return self.any_of(node)
        assert isinstance(node, And)
        return _all_of(sorted((self.build(c) for c in node.children), key=_Sql.rank))

    def any_of(self, node: Or) -> _Sql:
        """An OR. Its words and phrases on one column are either tested one by one (a few of them) or
        as one RE2 alternation (many: one pass over each text instead of one per word; a full retag
        of a million articles took 26 s the one way and 11 s this way). Whole-token semantics are
        the same as the Python matcher's needles: every alternative is space-delimited like them."""
        parts: list[_Sql] = []
        by_column: dict[str, list[Term]] = {}
        for child in node.children:
            if isinstance(child, Term):
                by_column.setdefault("title_norm" if child.title_only else "text_norm", []).append(child)
            else:
                parts.append(self.build(child))
        for column, terms in by_column.items():
            one_by_one = [self.text(term_test(t)) for t in terms]
            if len(terms) == 1 or sum(p.cost for p in one_by_one) <= _COST_ALTERNATION:
                parts.extend(self.term(t) for t in terms)
                continue
            alternation = "|".join(term_regex(t) + ("" if t.prefix else " ") for t in terms)
            regex = f"regexp_matches({self.alias}.{column}, ?)"
            guard = _guard_any([None if (b := term_bits(t)) is None else _Guard(b) for t in terms])
            parts.append(self.guarded(_Sql(regex, (f" (?:{alternation})",), _COST_ALTERNATION, _PASSES_TEXT), guard))
        # Each alternative runs on the rows the earlier ones rejected, so the cheap ones go first.
        return _any_of(sorted(parts, key=lambda p: p.cost))


def tree_to_sql(node: Node, alias: str, word_sig: bool = False) -> tuple[str, list[object]]:
    builder = _Builder(alias, word_sig)
    built = builder.build(node)
    if built.guard is not None and not built.tests_guard:
        # The whole query's guard first: every article that cannot match is dismissed by bit tests
        # alone, before any atom reads text (each atom still tests its own bits on the survivors).
        built = builder.guarded(built, built.guard)
    return built.sql, list(built.params)
