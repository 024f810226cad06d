"""Every question the dashboard, the reports and `status` ask of the database, one function each.

A question is asked through a `Filter` (dates, topics, outlets, countries, languages, keyword query,
bucket). `where_clause()` is the one place a Filter becomes SQL: identifiers come from fixed lists,
every value travels as a bound parameter. Aggregation happens in DuckDB; each function returns a
small DataFrame whose columns are the SQL aliases (or a frozen dataclass for single-row answers).

Performance: the published_at range is the first condition of every WHERE (the articles table is
stored in ingest order, which is roughly date order, so zone maps skip most row groups),
article_topics / article_countries are joined only when a question needs them and then restricted by
their own copy of the article's date (schema 3, `tag_range`) for the same reason, and a keyword query's
matches are worked out once per query and dates and shared by the reads (ingest.store.matches).
The status questions (freshness, sidebar options, feed health) live in ingest.store.reads_status.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import pandas as pd

from ingest.snippets import snippet_terms, snippets
from ingest.store.connection import Connection, scalar
from ingest.store.filter import (
    BUCKETS,
    Filter,
    Series,
    bucket_end,
    bucket_starts,
    dated_tags,
    tag_range,
    utc_midnight,
    where_clause,
)
from ingest.store.matches import matching_ids
from ingest.store.reads_status import (
    Freshness,
    Options,
    feed_health,
    feeds_for_opml,
    filter_options,
    freshness,
)
from ingest.store.word_sig import word_sigs_usable

__all__ = [
    "BUCKETS", "Filter", "Freshness", "Kpis", "Options", "Series", "bucket_end", "bucket_starts",
    "compare_series", "count_articles", "count_by_bucket", "feed_health", "feeds_for_opml", "filter_options",
    "freshness", "kpis", "list_articles", "mentioned_countries", "source_countries", "source_table",
    "source_week_heatmap", "top_sources", "topic_country_matrix", "totals_by_bucket", "where_clause",
]

# Breakdowns count_by_bucket offers; values are fixed SQL expressions over `articles a`.
_BY_COLUMNS = {"source": "a.source", "source_country": "a.source_country", "language": "a.language"}


# Whole UTC days since 1970-01-01, an integer. Grouping a large scan by it is ~20x cheaper than
# date_trunc on a TIMESTAMPTZ (which goes through the time zone library); the few hundred day groups
# are then rolled up into buckets.
_DAY = "epoch_us(a.published_at) // 86400000000"


def _bucket_of_day(bucket: str) -> str:
    """SQL turning the integer `day` into its bucket's first date. Weeks start on Monday (ISO);
    1970-01-01 was a Thursday, hence the +3."""
    day = "(DATE '1970-01-01' + CAST(day AS INTEGER))"
    if bucket == "day":
        return day
    if bucket == "week":
        return "(DATE '1970-01-01' + CAST(day - ((day + 3) % 7 + 7) % 7 AS INTEGER))"
    if bucket == "month":
        return f"CAST(date_trunc('month', {day}) AS DATE)"
    raise ValueError(f"unknown bucket {bucket!r} (expected one of {', '.join(BUCKETS)})")


def _rollup(inner: str, bucket: str, keys: tuple[str, ...], value: str) -> str:
    """Roll a per-day aggregate (`inner` selects day, *keys, n) up to buckets."""
    cols = "".join(f", {k}" for k in keys)
    return (f"WITH d AS ({inner}) SELECT {_bucket_of_day(bucket)} AS bucket{cols}, "  # noqa: S608
            f"CAST(sum(n) AS BIGINT) AS {value} FROM d GROUP BY ALL")


def _tag_range(con: Connection, flt: Filter, alias: str) -> tuple[str, list[object]]:
    return tag_range(flt, alias) if dated_tags(con) else ("TRUE", [])


def _where(con: Connection, flt: Filter, *, extra_query: str | None = None) -> tuple[str, list[object]]:
    """where_clause(flt), with the keyword query's matches looked up once per query and dates
    (ingest.store.matches) instead of its expression evaluated again by every read of a page."""
    dated = not (flt.topics or flt.countries) or dated_tags(con)  # no tag table, no question to ask
    sigs = bool(extra_query) and word_sigs_usable(con)
    if not flt.query:
        return where_clause(flt, extra_query=extra_query, dated_tags=dated, word_sigs=sigs)
    where, params = where_clause(flt.replace(query=""), extra_query=extra_query, dated_tags=dated, word_sigs=sigs)
    matched, mparams = matching_ids(con, flt.query, flt.start, flt.end)
    return f"{where} AND {matched}", [*params, *mparams]


def _df(con: Connection, sql: str, params: Sequence[object]) -> pd.DataFrame:
    return con.execute(sql, list(params)).df()


def count_articles(con: Connection, flt: Filter) -> int:
    """How many articles match the filter."""
    where, params = _where(con, flt)
    return int(scalar(con, f"SELECT count(*) FROM articles a WHERE {where}", params))  # type: ignore[arg-type]  # noqa: S608


def _dense(df: pd.DataFrame, flt: Filter, series: Sequence[str] | None, value: str) -> pd.DataFrame:
    """Every bucket of the range for every series, with 0 where nothing was published.

    A missing bucket must read as "no articles", not be bridged by a line from its neighbours.
    Buckets are plain `datetime.date` values (DuckDB's DATE arrives as a pandas timestamp).
    """
    # Rebuilt column by column so that an empty result (whose columns DuckDB types loosely) merges too.
    df = pd.DataFrame({
        **{c: pd.Series(list(df[c]), dtype="object") for c in df.columns if c not in ("bucket", value)},
        "bucket": pd.Series([b.date() if isinstance(b, datetime) else b for b in df["bucket"]], dtype="object"),
        value: pd.Series(list(df[value]), dtype="int64"),
    })
    buckets = bucket_starts(flt)
    if series is None:
        full = pd.DataFrame({"bucket": buckets})
        out = full.merge(df, on="bucket", how="left")
    else:
        full = pd.DataFrame([(b, s) for s in series for b in buckets], columns=["bucket", "series"])
        out = full.merge(df, on=["bucket", "series"], how="left")
    out[value] = out[value].fillna(0).astype("int64")
    return out


def totals_by_bucket(con: Connection, flt: Filter) -> pd.DataFrame:
    """bucket, total: every article from the filter's outlets, outlet countries and languages.

    The denominator of a normalised share: topics, mentioned countries and the keyword query are
    ignored on purpose, so a share reads "of everything these outlets published that week".
    """
    universe = flt.universe()
    where, params = where_clause(universe)
    inner = f"SELECT {_DAY} AS day, count(*) AS n FROM articles a WHERE {where} GROUP BY 1"  # noqa: S608
    df = _df(con, _rollup(inner, flt.bucket, (), "total"), params)
    return _dense(df, flt, None, "total")


def count_by_bucket(con: Connection, flt: Filter, by: str = "topic", topics: Sequence[str] = ()) -> pd.DataFrame:
    """bucket, series, matching, total, ratio: matching articles per bucket, one series per topic /
    source / source_country / language (by="all": one series named "all").

    For by="topic" the series are the filter's topics, else `topics`, else every topic present;
    an article tagged with two topics counts once in each. `total` is totals_by_bucket's
    denominator and ratio = matching / total (NaN where total is 0).
    """
    if by == "topic":
        wanted = tuple(flt.topics or topics)
        where, params = _where(con, flt.replace(topics=()))
        topic_cond = f"AND t.topic IN ({', '.join('?' for _ in wanted)})" if wanted else ""
        dates, dparams = _tag_range(con, flt, "t")
        inner = (f"SELECT {_DAY} AS day, t.topic AS series, count(*) AS n FROM articles a "  # noqa: S608
                 f"JOIN article_topics t ON t.article_id = a.id AND {dates} {topic_cond} WHERE {where} GROUP BY 1, 2")
        df = _df(con, _rollup(inner, flt.bucket, ("series",), "matching"), [*dparams, *wanted, *params])
        series = list(wanted) if wanted else sorted(df["series"].unique())
    elif by == "all" or by in _BY_COLUMNS:
        where, params = _where(con, flt)
        column = "'all'" if by == "all" else _BY_COLUMNS[by]
        inner = (f"SELECT {_DAY} AS day, {column} AS series, count(*) AS n FROM articles a "  # noqa: S608
                 f"WHERE {where} GROUP BY 1, 2")
        df = _df(con, _rollup(inner, flt.bucket, ("series",), "matching"), params)
        series = ["all"] if by == "all" else sorted(df["series"].unique())
    else:
        raise ValueError(f"count_by_bucket: unknown breakdown {by!r}")
    out = _dense(df, flt, series, "matching")
    return _with_ratio(out, totals_by_bucket(con, flt))


def _with_ratio(df: pd.DataFrame, totals: pd.DataFrame) -> pd.DataFrame:
    out = df.merge(totals, on="bucket", how="left")
    out["total"] = out["total"].fillna(0).astype("int64")
    out["ratio"] = out["matching"] / out["total"].where(out["total"] > 0)
    return out[["bucket", "series", "matching", "total", "ratio"]]


def compare_series(con: Connection, flt: Filter, series: Sequence[Series]) -> pd.DataFrame:
    """date, series, matching, total, ratio for several topics and/or ad-hoc queries on one axis.

    Each series is the filter (outlets, countries, keyword) narrowed to its topic or query; the
    denominator is the filter's universe, the same for every series, so the lines are comparable.
    """
    frames = []
    base = flt.replace(topics=())
    topics = tuple(dict.fromkeys(s.topic for s in series if s.topic))
    if topics:
        # Every topic series in one pass over the range and one join with the range's article_topics.
        where, params = _where(con, base)
        dates, dparams = _tag_range(con, flt, "t")
        inner = (f"SELECT {_DAY} AS day, t.topic AS series, count(*) AS n FROM articles a "  # noqa: S608
                 f"JOIN article_topics t ON t.article_id = a.id AND {dates} "
                 f"AND t.topic IN ({', '.join('?' for _ in topics)}) WHERE {where} GROUP BY 1, 2")
        by_topic = _df(con, _rollup(inner, flt.bucket, ("series",), "matching"), [*dparams, *topics, *params])
        for s in series:
            if s.topic:
                frames.append(by_topic[by_topic["series"] == s.topic].assign(series=s.name))
    for s in series:
        if s.query is None:
            continue
        where, params = _where(con, base, extra_query=s.query)
        inner = f"SELECT {_DAY} AS day, ? AS series, count(*) AS n FROM articles a WHERE {where} GROUP BY 1, 2"  # noqa: S608
        frames.append(_df(con, _rollup(inner, flt.bucket, ("series",), "matching"), [s.name, *params]))
    names = [s.name for s in series]
    merged = pd.concat(frames) if frames else pd.DataFrame(columns=["bucket", "series", "matching"])
    out = _with_ratio(_dense(merged, flt, names, "matching"), totals_by_bucket(con, flt))
    return out.rename(columns={"bucket": "date"})


def top_sources(con: Connection, flt: Filter, limit: int = 20) -> pd.DataFrame:
    """source, source_country, matching, total, share_of_source, share_of_coverage, ranked.

    share_of_source: matching ÷ everything that outlet published in the range (how much of its
    output is on the subject); share_of_coverage: its part of all matching articles (who dominates).
    """
    where, params = _where(con, flt)
    uwhere, uparams = where_clause(flt.universe())
    sql = f"""
        WITH m AS (SELECT a.source, count(*) AS matching FROM articles a WHERE {where} GROUP BY 1),
             u AS (SELECT a.source, any_value(a.source_country) AS source_country, count(*) AS total
                   FROM articles a WHERE {uwhere} GROUP BY 1)
        SELECT m.source, u.source_country, m.matching, u.total,
               m.matching / u.total AS share_of_source,
               m.matching / sum(m.matching) OVER () AS share_of_coverage
        FROM m JOIN u USING (source)
        ORDER BY m.matching DESC, m.source LIMIT ?
    """  # noqa: S608
    return _df(con, sql, [*params, *uparams, limit])


def source_week_heatmap(con: Connection, flt: Filter, limit: int = 25) -> pd.DataFrame:
    """source, bucket, matching for the `limit` outlets with most matching articles (dense grid)."""
    where, params = _where(con, flt)
    sql = f"""
        WITH d AS (SELECT a.source, {_DAY} AS day, count(*) AS n FROM articles a WHERE {where} GROUP BY 1, 2),
             top AS (SELECT source FROM d GROUP BY 1 ORDER BY sum(n) DESC, source LIMIT ?)
        SELECT d.source AS series, {_bucket_of_day(flt.bucket)} AS bucket, CAST(sum(n) AS BIGINT) AS matching
        FROM d JOIN top USING (source) GROUP BY ALL
    """  # noqa: S608
    df = _df(con, sql, [*params, limit])
    order = (df.groupby("series")["matching"].sum().sort_values(ascending=False, kind="stable").index.tolist()
             if len(df) else [])
    return _dense(df, flt, order, "matching").rename(columns={"series": "source"})[["source", "bucket", "matching"]]


def source_table(con: Connection, flt: Filter) -> pd.DataFrame:
    """source, source_country, languages, feeds, articles, first_published, last_published."""
    where, params = _where(con, flt)
    sql = f"""
        SELECT a.source, any_value(a.source_country) AS source_country,
               string_agg(DISTINCT a.language, ', ' ORDER BY a.language) AS languages,
               count(DISTINCT a.feed_url) AS feeds, count(*) AS articles,
               min(a.published_at) AS first_published, max(a.published_at) AS last_published
        FROM articles a WHERE {where} GROUP BY a.source ORDER BY articles DESC, a.source
    """  # noqa: S608
    return _df(con, sql, params)


def source_countries(con: Connection, flt: Filter) -> pd.DataFrame:
    """country, matching, sources: where the matching coverage comes from (outlet's country)."""
    where, params = _where(con, flt)
    sql = f"""SELECT a.source_country AS country, count(*) AS matching, count(DISTINCT a.source) AS sources
              FROM articles a WHERE {where} GROUP BY 1 ORDER BY matching DESC, country"""  # noqa: S608
    return _df(con, sql, params)


def mentioned_countries(con: Connection, flt: Filter, limit: int = 300) -> pd.DataFrame:
    """country, articles: how many matching articles mention each country (by its tagged mentions)."""
    where, params = _where(con, flt)
    dates, dparams = _tag_range(con, flt, "c")
    sql = f"""SELECT c.country, count(*) AS articles FROM articles a
              JOIN article_countries c ON c.article_id = a.id AND {dates} WHERE {where}
              GROUP BY 1 ORDER BY articles DESC, c.country LIMIT ?"""  # noqa: S608
    return _df(con, sql, [*dparams, *params, limit])


def topic_country_matrix(con: Connection, flt: Filter, limit_countries: int = 15) -> pd.DataFrame:
    """topic, country, articles: the `limit_countries` most mentioned countries × the filter's topics
    (every topic when the filter names none)."""
    where, params = _where(con, flt.replace(topics=()))
    topic_cond = f"AND t.topic IN ({', '.join('?' for _ in flt.topics)})" if flt.topics else ""
    tdates, tparams = _tag_range(con, flt, "t")
    cdates, cparams = _tag_range(con, flt, "c")
    sql = f"""
        WITH m AS (SELECT t.topic, c.country FROM articles a
                   JOIN article_topics t ON t.article_id = a.id AND {tdates} {topic_cond}
                   JOIN article_countries c ON c.article_id = a.id AND {cdates}
                   WHERE {where}),
             top AS (SELECT country FROM m GROUP BY 1 ORDER BY count(*) DESC, country LIMIT ?)
        SELECT m.topic, m.country, count(*) AS articles FROM m JOIN top USING (country)
        GROUP BY 1, 2 ORDER BY 1, articles DESC
    """  # noqa: S608
    return _df(con, sql, [*tparams, *flt.topics, *cparams, *params, limit_countries])


_ARTICLE_FIELDS = ("id", "published_at", "source", "source_country", "language", "title", "url", "summary",
                   "date_estimated")


def list_articles(con: Connection, flt: Filter, limit: int = 50, offset: int = 0,
                  highlight: Sequence[str] = ()) -> pd.DataFrame:
    """The stories behind a number, newest first: published_at, source, source_country, language,
    title, url, topics (list), countries (list), date_estimated, id, and a keyword-in-context snippet
    (snippet_before, snippet_hit, snippet_after; snippet = the three joined).

    The snippet centres on the first hit of the keyword query, else of the `highlight` queries (e.g.
    the selected topics' definitions), else it is the start of the summary.
    """
    where, params = _where(con, flt)
    tdates, tparams = _tag_range(con, flt, "t")
    cdates, cparams = _tag_range(con, flt, "c")
    cols = ", ".join(f"a.{c}" for c in _ARTICLE_FIELDS)
    sql = f"""
        WITH page AS (SELECT {cols} FROM articles a WHERE {where}
                      ORDER BY a.published_at DESC, a.id LIMIT ? OFFSET ?),
             t AS (SELECT t.article_id, list(t.topic ORDER BY t.topic) AS topics FROM article_topics t
                   WHERE {tdates} AND t.article_id IN (SELECT id FROM page) GROUP BY 1),
             c AS (SELECT c.article_id, list(c.country ORDER BY c.mentions DESC, c.country) AS countries
                   FROM article_countries c WHERE {cdates} AND c.article_id IN (SELECT id FROM page) GROUP BY 1)
        SELECT page.*, coalesce(t.topics, []) AS topics, coalesce(c.countries, []) AS countries
        FROM page LEFT JOIN t ON t.article_id = page.id LEFT JOIN c ON c.article_id = page.id
        ORDER BY page.published_at DESC, page.id
    """  # noqa: S608
    df = _df(con, sql, [*params, limit, offset, *tparams, *cparams])
    terms = snippet_terms([flt.query, *highlight] if flt.query else list(highlight))
    parts = [snippets(title, summary, terms) for title, summary in zip(df["title"], df["summary"], strict=True)]
    df["snippet_before"] = [p.before for p in parts]
    df["snippet_hit"] = [p.hit for p in parts]
    df["snippet_after"] = [p.after for p in parts]
    df["snippet"] = [p.text for p in parts]
    df["topics"] = df["topics"].map(list)
    df["countries"] = df["countries"].map(list)
    return df.drop(columns=["summary"])


@dataclass(frozen=True)
class Kpis:
    """The Overview's headline numbers for one filter."""

    articles: int
    previous_articles: int  # same filter over the period of equal length just before
    active_sources: int  # outlets with at least one matching article
    top_topic: str | None  # the topic with most matching articles (None when nothing is tagged)
    top_topic_articles: int

    @property
    def change(self) -> float | None:
        """Relative change vs the previous period (0.25 = +25 %); None when that period had nothing."""
        if self.previous_articles == 0:
            return None
        return self.articles / self.previous_articles - 1


def kpis(con: Connection, flt: Filter) -> Kpis:
    # One pass over both periods, kept for the top topic: the filter (with a keyword query, a regular
    # expression per article) is evaluated once per article of the two periods, not once per number.
    where, params = _where(con, flt.replace(start=flt.previous().start))
    topic_cond = f"AND t.topic IN ({', '.join('?' for _ in flt.topics)})" if flt.topics else ""
    dates, dparams = _tag_range(con, flt, "t")  # the top topic is the current period's
    sql = f"""
        WITH m AS MATERIALIZED (SELECT a.id, a.source, a.published_at >= ? AS current FROM articles a WHERE {where}),
             k AS (SELECT count(*) FILTER (WHERE current) AS articles,
                          count(DISTINCT source) FILTER (WHERE current) AS sources,
                          count(*) FILTER (WHERE NOT current) AS previous FROM m),
             top AS (SELECT t.topic, count(*) AS n FROM m
                     JOIN article_topics t ON t.article_id = m.id AND {dates} {topic_cond}
                     WHERE m.current GROUP BY 1 ORDER BY n DESC, t.topic LIMIT 1)
        SELECT k.articles, k.previous, k.sources, top.topic, coalesce(top.n, 0) FROM k LEFT JOIN top ON TRUE
    """  # noqa: S608
    articles, previous, sources, topic, n = con.execute(sql, [utc_midnight(flt.start), *params, *dparams, *flt.topics]).fetchall()[0]
    return Kpis(int(articles), int(previous), int(sources), topic, int(n))
