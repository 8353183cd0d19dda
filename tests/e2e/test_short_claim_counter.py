"""Journey: an editor shortens a claim's summary, watching its live character count, and
the verdict page's heading and ClaimReview show those words; demands stand out on the board."""

from __future__ import annotations

import json
import re

from playwright.sync_api import Page, expect
from sqlmodel import select

from factcheck.extensions import db
from factcheck.models import Claim
from factcheck.states import Role
from factcheck.workflow.articles import import_article

from .conftest import decided_article, sign_in

TEXT = ("The ministry said that unemployment fell to 3.5 percent in October, the lowest rate "
        "since 2019, warning that the figures could be revised. "
        "The leaders demanded the immediate reversal of the bans on girls' education.")


def test_the_count_follows_typing_and_the_summary_is_saved(page: Page, app, make_user):
    editor = make_user(Role.EDITOR)
    with app.app_context():
        article = import_article(db.session, title="Jobs", body=TEXT, actor=None)
        db.session.commit()
        first, demand = db.session.exec(select(Claim.id).where(
            Claim.article_id == article.id).order_by(Claim.position)).all()
        article_id = article.id
    sign_in(page, editor.email)

    page.goto(f"/editor/articles/{article_id}")
    card = page.locator(f"#claim-{demand}")
    expect(card.locator(".badge.kind-demand")).to_have_text("Demand")
    expect(card).to_contain_text("nothing in it is true or false")

    page.goto(f"/editor/claims/{first}")
    field = page.get_by_label("Short claim")
    counter = page.locator("#short_claim-count")
    expect(counter).to_have_text("71 characters (aim: 75 or fewer; limit: 140)")
    field.fill("Unemployment fell to 3.5 percent in October, the lowest rate since 2019, "
               "the ministry says")
    expect(counter).to_have_text(re.compile(r"^90 characters: longer than the 75"))
    expect(counter).to_have_class(re.compile(r"over-aim"))
    field.fill("x" * 200)  # the browser keeps the hard limit
    expect(counter).to_have_text(re.compile(r"^140 characters"))
    field.fill("Jobless rate fell to 3.5% in October")
    expect(counter).to_have_text("36 characters (aim: 75 or fewer; limit: 140)")
    expect(counter).not_to_have_class(re.compile(r"over-aim"))
    page.get_by_role("button", name="Save claim").click()
    expect(page.get_by_role("status")).to_contain_text("Claim saved.")
    with app.app_context():
        assert db.session.get(Claim, first).short_claim == "Jobless rate fell to 3.5% in October"


def test_the_verdict_page_heading_is_the_claimreviewed(page: Page, app, make_user):
    editor = make_user(Role.EDITOR)
    _id, slug = decided_article(app, editor, title="Jobs", body=TEXT, publish=True)
    page.goto(f"/checks/{slug}")
    heading = page.locator("#claim-1 h3 .short-claim")
    expect(heading).to_have_text(
        "Unemployment fell to 3.5 percent in October, the lowest rate since 2019")
    markup = json.loads(page.locator("script[type='application/ld+json']").text_content())
    assert markup[0]["claimReviewed"] == heading.text_content()
