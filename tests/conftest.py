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


@pytest.fixture(scope="session")
def seeded_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A database built by the real ingest pipeline from the fixture feeds in tests/seeded.py.

    Session-wide and read-only by convention: tests that write must build their own.
    """
    from tests.seeded import build_seeded_db

    server = FeedServer().start()
    try:
        path = tmp_path_factory.mktemp("seeded") / "marsad.duckdb"
        build_seeded_db(path, server)
    finally:
        server.stop()
    return path


@pytest.fixture(scope="session")
def week_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The weekly-report tests' database: week 2025-W14 ingested by the real pipeline (tests/test_report_build.py).

    Session-wide and read-only by convention, like seeded_db.
    """
    from tests.test_report_build import build_week_db

    server = FeedServer().start()
    try:
        path = tmp_path_factory.mktemp("report-week") / "marsad.duckdb"
        build_week_db(path, server)
    finally:
        server.stop()
    return path


@pytest.fixture
def app_env(seeded_db: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The dashboard's AppTest pointed at seeded_db, with Streamlit's data cache empty before and after."""
    import streamlit as st

    monkeypatch.setenv("MARSAD_DB", str(seeded_db))
    st.cache_data.clear()
    yield
    st.cache_data.clear()


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """Debian's Chromium driven by Playwright (never a downloaded browser)."""
    from playwright.sync_api import sync_playwright

    args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
            "--disable-component-update", "--disable-sync"]
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path="/usr/bin/chromium", args=args)
        yield b
        b.close()
