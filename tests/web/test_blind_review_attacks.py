"""Issue 12, "Blind review, airtight": every known way round blind review, tried as an
attacker would, over the forms and the API, as a reviewer and as an editor."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from flask.testing import FlaskClient
from sqlmodel import select

from factcheck.extensions import db
from factcheck.models import (
    Assignment,
    AuditEvent,
    Claim,
    ClaimParticipant,
    Evidence,
    EvidenceVersion,
    Publication,
    Review,
    ReviewEvidence,
    ReviewVersion,
)
from factcheck.states import ClaimStatus, ReviewStatus, Role
from factcheck.workflow.articles import import_article

from ..helpers import EVIDENCE, api_token, bearer, csrf_token, login, rows, share_evidence

TEXT = "Unemployment fell to 3.5 percent in October, the lowest rate since 2019."


@dataclass
class Person:
    """One user, signed in on the web (with a CSRF token) and holding an API token."""

    user: object
    web: FlaskClient
    token: str
    csrf: str

    def api(self, method: str, path: str, body=None):
        return self.web.open(f"/api/v1{path}", method=method, json=body,
                             headers=bearer(self.token))

    def post(self, path: str, data: dict | None = None, **kwargs):
        return self.web.post(path, data={"csrf_token": self.csrf, **(data or {})}, **kwargs)

    def page(self, path: str) -> tuple[int, str]:
        response = self.web.get(path)
        return response.status_code, response.get_data(as_text=True)


@dataclass
class Desk:
    app: object
    people: dict[str, Person]
    claim_id: int

    def __getitem__(self, name: str) -> Person:
        return self.people[name]

    def assign(self, name: str, by: str = "editor"):
        return self[by].api("POST", f"/claims/{self.claim_id}/assignments",
                            {"reviewer": self[name].user.email})

    def evidence(self, name: str, title: str) -> int:
        response = self[name].api("POST", f"/claims/{self.claim_id}/evidence",
                                  {"url": f"https://stats.example.org/{title}",
                                   "stance": "refutes", "title": title})
        assert response.status_code == 201, response.json
        return response.json["id"]

    def submit(self, name: str, rationale: str, evidence: list[int], rating: str = "false"):
        return self[name].api("POST", f"/claims/{self.claim_id}/reviews",
                              {"rating": rating, "rationale": rationale,
                               "evidence": evidence})

    def draft(self, name: str, rationale: str, evidence: list[int], rating: str = "true"):
        return self[name].post(f"/review/claims/{self.claim_id}/review", {
            "rating": rating, "rationale": rationale, "confidence": "high",
            "action": "draft", "version": "", "evidence": evidence})

    def workspace(self, name: str) -> tuple[int, str]:
        return self[name].page(f"/review/claims/{self.claim_id}")

    def claim(self) -> Claim:
        return rows(self.app, Claim, id=self.claim_id)[0]


@pytest.fixture
def desk(app, runner, make_user) -> Desk:
    users = {"editor": make_user(Role.EDITOR, name="Eda Editor"),
             "editor2": make_user(Role.EDITOR, name="Ed Reviewing"),
             "decider": make_user(Role.EDITOR, name="Dee Decider"),
             "r1": make_user(Role.REVIEWER, name="Rui One"),
             "r2": make_user(Role.REVIEWER, name="Sam Two")}
    with app.app_context():
        article = import_article(db.session, title="Jobs", body=TEXT, actor=None)
        claim = db.session.exec(select(Claim).where(Claim.article_id == article.id)).first()
        claim.status = ClaimStatus.SELECTED
        db.session.commit()
        claim_id = claim.id
    share_evidence(app)  # these reviewers cite each other's sources
    people = {}
    for name, user in users.items():
        client = app.test_client()
        assert login(client, user.email).status_code == 302
        token = csrf_token(client.get("/account/password").get_data(as_text=True))
        people[name] = Person(user, client, api_token(runner, user.email), token)
    return Desk(app, people, claim_id)


def _both_submitted(desk: Desk) -> int:
    assert desk.assign("r1").status_code == 201 and desk.assign("r2").status_code == 201
    source = desk.evidence("r2", "october")
    assert desk.submit("r2", "SECRET-R2 the report says 3.9.", [source]).status_code == 201
    assert desk.submit("r1", "Placeholder.", [source], rating="true").status_code == 201
    return source


# --- 1. Submit, read, withdraw, resubmit ----------------------------------------------------


@pytest.mark.parametrize("channel", ["web", "api"])
def test_reading_the_others_verdicts_closes_withdrawal(desk, channel):
    _both_submitted(desk)
    if channel == "api":
        shown = desk["r1"].api("GET", f"/claims/{desk.claim_id}/reviews").json["items"]
        assert any("SECRET-R2" in item["rationale"] for item in shown)
    else:
        assert "SECRET-R2" in desk.workspace("r1")[1]
    [seen] = rows(desk.app, AuditEvent, action="review.verdicts_seen",
                  actor_id=desk["r1"].user.id)
    assert seen.object_id == desk.claim_id and seen.details["reviews"]
    [standing] = rows(desk.app, ClaimParticipant, user_id=desk["r1"].user.id)
    assert standing.saw_verdicts_at is not None
    refused = desk["r1"].post(f"/review/claims/{desk.claim_id}/withdraw",
                              follow_redirects=True)
    assert "can no longer be withdrawn" in refused.get_data(as_text=True)
    mine = rows(desk.app, Review, reviewer_id=desk["r1"].user.id)[0]
    assert mine.status == ReviewStatus.SUBMITTED and mine.rationale == "Placeholder."


def test_a_revision_after_seeing_needs_a_send_back_and_shows_on_the_decision_page(desk):
    source = _both_submitted(desk)
    desk["r1"].api("GET", f"/claims/{desk.claim_id}/reviews")  # sees SECRET-R2
    # A reviewer cannot send the claim back themselves, even through the editor's form.
    assert desk["r1"].post(f"/editor/claims/{desk.claim_id}/send-back",
                           {"note": "again"}).status_code == 403
    sent = desk["decider"].post(f"/editor/claims/{desk.claim_id}/send-back",
                                {"note": "Look at the seasonal adjustment."})
    assert sent.status_code == 302
    # Sent back, r1 is a draft again and blind again until the revision is in.
    assert "SECRET-R2" not in desk.workspace("r1")[1]
    assert desk.submit("r1", "Copied: the report says 3.9.", [source]).status_code == 201
    status, page = desk["decider"].page(f"/editor/claims/{desk.claim_id}/decide")
    assert status == 200
    assert "revised after seeing colleagues&#39; verdicts" in page
    assert "Placeholder." in page and "Copied: the report says 3.9." in page
    versions = rows(desk.app, ReviewVersion, review_id=rows(
        desk.app, Review, reviewer_id=desk["r1"].user.id)[0].id)
    assert [(v.reason, v.after_seeing) for v in versions] == [
        ("submitted", False), ("submitted", True)]


def test_someone_who_read_the_verdicts_cannot_be_assigned_to_review_blind(desk):
    _both_submitted(desk)
    assert desk["editor2"].page(f"/editor/claims/{desk.claim_id}/decide")[0] == 200
    refused = desk.assign("editor2")
    assert refused.status_code == 409
    assert "cannot review it blind" in refused.json["error"]["message"]


# --- 2. Editors as reviewers: unassigning oneself --------------------------------------------


def test_an_editor_reviewer_cannot_unassign_themselves_to_read_the_reviews(desk):
    source = _both_submitted(desk)
    assert desk.assign("editor2").status_code == 201
    assert desk.draft("editor2", "My draft.", [source]).status_code == 302
    # Web: the editor's own remove button; API: DELETE with their own address.
    [assignment] = rows(desk.app, Assignment, reviewer_id=desk["editor2"].user.id)
    web = desk["editor2"].post(f"/editor/assignments/{assignment.id}/remove",
                               data={"confirm": "y"}, follow_redirects=True)
    assert "cannot take yourself off" in web.get_data(as_text=True)
    api = desk["editor2"].api(
        "DELETE", f"/claims/{desk.claim_id}/assignments/{desk['editor2'].user.email}")
    assert api.status_code == 403
    assert rows(desk.app, Assignment, reviewer_id=desk["editor2"].user.id)
    # Still blind: the API and both pages show only their own draft.
    items = desk["editor2"].api("GET", f"/claims/{desk.claim_id}/reviews").json["items"]
    assert [item["reviewer"]["id"] for item in items] == [desk["editor2"].user.id]
    assert "SECRET-R2" not in desk.workspace("editor2")[1]
    assert desk["editor2"].page(f"/editor/claims/{desk.claim_id}/decide")[0] == 403


def test_a_former_reviewer_stays_blind_and_never_decides(desk):
    _both_submitted(desk)
    assert desk.assign("editor2").status_code == 201
    # No review yet: taking oneself off is allowed, but lifts nothing.
    gone = desk["editor2"].api(
        "DELETE", f"/claims/{desk.claim_id}/assignments/{desk['editor2'].user.email}")
    assert gone.status_code == 204
    assert desk["editor2"].api("GET", f"/claims/{desk.claim_id}/reviews").json["items"] == []
    assert "SECRET-R2" not in desk.workspace("editor2")[1]
    assert desk["editor2"].page(f"/editor/claims/{desk.claim_id}/decide")[0] == 403
    decided = desk["editor2"].api("POST", f"/claims/{desk.claim_id}/decision",
                                  {"rating": "false", "summary": "Mine."})
    assert decided.status_code == 403
    assert "another editor must decide" in decided.json["error"]["message"]
    # Assigned again, they review blind like anyone, and still never decide.
    assert desk.assign("editor2").status_code == 201
    assert desk.evidence("editor2", "own") and desk.submit(
        "editor2", "Mine.", [desk.evidence("editor2", "own2")]).status_code == 201
    assert desk["editor2"].api("POST", f"/claims/{desk.claim_id}/decision",
                               {"rating": "false", "summary": "Mine."}).status_code == 403


def test_removing_a_reviewer_keeps_their_review_withdrawn_in_the_history(desk):
    _both_submitted(desk)
    gone = desk["editor"].api(
        "DELETE", f"/claims/{desk.claim_id}/assignments/{desk['r2'].user.email}")
    assert gone.status_code == 204
    [review] = rows(desk.app, Review, reviewer_id=desk["r2"].user.id)
    assert review.status == ReviewStatus.WITHDRAWN and "SECRET-R2" in review.rationale
    kept = rows(desk.app, ReviewVersion, review_id=review.id)
    assert [v.reason for v in kept] == ["submitted", "removed"]
    [event] = rows(desk.app, AuditEvent, action="claim.unassign")
    assert event.details["review_withdrawn"] == review.id
    # A withdrawn review counts for nothing and is nobody's verdict to read.
    assert desk.claim().status == ClaimStatus.IN_REVIEW
    items = desk["decider"].api("GET", f"/claims/{desk.claim_id}/reviews").json["items"]
    assert all(item["status"] == "submitted" for item in items)
    page = desk["decider"].page(f"/editor/claims/{desk.claim_id}/decide")[1]
    assert "Reviews of reviewers taken off the claim (1)" in page and "SECRET-R2" in page


# --- 3. Recusal binds editors ---------------------------------------------------------------


def test_a_recused_editor_reaches_nothing_of_the_claim(desk):
    source = _both_submitted(desk)
    declared = desk["editor"].post(f"/review/claims/{desk.claim_id}/conflict",
                                   {"reason": "My sister wrote the report.",
                                    "whole_article": "y"})
    assert declared.status_code == 302
    claim = desk.claim_id
    for path in (f"/review/claims/{claim}", f"/editor/claims/{claim}/decide"):
        status, html = desk["editor"].page(path)
        assert status == 403 and "SECRET-R2" not in html, path
    for path, data in ((f"/review/claims/{claim}/evidence", EVIDENCE),
                       (f"/review/claims/{claim}/comments", {"body": "x"}),
                       (f"/review/evidence/{source}", {**EVIDENCE, "version": 1}),
                       (f"/review/evidence/{source}/delete", {}),
                       (f"/editor/claims/{claim}/decide",
                        {"rating": "false", "summary": "x", "version": 0}),
                       (f"/editor/claims/{claim}/send-back", {"note": "x"})):
        assert desk["editor"].post(path, data).status_code == 403, path
    for method, path, body in (
            ("GET", f"/claims/{claim}", None), ("GET", f"/claims/{claim}/reviews", None),
            ("POST", f"/claims/{claim}/evidence",
             {"url": "https://x.example.org/", "title": "x", "stance": "refutes"}),
            ("POST", f"/claims/{claim}/decision", {"rating": "false", "summary": "x"})):
        response = desk["editor"].api(method, path, body)
        assert response.status_code == 403, path
        assert "SECRET-R2" not in response.get_data(as_text=True)
    # Nor assign the claim, nor publish or withdraw the article (web and API alike).
    article_id = desk.claim().article_id
    assert desk.assign("editor2").status_code == 403
    assert desk["editor"].post(f"/editor/articles/{article_id}/assign", {
        "claims": claim, "reviewer": desk["editor2"].user.id}).status_code == 403
    refused = desk["editor"].post(f"/editor/articles/{article_id}/publish",
                                  {"include_open": "y"}, follow_redirects=True)
    assert "another editor must publish or withdraw it" in refused.get_data(as_text=True)
    assert rows(desk.app, Publication) == []
    assert desk["editor"].api("POST", f"/articles/{article_id}/publish",
                              {"include_open": True}).status_code == 403
    assert len(rows(desk.app, Evidence)) == 1 and rows(desk.app, Evidence)[0].removed_at is None
    page = desk["decider"].page(f"/editor/claims/{claim}/decide")[1]
    assert "Recused (conflict of interest):" in page and "Eda Editor" in page
    assert "My sister wrote the report." in page


# --- 4. Side channels -------------------------------------------------------------------------


def test_removing_a_source_says_nothing_about_a_colleagues_draft(desk):
    desk.assign("r1"), desk.assign("r2")
    cited, uncited = desk.evidence("r1", "cited"), desk.evidence("r1", "uncited")
    assert desk.draft("r2", "SECRET draft.", [cited]).status_code == 302
    answers = [desk["r1"].post(f"/review/evidence/{item}/delete", follow_redirects=True)
               for item in (cited, uncited)]
    texts = [a.get_data(as_text=True) for a in answers]
    assert [a.status_code for a in answers] == [200, 200]
    assert all("Evidence removed." in text and "cites" not in text for text in texts)
    # The colleague's draft still cites the source, which only left the list.
    [kept] = rows(desk.app, Evidence, id=cited)
    assert kept.removed_at is not None and rows(desk.app, Evidence, id=uncited) == []
    assert rows(desk.app, ReviewEvidence, evidence_id=cited)
    listed = desk["r2"].api("GET", f"/claims/{desk.claim_id}").json["evidence"]
    assert listed == []
    # Only one's own review can stop a removal, and the refusal speaks of it alone.
    own = desk.evidence("r2", "own")
    assert desk.draft("r2", "SECRET draft.", [own],).status_code == 302
    refused = desk["r2"].post(f"/review/evidence/{own}/delete", follow_redirects=True)
    assert "Your review cites this source" in refused.get_data(as_text=True)
    # A colleague's source is not theirs to remove, whatever cites it.
    other = desk.evidence("r1", "other")
    refused = desk["r2"].post(f"/review/evidence/{other}/delete", follow_redirects=True)
    assert "Only the person who added this source, or an editor" in refused.get_data(
        as_text=True)
    assert rows(desk.app, Evidence, id=other)[0].removed_at is None


def test_reviewers_comments_stay_hidden_until_one_submits(desk):
    source = _both_submitted(desk)
    desk.assign("editor2")  # a third reviewer, who has not submitted
    assert desk["r1"].post(f"/review/claims/{desk.claim_id}/comments",
                           {"body": "I rated this TRUE"}).status_code == 302
    assert desk["editor"].post(f"/review/claims/{desk.claim_id}/comments",
                               {"body": "Editors' note: check the base year."}
                               ).status_code == 302
    html = desk.workspace("editor2")[1]
    assert "I rated this TRUE" not in html
    assert "Editors&#39; note: check the base year." in html
    assert "once they have submitted their own verdict" in html  # who reads my comment
    assert "including reviewers who have not submitted" in desk.workspace("editor")[1]
    assert "I rated this TRUE" in desk.workspace("r2")[1]  # r2 has submitted
    assert desk.submit("editor2", "Mine.", [source]).status_code == 201
    assert "I rated this TRUE" in desk.workspace("editor2")[1]


def test_seeing_a_colleagues_comment_also_closes_withdrawal(desk):
    desk.assign("r1"), desk.assign("r2")
    source = desk.evidence("r1", "october")
    assert desk["r2"].post(f"/review/claims/{desk.claim_id}/comments",
                           {"body": "I rated this TRUE"}).status_code == 302
    assert desk.submit("r1", "Placeholder.", [source]).status_code == 201
    assert "I rated this TRUE" in desk.workspace("r1")[1]
    refused = desk["r1"].post(f"/review/claims/{desk.claim_id}/withdraw",
                              follow_redirects=True)
    assert "can no longer be withdrawn" in refused.get_data(as_text=True)


def test_cited_evidence_is_changed_only_by_its_author_or_editors_with_versions(desk):
    source = _both_submitted(desk)  # added by r2, cited by both submitted reviews
    edit = f"/review/evidence/{source}"
    assert desk["r1"].page(edit)[0] == 403
    hijack = desk["r1"].post(edit, {**EVIDENCE, "url": "https://evil.example.org/",
                                    "stance": "supports", "version": 1})
    assert hijack.status_code == 403
    assert rows(desk.app, Evidence, id=source)[0].url == "https://stats.example.org/october"
    assert desk["r2"].post(edit, {**EVIDENCE, "version": 1}).status_code == 302
    assert desk["decider"].post(edit, {**EVIDENCE, "title": "By the editor",
                                       "version": 2}).status_code == 302
    kept = rows(desk.app, EvidenceVersion, evidence_id=source)
    assert [v.number for v in kept] == [1, 2]
    assert kept[0].fields["url"] == "https://stats.example.org/october"
    assert kept[0].fields["stance"] == "refutes"
    # The workspace offers the edit and remove buttons only where they would work.
    assert f'href="/review/evidence/{source}"' not in desk.workspace("r1")[1]
    assert f'href="/review/evidence/{source}"' in desk.workspace("r2")[1]
