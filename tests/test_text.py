"""normalize() and detect_language(): the single definition of "the same word" and of an article's language."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from ingest.language import detect_language
from ingest.text import fold_case, normalize, pad


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        pytest.param("الأُمَمُ", "الامم", id="diacritics-and-hamza-alef"),
        pytest.param("إيران آسيا ٱلقدس", "ايران اسيا القدس", id="alef-forms"),
        pytest.param("مسؤول رئيس", "مسوول رييس", id="hamza-on-waw-and-yeh"),
        pytest.param("غزة", "غزه", id="teh-marbuta"),
        pytest.param("السيسى", "السيسي", id="alef-maksura-kept-as-yeh"),
        pytest.param("کشور ایران", "كشور ايران", id="persian-keheh-and-yeh"),
        pytest.param("مـــصـــر", "مصر", id="tatweel"),
        pytest.param("واشن\u200cطن\u200f", "واشنطن", id="zero-width-and-bidi"),
        pytest.param("١٢٣ ۴۵", "123 45", id="arabic-indic-digits"),
        pytest.param("U.S.–Russia TALKS", "u s russia talks", id="punctuation-and-case"),
        pytest.param("Straße", "strasse", id="casefold"),
        pytest.param("ﻻ", "لا", id="presentation-form-ligature"),
        pytest.param("", "", id="empty"),
    ],
)
def test_normalize_rules(raw: str, expected: str) -> None:
    assert normalize(raw) == expected


def test_normalize_keeps_case_when_asked() -> None:
    assert normalize("US-led talks", casefold=False) == "US led talks"


def test_pad_gives_every_token_a_space_on_each_side() -> None:
    assert pad(normalize("Gaza truce")) == " gaza truce "
    assert pad("") == " "


@pytest.mark.parametrize(
    ("text", "hint", "expected"),
    [
        ("لافروف: موسكو وواشنطن تستعدان لعقد اجتماع", "en", "ar"),
        ("Russia and the United States prepare talks on Ukraine", None, "en"),
        ("La France et les États-Unis discutent du cessez-le-feu à Gaza", None, "fr"),
        ("Erdoğan ve Putin Ankara'da görüştü, ateşkes masada", None, "tr"),
        ("Переговоры в Москве продолжатся завтра", None, "ru"),
        ("ישראל והמתווכים דנים בהפסקת אש", None, "he"),
        ("گفتگوی ایران و آمریکا درباره برنامه هسته‌ای", None, "fa"),
        ("123 — !!", None, "und"),
    ],
)
def test_detect_language(text: str, hint: str | None, expected: str) -> None:
    assert detect_language(text, hint) == expected


@pytest.mark.parametrize(
    ("text", "hint", "expected"),
    [
        # Function words outweigh a wrong declaration: a French article in a feed declared English.
        ("Le président et les ministres se sont réunis pour discuter de la crise dans la région", "en", "fr"),
        ("Die Regierung hat am Montag mit den Verhandlungen über die Waffenruhe begonnen", "fr", "de"),
        # Too few function words to decide, and none against the declaration: the feed's language.
        ("Egyptian squash star beats American rival in Chicago final", "en", "en"),
        ("Putin-Erdoğan görüşmesi Soçi’de", "tr", "tr"),
    ],
)
def test_latin_language_by_function_words_then_declaration(text: str, hint: str, expected: str) -> None:
    assert detect_language(text, hint) == expected


def test_ordinary_news_never_loads_the_statistical_model() -> None:
    """The model costs ~70 MB of memory; function words decide ordinary Latin-script news without it."""
    code = (
        "from ingest.language import detect_language, _latin_identifier\n"
        "texts = ['Russia and the United States prepare talks on Ukraine after the summit',\n"
        "         'La France et les États-Unis discutent du cessez-le-feu à Gaza avec les médiateurs',\n"
        "         'Gaza ceasefire talks resume in Cairo', 'وزير الخارجية يبحث الهدنة']\n"
        "print([detect_language(t, 'en') for t in texts], _latin_identifier.cache_info().currsize)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         cwd=Path(__file__).resolve().parents[1]).stdout.strip()
    assert out == "['en', 'fr', 'en', 'ar'] 0"


def test_fold_case_of_the_cased_form_is_the_normal_form() -> None:
    """Tagging normalises once with case kept and folds that; it must equal normalising directly."""
    import random

    samples = ["İstanbul'da GÖRÜŞME", "Straße ΣΊΣΥΦΟΣ", "US-led talks", "ﬁnal Ⓐ", "الأُمَمُ Gaza",
               "ǅemal Ǆ", "MAẞE", "Ŀ ŉ ǰ", "العربيّة U.S. ١٢٣", ""]
    rng = random.Random(11)
    alphabet = "aZİıßẞΣςσĲǅ·ـًٌّ٫،'\u200f\u0307 ا ة Éé1٣-"
    samples += ["".join(rng.choice(alphabet) for _ in range(rng.randint(1, 30))) for _ in range(3000)]
    for text in samples:
        assert fold_case(normalize(text, casefold=False)) == normalize(text), text
