"""Text normalisation, shared by storage, tagging, topics and the keyword filter.

`normalize()` is the single definition of "the same word" in Marsad. Its output is a sequence of
tokens separated by single spaces: letters and digits only, so word boundaries are plain spaces and
the query language can match with substring and simple regex operations that behave identically in
Python and in DuckDB.
"""

from __future__ import annotations

import unicodedata

# Letters folded onto one form. Hamza-on-carrier forms (أ إ آ ؤ ئ) decompose under NFKD into the bare
# letter plus a combining hamza, which is dropped with the other marks.
_LETTER_MAP = {
    "ٱ": "ا",  # alef wasla
    "ة": "ه",  # teh marbuta
    "ى": "ي",  # alef maksura
    "ک": "ك",  # Persian keheh
    "ی": "ي",  # Persian yeh
    "ۀ": "ه",
    "ە": "ه",
    "ڪ": "ك",
}
_DIGITS = {chr(0x0660 + i): str(i) for i in range(10)} | {chr(0x06F0 + i): str(i) for i in range(10)}


class _FoldTable(dict):  # type: ignore[type-arg]
    """A str.translate table computed lazily per code point and cached.

    Marks (Mn/Me), format characters (bidi controls, zero-width joiners, Cf) and tatweel vanish;
    anything that is not a letter or digit becomes a space.
    """

    def __missing__(self, code: int) -> str | None:
        ch = chr(code)
        if ch in _LETTER_MAP:
            out: str | None = _LETTER_MAP[ch]
        elif ch in _DIGITS:
            out = _DIGITS[ch]
        elif ch == "ـ":  # tatweel (category Lm, so handle before the letter test)
            out = None
        else:
            cat = unicodedata.category(ch)
            if cat in ("Mn", "Me", "Cf"):
                out = None
            elif cat[0] in "LN" and ch != "_":
                out = ch
            else:
                out = " "
        self[code] = out
        return out


_FOLD = _FoldTable()


def normalize(text: str | None, *, casefold: bool = True) -> str:
    """Fold `text` onto Marsad's matching form: space-separated tokens of letters and digits.

    NFKD, marks/tatweel/bidi/zero-width removed, alef and hamza forms unified, ة→ه, ى→ي, Persian
    ک/ی → Arabic, Arabic-Indic digits → ASCII, punctuation → space, casefolded (unless
    `casefold=False`, which the gazetteer uses for case-sensitive acronyms such as "US").
    """
    if not text:
        return ""
    s = unicodedata.normalize("NFKD", text)
    if casefold:
        s = s.casefold()
    return " ".join(s.translate(_FOLD).split())


def pad(norm: str) -> str:
    """The stored, space-padded form of a normalised string (so every token has a space on each side)."""
    return f" {norm} " if norm else " "


def fold_case(cased: str) -> str:
    """normalize(x) from normalize(x, casefold=False), without normalising the text again.

    Casefolding an already folded string only changes cased letters, and what it may produce
    (a combining dot from "İ") goes through the same folding table once more.
    """
    if cased.isascii():
        return cased.lower()
    folded = cased.casefold()
    if folded == cased:
        return cased
    return " ".join(folded.translate(_FOLD).split())
