"""API tokens end with the account's trust: deactivation revokes them for good, and a
password change revokes them when the user asks."""

from __future__ import annotations

from flask.testing import FlaskClient
from sqlmodel import select

from factcheck.extensions import db
from factcheck.models import ApiToken, User
from factcheck.states import Role

from ..helpers import PASSWORD, api_token, bearer, login, post_form

NEW_PASSWORD = "a brand new long passphrase"


def _works(client: FlaskClient, token: str) -> bool:
    status = client.get("/api/v1/rating-scale", headers=bearer(token)).status_code
    assert status in (200, 401)
    return status == 200


def _set_active(app, admin_client: FlaskClient, user_id: int, active: bool):
    with app.app_context():
        user = db.session.get(User, user_id)
        data = {"role": user.role.value, "version": str(user.version)}
    if active:
        data["is_active"] = "y"
    response = post_form(admin_client, f"/admin/users/{user_id}", data)
    assert response.status_code == 302, response.get_data(as_text=True)


def test_tokens_stay_dead_when_a_deactivated_account_is_reactivated(app, client, runner,
                                                                      make_user):
    admin, editor = make_user(Role.ADMIN), make_user(Role.EDITOR)
    token = api_token(runner, editor.email)
    assert _works(client, token)
    login(client, admin.email)
    _set_active(app, client, editor.id, False)
    assert not _works(client, token)
    _set_active(app, client, editor.id, True)
    assert not _works(client, token)  # revoked, not merely suspended
    fresh = api_token(runner, editor.email)
    assert _works(client, fresh)  # the reactivated account can make new ones
    with app.app_context():
        revoked = db.session.exec(select(ApiToken.user_id).where(
            ApiToken.revoked_at.is_not(None))).all()
    assert revoked == [editor.id]


def test_a_password_change_keeps_tokens_unless_asked_to_revoke_them(app, client, runner,
                                                                     make_user):
    user = make_user(Role.REVIEWER)
    kept, revoked = api_token(runner, user.email), None
    login(client, user.email)
    page = client.get("/account/password").get_data(as_text=True)
    assert 'name="revoke_tokens"' in page
    response = post_form(client, "/account/password", {
        "current_password": PASSWORD, "password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.status_code == 302
    assert _works(client, kept)

    revoked = api_token(runner, user.email)
    response = post_form(client, "/account/password", {
        "current_password": NEW_PASSWORD, "password": PASSWORD, "confirm": PASSWORD,
        "revoke_tokens": "y"}, follow_redirects=True)
    assert "Your API tokens are revoked." in response.get_data(as_text=True)
    assert not _works(client, kept) and not _works(client, revoked)
    assert _works(client, api_token(runner, user.email))


def test_a_refused_password_change_revokes_nothing(app, client, runner, make_user):
    user = make_user(Role.REVIEWER)
    token = api_token(runner, user.email)
    login(client, user.email)
    response = post_form(client, "/account/password", {
        "current_password": "not my password", "password": NEW_PASSWORD,
        "confirm": NEW_PASSWORD, "revoke_tokens": "y"})
    assert response.status_code != 302
    assert _works(client, token)
