"""facet_counts (schema 5): how many stored articles have each language, topic and mentioned country.

The dashboard's sidebar offers only values that occur in the database. Read from the articles and
their tags, those lists cost a scan of every tag ever stored on each new readers' copy (~30 ms at a
million articles, growing with the archive). The writer keeps them instead, in the same transaction
as the rows they count: each write adds its new articles' values, a retag recounts the topics, and the
migration to schema 5 counts what is stored. A reader then reads a few hundred rows.

The counts are exact (tests check them against a recount after ingest runs, retags and migrations);
`recount_sql` is that recount.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ingest.store.connection import Connection

LANGUAGE, TOPIC, COUNTRY = "language", "topic", "country"

# Every facet's count from the stored rows. The tag tables hold one row per (article, value): the
# writer inserts them DISTINCT / grouped by article and value.
_RECOUNT = {
    LANGUAGE: "SELECT 'language' AS facet, language AS value, count(*) AS articles FROM articles "
              "WHERE language IS NOT NULL GROUP BY language",
    TOPIC: "SELECT 'topic' AS facet, topic AS value, count(*) AS articles FROM article_topics GROUP BY topic",
    COUNTRY: "SELECT 'country' AS facet, country AS value, count(*) AS articles FROM article_countries "
             "GROUP BY country",
}

_UPSERT = ("INSERT INTO facet_counts (facet, value, articles) {select} "
           "ON CONFLICT (facet, value) DO UPDATE SET articles = facet_counts.articles + excluded.articles")


def recount_sql(facet: str) -> str:
    """A SELECT of (facet, value, articles) recounted from the stored rows."""
    return _RECOUNT[facet]


def recount(con: Connection, *facets: str) -> None:
    """Replace the counts of `facets` (default: all) by a recount. Runs in the caller's transaction."""
    for facet in facets or tuple(_RECOUNT):
        con.execute("DELETE FROM facet_counts WHERE facet = ?", [facet])
        con.execute(f"INSERT INTO facet_counts (facet, value, articles) {_RECOUNT[facet]}")  # noqa: S608 (fixed SQL)


def add_new(con: Connection, *, topics: bool, countries: bool) -> None:
    """Add the values of the articles a write is inserting: the temp table new_articles and, when
    registered, batch_topics / batch_countries (rows of articles not in new_articles are ignored,
    as the write ignores them). Runs in the write's transaction."""
    parts = ["SELECT 'language', language, count(*) FROM new_articles WHERE language IS NOT NULL GROUP BY 2"]
    if topics:
        parts.append("SELECT 'topic', b.topic, count(DISTINCT b.article_id) FROM batch_topics b "
                     "JOIN new_articles n ON n.id = b.article_id GROUP BY 2")
    if countries:
        parts.append("SELECT 'country', b.country, count(DISTINCT b.article_id) FROM batch_countries b "
                     "JOIN new_articles n ON n.id = b.article_id GROUP BY 2")
    con.execute(_UPSERT.format(select=" UNION ALL ".join(parts)))


def facet_values(con: Connection) -> dict[str, tuple[str, ...]]:
    """Every facet's stored values (facet → values): countries most articles first (ties by name),
    languages and topics by name. One small query."""
    rows = con.execute("SELECT facet, value FROM facet_counts WHERE articles > 0 ORDER BY facet, "
                       "CASE WHEN facet = 'country' THEN -articles ELSE 0 END, value").fetchall()
    values: dict[str, list[str]] = {LANGUAGE: [], TOPIC: [], COUNTRY: []}
    for facet, value in rows:
        values.setdefault(facet, []).append(value)
    return {facet: tuple(v) for facet, v in values.items()}
