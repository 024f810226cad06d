"""Fetching feeds over HTTP: one bounded, polite GET per feed, and many of them at once.

This module owns everything that touches the network in the ingest: our own urllib3 client (feedparser
never fetches), refusal of non-http(s) URLs and of private or local targets (every redirect hop's name
is resolved once, within the feed's deadline, and only its checked addresses are connected to),
timeouts that hold against slow or dripping servers and slow name servers, the cap on the
decompressed body, conditional GET, manual redirects, Retry-After, and per-host politeness. It never
raises for a feed's problems: every attempt ends as a FetchResult whose `outcome` says what happened.
"""

from __future__ import annotations

import http.client
import logging
import os
import socket
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from urllib.parse import urljoin, urlsplit

import urllib3

from ingest import __version__
from ingest.errors import FetchError
from ingest.fetch_guard import (
    BadUrlError,
    BlockedHostError,
    HostLimiter,
    Resolver,
    ResolveTimeoutError,
    Watchdog,
    check_url,
    describe_network_error,
    guarded_pool_classes,
    is_guarded,
    split_url,
    system_resolver,
    watch_socket,
)
from ingest.models import FetchRequest, FetchResult

__all__ = [
    "BadUrlError",
    "BlockedHostError",
    "FetchOptions",
    "check_url",
    "fetch_feed",
    "fetch_many",
    "make_pool",
    "parse_retry_after",
    "utc_now",
]

log = logging.getLogger(__name__)

USER_AGENT = (
    f"Marsad/{__version__} (+https://github.com/marsad-monitor/marsad; media monitoring feed reader)"
)
_ACCEPT = "application/rss+xml, application/atom+xml, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5"
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_PERMANENT = frozenset({301, 308})
_CHUNK = 64 * 1024
_DRAIN_LIMIT = 64 * 1024  # unread bodies up to this size are read so the connection can be reused
_MAX_RETRY_AFTER_S = 365 * 24 * 3600  # beyond a year a delta is nonsense; also keeps datetime in range
_NETWORK_ERRORS = (urllib3.exceptions.HTTPError, OSError, http.client.HTTPException)


@dataclass(frozen=True)
class FetchOptions:
    """How patient and how generous the fetcher is. The defaults suit a scheduled run of a few hundred feeds."""

    connect_timeout_s: float = 10.0
    total_timeout_s: float = 30.0  # wall-clock cap for the whole attempt incl. redirects and body
    max_body_bytes: int = 15 * 1024 * 1024  # cap on the DECOMPRESSED body; abort as soon as exceeded
    max_redirects: int = 5
    allow_private_hosts: bool = False  # also true when env MARSAD_ALLOW_PRIVATE_HOSTS=1
    user_agent: str = USER_AGENT
    max_workers: int = 16  # feeds fetched at once
    per_host: int = 2  # at most this many concurrent requests to one host


def utc_now() -> datetime:
    return datetime.now(UTC)


def private_hosts_allowed(options: FetchOptions) -> bool:
    """The option, or the MARSAD_ALLOW_PRIVATE_HOSTS=1 environment switch (intranet feeds, tests)."""
    return options.allow_private_hosts or os.environ.get("MARSAD_ALLOW_PRIVATE_HOSTS", "") == "1"


def make_pool(options: FetchOptions, *, resolver: Resolver = system_resolver) -> urllib3.PoolManager:
    """A connection pool whose connections resolve names within the fetch's deadline and connect only
    to the addresses they resolved and checked (public ones unless private hosts are allowed).

    Resolving once and connecting to that very address leaves no gap for a name that answers public
    first and private a moment later. `resolver` is socket.getaddrinfo's shape; the default is the system's.
    """
    pool = urllib3.PoolManager(num_pools=max(32, 2 * options.max_workers), maxsize=max(1, options.per_host))
    pool.pool_classes_by_scheme = guarded_pool_classes(private_hosts_allowed(options), resolver)
    return pool


def parse_retry_after(value: str | None, now: datetime) -> datetime | None:
    """A Retry-After header (delta-seconds or HTTP date) as an absolute UTC time; None when unusable."""
    if not value:
        return None
    value = value.strip()
    if value.isascii() and value.isdigit():
        return (now + timedelta(seconds=min(int(value), _MAX_RETRY_AFTER_S))).astimezone(UTC)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if when.tzinfo is None:  # "-0000" means UTC with no claim about the local zone
        when = when.replace(tzinfo=UTC)
    return when.astimezone(UTC)


def fetch_feed(
    req: FetchRequest,
    options: FetchOptions,
    *,
    pool: urllib3.PoolManager | None = None,
    now: Callable[[], datetime] = utc_now,
) -> FetchResult:
    """Fetch one feed within options' limits. Never raises for network or server problems."""
    own_pool = pool is None
    pool = make_pool(options) if pool is None else pool
    try:
        return _Attempt(req, options, pool, now, None).run()
    finally:
        if own_pool:
            pool.clear()


def fetch_many(reqs: Iterable[FetchRequest], options: FetchOptions) -> Iterator[tuple[FetchRequest, FetchResult]]:
    """Concurrent (thread pool, options.max_workers) with a per-host semaphore; yields results as they complete.

    Feeds are handed to workers round-robin across hosts, and never more than per_host at once for one
    host, so a hundred feeds of one outlet neither hammer it nor hold up the other outlets' feeds.
    Redirect hops to another host take that host's semaphore too.
    """
    pool = make_pool(options)
    limiter = HostLimiter(options.per_host)
    queues: dict[str, deque[FetchRequest]] = {}
    for req in reqs:
        queues.setdefault(_host_of(req.url), deque()).append(req)
    running: dict[Future[FetchResult], tuple[FetchRequest, str]] = {}
    busy: dict[str, int] = dict.fromkeys(queues, 0)
    workers = max(1, options.max_workers)
    try:
        with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="marsad-fetch") as executor:
            while queues or running:
                for host in _next_hosts(queues, busy, workers - len(running), max(1, options.per_host)):
                    req = queues[host].popleft()
                    if not queues[host]:
                        del queues[host]
                    busy[host] += 1
                    future = executor.submit(_Attempt(req, options, pool, utc_now, limiter).run)
                    running[future] = (req, host)
                done, _ = wait(running, return_when=FIRST_COMPLETED)
                for future in done:
                    req, host = running.pop(future)
                    busy[host] -= 1
                    yield req, _result_of(future, req)
    finally:
        pool.clear()


def _next_hosts(queues: dict[str, deque[FetchRequest]], busy: dict[str, int], free: int, per_host: int) -> list[str]:
    """Hosts to start one feed each from, round-robin, while workers are free and hosts under their limit."""
    picked: list[str] = []
    left = {host: len(queue) for host, queue in queues.items()}
    extra = {host: busy[host] for host in queues}
    progress = True
    while progress and len(picked) < free:
        progress = False
        for host in queues:
            if len(picked) >= free:
                break
            if left[host] > 0 and extra[host] < per_host:
                picked.append(host)
                left[host] -= 1
                extra[host] += 1
                progress = True
    return picked


def _result_of(future: Future[FetchResult], req: FetchRequest) -> FetchResult:
    try:
        return future.result()
    except Exception:  # the per-feed boundary: a bug in one fetch must not end the run
        log.exception("unexpected error while fetching %s", req.url)
        return FetchResult(req.url, req.url, "network_error", error="unexpected error while fetching (see log)")


def _host_of(url: str) -> str:
    try:
        return (urlsplit(url).hostname or "").lower()
    except ValueError:
        return ""


class _Stop(Exception):
    """Ends an attempt early with a known outcome."""

    def __init__(self, outcome: str, error: str | None = None, status: int | None = None) -> None:
        super().__init__(error or outcome)
        self.outcome, self.error, self.status = outcome, error, status


class _Attempt:
    """One fetch of one feed: follows redirects by hand under a single wall-clock deadline."""

    def __init__(
        self,
        req: FetchRequest,
        options: FetchOptions,
        pool: urllib3.PoolManager,
        now: Callable[[], datetime],
        limiter: HostLimiter | None,
    ) -> None:
        self.req, self.options, self.pool, self.now, self.limiter = req, options, pool, now, limiter
        self.allow_private = private_hosts_allowed(options)
        self.guarded = is_guarded(pool)  # its connections resolve and check each hop's host themselves
        self.url = req.url
        self.started = self.deadline = 0.0  # the clock starts in run(), on the worker thread

    def remaining(self) -> float:
        return self.deadline - time.monotonic()

    def result(self, outcome: str, **fields: object) -> FetchResult:
        elapsed = time.monotonic() - self.started
        return FetchResult(self.req.url, self.url, outcome, elapsed_s=elapsed, **fields)  # type: ignore[arg-type]

    def run(self) -> FetchResult:
        self.started = time.monotonic()
        self.deadline = self.started + self.options.total_timeout_s
        watchdog = Watchdog(self.options.total_timeout_s)
        try:
            with watchdog:
                return self._follow()
        except _Stop as stop:
            return self.result(stop.outcome, status=stop.status, error=stop.error)
        except BadUrlError as e:
            return self.result("bad_url", error=str(e))
        except BlockedHostError as e:
            return self.result("blocked_host", error=str(e))
        except ResolveTimeoutError as e:
            return self.result("timeout", error=str(e))
        except FetchError as e:  # the host name does not resolve
            return self.result("network_error", error=str(e))
        except _NETWORK_ERRORS as e:
            if watchdog.fired or self.remaining() <= 0:
                return self.result("timeout", error=self._timeout_message())
            outcome, message = describe_network_error(e)
            return self.result(outcome, error=message)

    def _timeout_message(self) -> str:
        return f"no complete answer within {self.options.total_timeout_s:g} s"

    def _follow(self) -> FetchResult:
        visited = {self.url}
        moved_for_good = True
        for _ in range(self.options.max_redirects + 1):
            if self.guarded:
                split_url(self.url)  # the scheme and host; the connection resolves and checks the address
            else:  # a pool of someone else's: check here, at the cost of a second lookup when it connects
                check_url(self.url, self.allow_private, timeout_s=max(0.0, self.remaining()))
            with self._slot():
                resp = self._open()
                location = self._redirect_target(resp)
                if location is None:
                    result = self._conclude(resp)
                    if moved_for_good and self.url != self.req.url and result.ok:
                        return _with_moved(result, self.url)
                    return result
                _discard(resp)
            moved_for_good = moved_for_good and resp.status in _PERMANENT
            if location in visited:
                raise _Stop("redirect_loop", f"redirect loop: {location} was already visited", resp.status)
            visited.add(location)
            self.url = location
        raise _Stop("too_many_redirects", f"more than {self.options.max_redirects} redirects")

    @contextmanager
    def _slot(self) -> Iterator[None]:
        """Holds the per-host semaphore of the current hop's host (only inside fetch_many)."""
        if self.limiter is None:
            yield
            return
        host = _host_of(self.url)
        if not self.limiter.acquire(host, max(0.0, self.remaining())):
            raise _Stop("timeout", f"no free connection to {host} before the deadline")
        try:
            yield
        finally:
            self.limiter.release(host)

    def _open(self) -> urllib3.BaseHTTPResponse:
        remaining = self.remaining()
        if remaining <= 0:
            raise _Stop("timeout", self._timeout_message())
        headers = {"User-Agent": self.options.user_agent, "Accept": _ACCEPT, "Accept-Encoding": "gzip, deflate, br"}
        # Validators come from a server; one with a line break would make http.client refuse the request.
        if self.req.etag and _header_safe(self.req.etag):
            headers["If-None-Match"] = self.req.etag
        if self.req.last_modified and _header_safe(self.req.last_modified):
            headers["If-Modified-Since"] = self.req.last_modified
        timeout = urllib3.Timeout(connect=min(self.options.connect_timeout_s, remaining), read=remaining)
        resp = self.pool.urlopen(
            "GET", self.url, headers=headers, timeout=timeout, retries=False, redirect=False,
            preload_content=False, decode_content=True,
        )
        watch_socket(_socket_of(resp))  # covers pools not made by make_pool as well
        return resp

    def _redirect_target(self, resp: urllib3.BaseHTTPResponse) -> str | None:
        if resp.status not in _REDIRECTS:
            return None
        location = resp.headers.get("Location")
        if not location:
            _discard(resp)
            raise _Stop("http_error", f"HTTP {resp.status} redirect without a Location header", resp.status)
        return urljoin(self.url, location.strip()).split("#", 1)[0]

    def _conclude(self, resp: urllib3.BaseHTTPResponse) -> FetchResult:
        status, headers = resp.status, resp.headers
        if 200 <= status < 300:
            body = self._read_body(resp)
            return self.result(
                "ok", status=status, body=body, content_type=headers.get("Content-Type"),
                etag=headers.get("ETag"), last_modified=headers.get("Last-Modified"),
            )
        _discard(resp)
        if status == 304:
            # A 304 may refresh the validators; when it does not, the ones we sent still hold.
            return self.result(
                "not_modified", status=status, etag=headers.get("ETag") or self.req.etag,
                last_modified=headers.get("Last-Modified") or self.req.last_modified,
            )
        if status == 410:
            return self.result("gone", status=status, error="HTTP 410 Gone: the feed has been removed")
        retry_after = parse_retry_after(headers.get("Retry-After"), self.now())
        # 429 always means "slow down"; a 503 only when it says when to come back, else it is an outage.
        if status == 429 or (status == 503 and retry_after is not None):
            return self.result("rate_limited", status=status, retry_after=retry_after,
                               error=f"HTTP {status}: the server asks to retry later")
        return self.result("http_error", status=status, error=f"HTTP {status} {resp.reason or ''}".rstrip())

    def _read_body(self, resp: urllib3.BaseHTTPResponse) -> bytes:
        cap = self.options.max_body_bytes
        declared = resp.headers.get("Content-Length", "")
        identity = resp.headers.get("Content-Encoding", "identity").strip().lower() in ("", "identity")
        if identity and declared.isdigit() and int(declared) > cap:
            _discard(resp)
            raise _Stop("too_large", f"the body is {int(declared):,} bytes; the limit is {cap:,}", resp.status)
        body = bytearray()
        try:
            while True:
                remaining = self.remaining()
                if remaining <= 0:
                    raise _Stop("timeout", self._timeout_message())
                sock = _socket_of(resp)
                if sock is not None:
                    sock.settimeout(remaining)  # no single read may outlive the deadline
                # read1 returns what one read from the socket gave, decoded at most _CHUNK bytes at a
                # time: a slow server cannot keep it waiting for a full buffer, a gzip bomb cannot
                # inflate past the cap in one step.
                chunk = resp.read1(_CHUNK)
                if not chunk:
                    break
                if len(body) + len(chunk) > cap:
                    raise _Stop("too_large", f"the decompressed body exceeds the limit of {cap:,} bytes", resp.status)
                body += chunk
        except _Stop:
            resp.close()
            raise
        resp.release_conn()
        return bytes(body)


def _with_moved(result: FetchResult, url: str) -> FetchResult:
    return replace(result, permanent_redirect_url=url)


def _header_safe(value: str) -> bool:
    return value.isprintable() and len(value) <= 1024


def _socket_of(resp: urllib3.BaseHTTPResponse) -> socket.socket | None:
    return getattr(resp.connection, "sock", None)


def _discard(resp: urllib3.BaseHTTPResponse) -> None:
    """Let go of a response whose body we do not want, keeping the connection when that is cheap."""
    length = getattr(resp, "length_remaining", None)
    if length is not None and length <= _DRAIN_LIMIT:
        resp.drain_conn()  # reads at most _DRAIN_LIMIT bytes; a failure closes the connection
    else:
        resp.close()
    resp.release_conn()
