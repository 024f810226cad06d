"""The word signature: a 256-bit summary of an article's tokens that lets a keyword query skip most
stored text without ever skipping a match.

Each article stores `word_sig` (schema 4): bit `term_bit(w)` is set for every whole token w of its
text_norm and title_norm and, for a token that starts with an Arabic proclitic the query language
accepts (CLITIC_PREFIXES, derived from the compiler's own regex), for every form left once that
prefix is cut off (وللقاهره also sets the bits of للقاهره's and القاهره's stems). A query term that
can only match whole tokens therefore matches only articles whose signature has its bits set: the
SQL back-end tests those bits first and runs the exact substring / regex test on the few articles
that pass. A bit set by chance (another word with the same bit) costs time, never an answer.

The hash is CRC-32 of the token's UTF-8 bytes: fixed by its standard, unlike Python's salted
hash() or DuckDB's hash(), which may change between versions. SCHEME names everything the stored
bits depend on; a database whose recorded scheme differs has its signatures rebuilt
(ingest.store.word_sig), since a stale bit layout would silently lose matches.
"""

from __future__ import annotations

import hashlib
import zlib
from collections.abc import Iterable

from ingest.query.nodes import Term
from ingest.query.plans import CLITIC_PREFIXES, term_stem

SIG_BITS = 256
SIG_BYTES = SIG_BITS // 8
_LONGEST_PREFIX = max(len(p) for p in CLITIC_PREFIXES)

# Changes whenever the bits an article gets would change: the width, the hash, the prefix language.
SCHEME = (f"crc32-utf8-mod{SIG_BITS}-clitics-"
          + hashlib.sha256(" ".join(sorted(CLITIC_PREFIXES)).encode()).hexdigest()[:12])


def term_bit(token: str) -> int:
    """The signature bit of one token: 0 is the most significant bit of the first byte (DuckDB's
    get_bit numbering of a BIT cast from the stored bytes)."""
    return zlib.crc32(token.encode()) % SIG_BITS


def indexed_forms(token: str) -> list[str]:
    """The token and every form left after cutting off one clitic prefix (never the empty string)."""
    forms = [token]
    for k in range(1, min(_LONGEST_PREFIX, len(token) - 1) + 1):
        if token[:k] in CLITIC_PREFIXES:
            forms.append(token[k:])
    return forms


# token → its signature bits as an integer mask. News text repeats its words, so most tokens are
# hashed once per process; the cache is emptied when it grows past a bound (memory stays small).
_masks: dict[str, int] = {}
_MAX_CACHED = 200_000


def _mask(token: str) -> int:
    mask = 0
    for form in indexed_forms(token):
        mask |= 1 << (SIG_BITS - 1 - term_bit(form))
    if len(_masks) >= _MAX_CACHED:
        _masks.clear()
    _masks[token] = mask
    return mask


def signature_of_tokens(tokens: Iterable[str]) -> bytes:
    """The signature of an article whose whole tokens (title and summary) are `tokens`."""
    sig = 0
    masks = _masks
    for tok in tokens:
        m = masks.get(tok)
        sig |= m if m is not None else _mask(tok)
    return sig.to_bytes(SIG_BYTES, "big")


def word_signature(text_norm: str, title_norm: str = "") -> bytes:
    """The 32-byte signature of a stored article (its text_norm and title_norm columns).

    The title's tokens are part of text_norm by construction; they are indexed again so that a
    `title:` term is covered even by a row where the two columns disagree.
    """
    tokens = set(text_norm.split())
    tokens.update(title_norm.split())
    return signature_of_tokens(tokens)


def term_bits(t: Term) -> tuple[int, ...] | None:
    """Bits set in the signature of every article `t` matches; None when the term promises no whole
    token (a one-word wildcard, or an Arabic article alone, whose stem is empty).

    Every token of a term is matched as a whole token except the last of a wildcard; an Arabic
    term's first token may carry a clitic prefix, which the signature indexes with the prefix cut.
    """
    words = list(t.tokens[:-1] if t.prefix else t.tokens)
    if words and t.arabic:
        words[0] = term_stem(t)
    words = [w for w in words if w]  # an empty stem (the query ال) is not a token to look up
    if not words:
        return None
    return tuple(sorted({term_bit(w) for w in words}))
