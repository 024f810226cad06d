"""Topics: reading and validating topics.toml into frozen Topic objects, and tagging a document with them.

A topic is a named query in Marsad's query language (ingest.query). This module owns the file format
(documented in the header of data/topics.toml) and every check on it; a mistake in the file is a
ConfigError naming the file, the topic (by position and id) and the key, so that whoever edits the
file can fix it without reading code.
"""

from __future__ import annotations

import difflib
import os
import re
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from ingest.errors import ConfigError, QueryError
from ingest.query import MatchDoc, Query, matches, parse_query, query_hash

DEFAULT_TOPICS = Path(__file__).resolve().parent.parent / "data" / "topics.toml"
TOPICS_ENV = "MARSAD_TOPICS"

KEYS = ("id", "label", "label_ar", "query", "color")
_ID_RE = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_ID_LENGTH = (3, 40)
_COLOR_RE = re.compile(r"#[0-9A-Fa-f]{6}")


@dataclass(frozen=True)
class Topic:
    """One validated [[topic]] of topics.toml.

    `hash` is the query's meaning hash (ingest.query.query_hash): stored articles are retagged when
    it changes, and only then (relabelling or recolouring a topic retags nothing).
    """

    id: str
    label: str
    label_ar: str
    query_text: str
    color: str  # "#RRGGBB", upper case
    query: Query
    hash: str


def default_topics_path() -> Path:
    """The topics file in use: $MARSAD_TOPICS when set, else data/topics.toml in the repository."""
    env = os.environ.get(TOPICS_ENV, "").strip()
    return Path(env) if env else DEFAULT_TOPICS


def load_topics(path: Path | None = None) -> tuple[Topic, ...]:
    """Read and validate a topics file (default: default_topics_path()), in file order.

    Raises ConfigError for an unreadable file, bad TOML, a missing or unknown key, a value of the
    wrong type, a bad id or colour, a duplicate id, or a query the parser refuses.
    """
    path = default_topics_path() if path is None else Path(path)
    try:
        raw = path.read_bytes()
    except OSError as e:
        raise ConfigError(f"{path}: cannot read the topics file ({e.strerror or e})") from e
    try:
        doc = tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as e:
        raise ConfigError(f"{path}: the topics file is not UTF-8 text ({e.reason} at byte {e.start})") from e
    except tomllib.TOMLDecodeError as e:
        raise ConfigError(f"{path}: not valid TOML: {e}") from e
    return parse_topics(doc, source=str(path))


def parse_topics(doc: Mapping[str, object], *, source: str = "topics") -> tuple[Topic, ...]:
    """Validate an already-parsed topics document; `source` names it in error messages."""
    unknown = sorted(k for k in doc if k != "topic")
    if unknown:
        raise ConfigError(f"{source}: unknown top-level key {unknown[0]!r}; the file holds only [[topic]] tables")
    entries = doc.get("topic")
    if entries is None:
        raise ConfigError(f"{source}: no topics defined; add [[topic]] tables")
    if not isinstance(entries, list):
        raise ConfigError(f"{source}: 'topic' must be written as [[topic]] tables")
    topics: list[Topic] = []
    first_index: dict[str, int] = {}
    for index, entry in enumerate(entries, start=1):
        topic = _parse_topic(entry, index, source)
        if topic.id in first_index:
            raise ConfigError(
                f"{source}: topic #{index} ({topic.id!r}), key 'id': duplicate id, "
                f"already used by topic #{first_index[topic.id]}"
            )
        first_index[topic.id] = index
        topics.append(topic)
    return tuple(topics)


def tag_topics(topics: Iterable[Topic], doc: MatchDoc) -> tuple[str, ...]:
    """The ids of the topics whose query matches `doc`, in the topics' order."""
    return tuple(t.id for t in topics if matches(t.query, doc))


def _where(source: str, index: int, entry: Mapping[str, object]) -> str:
    tid = entry.get("id")
    named = f" ({tid!r})" if isinstance(tid, str) and tid.strip() else ""
    return f"{source}: topic #{index}{named}"


def _parse_topic(entry: object, index: int, source: str) -> Topic:
    if not isinstance(entry, dict):
        raise ConfigError(f"{source}: topic #{index} must be a [[topic]] table")
    where = _where(source, index, entry)
    for key in entry:
        if key not in KEYS:
            close = difflib.get_close_matches(key, KEYS, n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            raise ConfigError(f"{where}: unknown key {key!r}{hint}; the keys are {', '.join(KEYS)}")
    values: dict[str, str] = {}
    for key in KEYS:
        if key not in entry:
            raise ConfigError(f"{where}: missing key {key!r}")
        value = entry[key]
        if not isinstance(value, str):
            raise ConfigError(f"{where}, key {key!r}: must be a string in quotes, not {type(value).__name__}")
        if not value.strip():
            raise ConfigError(f"{where}, key {key!r}: must not be empty")
        values[key] = value.strip()

    tid = values["id"]
    low, high = _ID_LENGTH
    if not _ID_RE.fullmatch(tid) or not low <= len(tid) <= high:
        raise ConfigError(
            f"{where}, key 'id': {tid!r} is not a valid id; use {low}–{high} lower-case letters and digits "
            "joined by single hyphens, e.g. 'gaza-mediation'"
        )
    color = values["color"]
    if not _COLOR_RE.fullmatch(color):
        raise ConfigError(f"{where}, key 'color': {color!r} is not a colour; write it as \"#RRGGBB\", e.g. \"#117733\"")
    try:
        query = parse_query(values["query"])
    except QueryError as e:
        raise ConfigError(f"{where}, key 'query': {e.describe()}{_excerpt(values['query'], e.position)}") from e
    return Topic(
        id=tid,
        label=values["label"],
        label_ar=values["label_ar"],
        query_text=values["query"],
        color=color.upper(),
        query=query,
        hash=query_hash(query),
    )


def _excerpt(text: str, position: int | None, width: int = 24) -> str:
    """`: near «…»` around the parser's position, so a long multi-line query is easy to fix."""
    if position is None:
        return ""
    start = max(0, position - width)
    snippet = " ".join(text[start : position + width].split())
    return f": near «{snippet}»" if snippet else ""
