"""Browser fixtures: the test app on a real HTTP server, and Debian's Chromium via Playwright.

`server_url` serves the function-scoped `app` fixture (a fresh migrated database per
test) with Werkzeug in a background thread. `browser` is one headless Chromium for the
whole run; `page` is a new browser context per test whose base URL is the server, so
`page.goto("/login")` works.

Without /usr/bin/chromium the tests here are skipped with a reason; with
FACTCHECK_REQUIRE_E2E=1 they fail instead (CI sets it).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from playwright.sync_api import Browser, Page, expect, sync_playwright
from werkzeug.serving import make_server

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_MISSING = f"Chromium not found at {CHROMIUM} (apt-get install chromium)"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
E2E_DIR = Path(__file__).resolve().parent
# Playwright waits up to 30 s by default; a local app answers in milliseconds.
TIMEOUT_MS = 10_000


def pytest_collection_modifyitems(config, items) -> None:
    """Mark every test under tests/e2e with `e2e` (select with -m e2e, skip with -m 'not e2e')."""
    for item in items:
        if Path(item.path).resolve().is_relative_to(E2E_DIR):
            item.add_marker(pytest.mark.e2e)


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item) -> None:
    """Skip (or, with FACTCHECK_REQUIRE_E2E=1, fail) before any fixture starts a server."""
    if item.get_closest_marker("e2e") is None or CHROMIUM.exists():
        return
    if os.environ.get("FACTCHECK_REQUIRE_E2E") == "1":
        pytest.fail(f"{CHROMIUM_MISSING}; FACTCHECK_REQUIRE_E2E=1 requires browser tests")
    pytest.skip(CHROMIUM_MISSING)


@pytest.fixture
def server_url(app: Flask) -> Iterator[str]:
    """The base URL of `app` served over real HTTP (not pytest-flask's `live_server`)."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="e2e-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()  # stops serve_forever and waits for it
        server.server_close()  # closes the listening socket
        thread.join(timeout=10)
        assert not thread.is_alive(), "the e2e server thread did not stop"


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """One headless Debian Chromium for the whole run (`playwright install` is not used)."""
    if not CHROMIUM.exists():  # direct use outside tests/e2e
        pytest.skip(CHROMIUM_MISSING)
    playwright = sync_playwright().start()
    try:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield chromium
        finally:
            chromium.close()
    finally:
        playwright.stop()


@pytest.fixture
def page(browser: Browser, server_url: str) -> Iterator[Page]:
    """A page in a fresh browser context (own cookies) pointed at the test server.

    The context closes before the server stops, so no keep-alive connection outlives it.
    """
    context = browser.new_context(base_url=server_url)
    context.set_default_timeout(TIMEOUT_MS)
    try:
        yield context.new_page()
    finally:
        context.close()


expect.set_options(timeout=TIMEOUT_MS)
