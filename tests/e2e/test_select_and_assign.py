"""Journey: an editor ticks candidates and assigns them to two reviewers in one step."""

from __future__ import annotations

import re
from importlib import resources

from playwright.sync_api import Page, expect

from factcheck.states import Role

from .conftest import import_through_form, sign_in

SAMPLE = resources.files("factcheck.data").joinpath("national-consensus.txt").read_text()


def test_select_and_assign_three_candidates_to_two_reviewers_in_one_step(page: Page,
                                                                           make_user):
    editor = make_user(Role.EDITOR)
    ana = make_user(Role.REVIEWER, name="Ana Reviewer")
    bo = make_user(Role.REVIEWER, name="Bo Reviewer")
    sign_in(page, editor.email)
    import_through_form(page, title="National Consensus statement", text=SAMPLE)
    expect(page).to_have_url(re.compile(r"/editor/articles/\d+$"))

    for n in (1, 2, 3):
        page.get_by_label(f"Tick claim {n}", exact=True).check()
    expect(page.get_by_label(ana.display_name)).not_to_be_checked()  # nobody preselected
    page.get_by_label(ana.display_name).check()
    page.get_by_label(bo.display_name).check()
    page.get_by_label("Due date").fill("2030-01-31")
    page.get_by_role("button", name="Assign ticked claims").click()

    expect(page.get_by_role("status")).to_contain_text(
        "3 claims assigned to Ana Reviewer, Bo Reviewer. 3 candidates were selected first.")
    cards = page.locator("ol.claim-list > li")
    for index in range(3):
        expect(cards.nth(index).locator(".badge").first).to_have_text("In review")
        expect(cards.nth(index).locator(".assignees li")).to_have_count(2)
    expect(cards.nth(3).locator(".badge").first).to_have_text("Candidate")
    # The form kept what was sent, for the next batch.
    expect(page.get_by_label(ana.display_name)).to_be_checked()
    expect(page.get_by_label(bo.display_name)).to_be_checked()
    expect(page.get_by_label("Due date")).to_have_value("2030-01-31")


def test_board_keyboard_shortcuts_move_and_tick(page: Page, make_user):
    editor = make_user(Role.EDITOR)
    sign_in(page, editor.email)
    import_through_form(page, title="Shortcuts", text=SAMPLE)
    expect(page.get_by_text("Keyboard shortcuts")).to_be_visible()
    # The shortcuts are board.js's (deferred): it has run once the document is loaded.
    page.wait_for_load_state("domcontentloaded")
    cards = page.locator("ol.claim-list > li")
    page.keyboard.press("j")
    page.keyboard.press("j")
    expect(cards.nth(1)).to_be_focused()
    page.keyboard.press("k")
    expect(cards.nth(0)).to_be_focused()
    page.keyboard.press("x")
    expect(page.get_by_label("Tick claim 1", exact=True)).to_be_checked()
    quote = page.get_by_label("Exact words from the article")
    quote.press("x")  # typing: x is text, not a shortcut
    expect(quote).to_have_value("x")
    expect(page.get_by_label("Tick claim 1", exact=True)).to_be_checked()
