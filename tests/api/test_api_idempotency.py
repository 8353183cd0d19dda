"""`Idempotency-Key` on the API's POSTs: a retry is answered with the first response."""

from __future__ import annotations

import sqlite3
from datetime import timedelta

from sqlalchemy import update
from sqlalchemy.exc import OperationalError
from sqlmodel import func, select

from factcheck.api import articles as articles_api
from factcheck.dbtypes import utcnow
from factcheck.extensions import db
from factcheck.models import Article, IdempotentRequest
from factcheck.states import Role

from ..helpers import api_token, bearer

ARTICLE = {"title": "Jobs", "text": "Unemployment fell to 3.5 percent in October."}


def _post(client, token: str, key: str | None, body: dict, path: str = "/api/v1/articles"):
    headers = bearer(token) | ({"Idempotency-Key": key} if key is not None else {})
    return client.post(path, json=body, headers=headers)


def _articles(app) -> int:
    with app.app_context():
        return db.session.exec(select(func.count()).select_from(Article)).one()


def test_a_retried_post_gets_the_first_response_and_does_nothing(app, client, runner,
                                                                  make_user):
    token = api_token(runner, make_user(Role.EDITOR).email)
    first = _post(client, token, "import-7f3a", ARTICLE)
    assert first.status_code == 201 and "Idempotent-Replayed" not in first.headers
    again = _post(client, token, "import-7f3a", ARTICLE)
    assert again.status_code == 201
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.get_json() == first.get_json()
    assert again.headers["Content-Type"] == first.headers["Content-Type"]
    assert again.headers.get("Location") == first.headers.get("Location")
    assert again.headers["Cache-Control"] == "no-store"
    assert _articles(app) == 1
    # Without a key, or with a new one, a request is a new request.
    assert _post(client, token, None, {**ARTICLE, "title": "Jobs 2"}).status_code == 201
    assert _post(client, token, "import-7f3b", {**ARTICLE, "title": "Jobs 3"}
                 ).status_code == 201
    assert _articles(app) == 3


def test_a_key_reused_for_another_request_is_refused(app, client, runner, make_user):
    token = api_token(runner, make_user(Role.EDITOR).email)
    assert _post(client, token, "k-1", ARTICLE).status_code == 201
    other = _post(client, token, "k-1", {**ARTICLE, "title": "Another title"})
    assert other.status_code == 422
    assert other.get_json()["error"]["code"] == "idempotency_key_reused"
    assert _articles(app) == 1


def test_a_refused_request_keeps_nothing_and_can_be_corrected_under_the_same_key(
        app, client, runner, make_user):
    token = api_token(runner, make_user(Role.EDITOR).email)
    refused = _post(client, token, "k-2", {"title": "No text"})
    assert refused.status_code == 422
    with app.app_context():
        assert db.session.exec(select(func.count()).select_from(IdempotentRequest)).one() == 0
    assert _post(client, token, "k-2", ARTICLE).status_code == 201
    assert _articles(app) == 1


def test_keys_belong_to_their_user(app, client, runner, make_user):
    first = api_token(runner, make_user(Role.EDITOR).email)
    second = api_token(runner, make_user(Role.EDITOR).email)
    one = _post(client, first, "shared-key", ARTICLE)
    two = _post(client, second, "shared-key", ARTICLE)
    assert one.status_code == two.status_code == 201
    assert "Idempotent-Replayed" not in two.headers
    assert one.get_json()["id"] != two.get_json()["id"]


def test_a_key_without_a_valid_token_is_answered_401(app, client):
    response = _post(client, "fc_not-a-token", "k-3", ARTICLE)
    assert response.status_code == 401
    assert _articles(app) == 0


def test_malformed_keys_are_refused_400(app, client, runner, make_user):
    token = api_token(runner, make_user(Role.EDITOR).email)
    for bad in ("", " padded", "x" * 256, "tab\tinside"):
        response = _post(client, token, bad, ARTICLE)
        assert response.status_code == 400, bad
        assert response.get_json()["error"]["code"] == "invalid_idempotency_key"
    assert _articles(app) == 0


def test_keys_are_forgotten_after_a_day(app, client, runner, make_user):
    token = api_token(runner, make_user(Role.EDITOR).email)
    assert _post(client, token, "k-4", ARTICLE).status_code == 201
    with app.app_context():
        two_days_ago = utcnow() - timedelta(days=2)
        db.session.exec(update(IdempotentRequest).values(created_at=two_days_ago))
        # ... and the article too, or the import's own "a moment ago" check answers 409.
        db.session.exec(update(Article).values(created_at=two_days_ago))
        db.session.commit()
    again = _post(client, token, "k-4", ARTICLE)
    assert again.status_code == 201, again.get_json()
    assert "Idempotent-Replayed" not in again.headers
    assert _articles(app) == 2


def test_the_openapi_document_offers_the_header_on_every_authenticated_post(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    posts = [op for item in paths.values() for method, op in item.items() if method == "post"]
    assert posts
    for op in posts:
        names = [p["name"] for p in op.get("parameters", []) if p["in"] == "header"]
        assert names == ["Idempotency-Key"], op["operationId"]


def test_cors_lets_browsers_send_the_key_and_read_the_replay_header(make_app, runner):
    app = make_app(API_CORS_ORIGINS=("https://tools.example.org",))
    client = app.test_client()
    preflight = client.options("/api/v1/articles", headers={
        "Origin": "https://tools.example.org", "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "idempotency-key"})
    assert "Idempotency-Key" in preflight.headers["Access-Control-Allow-Headers"]
    reply = client.get("/api/v1/openapi.json", headers={"Origin": "https://tools.example.org"})
    assert "Idempotent-Replayed" in reply.headers["Access-Control-Expose-Headers"]


def test_work_done_but_its_answer_lost_is_not_redone_nor_its_error_replayed(
        app, client, runner, make_user, monkeypatch):
    token = api_token(runner, make_user(Role.EDITOR).email)

    def outage(*_args, **_kwargs):  # the database goes away after the import committed
        raise OperationalError("SELECT", {}, sqlite3.OperationalError("database is locked"))

    monkeypatch.setattr(articles_api, "article_claims", outage)
    first = _post(client, token, "import-lost", ARTICLE)
    assert first.status_code == 503 and _articles(app) == 1
    monkeypatch.undo()
    again = _post(client, token, "import-lost", ARTICLE)
    assert again.status_code == 409 and again.headers["Idempotent-Replayed"] == "true"
    assert again.get_json()["error"]["code"] == "idempotency_answer_lost"
    assert _articles(app) == 1  # carried out once
