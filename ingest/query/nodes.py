"""The syntax tree of a parsed query: small frozen nodes, compared by meaning (positions are ignored).

`pos` on every node is the 0-based character offset of the node in the query text. It only serves
error messages, so it takes no part in equality, hashing or the canonical form.
"""

from __future__ import annotations

from dataclasses import dataclass, field


def _is_arabic_letter(ch: str) -> bool:
    o = ord(ch)
    return 0x0600 <= o <= 0x06FF or 0x0750 <= o <= 0x077F or 0x08A0 <= o <= 0x08FF or 0xFB50 <= o <= 0xFEFF


@dataclass(frozen=True)
class Term:
    """A word, phrase or wildcard, already normalised into tokens.

    `prefix` makes the last token a prefix (`wash*`); `title_only` restricts the term to the title
    (`title:…`). A query word that normalises to several tokens (`F-16`) is a phrase.
    """

    tokens: tuple[str, ...]
    prefix: bool = False
    title_only: bool = False
    pos: int = field(default=0, compare=False, repr=False)

    @property
    def arabic(self) -> bool:
        """Whether the term starts with an Arabic-script word (and so matches with proclitics)."""
        return _is_arabic_letter(self.tokens[0][0])


@dataclass(frozen=True)
class Field:
    """A metadata condition: country / sourcecountry / lang (codes) or source (normalised name)."""

    name: str
    value: str
    prefix: bool = False  # source:bbc* — the outlet's normalised name starts with the value
    pos: int = field(default=0, compare=False, repr=False)


@dataclass(frozen=True)
class Not:
    child: Node
    pos: int = field(default=0, compare=False, repr=False)


@dataclass(frozen=True)
class And:
    children: tuple[Node, ...]
    pos: int = field(default=0, compare=False, repr=False)


@dataclass(frozen=True)
class Or:
    children: tuple[Node, ...]
    pos: int = field(default=0, compare=False, repr=False)


@dataclass(frozen=True)
class Near:
    """Some term of `left` within `distance` words of some term of `right`, in either order.

    Each side is one term or a bracketed OR of terms: `(Biden OR Trump) NEAR/5 Putin`.
    """

    left: tuple[Term, ...]
    right: tuple[Term, ...]
    distance: int
    pos: int = field(default=0, compare=False, repr=False)


Node = Term | Field | Not | And | Or | Near
