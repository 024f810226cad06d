"""An article's language: by script for Arabic, Persian, Hebrew and Cyrillic; by function words, then
a statistical model, for Latin-script text.

Ingest runs this for every item, so the common cases are decided cheaply: the script by regular
expressions (counted in C), Latin text by counting frequent function words ("the", "les", "und", …)
in the normalised tokens. Only when that evidence is thin and the feed's declared language does not
settle it is py3langid's model consulted; it is loaded on first use (about 70 MB), so a run over
ordinary news never pays for it.
"""

from __future__ import annotations

import re
from functools import lru_cache

from ingest.text import normalize

# Latin-script languages Marsad tells apart (the statistical model is restricted to these).
LATIN_LANGUAGES = ("en", "fr", "tr", "de", "es", "it")

# Letters counted per script, most common first, as runs (matching runs and summing their lengths
# is ~10x faster than one match per letter).
_SCRIPTS = {
    "arabic": re.compile("[\u0620-\u064a\u066e-\u06d3\u06fa-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufeff]+"),
    "latin": re.compile("[A-Za-z\u00c0-\u024f]+"),
    "hebrew": re.compile("[\u05d0-\u05ea]+"),
    "cyrillic": re.compile("[\u0400-\u04ff]+"),
}
_PERSIAN_RE = re.compile("[پچژگکی]+")

# Frequent function words in normalised form (casefolded, accents removed). A word may belong to
# several languages ("en", "de", "a"); it then counts for each, which only narrows the margin.
_FUNCTION_WORDS = {
    "en": "the of and to in is was for that on with as by at from his her has have are were be been will "
          "said it its this an after who which not but they their than over into about says would could "
          "amid against under while",
    "fr": "le la les des du et est un une dans pour par sur au aux que qui avec pas ce cette il elle ont "
          "sont plus selon apres entre son ses leur lors ete d l qu de en la",
    "de": "der die das und ist nicht mit den dem des von zu auf fur ein eine einer im sich auch bei nach "
          "wird wurde uber als aus sind hat dass zum zur vom in an",
    "es": "el los las del y en que por con para una un es se su sus al lo como mas pero tras sobre fue ha "
          "han este esta desde segun de la",
    "it": "il gli della delle dei del di e che per con una non sono nel nella alla al dal da si come piu "
          "anche ha ma questo tra dopo ed degli sul la le in un",
    "tr": "ve bir bu ile icin da de olarak olan ise gibi daha cok sonra kadar ancak degil her veya uzere "
          "yeni dedi oldu eden etti ilk",
}
_LANGS_OF_WORD: dict[str, tuple[str, ...]] = {}
for _lang, _words in _FUNCTION_WORDS.items():
    for _w in _words.split():
        _LANGS_OF_WORD[_w] = (*_LANGS_OF_WORD.get(_w, ()), _lang)

# Evidence that decides without the model: at least this many function words, and at least twice
# as many as the runner-up language has.
_MIN_WORDS = 3
_MARGIN = 2


@lru_cache(maxsize=1)
def _latin_identifier():  # type: ignore[no-untyped-def]
    from py3langid.langid import MODEL_DIR, MODEL_FILE, LanguageIdentifier

    ident = LanguageIdentifier.from_modelpath(MODEL_DIR / MODEL_FILE, norm_probs=False)
    ident.set_languages(list(LATIN_LANGUAGES))
    return ident


def detect_language(text: str, hint: str | None = None, *, norm: str | None = None) -> str:
    """Best guess of the language of `text` as an ISO 639-1 code ("und" when there is nothing to go on).

    `hint` is the feed's declared language: it never overrides the script (real feeds declare "en"
    over Arabic articles) and only settles Latin text whose function words are too few to decide.
    `norm` may pass normalize(text) when the caller already has it.
    """
    sample = text[:400]
    counts = dict.fromkeys(_SCRIPTS, 0)
    for name, rx in _SCRIPTS.items():
        counts[name] = sum(map(len, rx.findall(sample)))
        if 2 * counts[name] > len(sample):
            break  # a majority of the characters: no other script can have more letters
    script = max(counts, key=lambda k: counts[k])
    if counts[script] == 0:
        return "und"
    if script == "arabic":
        persian = sum(map(len, _PERSIAN_RE.findall(sample)))
        return "fa" if persian >= 2 and persian * 20 >= counts["arabic"] else "ar"
    if script == "hebrew":
        return "he"
    if script == "cyrillic":
        return "ru"
    hint = (hint or "").lower()[:2]
    if hint not in LATIN_LANGUAGES:
        hint = ""
    if counts["latin"] < 12 and hint:
        return hint
    by_words = _by_function_words((norm if norm is not None else normalize(sample)).split()[:80], hint)
    if by_words:
        return by_words
    lang, _score = _latin_identifier().classify(text[:240])  # a headline and the start of the lead suffice
    return str(lang)


def _by_function_words(tokens: list[str], hint: str) -> str | None:
    """The language the function words decide, the hint when they agree with it, else None."""
    scores = dict.fromkeys(LATIN_LANGUAGES, 0)
    for tok in tokens:
        langs = _LANGS_OF_WORD.get(tok)
        if langs:
            for lang in langs:
                scores[lang] += 1
    ranked = sorted(scores.items(), key=lambda kv: kv[1], reverse=True)
    (best, top), (_, second) = ranked[0], ranked[1]
    if top >= _MIN_WORDS and top >= _MARGIN * second:
        return best
    if hint and scores[hint] == top:
        return hint  # too little to decide, and nothing speaks against the feed's declaration
    return None
