"""The fetcher's safety rails: which URLs may be fetched, deadlines that hold, per-host limits, error wording.

Kept apart from ingest.fetch so the request flow there reads straight through. Owns the address
policy (only public addresses unless private hosts are allowed), name resolution under the fetch's
deadline (the system resolver's own timeouts can add tens of seconds), the connection classes that
connect only to the addresses they resolved and checked, the watchdog that cuts a fetch's sockets at
its deadline, the per-host semaphores, and the translation of socket/urllib3 errors into one short
human sentence.
"""

from __future__ import annotations

import errno
import functools
import http.client
import ipaddress
import socket
import ssl
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from types import TracebackType
from typing import Any
from urllib.parse import urlsplit

import urllib3
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import ConnectTimeoutError, NewConnectionError
from urllib3.util.connection import create_connection

from ingest.errors import FetchError

_IP = ipaddress.IPv4Address | ipaddress.IPv6Address
_NAT64 = ipaddress.ip_network("64:ff9b::/96")


class BadUrlError(FetchError):
    """The URL is not something Marsad fetches (not http(s), no host, malformed)."""


class BlockedHostError(FetchError):
    """The URL points at a private, loopback, link-local, multicast or reserved address."""


class ResolveTimeoutError(FetchError):
    """The host name did not resolve before the fetch's deadline."""


# (host, port) → getaddrinfo-style tuples; socket.getaddrinfo by default. A different one is handed
# in through make_pool(…, resolver=…) (e.g. a slow one in tests).
Resolver = Callable[[str, int], Sequence[tuple[Any, ...]]]
RESOLVE_TIMEOUT_S = 10.0  # when nothing tighter applies (check_url outside a fetch)


def system_resolver(host: str, port: int) -> Sequence[tuple[Any, ...]]:
    return socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)


def split_url(url: str) -> tuple[str, int]:
    """(host, port) of an http(s) URL; BadUrlError for anything else. Resolves nothing."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as e:
        raise BadUrlError(f"not a valid URL: {url[:200]!r}") from e
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        raise BadUrlError(f"only http and https URLs are fetched, not {scheme + ':' if scheme else 'this'} {url[:200]!r}")
    host = parts.hostname
    if not host:
        raise BadUrlError(f"the URL has no host: {url[:200]!r}")
    return host, port or (443 if scheme == "https" else 80)


def check_url(url: str, allow_private_hosts: bool, *, timeout_s: float = RESOLVE_TIMEOUT_S,
              resolver: Resolver = system_resolver) -> None:
    """Raise FetchError unless `url` is http(s) and every address its host resolves to is public.

    BadUrlError for the wrong scheme or a malformed URL, BlockedHostError for a non-public target,
    ResolveTimeoutError when the name does not resolve within `timeout_s`, a plain FetchError when
    it does not resolve at all.
    """
    host, port = split_url(url)
    if not allow_private_hosts:
        resolve_checked(host, port, allow_private_hosts=False, timeout_s=timeout_s, resolver=resolver)


def resolve_checked(host: str, port: int, *, allow_private_hosts: bool, timeout_s: float,
                    resolver: Resolver = system_resolver) -> tuple[_IP, ...]:
    """The addresses `host` resolves to, within `timeout_s`, each one allowed by the address policy.

    The lookup runs on a worker thread because getaddrinfo cannot be interrupted: after `timeout_s`
    the fetch gives up on it (ResolveTimeoutError) and the abandoned lookup ends on its own, bounded
    by the system resolver's timeouts. A numeric host needs no lookup.
    """
    try:
        addresses: tuple[_IP, ...] = (_ip(host),)
    except ValueError:
        addresses = _lookup(host, port, timeout_s, resolver)
    if not allow_private_hosts:
        for address in addresses:
            if not is_public_address(address):
                raise BlockedHostError(
                    f"{host} is a private or local address ({address}); "
                    "set MARSAD_ALLOW_PRIVATE_HOSTS=1 to fetch feeds on a private network"
                )
    return addresses


def _lookup(host: str, port: int, timeout_s: float, resolver: Resolver) -> tuple[_IP, ...]:
    done = threading.Event()
    outcome: list[Sequence[tuple[Any, ...]] | BaseException] = []

    def work() -> None:
        try:
            outcome.append(resolver(host, port))
        except BaseException as e:  # handed to the waiting thread, which raises it as a FetchError
            outcome.append(e)
        finally:
            done.set()

    threading.Thread(target=work, name="marsad-resolve", daemon=True).start()
    if not done.wait(max(0.0, timeout_s)):
        raise ResolveTimeoutError(f"could not resolve host {host} within {timeout_s:.3g} s")
    result = outcome[0]
    if isinstance(result, BaseException):
        raise FetchError(f"could not resolve host {host}") from result
    addresses: list[_IP] = []
    for info in result:
        try:
            address = _ip(str(info[4][0]))
        except (ValueError, IndexError, TypeError):
            continue  # e.g. an AF_UNIX answer: nothing we would connect to
        if address not in addresses:
            addresses.append(address)
    if not addresses:
        raise FetchError(f"could not resolve host {host}")
    return tuple(addresses)


def is_public_address(address: _IP) -> bool:
    """True for globally routable unicast addresses; IPv6 forms that embed an IPv4 address are judged by it."""
    if isinstance(address, ipaddress.IPv6Address):
        embedded = address.ipv4_mapped or address.sixtofour
        if embedded is None and address in _NAT64:
            embedded = ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
        if embedded is not None:
            return is_public_address(embedded)
    return address.is_global and not (
        address.is_multicast or address.is_reserved or address.is_loopback
        or address.is_link_local or address.is_unspecified or address.is_private
    )


def _ip(text: str) -> _IP:
    return ipaddress.ip_address(text.split("%", 1)[0])  # drop an IPv6 zone id


# --- connections that re-check the peer and report to the watchdog ---------------------------------


class _GuardMixin:
    allow_private_hosts = False
    resolver: Resolver = staticmethod(system_resolver)  # type: ignore[assignment]
    host: str
    port: int
    timeout: Any
    source_address: tuple[str, int] | None
    socket_options: Any
    sock: socket.socket | None

    def _new_conn(self) -> socket.socket:
        """Resolve under the deadline, check every address, connect to one of those very addresses.

        Connecting to the checked addresses (not to the name again) leaves no gap for a name that
        answers public first and private a moment later. TLS still verifies the certificate against
        the host name (urllib3 takes it from self.host, which stays the name).
        """
        connect_timeout = self.timeout if isinstance(self.timeout, int | float) else None
        addresses = resolve_checked(self.host, self.port, allow_private_hosts=self.allow_private_hosts,
                                    timeout_s=_time_for(connect_timeout), resolver=self.resolver)
        last: Exception | None = None
        for address in addresses:
            try:
                sock = create_connection((str(address), self.port), _time_for(connect_timeout),
                                         source_address=self.source_address, socket_options=self.socket_options)
            except TimeoutError as e:
                last = ConnectTimeoutError(self, f"Connection to {self.host} timed out. (connect timeout={self.timeout})")
                last.__cause__ = e
            except OSError as e:
                last = NewConnectionError(self, f"Failed to establish a new connection: {e}")  # type: ignore[arg-type]
                last.__cause__ = e
            else:
                self._check_peer(sock)
                return sock
        assert last is not None  # resolve_checked never returns an empty tuple
        raise last

    def _check_peer(self, sock: socket.socket) -> None:
        # Belt and braces: what the socket really reached, judged by the same policy.
        if not self.allow_private_hosts:
            peer = _ip(sock.getpeername()[0])
            if not is_public_address(peer):
                sock.close()
                raise BlockedHostError(f"{self.host} connected to a private or local address ({peer})")

    def getresponse(self) -> Any:
        # Registered here, not only at connect, because a reused keep-alive connection never reconnects.
        watch_socket(self.sock)
        return super().getresponse()  # type: ignore[misc]


def _time_for(timeout_s: float | None) -> float:
    """A step's time limit: its own timeout, cut to what is left of the current fetch's deadline."""
    left = time_left()
    limits = [t for t in (timeout_s, left) if t is not None]
    return max(0.0, min(limits)) if limits else RESOLVE_TIMEOUT_S


@functools.cache
def guarded_pool_classes(allow_private_hosts: bool,
                         resolver: Resolver = system_resolver) -> dict[str, type[HTTPConnectionPool]]:
    """Pool classes for urllib3.PoolManager.pool_classes_by_scheme, one pair per policy and resolver."""
    attrs = {"allow_private_hosts": allow_private_hosts, "resolver": staticmethod(resolver)}
    http_conn = type("MarsadHTTPConnection", (_GuardMixin, HTTPConnection), attrs)
    https_conn = type("MarsadHTTPSConnection", (_GuardMixin, HTTPSConnection), attrs)
    return {
        "http": type("MarsadHTTPConnectionPool", (HTTPConnectionPool,), {"ConnectionCls": http_conn}),
        "https": type("MarsadHTTPSConnectionPool", (HTTPSConnectionPool,), {"ConnectionCls": https_conn}),
    }


def is_guarded(pool: urllib3.PoolManager) -> bool:
    """True when every connection `pool` makes resolves and checks addresses itself (make_pool's pools)."""
    classes = getattr(pool, "pool_classes_by_scheme", {})
    return all(issubclass(getattr(classes.get(scheme), "ConnectionCls", object), _GuardMixin)
               for scheme in ("http", "https"))


# --- the deadline watchdog ----------------------------------------------------------------------------

_current = threading.local()


class Watchdog:
    """Shuts down every socket of one fetch when its deadline passes.

    Socket timeouts bound each read, not the whole answer: a server sending one header byte per second
    never trips them. Shutting the socket down from a timer thread ends any read in progress.
    """

    def __init__(self, timeout_s: float) -> None:
        self._lock = threading.Lock()
        self._sockets: list[socket.socket] = []
        self._done = False
        self.fired = False
        self._timeout_s = max(0.0, timeout_s)
        self.deadline = time.monotonic() + self._timeout_s
        self._timer = threading.Timer(self._timeout_s, self._fire)
        self._timer.daemon = True

    def __enter__(self) -> Watchdog:
        self.deadline = time.monotonic() + self._timeout_s
        _current.watchdog = self
        self._timer.start()
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self._timer.cancel()
        with self._lock:
            self._done = True
            self._sockets.clear()
        _current.watchdog = None

    def watch(self, sock: socket.socket) -> None:
        with self._lock:
            if self.fired:
                _shutdown(sock)
            elif not self._done:
                self._sockets.append(sock)

    def _fire(self) -> None:
        with self._lock:
            if self._done:
                return
            self.fired = True
            for sock in self._sockets:
                _shutdown(sock)


def time_left() -> float | None:
    """Seconds left before the current thread's fetch deadline; None when no fetch runs on this thread."""
    watchdog: Watchdog | None = getattr(_current, "watchdog", None)
    return None if watchdog is None else watchdog.deadline - time.monotonic()


def watch_socket(sock: socket.socket | None) -> None:
    """Put `sock` under the current thread's fetch deadline, if a fetch is running on this thread."""
    watchdog: Watchdog | None = getattr(_current, "watchdog", None)
    if watchdog is not None and sock is not None:
        watchdog.watch(sock)


def _shutdown(sock: socket.socket) -> None:
    try:
        # The plain socket method: ssl.SSLSocket.shutdown would also drop its TLS state under a reader.
        socket.socket.shutdown(sock, socket.SHUT_RDWR)
    except OSError:
        pass  # already closed


# --- per-host politeness ----------------------------------------------------------------------------


class HostLimiter:
    """One semaphore per host name, created on first use."""

    def __init__(self, per_host: int) -> None:
        self._per_host = max(1, per_host)
        self._lock = threading.Lock()
        self._semaphores: dict[str, threading.Semaphore] = {}

    def _semaphore(self, host: str) -> threading.Semaphore:
        with self._lock:
            return self._semaphores.setdefault(host, threading.Semaphore(self._per_host))

    def acquire(self, host: str, timeout_s: float) -> bool:
        return self._semaphore(host).acquire(timeout=timeout_s)

    def release(self, host: str) -> None:
        self._semaphore(host).release()


# --- errors in words ----------------------------------------------------------------------------------


def _chain(error: BaseException) -> Iterator[BaseException]:
    """The error, its causes and the exceptions urllib3 tucks into args or .reason."""
    seen: set[int] = set()
    queue = [error]
    while queue:
        current = queue.pop(0)
        if id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        queue += [e for e in (current.__cause__, current.__context__, getattr(current, "reason", None)) if isinstance(e, BaseException)]
        queue += [a for a in current.args if isinstance(a, BaseException)]


def _is_timeout(e: BaseException) -> bool:
    # urllib3's NewConnectionError derives from ConnectTimeoutError for historical reasons.
    if isinstance(e, urllib3.exceptions.NewConnectionError):
        return False
    return isinstance(e, urllib3.exceptions.TimeoutError | TimeoutError)


def _tls_message(e: BaseException) -> str:
    if isinstance(e, ssl.SSLCertVerificationError):
        return f"TLS certificate rejected: {e.verify_message}"
    return "TLS handshake failed"


_RULES: list[tuple[Any, str, Any]] = [
    (urllib3.exceptions.LocationValueError, "bad_url", "not a valid URL"),
    (urllib3.exceptions.NameResolutionError, "network_error", "could not resolve host"),
    (socket.gaierror, "network_error", "could not resolve host"),
    (ConnectionRefusedError, "network_error", "connection refused"),
    # RemoteDisconnected is a ConnectionResetError too: the more precise words first.
    (http.client.RemoteDisconnected, "network_error", "the server closed the connection without answering"),
    (ConnectionResetError, "network_error", "connection reset by the server"),
    (ssl.SSLError, "network_error", _tls_message),
    (urllib3.exceptions.SSLError, "network_error", "TLS handshake failed"),
    (_is_timeout, "timeout", "the server stopped answering"),
    (http.client.IncompleteRead, "network_error", "the connection closed before the whole body arrived"),
    (urllib3.exceptions.IncompleteRead, "network_error", "the connection closed before the whole body arrived"),
    (urllib3.exceptions.DecodeError, "network_error", "the body could not be decompressed"),
    (http.client.HTTPException, "network_error", "the server's answer is not valid HTTP"),
]
_ERRNO_WORDS = {
    errno.ENETUNREACH: "network unreachable",
    errno.EHOSTUNREACH: "host unreachable",
    errno.ECONNABORTED: "connection aborted",
    errno.EPIPE: "connection closed by the server",
}


def describe_network_error(error: BaseException) -> tuple[str, str]:
    """(outcome, a short sentence) for an exception raised while talking to a server."""
    chain = list(_chain(error))
    for match, outcome, words in _RULES:
        for e in chain:
            hit = match(e) if callable(match) and not isinstance(match, type) else isinstance(e, match)
            if hit:
                return outcome, words(e) if callable(words) else words
    for e in chain:
        if isinstance(e, OSError) and e.errno in _ERRNO_WORDS:
            return "network_error", _ERRNO_WORDS[e.errno]
    for e in chain:
        if isinstance(e, OSError) and e.strerror:
            return "network_error", f"network error: {e.strerror.lower()}"
    return "network_error", "network error"
