"""Journey: an editor imports an article repeating a published claim, sees the earlier
check on the board, marks it the same claim and cites it; the reviewer finds it among the
claim's evidence."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from factcheck.states import Role

from ..helpers import run_jobs
from ..web.test_feeds import publish_check
from .conftest import import_through_form, sign_in

ARTICLE = ("In October unemployment dropped to 3.5 percent, the minister said. "
           "Heavy rain flooded the streets of Kabul on Sunday.")


@pytest.fixture
def app(make_app):
    """The served app with matching jobs on (the suite's default leaves them off)."""
    return make_app(CLAIM_MATCHING=True)


def test_editor_cites_an_earlier_check_that_the_reviewer_then_sees(app, page: Page, make_user):
    editor = make_user(Role.EDITOR)
    reviewer = make_user(Role.REVIEWER, name="Ana Reviewer")
    check = publish_check(app, editor, title="Jobs report", claims=(
        ("Unemployment fell to 3.5 percent in October.", "false", "It rose.", None),))

    sign_in(page, editor.email)
    import_through_form(page, title="Jobs, again", text=ARTICLE)
    expect(page).to_have_url(re.compile(r"/editor/articles/\d+$"))
    board = page.url
    first = page.locator("ol.claim-list > li").first
    expect(first.get_by_text("Checked before")).to_have_count(0)  # the job has not run

    assert run_jobs(app) >= 1  # the worker's turn
    page.goto(board)
    first = page.locator("ol.claim-list > li").first
    match = first.locator("li.match")
    expect(match).to_have_count(1)
    expect(match).to_contain_text("Unemployment fell to 3.5 percent in October.")
    expect(match).to_contain_text(re.compile(r"\d+% similar"))
    expect(match).to_contain_text("False")
    expect(match.get_by_role("link", name=re.compile("Read the check"))).to_have_attribute(
        "href", re.compile(rf"/checks/{check['slug']}#claim-1$"))

    match.get_by_role("button", name=re.compile("^The same claim")).click()
    expect(page.get_by_role("status")).to_contain_text("Marked as the same claim")
    match = page.locator("ol.claim-list > li").first.locator("li.match")
    expect(match.get_by_label("What the earlier check does")).to_have_value("refutes")
    match.get_by_label("Note for the reviewers").fill("Our March check found this false.")
    match.get_by_role("button", name=re.compile("^Cite as evidence")).click()
    expect(page.get_by_role("status")).to_contain_text("cited as evidence for the reviewers")

    page.get_by_label("Tick claim 1", exact=True).check()
    page.get_by_label(reviewer.display_name).check()
    page.get_by_role("button", name="Assign ticked claims").click()
    expect(page.get_by_role("status")).to_contain_text("assigned to Ana Reviewer")
    page.get_by_role("button", name="Sign out").click()

    sign_in(page, reviewer.email)
    page.get_by_role("link", name=re.compile("In October unemployment")).first.click()
    evidence = page.locator("#evidence li.evidence")
    expect(evidence).to_have_count(1)
    expect(evidence).to_contain_text("Unemployment fell to 3.5 percent in October.")
    expect(evidence).to_contain_text("Our March check found this false.")
    expect(evidence).to_have_class(re.compile("stance-refutes"))
