"""Journey: a reviewer submits a verdict, reads it back, and goes on to the next claim in
one click."""

from __future__ import annotations

from playwright.sync_api import Browser, expect
from sqlmodel import select

from factcheck.extensions import db
from factcheck.models import Claim, User
from factcheck.states import ClaimStatus, Role
from factcheck.workflow.articles import import_article
from factcheck.workflow.assignments import assign_claims

from .conftest import TIMEOUT_MS, sign_in

TEXT = ("Unemployment fell to 3.5 percent in October, the lowest rate since 2019. "
        "The council approved a budget of $4.2 million on Tuesday.")


def _two_claims_assigned(app, make_user, name: str) -> tuple[User, int, int]:
    """A reviewer with the article's two claims assigned; their ids in text order."""
    reviewer = make_user(Role.REVIEWER, name=name)
    editor = make_user(Role.EDITOR)
    with app.app_context():
        article = import_article(db.session, title="Jobs", body=TEXT, actor=None)
        claims = db.session.exec(select(Claim).where(Claim.article_id == article.id)
                                 .order_by(Claim.start)).all()
        for claim in claims:
            claim.status = ClaimStatus.SELECTED
        assign_claims(db.session, claims=claims, reviewer=db.session.get(User, reviewer.id),
                      due_on=None, actor=db.session.get(User, editor.id))
        db.session.commit()
        return reviewer, claims[0].id, claims[1].id


def test_after_submitting_the_next_claim_is_one_click_away(browser: Browser, server_url, app,
                                                          make_user):
    reviewer, first, second = _two_claims_assigned(app, make_user, "Rui First")
    context = browser.new_context(base_url=server_url)
    context.set_default_timeout(TIMEOUT_MS)
    try:
        page = context.new_page()
        sign_in(page, reviewer.email)
        page.goto(f"/review/claims/{first}")
        page.get_by_label("Rating").select_option(label="True")
        page.get_by_label("Rationale").fill("The October report says **3.5** percent.")
        page.get_by_text("Add evidence", exact=True).first.click()
        page.get_by_label("Source address").fill("https://stats.example.org/october")
        page.get_by_label("Title", exact=True).fill("October labour report")
        page.get_by_role("button", name="Submit verdict").click()
        expect(page.get_by_role("status")).to_contain_text("Review submitted.")
        # The submitted verdict stays readable: rating, rationale, the source it cites.
        mine = page.locator("#my-review")
        expect(mine).to_contain_text("True")
        expect(mine.locator("strong")).to_have_text("3.5")
        expect(mine).to_contain_text("October labour report")
        mine.get_by_role("link", name="Next claim:").click()
        expect(page).to_have_url(f"{server_url}/review/claims/{second}")
        expect(page.locator("blockquote.claim-text")).to_contain_text("budget of $4.2 million")
    finally:
        context.close()


def test_j_and_k_move_through_my_queue_and_never_drop_typed_text(browser: Browser, server_url,
                                                                 app, make_user):
    reviewer, first, second = _two_claims_assigned(app, make_user, "Kim Keys")
    context = browser.new_context(base_url=server_url)
    context.set_default_timeout(TIMEOUT_MS)
    try:
        page = context.new_page()
        sign_in(page, reviewer.email)
        page.goto(f"/review/claims/{first}")
        steps = page.get_by_role("navigation", name="Claims in my queue")
        expect(steps.get_by_role("link", name="Next claim")).to_be_visible()
        # Each press waits for the next page to load (its shortcuts with it).
        with page.expect_navigation(url=f"{server_url}/review/claims/{second}"):
            page.keyboard.press("j")
        with page.expect_navigation(url=f"{server_url}/review/claims/{first}"):
            page.keyboard.press("k")
        # Typing in a field is typing, not a shortcut.
        rationale = page.get_by_label("Rationale")
        rationale.fill("")
        rationale.press_sequentially("jk")
        expect(page).to_have_url(f"{server_url}/review/claims/{first}")
        # Unsaved text outside the field: the shortcut asks first, and "Cancel" stays.
        page.locator("h1").click()
        asked: list[str] = []

        def dismiss(dialog) -> None:
            asked.append(dialog.message)
            dialog.dismiss()

        page.once("dialog", dismiss)
        page.keyboard.press("j")
        expect(page.get_by_label("Rationale")).to_have_value("jk")
        assert asked == ["What you typed on this page is not saved yet. Leave it anyway?"]
        assert page.url == f"{server_url}/review/claims/{first}"
        # The links alone do the same, with the keyboard: Tab to "Next claim", Enter.
        steps.get_by_role("link", name="Next claim").focus()
        page.once("dialog", lambda dialog: dialog.accept())
        page.keyboard.press("Enter")
        expect(page).to_have_url(f"{server_url}/review/claims/{second}")
    finally:
        context.close()
