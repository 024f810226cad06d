"""Opening the database: the writer's file, the readers' published snapshot, locks and migrations.

Reading while writing: DuckDB lets one process hold a file read-write, and while it does no other
process can open it at all (FACTS). So the writer (the ingest job) is the only process that opens
`marsad.duckdb`; after every run it publishes a consistent copy, `marsad.read.duckdb`, by copying the
checkpointed database file to a temporary file and renaming it over the old copy (an atomic rename). Readers (the
dashboard, reports, `status`) open that copy read-only, briefly, per page. A reader never blocks the
writer, the writer never blocks a reader, and a reader always sees a whole run or none of it.
"""

from __future__ import annotations

import os
import shutil
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from ingest.errors import StoreError, StoreLockedError
from ingest.store.schema import MIGRATIONS, SCHEMA_VERSION
from ingest.store.version import stored_version
from ingest.store.word_sig import refresh_word_sigs

Connection = duckdb.DuckDBPyConnection


def snapshot_path(db_path: Path) -> Path:
    """Where the readers' copy of `db_path` lives: `marsad.duckdb` → `marsad.read.duckdb`."""
    return db_path.with_name(db_path.stem + ".read" + (db_path.suffix or ".duckdb"))


def _is_lock_error(e: Exception) -> bool:
    text = str(e)
    return "lock" in text.lower() or "Conflicting" in text


def _connect(path: Path, *, read_only: bool) -> Connection:
    try:
        con = duckdb.connect(str(path), read_only=read_only)
    except duckdb.IOException as e:
        if _is_lock_error(e):
            raise StoreLockedError(
                f"{path} is in use by another Marsad process (only one ingest job may write at a time)"
            ) from e
        raise StoreError(f"cannot open {path}: {e}") from e
    except duckdb.Error as e:
        raise StoreError(f"cannot open {path}: {e}") from e
    con.execute("SET TimeZone = 'UTC'")
    return con


def scalar(con: Connection, sql: str, params: list[object] | None = None) -> object:
    """The single value of a one-row query. Fetches everything: DuckDB 2 refuses further work on a
    connection whose last result was only partly fetched."""
    rows = con.execute(sql, params or []).fetchall()
    return rows[0][0] if rows else None


def _migrate(con: Connection) -> None:
    con.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())")
    current = stored_version(con)
    if current > SCHEMA_VERSION:
        raise StoreError(f"the database has schema version {current}, newer than this Marsad ({SCHEMA_VERSION}); upgrade Marsad")
    for version in range(current + 1, SCHEMA_VERSION + 1):
        con.execute("BEGIN TRANSACTION")
        try:
            for statement in MIGRATIONS[version]:
                if callable(statement):
                    statement(con)  # a step computed in Python (schema 4's word signatures)
                else:
                    con.execute(statement)
            con.execute("INSERT INTO schema_version (version) VALUES (?)", [version])
            con.execute("COMMIT")
        except duckdb.Error as e:
            con.execute("ROLLBACK")
            raise StoreError(f"migrating the database to schema version {version} failed: {e}") from e


def open_writer(db_path: Path) -> Connection:
    """Open (creating if needed) the database for writing, migrated to the current schema."""
    db_path.parent.mkdir(parents=True, exist_ok=True)
    con = _connect(db_path, read_only=False)
    # Long statements (a migration, a retag) would otherwise draw DuckDB's progress bar into the ingest log.
    con.execute("SET enable_progress_bar = false")
    _migrate(con)
    try:
        refresh_word_sigs(con)
    except duckdb.Error as e:
        raise StoreError(f"rebuilding the word signatures failed: {e}") from e
    return con


@contextmanager
def writer(db_path: Path) -> Iterator[Connection]:
    con = open_writer(db_path)
    try:
        yield con
    finally:
        con.close()


def publish_snapshot(con: Connection, db_path: Path) -> Path:
    """Publish a consistent read-only copy of the writer's database for readers (atomic rename).

    After a CHECKPOINT the database file holds everything and nothing else writes to it (this
    process is the only writer and is busy here), so a plain file copy is a consistent database:
    0.2 s for a million articles, where DuckDB's COPY FROM DATABASE took over 20 s.
    """
    target = snapshot_path(db_path)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        con.execute("CHECKPOINT")
        # The connection's own file: a database being built under another name publishes as db_path's copy.
        source = scalar(con, "SELECT path FROM duckdb_databases() WHERE database_name = current_database()")
        shutil.copyfile(str(source), tmp)
    except (duckdb.Error, OSError) as e:
        tmp.unlink(missing_ok=True)
        raise StoreError(f"publishing the readers' copy failed: {e}") from e
    os.replace(tmp, target)
    return target


def readable_path(db_path: Path) -> Path | None:
    """The file a reader should open: the published copy, else the database itself, else None."""
    snap = snapshot_path(db_path)
    if snap.exists():
        return snap
    if db_path.exists():
        return db_path
    return None


def data_version(db_path: Path) -> str:
    """Changes whenever new data is published; cheap (a stat), used as a cache key."""
    path = readable_path(db_path)
    if path is None:
        return "missing"
    st = path.stat()
    return f"{path.name}:{st.st_mtime_ns}:{st.st_size}"


# Opening a DuckDB file costs ~20–30 ms whatever its size, which made up most of a dashboard page's
# cold time (one open per cached read). The published copy is never written after its rename, so
# one read-only instance per copy is kept and each read gets its own cursor (0.6 ms). A new copy
# (a new data version) gets a new instance; the old one is released once its readers are done.
_instances: dict[Path, tuple[str, Connection]] = {}
_instances_lock = threading.Lock()


def _snapshot_instance(path: Path) -> Connection:
    st = path.stat()
    version = f"{st.st_ino}:{st.st_mtime_ns}:{st.st_size}"
    with _instances_lock:
        cached = _instances.get(path)
        if cached is not None and cached[0] == version:
            return cached[1]
        # An in-memory instance with the copy attached: duckdb.connect(path) would hand back the
        # instance already open for that path, i.e. the replaced copy's old data.
        try:
            con = duckdb.connect(":memory:")
            con.execute(f"ATTACH '{_quoted(path)}' AS marsad (READ_ONLY)")
        except duckdb.Error as e:
            if _is_lock_error(e):
                raise StoreLockedError(f"{path} is held by another process") from e
            raise StoreError(f"cannot open {path}: {e}") from e
        _instances[path] = (version, con)  # the previous instance lives on while cursors use it
        return con


def _quoted(path: Path) -> str:
    # ATTACH takes no bound parameter for its path; the path is ours (derived from MARSAD_DB) and its
    # quotes are doubled, so no file name can change the statement.
    return str(path).replace("'", "''")


@contextmanager
def reader(db_path: Path, *, attempts: int = 5, wait_s: float = 0.2) -> Iterator[Connection]:
    """A short-lived read-only connection, retried while the file is busy, then StoreLockedError.

    On the published copy it is a cursor of a kept instance; on the writer's own file (no copy
    published yet) it is a connection of its own, closed at once so it never blocks the writer.
    """
    path = readable_path(db_path)
    if path is None:
        raise StoreError(f"no database at {db_path}")
    last: StoreLockedError | None = None
    for attempt in range(attempts):
        try:
            if path == snapshot_path(db_path):
                con = _snapshot_instance(path).cursor()
                con.execute("USE marsad")
                con.execute("SET TimeZone = 'UTC'")
            else:
                con = _connect(path, read_only=True)
            break
        except StoreLockedError as e:
            last = e
            time.sleep(wait_s * (attempt + 1))
        except duckdb.Error as e:
            raise StoreError(f"cannot read {path}: {e}") from e
    else:
        raise StoreLockedError(
            f"{path} stayed busy for {attempts} attempts; an ingest run is probably writing without "
            "publishing a readers' copy. Try again in a minute."
        ) from last
    try:
        yield con
    finally:
        con.close()
