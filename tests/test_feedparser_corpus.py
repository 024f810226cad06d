"""feedparser's own test corpus (2,252 feeds, many of them deliberately broken) through `parse_feed`.

Nothing may escape but ParseError, and ParseError must stay rare. The corpus lives beside the
repository (`../shared/corpora/feedparser/`); a clone without it skips these tests.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import UTC, datetime
from pathlib import Path

import pytest

from ingest.errors import ParseError
from ingest.models import ParsedFeed
from ingest.parse import parse_feed

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpora" / "feedparser"
NOW = datetime(2025, 4, 2, 12, 0, tzinfo=UTC)
# The corpus files state the Content-Type their test served them with in a comment.
_HEADER = re.compile(rb"^Header:\s*Content-type:\s*(.+?)\s*$", re.MULTILINE | re.IGNORECASE)
# At most this share of the corpus may be refused with ParseError (it is 0 with feedparser 6.0.14).
MAX_PARSE_ERRORS = 0.01

pytestmark = pytest.mark.skipif(not CORPUS.is_dir(), reason=f"feedparser corpus not present at {CORPUS}")


def corpus_files() -> list[Path]:
    return sorted(p for p in CORPUS.rglob("*") if p.is_file() and p.suffix != ".md")


def parse_file(path: Path) -> ParsedFeed:
    body = path.read_bytes()
    m = _HEADER.search(body[:4000])
    content_type = m.group(1).decode("ascii", "replace") if m else None
    return parse_feed(body, content_type=content_type, url="https://feeds.example/corpus/feed.xml", now=NOW)


@pytest.fixture(scope="module")
def outcomes() -> dict[str, ParsedFeed | ParseError | Exception]:
    results: dict[str, ParsedFeed | ParseError | Exception] = {}
    for path in corpus_files():
        name = str(path.relative_to(CORPUS))
        try:
            results[name] = parse_file(path)
        except ParseError as e:
            results[name] = e
        except Exception as e:  # the test below reports these
            results[name] = e
    return results


def test_corpus_is_complete(outcomes: dict[str, object]) -> None:
    assert len(outcomes) >= 2252


def test_corpus_no_exception_escapes_but_parse_error(outcomes: dict[str, object]) -> None:
    escaped = {n: repr(r)[:200] for n, r in outcomes.items() if isinstance(r, Exception) and not isinstance(r, ParseError)}
    assert not escaped, "\n".join(f"{n}: {r}" for n, r in sorted(escaped.items()))


def test_corpus_parse_errors_are_rare(outcomes: dict[str, object]) -> None:
    refused = sorted(n for n, r in outcomes.items() if isinstance(r, ParseError))
    assert len(refused) <= MAX_PARSE_ERRORS * len(outcomes), f"{len(refused)} ParseErrors: {refused[:20]}"


def test_corpus_almost_everything_is_read_as_a_feed(outcomes: dict[str, object]) -> None:
    kinds: dict[str, int] = {}
    for r in outcomes.values():
        if isinstance(r, ParsedFeed):
            kinds[r.kind] = kinds.get(r.kind, 0) + 1
    # The few non-feeds are compressed blobs, CDF channels and a JSON document.
    assert kinds.get("feed", 0) >= 0.98 * len(outcomes), kinds


def test_corpus_entries_are_clean(outcomes: dict[str, object]) -> None:
    problems = []
    for name, r in outcomes.items():
        if not isinstance(r, ParsedFeed):
            continue
        for e in r.entries:
            if len(e.title) > 500 or len(e.summary) > 2000:
                problems.append(f"{name}: over length")
            if any(unicodedata.category(ch) == "Cc" for ch in e.title + e.summary):
                problems.append(f"{name}: control character")
            if e.link is not None and not e.link.startswith(("http://", "https://")):
                problems.append(f"{name}: link {e.link[:60]!r}")
            if e.published_at.tzinfo is None or e.published_at.utcoffset().total_seconds() != 0:  # type: ignore[union-attr]
                problems.append(f"{name}: date not UTC")
    assert not problems, "\n".join(problems[:50])
