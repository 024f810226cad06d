"""A real HTTP server on 127.0.0.1 that serves the demo's feed documents like a news site does.

Each document carries an ETag and a Last-Modified date, and a poll that sends them back gets
304 Not Modified; a path marked failing answers 500. The documents are swapped between ingest runs
(one replayed week at a time) under a lock, so every run sees one consistent set.
"""

from __future__ import annotations

import hashlib
import threading
from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from email.utils import format_datetime, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass(frozen=True)
class FeedDocument:
    body: bytes
    content_type: str
    last_modified: datetime | None  # the newest item's time; None for an empty feed

    @property
    def etag(self) -> str:
        return '"' + hashlib.sha256(self.body).hexdigest()[:20] + '"'


class DemoFeedServer:
    """Serves `documents` (path → FeedDocument) on a loopback port; counts answers by status.

    `port` is tried first (so a rebuilt demo lists the same feed URLs); if it is taken, any free port.
    """

    def __init__(self, port: int = 0) -> None:
        self._documents: dict[str, FeedDocument] = {}
        self._failing: frozenset[str] = frozenset()
        self._lock = threading.Lock()
        self.statuses: Counter[int] = Counter()
        owner = self

        class _Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: object) -> None:  # noqa: A002 (http.server's name)
                pass  # the demo prints its own progress

            def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
                path = self.path.split("?", 1)[0]
                with owner._lock:
                    doc = owner._documents.get(path)
                    failing = path in owner._failing
                status, headers, body = _answer(doc, failing, self.headers.get("If-None-Match"),
                                                self.headers.get("If-Modified-Since"))
                with owner._lock:
                    owner.statuses[status] += 1
                try:
                    self.send_response(status)
                    for name, value in {**headers, "Content-Length": str(len(body))}.items():
                        self.send_header(name, value)
                    self.end_headers()
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the fetcher gave up; nothing to tell anyone

        try:
            self._httpd = ThreadingHTTPServer(("127.0.0.1", port), _Handler)
        except OSError:
            self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self._httpd.daemon_threads = True
        self.port = int(self._httpd.server_address[1])
        # A short poll interval makes shutdown quick between builds and tests.
        self._thread = threading.Thread(target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05},
                                        name="marsad-demo-feeds", daemon=True)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def publish(self, documents: dict[str, FeedDocument], failing: frozenset[str] = frozenset()) -> None:
        """Replace every document at once (and the set of paths that answer 500)."""
        with self._lock:
            self._documents = dict(documents)
            self._failing = failing

    def __enter__(self) -> DemoFeedServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)


def _answer(doc: FeedDocument | None, failing: bool, if_none_match: str | None,
            if_modified_since: str | None) -> tuple[int, dict[str, str], bytes]:
    if doc is None:
        return 404, {"Content-Type": "text/plain; charset=utf-8"}, b"not found"
    if failing:
        return 500, {"Content-Type": "text/html; charset=utf-8"}, b"<html><body><h1>500 Internal Server Error</h1></body></html>"
    headers = {"Content-Type": doc.content_type, "ETag": doc.etag}
    if doc.last_modified is not None:
        headers["Last-Modified"] = format_datetime(doc.last_modified, usegmt=True)
    # If-None-Match wins over If-Modified-Since when both are sent (RFC 9110 §13.2.2).
    if if_none_match is not None:
        if doc.etag in (tag.strip() for tag in if_none_match.split(",")):
            return 304, headers, b""
    elif if_modified_since and doc.last_modified is not None and _not_after(doc.last_modified, if_modified_since):
        return 304, headers, b""
    return 200, headers, doc.body


def _not_after(last_modified: datetime, header: str) -> bool:
    try:
        since = parsedate_to_datetime(header)
    except (TypeError, ValueError):
        return False
    if since.tzinfo is None:
        return False
    return last_modified.replace(microsecond=0) <= since
