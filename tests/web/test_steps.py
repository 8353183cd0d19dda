"""The views' one step helper and version parser, seen through the app (factcheck/web/steps.py)."""

from __future__ import annotations

import pytest
from sqlmodel import select

from factcheck.extensions import db
from factcheck.models import AuditEvent, Claim, Decision, RatingScale, Review, User
from factcheck.states import ClaimStatus, Role
from factcheck.workflow.articles import import_article
from factcheck.workflow.assignments import assign_claims

from ..helpers import add_evidence_form, csrf_token, login, rows

TEXT = ("Unemployment fell to 3.5 percent in October, the lowest rate since 2019. "
        "The city council approved a budget of $4.2 million on Tuesday.")


@pytest.fixture
def desk(app, make_user) -> dict:
    """Signed-in editor, reviewer and administrator; the claims are assigned to the reviewer."""
    users = {role: make_user(role) for role in (Role.EDITOR, Role.REVIEWER, Role.ADMIN)}
    with app.app_context():
        article = import_article(db.session, title="Jobs", body=TEXT, actor=None)
        claims = db.session.exec(select(Claim).where(Claim.article_id == article.id)
                                 .order_by(Claim.position)).all()
        for claim in claims:
            claim.status = ClaimStatus.SELECTED
        db.session.flush()
        assign_claims(db.session, claims=claims,
                      reviewer=db.session.get(User, users[Role.REVIEWER].id), due_on=None,
                      actor=db.session.get(User, users[Role.EDITOR].id))
        db.session.commit()
        claim_ids, article_id = [c.id for c in claims], article.id
        scale_id = db.session.exec(select(RatingScale.id)).first()
    clients = {}
    for role, user in users.items():
        clients[role] = app.test_client()
        assert login(clients[role], user.email).status_code == 302
    return {"clients": clients, "users": users, "claims": claim_ids, "scale": scale_id,
            "board": f"/editor/articles/{article_id}"}


def _post(client, url: str, data: dict, version, page: str | None = None):
    """POST `data` with the page's CSRF token; `version` None leaves the field out."""
    token = csrf_token(client.get(page or url).get_data(as_text=True))
    data = {**data, "csrf_token": token}
    if version is not None:
        data["version"] = version
    return client.post(url, data=data)


def _versioned_forms(desk: dict) -> list[tuple]:
    """(client, url, data, page) of every kind of form that carries a record version."""
    editor, admin = desk["clients"][Role.EDITOR], desk["clients"][Role.ADMIN]
    reviewer, claim = desk["clients"][Role.REVIEWER], desk["claims"][0]
    review = {"rating": "true", "rationale": "Matches.", "confidence": "high",
              "action": "draft"}
    return [
        (editor, f"/editor/claims/{claim}",
         {"text": "Changed.", "claimant": "", "claim_date": ""}, None),
        (editor, f"/editor/claims/{claim}/select", {}, desk["board"]),
        (editor, f"/editor/claims/{claim}/decide", {"rating": "true", "summary": "True."},
         None),
        (admin, f"/admin/users/{desk['users'][Role.REVIEWER].id}",
         {"role": "admin", "is_active": "y"}, None),
        (admin, f"/admin/scales/{desk['scale']}", {"name": "Renamed", "description": ""},
         None),
        (reviewer, f"/review/claims/{claim}/review", review, f"/review/claims/{claim}"),
    ]


def _unchanged(app, desk: dict) -> tuple:
    """What a refused post must not have changed."""
    return (rows(app, Claim, id=desk["claims"][0])[0].model_dump(),
            rows(app, User, id=desk["users"][Role.REVIEWER].id)[0].role,
            rows(app, RatingScale, id=desk["scale"])[0].name,
            len(rows(app, Review)), len(rows(app, Decision)), len(rows(app, AuditEvent)))


def test_a_missing_version_field_is_refused_by_every_versioned_form(app, desk):
    before = _unchanged(app, desk)
    for client, url, data, page in _versioned_forms(desk):
        assert _post(client, url, data, None, page).status_code == 400, url
    assert _unchanged(app, desk) == before


@pytest.mark.parametrize("version", ["abc", "1.5", "1e3", "-1", " 1", "+1", "1_0", "\u0661",
                                     "99999999999999999999"])
def test_a_garbled_version_is_refused_by_every_versioned_form(app, desk, version):
    before = _unchanged(app, desk)
    for client, url, data, page in _versioned_forms(desk):
        assert _post(client, url, data, version, page).status_code == 400, (url, version)
    assert _unchanged(app, desk) == before


def test_an_empty_version_means_none_yet_only_where_the_form_creates_its_record(app, desk):
    before = _unchanged(app, desk)
    forms = _versioned_forms(desk)
    for client, url, data, page in forms[:-1]:  # their record exists: empty is refused
        assert _post(client, url, data, "", page).status_code == 400, url
    assert _unchanged(app, desk) == before
    # A reviewer's first save creates the review: empty says "none yet".
    client, url, data, page = forms[-1]
    assert add_evidence_form(client, desk["claims"][0]).status_code == 302
    assert _post(client, url, data, "", page).status_code == 302
    assert len(rows(app, Review)) == 1


def test_a_refused_step_is_rolled_back_and_shown_with_its_status(app, desk):
    """A claim not ready for a decision: 409, the reason on the page, nothing kept."""
    editor, claim = desk["clients"][Role.EDITOR], desk["claims"][0]
    stored = rows(app, Claim, id=claim)[0]
    events = len(rows(app, AuditEvent))
    response = _post(editor, f"/editor/claims/{claim}/decide",
                     {"rating": "true", "summary": "True."}, "0")
    assert response.status_code == 409
    assert "A decision needs 2 submitted reviews" in response.get_data(as_text=True)
    assert rows(app, Claim, id=claim)[0].model_dump() == stored.model_dump()
    assert (len(rows(app, Decision)), len(rows(app, AuditEvent))) == (0, events)
