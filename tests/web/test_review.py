"""The review workflow through the web forms: assignment, evidence, blind verdicts, decision."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
from flask.testing import FlaskClient
from sqlmodel import select

from factcheck.extensions import db
from factcheck.models import (
    Assignment,
    AuditEvent,
    Claim,
    Comment,
    ConflictDeclaration,
    Decision,
    Evidence,
    EvidenceVersion,
    Review,
    User,
)
from factcheck.states import ClaimStatus, ReviewStatus, Role
from factcheck.workflow.articles import import_article
from factcheck.workflow.settings import set_setting

from ..helpers import EVIDENCE, csrf_token, login, post_form, share_evidence
from ..helpers import add_evidence_form as _add_evidence
from ..helpers import review_form as _review
from ..helpers import rows as _get

TEXT = ("Unemployment fell to 3.5 percent in October, the lowest rate since 2019. "
        "The city council approved a budget of $4.2 million on Tuesday.")


@dataclass
class Desk:
    app: object
    editor: FlaskClient
    first: FlaskClient
    second: FlaskClient
    users: dict[str, User]
    claims: list[int]
    article_id: int

    def client(self, name: str) -> FlaskClient:
        """A signed-in client for a user made on the fly."""
        client = self.app.test_client()
        login(client, self.users[name].email)
        return client


@pytest.fixture
def desk(app, make_user) -> Desk:
    users = {"editor": make_user(Role.EDITOR, name="Eda Editor"),
             "first": make_user(Role.REVIEWER, name="Rui First"),
             "second": make_user(Role.REVIEWER, name="Sam Second"),
             "outsider": make_user(Role.REVIEWER, name="Out Sider"),
             "editor2": make_user(Role.EDITOR, name="Ed Two")}
    with app.app_context():
        article = import_article(db.session, title="Jobs", body=TEXT, actor=None)
        claims = db.session.exec(select(Claim).where(Claim.article_id == article.id)
                                 .order_by(Claim.position)).all()
        for claim in claims:
            claim.status = ClaimStatus.SELECTED
        db.session.commit()
        ids, article_id = [c.id for c in claims], article.id
    share_evidence(app)  # these reviewers cite each other's sources
    clients = {}
    for name in ("editor", "first", "second"):
        clients[name] = app.test_client()
        assert login(clients[name], users[name].email).status_code == 302
    return Desk(app, clients["editor"], clients["first"], clients["second"], users, ids,
                article_id)


def _claim(app, claim_id: int) -> Claim:
    return _get(app, Claim, id=claim_id)[0]


def _assign(desk: Desk, reviewer: str, claims: list[int] | None = None, due: str = ""):
    board = f"/editor/articles/{desk.article_id}"
    token = csrf_token(desk.editor.get(board).get_data(as_text=True))
    return desk.editor.post(f"{board}/assign", data={
        "csrf_token": token, "reviewer": desk.users[reviewer].id, "due_on": due,
        "claims": claims or desk.claims[:1]})


def _both_review(desk: Desk, claim_id: int, ratings=("true", "true")) -> None:
    _assign(desk, "first")
    _assign(desk, "second")
    assert _add_evidence(desk.first, claim_id).status_code == 302
    assert _review(desk.first, claim_id, rating=ratings[0]).status_code == 302
    assert _review(desk.second, claim_id, rating=ratings[1]).status_code == 302


def test_editor_assigns_ticked_claims_with_a_due_date(desk):
    response = _assign(desk, "first", desk.claims, due="2026-12-01")
    assert response.status_code == 302
    assignments = _get(desk.app, Assignment, reviewer_id=desk.users["first"].id)
    assert {a.claim_id for a in assignments} == set(desk.claims)
    assert {a.due_on.isoformat() for a in assignments} == {"2026-12-01"}
    assert {_claim(desk.app, c).status for c in desk.claims} == {ClaimStatus.IN_REVIEW}
    queue = desk.first.get("/review/").get_data(as_text=True)
    assert "Unemployment fell" in queue and "Dec 1, 2026" in queue
    assert "Rui First: not started" in desk.editor.get(
        f"/editor/articles/{desk.article_id}").get_data(as_text=True)


def test_dismissed_claims_cannot_be_assigned(desk):
    with desk.app.app_context():
        db.session.get(Claim, desk.claims[0]).status = ClaimStatus.DISMISSED
        db.session.commit()
    response = _assign(desk, "first")
    assert response.status_code == 422
    assert "Only selected claims can be assigned" in response.get_data(as_text=True)
    assert _get(desk.app, Assignment) == []


def test_ticked_candidates_are_selected_and_assigned_to_several_reviewers_at_once(desk):
    with desk.app.app_context():
        db.session.get(Claim, desk.claims[0]).status = ClaimStatus.CANDIDATE
        db.session.commit()
    board = f"/editor/articles/{desk.article_id}"
    page = desk.editor.get(board).get_data(as_text=True)
    assert f'id="pick-{desk.claims[0]}"' in page  # a candidate can be ticked
    assert "checked" not in page.split('name="reviewer"')[1].split("</ul>")[0]  # nobody preset
    response = desk.editor.post(f"{board}/assign", data={
        "csrf_token": csrf_token(page), "claims": desk.claims,
        "reviewer": [desk.users["first"].id, desk.users["second"].id], "due_on": "2026-12-24"})
    assert response.status_code == 302
    assert {(a.claim_id, a.reviewer_id) for a in _get(desk.app, Assignment)} == {
        (c, desk.users[r].id) for c in desk.claims for r in ("first", "second")}
    assert _claim(desk.app, desk.claims[0]).status == ClaimStatus.IN_REVIEW
    audit = [e.action for e in _get(desk.app, AuditEvent, object_id=desk.claims[0])]
    assert "claim.status" in audit and audit.count("claim.assign") == 2
    # The board comes back with the same reviewers, date and ticks for the next claims.
    again = desk.editor.get(response.headers["Location"]).get_data(as_text=True)
    assert "2 claims assigned to Rui First, Sam Second. 1 candidate was selected first." in (
        again)
    chosen = again.split("<legend>Reviewers</legend>")[1].split("</fieldset>")[0]
    assert chosen.count("checked") == 2 and 'value="2026-12-24"' in again
    assert all(f'id="pick-{claim_id}" checked' in again for claim_id in desk.claims[1:])


def test_an_assignment_refused_for_one_reviewer_assigns_nobody(desk):
    from factcheck.workflow.assignments import declare_conflict

    with desk.app.app_context():
        declare_conflict(db.session, reviewer=db.session.get(User, desk.users["second"].id),
                         claim=db.session.get(Claim, desk.claims[0]), whole_article=True,
                         reason="I wrote it.")
        db.session.commit()
    page = desk.editor.get(f"/editor/articles/{desk.article_id}").get_data(as_text=True)
    response = desk.editor.post(f"/editor/articles/{desk.article_id}/assign", data={
        "csrf_token": csrf_token(page), "claims": desk.claims[:1],
        "reviewer": [desk.users["first"].id, desk.users["second"].id]})
    assert response.status_code == 422
    assert "declared a conflict of interest" in response.get_data(as_text=True)
    assert _get(desk.app, Assignment) == []


def test_reviewers_reach_only_their_own_claims(desk):
    _assign(desk, "first")
    claim_id = desk.claims[0]
    outsider = desk.client("outsider")
    assert desk.first.get(f"/review/claims/{claim_id}").status_code == 200
    assert outsider.get(f"/review/claims/{claim_id}").status_code == 403
    token = csrf_token(outsider.get("/review/").get_data(as_text=True))
    for path in ("evidence", "review", "comments", "conflict", "withdraw"):
        response = outsider.post(f"/review/claims/{claim_id}/{path}",
                                 data={"csrf_token": token, **EVIDENCE, "body": "x",
                                       "reason": "x", "rationale": "x"})
        assert response.status_code == 403, path
    assert _get(desk.app, Evidence) == [] and _get(desk.app, Comment) == []
    assert desk.first.get(f"/editor/claims/{claim_id}/decide").status_code == 403


def test_evidence_is_added_shared_and_edited(desk):
    _assign(desk, "first")
    _assign(desk, "second")
    claim_id = desk.claims[0]
    assert _add_evidence(desk.first, claim_id).status_code == 302
    [item] = _get(desk.app, Evidence, claim_id=claim_id)
    assert item.added_by_id == desk.users["first"].id and item.stance == "supports"
    page = desk.second.get(f"/review/claims/{claim_id}").get_data(as_text=True)
    assert "October labour report" in page and "Rui First" in page  # shared, with its author
    edit = f"/review/evidence/{item.id}"
    # Another reviewer may not rewrite a colleague's source (issue 12): its author and the
    # editors may, and every earlier state is kept.
    refused = post_form(desk.second, edit, {**EVIDENCE, "title": "Hijacked",
                                            "version": item.version},
                        page=f"/review/claims/{claim_id}")
    assert refused.status_code == 403
    response = post_form(desk.editor, edit, {**EVIDENCE, "title": "Labour report, October",
                                             "version": item.version})
    assert response.status_code == 302
    [kept] = _get(desk.app, EvidenceVersion, evidence_id=item.id)
    assert kept.fields["title"] == "October labour report" and kept.number == item.version
    assert _get(desk.app, Evidence, id=item.id)[0].title == "Labour report, October"
    stale = post_form(desk.first, edit, {**EVIDENCE, "title": "Old", "version": item.version})
    assert stale.status_code == 409
    html = stale.get_data(as_text=True)
    assert 'value="Old"' in html  # the user's input is kept ...
    assert "Labour report, October" in html  # ... next to the other person's change
    again = post_form(desk.first, edit, {**EVIDENCE, "title": "Old",
                                         "version": item.version + 1})
    assert again.status_code == 302


@pytest.mark.parametrize(("field", "value", "message"), [
    ("url", "javascript:alert(1)", "Invalid URL"),
    ("url", "ftp://files.example.org/a", "http:// or https://"),
    ("archive_url", "data:text/html,hi", "Invalid URL"),
    ("published_on", "2999-01-01", "in the future"),
    ("accessed_on", "2999-01-01", "in the future"),
])
def test_bad_evidence_gets_field_errors_and_keeps_input(desk, field, value, message):
    _assign(desk, "first")
    response = _add_evidence(desk.first, desk.claims[0], **{field: value})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert message in html
    assert "The unemployment rate was 3.5%." in html
    assert _get(desk.app, Evidence) == []


def test_evidence_needs_a_title_or_a_quote(desk):
    _assign(desk, "first")
    response = _add_evidence(desk.first, desk.claims[0], title="", quote="")
    assert response.status_code == 422
    assert "at least a title or a quote" in response.get_data(as_text=True)


def test_cited_evidence_cannot_be_removed(desk):
    _assign(desk, "first")
    claim_id = desk.claims[0]
    _add_evidence(desk.first, claim_id)
    _review(desk.first, claim_id, action="draft")
    [item] = _get(desk.app, Evidence)
    page = desk.first.get(f"/review/claims/{claim_id}").get_data(as_text=True)
    response = desk.first.post(f"/review/evidence/{item.id}/delete",
                               data={"csrf_token": csrf_token(page)}, follow_redirects=True)
    # Only one's own review can stop a removal, and the refusal says so (issue 12: the
    # old "A review cites this source" also answered for a colleague's hidden draft).
    assert "Your review cites this source" in response.get_data(as_text=True)
    assert len(_get(desk.app, Evidence)) == 1


def test_a_rating_needs_evidence_and_a_rationale(desk):
    _assign(desk, "first")
    claim_id = desk.claims[0]
    response = _review(desk.first, claim_id, evidence=[])
    assert response.status_code == 422
    assert "needs at least one piece of evidence" in response.get_data(as_text=True)
    response = _review(desk.first, claim_id, rating="unverifiable", rationale="")
    assert "Explain your verdict" in response.get_data(as_text=True)
    # A non-ordinal verdict ("Unverifiable") may rest on no evidence at all.
    assert _review(desk.first, claim_id, rating="unverifiable", evidence=[]).status_code == 302
    [review] = _get(desk.app, Review)
    assert review.status == ReviewStatus.SUBMITTED


def test_review_is_blind_until_submitted(desk):
    _assign(desk, "first")
    _assign(desk, "second")
    claim_id = desk.claims[0]
    _add_evidence(desk.first, claim_id)
    _review(desk.first, claim_id, rating="mostly-false",
            rationale="First reviewer's secret reasoning.")
    before = desk.second.get(f"/review/claims/{claim_id}").get_data(as_text=True)
    assert "secret reasoning" not in before and "Mostly false</span>" not in before
    assert "stay hidden until you submit yours" in before
    assert "October labour report" in before  # evidence stays shared
    _review(desk.second, claim_id, action="draft", rating="true", rationale="My draft.")
    assert "secret reasoning" not in desk.second.get(f"/review/claims/{claim_id}").get_data(
        as_text=True)
    # The first reviewer cannot see the other's draft either.
    assert "My draft." not in desk.first.get(f"/review/claims/{claim_id}").get_data(
        as_text=True)
    _review(desk.second, claim_id, rating="true", rationale="My reasoning.",
            version=_get(desk.app, Review, reviewer_id=desk.users["second"].id)[0].version)
    after = desk.second.get(f"/review/claims/{claim_id}").get_data(as_text=True)
    assert "secret reasoning" in after and "Mostly false" in after


def test_rationale_markdown_is_sanitised(desk):
    _both_review(desk, desk.claims[0])
    with desk.app.app_context():
        review = db.session.exec(select(Review)).first()
        review.rationale = "**Bold** <script>alert(1)</script> [x](javascript:alert(1))"
        db.session.commit()
    html = desk.editor.get(f"/editor/claims/{desk.claims[0]}/decide").get_data(as_text=True)
    assert "<strong>Bold</strong>" in html
    assert "<script>alert(1)</script>" not in html and 'href="javascript:' not in html


def test_claim_is_reviewed_after_the_required_reviews_and_withdrawal_reopens(desk):
    claim_id = desk.claims[0]
    _assign(desk, "first")
    _assign(desk, "second")
    _add_evidence(desk.first, claim_id)
    _review(desk.first, claim_id)
    assert _claim(desk.app, claim_id).status == ClaimStatus.IN_REVIEW
    _review(desk.second, claim_id)
    assert _claim(desk.app, claim_id).status == ClaimStatus.REVIEWED
    # The token from the queue: the claim page would show the first verdict, and a
    # reviewer who has seen a colleague's verdict can no longer withdraw (issue 12).
    page = desk.second.get("/review/").get_data(as_text=True)
    desk.second.post(f"/review/claims/{claim_id}/withdraw", data={"csrf_token": csrf_token(page)})
    assert _claim(desk.app, claim_id).status == ClaimStatus.IN_REVIEW
    mine = _get(desk.app, Review, reviewer_id=desk.users["second"].id)[0]
    assert mine.status == ReviewStatus.DRAFT and mine.submitted_at is None


def test_required_review_count_is_a_setting(desk):
    with desk.app.app_context():
        set_setting(db.session, key="reviews_required", value=1,
                    actor=db.session.get(User, desk.users["editor"].id))
        db.session.commit()
    _assign(desk, "first")
    _add_evidence(desk.first, desk.claims[0])
    _review(desk.first, desk.claims[0])
    assert _claim(desk.app, desk.claims[0]).status == ClaimStatus.REVIEWED


def test_decision_needs_the_required_reviews(desk):
    claim_id = desk.claims[0]
    _assign(desk, "first")
    _add_evidence(desk.first, claim_id)
    _review(desk.first, claim_id)
    response = post_form(desk.editor, f"/editor/claims/{claim_id}/decide",
                         {"rating": "true", "summary": "Correct.", "version": 0})
    assert response.status_code == 409
    assert "needs 2 submitted reviews" in response.get_data(as_text=True)
    assert _get(desk.app, Decision) == []


def test_editor_compares_and_decides_defaulting_to_the_consensus(desk):
    claim_id = desk.claims[0]
    _both_review(desk, claim_id, ratings=("mostly-true", "mostly-true"))
    page = desk.editor.get(f"/editor/claims/{claim_id}/decide").get_data(as_text=True)
    assert "Unanimous" in page and "Rui First" in page and "Sam Second" in page
    assert re.search(r'<option selected value="mostly-true">|<option value="mostly-true" '
                     r'selected>', page)
    response = post_form(desk.editor, f"/editor/claims/{claim_id}/decide",
                         {"rating": "mostly-true", "summary": "Rate fell to 3.5%.",
                          "version": 0})
    assert response.status_code == 302
    [decision] = _get(desk.app, Decision)
    assert decision.summary == "Rate fell to 3.5%." and decision.editor_id == desk.users[
        "editor"].id
    assert _claim(desk.app, claim_id).status == ClaimStatus.DECIDED
    # After the decision, reviews can no longer be withdrawn.
    page = desk.first.get(f"/review/claims/{claim_id}").get_data(as_text=True)
    response = desk.first.post(f"/review/claims/{claim_id}/withdraw",
                               data={"csrf_token": csrf_token(page)}, follow_redirects=True)
    assert "can no longer be withdrawn" in response.get_data(as_text=True)


def test_split_verdicts_show_the_spread(desk):
    _both_review(desk, desk.claims[0], ratings=("true", "false"))
    page = desk.editor.get(f"/editor/claims/{desk.claims[0]}/decide").get_data(as_text=True)
    assert "Split" in page and "spread 4 steps" in page


def test_an_editor_who_reviewed_a_claim_cannot_decide_it(desk):
    claim_id = desk.claims[0]
    _assign(desk, "first")
    _assign(desk, "editor")
    _add_evidence(desk.first, claim_id)
    _review(desk.first, claim_id)
    _review(desk.editor, claim_id)
    assert _claim(desk.app, claim_id).status == ClaimStatus.REVIEWED
    response = post_form(desk.editor, f"/editor/claims/{claim_id}/decide",
                         {"rating": "true", "summary": "Mine.", "version": 0})
    assert response.status_code == 403
    assert "another editor must decide" in response.get_data(as_text=True)
    other = desk.client("editor2")
    assert post_form(other, f"/editor/claims/{claim_id}/decide",
                     {"rating": "true", "summary": "Theirs.", "version": 0}).status_code == 302


def test_send_back_reopens_reviews_with_a_comment(desk):
    claim_id = desk.claims[0]
    _both_review(desk, claim_id)
    response = post_form(desk.editor, f"/editor/claims/{claim_id}/send-back",
                         {"note": "Check the seasonal adjustment."},
                         page=f"/editor/claims/{claim_id}/decide")
    assert response.status_code == 302
    assert _claim(desk.app, claim_id).status == ClaimStatus.IN_REVIEW
    assert {r.status for r in _get(desk.app, Review)} == {ReviewStatus.DRAFT}
    page = desk.first.get(f"/review/claims/{claim_id}").get_data(as_text=True)
    assert "Sent back: Check the seasonal adjustment." in page


def test_discussion_is_for_the_claims_people(desk):
    _assign(desk, "first")
    claim_id = desk.claims[0]
    response = post_form(desk.first, f"/review/claims/{claim_id}/comments",
                         {"body": "Is October seasonally adjusted?"},
                         page=f"/review/claims/{claim_id}")
    assert response.status_code == 302
    assert "Is October seasonally adjusted?" in desk.editor.get(
        f"/review/claims/{claim_id}").get_data(as_text=True)


def test_conflict_of_interest_recuses_the_reviewer(desk):
    _assign(desk, "first", desk.claims)
    claim_id = desk.claims[0]
    response = post_form(desk.first, f"/review/claims/{claim_id}/conflict",
                         {"reason": "I advised the statistics office.", "whole_article": "y"},
                         page=f"/review/claims/{claim_id}")
    assert response.status_code == 302
    assert _get(desk.app, Assignment, reviewer_id=desk.users["first"].id) == []
    [declaration] = _get(desk.app, ConflictDeclaration)
    assert declaration.article_id == desk.article_id
    again = _assign(desk, "first")
    assert again.status_code == 422
    assert "declared a conflict of interest" in again.get_data(as_text=True)
    board = desk.editor.get(f"/editor/articles/{desk.article_id}").get_data(as_text=True)
    assert "I advised the statistics office." in board  # the editor sees the declaration


def test_unassigning_keeps_the_reviewers_review_withdrawn(desk):
    # Issue 12: removing a reviewer keeps their review in the history (it was deleted).
    claim_id = desk.claims[0]
    _assign(desk, "first")
    _add_evidence(desk.first, claim_id)
    _review(desk.first, claim_id, action="draft")
    [assignment] = _get(desk.app, Assignment)
    page = desk.editor.get(f"/editor/articles/{desk.article_id}").get_data(as_text=True)
    desk.editor.post(f"/editor/assignments/{assignment.id}/remove",
                     data={"csrf_token": csrf_token(page)})
    assert _get(desk.app, Assignment)  # removing asks first
    asked = desk.editor.get(f"/editor/assignments/{assignment.id}/remove").get_data(
        as_text=True)
    assert "Take" in asked and "off this claim?" in asked
    desk.editor.post(f"/editor/assignments/{assignment.id}/remove",
                     data={"csrf_token": csrf_token(page), "confirm": "y"})
    assert _get(desk.app, Assignment) == []
    [review] = _get(desk.app, Review)
    assert review.status == ReviewStatus.WITHDRAWN
    assert _claim(desk.app, claim_id).status == ClaimStatus.SELECTED


def test_pick_up_only_when_allowed(desk):
    claim_id = desk.claims[0]
    page = desk.first.get("/review/").get_data(as_text=True)
    assert "Claims waiting for a reviewer" not in page
    refused = desk.first.post(f"/review/claims/{claim_id}/pick-up",
                              data={"csrf_token": csrf_token(page)}, follow_redirects=True)
    assert "cannot pick up claims" in refused.get_data(as_text=True)
    with desk.app.app_context():
        set_setting(db.session, key="allow_self_assign", value=True,
                    actor=db.session.get(User, desk.users["editor"].id))
        db.session.commit()
    page = desk.first.get("/review/").get_data(as_text=True)
    assert "Claims waiting for a reviewer" in page
    desk.first.post(f"/review/claims/{claim_id}/pick-up", data={"csrf_token": csrf_token(page)})
    assert [a.claim_id for a in _get(desk.app, Assignment)] == [claim_id]


def test_every_step_is_in_the_claims_history(desk):
    claim_id = desk.claims[0]
    _both_review(desk, claim_id)
    post_form(desk.editor, f"/editor/claims/{claim_id}/decide",
              {"rating": "true", "summary": "Correct.", "version": 0})
    actions = [e.action for e in _get(desk.app, AuditEvent, object_id=claim_id,
                                      object_type="claims")]
    for action in ("claim.assign", "evidence.add", "review.submit", "claim.decide"):
        assert action in actions
    page = desk.editor.get(f"/editor/claims/{claim_id}/decide").get_data(as_text=True)
    assert "claim.decide" in page and "Eda Editor" in page


def test_agreement_is_shown_on_the_board_after_decisions(desk):
    for claim_id in desk.claims:
        _assign(desk, "first", [claim_id])
        _assign(desk, "second", [claim_id])
        _add_evidence(desk.first, claim_id)
    _review(desk.first, desk.claims[0], rating="true")
    _review(desk.second, desk.claims[0], rating="true")
    _review(desk.first, desk.claims[1], rating="false")
    _review(desk.second, desk.claims[1], rating="mostly-false")
    for claim_id in desk.claims:
        post_form(desk.editor, f"/editor/claims/{claim_id}/decide",
                  {"rating": "true", "summary": "Done.", "version": 0})
    board = desk.editor.get(f"/editor/articles/{desk.article_id}").get_data(as_text=True)
    assert "Krippendorff" in board and "over 2 decided claims" in board


def test_a_second_editor_deciding_meanwhile_gets_a_conflict_not_an_overwrite(desk):
    claim_id = desk.claims[0]
    _both_review(desk, claim_id)
    url = f"/editor/claims/{claim_id}/decide"
    other = desk.client("editor2")
    mine_page = desk.editor.get(url).get_data(as_text=True)
    assert post_form(other, url, {"rating": "false", "summary": "Theirs.", "version": 0}
                     ).status_code == 302
    mine = desk.editor.post(url, data={"csrf_token": csrf_token(mine_page), "rating": "true",
                                       "summary": "Mine.", "version": 0})
    html = mine.get_data(as_text=True)
    assert mine.status_code == 409
    assert "Theirs." in html and "Mine." in html
    [decision] = _get(desk.app, Decision)
    assert decision.summary == "Theirs."


def test_the_history_reads_as_sentences_and_keeps_ratings_blind(desk):
    claim_id = desk.claims[0]
    _assign(desk, "first", due="2031-05-04")
    _assign(desk, "second")
    assert _add_evidence(desk.first, claim_id).status_code == 302
    assert _review(desk.first, claim_id, rating="false").status_code == 302
    page = desk.editor.get(f"/editor/claims/{claim_id}/decide").get_data(as_text=True)
    history = page[page.index('id="history-heading"'):]
    assert "Eda Editor assigned the claim to Rui First, due May 4, 2031." in history
    assert "Eda Editor assigned the claim to Sam Second." in history
    assert "· claim.assign" not in history and "· evidence.add" not in history
    assert "Rui First added a source: https://" in history
    # A reviewer's verdict is told, never its rating: only the editor's decision names one.
    assert "Rui First submitted a verdict." in history
    assert "False" not in history
    assert _review(desk.second, claim_id, rating="false").status_code == 302
    assert post_form(desk.editor, f"/editor/claims/{claim_id}/decide",
                     {"rating": "mostly-true", "summary": "Close.", "version": 0}
                     ).status_code == 302
    page = desk.editor.get(f"/editor/claims/{claim_id}/decide").get_data(as_text=True)
    history = page[page.index('id="history-heading"'):]
    assert "Eda Editor decided the verdict: Mostly true." in history
    other = desk.claims[1]
    assert post_form(desk.editor, f"/editor/claims/{other}/dismiss",
                     {"version": _claim(desk.app, other).version, "reason": "Opinion"},
                     page=f"/editor/articles/{desk.article_id}").status_code == 302
    page = desk.editor.get(f"/editor/claims/{other}/decide").get_data(as_text=True)
    assert "Eda Editor changed the status from Selected to Dismissed: Opinion" in page
