"""Journey: the editor publishes, a reader opens the page and follows a highlight."""

from __future__ import annotations

import re

from playwright.sync_api import Browser, expect

from factcheck.states import Role

from ..helpers import PASSWORD
from .conftest import decided_article

TEXT = ("Unemployment fell to 3.5 percent in October, the lowest rate since 2019.\n"
        "The council approved a budget of $4.2 million on Tuesday.")


def test_editor_publishes_and_a_reader_follows_a_highlight(browser: Browser, server_url, app,
                                                             make_user):
    editor = make_user(Role.EDITOR)
    article_id, slug = decided_article(app, editor, title="Jobs and budget", body=TEXT)

    desk = browser.new_context(base_url=server_url).new_page()
    desk.goto("/login")
    desk.get_by_label("Email", exact=True).fill(editor.email)
    desk.get_by_label("Password", exact=True).fill(PASSWORD)
    desk.get_by_role("button", name="Sign in").click()
    desk.goto(f"/editor/articles/{article_id}")
    desk.get_by_role("button", name="Preview and publish").click()
    # The preview says what goes public, and nothing is public yet.
    expect(desk.get_by_role("heading", level=1)).to_have_text("Publish the check?")
    expect(desk.get_by_role("heading", name="2 claims go public with their verdicts")
           ).to_be_visible()
    expect(desk.get_by_role("table")).to_contain_text("Close to the official data.")
    assert desk.request.get(f"/checks/{slug}").status == 404
    desk.get_by_role("button", name="Publish the check").click()
    expect(desk.get_by_role("status")).to_contain_text("Published.")
    desk.context.close()

    reader_context = browser.new_context(base_url=server_url, viewport={"width": 360,
                                                                         "height": 740})
    reader = reader_context.new_page()
    reader.goto(f"/checks/{slug}")
    expect(reader.get_by_role("heading", name="Jobs and budget", level=1)).to_be_visible()
    expect(reader.get_by_role("heading", name="2 claims checked")).to_be_visible()
    highlight = reader.locator("a.claim-mark").nth(1)
    expect(highlight).to_contain_text("Mostly true")
    highlight.click()
    expect(reader).to_have_url(re.compile(r"#claim-2$"))
    card = reader.locator("#claim-2")
    expect(card).to_be_in_viewport()
    expect(card).to_contain_text("Close to the official data.")
    reader_context.close()
