"""topics.toml loading and validation, and the default topics on the seed document."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from ingest.countries import default_matcher
from ingest.errors import ConfigError
from ingest.query import MatchDoc
from ingest.text import normalize, pad
from ingest.topics import DEFAULT_TOPICS, Topic, load_topics, tag_topics

SEED = Path(__file__).resolve().parent.parent.parent / "shared" / "seed" / "000_483debca607bab27.txt"

GOOD = '''
[[topic]]
id = "gaza-mediation"
label = "Gaza mediation"
label_ar = "الوساطة في غزة"
query = "(غزة OR gaza) AND (وساطة OR mediation)"
color = "#117733"

[[topic]]
id = "oil-opec"
label = "Oil"
label_ar = "النفط"
query = "opec OR أوبك"
color = "#0072b2"
'''


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "topics.toml"
    path.write_text(text, encoding="utf-8")
    return path


def topic_block(**overrides: object) -> str:
    fields: dict[str, object] = {
        "id": "gaza-mediation",
        "label": "Gaza mediation",
        "label_ar": "الوساطة في غزة",
        "query": "gaza AND mediation",
        "color": "#117733",
    }
    fields.update(overrides)
    lines = ["[[topic]]"]
    for key, value in fields.items():
        if value is None:
            continue
        lines.append(f"{key} = {value!r}" if not isinstance(value, str) else f'{key} = "{value}"')
    return "\n".join(lines) + "\n"


def doc(title: str, summary: str = "", countries: frozenset[str] = frozenset()) -> MatchDoc:
    return MatchDoc(
        text_norm=f" {normalize(title)} | {normalize(summary)} ",
        title_norm=pad(normalize(title)),
        countries=countries,
        source_norm="",
        source_country="",
        language="",
    )


def test_load_topics_reads_every_key_in_file_order(tmp_path: Path) -> None:
    topics = load_topics(write(tmp_path, GOOD))
    assert [t.id for t in topics] == ["gaza-mediation", "oil-opec"]
    gaza = topics[0]
    assert isinstance(gaza, Topic)
    assert (gaza.label, gaza.label_ar, gaza.color) == ("Gaza mediation", "الوساطة في غزة", "#117733")
    assert gaza.query_text == "(غزة OR gaza) AND (وساطة OR mediation)"
    assert topics[1].color == "#0072B2"  # colours are stored in one case so charts can compare them


def test_load_topics_hash_changes_with_the_query_only(tmp_path: Path) -> None:
    base = load_topics(write(tmp_path, topic_block()))[0]
    relabelled = load_topics(write(tmp_path, topic_block(label="Other name", color="#000000")))[0]
    requery = load_topics(write(tmp_path, topic_block(query="gaza AND truce")))[0]
    reordered = load_topics(write(tmp_path, topic_block(query="mediation AND gaza")))[0]
    assert base.hash == relabelled.hash == reordered.hash
    assert base.hash != requery.hash


def test_load_topics_follows_marsad_topics_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write(tmp_path, topic_block(id="only-topic"))
    monkeypatch.setenv("MARSAD_TOPICS", str(path))
    assert [t.id for t in load_topics()] == ["only-topic"]
    monkeypatch.delenv("MARSAD_TOPICS")
    assert len(load_topics()) == len(load_topics(DEFAULT_TOPICS)) >= 10


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(topic_block(color=None), r"topic #1 \('gaza-mediation'\): missing key 'color'", id="missing-key"),
        pytest.param(topic_block(colour="#117733"), r"topic #1 \('gaza-mediation'\): unknown key 'colour' \(did you mean 'color'\?\)", id="unknown-key"),
        pytest.param(topic_block(label=3), r"topic #1 \('gaza-mediation'\), key 'label': must be a string", id="wrong-type"),
        pytest.param(topic_block(label_ar="  "), r"topic #1 \('gaza-mediation'\), key 'label_ar': must not be empty", id="empty-value"),
        pytest.param(topic_block(id="Gaza_Mediation"), r"topic #1 \('Gaza_Mediation'\), key 'id': 'Gaza_Mediation' is not a valid id", id="bad-id"),
        pytest.param(topic_block(id="a--b"), r"key 'id': 'a--b' is not a valid id", id="double-hyphen-id"),
        pytest.param(topic_block(color="green"), r"topic #1 \('gaza-mediation'\), key 'color': 'green' is not a colour", id="named-colour"),
        pytest.param(topic_block(color="#12345"), r"key 'color': '#12345' is not a colour", id="short-colour"),
        pytest.param(topic_block() + topic_block(color="#332288"), r"topic #2 \('gaza-mediation'\), key 'id': duplicate id, already used by topic #1", id="duplicate-id"),
        pytest.param('id = "x"\n', r"unknown top-level key 'id'", id="key-outside-topic"),
        pytest.param("# nothing here\n", r"no topics defined", id="no-topics"),
    ],
)
def test_load_topics_names_file_topic_and_key(tmp_path: Path, text: str, expected: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(ConfigError, match=re.escape(str(path)) + ".*" + expected):
        load_topics(path)


def test_load_topics_second_topic_is_named_by_position_and_id(tmp_path: Path) -> None:
    path = write(tmp_path, topic_block() + topic_block(id="oil-opec", query="opec AND"))
    with pytest.raises(ConfigError) as info:
        load_topics(path)
    message = str(info.value)
    assert "topic #2 ('oil-opec'), key 'query'" in message
    assert "AND needs a term on both sides (at character 6)" in message


@pytest.mark.parametrize(
    ("query", "fragment"),
    [
        pytest.param("(gaza OR rafah", "never closed", id="unclosed-paren"),
        pytest.param("gaza or rafah", "capitals", id="lower-case-operator"),
        pytest.param("country:XYZ", "two-letter country code", id="bad-country"),
        pytest.param("colour:red gaza", "valid fields", id="unknown-field"),
    ],
)
def test_load_topics_reports_the_parsers_message(tmp_path: Path, query: str, fragment: str) -> None:
    path = write(tmp_path, topic_block(query=query))
    with pytest.raises(ConfigError) as info:
        load_topics(path)
    message = str(info.value)
    assert f"{path}: topic #1 ('gaza-mediation'), key 'query':" in message
    assert fragment in message
    assert "near «" in message  # an excerpt of the query points at the mistake


def test_load_topics_bad_toml_names_file_and_line(tmp_path: Path) -> None:
    path = write(tmp_path, topic_block() + 'label = "unterminated\n')
    with pytest.raises(ConfigError, match=re.escape(str(path)) + r": not valid TOML: .*line"):
        load_topics(path)


def test_load_topics_missing_file_names_it(tmp_path: Path) -> None:
    path = tmp_path / "nope.toml"
    with pytest.raises(ConfigError, match=re.escape(str(path)) + ": cannot read"):
        load_topics(path)


def test_default_topics_are_complete_and_distinct() -> None:
    topics = load_topics(DEFAULT_TOPICS)
    ids = {t.id for t in topics}
    required = {
        "us-russia-relations", "gaza-mediation", "egypt-us-relations", "ukraine-war", "iran-nuclear",
        "sudan-conflict", "libya-political-process", "red-sea-shipping",
    }
    assert required <= ids
    assert 10 <= len(topics) <= 12
    assert len({t.color for t in topics}) == len(topics), "two topics share a chart colour"
    for t in topics:
        assert re.search(r"[\u0600-\u06FF]", t.label_ar), f"{t.id}: label_ar is not Arabic"
        assert re.search(r"[\u0600-\u06FF]", t.query_text), f"{t.id}: the query has no Arabic terms"
        assert re.search(r"[a-z]", t.query_text), f"{t.id}: the query has no English terms"


def test_default_topics_file_comments_every_topic() -> None:
    text = DEFAULT_TOPICS.read_text(encoding="utf-8")
    for block in text.split("[[topic]]")[:-1]:
        assert block.rstrip().splitlines()[-1].startswith("#"), "a topic has no comment above it"


def test_tag_topics_returns_matching_ids_in_order(tmp_path: Path) -> None:
    topics = load_topics(write(tmp_path, GOOD))
    assert tag_topics(topics, doc("أوبك تبحث الإنتاج", "والوساطة في غزة مستمرة")) == ("gaza-mediation", "oil-opec")
    assert tag_topics(topics, doc("Weather in Cairo")) == ()


def _seed_articles() -> tuple[tuple[str, str], tuple[str, str]]:
    text = SEED.read_text(encoding="utf-8")
    first, second = text.split("إقرأ أيضاً:")
    lines1 = [ln for ln in first.strip().splitlines() if not ln.startswith(("تاريخ النشر", "المصدر", "كلمات دلالية"))]
    lines2 = second.strip().splitlines()
    return (lines1[0], "\n".join(lines1[1:])), (lines2[0], "\n".join(lines2[1:]))


@pytest.mark.skipif(not SEED.exists(), reason="the shared seed document is not beside the repository")
def test_default_topics_tag_the_seed_articles() -> None:
    matcher = default_matcher()
    topics = load_topics(DEFAULT_TOPICS)
    (title1, body1), (title2, body2) = _seed_articles()
    doc1 = doc(title1, body1, frozenset(matcher.find(f"{title1}\n{body1}")))
    doc2 = doc(title2, body2, frozenset(matcher.find(f"{title2}\n{body2}")))
    assert tag_topics(topics, doc1) == ("us-russia-relations",)
    assert set(tag_topics(topics, doc2)) == {"gaza-mediation", "egypt-us-relations"}
