"""Journey: "write, then cite". A reviewer's verdict survives adding evidence, a reload of
the page, and a save from another window (409), and nothing they typed is lost."""

from __future__ import annotations

from playwright.sync_api import Browser, expect
from sqlmodel import select

from factcheck.extensions import db
from factcheck.models import Claim, User
from factcheck.states import ClaimStatus, Role
from factcheck.workflow.articles import import_article
from factcheck.workflow.assignments import assign_claims

from ..helpers import PASSWORD
from .conftest import TIMEOUT_MS

TEXT = "Unemployment fell to 3.5 percent in October, the lowest rate since 2019."
RATIONALE = "The statistics office's October report gives 3.5 percent; the claim is right."


def test_the_verdict_survives_evidence_a_reload_and_a_conflict(browser: Browser, server_url,
                                                               app, make_user):
    reviewer = make_user(Role.REVIEWER, name="Rui First")
    editor = make_user(Role.EDITOR)
    with app.app_context():
        article = import_article(db.session, title="Jobs", body=TEXT, actor=None)
        claim = db.session.exec(select(Claim).where(Claim.article_id == article.id)).one()
        claim.status = ClaimStatus.SELECTED
        assign_claims(db.session, claims=[claim], reviewer=db.session.get(User, reviewer.id),
                      due_on=None, actor=db.session.get(User, editor.id))
        db.session.commit()
        claim_id = claim.id
    context = browser.new_context(base_url=server_url)
    context.set_default_timeout(TIMEOUT_MS)
    try:
        page = context.new_page()
        page.goto("/login")
        page.get_by_label("Email", exact=True).fill(reviewer.email)
        page.get_by_label("Password", exact=True).fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.goto(f"/review/claims/{claim_id}")

        # Write first: a rating and a rationale...
        page.get_by_label("Rating").select_option(label="True")
        page.get_by_label("Rationale").fill(RATIONALE)
        # ...then cite: add the source the rationale talks about.
        page.get_by_text("Add evidence", exact=True).first.click()
        page.get_by_label("Source address").fill("https://stats.example.org/october")
        page.get_by_label("Title", exact=True).fill("October labour report")
        page.get_by_label("What the source does").select_option("supports")
        page.get_by_role("button", name="Add evidence").click()
        expect(page.get_by_role("status")).to_contain_text("Evidence added.")
        expect(page.get_by_label("Rationale")).to_have_value(RATIONALE)
        expect(page.get_by_label("Rating")).to_have_value("true")
        expect(page.get_by_label("October labour report")).to_be_checked()  # cited already

        # A reload shows the same: the draft is kept on the server.
        page.reload()
        expect(page.get_by_label("Rationale")).to_have_value(RATIONALE)
        expect(page.get_by_label("October labour report")).to_be_checked()

        # Another window saves the draft meanwhile...
        other = context.new_page()
        other.goto(f"/review/claims/{claim_id}")
        other.get_by_label("Rationale").fill("Written in the other window.")
        other.get_by_role("button", name="Save draft").click()
        expect(other.get_by_role("status")).to_contain_text("Draft saved.")
        # ...so this window's next save is refused (409), and its text stays in the form.
        addition = " The seasonally adjusted rate agrees."
        page.get_by_label("Rationale").fill(RATIONALE + addition)
        with page.expect_response(lambda r: r.request.method == "POST") as answer:
            page.get_by_role("button", name="Save draft").click()
        assert answer.value.status == 409
        expect(page.get_by_role("alert")).to_contain_text("changed in another window")
        expect(page.get_by_label("Rationale")).to_have_value(RATIONALE + addition)
        # Saving again, knowingly, keeps this window's text.
        page.get_by_role("button", name="Save draft").click()
        expect(page.get_by_role("status")).to_contain_text("Draft saved.")
        page.reload()
        expect(page.get_by_label("Rationale")).to_have_value(RATIONALE + addition)
    finally:
        context.close()
