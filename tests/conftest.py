"""Shared fixtures: a real loopback feed server and paths to the shared corpora."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.httpserver import FeedServer

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
# The shared corpora live beside the repository on the development machines and in CI.
SHARED = ROOT.parent / "shared"


@pytest.fixture
def feed_server() -> Iterator[FeedServer]:
    server = FeedServer().start()
    yield server
    server.stop()


@pytest.fixture
def fixtures_dir() -> Path:
    return FIXTURES
