"""A real loopback HTTP server for tests: routes answer with canned responses or handler functions."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Response:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay_s: float = 0.0  # wait before sending anything
    drip_s: float = 0.0  # when > 0, send the body one byte at a time with this pause


Handler = Callable[["Request"], Response]


@dataclass(frozen=True)
class Request:
    path: str
    headers: dict[str, str]


class FeedServer:
    """Serves registered routes on 127.0.0.1; records every request it receives."""

    def __init__(self) -> None:
        self.routes: dict[str, Response | Handler] = {}
        self.requests: list[Request] = []
        self._lock = threading.Lock()
        server = self

        class _Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True  # headers and body go out in separate writes

            def log_message(self, *args: object) -> None:  # keep test output quiet
                pass

            def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
                req = Request(self.path, {k.lower(): v for k, v in self.headers.items()})
                with server._lock:
                    server.requests.append(req)
                route = server.routes.get(self.path.split("?")[0])
                if route is None:
                    resp = Response(404, b"not found")
                elif callable(route):
                    resp = route(req)
                else:
                    resp = route
                try:
                    self._send(resp)
                except (BrokenPipeError, ConnectionResetError):
                    pass

            def _send(self, resp: Response) -> None:
                if resp.delay_s:
                    time.sleep(resp.delay_s)
                self.send_response(resp.status)
                headers = {"Content-Length": str(len(resp.body)), **resp.headers}
                for k, v in headers.items():
                    self.send_header(k, v)
                self.end_headers()
                if resp.drip_s:
                    for i in range(len(resp.body)):
                        self.wfile.write(resp.body[i : i + 1])
                        self.wfile.flush()
                        time.sleep(resp.drip_s)
                else:
                    self.wfile.write(resp.body)

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self._httpd.daemon_threads = True
        self.port = self._httpd.server_address[1]
        # A short poll interval makes stop() quick (the default waits up to 0.5 s).
        self._thread = threading.Thread(target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def add(self, path: str, route: Response | Handler) -> str:
        self.routes[path] = route
        return self.url(path)

    def hits(self, path: str) -> list[Request]:
        with self._lock:
            return [r for r in self.requests if r.path.split("?")[0] == path]

    def start(self) -> FeedServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
