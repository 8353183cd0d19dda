"""Browser fixtures: Debian's Chromium via Playwright, on the test app's real HTTP server.

`server_url` (tests/conftest.py) serves the function-scoped `app` fixture (a fresh
migrated database per test) with Werkzeug in a background thread. `browser` is one
headless Chromium for the whole run; `page` is a new browser context per test whose base
URL is the server, so `page.goto("/login")` works.

Without /usr/bin/chromium the tests here are skipped with a reason; with
FACTCHECK_REQUIRE_E2E=1 they fail instead (CI sets it).

`vnu_jar` and `axe_script` find the Nu Html Checker and axe-core that
`npm install --ignore-scripts --no-audit --no-fund --prefix .tools vnu-jar axe-core`
puts in `.tools/` (`python3 dev.py test` and .ci/run do this when npm is there); the
Nu Html Checker also needs `java`. Missing tools skip, or fail, the same way.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from ..helpers import PASSWORD

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
TOOLS = Path(os.environ.get("FACTCHECK_TOOLS_DIR") or E2E_DIR.parents[1] / ".tools")
VNU_JAR = TOOLS / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
AXE_SCRIPT = TOOLS / "node_modules" / "axe-core" / "axe.min.js"
TOOLS_HINT = (
    "npm install --ignore-scripts --no-audit --no-fund --prefix .tools vnu-jar axe-core"
)


def _skip_or_fail(reason: str) -> None:
    if os.environ.get("FACTCHECK_REQUIRE_E2E") == "1":
        pytest.fail(f"{reason}; FACTCHECK_REQUIRE_E2E=1 requires the quality checks")
    pytest.skip(reason)


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


@pytest.fixture(scope="session")
def vnu_jar() -> Path:
    """The Nu Html Checker's vnu.jar (npm package vnu-jar), runnable with `java`."""
    if not VNU_JAR.is_file():
        _skip_or_fail(f"Nu Html Checker not found at {VNU_JAR} ({TOOLS_HINT})")
    if shutil.which("java") is None:
        _skip_or_fail("java not found on PATH; the Nu Html Checker needs Java 11 or newer")
    return VNU_JAR


@pytest.fixture(scope="session")
def axe_script() -> Path:
    """axe-core's axe.min.js (npm package axe-core), to inject into pages."""
    if not AXE_SCRIPT.is_file():
        _skip_or_fail(f"axe-core not found at {AXE_SCRIPT} ({TOOLS_HINT})")
    return AXE_SCRIPT


expect.set_options(timeout=TIMEOUT_MS)


def sign_in(page: Page, email: str, password: str = PASSWORD) -> None:
    """Sign in through the login form, as a person would."""
    page.goto("/login")
    page.get_by_label("Email", exact=True).fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in").click()


def import_through_form(page: Page, *, title: str, text: str, outlet: str = "") -> None:
    """Import an article as an editor does: *Import an article*, paste, title, submit."""
    page.get_by_role("link", name="Import an article").click()
    page.get_by_label("Paste the article text").fill(text)
    page.get_by_label("Title", exact=True).fill(title)
    if outlet:
        page.get_by_label("Outlet", exact=True).fill(outlet)
    page.get_by_role("button", name="Import and find claims").click()


def decided_article(app, editor, *, title: str, body: str, key: str = "mostly-true",
                    summary: str = "Close to the official data.",
                    publish: bool = False) -> tuple[int, str]:
    """An article whose every claim is decided with the label `key` (and published, if
    asked); returns its id and slug."""
    from sqlmodel import select

    from factcheck.extensions import db
    from factcheck.models import Claim, Decision, RatingLabel, User
    from factcheck.states import ClaimStatus
    from factcheck.workflow.articles import import_article
    from factcheck.workflow.publishing import publish_article

    with app.app_context():
        article = import_article(db.session, title=title, body=body, actor=None)
        label = db.session.exec(select(RatingLabel).where(RatingLabel.key == key)).first()
        for claim in db.session.exec(select(Claim).where(Claim.article_id == article.id)):
            claim.status = ClaimStatus.DECIDED
            db.session.add(Decision(claim_id=claim.id, editor_id=editor.id,
                                    rating_id=label.id, summary=summary))
        db.session.flush()
        if publish:
            publish_article(db.session, article=article,
                            editor=db.session.get(User, editor.id), include_open=False)
        db.session.commit()
        return article.id, article.slug
