"""Issue 17, in Chromium: a reviewer adds a source served by a real local web server, sees
it preserved once the capture job has run (run here by the test as a worker would, on the
app's real queue) and opens the copy; the editor decides and publishes; a reader without an
account sees "preserved copy, <date>" on the verdict page and opens the public copy, the
quote marked."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlmodel import select

from factcheck.extensions import db
from factcheck.models import Article, Claim, Evidence, User
from factcheck.states import ClaimStatus, Confidence, Role
from factcheck.workflow.articles import import_article
from factcheck.workflow.assignments import assign_claims
from factcheck.workflow.reviews import save_review

from ..helpers import run_jobs, share_evidence
from ..web.test_evidence_capture import Site
from .conftest import TIMEOUT_MS, sign_in

TEXT = "Unemployment fell to 3.5 percent in October, the lowest rate since 2019."
QUOTE = "The unemployment rate was 3.5% in October"
DATE = re.compile(r"preserved copy, \w{3} \d{1,2}, \d{4}")


@pytest.fixture
def app(make_app):
    return make_app(URL_IMPORT_ALLOW_LOOPBACK=True)


@pytest.fixture
def site():
    served = Site()
    yield served
    served.close()


def _person(browser: Browser, server_url: str, email: str | None = None) -> Page:
    context = browser.new_context(base_url=server_url)
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    if email:
        sign_in(page, email)
        expect(page.get_by_role("button", name=re.compile("Sign out"))).to_be_visible()
    return page


def test_a_source_preserved_on_the_desk_is_opened_by_a_reader(browser, server_url, app, site,
                                                              make_user):
    editor = make_user(Role.EDITOR, name="Eda Editor")
    first = make_user(Role.REVIEWER, name="Rui First")
    second = make_user(Role.REVIEWER, name="Sam Second")
    share_evidence(app)  # the second reviewer cites the first one's source
    with app.app_context():
        article = import_article(db.session, title="Jobs", body=TEXT, actor=None)
        claim = db.session.exec(select(Claim).where(Claim.article_id == article.id)).one()
        claim.status = ClaimStatus.SELECTED
        assign_claims(db.session, claims=[claim], actor=db.session.get(User, editor.id),
                      reviewer=db.session.get(User, first.id), due_on=None)
        assign_claims(db.session, claims=[claim], actor=db.session.get(User, editor.id),
                      reviewer=db.session.get(User, second.id), due_on=None)
        db.session.commit()
        article_id, claim_id, slug = article.id, claim.id, article.slug

    # The reviewer adds the source; its page is preserved in the background.
    reviewer = _person(browser, server_url, first.email)
    reviewer.goto(f"/review/claims/{claim_id}")
    reviewer.get_by_text("Add evidence", exact=True).first.click()
    reviewer.get_by_label("Source address").fill(site.url("/article"))
    reviewer.get_by_label("Title", exact=True).fill("October labour report")
    reviewer.get_by_label("Quote or excerpt").fill(QUOTE)
    reviewer.get_by_label("What the source does").select_option("supports")
    reviewer.get_by_role("button", name="Add evidence").click()
    expect(reviewer.get_by_role("status")).to_contain_text("Evidence added.")
    expect(reviewer.locator(".preservation")).to_contain_text("Capture pending")
    assert site.requests == []  # not fetched in the request
    assert run_jobs(app) == 1  # the worker
    reviewer.reload()
    expect(reviewer.locator(".preservation")).to_contain_text("Preserved")
    reviewer.get_by_role("link", name=re.compile("Open the preserved copy")).click()
    expect(reviewer.get_by_role("heading", name="Preserved copies")).to_be_visible()
    expect(reviewer.locator("mark")).to_have_text(QUOTE)

    # Both verdicts cite it (the second through the workflow), the editor decides and
    # publishes through the forms.
    reviewer.goto(f"/review/claims/{claim_id}")
    reviewer.get_by_label("Rating").select_option(label="True")
    reviewer.get_by_label("Rationale").fill("The office's report says 3.5%.")
    reviewer.get_by_role("button", name="Submit verdict").click()
    expect(reviewer.get_by_role("status")).to_contain_text("Review submitted.")
    with app.app_context():
        evidence = db.session.exec(select(Evidence)).one()
        save_review(db.session, claim=db.session.get(Claim, claim_id),
                    reviewer=db.session.get(User, second.id), rating_key="true",
                    rationale="Confirmed.", confidence=Confidence.HIGH,
                    evidence_ids=[evidence.id], submit=True, expected_version=None)
        db.session.commit()
        evidence_id = evidence.id
    desk = _person(browser, server_url, editor.email)
    desk.goto(f"/editor/claims/{claim_id}/decide")
    expect(desk.locator(f"#evidence-{evidence_id}")).to_contain_text(
        "Readers can open the preserved copy from the verdict page.")
    desk.get_by_label("Final rating").select_option(label="True")
    desk.get_by_label("Conclusion for readers").fill("The statistics office confirms it.")
    desk.get_by_role("button", name="Save decision").click()
    expect(desk.get_by_role("status")).to_contain_text("Decision saved.")
    desk.goto(f"/editor/articles/{article_id}")
    desk.get_by_role("button", name="Preview and publish").click()
    desk.get_by_role("button", name="Publish the check").click()
    expect(desk.get_by_role("status")).to_contain_text("Published.")
    with app.app_context():
        assert db.session.get(Article, article_id).slug == slug

    # A reader, with no account, sees the copy's date and opens it.
    reader = _person(browser, server_url)
    reader.goto(f"/checks/{slug}")
    copy_link = reader.locator("#claim-1").get_by_role("link", name=DATE)
    expect(copy_link).to_be_visible()
    copy_link.click()
    expect(reader).to_have_url(re.compile(rf"/checks/{slug}/claims/1/sources/1$"))
    expect(reader.get_by_role("heading", level=1)).to_have_text("October labour report")
    expect(reader.locator("mark")).to_have_text(QUOTE)
    expect(reader.locator(".copy-facts")).to_contain_text(site.url("/article"))
    assert site.requests == ["/article"]  # only the capture ever fetched the page
    for page in (reviewer, desk, reader):
        page.context.close()
