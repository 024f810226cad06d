"""The only package that imports duckdb: schema, migrations, connections and every SQL statement."""

from ingest.store.connection import (
    Connection,
    data_version,
    open_writer,
    publish_snapshot,
    readable_path,
    reader,
    snapshot_path,
    writer,
)

__all__ = ["Connection", "data_version", "open_writer", "publish_snapshot", "readable_path", "reader",
           "snapshot_path", "writer"]
