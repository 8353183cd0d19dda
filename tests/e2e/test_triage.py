"""Journey: an editor imports the sample article and selects claims on the board."""

from __future__ import annotations

import re
from importlib import resources

from playwright.sync_api import Page, expect

from factcheck.states import Role

from .conftest import import_through_form, sign_in

SAMPLE = resources.files("factcheck.data").joinpath("national-consensus.txt").read_text()


def test_editor_imports_the_sample_article_and_selects_claims(page: Page, make_user):
    editor = make_user(Role.EDITOR)
    sign_in(page, editor.email)

    import_through_form(page, title="National Consensus statement", text=SAMPLE,
                        outlet="Kabul Review")

    expect(page).to_have_url(re.compile(r"/editor/articles/\d+$"))
    expect(page.get_by_role("status")).to_contain_text("candidate claims found")
    marks = page.locator(".article-text a.claim-mark")
    cards = page.locator("ol.claim-list > li")
    assert marks.count() == cards.count() >= 28

    # Select the first claim by its button, then everything at or above the threshold.
    first = cards.first
    first.get_by_role("button", name=re.compile(r"^Select")).click()
    expect(cards.first.locator(".badge").first).to_have_text("Selected")
    page.get_by_role("button", name="Select", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text("claims selected")
    selected = page.locator("ol.claim-list > li.status-selected")
    assert selected.count() > 1

    # Clicking a highlight in the text jumps to its claim card.
    marks.nth(1).click()
    expect(page).to_have_url(re.compile(r"#claim-\d+$"))

    page.get_by_role("link", name="Articles").first.click()
    row = page.get_by_role("row").filter(has_text="National Consensus statement")
    expect(row).to_be_visible()


def test_editor_works_on_the_second_page_of_a_long_board(page: Page, make_user):
    editor = make_user(Role.EDITOR)
    sign_in(page, editor.email)
    # The sample eight times over: more claims than one page of the board holds.
    import_through_form(page, title="Eight statements", text="\n".join([SAMPLE] * 8))

    pager = page.get_by_role("navigation", name="Pages of claims", exact=True)
    expect(pager).to_contain_text("Page 1 of 2")
    pager.get_by_role("link", name="Next").click()
    expect(page).to_have_url(re.compile(r"/editor/articles/\d+\?page=2$"))
    cards = page.locator("ol.claim-list > li")
    expect(cards.first.locator("strong")).to_have_text("201.")

    # Selecting a claim here comes back to this page, at the claim.
    card = cards.nth(3)
    card_id = card.get_attribute("id")
    card.get_by_role("button", name=re.compile(r"^Select")).click()
    expect(page).to_have_url(re.compile(rf"\?page=2#{card_id}$"))
    expect(page.locator(f"#{card_id} .badge").first).to_have_text("Selected")

    # The highlights in this page's passage lead to this page's cards.
    page.locator(".article-text a.claim-mark").nth(5).click()
    expect(page).to_have_url(re.compile(r"\?page=2#claim-\d+$"))
