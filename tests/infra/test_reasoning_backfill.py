"""Migration 0019: existing decisions publish what they published before, now as the
editor's reasoning (the submitted rationales, in order); drafts never count."""

from __future__ import annotations

from sqlalchemy import text
from sqlmodel import select

from factcheck.extensions import db
from factcheck.infra.migrate import downgrade, upgrade
from factcheck.models import Claim, Decision, Review
from factcheck.states import ClaimStatus, ReviewStatus, Role
from factcheck.workflow.articles import import_article


def test_existing_decisions_keep_their_reasoning(app, make_user):
    reviewers = [make_user(Role.REVIEWER) for _ in range(3)]
    with app.app_context():
        article = import_article(db.session, title="Jobs", actor=None,
                                 body="Unemployment fell to 3.5 percent in October.")
        claim = db.session.exec(select(Claim).where(Claim.article_id == article.id)).one()
        claim.status = ClaimStatus.DECIDED
        for reviewer, rationale, status in (
                (reviewers[0], "Table 2 of the release.", ReviewStatus.SUBMITTED),
                (reviewers[1], "A draft nobody saw.", ReviewStatus.DRAFT),
                (reviewers[2], "The October release.", ReviewStatus.SUBMITTED)):
            db.session.add(Review(claim_id=claim.id, reviewer_id=reviewer.id,
                                  rationale=rationale, status=status))
        db.session.add(Decision(claim_id=claim.id, summary="Right.",
                                public_reasoning="to be dropped by the downgrade"))
        db.session.commit()
        claim_id = claim.id
    downgrade(app, "0018")
    try:
        upgrade(app)
        with db.engine_for(app).connect() as conn:
            reasoning = conn.execute(text(
                "SELECT public_reasoning FROM decisions WHERE claim_id = :c"),
                {"c": claim_id}).scalar()
    finally:
        upgrade(app)  # the shared test database stays at the latest schema
    assert reasoning == "Table 2 of the release.\n\nThe October release."
