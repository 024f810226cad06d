"""Name resolution in the fetcher: bounded by the feed's deadline, checked, and what is connected to.

Host names resolve through /etc/hosts (`localhost`) or through a resolver handed to make_pool (a
function with getaddrinfo's shape); every request goes to the real loopback server.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import pytest
import urllib3

from ingest.fetch import FetchOptions, fetch_feed, make_pool
from ingest.fetch_guard import ResolveTimeoutError, check_url
from ingest.models import FetchRequest, FetchResult
from tests.httpserver import FeedServer, Response

RSS = b'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title></channel></rss>'
OPTS = FetchOptions(allow_private_hosts=True, total_timeout_s=0.6, connect_timeout_s=1.0)

Resolver = Callable[[str, int], Sequence[tuple[Any, ...]]]


def answers(*addresses: str) -> list[tuple[Any, ...]]:
    """What getaddrinfo returns for these addresses (TCP)."""
    return [(socket.AF_INET6 if ":" in a else socket.AF_INET, socket.SOCK_STREAM, 6, "", (a, 0)) for a in addresses]


def table(names: dict[str, list[str]], asked: list[str] | None = None) -> Resolver:
    """A resolver that knows only `names`; unknown names fail as getaddrinfo does."""

    def resolve(host: str, port: int) -> Sequence[tuple[Any, ...]]:
        if asked is not None:
            asked.append(host)
        if host not in names:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return answers(*names[host])

    return resolve


@pytest.fixture
def stalled() -> Iterator[Resolver]:
    """A resolver that never answers while the test runs (a dead DNS server); released afterwards."""
    release = threading.Event()

    def resolve(host: str, port: int) -> Sequence[tuple[Any, ...]]:
        release.wait(30)
        raise socket.gaierror(socket.EAI_AGAIN, "Temporary failure in name resolution")

    yield resolve
    release.set()


def fetch(url: str, options: FetchOptions = OPTS, resolver: Resolver | None = None) -> tuple[FetchResult, float]:
    pool = make_pool(options) if resolver is None else make_pool(options, resolver=resolver)
    started = time.monotonic()
    try:
        result = fetch_feed(FetchRequest(url), options, pool=pool)
    finally:
        pool.clear()
    return result, time.monotonic() - started


def test_host_name_from_etc_hosts_is_fetched_with_its_name(feed_server: FeedServer) -> None:
    feed_server.add("/feed", Response(200, RSS))
    result, _ = fetch(f"http://localhost:{feed_server.port}/feed")
    assert (result.outcome, result.body) == ("ok", RSS)
    assert feed_server.hits("/feed")[0].headers["host"] == f"localhost:{feed_server.port}"


def test_connects_to_the_address_the_resolver_gave(feed_server: FeedServer) -> None:
    feed_server.add("/feed", Response(200, RSS))
    asked: list[str] = []
    result, _ = fetch(f"http://news.marsad.test:{feed_server.port}/feed",
                      resolver=table({"news.marsad.test": ["127.0.0.1"]}, asked))
    assert result.outcome == "ok"
    assert asked == ["news.marsad.test"]  # one lookup: the checked answer is the one connected to
    assert feed_server.hits("/feed")[0].headers["host"] == f"news.marsad.test:{feed_server.port}"


def test_an_address_that_refuses_falls_through_to_the_next(feed_server: FeedServer) -> None:
    # 127.0.0.2 is loopback too, but nothing listens there: the second answer is tried.
    feed_server.add("/feed", Response(200, RSS))
    result, _ = fetch(f"http://two.marsad.test:{feed_server.port}/feed",
                      resolver=table({"two.marsad.test": ["127.0.0.2", "127.0.0.1"]}))
    assert result.outcome == "ok"


def test_a_stalled_lookup_ends_at_the_feeds_deadline(stalled: Resolver) -> None:
    result, took = fetch("http://stalled.marsad.test/feed", resolver=stalled)
    assert result.outcome == "timeout"
    assert "could not resolve host stalled.marsad.test" in (result.error or "")
    assert 0.5 <= took < 1.0  # the 0.6 s deadline, not the resolver's 30 s


def test_a_stalled_lookup_after_a_redirect_gets_only_what_is_left(feed_server: FeedServer, stalled: Resolver) -> None:
    # The first hop takes 0.3 s of the 0.6 s; the stalled name of the second hop gets the rest.
    feed_server.add("/old", Response(302, b"", {"Location": "http://stalled.marsad.test/feed"}, delay_s=0.3))
    names = table({"first.marsad.test": ["127.0.0.1"]})

    def resolver(host: str, port: int) -> Sequence[tuple[Any, ...]]:
        return stalled(host, port) if host == "stalled.marsad.test" else names(host, port)

    result, took = fetch(f"http://first.marsad.test:{feed_server.port}/old", resolver=resolver)
    assert result.outcome == "timeout"
    assert 0.5 <= took < 1.0


def test_unknown_name_is_a_network_error(feed_server: FeedServer) -> None:
    result, took = fetch("http://nowhere.marsad.test/feed", resolver=table({}))
    assert (result.outcome, result.error) == ("network_error", "could not resolve host nowhere.marsad.test")
    assert took < 0.5


def test_a_name_resolving_to_a_private_address_is_refused_before_connecting(
    feed_server: FeedServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("MARSAD_ALLOW_PRIVATE_HOSTS", raising=False)
    feed_server.add("/feed", Response(200, RSS))
    resolver = table({"public-looking.marsad.test": ["93.184.215.14", "127.0.0.1"]})
    result, _ = fetch(f"http://public-looking.marsad.test:{feed_server.port}/feed", FetchOptions(total_timeout_s=1.0),
                      resolver=resolver)
    assert result.outcome == "blocked_host"
    assert "127.0.0.1" in (result.error or "")
    assert feed_server.hits("/feed") == []


def test_check_url_gives_up_on_a_stalled_lookup(stalled: Resolver) -> None:
    started = time.monotonic()
    with pytest.raises(ResolveTimeoutError):
        check_url("https://stalled.marsad.test/rss", allow_private_hosts=False, timeout_s=0.2, resolver=stalled)
    assert time.monotonic() - started < 0.5


def test_a_pool_not_made_by_make_pool_still_gets_the_address_check(
    feed_server: FeedServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("MARSAD_ALLOW_PRIVATE_HOSTS", raising=False)
    feed_server.add("/feed", Response(200, RSS))
    plain = urllib3.PoolManager()
    try:
        result = fetch_feed(FetchRequest(f"http://localhost:{feed_server.port}/feed"), FetchOptions(), pool=plain)
    finally:
        plain.clear()
    assert result.outcome == "blocked_host"
    assert feed_server.hits("/feed") == []
