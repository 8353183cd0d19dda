"""Queues that say what to do next: the editor's "needs attention" page and its count in
the navigation."""

from __future__ import annotations

import re
from datetime import timedelta

from factcheck.dbtypes import utcnow
from factcheck.extensions import db
from factcheck.models import Article, Claim
from factcheck.states import ClaimStatus
from factcheck.workflow.reports import submit_report

from ..helpers import count_queries, post_form
from .test_review import _add_evidence, _assign, _review, desk  # noqa: F401 (a fixture)


def _badge(html: str) -> int | None:
    match = re.search(r'href="/editor/attention">[^<]*<span class="count-badge"[^>]*>(\d+)<',
                      html)
    return int(match.group(1)) if match else None


def test_what_waits_for_an_editor_is_listed_and_counted(desk):  # noqa: F811
    ready, sent_back = desk.claims[0], desk.claims[1]
    assert _badge(desk.editor.get("/editor/").get_data(as_text=True)) is None  # nothing yet
    for claim_id in (ready, sent_back):
        _assign(desk, "first", [claim_id])
        _assign(desk, "second", [claim_id])
        assert _add_evidence(desk.first, claim_id).status_code == 302
        for client in (desk.first, desk.second):
            assert _review(client, claim_id).status_code == 302
    assert post_form(desk.editor, f"/editor/claims/{sent_back}/send-back",
                     {"note": "Check the seasonal adjustment."}).status_code == 302
    yesterday = (utcnow().date() - timedelta(days=1)).isoformat()
    with desk.app.app_context():  # a third claim, assigned with yesterday as its due date
        late = Claim(article_id=desk.article_id, start=0, end=5, text="Late claim.",
                     status=ClaimStatus.SELECTED, position=9)
        db.session.add(late)
        db.session.commit()
        overdue = late.id
        submit_report(db.session, article=db.session.get(Article, desk.article_id),
                      claim_id=ready, message="The rate was 3.6%, not 3.5%.", contact="",
                      address="192.0.2.1")
        db.session.commit()
    _assign(desk, "first", [overdue], due=yesterday)

    page = desk.editor.get("/editor/attention").get_data(as_text=True)
    assert "1 claim ready to decide" in page and f"/editor/claims/{ready}/decide" in page
    assert "1 review overdue" in page and "Late claim." in page and "Rui First" in page
    assert "1 claim sent back to its reviewers" in page
    assert f"/editor/claims/{sent_back}/decide" in page
    assert "1 new reader report" in page and "The rate was 3.6%" in page
    # Ready + overdue + new report: the number in every editor's navigation.
    assert _badge(desk.editor.get("/editor/").get_data(as_text=True)) == 3
    assert "/editor/attention" not in desk.first.get("/review/").get_data(as_text=True)
    assert desk.first.get("/editor/attention").status_code == 403


def test_the_badge_costs_the_same_whatever_waits(desk):  # noqa: F811
    with count_queries(desk.app) as empty:
        desk.editor.get("/editor/")
    _assign(desk, "first", desk.claims, due="2020-01-01")
    with count_queries(desk.app) as busy:
        desk.editor.get("/editor/")
    assert len(busy) == len(empty)


def test_claims_an_editor_may_not_decide_are_not_counted_for_them(desk):  # noqa: F811
    claim_id = desk.claims[0]
    _assign(desk, "first", [claim_id])
    _assign(desk, "second", [claim_id])
    assert _add_evidence(desk.first, claim_id).status_code == 302
    for client in (desk.first, desk.second):
        assert _review(client, claim_id).status_code == 302
    other = desk.client("editor2")
    assert _badge(other.get("/editor/").get_data(as_text=True)) == 1
    # Recused from the article: the claim is neither counted nor listed for them...
    assert post_form(other, f"/review/claims/{claim_id}/conflict",
                     {"whole_article": "y", "reason": "My sister wrote it."}).status_code == 302
    assert _badge(other.get("/editor/").get_data(as_text=True)) is None
    page = other.get("/editor/attention").get_data(as_text=True)
    assert "1 claim ready to decide" not in page
    assert f"/editor/claims/{claim_id}/decide" not in page
    # ...while the editor who may decide it still sees it.
    assert _badge(desk.editor.get("/editor/").get_data(as_text=True)) == 1
