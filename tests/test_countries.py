"""The countries-mentioned matcher: what a press officer expects to see counted, and the traps."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.countries import CountryMatcher, default_matcher, iter_codes, parse_gazetteer
from ingest.errors import ConfigError

# shared/ sits beside the repository, on developer machines and in CI alike.
SEED = Path(__file__).resolve().parents[2] / "shared" / "seed" / "000_483debca607bab27.txt"

# UN member states (193) plus the two observer states; every one must be findable.
UN_MEMBERS = """AF AL DZ AD AO AG AR AM AU AT AZ BS BH BD BB BY BE BZ BJ BT BO BA BW BR BN BG BF BI CV KH CM CA CF TD
CL CN CO KM CG CD CR CI HR CU CY CZ DK DJ DM DO EC EG SV GQ ER EE SZ ET FJ FI FR GA GM GE DE GH GR GD GT GN GW GY HT HN HU
IS IN ID IR IQ IE IL IT JM JP JO KZ KE KI KP KR KW KG LA LV LB LS LR LY LI LT LU MG MW MY MV ML MT MH MR MU MX FM MD MC MN
ME MA MZ MM NA NR NP NL NZ NI NE NG MK NO OM PK PW PA PG PY PE PH PL PT QA RO RU RW KN LC VC WS SM ST SA SN RS SC SL SG SK
SI SB SO ZA SS ES LK SD SR SE CH SY TJ TZ TH TL TG TO TT TN TR TM TV UG UA AE GB US UY UZ VU VE VN YE ZM ZW VA PS""".split()


@pytest.fixture(scope="module")
def matcher() -> CountryMatcher:
    return default_matcher()


def codes(matcher: CountryMatcher, text: str) -> set[str]:
    return set(matcher.find(text))


# --- the seed articles ------------------------------------------------------------------------------


def _seed_articles() -> tuple[str, str]:
    if not SEED.exists():
        pytest.skip(f"seed document not found at {SEED}")
    first, _, second = SEED.read_text(encoding="utf-8").partition("إقرأ أيضاً:")
    return first, second


def test_find_seed_article_on_moscow_washington_talks(matcher: CountryMatcher) -> None:
    first, _ = _seed_articles()
    assert codes(matcher, first) == {"RU", "US", "UA"}


def test_find_seed_article_on_sisi_and_trump_adviser(matcher: CountryMatcher) -> None:
    _, second = _seed_articles()
    # Libya is only in «في ليبياكما شارك», where the page lost the space before the next paragraph.
    assert codes(matcher, second) == {"EG", "US", "QA", "PS", "LY"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("موسكو وواشنطن تستعدان لعقد اجتماع", {"RU", "US"}),
        ("على خلفية الأزمة الأوكرانية", {"UA"}),
        ("سفيرة الولايات المتحدة بالقاهرة", {"US", "EG"}),
        ("وزارة الخارجية الأمريكية", {"US"}),
        ("جهود التهدئة في غزة", {"PS"}),
        ("الحل السياسي في ليبيا", {"LY"}),
        ("مصر والولايات المتحدة وقطر", {"EG", "US", "QA"}),
        ("السيسي يؤكد لمستشار ترامب", {"EG", "US"}),
    ],
)
def test_find_seed_phrases(matcher: CountryMatcher, text: str, expected: set[str]) -> None:
    assert codes(matcher, text) == expected


# --- Arabic forms --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("وصل الوفد إلى وواشنطن", "US", id="waw-plus-waw"),
        pytest.param("اجتماع بالقاهرة", "EG", id="bi"),
        pytest.param("زيارة للقاهرة", "EG", id="li-plus-al"),
        pytest.param("التصريحات والروسية", "RU", id="waw-plus-al-demonym"),
        pytest.param("وفد فلسطيني", "PS", id="demonym-indefinite"),
        pytest.param("المسؤولين الإيرانيين", "IR", id="demonym-plural-oblique"),
        pytest.param("الدبلوماسيون المصريون", "EG", id="demonym-plural-nominative"),
        pytest.param("شركة صينية", "CN", id="demonym-feminine"),
        pytest.param("مدعوم أمريكيا", "US", id="demonym-adverbial"),
        pytest.param("الأميركيون يغادرون", "US", id="ameriki-spelling"),
        pytest.param("الرئيس السيسى", "EG", id="egyptian-alef-maksura"),
        pytest.param("لإسرائيل", "IL", id="li-on-hamza-alef"),
    ],
)
def test_find_arabic_clitics_and_demonyms(matcher: CountryMatcher, text: str, expected: str) -> None:
    assert codes(matcher, text) == {expected}


def test_find_prefers_the_longest_name(matcher: CountryMatcher) -> None:
    # «الولايات المتحدة» is one mention of US, and "New Delhi" is not also "Delhi" counted twice.
    assert matcher.find("الولايات المتحدة الأمريكية") == {"US": 1}
    assert matcher.find("New Delhi") == {"IN": 1}
    assert matcher.find("South Sudan and Sudan") == {"SS": 1, "SD": 1}
    assert matcher.find("جنوب السودان") == {"SS": 1}
    assert matcher.find("Papua New Guinea") == {"PG": 1}


def test_find_counts_every_mention(matcher: CountryMatcher) -> None:
    assert matcher.find("Egypt, Egyptians and Cairo; Israel once") == {"EG": 3, "IL": 1}
    assert matcher.find("مصر ثم مصر ثم القاهرة") == {"EG": 3}


# --- English forms -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("US, UK and UAE officials meet", {"US", "GB", "AE"}),
        ("U.S.-brokered truce", {"US"}),
        ("Fighting in eastern DRC", {"CD"}),
        ("Egypt's foreign minister", {"EG"}),
        ("Israeli strikes on Gazans", {"IL", "PS"}),
        ("IRAN AND ISRAEL TRADE THREATS", {"IR", "IL"}),
        ("Ukraine's Zelenskyy", {"UA"}),
        ("Côte d'Ivoire votes", {"CI"}),
        ("Bosnia and Herzegovina", {"BA"}),
        ("Türkiye and Turkey", {"TR"}),
    ],
)
def test_find_english_names_acronyms_and_demonyms(
    matcher: CountryMatcher, text: str, expected: set[str]
) -> None:
    assert codes(matcher, text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Putin and Lavrov", {"RU"}),
        ("Trump, Rubio and Witkoff", {"US"}),
        ("Biden and Blinken", {"US"}),
        ("Netanyahu", {"IL"}),
        ("Zelensky", {"UA"}),
        ("Abdelatty meets Erdogan and Fidan", {"EG", "TR"}),
        ("MBS and Al Thani", {"SA", "QA"}),
        ("Macron, Starmer and Merz", {"FR", "GB", "DE"}),
        ("Pezeshkian, Araghchi and Khamenei", {"IR"}),
        ("Burhan and Hemedti", {"SD"}),
        ("Haftar and Dbeibah", {"LY"}),
        ("al-Sudani", {"IQ"}),
        ("Aoun and Nawaf Salam", {"LB"}),
        ("King Abdullah and Safadi", {"JO"}),
        ("Abbas", {"PS"}),
        ("al-Sharaa", {"SY"}),
        ("بوتين ولافروف وترامب وروبيو وويتكوف", {"RU", "US"}),
        ("نتنياهو وزيلينسكي والسيسي وعبد العاطي", {"IL", "UA", "EG"}),
        ("أردوغان وفيدان وماكرون وستارمر وميرتس", {"TR", "FR", "GB", "DE"}),
        ("بزشكيان وعراقجي وخامنئي", {"IR"}),
        ("البرهان وحميدتي", {"SD"}),
        ("حفتر والدبيبة", {"LY"}),
        ("محمد شياع السوداني", {"IQ"}),
        ("جوزيف عون ونواف سلام", {"LB"}),
        ("الملك عبد الله الثاني والصفدي", {"JO"}),
        ("محمود عباس وأحمد الشرع", {"PS", "SY"}),
        ("محمد بن سلمان وآل ثاني", {"SA", "QA"}),
    ],
)
def test_find_leaders_by_name(matcher: CountryMatcher, text: str, expected: set[str]) -> None:
    assert codes(matcher, text) == expected


def test_find_name_inside_another_leader_name_goes_to_the_right_country(matcher: CountryMatcher) -> None:
    assert codes(matcher, "عباس عراقجي") == {"IR"}
    assert codes(matcher, "Abbas Araghchi") == {"IR"}
    assert codes(matcher, "الرئيس السوداني") == {"SD"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The Kremlin said", "RU"),
        ("White House and Pentagon", "US"),
        ("the State Department", "US"),
        ("Knesset vote", "IL"),
        ("Élysée statement", "FR"),
        ("Downing Street", "GB"),
        ("الكرملين", "RU"),
        ("البيت الأبيض", "US"),
        ("البنتاغون", "US"),
        ("الكنيست", "IL"),
        ("الإليزيه", "FR"),
        ("Hamas", "PS"),
        ("حركة حماس", "PS"),
        ("Hezbollah", "LB"),
        ("حزب الله", "LB"),
        ("the Houthis", "YE"),
        ("الحوثيون", "YE"),
        ("أنصار الله", "YE"),
        ("قوات الدعم السريع", "SD"),
        ("RSF fighters", "SD"),
    ],
)
def test_find_metonyms_and_movements(matcher: CountryMatcher, text: str, expected: str) -> None:
    assert codes(matcher, text) == {expected}


@pytest.mark.parametrize(
    "text",
    [
        "The Gulf and the Middle East",
        "Europe and Africa",
        "UN, EU, NATO and the Arab League",
        "Latin America summit",
        "South China Sea patrols",
        "Gulf of Oman shipping",
        "Indian Ocean",
        "الخليج والشرق الأوسط",
        "الأمم المتحدة والاتحاد الأوروبي والجامعة العربية وحلف الناتو",
        "دول المغرب العربي",
        "أمريكا اللاتينية",
        "بحر الصين الجنوبي",
        "",
        "   ",
    ],
)
def test_find_regions_organisations_and_seas_give_nothing(matcher: CountryMatcher, text: str) -> None:
    assert matcher.find(text) == {}


# --- the traps, each both ways ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("كيف سترد الحكومة؟", set(), id="kaif-is-how"),
        pytest.param("زيلينسكي في كييف", {"UA"}, id="kyiv"),
        pytest.param("دعم مالي للشركات", set(), id="mali-financial"),
        pytest.param("الوضع المالي والمالية العامة", set(), id="al-mali-financial"),
        pytest.param("انقلاب عسكري في مالي", {"ML"}, id="fi-mali"),
        pytest.param("جمهورية مالي وباماكو", {"ML"}, id="republic-of-mali"),
        pytest.param("مالي والنيجر", {"ML", "NE"}, id="mali-and-niger"),
        pytest.param("سلطنة عمان", {"OM"}, id="sultanate-of-oman"),
        pytest.param("وزير الخارجية العماني", {"OM"}, id="omani"),
        pytest.param("قمة في عمان بحضور العاهل الأردني", {"JO"}, id="amman"),
        pytest.param("عمان تستضيف المفاوضات", {"JO"}, id="oman-amman-alone-is-amman"),
        pytest.param("مسقط: عمان تستضيف المفاوضات", {"OM"}, id="oman-with-omani-evidence"),
        pytest.param("خليج عمان", set(), id="gulf-of-oman"),
        pytest.param("الفنانة هند صبري", set(), id="hind-a-name"),
        pytest.param("الهند وباكستان", {"IN", "PK"}, id="india"),
        pytest.param("مدارس بنين وبنات", set(), id="banin-boys"),
        pytest.param("جمهورية بنين", {"BJ"}, id="benin"),
        pytest.param("أصيب في يده اليمنى", set(), id="right-hand"),
        pytest.param("الحكومة اليمنية والرئيس اليمني", {"YE"}, id="yemeni"),
        pytest.param("تركي آل الشيخ يعلن موسم الرياض", {"SA"}, id="turki-al-sheikh"),
        pytest.param("وزير الخارجية التركي", {"TR"}, id="turkish"),
        pytest.param("موعد أذان المغرب وصلاة المغرب", set(), id="maghrib-prayer"),
        pytest.param("المنتخب المغربي في المغرب", {"MA"}, id="morocco"),
        pytest.param("Thanksgiving turkey prices", set(), id="turkey-bird"),
        pytest.param("Turkey and Syria", {"TR", "SY"}, id="turkey-country"),
        pytest.param("TURKEY VOWS RESPONSE", {"TR"}, id="turkey-shouted"),
        pytest.param("Turkey prices soar ahead of Christmas", set(), id="turkey-bird-by-context"),
        pytest.param("Erdogan: Turkey marks Christmas with tourists", {"TR"}, id="turkey-country-despite-christmas"),
        pytest.param("Jordan Spieth wins in Texas", {"US"}, id="jordan-spieth"),
        pytest.param("Chad Daybell trial", set(), id="chad-listed-person"),
        pytest.param("Chad closes border", {"TD"}, id="chad-country"),
        pytest.param("Michael Jordan buys team", set(), id="michael-jordan"),
        pytest.param("Jordan condemns attack", {"JO"}, id="jordan-country"),
        pytest.param("Georgia protests over EU bid", {"GE"}, id="georgia-country"),
        pytest.param("Georgia governor signs bill in Atlanta", {"US"}, id="georgia-state"),
        pytest.param("Trump tells us to wait", {"US"}, id="us-pronoun"),
        pytest.param("Trump tells US to wait", {"US"}, id="us-country"),
        pytest.param("Starting XI named", set(), id="xi-roman-numeral"),
        pytest.param("Xi meets Putin", {"CN", "RU"}, id="xi-jinping"),
        pytest.param("a fine china set", set(), id="china-porcelain"),
        pytest.param("بحماس كبير", set(), id="hamas-enthusiasm"),
        pytest.param("حماس ترفض المقترح", {"PS"}, id="hamas"),
        pytest.param("Reporters Without Borders (RSF) index: RSF says", set(), id="rsf-press-freedom"),
        pytest.param("سيول جارفة تجتاح القرى", set(), id="suyul-torrents"),
        pytest.param("سيول: بيونغ يانغ أرسلت قوات", {"KR", "KP"}, id="seoul-with-korean-evidence"),
        pytest.param("Netanyahu to address Congress", {"IL", "US"}, id="congress-us"),
        pytest.param("Peru's Congress ousts president", {"PE"}, id="congress-peru"),
        pytest.param("على الصعيد الدولي والعديد من الدول", set(), id="common-words-like-places"),
        pytest.param("تسلم درعا تذكاريا", set(), id="dir-an-shield"),
    ],
)
def test_find_traps(matcher: CountryMatcher, text: str, expected: set[str]) -> None:
    assert codes(matcher, text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("Clashes in Tripoli", {"LY"}, id="tripoli-alone-is-libya"),
        pytest.param("اشتباكات في طرابلس", {"LY"}, id="tarabulus-alone-is-libya"),
        pytest.param("Hezbollah supporters rally in Tripoli", {"LB"}, id="tripoli-with-lebanese-evidence"),
        pytest.param("Tripoli, Lebanon", {"LB"}, id="tripoli-lebanon"),
        pytest.param("اشتباكات في طرابلس اللبنانية", {"LB"}, id="tarabulus-lubnaniya"),
        pytest.param("Libya and Lebanon: talks in Tripoli", {"LY", "LB"}, id="both-evidenced-default-wins"),
        pytest.param("Protests in Jerusalem", set(), id="jerusalem-alone"),
        pytest.param("Israeli police in Jerusalem", {"IL"}, id="jerusalem-with-one-side"),
        pytest.param("مستوطنون يقتحمون المسجد الأقصى", {"PS"}, id="aqsa"),
        pytest.param("القدس الشرقية", {"PS"}, id="east-jerusalem"),
        pytest.param("Rafah crossing", {"PS"}, id="rafah"),
        pytest.param("رفح المصرية", {"EG"}, id="egyptian-rafah"),
        pytest.param("الجولان", {"SY"}, id="golan"),
        pytest.param("Crimea", {"UA"}, id="crimea"),
        pytest.param("Kashmir attack", set(), id="kashmir"),
        pytest.param("Congo", {"CD"}, id="congo-default"),
        pytest.param("Brazzaville: Congo votes", {"CG"}, id="congo-republic"),
        pytest.param("Pyongyang: Korea statement", {"KP"}, id="korea-with-north-evidence"),
    ],
)
def test_find_ambiguous_places_follow_the_documented_rules(
    matcher: CountryMatcher, text: str, expected: set[str]
) -> None:
    assert codes(matcher, text) == expected


def test_find_reads_ambiguous_terms_with_the_outlet_country(matcher: CountryMatcher) -> None:
    # Local news names its own city: a Lebanese outlet's Tripoli, an Omani outlet's عمان.
    assert matcher.find("Tripoli traffic eases after roadworks", home="LB") == {"LB": 1}
    assert matcher.find("Tripoli traffic eases after roadworks") == {"LY": 1}
    assert matcher.find("عمان تستضيف جولة مفاوضات", home="OM") == {"OM": 1}
    assert matcher.find("Libya's PM visits Tripoli port", home="LB") == {"LY": 2}
    # The outlet's country is never counted by itself.
    assert matcher.find("Cairo hosts summit", home="LB") == {"EG": 1}


def test_mentions_explain_each_match(matcher: CountryMatcher) -> None:
    found = matcher.mentions("Hezbollah in Tripoli")
    assert [(m.surface, m.codes) for m in found] == [("hezbollah", ("LB",)), ("tripoli", ("LB",))]


# --- quality on headlines -------------------------------------------------------------------------

HEADLINES = Path(__file__).resolve().parent / "fixtures" / "countries_headlines.tsv"


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_find_scores_well_on_wire_headlines(matcher: CountryMatcher, lang: str) -> None:
    tp = fp = fn = 0
    misses = []
    for line in HEADLINES.read_text(encoding="utf-8").splitlines():
        if line.startswith("#") or not line.strip():
            continue
        row_lang, text, gold_codes = line.split("\t")
        if row_lang != lang:
            continue
        gold, got = set(gold_codes.split()), set(matcher.find(text))
        tp, fp, fn = tp + len(gold & got), fp + len(got - gold), fn + len(gold - got)
        if gold != got:
            misses.append((text, sorted(gold), sorted(got)))
    f1 = 2 * tp / (2 * tp + fp + fn)
    assert tp > 150  # the set is large enough to mean something
    assert f1 >= 0.97, misses


# --- the data file ----------------------------------------------------------------------------------


def test_default_matcher_is_built_once() -> None:
    assert default_matcher() is default_matcher()


def test_gazetteer_covers_every_un_member_and_iso_code(matcher: CountryMatcher) -> None:
    found = set(iter_codes(matcher))
    assert set(UN_MEMBERS) <= found
    assert len(found) >= 249


def test_gazetteer_has_no_contradictory_forms(matcher: CountryMatcher) -> None:
    # Two terms whose generated forms collide with different meanings would make results depend on
    # file order; the build must resolve them.
    assert matcher.conflicts == ()


def test_every_term_alone_finds_its_own_country(matcher: CountryMatcher) -> None:
    # A term shadowed by an exclusion, a longer term or a wrong case rule would silently never count.
    wrong = []
    for entry in matcher.entries:
        if entry.alternatives or not entry.codes or entry.codes[0].startswith("#"):
            continue
        expected = {c: 1 for c in entry.codes if not c.startswith("#")}
        if matcher.find(entry.term) != expected:
            wrong.append((entry.term, entry.codes, matcher.find(entry.term)))
    assert wrong == []


def test_load_reports_a_malformed_file(tmp_path: Path) -> None:
    bad = tmp_path / "g.tsv"
    bad.write_text("Egypt\tEG\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="g.tsv:1"):
        CountryMatcher.load(bad)
    with pytest.raises(ConfigError, match="cannot read"):
        CountryMatcher.load(tmp_path / "missing.tsv")


def test_load_reads_a_small_gazetteer(tmp_path: Path) -> None:
    path = tmp_path / "g.tsv"
    path.write_text(
        "# comment\nterm\tcodes\tcontext\tkind\tlang\tflags\n"
        "مصري\tEG\t\tdemonym\tar\tstem\nTurkey\tTR\t\tname\ten\tcs\nturkey dinner\t-\t\texclusion\ten\t\n",
        encoding="utf-8",
    )
    small = CountryMatcher.load(path)
    assert small.find("المصريون وبالمصرية") == {"EG": 2}
    assert small.find("Turkey; a turkey dinner; turkey") == {"TR": 1}
    assert [e.term for e in parse_gazetteer(path.read_text(encoding="utf-8").splitlines())] == [
        "مصري",
        "Turkey",
        "turkey dinner",
    ]
