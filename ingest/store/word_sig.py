"""Stored word signatures (schema 4): filling them for existing articles, and telling readers whether
a database's signatures can be trusted.

`articles.word_sig` (BIT, 256 bits) is written by ingest for every new article; this module computes
it for articles stored before schema 4, or stored under another signature scheme
(ingest.query.signature.SCHEME, recorded in the metadata table), in Python batches of rows read by
rowid range and written back with one UPDATE per batch joined on id. Memory stays bounded by the
batch; the caller's transaction makes the whole fill all-or-nothing, so a killed run leaves the
file as it was and the next open starts over.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from ingest.query.signature import SCHEME, word_signature
from ingest.store.version import stored_version

if TYPE_CHECKING:  # imported by the schema, which the connection module imports: no cycle at run time
    from ingest.store.connection import Connection

SCHEME_KEY = "word_sig_scheme"
BATCH_ROWS = 50_000


def fill_word_sigs(con: Connection, *, batch_rows: int = BATCH_ROWS) -> int:
    """Compute every article's word signature from its stored text and record the scheme.

    Runs inside the caller's transaction. Returns the number of articles filled.
    """
    lo, hi = con.execute("SELECT min(rowid), max(rowid) FROM articles").fetchall()[0]
    filled = 0
    if lo is not None:
        for start in range(int(lo), int(hi) + 1, batch_rows):
            rows = con.execute("SELECT id, text_norm, title_norm FROM articles WHERE rowid >= ? AND rowid < ?",
                               [start, start + batch_rows]).fetchall()
            if not rows:
                continue
            ids = np.empty(len(rows), dtype=object)
            sigs = np.empty(len(rows), dtype=object)
            ids[:] = [r[0] for r in rows]
            sigs[:] = [word_signature(r[1], r[2]) for r in rows]
            con.register("word_sig_batch", {"id": ids, "sig": sigs})
            try:
                con.execute("UPDATE articles SET word_sig = b.sig::BIT FROM word_sig_batch b WHERE articles.id = b.id")
            finally:
                con.unregister("word_sig_batch")
            filled += len(rows)
    con.execute("INSERT OR REPLACE INTO metadata (key, value) VALUES (?, ?)", [SCHEME_KEY, SCHEME])
    return filled


def stored_scheme(con: Connection) -> str | None:
    """The signature scheme the stored signatures were computed with; None before schema 4."""
    if stored_version(con) < 4:
        return None
    rows = con.execute("SELECT value FROM metadata WHERE key = ?", [SCHEME_KEY]).fetchall()
    return str(rows[0][0]) if rows else None


def word_sigs_usable(con: Connection) -> bool:
    """Whether keyword queries may test the stored word signatures: schema 4 or later, filled under
    this Marsad's scheme. A readers' copy published by an older (or newer) ingest job answers the
    same queries without them, reading every article's text."""
    return stored_scheme(con) == SCHEME


def refresh_word_sigs(con: Connection) -> int | None:
    """On the writer, at open: rebuild the signatures if they were made under another scheme, in one
    transaction. Returns the number of articles rebuilt, or None when nothing was needed."""
    scheme = stored_scheme(con)
    if scheme is None or scheme == SCHEME:
        return None
    con.execute("BEGIN TRANSACTION")
    try:
        n = fill_word_sigs(con)
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    return n
