"""The page models the decision and claim pages render (factcheck/queries/*_page.py)."""

from __future__ import annotations

import dataclasses

import pytest
from sqlmodel import select

from factcheck.extensions import db
from factcheck.models import Claim, User
from factcheck.queries.claim_page import claim_page, review_claim_page
from factcheck.queries.decision import decision_page
from factcheck.states import ClaimStatus, Confidence, Role
from factcheck.workflow.articles import import_article
from factcheck.workflow.assignments import assign_claims
from factcheck.workflow.evidence import add_evidence
from factcheck.workflow.reviews import decide_claim, save_review

from ..helpers import share_evidence

TEXT = "Unemployment fell to 3.5 percent in October, the lowest rate since 2019."


def _review(session, claim, reviewer, rating: str, evidence_ids: list[int]) -> None:
    save_review(session, claim=claim, reviewer=reviewer, rating_key=rating,
                rationale="Checked.", confidence=Confidence.HIGH, evidence_ids=evidence_ids,
                submit=True, expected_version=None)


def test_the_pages_follow_the_reviews_and_the_decision(app, make_user):
    share_evidence(app)  # the second reviewer cites the first one's source
    editor, first, second = (make_user(Role.EDITOR), make_user(Role.REVIEWER),
                             make_user(Role.REVIEWER))
    with app.app_context():
        session = db.session
        editor, first, second = (session.get(User, u.id) for u in (editor, first, second))
        article = import_article(session, title="Jobs", body=TEXT, actor=None)
        claim = session.exec(select(Claim).where(Claim.article_id == article.id)).first()
        claim.status = ClaimStatus.SELECTED
        session.flush()
        for reviewer in (first, second):
            assign_claims(session, claims=[claim], reviewer=reviewer, due_on=None, actor=editor)
        evidence = add_evidence(session, claim=claim, actor=first,
                                url="https://stats.example.org/", title="Table",
                                stance="supports")
        _review(session, claim, first, "true", [evidence.id])

        # Blind: the second reviewer sees no verdict before submitting their own.
        workspace = review_claim_page(session, claim, second)
        assert (workspace.assigned, workspace.review, workspace.reviews) == (True, None, ())
        assert [item.id for item, _author in workspace.evidence] == [evidence.id]
        _review(session, claim, second, "false", [evidence.id])
        workspace = review_claim_page(session, claim, second)
        assert workspace.own.review.reviewer_id == second.id and workspace.own.label.key == "false"
        assert workspace.own.cited == {evidence.id} and len(workspace.reviews) == 2
        assert not review_claim_page(session, claim, editor).assigned

        page = decision_page(session, claim, editor)
        assert page.article.id == article.id and len(page.reviews) == 2
        assert (page.agreement.kind, page.spread.n, page.decision) == ("split", 2, None)
        assert (page.decision_version, page.suggested_rating) == (0, "")
        assert len(page.assignments) == 2 and page.history and page.labels
        with pytest.raises(dataclasses.FrozenInstanceError):
            page.decision = None

        decide_claim(session, claim=claim, editor=editor, rating_key="false",
                     summary="Wrong.", expected_version=0)
        session.flush()
        page = decision_page(session, claim, editor)
        assert (page.decision_version, page.suggested_rating) == (1, "false")
        assert claim_page(session, claim).article.id == article.id
        session.rollback()
