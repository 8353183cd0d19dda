"""Journey: two reviewers and an editor take selected claims from assignment to decision."""

from __future__ import annotations

import json
import re
from importlib import resources

from playwright.sync_api import Browser, Page, expect
from sqlmodel import col, select

from factcheck.extensions import db
from factcheck.models import Article, Claim
from factcheck.states import ClaimStatus, Role
from factcheck.workflow.articles import import_article

from ..helpers import PASSWORD

SAMPLE = resources.files("factcheck.data").joinpath("national-consensus.txt").read_text()


def _signed_in(browser: Browser, server_url: str, email: str) -> Page:
    context = browser.new_context(base_url=server_url)
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.goto("/login")
    page.get_by_label("Email", exact=True).fill(email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name=re.compile("Sign out"))).to_be_visible()
    return page


def _review(page: Page, claim_text: str, rating: str, *, add_evidence: bool) -> None:
    page.goto("/review/")
    page.get_by_role("link", name=claim_text[:40], exact=False).click()
    if add_evidence:
        page.get_by_text("Add evidence", exact=True).first.click()
        page.get_by_label("Source address").fill("https://www.un.org/press/statement")
        page.get_by_label("Title", exact=True).fill("UN press statement")
        page.get_by_label("Quote or excerpt").fill("The meeting was held online on Tuesday.")
        page.get_by_label("What the source does").select_option("supports")
        page.get_by_role("button", name="Add evidence").click()
        expect(page.get_by_role("status")).to_contain_text("Evidence added.")
    page.get_by_label("Rating").select_option(label=rating)
    page.get_by_label("Rationale").fill(f"The UN statement confirms it ({rating}).")
    page.get_by_label("UN press statement").check()
    page.get_by_role("button", name="Submit verdict").click()
    expect(page.get_by_role("status")).to_contain_text("Review submitted.")


def test_assignment_to_decision_through_the_forms(browser, server_url, app, make_user):
    editor = make_user(Role.EDITOR, name="Eda Editor")
    first = make_user(Role.REVIEWER, name="Rui First")
    second = make_user(Role.REVIEWER, name="Sam Second")
    with app.app_context():
        article = import_article(db.session, title="National Consensus", body=SAMPLE,
                                 actor=None)
        claim = db.session.exec(select(Claim).where(  # the third sentence's claim
            Claim.article_id == article.id, col(Claim.parent_id).is_(None))
            .order_by(Claim.position)).all()[2]
        assert claim.status == ClaimStatus.CANDIDATE  # selected and assigned in one step
        db.session.commit()
        article_id, claim_id, claim_text = article.id, claim.id, claim.text

    desk = _signed_in(browser, server_url, editor.email)
    desk.goto(f"/editor/articles/{article_id}")
    # Select and assign in one step: a candidate, both reviewers, one click.
    desk.locator(f"#pick-{claim_id}").check()
    desk.get_by_label("Rui First").check()
    desk.get_by_label("Sam Second").check()
    desk.get_by_role("button", name="Assign ticked claims").click()
    expect(desk.get_by_role("status")).to_contain_text(
        "1 claim assigned to Rui First, Sam Second.")
    # The form keeps its choices for the next claims.
    expect(desk.get_by_label("Rui First")).to_be_checked()
    expect(desk.locator(f"#pick-{claim_id}")).to_be_checked()

    _review(_signed_in(browser, server_url, first.email), claim_text, "True",
            add_evidence=True)
    second_page = _signed_in(browser, server_url, second.email)
    _review(second_page, claim_text, "Mostly true", add_evidence=True)  # their own source
    expect(second_page.locator("#reviews")).to_contain_text("Rui First")  # unblinded now

    desk.goto(f"/editor/articles/{article_id}")
    desk.locator(f"#claim-{claim_id}").get_by_role("link", name=re.compile(
        "Compare verdicts")).click()
    expect(desk.get_by_text("Split")).to_be_visible()
    desk.get_by_label("Final rating").select_option(label="True")
    desk.get_by_label("Conclusion for readers").fill("The UN confirms the online meeting.")
    desk.get_by_role("button", name="Save decision").click()
    expect(desk.get_by_role("status")).to_contain_text("Decision saved.")
    expect(desk.locator(f"#claim-{claim_id} .badge").first).to_have_text("Decided")
    # The editor publishes (after the preview); a reader sees the verdict and the markup.
    desk.get_by_role("button", name="Preview and publish").click()
    desk.get_by_role("button", name="Publish the check").click()
    expect(desk.get_by_role("status")).to_contain_text("Published.")
    with app.app_context():
        slug = db.session.get(Article, article_id).slug
    reader = browser.new_context(base_url=server_url).new_page()
    reader.goto(f"/checks/{slug}")
    expect(reader.get_by_role("heading", name="1 claim checked")).to_be_visible()
    card = reader.locator("#claim-1")
    expect(card).to_contain_text("The UN confirms the online meeting.")
    expect(card).to_contain_text("UN press statement")
    markup = json.loads(reader.locator('script[type="application/ld+json"]').inner_text())
    [review] = markup
    assert review["reviewRating"]["alternateName"] == "True"
    assert review["url"].endswith("#claim-1") and len(review["claimReviewed"]) <= 75
    reader.context.close()
