"""Sessions per device: sign out here or everywhere, the list of signed-in devices, and a
session row that is written rarely, never holds the key and ends with the account's trust.

Two test clients are two devices (browsers) of one person.
"""

from __future__ import annotations

import json
import logging
import time
from datetime import timedelta

import pytest
from flask.testing import FlaskClient
from sqlmodel import col, select

from factcheck.extensions import db
from factcheck.infra.security_log import LOGGER_NAME
from factcheck.models import AuditEvent, User, UserSession
from factcheck.states import Role
from factcheck.web.access import device_summary

from ..helpers import PASSWORD, count_queries, csrf_token, login, logout, post_form, rows

FIREFOX_LINUX = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"
SAFARI_IPHONE = ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
                 "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1")
NEW_PASSWORD = "a brand new long passphrase"


@pytest.fixture
def events(caplog):
    """The security events logged so far, parsed; optionally only those of one kind."""
    caplog.set_level(logging.INFO, logger=LOGGER_NAME)

    def read(kind: str | None = None) -> list[dict]:
        parsed = [json.loads(r.getMessage()) for r in caplog.records if r.name == LOGGER_NAME]
        return [e for e in parsed if kind is None or e["event"] == kind]

    return read


def _device(app, *, agent: str = FIREFOX_LINUX, address: str = "127.0.0.1") -> FlaskClient:
    """A browser of its own: its own cookie jar, user agent and address."""
    device = app.test_client()
    device.environ_base.update(HTTP_USER_AGENT=agent, REMOTE_ADDR=address)
    return device


def _signed_in(device: FlaskClient) -> bool:
    response = device.get("/dashboard")  # sends the signed in on to their desk
    assert response.status_code == 302
    return not response.headers["Location"].startswith("/login")


def _sessions(app, user_id: int) -> list[UserSession]:
    """The user's session rows, oldest first."""
    return sorted(rows(app, UserSession, user_id=user_id), key=lambda row: row.id)


def _active(app, user_id: int) -> list[UserSession]:
    return [row for row in _sessions(app, user_id) if row.ended_at is None]


def _end_url(row: UserSession) -> str:
    return f"/account/sessions/{row.id}/end"


def _audited(app, action: str) -> list[tuple]:
    """(actor, object, details) of each audit event of `action`, oldest first."""
    with app.app_context():
        found = db.session.exec(select(AuditEvent).where(AuditEvent.action == action)
                                .order_by(col(AuditEvent.id))).all()
        return [(e.actor_id, e.object_id, e.details) for e in found]


def _set_last_seen(app, row_id: int, delta: timedelta) -> None:
    """Move a session's last_seen_at back in time, as if its device had been away."""
    with app.app_context():
        row = db.session.get(UserSession, row_id)
        row.last_seen_at -= delta
        db.session.commit()


@pytest.fixture
def two_devices(app, make_user):
    """An editor signed in on a laptop (Firefox on Linux) and a phone (Safari on iOS)."""
    user = make_user(Role.EDITOR)
    laptop = _device(app, agent=FIREFOX_LINUX, address="192.0.2.10")
    phone = _device(app, agent=SAFARI_IPHONE, address="198.51.100.7")
    for device in (laptop, phone):
        assert login(device, user.email).status_code == 302
    return user, laptop, phone


def test_signing_in_records_the_device_and_stores_only_the_hash_of_its_key(app, two_devices):
    user, laptop, _phone = two_devices
    laptop_row, phone_row = _sessions(app, user.id)
    assert (laptop_row.user_agent, laptop_row.ip_address) == ("Firefox · Linux", "192.0.2.10")
    assert (phone_row.user_agent, phone_row.ip_address) == ("Safari · iOS", "198.51.100.7")
    assert laptop_row.ended_at is None and laptop_row.ended_reason is None
    with laptop.session_transaction() as cookie:
        key = cookie["sid"]
    assert len(key) >= 40
    assert laptop_row.key_hash == __import__("hashlib").sha256(key.encode()).hexdigest()
    with app.app_context():  # the key itself is in no column of any session row
        stored = db.session.exec(select(UserSession)).all()
        assert all(key not in json.dumps(row.model_dump(), default=str) for row in stored)
        audit = db.session.exec(select(AuditEvent.details)).all()
        assert all(key not in json.dumps(details) for details in audit)


def test_signing_out_on_one_device_leaves_the_other_signed_in(app, two_devices, events):
    user, laptop, phone = two_devices
    laptop_row, phone_row = _sessions(app, user.id)
    response = logout(laptop)
    assert response.status_code == 302 and response.headers["Location"] == "/login"
    assert not _signed_in(laptop)
    assert _signed_in(phone)
    ended, active = _sessions(app, user.id)
    assert (ended.ended_reason, active.ended_at) == ("logout", None)
    assert rows(app, User, id=user.id)[0].session_version == 1  # the other device lives on
    logged = events("auth.logout")[-1]
    assert (logged["user"], logged["session"]) == (user.id, laptop_row.id)
    assert phone_row.id == active.id


def test_a_copied_cookie_of_a_signed_out_device_is_refused(app, two_devices, events):
    _user, laptop, _phone = two_devices
    cookie = laptop.get_cookie("factcheck_session").value
    logout(laptop)
    thief = app.test_client()
    thief.set_cookie("factcheck_session", cookie)
    assert thief.get("/editor/").status_code == 302
    assert events("auth.session_revoked")[-1]["reason"] == "revoked"


def test_sign_out_everywhere_ends_every_device(app, two_devices, events):
    user, laptop, phone = two_devices
    response = post_form(laptop, "/account/sessions/end-all", {}, page="/account/sessions")
    assert response.status_code == 302 and response.headers["Location"] == "/login"
    assert not _signed_in(laptop)
    assert not _signed_in(phone)
    assert [row.ended_reason for row in _sessions(app, user.id)] == ["logout_everywhere"] * 2
    assert rows(app, User, id=user.id)[0].session_version == 2
    assert events("auth.logout_everywhere")[-1]["user"] == user.id
    assert _audited(app, "auth.sessions_ended") == [
        (user.id, user.id, {"reason": "logout_everywhere", "devices": 2})]


def test_the_list_shows_each_device_and_marks_this_one(app, two_devices):
    user, laptop, phone = two_devices
    html = laptop.get("/account/sessions").get_data(as_text=True)
    assert "Firefox · Linux" in html and "Safari · iOS" in html
    assert "192.0.2.10" in html and "198.51.100.7" in html
    assert html.count("This device") == 1
    mine = html.index("This device")
    assert html.rindex("Firefox · Linux", 0, mine) > html.rfind("Safari · iOS", 0, mine)
    laptop_row, phone_row = _sessions(app, user.id)
    assert _end_url(phone_row) in html  # another device can be signed out from here
    assert _end_url(laptop_row) not in html  # this one signs out with "Sign out"
    assert 'action="/account/sessions/end-all"' in html
    other = phone.get("/account/sessions").get_data(as_text=True)
    assert _end_url(laptop_row) in other and _end_url(phone_row) not in other
    assert other.index("Safari · iOS") < other.index("This device") < other.index(
        "Firefox · Linux")


def test_the_account_pages_link_to_the_list(client, login_as):
    login_as(Role.REVIEWER)
    for page in ("/review/", "/account/password"):
        assert 'href="/account/sessions"' in client.get(page).get_data(as_text=True), page


def test_ending_another_device_from_the_list_signs_it_out(app, two_devices, events):
    user, laptop, phone = two_devices
    _laptop_row, phone_row = _sessions(app, user.id)
    response = post_form(laptop, _end_url(phone_row), {}, page="/account/sessions")
    assert response.status_code == 302 and response.headers["Location"] == "/account/sessions"
    assert not _signed_in(phone)  # its next request is anonymous
    assert _signed_in(laptop)
    assert _sessions(app, user.id)[1].ended_reason == "owner"
    html = laptop.get("/account/sessions").get_data(as_text=True)
    assert "Safari · iOS" not in html and "That device is signed out." in html
    logged = events("auth.session_ended")[-1]
    assert (logged["user"], logged["session"]) == (user.id, phone_row.id)
    assert _audited(app, "auth.session_ended") == [(user.id, phone_row.id, {"reason": "owner"})]


def test_ending_this_device_from_its_own_url_signs_it_out(app, two_devices):
    user, laptop, phone = two_devices
    laptop_row = _sessions(app, user.id)[0]
    response = post_form(laptop, _end_url(laptop_row), {}, page="/account/sessions")
    assert response.headers["Location"] == "/login"
    assert not _signed_in(laptop) and _signed_in(phone)


def test_another_users_session_is_404_and_stays_signed_in(app, two_devices, make_user):
    victim, _laptop, phone = two_devices
    intruder = _device(app)
    login(intruder, make_user(Role.ADMIN).email)
    for row in _sessions(app, victim.id):
        response = post_form(intruder, _end_url(row), {}, page="/account/sessions")
        assert response.status_code == 404
    assert len(_active(app, victim.id)) == 2
    assert _signed_in(phone)
    assert "Safari · iOS" not in intruder.get("/account/sessions").get_data(as_text=True)


def test_the_new_forms_need_a_csrf_token(app, two_devices):
    user, laptop, phone = two_devices
    phone_row = _sessions(app, user.id)[1]
    token = csrf_token(laptop.get("/account/sessions").get_data(as_text=True))
    for url in ("/account/sessions/end-all", _end_url(phone_row)):
        assert laptop.post(url).status_code == 400, url
        assert laptop.post(url, data={"csrf_token": "forged"}).status_code == 400, url
        assert laptop.get(url).status_code == 405, url  # state never changes on GET
    assert len(_active(app, user.id)) == 2
    assert _signed_in(laptop) and _signed_in(phone)
    assert laptop.post(_end_url(phone_row), data={"csrf_token": token}).status_code == 302
    assert not _signed_in(phone)


def test_a_cookie_from_before_sessions_per_device_is_signed_out(app, client, make_user,
                                                                 events):
    user = make_user(Role.EDITOR)
    now = int(time.time())
    with client.session_transaction() as cookie:  # uid, sv, iat, seen, but no sid
        cookie.update(uid=user.id, sv=1, iat=now, seen=now, _permanent=True)
    response = client.get("/editor/")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")
    with client.session_transaction() as cookie:
        assert "uid" not in cookie  # the cookie is cleared, not asked about again
    revoked = events("auth.session_revoked")
    assert [(e["user"], e["reason"]) for e in revoked] == [(user.id, "no_device_session")]
    assert client.get("/login").status_code == 200
    assert login(client, user.email).status_code == 302  # and signing in again works
    assert client.get("/editor/").status_code == 200


def test_a_cookie_naming_a_session_that_does_not_exist_is_signed_out(app, client, login_as):
    login_as(Role.EDITOR)
    with client.session_transaction() as cookie:
        cookie["sid"] = "a key that was never issued"
    assert client.get("/editor/").status_code == 302


def test_deactivation_ends_the_users_sessions(app, client, two_devices, make_user):
    user, laptop, phone = two_devices
    login(client, make_user(Role.ADMIN).email)
    with app.app_context():
        version = db.session.get(User, user.id).version
    response = post_form(client, f"/admin/users/{user.id}",
                         {"role": "editor", "version": str(version)})
    assert response.status_code == 302
    assert [row.ended_reason for row in _sessions(app, user.id)] == ["deactivated"] * 2
    assert not _signed_in(laptop) and not _signed_in(phone)


def test_a_password_change_ends_the_other_sessions_and_renews_this_one(app, two_devices):
    user, laptop, phone = two_devices
    response = post_form(laptop, "/account/password", {
        "current_password": PASSWORD, "password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.status_code == 302
    assert _signed_in(laptop) and not _signed_in(phone)
    old_laptop, old_phone, renewed = _sessions(app, user.id)
    assert (old_laptop.ended_reason, old_phone.ended_reason) == ("password_changed",) * 2
    assert renewed.ended_at is None and renewed.user_agent == "Firefox · Linux"
    html = laptop.get("/account/sessions").get_data(as_text=True)
    assert html.count("This device") == 1 and "Safari · iOS" not in html


def test_a_get_writes_last_seen_at_at_most_once_per_minute(app, two_devices):
    user, laptop, _phone = two_devices
    row = _sessions(app, user.id)[0]
    with count_queries(app) as statements:
        for _ in range(2):  # quick reads leave the row alone
            assert laptop.get("/editor/").status_code == 200
    assert not [s for s in statements if s.lstrip().upper().startswith("UPDATE")]
    assert _sessions(app, user.id)[0].last_seen_at == row.last_seen_at
    _set_last_seen(app, row.id, timedelta(minutes=2))  # as if the device had been away
    before = time.time()
    with count_queries(app) as statements:
        assert laptop.get("/editor/").status_code == 200
    assert len([s for s in statements if "UPDATE user_sessions" in s]) == 1
    seen = _sessions(app, user.id)[0].last_seen_at
    assert seen.timestamp() >= before - 1  # moved to now
    assert laptop.get("/editor/").status_code == 200
    assert _sessions(app, user.id)[0].last_seen_at == seen  # and stays put again


def test_a_post_refreshes_last_seen_at_in_its_own_transaction(app, two_devices):
    user, laptop, _phone = two_devices
    row = _sessions(app, user.id)[0]
    _set_last_seen(app, row.id, timedelta(minutes=2))
    before = time.time()
    response = post_form(laptop, "/account/tokens", {"name": ""})  # writes, then renders
    assert response.status_code == 200
    assert _sessions(app, user.id)[0].last_seen_at.timestamp() >= before - 1


def test_a_session_of_a_device_gone_idle_is_not_listed(app, two_devices):
    user, laptop, _phone = two_devices
    phone_row = _sessions(app, user.id)[1]
    _set_last_seen(app, phone_row.id, app.config["SESSION_IDLE_TIMEOUT"] + timedelta(minutes=1))
    assert "Safari · iOS" not in laptop.get("/account/sessions").get_data(as_text=True)


@pytest.mark.parametrize(("key", "reason"), [("seen", "idle"), ("iat", "lifetime")])
def test_an_expired_session_ends_its_row_when_seen(app, two_devices, key, reason):
    user, laptop, phone = two_devices
    with laptop.session_transaction() as cookie:
        cookie[key] = int(time.time()) - 40 * 24 * 3600
    assert laptop.get("/editor/").status_code == 302
    laptop_row, phone_row = _sessions(app, user.id)
    assert (laptop_row.ended_reason, phone_row.ended_at) == (reason, None)
    assert _signed_in(phone)
    assert _audited(app, "auth.session_ended") == [(None, laptop_row.id, {"reason": reason})]


def test_an_expired_session_posting_a_form_ends_its_row_too(app, two_devices):
    user, laptop, _phone = two_devices
    token = csrf_token(laptop.get("/account/password").get_data(as_text=True))
    with laptop.session_transaction() as cookie:
        cookie["seen"] = int(time.time()) - 40 * 24 * 3600
    laptop.post("/logout", data={"csrf_token": token})
    assert _sessions(app, user.id)[0].ended_reason == "idle"


@pytest.mark.parametrize(("agent", "summary"), [
    (FIREFOX_LINUX, "Firefox · Linux"),
    (SAFARI_IPHONE, "Safari · iOS"),
    ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
     "Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0", "Edge · Windows"),
    ("Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
     "Chrome/131.0.0.0 Mobile Safari/537.36", "Chrome · Android"),
    ("Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like "
     "Gecko) Version/17.5 Safari/605.1.15", "Safari · macOS"),
    ("curl/8.5.0", "curl"),
    ("", ""),
    ("<script>alert(1)</script>", ""),
    ("x" * 5000, "x" * 40),
])
def test_device_summary_names_browser_and_system_briefly(agent, summary):
    assert device_summary(agent) == summary
