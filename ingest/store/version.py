"""The schema version a database file is at (the schema_version table), for the code that migrates
it and the readers that must still answer from a copy published by an older ingest job."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the connection module imports the schema, which imports modules that import this
    from ingest.store.connection import Connection


def stored_version(con: Connection) -> int:
    """The highest schema version applied to the file; 0 for a file without any."""
    return int(con.execute("SELECT coalesce(max(version), 0) FROM schema_version").fetchall()[0][0])
