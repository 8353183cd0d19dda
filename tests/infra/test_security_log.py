"""Security events on the `factcheck.security` logger: one JSON line each, in UTC, no secrets."""

from __future__ import annotations

import json
import logging
import os
import re
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import select

from factcheck.extensions import db
from factcheck.infra.security_log import LOGGER_NAME, email_digest
from factcheck.models import ApiToken, AuditEvent, User
from factcheck.states import Role
from factcheck.workflow.reports import REPORTS_PER_ADDRESS

from ..conftest import TEST_SECRET_KEY
from ..helpers import PASSWORD, api_token, csrf_token, login, logout, post_form
from ..web.test_feeds import JOBS, publish_check

INVITED_PASSWORD = "an invited person's passphrase"


@pytest.fixture
def events(caplog):
    """The security events logged so far, parsed; optionally only those of one kind."""
    caplog.set_level(logging.INFO, logger=LOGGER_NAME)

    def read(kind: str | None = None) -> list[dict]:
        lines = [r.getMessage() for r in caplog.records if r.name == LOGGER_NAME]
        assert all("\n" not in line for line in lines)
        parsed = [json.loads(line) for line in lines]
        return [e for e in parsed if kind is None or e["event"] == kind]

    return read


def _one(events, kind: str) -> dict:
    found = events(kind)
    assert len(found) == 1, events()
    return found[0]


def _level(caplog, kind: str) -> int:
    return next(r.levelno for r in caplog.records
                if r.name == LOGGER_NAME and f'"event":"{kind}"' in r.getMessage())


def _audited(app) -> set[str]:
    """The actions in the database audit log."""
    with app.app_context():
        return set(db.session.exec(select(AuditEvent.action)).all())


def _invite(client, email: str) -> str:
    """As the signed-in admin, create an account without a password; its invitation path."""
    response = post_form(client, "/admin/users/new", {
        "display_name": "Ina Invited", "email": email, "role": "reviewer", "password": ""})
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    return re.search(r'value="http://localhost(/invitation/[^"]+)"', page).group(1)


def test_failed_and_successful_logins_are_logged_once_with_their_fields(
        app, client, make_user, events, caplog):
    user = make_user(Role.EDITOR)
    assert login(client, user.email.upper(), "not the right password").status_code == 401
    failed = _one(events, "auth.login_failed")
    with app.app_context():
        assert failed["email_digest"] == email_digest(user.email)
        assert email_digest("someone.else@example.org") != failed["email_digest"]
    assert (failed["ip"], failed["method"], failed["path"]) == ("127.0.0.1", "POST", "/login")
    assert "user" not in failed and user.email not in caplog.text
    assert _level(caplog, "auth.login_failed") == logging.WARNING

    assert login(client, user.email).status_code == 302
    assert _one(events, "auth.login")["user"] == user.id
    assert _level(caplog, "auth.login") == logging.INFO
    assert {"auth.login_failed", "auth.login"} <= _audited(app)


def test_timestamps_are_utc_iso_8601_with_z_whatever_the_local_zone(
        client, make_user, events, monkeypatch):
    monkeypatch.setenv("TZ", "Asia/Kathmandu")  # UTC+05:45: a local time cannot pass as UTC
    time.tzset()
    try:
        login(client, make_user().email)
    finally:
        monkeypatch.undo()
        time.tzset()
    stamp = _one(events, "auth.login")["time"]
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", stamp)
    logged = datetime.strptime(stamp, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)
    assert abs(datetime.now(UTC) - logged) < timedelta(minutes=5)


def test_logout_is_logged_and_a_copied_cookie_shows_up_as_a_revoked_session(
        app, client, login_as, events):
    user = login_as(Role.EDITOR)
    cookie = client.get_cookie("factcheck_session").value
    logout(client)
    assert _one(events, "auth.logout")["user"] == user.id
    thief = app.test_client()
    thief.set_cookie("factcheck_session", cookie)
    assert thief.get("/editor/").status_code == 302
    revoked = _one(events, "auth.session_revoked")
    assert (revoked["user"], revoked["reason"], revoked["path"]) == (user.id, "revoked", "/editor/")
    thief.get("/editor/")
    assert len(events("auth.session_revoked")) == 1  # the stale cookie is gone after once


def test_deactivated_accounts_session_is_revoked_with_that_reason(app, client, login_as, events):
    user = login_as(Role.EDITOR)
    with app.app_context():
        db.session.get(User, user.id).is_active = False
        db.session.commit()
    client.get("/editor/")
    assert _one(events, "auth.session_revoked")["reason"] == "inactive"


def test_token_creation_and_revocation_are_logged_without_the_token(
        app, client, runner, login_as, make_user, events, caplog):
    user = login_as(Role.REVIEWER)
    page = post_form(client, "/account/tokens", {"name": "CMS"}).get_data(as_text=True)
    raw = re.search(r'id="new-token" type="text" readonly value="([^"]+)"', page).group(1)
    created = _one(events, "token.create")
    with app.app_context():
        token_id = db.session.exec(select(ApiToken.id)).one()
    assert (created["token"], created["account"], created["user"]) == (token_id, user.id,
                                                                       user.id)
    assert (created["method"], created["path"]) == ("POST", "/account/tokens")
    client.post(f"/account/tokens/{token_id}/revoke", data={"csrf_token": csrf_token(page)})
    revoked = _one(events, "token.revoke")
    assert (revoked["token"], revoked["reason"]) == (token_id, "owner")

    cli_raw = api_token(runner, user.email)
    by_cli = events("token.create")[-1]
    assert (by_cli["via"], by_cli["account"]) == ("cli", user.id)
    assert raw[3:] not in caplog.text and cli_raw[3:] not in caplog.text
    assert raw[:10] not in caplog.text  # not even the prefix shown on the account page


def test_tokens_revoked_by_deactivation_and_password_change_are_logged(
        app, client, runner, make_user, events):
    admin, editor = make_user(Role.ADMIN), make_user(Role.EDITOR)
    api_token(runner, editor.email)
    api_token(runner, admin.email)
    login(client, admin.email)
    with app.app_context():
        version = db.session.get(User, editor.id).version
    post_form(client, f"/admin/users/{editor.id}", {"role": "editor", "version": version})
    revoked = events("token.revoke")
    assert [(e["account"], e["reason"], e["user"]) for e in revoked] == [
        (editor.id, "deactivated", admin.id)]
    new = "a completely new passphrase"
    post_form(client, "/account/password", {"current_password": PASSWORD, "password": new,
                                            "confirm": new, "revoke_tokens": "y"})
    assert [(e["account"], e["reason"]) for e in events("token.revoke")[1:]] == [
        (admin.id, "password_changed")]


@pytest.mark.parametrize(("key", "reason"), [("seen", "idle"), ("iat", "lifetime")])
def test_expired_sessions_are_logged_with_the_reason(client, login_as, events, key, reason):
    user = login_as(Role.EDITOR)
    with client.session_transaction() as sess:
        sess[key] = int(time.time()) - 13 * 3600
    assert client.get("/editor/").status_code == 302
    expired = _one(events, "auth.session_expired")
    assert (expired["user"], expired["reason"]) == (user.id, reason)


def test_password_change_and_a_wrong_current_password_are_logged(client, login_as, events,
                                                                 caplog):
    user = login_as(Role.REVIEWER)
    new = "a completely new passphrase"
    post_form(client, "/account/password",
              {"current_password": "a wrong guess", "password": new, "confirm": new})
    assert _one(events, "user.password_change_failed")["user"] == user.id
    assert _level(caplog, "user.password_change_failed") == logging.WARNING
    assert not events("user.password_changed")
    response = post_form(client, "/account/password",
                         {"current_password": PASSWORD, "password": new, "confirm": new})
    assert response.status_code == 302
    assert _one(events, "user.password_changed")["user"] == user.id
    assert "user.password_changed" in _audited(client.application)
    assert new not in caplog.text and "a wrong guess" not in caplog.text


def test_invitation_acceptance_and_forged_links_are_logged_without_the_token(
        app, client, login_as, events, caplog):
    login_as(Role.ADMIN)
    link = _invite(client, "ina@example.org")
    token = link.rsplit("/", 1)[1]
    logout(client)
    invited = app.test_client()
    assert invited.get(link[:-4] + "AAAA").status_code == 404
    forged = _one(events, "auth.invitation_invalid")
    assert forged["path"] == "/invitation/<token>"
    response = post_form(invited, link,
                         {"password": INVITED_PASSWORD, "confirm": INVITED_PASSWORD})
    assert response.status_code == 302
    with app.app_context():
        ina = db.session.exec(select(User).where(User.email == "ina@example.org")).one()
        assert _one(events, "user.invitation_accepted")["user"] == ina.id
    assert "user.invitation_accepted" in _audited(app)
    assert token not in caplog.text and token[:20] not in caplog.text


def test_first_run_setup_is_logged(client, events):
    response = post_form(client, "/setup", {
        "display_name": "Ada Admin", "email": "ada@example.org", "password": PASSWORD,
        "confirm": PASSWORD})
    assert response.status_code == 302
    assert _one(events, "auth.setup")["user"] == 1


def test_forbidden_pages_are_logged_with_user_endpoint_and_path(client, login_as, events,
                                                               caplog):
    reviewer = login_as(Role.REVIEWER)
    assert client.get("/admin/users").status_code == 403
    denied = _one(events, "access.denied")
    assert denied == {**denied, "status": 403, "endpoint": "admin.users", "path": "/admin/users",
                      "user": reviewer.id, "method": "GET"}
    assert _level(caplog, "access.denied") == logging.WARNING
    client.get("/review/")
    assert len(events("access.denied")) == 1  # pages that are allowed log nothing


def test_csrf_failures_are_logged_with_the_reason_but_not_the_token(client, make_user, events,
                                                                     caplog):
    user = make_user(Role.EDITOR)
    client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert _one(events, "csrf.failed")["reason"] == "The CSRF token is missing."
    real = csrf_token(client.get("/login").get_data(as_text=True))
    forged = real[:-6] + "abcdef"
    client.post("/login", data={"email": user.email, "password": PASSWORD,
                                "csrf_token": forged})
    assert events("csrf.failed")[1]["reason"] == "The CSRF token is invalid."
    assert forged not in caplog.text and real not in caplog.text and PASSWORD not in caplog.text
    assert not events("auth.login_failed")  # refused before any sign-in attempt


def test_throttled_logins_are_logged_once_like_the_audit_log(make_app, make_user, events):
    app = make_app(LOGIN_FAILURES_PER_ACCOUNT=2)
    user = make_user(Role.EDITOR)
    for _ in range(2):
        login(app.test_client(), user.email, "wrong password!")
    assert login(app.test_client(), user.email).status_code == 429
    with app.app_context():
        assert _one(events, "auth.throttled")["email_digest"] == email_digest(user.email)
    assert not events("access.throttled")  # the login view said it better: one event
    assert len(events("auth.login_failed")) == 2 and not events("auth.login")
    assert {"auth.throttled", "auth.login_failed"} <= _audited(app)


def test_other_throttling_is_logged_as_a_refusal(app, make_user, events):
    check = publish_check(app, make_user(Role.EDITOR), title="Jobs", claims=JOBS)
    reader = app.test_client()
    statuses = [post_form(reader, f"/checks/{check['slug']}/report",
                          {"claim": "", "message": f"Report {n}", "contact": ""}).status_code
                for n in range(REPORTS_PER_ADDRESS + 1)]
    assert statuses[-1] == 429
    throttled = _one(events, "access.throttled")
    assert (throttled["endpoint"], throttled["status"]) == ("public.report", 429)


def test_role_changes_and_deactivation_are_logged(app, client, login_as, make_user, events):
    admin = login_as(Role.ADMIN)
    user = make_user(Role.REVIEWER)
    page = client.get(f"/admin/users/{user.id}").get_data(as_text=True)
    response = client.post(f"/admin/users/{user.id}", data={
        "csrf_token": csrf_token(page), "version": re.search(
            r'name="version"[^>]*value="(\d+)"', page).group(1), "role": "editor"})
    assert response.status_code == 302
    changed = _one(events, "user.role_changed")
    assert (changed["account"], changed["user"], changed["before"], changed["after"]) == (
        user.id, admin.id, "reviewer", "editor")
    assert _one(events, "user.deactivated")["account"] == user.id  # the box was left unticked
    assert {"user.role_changed", "user.deactivated"} <= _audited(app)


def test_control_characters_in_a_path_cannot_forge_a_log_line(client, events, caplog):
    forged = '\n{"event":"auth.login","user":1}'
    client.post("/checks/x" + forged.replace("\n", "%0A") + "/report", data={})
    assert _one(events, "csrf.failed")["path"] == "/checks/x" + forged + "/report"
    assert not events("auth.login")
    assert all("\n" not in r.getMessage() for r in caplog.records)


def test_no_password_token_cookie_or_csrf_token_ever_reaches_the_log(
        app, client, make_user, events, caplog):
    user = make_user(Role.EDITOR)
    secrets_seen = {PASSWORD}
    login(client, user.email, "wrong horse battery staple")
    secrets_seen.add("wrong horse battery staple")
    # People type passwords into the email field too.
    login(client, "my-secret-passphrase@oops", PASSWORD)
    secrets_seen.update({"my-secret-passphrase", "oops"})
    login(client, user.email)
    secrets_seen.add(client.get_cookie("factcheck_session").value)
    page = client.get("/account/tokens").get_data(as_text=True)
    secrets_seen.add(csrf_token(page))
    page = post_form(client, "/account/tokens", {"name": "CMS"}).get_data(as_text=True)
    api_token = re.search(r'id="new-token"[^>]*value="([^"]+)"', page).group(1)
    secrets_seen.add(api_token)
    reviewer_client = app.test_client()
    reviewer = make_user(Role.REVIEWER)
    login(reviewer_client, reviewer.email)
    reviewer_client.get("/admin/users", headers={"Authorization": f"Bearer {api_token}"})
    client.get("/api/v1/rating-scale", headers={"Authorization": f"Bearer {api_token}"})
    client.get("/api/v1/rating-scale", headers={"Authorization": f"Bearer {api_token}x"})
    logout(client)
    assert {e["event"] for e in events()} >= {"auth.login_failed", "auth.login", "auth.logout",
                                              "access.denied"}
    for secret in secrets_seen:
        assert secret not in caplog.text, secret


def test_without_logging_configured_events_go_to_stderr_once_each(database_url, tmp_path,
                                                                   make_user):
    make_user()  # with no account at all, /login sends everyone to /setup
    # A fresh process has no logging set up: create_app must give the logger a handler, and
    # Flask's own handler on the parent logger must not print every event a second time.
    script = (
        "import sys\n"
        "from factcheck import create_app\n"
        "app = create_app({'SECRET_KEY': sys.argv[1], 'DATABASE_URL': sys.argv[2],\n"
        "                  'WTF_CSRF_ENABLED': False})\n"
        "app.logger.info('Flask logger in use')\n"
        "app.test_client().post('/login', data={'email': 'no@example.org', 'password': 'x'})\n"
    )
    env = {**os.environ, "FACTCHECK_INSTANCE_PATH": str(tmp_path), "TZ": "Asia/Kathmandu"}
    result = subprocess.run([sys.executable, "-c", script, TEST_SECRET_KEY, database_url],
                            capture_output=True, text=True, env=env, check=False, timeout=120)
    assert result.returncode == 0, result.stderr
    lines = [line for line in result.stderr.splitlines() if "auth.login_failed" in line]
    assert len(lines) == 1, result.stderr
    event = json.loads(lines[0])
    assert event["event"] == "auth.login_failed" and event["time"].endswith("Z")
    assert "no@example.org" not in result.stderr
