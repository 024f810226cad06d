"""Every question the dashboard, the reports and `status` ask of the database, one function each.

Aggregation happens in DuckDB; functions return small DataFrames whose columns are the SQL aliases.
"""

from __future__ import annotations

import pandas as pd

from ingest.store.connection import Connection


def feed_health(con: Connection) -> pd.DataFrame:
    """One row per feed: its state, last success and error, failures in a row, recent volume."""
    return con.execute(
        """
        SELECT f.source, f.source_country, f.language, f.url,
               CASE WHEN NOT f.enabled THEN 'disabled'
                    WHEN f.last_fetched_at IS NULL THEN 'new'
                    WHEN f.consecutive_failures > 0 THEN 'failing'
                    ELSE 'ok' END AS state,
               f.last_success_at, f.last_fetched_at, f.last_status, f.last_error, f.consecutive_failures,
               f.next_fetch_at, f.disabled_reason,
               coalesce(v.items_7d, 0) / 7.0 AS items_per_day
        FROM feeds f
        LEFT JOIN (
            SELECT feed_url, count(*) AS items_7d FROM articles
            WHERE fetched_at >= (SELECT coalesce(max(fetched_at), now()) FROM articles) - INTERVAL 7 DAY
            GROUP BY feed_url
        ) v ON v.feed_url = f.url
        ORDER BY (state = 'ok'), f.consecutive_failures DESC, f.source
        """
    ).df()
