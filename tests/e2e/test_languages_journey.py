"""Journey: the interface in Dari, right to left, at desktop and phone widths.

A reader switches a verdict page to Dari from its footer; an editor whose browser asks
for Dari works on the claim board. The layout must mirror (navigation starting at the
right, text aligned to the right) while the English article keeps its own direction,
and nothing may overflow a 360 px screen.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, Page, expect

from factcheck.extensions import db
from factcheck.i18n import catalogue
from factcheck.states import Role
from factcheck.workflow.articles import import_article

from ..helpers import PASSWORD
from .conftest import TIMEOUT_MS, decided_article

TEXT = ("Unemployment fell to 3.5 percent in October, the lowest rate since 2019.\n"
        "The council approved a budget of $4.2 million on Tuesday.")
WIDTHS = (1280, 360)


def _dari(message: str) -> str:
    return catalogue("fa_AF").gettext(message)


def _assert_mirrored_and_fits(page: Page, width: int) -> None:
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.locator("html")).to_have_attribute("lang", "fa-AF")
    overflow = page.evaluate("document.documentElement.scrollWidth")
    assert overflow <= width, f"the page is {overflow} px wide on a {width} px screen"
    brand = page.locator("header.site a.brand").bounding_box()
    # Right to left: the site's name sits at the right-hand end of the header.
    assert brand["x"] + brand["width"] > width / 2, brand


@pytest.mark.parametrize("width", WIDTHS)
def test_a_reader_switches_the_verdict_page_to_dari(browser: Browser, server_url, app,
                                                     make_user, width):
    editor = make_user(Role.EDITOR)
    _article_id, slug = decided_article(app, editor, title="Jobs and budget", body=TEXT,
                                       publish=True)
    context = browser.new_context(base_url=server_url, viewport={"width": width, "height": 800})
    context.set_default_timeout(TIMEOUT_MS)
    try:
        reader = context.new_page()
        reader.goto(f"/checks/{slug}")
        expect(reader.locator("html")).to_have_attribute("dir", "ltr")
        reader.get_by_role("link", name="دری").click()
        _assert_mirrored_and_fits(reader, width)
        expect(reader).to_have_url(f"{server_url}/checks/{slug}")
        expect(reader.get_by_role("main")).to_contain_text(_dari("Fact check"))
        # The article is English: it keeps its left-to-right direction inside the page.
        assert reader.locator(".article-text").evaluate(
            "e => getComputedStyle(e).direction") == "ltr"
        # The claim card's coloured edge is on the right (retried: the style sheet may still
        # be applying after the language switch's reload).
        expect(reader.locator("#claim-1")).to_have_css("border-right-width", "4px")
        # The chart of verdicts and its labels stay inside the screen.
        for box in reader.locator(".summary").evaluate_all(
                "els => els.map(e => e.getBoundingClientRect().toJSON())"):
            assert box["x"] >= 0 and box["x"] + box["width"] <= width + 1, box
        # Each label is page-sized text beside its bar, never under it; counts in Persian.
        for row in reader.locator("ul.chart li").all():
            label, bar = row.locator(".chart-label"), row.locator(".chart-bar")
            assert float(label.evaluate("e => getComputedStyle(e).fontSize")[:-2]) >= 14
            label_box, bar_box = label.bounding_box(), bar.bounding_box()
            assert label_box["x"] >= bar_box["x"] + bar_box["width"], (label_box, bar_box)
            expect(row.locator(".chart-n")).to_have_text(re.compile("^[\u06f0-\u06f9]+$"))
        # Dates are written in Persian digits.
        expect(reader.locator("article.check time").first).to_contain_text("۲۰")
        # Back to English from the same footer.
        reader.get_by_role("link", name="English").click()
        expect(reader.locator("html")).to_have_attribute("dir", "ltr")
    finally:
        context.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_an_editor_works_in_dari_on_a_phone_and_a_desktop(browser: Browser, server_url, app,
                                                           make_user, width):
    editor = make_user(Role.EDITOR)
    with app.app_context():
        article = import_article(db.session, title="Jobs and budget", body=TEXT, actor=None)
        db.session.commit()
        article_id = article.id
    context = browser.new_context(base_url=server_url, locale="fa-AF",
                                  viewport={"width": width, "height": 800})
    context.set_default_timeout(TIMEOUT_MS)
    try:
        desk = context.new_page()
        desk.goto("/login")
        _assert_mirrored_and_fits(desk, width)
        label = desk.locator("label").first
        assert label.evaluate("e => getComputedStyle(e).textAlign") in ("start", "right")
        desk.get_by_label(_dari("Email"), exact=True).fill(editor.email)
        desk.get_by_label(_dari("Password"), exact=True).fill(PASSWORD)
        desk.get_by_role("button", name=_dari("Sign in")).click()
        expect(desk.get_by_role("button", name=_dari("Sign out"))).to_be_visible()
        for path in ("/editor/", f"/editor/articles/{article_id}", "/review/", "/search"):
            desk.goto(path)
            _assert_mirrored_and_fits(desk, width)
        # A table's first column is on the right.
        desk.goto("/editor/")
        cells = desk.locator("table th")
        if cells.count() > 1:
            first, second = cells.nth(0).bounding_box(), cells.nth(1).bounding_box()
            assert first["x"] > second["x"], (first, second)
    finally:
        context.close()
