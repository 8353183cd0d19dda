"""Journey: an editor selects, in one click, a fact that a sentence of the sample article
presupposes, and finds it selected under its sentence, ready to assign."""

from __future__ import annotations

import re
from importlib import resources

from playwright.sync_api import Page, expect

from factcheck.states import Role

from .conftest import import_through_form, sign_in

SAMPLE = resources.files("factcheck.data").joinpath("national-consensus.txt").read_text()
ARRESTS = ("the widespread arrests, intimidation and torture of former government "
           "employees")


def test_select_a_presupposed_fact_in_one_click(page: Page, make_user):
    editor = make_user(Role.EDITOR)
    sign_in(page, editor.email)
    import_through_form(page, title="National Consensus statement", text=SAMPLE)
    expect(page).to_have_url(re.compile(r"/editor/articles/\d+$"))

    part = page.locator("li.sub-claim", has=page.locator("mark", has_text=ARRESTS))
    expect(part).to_have_count(1)
    # The claimant as the article's claimant record names it ("the leaders").
    expect(part.locator(".badge").first).to_have_text(
        re.compile(r"^Presupposed: condemned by the leaders$", re.I))
    # Its sentence's card holds it.
    expect(part.locator("xpath=ancestor::li[contains(@class, 'claim-card')][1]")).to_contain_text(
        "They condemned the widespread arrests")
    part.get_by_role("button", name=re.compile(r"^Select")).click()

    expect(page).to_have_url(re.compile(r"/editor/articles/\d+#claim-\d+$"))
    part = page.locator("li.sub-claim", has=page.locator("mark", has_text=ARRESTS))
    expect(part.locator(".badge").nth(1)).to_have_text("Selected")
    expect(part.locator("input.tick")).to_be_visible()  # assignable like any claim
    expect(part.get_by_role("button", name=re.compile(r"^Select"))).to_have_count(0)
    expect(page.locator("#claim-counts")).to_contain_text("Selected 1")
