"""A double click on a form's button does the work once, in a real browser (issue 12)."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect
from sqlmodel import func, select

from factcheck.extensions import db
from factcheck.models import Article
from factcheck.states import Role

from .conftest import sign_in

TEXT = "Unemployment fell to 3.5 percent in October. The council approved a budget."


def test_a_double_clicked_import_creates_one_article(page: Page, app, make_user):
    editor = make_user(Role.EDITOR)
    sign_in(page, editor.email)
    page.goto("/editor/articles/new")
    page.get_by_label("Paste the article text").fill(TEXT)
    page.get_by_label("Title", exact=True).fill("Jobs report")
    posts: list[str] = []
    page.on("request", lambda request: posts.append(request.url)
            if request.method == "POST" else None)

    # Two clicks 30 ms apart, as an impatient person gives them: the second one reaches the
    # button before the first answer replaces the page. (Playwright's dblclick() is one
    # gesture, which Chromium submits once.)
    button = page.get_by_role("button", name="Import and find claims")
    button.evaluate("button => { button.click(); setTimeout(() => button.click(), 30); }")

    expect(page).to_have_url(re.compile(r"/editor/articles/\d+$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Jobs report")
    assert len(posts) == 2, posts  # the browser really sent the form twice
    with app.app_context():
        assert db.session.exec(select(func.count()).select_from(Article)).one() == 1
