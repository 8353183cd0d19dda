"""Sign-in, sign-out, first-run setup, invitations and password changes, through the app."""

from __future__ import annotations

import re
import time

from sqlmodel import select

from factcheck.extensions import db
from factcheck.models import AuditEvent, User
from factcheck.states import Role

from ..helpers import PASSWORD, csrf_token, login, logout, post_form

GENERIC_LOGIN_ERROR = "Email or password is not correct."


def test_login_without_csrf_token_is_refused(client, make_user):
    user = make_user(Role.EDITOR)
    response = client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 400
    assert "did not come from this site" in response.get_data(as_text=True)
    assert client.get("/editor/").status_code == 302  # still anonymous


def test_login_form_carries_csrf_token(client, make_user):
    make_user()
    assert csrf_token(client.get("/login").get_data(as_text=True))


def test_wrong_password_and_unknown_email_get_the_same_generic_message(client, make_user):
    user = make_user(Role.EDITOR)
    wrong = login(client, user.email, "not the right password")
    unknown = login(client, "nobody@example.org", PASSWORD)
    for response in (wrong, unknown):
        assert response.status_code == 401
        assert GENERIC_LOGIN_ERROR in response.get_data(as_text=True)
    assert wrong.get_data(as_text=True).count(GENERIC_LOGIN_ERROR) == 1


def test_deactivated_user_cannot_sign_in_and_gets_the_generic_message(app, client, make_user):
    user = make_user(Role.EDITOR)
    with app.app_context():
        db.session.get(User, user.id).is_active = False
        db.session.commit()
    response = login(client, user.email)
    assert response.status_code == 401
    assert GENERIC_LOGIN_ERROR in response.get_data(as_text=True)


def test_login_is_case_insensitive_on_email_and_lands_on_the_role_dashboard(client, make_user):
    user = make_user(Role.EDITOR)
    response = login(client, user.email.upper(), follow_redirects=True)
    assert response.status_code == 200
    assert response.request.path == "/editor/"
    reviewer = make_user(Role.REVIEWER)
    logout(client)
    response = login(client, reviewer.email, follow_redirects=True)
    assert response.request.path == "/review/"


def test_login_follows_only_local_next_targets(client, make_user):
    user = make_user(Role.ADMIN)
    page = client.get("/login?next=/admin/users").get_data(as_text=True)
    response = client.post(
        "/login",
        data={
            "email": user.email,
            "password": PASSWORD,
            "next": "/admin/users",
            "csrf_token": csrf_token(page),
        },
    )
    assert response.headers["Location"] == "/admin/users"
    logout(client)
    for evil in ("https://evil.example/", "//evil.example/", "/\\evil.example"):
        page = client.get("/login").get_data(as_text=True)
        response = client.post(
            "/login",
            data={
                "email": user.email,
                "password": PASSWORD,
                "next": evil,
                "csrf_token": csrf_token(page),
            },
        )
        assert response.headers["Location"] == "/dashboard", evil
        logout(client)


def test_anonymous_users_are_sent_to_login_with_next(client, make_user):
    make_user()
    for path in ("/dashboard", "/editor/", "/review/", "/admin/users", "/account/password"):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response.headers["Location"].startswith("/login?next="), path


def test_logout_is_post_only_and_needs_csrf(client, login_as):
    login_as(Role.EDITOR)
    assert client.get("/logout").status_code == 405
    assert client.post("/logout").status_code == 400
    assert client.get("/editor/").status_code == 200  # still signed in
    response = logout(client)
    assert response.status_code == 302
    assert client.get("/editor/").status_code == 302


def test_logout_makes_a_copied_session_cookie_useless(app, client, login_as):
    login_as(Role.EDITOR)
    cookie = client.get_cookie("factcheck_session").value
    logout(client)
    thief = app.test_client()
    thief.set_cookie("factcheck_session", cookie)
    assert thief.get("/editor/").status_code == 302


def test_session_is_renewed_at_login(client, make_user):
    user = make_user(Role.EDITOR)
    client.get("/login")
    with client.session_transaction() as sess:
        sess["planted"] = "by an attacker before login"
        anonymous_token = sess["csrf_token"]
    login(client, user.email)
    with client.session_transaction() as sess:
        assert "planted" not in sess  # a fresh session, not the old one with a user added
        assert sess.get("csrf_token") != anonymous_token


def test_idle_session_expires(make_app, make_user):
    app = make_app(SESSION_IDLE_TIMEOUT=__import__("datetime").timedelta(seconds=1))
    client = app.test_client()
    user = make_user(Role.EDITOR)
    login(client, user.email)
    assert client.get("/editor/").status_code == 200
    with client.session_transaction() as sess:
        sess["seen"] = int(time.time()) - 5
    assert client.get("/editor/").status_code == 302


def test_setup_page_creates_first_admin_once(app, client):
    assert client.get("/login").headers["Location"] == "/setup"
    response = post_form(
        client,
        "/setup",
        {
            "display_name": "Ada Admin",
            "email": "ada@example.org",
            "password": "a long enough passphrase",
            "confirm": "a long enough passphrase",
        },
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/admin/users"
    assert client.get("/admin/users").status_code == 200  # signed in as admin
    assert client.get("/setup").status_code == 404
    assert app.test_client().get("/setup").status_code == 404
    with app.app_context():
        users = db.session.exec(select(User)).all()
        assert [(u.email, u.role) for u in users] == [("ada@example.org", Role.ADMIN)]


def test_setup_refuses_weak_passwords_and_keeps_input(app, client):
    response = post_form(
        client,
        "/setup",
        {
            "display_name": "Ada",
            "email": "ada@example.org",
            "password": "short",
            "confirm": "short",
        },
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "at least 12 characters" in html
    assert 'value="ada@example.org"' in html
    with app.app_context():
        assert db.session.exec(select(User)).first() is None


def test_common_passwords_are_refused(client):
    response = post_form(
        client,
        "/setup",
        {
            "display_name": "Ada",
            "email": "ada@example.org",
            "password": "Password1234",
            "confirm": "Password1234",
        },
    )
    assert "too common" in response.get_data(as_text=True)


def test_password_change_needs_current_password_and_ends_other_sessions(app, client, login_as):
    user = login_as(Role.REVIEWER)
    other_device = app.test_client()
    login(other_device, user.email)
    assert other_device.get("/review/").status_code == 200

    wrong = post_form(
        client,
        "/account/password",
        {
            "current_password": "not my password",
            "password": "a brand new passphrase",
            "confirm": "a brand new passphrase",
        },
    )
    assert "current password is not correct" in wrong.get_data(as_text=True)

    response = post_form(
        client,
        "/account/password",
        {
            "current_password": PASSWORD,
            "password": "a brand new passphrase",
            "confirm": "a brand new passphrase",
        },
    )
    assert response.status_code == 302
    assert client.get("/review/").status_code == 200  # this browser stays signed in
    assert other_device.get("/review/").status_code == 302  # the other one does not
    logout(client)
    assert login(client, user.email, PASSWORD).status_code == 401
    assert login(client, user.email, "a brand new passphrase").status_code == 302


def test_invitation_link_sets_password_once(app, client, login_as):
    login_as(Role.ADMIN)
    response = post_form(
        client,
        "/admin/users/new",
        {
            "display_name": "Rita Reviewer",
            "email": "rita@example.org",
            "role": "reviewer",
            "password": "",
        },
    )
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    link = re.search(r'value="http://localhost(/invitation/[^"]+)"', page).group(1)
    logout(client)

    invited = app.test_client()
    assert login(invited, "rita@example.org", "").status_code != 302  # no password yet
    response = post_form(
        invited, link, {"password": "a passphrase of my own", "confirm": "a passphrase of my own"}
    )
    assert response.status_code == 302
    assert invited.get("/review/").status_code == 200
    assert app.test_client().get(link).status_code == 404  # spent


def test_failed_and_successful_logins_are_audited_without_secrets(app, client, make_user):
    user = make_user(Role.EDITOR)
    login(client, user.email, "wrong password here")
    login(client, user.email)
    with app.app_context():
        events = db.session.exec(select(AuditEvent).order_by(AuditEvent.id)).all()
        actions = [e.action for e in events]
        assert "auth.login_failed" in actions and "auth.login" in actions
        for event in events:
            assert PASSWORD not in str(event.details)
            assert "wrong password here" not in str(event.details)


def test_failed_logins_are_throttled_per_account_across_workers(make_app, make_user):
    worker_a = make_app(LOGIN_FAILURES_PER_ACCOUNT=3)
    worker_b = make_app(LOGIN_FAILURES_PER_ACCOUNT=3)
    user = make_user(Role.EDITOR)
    for worker in (worker_a, worker_b, worker_a):
        assert login(worker.test_client(), user.email, "wrong password!").status_code == 401
    blocked = login(worker_b.test_client(), user.email)  # even the right password waits
    assert blocked.status_code == 429
    assert "Too many failed sign-in attempts" in blocked.get_data(as_text=True)
    with worker_a.app_context():
        actions = db.session.exec(select(AuditEvent.action)).all()
    assert "auth.throttled" in actions


def test_a_successful_login_clears_the_account_count(make_app, make_user):
    app = make_app(LOGIN_FAILURES_PER_ACCOUNT=3)
    user = make_user(Role.EDITOR)
    for _ in range(2):
        login(app.test_client(), user.email, "wrong password!")
    assert login(app.test_client(), user.email).status_code == 302
    for _ in range(2):
        login(app.test_client(), user.email, "wrong password!")
    assert login(app.test_client(), user.email).status_code == 302


def test_failed_logins_are_throttled_per_address(make_app, make_user):
    app = make_app(LOGIN_FAILURES_PER_ADDRESS=3)
    user = make_user(Role.EDITOR)
    for n in range(3):
        login(app.test_client(), f"nobody{n}@example.org", "wrong password!")
    assert login(app.test_client(), user.email).status_code == 429
