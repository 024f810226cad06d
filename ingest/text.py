"""Text normalisation and language detection, shared by storage, tagging, topics and the keyword filter.

`normalize()` is the single definition of "the same word" in Marsad. Its output is a sequence of
tokens separated by single spaces: letters and digits only, so word boundaries are plain spaces and
the query language can match with substring and simple regex operations that behave identically in
Python and in DuckDB.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

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


# --- language ---------------------------------------------------------------------------------

# Languages Marsad tells apart. Arabic script, Hebrew and Cyrillic are decided by script alone; Latin
# text goes to a small detector restricted to the Latin-script languages expected in the feeds.
LATIN_LANGUAGES = ("en", "fr", "tr", "de", "es", "it")


# Letters counted per script (regular expressions count in C: a per-character Python loop cost more
# than the rest of tagging together).
_SCRIPTS = {
    "arabic": re.compile("[\u0620-\u064a\u066e-\u06d3\u06fa-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufeff]"),
    "hebrew": re.compile("[\u05d0-\u05ea]"),
    "cyrillic": re.compile("[\u0400-\u04ff]"),
    "latin": re.compile("[A-Za-z\u00c0-\u024f]"),
}
_PERSIAN_RE = re.compile("[پچژگکی]")


@lru_cache(maxsize=1)
def _latin_identifier():  # type: ignore[no-untyped-def]
    from py3langid.langid import MODEL_DIR, MODEL_FILE, LanguageIdentifier

    ident = LanguageIdentifier.from_modelpath(MODEL_DIR / MODEL_FILE, norm_probs=False)
    ident.set_languages(list(LATIN_LANGUAGES))
    return ident


def detect_language(text: str, hint: str | None = None) -> str:
    """Best guess of the language of `text` as an ISO 639-1 code ("und" when there is nothing to go on).

    The feed's declared language (`hint`) only breaks ties on very short Latin text: real feeds
    declare "en" over Arabic articles.
    """
    sample = text[:400]
    counts = {name: len(rx.findall(sample)) for name, rx in _SCRIPTS.items()}
    script = max(counts, key=lambda k: counts[k])
    if counts[script] == 0:
        return "und"
    if script == "arabic":
        persian = len(_PERSIAN_RE.findall(sample))
        return "fa" if persian >= 2 and persian * 20 >= counts["arabic"] else "ar"
    if script == "hebrew":
        return "he"
    if script == "cyrillic":
        return "ru"
    hint = (hint or "").lower()[:2]
    if counts["latin"] < 12 and hint in LATIN_LANGUAGES:
        return hint
    lang, _score = _latin_identifier().classify(text[:240])  # a headline and the start of the lead suffice
    return str(lang)
