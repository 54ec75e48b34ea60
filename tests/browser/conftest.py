"""Real-browser fixtures: `streamlit run app.py` on loopback with a temporary store, driven by
Debian's Chromium through Playwright (Playwright's own browser download is unreachable here).

A missing Chromium fails the tests loudly; set THIDUA_SKIP_BROWSER=1 to skip them on purpose.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from analytics.settings import DATA_DIR
from bench.browser_time import CHROMIUM, CHROMIUM_ARGS  # one set of Chromium flags for the bench and the tests
from tests.support import Server, start_server, stop_server


@pytest.fixture(scope="session")
def chromium() -> Iterator[object]:
    if os.environ.get("THIDUA_SKIP_BROWSER") == "1":
        pytest.skip("THIDUA_SKIP_BROWSER=1: browser tests skipped on request")
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: install Debian's 'chromium' (scripts/test.sh does) or set THIDUA_CHROMIUM")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    srv = start_server(tmp_path_factory.mktemp("server"))
    yield srv
    stop_server(srv)


@pytest.fixture(scope="module")
def browser_context(chromium):  # type: ignore[no-untyped-def]
    """One context per test module: pages of a module share its HTTP cache, so Streamlit's scripts load
    once, not once per test; each page is still its own Streamlit session."""
    context = chromium.new_context(viewport={"width": 1920, "height": 1080}, locale="vi-VN")
    yield context
    context.close()


@pytest.fixture
def page(browser_context, server: Server):  # type: ignore[no-untyped-def]
    pg = browser_context.new_page()
    errors: list[str] = []
    pg.on("pageerror", lambda exc: errors.append(str(exc)))
    pg.js_errors = errors  # type: ignore[attr-defined]
    yield pg
    pg.close()


@pytest.fixture(scope="module")
def years_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """A server on the shipped demo years (2016 and 2024–2026), not the tests' 2016-only copy."""
    config = {"THIDUA_CAMPAIGNS": str(DATA_DIR / "campaigns"), "THIDUA_MEETINGS": str(DATA_DIR / "meetings")}
    srv = start_server(tmp_path_factory.mktemp("years_server"), config)
    yield srv
    stop_server(srv)
