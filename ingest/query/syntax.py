"""Reading a query: text → tokens → syntax tree, with an error a comms user can act on.

Grammar (precedence NOT > NEAR > AND > OR; implicit AND between neighbouring terms):

    query   := or EOF
    or      := and ("OR" and)*
    and     := near (["AND"] near)*
    near    := unary ("NEAR/n" unary)*
    unary   := "NOT" unary | "-" primary | primary
    primary := word | "phrase" | field:value | "(" or ")"

Decisions worth knowing (users meet them as error messages, so each message says what to do):
- Operators are recognised in capitals only. The words and / or / not / near in any other case are
  refused unless quoted: nobody searches for "and", and silently treating `gaza or rafah` as three
  required words would give wrong numbers. The same goes for a detached Arabic أو ("or") or و ("and").
- A query (and each side of an OR) must look for something: `-hamas` alone, or `gaza OR -hamas`,
  would match almost every article, so it is refused.
- Unquoted words made only of punctuation (`&`, `–`, `;`) are ignored, except a lone `-`, `&`/`&&`,
  `|`/`||` and `!`, which are refused because they look like operators.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ingest.errors import QueryError
from ingest.query.nodes import And, Field, Near, Node, Not, Or, Term
from ingest.text import normalize

MAX_QUERY_CHARS = 1000
MAX_TERMS = 64
MAX_NEAR = 50
MIN_PREFIX_CHARS = 2
FIELDS = ("country", "sourcecountry", "lang", "source", "title")

_FIELD_HINT = "valid fields are " + ", ".join(f"{f}:" for f in FIELDS)
_FIELD_RE = re.compile(r"[A-Za-z]+:")
_NEAR_RE = re.compile(r"near(?:/(.*))?", re.IGNORECASE | re.DOTALL)
_BRACKETS_AND_QUOTE = '()"'  # with any whitespace (a pasted no-break space too), these end a word
_LOOKALIKE_OPERATORS = {"&": "AND", "&&": "AND", "|": "OR", "||": "OR", "!": "NOT"}
# Arabic "or" and a detached "and": typed between terms they mean an operator; searched as words they
# would quietly find nothing.
_ARABIC_OPERATORS = {"او": "OR", "و": "AND"}


@dataclass(frozen=True)
class _Tok:
    kind: str  # WORD PHRASE FIELD LPAREN RPAREN AND OR NOT MINUS NEAR
    pos: int
    text: str = ""  # raw text of a word / phrase body / field value
    field: str = ""  # field name for FIELD
    quoted: bool = False  # FIELD value was quoted
    distance: int = 0  # NEAR


_TERM_START = ("WORD", "PHRASE", "FIELD", "LPAREN", "NOT", "MINUS")


def _read_quoted(q: str, i: int) -> tuple[str, int]:
    """The body of the quote opening at `i`, and the index after its closing quote."""
    end = q.find('"', i + 1)
    if end < 0:
        raise QueryError('this " is never closed', i, q)
    return q[i + 1 : end], end + 1


def _read_word(q: str, i: int) -> tuple[str, int]:
    j = i
    while j < len(q) and q[j] not in _BRACKETS_AND_QUOTE and not q[j].isspace():
        j += 1
    return q[i:j], j


def _near_token(q: str, raw: str, pos: int) -> _Tok:
    m = _NEAR_RE.fullmatch(raw)
    assert m is not None
    if raw[:4] != "NEAR":
        raise QueryError(
            "write operators in capitals: NEAR/5 (or put the word in quotes to search for it)", pos, q
        )
    n = m.group(1)
    if n is None or not n.isascii() or not n.isdigit() or not 1 <= int(n) <= MAX_NEAR:
        raise QueryError(f"NEAR needs a distance from 1 to {MAX_NEAR}, for example NEAR/5", pos, q)
    return _Tok("NEAR", pos, distance=int(n))


def _tokenize(q: str) -> list[_Tok]:
    toks: list[_Tok] = []
    i = 0
    while i < len(q):
        ch = q[i]
        if ch.isspace():
            i += 1
        elif ch == "(":
            toks.append(_Tok("LPAREN", i))
            i += 1
        elif ch == ")":
            toks.append(_Tok("RPAREN", i))
            i += 1
        elif ch == '"':
            body, j = _read_quoted(q, i)
            toks.append(_Tok("PHRASE", i, body))
            i = j
        elif ch == "-" and i + 1 < len(q) and (q[i + 1] in '("' or q[i + 1].isalnum()):
            toks.append(_Tok("MINUS", i))
            i += 1
        elif m := _FIELD_RE.match(q, i):
            name, i = m.group()[:-1], m.end()
            if name.lower() not in FIELDS:
                raise QueryError(
                    f'unknown field "{name}:" — {_FIELD_HINT} (put it in quotes to search for the word)',
                    m.start(),
                    q,
                )
            if i < len(q) and q[i] == '"':
                value, i = _read_quoted(q, i)
                quoted = True
            else:
                value, i = _read_word(q, i)
                quoted = False
            toks.append(_Tok("FIELD", m.start(), value, field=name.lower(), quoted=quoted))
        else:
            raw, j = _read_word(q, i)
            toks.append(_word_token(q, raw, i))
            i = j
    return [t for t in toks if t.kind != "SKIP"]


def _word_token(q: str, raw: str, pos: int) -> _Tok:
    if raw in ("AND", "OR", "NOT"):
        return _Tok(raw, pos)
    if raw.lower() in ("and", "or", "not"):
        return _refuse_lowercase_operator(q, raw.upper(), pos)
    if _NEAR_RE.fullmatch(raw):
        return _near_token(q, raw, pos)
    if raw in _LOOKALIKE_OPERATORS:
        raise QueryError(f"write {_LOOKALIKE_OPERATORS[raw]} instead of {raw}", pos, q)
    if raw == "-":
        raise QueryError("a minus sign must touch the word it excludes, as in -hamas", pos, q)
    norm = normalize(raw)
    if "*" not in raw and not norm:
        return _Tok("SKIP", pos)  # punctuation between words, e.g. an en dash pasted from a headline
    if norm in _ARABIC_OPERATORS:
        return _refuse_lowercase_operator(q, _ARABIC_OPERATORS[norm], pos)
    return _Tok("WORD", pos, raw)


def _refuse_lowercase_operator(q: str, op: str, pos: int) -> _Tok:
    raise QueryError(
        f"write operators in capitals: {op} (or put the word in quotes to search for it)", pos, q
    )


def _make_term(q: str, raw: str, pos: int, body_at: int, *, title_only: bool = False) -> Term:
    """Normalise a word or phrase body (found at `body_at`) into a Term; a trailing * makes the last
    token a prefix."""
    prefix = raw.endswith("*")
    body = raw[:-1] if prefix else raw
    if "*" in body:
        raise QueryError("* can only end a word, as in negotiat*", body_at + body.find("*"), q)
    tokens = tuple(normalize(body).split())
    if prefix and (not tokens or len(tokens[-1]) < MIN_PREFIX_CHARS):
        raise QueryError(
            f"a wildcard needs at least {MIN_PREFIX_CHARS} letters before the *, as in negotiat*", pos, q
        )
    if not tokens:
        raise QueryError("this has no letters or digits to search for", pos, q)
    return Term(tokens, prefix, title_only, pos)


def _make_field(q: str, tok: _Tok) -> Node:
    name, raw = tok.field, tok.text.strip()
    after = tok.pos + len(name) + 1
    if not raw and not tok.quoted and q.startswith("(", after):
        raise QueryError(f'{name}: takes a single word or a "phrase", not brackets', after, q)
    if not raw:
        example = {"country": "EG", "sourcecountry": "GB", "lang": "ar", "source": '"Al Jazeera"'}.get(
            name, "gaza"
        )
        raise QueryError(f"{name}: needs a value right after the colon, as in {name}:{example}", tok.pos, q)
    body_at = after + tok.quoted
    if name == "title":
        return _make_term(q, tok.text, tok.pos, body_at, title_only=True)
    if name == "source":
        term = _make_term(q, tok.text, tok.pos, body_at)
        return Field("source", " ".join(term.tokens), term.prefix, tok.pos)
    if name in ("country", "sourcecountry"):
        if not (len(raw) == 2 and raw.isascii() and raw.isalpha()):
            raise QueryError(f"{name}: takes a two-letter country code, as in {name}:EG", tok.pos, q)
        return Field(name, raw.upper(), False, tok.pos)
    # lang: ISO 639-1 (two letters), or "und" for undetermined
    if not (2 <= len(raw) <= 3 and raw.isascii() and raw.isalpha()):
        raise QueryError("lang: takes a two-letter language code, as in lang:ar or lang:en", tok.pos, q)
    return Field("lang", raw.lower(), False, tok.pos)


class _Parser:
    def __init__(self, q: str, toks: list[_Tok]) -> None:
        self.q = q
        self.toks = toks
        self.i = 0
        self.terms = 0

    def peek(self) -> _Tok | None:
        return self.toks[self.i] if self.i < len(self.toks) else None

    def error(self, message: str, pos: int) -> QueryError:
        return QueryError(message, pos, self.q)

    def expect_operand(self, op: _Tok, label: str) -> None:
        """An operator just consumed must be followed by something to combine."""
        nxt = self.peek()
        if nxt is None or nxt.kind not in _TERM_START:
            if op.kind in ("NOT", "MINUS"):
                raise self.error(f"{label} needs a term right after it", op.pos)
            raise self.error(f"{label} needs a term on both sides", op.pos)

    def parse(self) -> Node:
        node = self.parse_or()
        tok = self.peek()
        if tok is not None:  # only a ")" can stop parse_or early at the top level
            raise self.error("this ) has no matching (", tok.pos)
        return node

    def parse_or(self) -> Node:
        parts = [self.parse_and()]
        while (tok := self.peek()) is not None and tok.kind == "OR":
            self.i += 1
            self.expect_operand(tok, "OR")
            parts.append(self.parse_and())
        return parts[0] if len(parts) == 1 else Or(_flatten(Or, parts), parts[0].pos)

    def parse_and(self) -> Node:
        parts = [self.parse_near()]
        while (tok := self.peek()) is not None and tok.kind in ("AND", *_TERM_START):
            if tok.kind == "AND":
                self.i += 1
                self.expect_operand(tok, "AND")
            parts.append(self.parse_near())
        return parts[0] if len(parts) == 1 else And(_flatten(And, parts), parts[0].pos)

    def parse_near(self) -> Node:
        left = self.parse_unary()
        while (tok := self.peek()) is not None and tok.kind == "NEAR":
            self.i += 1
            self.expect_operand(tok, f"NEAR/{tok.distance}")
            right = self.parse_unary()
            if isinstance(left, Near):
                raise self.error("NEAR joins two terms; join two NEAR conditions with AND", tok.pos)
            left = Near(self.near_side(left), self.near_side(right), tok.distance, left.pos)
        return left

    def near_side(self, node: Node) -> tuple[Term, ...]:
        terms = node.children if isinstance(node, Or) else (node,)
        for t in terms:
            if not isinstance(t, Term) or t.title_only:
                raise self.error(
                    "NEAR works between words, wildcards or phrases (or a bracketed OR of them)", t.pos
                )
        return terms  # type: ignore[return-value]  # every item was checked to be a Term

    def parse_unary(self) -> Node:
        tok = self.peek()
        if tok is not None and tok.kind in ("NOT", "MINUS"):
            self.i += 1
            self.expect_operand(tok, "NOT" if tok.kind == "NOT" else "a minus sign")
            child = self.parse_unary() if tok.kind == "NOT" else self.parse_primary()
            return Not(child, tok.pos)
        return self.parse_primary()

    def parse_primary(self) -> Node:
        tok = self.peek()
        if tok is None:  # callers check for an operand first, so only an empty group gets here
            raise self.error("the query is empty", len(self.q))
        if tok.kind in ("AND", "OR", "NEAR"):
            label = f"NEAR/{tok.distance}" if tok.kind == "NEAR" else tok.kind
            raise self.error(f"{label} needs a term on both sides", tok.pos)
        if tok.kind == "RPAREN":
            prev = self.toks[self.i - 1] if self.i else None
            if prev is not None and prev.kind == "LPAREN":
                raise self.error("these brackets are empty", prev.pos)
            raise self.error("this ) has no matching (", tok.pos)
        self.i += 1
        if tok.kind == "LPAREN":
            if self.peek() is None:
                raise self.error("this ( is never closed", tok.pos)
            node = self.parse_or()
            close = self.peek()
            if close is None or close.kind != "RPAREN":
                raise self.error("this ( is never closed", tok.pos)
            self.i += 1
            return node
        self.terms += 1
        if self.terms > MAX_TERMS:
            raise self.error(f"a query can have at most {MAX_TERMS} terms", tok.pos)
        if tok.kind == "FIELD":
            return _make_field(self.q, tok)
        return _make_term(self.q, tok.text, tok.pos, tok.pos + (tok.kind == "PHRASE"))


def _flatten(kind: type[And] | type[Or], parts: list[Node]) -> tuple[Node, ...]:
    out: list[Node] = []
    for p in parts:
        out.extend(p.children if isinstance(p, kind) else (p,))
    return tuple(out)


def _check_looks_for_something(q: str, node: Node) -> None:
    """Refuse queries (or OR branches) made only of exclusions: they would match almost everything."""
    if isinstance(node, Not):
        raise QueryError(
            "a query can't be only exclusions: add something to look for, as in gaza -hamas", node.pos, q
        )
    if isinstance(node, Or):
        for child in node.children:
            _check_looks_for_something(q, child)
    elif isinstance(node, And):
        if all(isinstance(c, Not) for c in node.children):
            _check_looks_for_something(q, node.children[0])
        for child in node.children:
            if not isinstance(child, Not):
                _check_looks_for_something(q, child)


def parse_tree(q: str) -> Node:
    """Parse query text into a syntax tree; raises QueryError with the position of the problem."""
    if len(q) > MAX_QUERY_CHARS:
        raise QueryError(f"a query can be at most {MAX_QUERY_CHARS:,} characters long", MAX_QUERY_CHARS, q)
    if not q.strip():
        raise QueryError("the query is empty", 0, q)
    toks = _tokenize(q)
    if not toks:
        raise QueryError("this has no letters or digits to search for", len(q) - len(q.lstrip()), q)
    root = _Parser(q, toks).parse()
    _check_looks_for_something(q, root)
    return root
