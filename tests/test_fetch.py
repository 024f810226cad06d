"""The fetcher against a real loopback HTTP server: outcomes, limits, redirects, safety and politeness."""

from __future__ import annotations

import gzip
import shutil
import socket
import ssl
import struct
import subprocess
import threading
import time
import tracemalloc
import zlib
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import brotli
import pytest

from ingest.fetch import (
    BadUrlError,
    BlockedHostError,
    FetchOptions,
    check_url,
    fetch_feed,
    fetch_many,
    make_pool,
    parse_retry_after,
)
from ingest.models import FetchRequest, FetchResult
from tests.httpserver import FeedServer, Request, Response

RSS = b'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title></channel></rss>'
OPTS = FetchOptions(allow_private_hosts=True, total_timeout_s=1.5, connect_timeout_s=1.0)
NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
MiB = 1024 * 1024


def fetch(url: str, options: FetchOptions = OPTS, **req: str) -> FetchResult:
    return fetch_feed(FetchRequest(url, **req), options, now=lambda: NOW)


# --- success, validators, headers ----------------------------------------------------------------


def test_fetch_feed_ok_returns_body_validators_and_content_type(feed_server: FeedServer) -> None:
    url = feed_server.add("/feed", Response(200, RSS, {
        "Content-Type": "application/rss+xml; charset=windows-1256",
        "ETag": '"v1"', "Last-Modified": "Sun, 01 Mar 2026 10:00:00 GMT",
    }))
    result = fetch(url)
    assert (result.outcome, result.status, result.body) == ("ok", 200, RSS)
    assert result.content_type == "application/rss+xml; charset=windows-1256"
    assert (result.etag, result.last_modified) == ('"v1"', "Sun, 01 Mar 2026 10:00:00 GMT")
    assert result.final_url == result.requested_url == url
    assert result.permanent_redirect_url is None
    assert 0 < result.elapsed_s < 1


def test_fetch_feed_sends_descriptive_user_agent_and_encodings(feed_server: FeedServer) -> None:
    url = feed_server.add("/feed", Response(200, RSS))
    fetch(url)
    headers = feed_server.hits("/feed")[0].headers
    assert headers["user-agent"].startswith("Marsad/")
    assert "+https://" in headers["user-agent"]
    assert {e.strip() for e in headers["accept-encoding"].split(",")} == {"gzip", "deflate", "br"}
    assert "if-none-match" not in headers and "if-modified-since" not in headers


def test_fetch_feed_conditional_get_gives_not_modified(feed_server: FeedServer) -> None:
    def conditional(req: Request) -> Response:
        if req.headers.get("if-none-match") == '"v1"':
            return Response(304, b"", {"ETag": '"v1"'})
        return Response(200, RSS, {"ETag": '"v1"'})

    url = feed_server.add("/feed", conditional)
    result = fetch(url, etag='"v1"', last_modified="Sun, 01 Mar 2026 10:00:00 GMT")
    seen = feed_server.hits("/feed")[0].headers
    assert seen["if-none-match"] == '"v1"'
    assert seen["if-modified-since"] == "Sun, 01 Mar 2026 10:00:00 GMT"
    assert (result.outcome, result.status, result.body) == ("not_modified", 304, None)
    assert result.ok  # a success with nothing new, never an empty feed
    assert result.etag == '"v1"'
    assert result.last_modified == "Sun, 01 Mar 2026 10:00:00 GMT"  # kept although the 304 omitted it


def test_fetch_feed_drops_validators_that_would_break_the_request(feed_server: FeedServer) -> None:
    url = feed_server.add("/feed", Response(200, RSS))
    result = fetch(url, etag='"v1"\r\nX-Injected: 1')
    assert result.outcome == "ok"
    headers = feed_server.hits("/feed")[0].headers
    assert "x-injected" not in headers and "if-none-match" not in headers


# --- error statuses --------------------------------------------------------------------------------


@pytest.mark.parametrize("status", [404, 500, 503, 403])
def test_fetch_feed_error_status_is_http_error(feed_server: FeedServer, status: int) -> None:
    url = feed_server.add("/feed", Response(status, b"<html>nope</html>"))
    result = fetch(url)
    assert (result.outcome, result.status, result.body) == ("http_error", status, None)
    assert result.error is not None and str(status) in result.error


def test_fetch_feed_410_is_gone(feed_server: FeedServer) -> None:
    result = fetch(feed_server.add("/feed", Response(410, b"gone")))
    assert (result.outcome, result.status) == ("gone", 410)
    assert not result.ok


@pytest.mark.parametrize(
    ("status", "header", "expected"),
    [
        (429, "120", NOW + timedelta(seconds=120)),
        (429, "Sun, 01 Mar 2026 13:30:00 GMT", datetime(2026, 3, 1, 13, 30, tzinfo=UTC)),
        (503, "Sun, 01 Mar 2026 14:30:00 +0200", datetime(2026, 3, 1, 12, 30, tzinfo=UTC)),
        (503, "3600", NOW + timedelta(hours=1)),
    ],
    ids=["429-seconds", "429-date", "503-date-with-offset", "503-seconds"],
)
def test_fetch_feed_retry_after_becomes_absolute_utc(
    feed_server: FeedServer, status: int, header: str, expected: datetime
) -> None:
    result = fetch(feed_server.add("/feed", Response(status, b"", {"Retry-After": header})))
    assert (result.outcome, result.status) == ("rate_limited", status)
    assert result.retry_after == expected
    assert result.retry_after is not None and result.retry_after.utcoffset() == timedelta(0)


@pytest.mark.parametrize("headers", [{}, {"Retry-After": "soon"}], ids=["missing", "garbage"])
def test_fetch_feed_429_without_usable_retry_after(feed_server: FeedServer, headers: dict[str, str]) -> None:
    result = fetch(feed_server.add("/feed", Response(429, b"", headers)))
    assert (result.outcome, result.retry_after) == ("rate_limited", None)


@pytest.mark.parametrize("value", ["", "soon", "-5", "1.5", "٣٠", "Mon, 99 Foo 2026 25:61:00 GMT"])
def test_parse_retry_after_garbage_is_none(value: str) -> None:
    assert parse_retry_after(value, NOW) is None


def test_parse_retry_after_huge_delta_does_not_overflow() -> None:
    when = parse_retry_after("9" * 40, NOW)
    assert when is not None and when > NOW + timedelta(days=300)


# --- redirects ---------------------------------------------------------------------------------------


def redirect(status: int, location: str) -> Response:
    return Response(status, b"moved", {"Location": location})


@pytest.mark.parametrize("status", [301, 308])
def test_fetch_feed_permanent_redirect_reports_new_url(feed_server: FeedServer, status: int) -> None:
    new = feed_server.add("/new", Response(200, RSS))
    old = feed_server.add("/old", redirect(status, new))
    result = fetch(old)
    assert (result.outcome, result.body) == ("ok", RSS)
    assert result.requested_url == old
    assert result.final_url == result.permanent_redirect_url == new


@pytest.mark.parametrize("statuses", [(302,), (307,), (301, 302), (302, 301)], ids=str)
def test_fetch_feed_temporary_hop_is_not_permanent(feed_server: FeedServer, statuses: tuple[int, ...]) -> None:
    target = feed_server.add("/final", Response(200, RSS))
    for i, status in reversed(list(enumerate(statuses))):
        target = feed_server.add(f"/hop{i}", redirect(status, target))
    result = fetch(target)
    assert result.outcome == "ok"
    assert result.final_url == feed_server.url("/final")
    assert result.permanent_redirect_url is None


def test_fetch_feed_permanent_redirect_to_failure_keeps_old_url(feed_server: FeedServer) -> None:
    feed_server.add("/old", redirect(301, "/missing"))
    result = fetch(feed_server.url("/old"))
    assert (result.outcome, result.status) == ("http_error", 404)
    assert result.permanent_redirect_url is None  # never move a feed to an address that does not work


@pytest.mark.parametrize(
    ("path", "location", "final"),
    [
        ("/a/b/feed", "rss.xml", "/a/b/rss.xml"),
        ("/a/b/feed", "../c/rss.xml", "/a/c/rss.xml"),
        ("/a/b/feed", "/root.xml", "/root.xml"),
        ("/a/b/feed", "/root.xml#section", "/root.xml"),
    ],
    ids=["sibling", "parent", "absolute-path", "fragment"],
)
def test_fetch_feed_resolves_relative_location(feed_server: FeedServer, path: str, location: str, final: str) -> None:
    feed_server.add(final, Response(200, RSS))
    feed_server.add(path, redirect(302, location))
    result = fetch(feed_server.url(path))
    assert result.outcome == "ok"
    assert result.final_url == feed_server.url(final)


def test_fetch_feed_resolves_scheme_relative_location(feed_server: FeedServer) -> None:
    feed_server.add("/new", Response(200, RSS))
    feed_server.add("/old", redirect(301, f"//127.0.0.1:{feed_server.port}/new"))
    result = fetch(feed_server.url("/old"))
    assert (result.outcome, result.final_url) == ("ok", feed_server.url("/new"))


def test_fetch_feed_redirect_loop(feed_server: FeedServer) -> None:
    feed_server.add("/a", redirect(302, "/b"))
    feed_server.add("/b", redirect(302, "/a"))
    result = fetch(feed_server.url("/a"))
    assert result.outcome == "redirect_loop"
    assert len(feed_server.hits("/a")) == 1  # stopped at the first repeat, not after max_redirects


@pytest.mark.parametrize(("hops", "outcome"), [(5, "ok"), (6, "too_many_redirects")])
def test_fetch_feed_redirect_limit(feed_server: FeedServer, hops: int, outcome: str) -> None:
    feed_server.add(f"/r{hops}", Response(200, RSS))
    for i in range(hops):
        feed_server.add(f"/r{i}", redirect(302, f"/r{i + 1}"))
    result = fetch(feed_server.url("/r0"))
    assert result.outcome == outcome
    assert len(feed_server.hits(f"/r{hops}")) == (1 if outcome == "ok" else 0)


@pytest.mark.parametrize("location", ["javascript:alert(1)", "file:///etc/passwd", "ftp://127.0.0.1/feed"])
def test_fetch_feed_redirect_to_non_http_is_refused(feed_server: FeedServer, location: str) -> None:
    result = fetch(feed_server.add("/feed", redirect(302, location)))
    assert result.outcome == "bad_url"
    assert result.final_url == location


def test_fetch_feed_redirect_without_location_is_http_error(feed_server: FeedServer) -> None:
    result = fetch(feed_server.add("/feed", Response(302, b"")))
    assert (result.outcome, result.status) == ("http_error", 302)


# --- timeouts ------------------------------------------------------------------------------------------


class RawServer:
    """A loopback TCP server that answers each connection with a script, for what http.server cannot do
    (dribbled headers, bodies without Content-Length, lying lengths)."""

    def __init__(self, script: Callable[[socket.socket], None], tls: ssl.SSLContext | None = None) -> None:
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._script = script
        self._tls = tls
        self.port = self._listener.getsockname()[1]
        threading.Thread(target=self._accept, daemon=True).start()

    def url(self, path: str = "/feed") -> str:
        return f"{'https' if self._tls else 'http'}://127.0.0.1:{self.port}{path}"

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self._listener.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn: socket.socket) -> None:
        if self._tls is not None:
            try:
                conn = self._tls.wrap_socket(conn, server_side=True)
            except (OSError, ssl.SSLError):
                conn.close()
                return  # the client refused our certificate
        with conn:
            request = b""
            while b"\r\n\r\n" not in request:
                data = conn.recv(4096)
                if not data:
                    return
                request += data
            try:
                self._script(conn)
            except OSError:
                pass  # the client hung up, as it should

    def close(self) -> None:
        self._listener.close()


@pytest.fixture
def raw_server() -> Iterator[Callable[..., RawServer]]:
    servers: list[RawServer] = []

    def start(script: Callable[[socket.socket], None], tls: ssl.SSLContext | None = None) -> RawServer:
        servers.append(RawServer(script, tls))
        return servers[-1]

    yield start
    for server in servers:
        server.close()


def timed_fetch(url: str) -> tuple[FetchResult, float]:
    started = time.monotonic()
    result = fetch(url)
    return result, time.monotonic() - started


def test_fetch_feed_never_answering_server_times_out(feed_server: FeedServer) -> None:
    result, took = timed_fetch(feed_server.add("/feed", Response(200, RSS, delay_s=20)))
    assert result.outcome == "timeout"
    assert 1.4 <= took < 2.0


def test_fetch_feed_dripping_body_times_out_at_total_deadline(feed_server: FeedServer) -> None:
    # One byte every 0.2 s keeps any per-read timeout happy; only the total deadline stops it.
    result, took = timed_fetch(feed_server.add("/feed", Response(200, RSS, drip_s=0.2)))
    assert (result.outcome, result.body, result.status) == ("timeout", None, None)
    assert 1.4 <= took < 2.0


def test_fetch_feed_dripping_headers_time_out_at_total_deadline(raw_server) -> None:  # type: ignore[no-untyped-def]
    def drip_headers(conn: socket.socket) -> None:
        conn.sendall(b"HTTP/1.1 200 OK\r\nX-Slow: ")
        for _ in range(200):
            conn.sendall(b"a")
            time.sleep(0.1)

    result, took = timed_fetch(raw_server(drip_headers).url())
    assert result.outcome == "timeout"
    assert took < 2.0


def test_fetch_feed_connection_refused_is_network_error() -> None:
    with socket.create_server(("127.0.0.1", 0)) as probe:
        port = probe.getsockname()[1]  # a port nobody listens on once the probe is closed
    result = fetch(f"http://127.0.0.1:{port}/feed")
    assert (result.outcome, result.error) == ("network_error", "connection refused")


def test_fetch_feed_truncated_body_is_network_error(raw_server) -> None:  # type: ignore[no-untyped-def]
    def short(conn: socket.socket) -> None:
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n" + RSS)

    result = fetch(raw_server(short).url())
    assert result.outcome == "network_error"
    assert result.error == "the connection closed before the whole body arrived"


def hang_up(conn: socket.socket) -> None:
    pass  # closes without a word


def reset(conn: socket.socket) -> None:
    conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))  # close sends RST


def not_http(conn: socket.socket) -> None:
    conn.sendall(b"SSH-2.0-OpenSSH_9.2\r\n\r\n")


@pytest.mark.parametrize(
    ("script", "message"),
    [
        (hang_up, "the server closed the connection without answering"),
        (reset, "connection reset by the server"),
        (not_http, "the server's answer is not valid HTTP"),
    ],
    ids=["hang-up", "reset", "not-http"],
)
def test_fetch_feed_broken_servers_give_short_messages(raw_server, script, message: str) -> None:  # type: ignore[no-untyped-def]
    result = fetch(raw_server(script).url())
    assert (result.outcome, result.error) == ("network_error", message)


# --- HTTPS --------------------------------------------------------------------------------------------


@pytest.fixture
def certificate(tmp_path: Path) -> Path:
    """A throwaway self-signed certificate for 127.0.0.1 (key and certificate in one PEM file)."""
    if shutil.which("openssl") is None:
        pytest.skip("the openssl command is needed to make a test certificate")
    pem = tmp_path / "server.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
         "-keyout", str(pem), "-out", str(tmp_path / "cert.pem"), "-days", "2", "-subj", "/CN=127.0.0.1",
         "-addext", "subjectAltName=IP:127.0.0.1"],
        check=True, capture_output=True,
    )
    pem.write_text(pem.read_text() + (tmp_path / "cert.pem").read_text())
    return pem


def tls_context(pem: Path) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(pem)
    return context


def answer(body: bytes, drip_s: float = 0.0) -> Callable[[socket.socket], None]:
    def script(conn: socket.socket) -> None:
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml\r\n"
                     + f"Content-Length: {len(body)}\r\n\r\n".encode())
        for i in range(0, len(body), 1 if drip_s else len(body)):
            conn.sendall(body[i : i + (1 if drip_s else len(body))])
            time.sleep(drip_s)

    return script


def test_fetch_feed_https_refuses_untrusted_certificate(raw_server, certificate: Path) -> None:  # type: ignore[no-untyped-def]
    result = fetch(raw_server(answer(RSS), tls_context(certificate)).url())
    assert result.outcome == "network_error"
    assert (result.error or "").startswith("TLS certificate rejected")


def trusting_pool(certificate: Path):  # type: ignore[no-untyped-def]
    pool = make_pool(OPTS)
    pool.connection_pool_kw["ca_certs"] = str(certificate)
    return pool


def test_fetch_feed_https_with_trusted_certificate(raw_server, certificate: Path) -> None:  # type: ignore[no-untyped-def]
    url = raw_server(answer(RSS), tls_context(certificate)).url()
    result = fetch_feed(FetchRequest(url), OPTS, pool=trusting_pool(certificate))
    assert (result.outcome, result.body, result.content_type) == ("ok", RSS, "application/rss+xml")


def test_fetch_feed_https_dripping_body_times_out(raw_server, certificate: Path) -> None:  # type: ignore[no-untyped-def]
    url = raw_server(answer(RSS, drip_s=0.2), tls_context(certificate)).url()
    started = time.monotonic()
    result = fetch_feed(FetchRequest(url), OPTS, pool=trusting_pool(certificate))
    assert result.outcome == "timeout"
    assert time.monotonic() - started < 2.0


# --- size limits and content encodings ------------------------------------------------------------


def test_fetch_feed_body_at_the_limit_is_accepted(feed_server: FeedServer) -> None:
    url = feed_server.add("/feed", Response(200, b"x" * 4096))
    result = fetch_feed(FetchRequest(url), FetchOptions(allow_private_hosts=True, max_body_bytes=4096))
    assert result.outcome == "ok" and len(result.body or b"") == 4096


def test_fetch_feed_oversize_declared_body_is_too_large(feed_server: FeedServer) -> None:
    url = feed_server.add("/feed", Response(200, b"x" * 4097))
    result = fetch_feed(FetchRequest(url), FetchOptions(allow_private_hosts=True, max_body_bytes=4096))
    assert (result.outcome, result.body) == ("too_large", None)


def test_fetch_feed_oversize_body_without_length_is_too_large(raw_server) -> None:  # type: ignore[no-untyped-def]
    def endless(conn: socket.socket) -> None:
        conn.sendall(b"HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n")
        for _ in range(1000):
            conn.sendall(b"x" * 65536)

    options = FetchOptions(allow_private_hosts=True, max_body_bytes=MiB, total_timeout_s=5)
    result = fetch_feed(FetchRequest(raw_server(endless).url()), options)
    assert (result.outcome, result.body) == ("too_large", None)


@pytest.fixture(scope="module")
def gzip_bomb() -> bytes:
    """50 MiB of zeros, gzipped to about 50 KB."""
    packer = zlib.compressobj(9, zlib.DEFLATED, 31)
    zeros = bytes(MiB)
    return b"".join(packer.compress(zeros) for _ in range(50)) + packer.flush()


def test_fetch_feed_gzip_bomb_stops_at_cap_with_bounded_memory(feed_server: FeedServer, gzip_bomb: bytes) -> None:
    assert len(gzip_bomb) < 100_000
    url = feed_server.add("/feed", Response(200, gzip_bomb, {"Content-Encoding": "gzip"}))
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        baseline, _ = tracemalloc.get_traced_memory()
        result = fetch_feed(FetchRequest(url), FetchOptions(allow_private_hosts=True, total_timeout_s=10))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert (result.outcome, result.body) == ("too_large", None)
    # The body may grow up to the 15 MiB cap; the other 35 MiB must never be inflated.
    assert peak - baseline < 24 * MiB


@pytest.mark.parametrize(
    ("encoding", "pack"),
    [
        ("gzip", gzip.compress),
        ("deflate", zlib.compress),
        ("deflate", lambda data: zlib.compress(data, wbits=-15)),
        ("br", brotli.compress),
    ],
    ids=["gzip", "deflate-zlib", "deflate-raw", "br"],
)
def test_fetch_feed_decodes_compressed_bodies(
    feed_server: FeedServer, encoding: str, pack: Callable[[bytes], bytes]
) -> None:
    body = RSS * 200
    url = feed_server.add("/feed", Response(200, pack(body), {"Content-Encoding": encoding}))
    result = fetch(url)
    assert (result.outcome, result.body) == ("ok", body)


def test_fetch_feed_cap_counts_decompressed_bytes(feed_server: FeedServer) -> None:
    body = b"x" * 10_000  # compresses to a few dozen bytes, well under the cap
    url = feed_server.add("/feed", Response(200, gzip.compress(body), {"Content-Encoding": "gzip"}))
    result = fetch_feed(FetchRequest(url), FetchOptions(allow_private_hosts=True, max_body_bytes=5_000))
    assert result.outcome == "too_large"


def test_fetch_feed_bad_gzip_is_network_error(feed_server: FeedServer) -> None:
    url = feed_server.add("/feed", Response(200, b"this is not gzip", {"Content-Encoding": "gzip"}))
    result = fetch(url)
    assert (result.outcome, result.error) == ("network_error", "the body could not be decompressed")


# --- what may be fetched -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    ["javascript:alert(1)", "file:///etc/passwd", "ftp://example.org/feed.xml", "data:text/xml,<rss/>",
     "example.org/feed.xml", "http:///feed.xml", "http://[::1/feed"],
)
def test_fetch_feed_refuses_non_http_urls(url: str) -> None:
    result = fetch(url)
    assert result.outcome == "bad_url"
    assert result.error
    with pytest.raises(BadUrlError):
        check_url(url, allow_private_hosts=True)


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/", "http://localhost:8080/feed", "http://10.1.2.3/", "http://192.168.1.1/",
        "http://172.16.0.5/", "http://169.254.169.254/latest/meta-data/", "http://[::1]/",
        "http://[::ffff:127.0.0.1]/", "http://[fe80::1]/", "http://[fd00::1]/", "http://0.0.0.0/",
        "http://224.0.0.1/", "http://100.64.0.1/", "http://2130706433/", "http://0x7f.1/",
        "http://[64:ff9b::a00:1]/",
    ],
)
def test_check_url_refuses_private_and_local_targets(url: str) -> None:
    with pytest.raises(BlockedHostError):
        check_url(url, allow_private_hosts=False)
    check_url(url, allow_private_hosts=True)


@pytest.mark.parametrize("url", ["https://93.184.215.14/feed", "http://[2606:4700:4700::1111]/rss"])
def test_check_url_accepts_public_addresses(url: str) -> None:
    check_url(url, allow_private_hosts=False)  # numeric hosts: resolved locally, no network needed


def test_fetch_feed_refuses_loopback_by_default(feed_server: FeedServer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MARSAD_ALLOW_PRIVATE_HOSTS", raising=False)
    url = feed_server.add("/feed", Response(200, RSS))
    result = fetch(url, FetchOptions())
    assert result.outcome == "blocked_host"
    assert "MARSAD_ALLOW_PRIVATE_HOSTS" in (result.error or "")
    assert feed_server.hits("/feed") == []  # not even a connection


def test_fetch_feed_allows_loopback_when_asked(feed_server: FeedServer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MARSAD_ALLOW_PRIVATE_HOSTS", raising=False)
    url = feed_server.add("/feed", Response(200, RSS))
    assert fetch(url, FetchOptions(allow_private_hosts=True)).outcome == "ok"


def test_fetch_feed_allows_loopback_via_environment(feed_server: FeedServer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MARSAD_ALLOW_PRIVATE_HOSTS", "1")
    url = feed_server.add("/feed", Response(200, RSS))
    assert fetch(url, FetchOptions()).outcome == "ok"


def test_pool_refuses_private_peer_at_connect_time(feed_server: FeedServer, monkeypatch: pytest.MonkeyPatch) -> None:
    # What stops a name that resolved to a public address in check_url and to a private one a moment
    # later, when urllib3 connects.
    monkeypatch.delenv("MARSAD_ALLOW_PRIVATE_HOSTS", raising=False)
    url = feed_server.add("/feed", Response(200, RSS))
    pool = make_pool(FetchOptions())
    with pytest.raises(BlockedHostError):
        pool.request("GET", url, retries=False)
    assert feed_server.hits("/feed") == []


# --- many feeds at once -------------------------------------------------------------------------------


class ConcurrencyProbe:
    """A route handler that counts how many requests it is serving at the same time."""

    def __init__(self, hold_s: float = 0.1) -> None:
        self.hold_s = hold_s
        self.current = 0
        self.peak = 0
        self._lock = threading.Lock()

    def __call__(self, req: Request) -> Response:
        with self._lock:
            self.current += 1
            self.peak = max(self.peak, self.current)
        time.sleep(self.hold_s)
        with self._lock:
            self.current -= 1
        return Response(200, RSS)


def test_fetch_many_limits_concurrent_requests_per_host(feed_server: FeedServer) -> None:
    probe = ConcurrencyProbe()
    feed_server.add("/feed", probe)
    reqs = [FetchRequest(feed_server.url(f"/feed?n={i}")) for i in range(12)]
    results = list(fetch_many(reqs, FetchOptions(allow_private_hosts=True, per_host=2, max_workers=16)))
    assert sorted(r.url for r, _ in results) == sorted(r.url for r in reqs)  # each exactly once
    assert all(result.outcome == "ok" for _, result in results)
    assert probe.peak == 2


def test_fetch_many_serves_other_hosts_meanwhile(feed_server: FeedServer) -> None:
    probe = ConcurrencyProbe()
    feed_server.add("/feed", probe)
    reqs = [FetchRequest(f"http://{host}:{feed_server.port}/feed?n={i}")
            for i in range(4) for host in ("127.0.0.1", "localhost")]
    results = list(fetch_many(reqs, FetchOptions(allow_private_hosts=True, per_host=1, max_workers=4)))
    assert [result.outcome for _, result in results] == ["ok"] * 8
    assert probe.peak == 2  # one per host, both hosts at once


def test_fetch_many_yields_results_as_they_complete(feed_server: FeedServer) -> None:
    slow = feed_server.add("/slow", Response(200, RSS, delay_s=0.5))
    fast = feed_server.add("/fast", Response(200, RSS))
    broken = "ftp://example.org/feed"
    order = [req.url for req, _ in fetch_many(
        [FetchRequest(slow), FetchRequest(fast), FetchRequest(broken)], FetchOptions(allow_private_hosts=True))]
    assert order[-1] == slow
    assert set(order) == {slow, fast, broken}


def test_fetch_many_isolates_each_feed(feed_server: FeedServer) -> None:
    good = feed_server.add("/good", Response(200, RSS))
    gone = feed_server.add("/gone", Response(410, b""))
    outcomes = {req.url: result.outcome for req, result in fetch_many(
        [FetchRequest(good), FetchRequest(gone), FetchRequest("javascript:x")], OPTS)}
    assert outcomes == {good: "ok", gone: "gone", "javascript:x": "bad_url"}


def test_fetch_many_stopped_early_leaves_nothing_running(feed_server: FeedServer) -> None:
    url = feed_server.add("/feed", Response(200, RSS))
    results = fetch_many([FetchRequest(f"{url}?n={i}") for i in range(40)], FetchOptions(allow_private_hosts=True))
    first = next(results)
    results.close()  # e.g. the user interrupted the run
    assert first[1].outcome == "ok"
    assert len(feed_server.hits("/feed")) < 40  # the rest were never started
    assert list(fetch_many([], OPTS)) == []
