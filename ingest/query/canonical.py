"""The canonical text of a query (for reports' method appendix) and its stable hash (retag detection)."""

from __future__ import annotations

import hashlib

from ingest.query.nodes import And, Field, Near, Node, Not, Or, Term

# Part of every hash: raise it whenever matching rules change (clitic forms, NEAR distance, fields),
# so topics tagged under the old rules are retagged.
MATCH_RULES_VERSION = 1

_RESERVED = {"and", "or", "not", "near"}


def describe_term(t: Term) -> str:
    body = " ".join(t.tokens) + ("*" if t.prefix else "")
    if len(t.tokens) > 1 or t.tokens[0] in _RESERVED:
        body = f'"{body}"'
    return f"title:{body}" if t.title_only else body


def _describe_field(f: Field) -> str:
    value = f.value + ("*" if f.prefix else "")
    if " " in f.value:
        value = f'"{value}"'
    return f"{f.name}:{value}"


def _near_side(terms: tuple[Term, ...]) -> str:
    if len(terms) == 1:
        return describe_term(terms[0])
    return "(" + " OR ".join(describe_term(t) for t in terms) + ")"


def describe_tree(node: Node) -> str:
    """Canonical, re-parseable text: normalised words, capital operators, brackets only where needed
    (plus around an AND inside an OR, for readability)."""
    if isinstance(node, Term):
        return describe_term(node)
    if isinstance(node, Field):
        return _describe_field(node)
    if isinstance(node, Near):
        return f"{_near_side(node.left)} NEAR/{node.distance} {_near_side(node.right)}"
    if isinstance(node, Not):
        inner = describe_tree(node.child)
        return f"NOT ({inner})" if isinstance(node.child, And | Or | Near) else f"NOT {inner}"
    if isinstance(node, And):
        return " AND ".join(
            f"({describe_tree(c)})" if isinstance(c, Or) else describe_tree(c) for c in node.children
        )
    return " OR ".join(
        f"({describe_tree(c)})" if isinstance(c, And) else describe_tree(c) for c in node.children
    )


def _key(node: Node) -> str:
    """Like describe_tree, but order-free where order cannot change the result (AND, OR, NEAR sides),
    so reordering a topic's terms does not force a retag."""
    if isinstance(node, Term | Field):
        return describe_tree(node)
    if isinstance(node, Near):
        sides = sorted("|".join(sorted(describe_term(t) for t in side)) for side in (node.left, node.right))
        return f"near{node.distance}[{sides[0]}][{sides[1]}]"
    if isinstance(node, Not):
        return f"not[{_key(node.child)}]"
    op = "and" if isinstance(node, And) else "or"
    return f"{op}[" + ",".join(sorted({_key(c) for c in node.children})) + "]"


def hash_tree(node: Node) -> str:
    data = f"marsad-query/{MATCH_RULES_VERSION}\n{_key(node)}".encode()
    return hashlib.sha256(data).hexdigest()
