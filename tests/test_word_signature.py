"""The word signature (schema 4): it never loses a match, ingest and the migration store the same one,
old files and old readers' copies keep answering the same, and the prefilter really skips articles."""

from __future__ import annotations

import itertools
import random
import re
import tomllib
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from ingest.countries import default_matcher
from ingest.errors import QueryError, StoreError
from ingest.models import Entry, FeedConfig
from ingest.query import MatchDoc, matches, parse_query, plans, to_sql
from ingest.query.pymatch import _PLAIN_PREFIXES
from ingest.query.signature import (
    SCHEME,
    SIG_BITS,
    indexed_forms,
    term_bit,
    term_bits,
    word_signature,
)
from ingest.store import open_writer, publish_snapshot, reader, writer
from ingest.store import word_sig as store_word_sig
from ingest.store.filter import Filter
from ingest.store.reads import count_articles
from ingest.store.reads_report import local_time, report_articles
from ingest.store.schema import MIGRATIONS, SCHEMA_VERSION
from ingest.store.writes import ARTICLE_COLUMNS, FeedUpdate, FetchLogRow, record_attempt, sync_feeds
from ingest.tagging import tag_entry

NOW = datetime(2025, 4, 1, 12, 0, tzinfo=UTC)
FEED = FeedConfig("https://news.example/rss", "Example News", "EG", "ar")
EVAL = Path(__file__).parent / "eval" / "headlines.toml"


def _bit(sig: bytes, b: int) -> bool:
    """Bit `b` as DuckDB's get_bit numbers it (0 = most significant bit of the first byte)."""
    return bool(sig[b // 8] >> (7 - b % 8) & 1)


# --- the scheme ---------------------------------------------------------------------------------


def test_clitic_prefixes_are_the_compilers_language() -> None:
    # Derived from the compiler's regex; the Python matcher's written-out list and the forms a word
    # with the article takes must both be inside it, or an Arabic match could lack its bit.
    assert plans.CLITIC_PREFIXES == frozenset(p for p in _PLAIN_PREFIXES if p)
    article = re.compile(plans._ARTICLE_CLITICS)
    letters = "وفبكلا"
    for n in range(1, 5):
        for chars in itertools.product(letters, repeat=n):
            p = "".join(chars)
            if article.fullmatch(p):
                assert p in plans.CLITIC_PREFIXES, p


def test_term_bit_is_fixed_across_processes_and_versions() -> None:
    # CRC-32 of UTF-8: these numbers may only change together with SCHEME (stored bits would go stale).
    assert [term_bit(w) for w in ("gaza", "hamas", "غزه", "هدنه", "16")] == [3, 228, 137, 211, 212]
    assert "crc32" in SCHEME and str(SIG_BITS) in SCHEME


def test_word_signature_sets_every_token_and_every_clitic_stem() -> None:
    sig = word_signature(" وللقاهره تعلن | gaza f 16 ", " وللقاهره تعلن ")
    assert len(sig) == SIG_BITS // 8
    for token in ("وللقاهره", "للقاهره", "قاهره", "تعلن", "gaza", "f", "16", "|"):
        assert _bit(sig, term_bit(token)), token
    assert "قاهره" in indexed_forms("وبالقاهره") and "" not in indexed_forms("وال")
    # A Latin word is never cut: "battle" is not "b" + "attle".
    assert indexed_forms("battle") == ["battle"]


def test_get_bit_in_duckdb_reads_the_bits_python_set() -> None:
    sig = word_signature(" غزه | gaza ")
    con = duckdb.connect()
    on = con.execute("SELECT list(b ORDER BY b) FROM range(256) r(b) WHERE get_bit(?::BLOB::BIT, b::INTEGER) = 1",
                     [sig]).fetchall()[0][0]
    assert on == [b for b in range(SIG_BITS) if _bit(sig, b)]
    assert {term_bit("غزه"), term_bit("gaza")} <= set(on)


@pytest.mark.parametrize(("query", "bits"), [
    ("gaza", (term_bit("gaza"),)),
    ('"red sea"', tuple(sorted({term_bit("red"), term_bit("sea")}))),
    ("بالقاهرة", (term_bit("بالقاهره"),)),  # no article at its start: the whole word, as the compiler reads it
    ("القاهرة", (term_bit("قاهره"),)),  # the article's forms (للقاهره) all end in the stem
    ('"united nat*"', (term_bit("united"),)),  # a wildcard's complete words still count
    ("negotiat*", None),
    ("title:gaza", (term_bit("gaza"),)),
])
def test_term_bits_promise_only_whole_tokens(query: str, bits: tuple[int, ...] | None) -> None:
    assert term_bits(parse_query(query).root) == bits  # type: ignore[arg-type]


# --- agreement over a realistic corpus ------------------------------------------------------------


def _eval_items() -> list[tuple[str, str, str]]:
    items = tomllib.loads(EVAL.read_text(encoding="utf-8"))["item"]
    return [(i["id"], i["title"], i["summary"]) for i in items]


_CLITICS = ("و", "ف", "ب", "ل", "وال", "بال", "لل", "فلل", "وب")


def _with_clitics(rng: random.Random, text: str) -> str:
    """The text with some Arabic words given a proclitic, as Arabic news writes them."""
    return " ".join(rng.choice(_CLITICS) + w if w[:1] and "\u0621" <= w[0] <= "\u064a" and rng.random() < 0.25
                    else w for w in text.split(" "))


def _corpus() -> list[tuple[str, str, str]]:
    rng = random.Random(4)
    items = _eval_items()
    variants = [(f"{i}-c", _with_clitics(rng, t), _with_clitics(rng, s)) for i, t, s in items]
    return items + variants


def _entry(title: str, summary: str, i: int) -> Entry:
    return Entry(guid=f"g{i}", link=f"https://news.example/{i}", title=title, summary=summary,
                 published_at=NOW - timedelta(hours=i), date_estimated=False, date_note=None)


def _store(con: duckdb.DuckDBPyConnection, corpus: list[tuple[str, str, str]], *, with_sig: bool = True) -> None:
    """Tag each text as ingest does and store it through the writer (with ingest's signature, or
    leaving the writer to compute it)."""
    matcher = default_matcher()
    rows = []
    for n, (ident, title, summary) in enumerate(corpus):
        tags = tag_entry(_entry(title, summary, n), source=FEED.source, source_country="EG", declared_language=None,
                         topics=(), matcher=matcher)
        row = {"id": ident, "feed_url": FEED.url, "source": FEED.source, "source_norm": "example news",
               "source_country": "EG", "guid": f"g{n}", "url": f"https://news.example/{n}", "title": title,
               "summary": summary, "published_at": NOW - timedelta(hours=n), "date_estimated": False,
               "date_note": None, "fetched_at": NOW, "language": tags.language, "text_norm": tags.text_norm,
               "title_norm": tags.title_norm}
        if with_sig:
            row["word_sig"] = tags.word_sig
        rows.append(row)
    df = pd.DataFrame(rows)
    df["published_at"] = pd.to_datetime(df["published_at"], utc=True)
    df["fetched_at"] = pd.to_datetime(df["fetched_at"], utc=True)
    sync_feeds(con, [FEED], NOW)
    update = FeedUpdate(url=FEED.url, fetched_at=NOW, success=True, status="200", error=None, consecutive_failures=0,
                        next_fetch_at=None, enabled=True, disabled_reason=None)
    log = FetchLogRow(1, FEED.url, NOW, 10, "ok", 200, None, 100, len(rows), None)
    record_attempt(con, update, log, df)


@pytest.fixture(scope="module")
def corpus_con(tmp_path_factory: pytest.TempPathFactory) -> Iterator[duckdb.DuckDBPyConnection]:
    con = open_writer(tmp_path_factory.mktemp("sig") / "corpus.duckdb")
    _store(con, _corpus())
    yield con
    con.close()


def _random_queries(rng: random.Random, texts: list[str], n: int) -> list[str]:
    """Queries of every atom kind built from the corpus's own words (with and without clitics)."""
    words = sorted({w for t in texts for w in re.findall(r"[\w\u0600-\u06ff]+", t) if len(w) > 1})

    def atom() -> str:
        w = rng.choice(words)
        kind = rng.random()
        if kind < 0.35:
            return w
        if kind < 0.45:
            return f"{w[:3]}*" if len(w) >= 3 else w
        if kind < 0.6:
            return f'"{w} {rng.choice(words)}"'
        if kind < 0.7:
            return f"title:{w}"
        if kind < 0.85:
            return f"{w} NEAR/{rng.randint(1, 6)} {rng.choice(words)}"
        return f"ال{w}" if not w.startswith("ال") else w[2:] or w

    out = []
    for _ in range(n):
        a, b, c = atom(), atom(), atom()
        out.append(rng.choice((a, f"{a} OR {b}", f"{a} {b}", f"({a} OR {b}) -{c}", f"{a} country:EG",
                               f"({a} OR {b} OR {c} OR {rng.choice(words)} OR {rng.choice(words)})",
                               f"{a} NOT lang:en")))
    return out


def test_prefilter_never_changes_an_answer_on_a_realistic_corpus(corpus_con: duckdb.DuckDBPyConnection) -> None:
    corpus = _corpus()
    docs = {r[0]: MatchDoc(r[1], r[2], frozenset(), r[3], r[4], r[5]) for r in corpus_con.execute(
        "SELECT id, text_norm, title_norm, source_norm, source_country, language FROM articles").fetchall()}
    countries: dict[str, set[str]] = {}
    for ident, c in corpus_con.execute("SELECT article_id, country FROM article_countries").fetchall():
        countries.setdefault(ident, set()).add(c)
    docs = {i: MatchDoc(d.text_norm, d.title_norm, frozenset(countries.get(i, ())), d.source_norm,
                        d.source_country, d.language) for i, d in docs.items()}
    rng = random.Random(29)
    queries = _random_queries(rng, [f"{t} {s}" for _, t, s in corpus], 400)
    checked = hits = 0
    for text in queries:
        try:
            q = parse_query(text)
        except QueryError:
            continue
        found = []
        for sig in (False, True):
            predicate, params = to_sql(q, "a", word_sig=sig)
            found.append({r[0] for r in corpus_con.execute(f"SELECT a.id FROM articles a WHERE {predicate}",  # noqa: S608
                                                           params).fetchall()})
        python = {i for i, d in docs.items() if matches(q, d)}
        assert found[0] == found[1] == python, text
        checked += 1
        hits += bool(python)
    assert checked >= 300 and hits >= 150


def test_prefilter_prunes_most_articles(corpus_con: duckdb.DuckDBPyConnection) -> None:
    # What makes it fast: for a word, the articles whose bit is set are a small share of all, and the
    # exact test only runs on those (the CASE sends every other article straight to false).
    total = corpus_con.execute("SELECT count(*) FROM articles").fetchall()[0][0]
    for word, query in (("غزه", "غزة"), ("هدنه", "هدنة"), ("ceasefire", "ceasefire")):
        passing = corpus_con.execute("SELECT count(*) FROM articles WHERE get_bit(word_sig, ?) = 1",
                                     [term_bit(word)]).fetchall()[0][0]
        predicate, params = to_sql(parse_query(query), "a", word_sig=True)
        matched = corpus_con.execute(f"SELECT count(*) FROM articles a WHERE {predicate}", params).fetchall()[0][0]  # noqa: S608
        assert 0 < matched <= passing < total / 4, word
        assert predicate.startswith("CASE WHEN a.word_sig IS NULL OR (get_bit(a.word_sig, ?) = 1)")


# --- writing, migrating, reading old copies ------------------------------------------------------


def test_ingest_and_the_writer_store_the_same_signature(tmp_path: Path) -> None:
    # Rows from ingest carry Tags.word_sig; rows from elsewhere get it computed by the writer.
    corpus = _corpus()[:60]
    with writer(tmp_path / "a.duckdb") as a, writer(tmp_path / "b.duckdb") as b:
        _store(a, corpus, with_sig=True)
        _store(b, corpus, with_sig=False)
        sql = "SELECT id, word_sig::VARCHAR, text_norm, title_norm FROM articles ORDER BY id"
        rows_a, rows_b = a.execute(sql).fetchall(), b.execute(sql).fetchall()
    assert rows_a == rows_b and len(rows_a) == 60
    for _, bits, text_norm, title_norm in rows_a:
        expected = "".join("1" if _bit(word_signature(text_norm, title_norm), i) else "0" for i in range(SIG_BITS))
        assert bits == expected


def _old_file(path: Path, version: int, corpus: list[tuple[str, str, str]]) -> None:
    """A database as Marsad wrote it at schema `version` (before 4), holding the corpus tagged as ingest does."""
    con = duckdb.connect(str(path))
    for v in range(1, version + 1):
        for statement in MIGRATIONS[v]:
            assert isinstance(statement, str)
            con.execute(statement)
        con.execute("INSERT INTO schema_version (version) VALUES (?)", [v])
    matcher = default_matcher()
    rows = []
    for n, (ident, title, summary) in enumerate(corpus):
        tags = tag_entry(_entry(title, summary, n), source=FEED.source, source_country="EG", declared_language=None,
                         topics=(), matcher=matcher)
        rows.append((ident, FEED.url, FEED.source, "example news", "EG", f"g{n}", None, title, summary,
                     NOW - timedelta(hours=n), False, None, NOW, tags.language, tags.text_norm, tags.title_norm))
    con.register("old", pd.DataFrame(rows, columns=ARTICLE_COLUMNS))
    con.execute(f"INSERT INTO articles ({', '.join(ARTICLE_COLUMNS)}) SELECT * FROM old")  # noqa: S608
    con.close()


@pytest.mark.parametrize("version", [1, 3], ids=["from-v1", "from-v3"])
def test_migration_fills_the_signature_ingest_would(tmp_path: Path, version: int, monkeypatch: pytest.MonkeyPatch) -> None:
    corpus = _corpus()[:120]
    _old_file(tmp_path / "old.duckdb", version, corpus)
    monkeypatch.setattr(store_word_sig, "BATCH_ROWS", 7)  # several batches, a last one part full
    with writer(tmp_path / "old.duckdb") as con:
        migrated = dict(con.execute("SELECT id, word_sig::VARCHAR FROM articles").fetchall())
        assert con.execute("SELECT max(version) FROM schema_version").fetchall() == [(SCHEMA_VERSION,)]
        assert store_word_sig.word_sigs_usable(con)
    with writer(tmp_path / "new.duckdb") as con:
        _store(con, corpus)
        ingested = dict(con.execute("SELECT id, word_sig::VARCHAR FROM articles").fetchall())
    assert migrated == ingested and len(migrated) == 120


def test_a_killed_migration_leaves_the_old_file_usable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "old.duckdb"
    _old_file(path, 3, _corpus()[:30])
    calls = {"n": 0}
    real = store_word_sig.word_signature

    def dies_midway(text_norm: str, title_norm: str = "") -> bytes:
        calls["n"] += 1
        if calls["n"] > 20:
            raise duckdb.InterruptException("killed")  # as if the process stopped mid-migration
        return real(text_norm, title_norm)

    monkeypatch.setattr(store_word_sig, "word_signature", dies_midway)
    with pytest.raises(StoreError, match="schema version 4"):
        open_writer(path).close()
    con = duckdb.connect(str(path), read_only=True)
    assert con.execute("SELECT max(version) FROM schema_version").fetchall() == [(3,)]
    assert "word_sig" not in {r[0] for r in con.execute("DESCRIBE articles").fetchall()}
    con.close()
    monkeypatch.setattr(store_word_sig, "word_signature", real)
    with writer(path) as con:
        assert con.execute("SELECT count(*), count(word_sig) FROM articles").fetchall() == [(30, 30)]


def test_a_changed_scheme_is_rebuilt_not_trusted(tmp_path: Path) -> None:
    path = tmp_path / "m.duckdb"
    with writer(path) as con:
        _store(con, _corpus()[:40])
        good = con.execute("SELECT id, word_sig::VARCHAR FROM articles ORDER BY id").fetchall()
        # As a future Marsad with another scheme would leave it: other bits, another scheme name.
        con.execute("UPDATE articles SET word_sig = ?::BLOB::BIT", [bytes(SIG_BITS // 8)])
        con.execute("UPDATE metadata SET value = 'crc32-utf8-mod128-other' WHERE key = 'word_sig_scheme'")
        assert not store_word_sig.word_sigs_usable(con)  # readers of such a copy do not use the bits
    with writer(path) as con:
        assert con.execute("SELECT id, word_sig::VARCHAR FROM articles ORDER BY id").fetchall() == good
        assert store_word_sig.word_sigs_usable(con)


def test_a_readers_copy_from_before_schema_4_answers_the_same(tmp_path: Path) -> None:
    corpus = _corpus()
    old, new = tmp_path / "old.duckdb", tmp_path / "new.duckdb"
    _old_file(old, 3, corpus)
    with writer(new) as con:
        _store(con, corpus)
        publish_snapshot(con, new)
    flt = Filter(date(2025, 1, 1), date(2025, 4, 2))
    queries = ["غزة", "(gaza OR غزة) AND (truce OR ceasefire OR هدنة) AND NOT hamas", "القاهرة", '"الأمم المتحدة"',
               "واشنطن NEAR/5 موسكو", "negotiat*", "title:trump"]
    for text in queries:
        counts = []
        for path in (old, new):
            with reader(path) as con:
                with local_time(con, "UTC", datetime(2025, 1, 1, tzinfo=UTC), datetime(2025, 4, 2, tzinfo=UTC)):
                    listed = len(report_articles(con, flt.replace(query=text)))
                counts.append((count_articles(con, flt.replace(query=text)), listed))
                sigs = store_word_sig.word_sigs_usable(con)
            assert sigs == (path == new)
        assert counts[0] == counts[1], text
    with reader(new) as con:
        assert count_articles(con, flt.replace(query="غزة")) > 10
