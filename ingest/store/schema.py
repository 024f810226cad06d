"""The database schema (a documented contract for analysts) and its migrations.

Every table is described in the README's "The database" section; change both together. A new
version appends a migration to MIGRATIONS; old files are carried forward on open.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from ingest.store.facets import recount
from ingest.store.word_sig import fill_word_sigs

if TYPE_CHECKING:
    from ingest.store.connection import Connection

SCHEMA_VERSION = 5

# Version 1: the initial schema.
_V1 = [
    """
    CREATE TABLE IF NOT EXISTS schema_version (
        version INTEGER NOT NULL,
        applied_at TIMESTAMPTZ NOT NULL DEFAULT now()
    )""",
    """
    CREATE TABLE IF NOT EXISTS feeds (
        url VARCHAR PRIMARY KEY,            -- the feed's URL as configured (its identity)
        fetch_url VARCHAR NOT NULL,         -- where it is fetched now (follows 301/308)
        source VARCHAR NOT NULL,            -- outlet name
        source_country VARCHAR NOT NULL,    -- ISO 3166-1 alpha-2 of the outlet
        language VARCHAR,                   -- declared language (a hint)
        tags VARCHAR[],
        enabled BOOLEAN NOT NULL DEFAULT TRUE,
        disabled_reason VARCHAR,            -- e.g. "410 Gone" when Marsad disabled it
        added_at TIMESTAMPTZ NOT NULL,
        last_fetched_at TIMESTAMPTZ,
        last_success_at TIMESTAMPTZ,
        last_status VARCHAR,                -- HTTP status code or error kind of the last attempt
        last_error VARCHAR,
        consecutive_failures INTEGER NOT NULL DEFAULT 0,
        next_fetch_at TIMESTAMPTZ,          -- backoff / Retry-After: not polled before this time
        etag VARCHAR,
        last_modified VARCHAR,
        content_hash VARCHAR,               -- sha256 of the last body parsed
        items_seen BIGINT NOT NULL DEFAULT 0
    )""",
    """
    CREATE TABLE IF NOT EXISTS articles (
        id VARCHAR PRIMARY KEY,             -- stable hash of the article's identity
        feed_url VARCHAR NOT NULL,          -- feeds.url of the feed it first came from
        source VARCHAR NOT NULL,
        source_norm VARCHAR NOT NULL,       -- normalize(source), for the query language's source: atom
        source_country VARCHAR NOT NULL,
        guid VARCHAR,
        url VARCHAR,                        -- canonical http(s) link, tracking parameters removed
        title VARCHAR NOT NULL,
        summary VARCHAR NOT NULL,
        published_at TIMESTAMPTZ NOT NULL,  -- UTC
        date_estimated BOOLEAN NOT NULL,    -- the feed gave no usable date (or an impossible one)
        date_note VARCHAR,                  -- missing / future / too_old
        fetched_at TIMESTAMPTZ NOT NULL,
        language VARCHAR NOT NULL,          -- detected (ISO 639-1), not the feed's declaration
        text_norm VARCHAR NOT NULL,         -- normalised title | summary, space-padded (query language)
        title_norm VARCHAR NOT NULL         -- normalised title, space-padded
    )""",
    "CREATE TABLE IF NOT EXISTS article_topics (article_id VARCHAR NOT NULL, topic VARCHAR NOT NULL)",
    """
    CREATE TABLE IF NOT EXISTS article_countries (
        article_id VARCHAR NOT NULL, country VARCHAR NOT NULL, mentions INTEGER NOT NULL
    )""",
    """
    CREATE TABLE IF NOT EXISTS fetch_log (
        run_id BIGINT,
        feed_url VARCHAR NOT NULL,
        started_at TIMESTAMPTZ NOT NULL,
        duration_ms INTEGER,
        outcome VARCHAR NOT NULL,           -- ok / not_modified / unchanged / not_a_feed / http_error / …
        http_status INTEGER,
        error VARCHAR,
        bytes BIGINT,
        items_parsed INTEGER,
        items_new INTEGER
    )""",
    """
    CREATE TABLE IF NOT EXISTS ingest_runs (
        run_id BIGINT PRIMARY KEY,
        started_at TIMESTAMPTZ NOT NULL,
        finished_at TIMESTAMPTZ,
        feeds_ok INTEGER,
        feeds_not_modified INTEGER,
        feeds_failed INTEGER,
        items_new INTEGER,
        status VARCHAR NOT NULL             -- running / finished / interrupted
    )""",
    """
    CREATE TABLE IF NOT EXISTS topic_definitions (
        topic VARCHAR PRIMARY KEY,
        query_hash VARCHAR NOT NULL,        -- retag when the definition changes
        tagged_at TIMESTAMPTZ NOT NULL
    )""",
]

# Version 2: an index on articles.guid, so the duplicate check of every write looks a batch's guids
# up instead of scanning all stored articles (188 → ~40 ms for one feed at a million articles).
# DuckDB 2.0 answers `guid IN (…)` from a one-column index but not `feed_url = ? AND guid = ?` from a
# (feed_url, guid) index (EXPLAIN ANALYZE shows a sequential scan), so the index is on guid alone and
# the feed is compared on the few rows it finds.
_V2 = ["CREATE INDEX IF NOT EXISTS articles_guid ON articles (guid)"]


# Version 3: both tag tables carry their article's published_at, stored in date order. Without a
# date a read could only reach a range's tags through all of them (every page that joins topics or
# mentioned countries scanned every tag row ever stored); with one, DuckDB's zone maps skip the row
# groups outside the range, so a read grows with the days in view. The column is a copy of
# articles.published_at, which is never updated, so it cannot drift. Each table is rebuilt rather
# than altered so that existing rows are ordered by date too (a million articles: a few seconds).
def _with_published_at(table: str, columns: str, types: str) -> list[str]:
    """Rebuild `table` (fixed names only) with its article's published_at, ordered by it."""
    return [
        f"CREATE TABLE {table}_v3 ({types}, published_at TIMESTAMPTZ NOT NULL)",
        # Only tags of stored articles: a tag without its article can never be read anyway.
        f"INSERT INTO {table}_v3 SELECT {', '.join('t.' + c for c in columns.split(', '))}, a.published_at "  # noqa: S608
        f"FROM {table} t JOIN articles a ON a.id = t.article_id ORDER BY a.published_at, t.article_id",
        f"DROP TABLE {table}",
        f"ALTER TABLE {table}_v3 RENAME TO {table}",
    ]


_V3 = [
    *_with_published_at("article_topics", "article_id, topic", "article_id VARCHAR NOT NULL, topic VARCHAR NOT NULL"),
    *_with_published_at("article_countries", "article_id, country, mentions",
                        "article_id VARCHAR NOT NULL, country VARCHAR NOT NULL, mentions INTEGER NOT NULL"),
]


# Version 4: articles.word_sig, a 256-bit word signature (ingest.query.signature), so that a keyword
# query over all stored articles tests a few bits per article and reads the text of only those that
# may match (an Arabic word over a million articles: every article's text costs ~190 ms to search
# because every Arabic letter starts with the same byte). BIT because DuckDB's get_bit reads one bit
# of it directly (~11 ms per bit over 1M rows); it is NULL only for a row written by something other
# than Marsad's writer, and queries let such a row through to the exact test. The metadata table
# records the signature scheme, so a later change of it is rebuilt instead of trusted. Existing
# articles get their signatures computed in Python, in the migration's transaction.
_V4: list[str | Callable[[Connection], object]] = [
    "ALTER TABLE articles ADD COLUMN IF NOT EXISTS word_sig BIT",
    """
    CREATE TABLE IF NOT EXISTS metadata (
        key VARCHAR PRIMARY KEY,            -- e.g. word_sig_scheme
        value VARCHAR NOT NULL
    )""",
    fill_word_sigs,
]


# Version 5: facet_counts, the number of stored articles per language, topic and mentioned country,
# kept by the writer in each write's transaction (ingest.store.facets). The dashboard's sidebar lists
# read it instead of every tag ever stored (~30 ms at a million articles, growing with the archive).
_V5: list[str | Callable[[Connection], object]] = [
    """
    CREATE TABLE IF NOT EXISTS facet_counts (
        facet VARCHAR NOT NULL,             -- 'language', 'topic' or 'country' (mentioned)
        value VARCHAR NOT NULL,             -- the language code, topic id or ISO country code
        articles BIGINT NOT NULL,           -- stored articles with that value
        PRIMARY KEY (facet, value)
    )""",
    recount,
]

MIGRATIONS: dict[int, list[str | Callable[[Connection], object]]] = {
    1: list(_V1), 2: list(_V2), 3: list(_V3), 4: _V4, 5: _V5}
