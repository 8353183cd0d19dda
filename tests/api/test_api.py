"""Token-authenticated API: tokens (account page and CLI), Bearer auth, first endpoints."""

from __future__ import annotations

import re

from sqlmodel import select

from factcheck.extensions import db
from factcheck.models import ApiToken, Assignment, Claim, User
from factcheck.states import ClaimStatus, Role
from factcheck.workflow.articles import import_article

from ..helpers import api_token, bearer, csrf_token, login, post_form

TEXT = "Unemployment fell to 3.5 percent in October. The council approved a budget."


def _article(app) -> tuple[int, list[int]]:
    with app.app_context():
        article = import_article(db.session, title="Jobs", body=TEXT, actor=None)
        db.session.commit()
        claims = db.session.exec(select(Claim.id).where(Claim.article_id == article.id)).all()
        return article.id, list(claims)


def test_cli_prints_the_token_alone_on_the_last_line_and_stores_only_its_hash(app, runner,
                                                                             make_user):
    user = make_user(Role.EDITOR)
    token = api_token(runner, user.email)
    assert re.fullmatch(r"fc_[A-Za-z0-9_-]{40,}", token)
    with app.app_context():
        stored = db.session.exec(select(ApiToken)).one()
        assert token not in stored.token_hash and stored.prefix == token[:10]
    assert runner.invoke(["create-token", "nobody@example.org"]).exit_code != 0


def test_requests_without_a_valid_token_get_401_json(app, client, runner, make_user):
    _article_id, _claims = _article(app)
    for headers in ({}, bearer("fc_not-a-real-token"), {"Authorization": "Basic abc"}):
        response = client.get("/api/v1/rating-scale", headers=headers)
        assert response.status_code == 401
        assert response.json["error"]["code"] == "unauthorized"
    # A signed-in browser session is not a credential for the API.
    user = make_user(Role.EDITOR)
    login(client, user.email)
    assert client.get("/api/v1/rating-scale").status_code == 401


def test_rating_scale_lists_the_active_labels(app, client, runner, make_user):
    token = api_token(runner, make_user(Role.REVIEWER).email)
    body = client.get("/api/v1/rating-scale", headers=bearer(token)).json
    labels = {label["key"]: label for label in body["labels"]}
    assert labels["true"]["value"] == 6 and labels["unverifiable"]["value"] is None
    assert body["name"] == "Truth scale (six steps)"


def test_article_for_editors_and_assigned_reviewers_only(app, client, runner, make_user):
    article_id, claim_ids = _article(app)
    editor, reviewer = make_user(Role.EDITOR), make_user(Role.REVIEWER)
    editor_token = api_token(runner, editor.email)
    reviewer_token = api_token(runner, reviewer.email)
    body = client.get(f"/api/v1/articles/{article_id}", headers=bearer(editor_token)).json
    assert body["text"] == TEXT and len(body["claims"]) == 2
    first = body["claims"][0]
    assert TEXT[first["start"]:first["end"]] == first["text"] and first["version"] == 1
    denied = client.get(f"/api/v1/articles/{article_id}", headers=bearer(reviewer_token))
    assert denied.status_code == 403 and denied.json["error"]["code"] == "forbidden"
    with app.app_context():
        db.session.get(Claim, claim_ids[0]).status = ClaimStatus.IN_REVIEW
        db.session.add(Assignment(claim_id=claim_ids[0], reviewer_id=reviewer.id))
        db.session.commit()
    assert client.get(f"/api/v1/articles/{article_id}",
                      headers=bearer(reviewer_token)).status_code == 200
    missing = client.get("/api/v1/articles/999999", headers=bearer(editor_token))
    assert missing.status_code == 404 and missing.json["error"]["code"] == "not_found"


def test_account_page_creates_shows_once_lists_and_revokes(app, client, login_as):
    user = login_as(Role.REVIEWER)
    response = post_form(client, "/account/tokens", {"name": "CMS"})
    html = response.get_data(as_text=True)
    token = re.search(r'id="new-token" type="text" readonly value="([^"]+)"', html).group(1)
    assert client.get("/api/v1/rating-scale", headers=bearer(token)).status_code == 200
    listing = client.get("/account/tokens").get_data(as_text=True)
    assert token not in listing and token[:10] in listing and "CMS" in listing
    with app.app_context():
        token_id = db.session.exec(select(ApiToken.id)).one()
    client.post(f"/account/tokens/{token_id}/revoke", data={"csrf_token": csrf_token(listing)})
    assert client.get("/api/v1/rating-scale", headers=bearer(token)).status_code == 401
    assert user  # the token acted as this user until revoked


def test_tokens_stop_with_their_user_and_belong_to_their_owner(app, client, runner,
                                                               make_user):
    owner, other = make_user(Role.EDITOR), make_user(Role.EDITOR)
    token = api_token(runner, owner.email)
    with app.app_context():
        token_id = db.session.exec(select(ApiToken.id)).one()
    login(client, other.email)
    page = client.get("/account/tokens").get_data(as_text=True)
    response = client.post(f"/account/tokens/{token_id}/revoke",
                           data={"csrf_token": csrf_token(page)})
    assert response.status_code == 403  # not their token
    assert client.get("/api/v1/rating-scale", headers=bearer(token)).status_code == 200
    with app.app_context():
        db.session.get(User, owner.id).is_active = False
        db.session.commit()
    assert client.get("/api/v1/rating-scale", headers=bearer(token)).status_code == 401
