"""Journey: a reader goes from a claim card on a verdict page to the claimant's page."""

from __future__ import annotations

import re

from playwright.sync_api import Browser, expect
from sqlmodel import select

from factcheck.extensions import db
from factcheck.models import Article, Claim, Decision, RatingLabel, User
from factcheck.states import ClaimStatus, Role
from factcheck.workflow.articles import import_article
from factcheck.workflow.publishing import publish_article

TEXT = ("The city will spend 4 million dollars on new bus lanes next year, Mayor Helen Okafor "
        "announced on Tuesday. Okafor said the lanes would cut commute times by 20 percent.")


def test_a_reader_follows_the_claimant_to_their_page_and_verdicts(browser: Browser,
                                                                    server_url, app,
                                                                    make_user):
    editor = make_user(Role.EDITOR)
    with app.app_context():
        s = db.session
        article = import_article(s, title="Bus lanes", body=TEXT, actor=None)
        claims = list(s.exec(select(Claim).where(Claim.article_id == article.id)
                             .order_by(Claim.start)).all())
        for claim, key in zip(claims, ("true", "false"), strict=True):
            label = s.exec(select(RatingLabel).where(RatingLabel.key == key)).first()
            claim.status = ClaimStatus.DECIDED
            s.add(Decision(claim_id=claim.id, editor_id=editor.id, rating_id=label.id,
                           summary=f"Our conclusion: {label.name}."))
        s.flush()
        publish_article(s, article=s.get(Article, article.id), editor=s.get(User, editor.id),
                        include_open=False)
        s.commit()
        slug = article.slug

    context = browser.new_context(base_url=server_url)
    reader = context.new_page()
    try:
        reader.goto(f"/checks/{slug}")
        card = reader.locator("#claim-2")
        expect(card).to_contain_text("Claimed by Helen Okafor")
        card.get_by_role("link", name="Helen Okafor").click()
        expect(reader).to_have_url(re.compile(r"/claimants/helen-okafor$"))
        expect(reader.get_by_role("heading", name="Helen Okafor", level=1)).to_be_visible()
        expect(reader.get_by_role("heading", name="2 checked claims")).to_be_visible()
        # The verdict distribution: the chart and its counts written out.
        expect(reader.locator("ul.chart")).to_contain_text("True")
        counts = reader.locator("ul.verdict-counts")
        expect(counts).to_contain_text("True: 1")
        expect(counts).to_contain_text("False: 1")
        # Each claim leads back to its card on the verdict page.
        reader.get_by_role("listitem").filter(has_text="commute times").get_by_role(
            "link").click()
        expect(reader).to_have_url(re.compile(r"#claim-2$"))
        expect(reader.locator("#claim-2")).to_be_in_viewport()
    finally:
        context.close()
