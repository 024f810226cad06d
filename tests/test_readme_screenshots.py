"""The README's screenshots: every page of a dashboard running on a demo corpus, in Chromium.

The demo corpus (a few months of generated Arabic and English news, ingested through the real
pipeline) is what a new user sees after `make demo`; these pictures show exactly that. Each page must
draw without an error element; the world map must draw its countries from the bundled outlines
(there is no internet here).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.test_dashboard_browser import CHROMIUM, PAGES, ROOT, capture, serve_dashboard

SHOTS = ROOT / "docs" / "screenshots"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium at /usr/bin/chromium "
                                                     "(apt-get install chromium)"),
]


@pytest.fixture(scope="module")
def demo_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    from ingest.demo.build import build_demo

    db = tmp_path_factory.mktemp("demo") / "demo.duckdb"
    build_demo(db, outlets=18, weeks=14, force=True)
    with serve_dashboard(db) as url:
        yield url


@pytest.mark.parametrize("page_path", list(PAGES))
def test_demo_page_is_captured_for_the_readme(browser, demo_url: str, page_path: str) -> None:  # type: ignore[no-untyped-def]
    errors = capture(browser, demo_url, page_path, PAGES[page_path], SHOTS)
    assert errors == []
    assert (SHOTS / f"{page_path}.png").stat().st_size > 30_000


def test_world_map_draws_countries_without_internet(browser, demo_url: str) -> None:  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    fetched: list[str] = []
    page.on("request", lambda r: fetched.append(r.url))
    try:
        page.goto(f"{demo_url}/countries", wait_until="domcontentloaded")
        page.wait_for_selector(".js-plotly-plot .main-svg", timeout=45_000)
        page.get_by_role("tab", name="World map").click()
        page.wait_for_selector(".choroplethlocation", timeout=30_000)
        assert page.locator(".choroplethlocation").count() >= 10
        assert not [u for u in fetched if not u.startswith(demo_url)]  # nothing from outside
        page.screenshot(path=str(SHOTS / "countries-map.png"))
    finally:
        context.close()
