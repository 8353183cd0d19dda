"""Journey (issue 13): the editor assigns a claim; each reviewer sees the unread badge,
follows the notification to the claim and submits; the editor is told "ready for decision"
and follows that to the decision page."""

from __future__ import annotations

import re
from importlib import resources

from playwright.sync_api import Browser, Page, expect
from sqlmodel import col, select

from factcheck.extensions import db
from factcheck.models import Claim
from factcheck.states import ClaimStatus, Role
from factcheck.workflow.articles import import_article

from .conftest import TIMEOUT_MS, sign_in

SAMPLE = resources.files("factcheck.data").joinpath("national-consensus.txt").read_text()
DUE = "2031-03-14"


def _person(browser: Browser, server_url: str, email: str) -> Page:
    """A browser of its own (own cookies), signed in as `email`."""
    context = browser.new_context(base_url=server_url)
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    sign_in(page, email)
    expect(page.get_by_role("button", name=re.compile("Sign out"))).to_be_visible()
    return page


def _badge(page: Page):
    return page.locator("nav a[href='/notifications'] .count-badge")


def _follow(page: Page, sentence: str | re.Pattern) -> None:
    """From the unread badge to the inbox, then through the notification saying `sentence`."""
    expect(_badge(page)).to_have_text("1")
    expect(page.get_by_role("link", name="Notifications (1 unread)")).to_be_visible()
    page.get_by_role("link", name=re.compile(r"^Notifications")).click()
    expect(page).to_have_url(re.compile(r"/notifications$"))
    item = page.locator(".notification.unread")
    expect(item).to_have_count(1)
    expect(item).to_contain_text("Unread")
    item.get_by_role("button", name=sentence).click()


def _review(page: Page, claim_id: int, claim_text: str, rating: str, *,
            add_evidence: bool) -> None:
    _follow(page, re.compile(r"^Eda Editor assigned you the claim .* due 2031-03-14\.$"))
    expect(page).to_have_url(re.compile(rf"/review/claims/{claim_id}$"))
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    expect(page.locator("main")).to_contain_text(claim_text[:40])
    expect(_badge(page)).to_have_count(0)  # opened, so read
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


def test_notifications_lead_each_person_to_their_next_step(browser, server_url, app,
                                                           make_user):
    editor = make_user(Role.EDITOR, name="Eda Editor")
    first = make_user(Role.REVIEWER, name="Rui First")
    second = make_user(Role.REVIEWER, name="Sam Second")
    with app.app_context():
        article = import_article(db.session, title="National Consensus", body=SAMPLE,
                                 actor=editor)
        claim = db.session.exec(select(Claim).where(  # the third sentence's claim
            Claim.article_id == article.id, col(Claim.parent_id).is_(None))
            .order_by(Claim.position)).all()[2]
        claim.status = ClaimStatus.SELECTED
        db.session.commit()
        article_id, claim_id, claim_text = article.id, claim.id, claim.text

    desk = _person(browser, server_url, editor.email)
    expect(_badge(desk)).to_have_count(0)
    desk.goto(f"/editor/articles/{article_id}")
    desk.locator(f"#pick-{claim_id}").check()
    desk.get_by_label("Rui First").check()
    desk.get_by_label("Sam Second").check()
    desk.get_by_label("Due date").fill(DUE)
    desk.get_by_role("button", name="Assign ticked claims").click()
    expect(desk.get_by_role("status")).to_contain_text(
        "1 claim assigned to Rui First, Sam Second.")

    _review(_person(browser, server_url, first.email), claim_id, claim_text, "True",
            add_evidence=True)
    desk.reload()  # one review of the two required: nothing to decide yet
    expect(_badge(desk)).to_have_count(0)
    _review(_person(browser, server_url, second.email), claim_id, claim_text, "Mostly true",
            add_evidence=True)

    desk.goto("/")
    _follow(desk, re.compile(r"^The claim .* has its reviews and is ready for decision\.$"))
    expect(desk).to_have_url(re.compile(rf"/editor/claims/{claim_id}/decide$"))
    expect(desk.get_by_label("Final rating")).to_be_visible()
    expect(desk.locator("main")).to_contain_text("Rui First")
    expect(desk.locator("main")).to_contain_text("Sam Second")
    expect(_badge(desk)).to_have_count(0)
    desk.goto("/notifications")
    expect(desk.locator(".notification.unread")).to_have_count(0)
    expect(desk.locator(".notification")).to_contain_text("ready for decision")
