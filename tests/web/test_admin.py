"""Administrators manage accounts: create, invite, change roles, deactivate."""

from __future__ import annotations

import re

from sqlmodel import col, select

from factcheck.config import Defaults
from factcheck.extensions import db
from factcheck.models import AuditEvent, User
from factcheck.states import Role

from ..helpers import PASSWORD, csrf_token, login, post_form


def _user(app, email: str) -> User:
    with app.app_context():
        user = db.session.exec(select(User).where(User.email == email)).one()
        db.session.expunge(user)
        return user


def _edit(app, user_id: int, **data) -> dict:
    """The account form's fields with the version of the account as stored now."""
    with app.app_context():
        return {**data, "version": str(db.session.get(User, user_id).version)}


def _hidden_version(html: str) -> str:
    match = re.search(r'<input[^>]*id="version"[^>]*value="([^"]*)"', html)
    assert match, "no hidden version in the page"
    return match.group(1)


def _open_form(client, url: str) -> dict:
    """What a browser keeps from the edit page: its CSRF token and the account's version."""
    html = client.get(url).get_data(as_text=True)
    return {"csrf_token": csrf_token(html), "version": _hidden_version(html)}


def _account_events(app, user_id: int) -> list[str]:
    with app.app_context():
        return list(db.session.exec(
            select(AuditEvent.action).where(AuditEvent.object_type == "users",
                                            AuditEvent.object_id == user_id)
            .order_by(col(AuditEvent.id))).all())


def test_admin_creates_a_user_with_a_password(app, client, login_as):
    login_as(Role.ADMIN)
    response = post_form(
        client,
        "/admin/users/new",
        {
            "display_name": "Eve Editor",
            "email": "Eve@Example.org",
            "role": "editor",
            "password": "eve's long passphrase",
        },
        follow_redirects=True,
    )
    html = response.get_data(as_text=True)
    assert "Account created for eve@example.org." in html
    assert "Eve Editor" in html
    user = _user(app, "eve@example.org")
    assert user.role == Role.EDITOR and user.password_hash.startswith("$argon2id$")
    assert login(app.test_client(), "eve@example.org", "eve's long passphrase").status_code == 302


def test_passwords_are_hashed_at_the_owasp_cost_by_default(make_app, make_user):
    # The suite hashes at 1 MiB to stay fast (conftest); a real installation must not.
    app = make_app(ARGON2_MEMORY_COST_KIB=Defaults.ARGON2_MEMORY_COST_KIB)
    admin = make_user(Role.ADMIN)
    client = app.test_client()
    login(client, admin.email)
    post_form(client, "/admin/users/new", {
        "display_name": "Eve Editor", "email": "eve@example.org", "role": "editor",
        "password": "eve's long passphrase"})
    assert _user(app, "eve@example.org").password_hash.startswith("$argon2id$v=19$m=19456,t=2,p=1$")


def test_duplicate_email_and_weak_password_are_refused_and_keep_the_input(app, client, login_as):
    admin = login_as(Role.ADMIN)
    response = post_form(
        client,
        "/admin/users/new",
        {"display_name": "Again", "email": admin.email.upper(), "role": "reviewer", "password": ""},
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "already exists" in html and 'value="Again"' in html
    response = post_form(
        client,
        "/admin/users/new",
        {
            "display_name": "Weak",
            "email": "weak@example.org",
            "role": "reviewer",
            "password": "abc",
        },
    )
    assert "at least 12 characters" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.exec(select(User).where(User.email == "weak@example.org")).first() is None


def test_unknown_role_is_refused(app, client, login_as):
    login_as(Role.ADMIN)
    response = post_form(
        client,
        "/admin/users/new",
        {"display_name": "X", "email": "x@example.org", "role": "superuser", "password": ""},
    )
    assert response.status_code == 200
    assert "Not a valid choice" in response.get_data(as_text=True)


def test_role_change_takes_effect_on_the_next_request(app, client, login_as, make_user):
    login_as(Role.ADMIN)
    reviewer = make_user(Role.REVIEWER)
    reviewer_client = app.test_client()
    login(reviewer_client, reviewer.email)
    assert reviewer_client.get("/editor/").status_code == 403
    response = post_form(
        client, f"/admin/users/{reviewer.id}", _edit(app, reviewer.id, role="editor",
                                                     is_active="y")
    )
    assert response.status_code == 302
    assert reviewer_client.get("/editor/").status_code == 200
    with app.app_context():
        event = db.session.exec(
            select(AuditEvent).where(AuditEvent.action == "user.role_changed")
        ).one()
        assert event.details == {"before": "reviewer", "after": "editor"}


def test_deactivation_ends_the_users_sessions_at_once(app, client, login_as, make_user):
    login_as(Role.ADMIN)
    editor = make_user(Role.EDITOR)
    editor_client = app.test_client()
    login(editor_client, editor.email)
    assert editor_client.get("/editor/").status_code == 200
    post_form(client, f"/admin/users/{editor.id}", _edit(app, editor.id, role="editor"))  # unticked
    assert editor_client.get("/editor/").status_code == 302
    assert login(app.test_client(), editor.email, PASSWORD).status_code == 401
    assert "Deactivated" in client.get("/admin/users").get_data(as_text=True)


def test_the_last_active_admin_cannot_be_demoted_or_deactivated(app, client, login_as):
    admin = login_as(Role.ADMIN)
    for data in ({"role": "editor", "is_active": "y"}, {"role": "admin"}):
        response = post_form(client, f"/admin/users/{admin.id}", _edit(app, admin.id, **data))
        assert response.status_code == 200
        assert "last active administrator" in response.get_data(as_text=True)
    user = _user(app, admin.email)
    assert user.role == Role.ADMIN and user.is_active


def test_two_admins_editing_one_account_the_second_sees_the_first_and_keeps_their_choice(
        app, client, login_as, make_user):
    login_as(Role.ADMIN)
    other = app.test_client()
    assert login(other, make_user(Role.ADMIN).email).status_code == 302
    target = make_user(Role.REVIEWER, name="Rita Reviewer")
    url = f"/admin/users/{target.id}"
    mine, theirs = _open_form(client, url), _open_form(other, url)
    assert mine["version"] == theirs["version"]

    # The other administrator makes Rita an editor.
    response = other.post(url, data={"role": "editor", "is_active": "y", **theirs})
    assert response.status_code == 302
    events = _account_events(app, target.id)
    assert events[-1] == "user.role_changed"

    # I, from the page I opened before, make her an administrator and deactivate her.
    response = client.post(url, data={"role": "admin", **mine})
    html = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "Someone else changed this account while you were editing it" in html
    assert "Now saved: Role: <strong>Editor</strong>" in html  # their change ...
    saved = html[html.index('id="conflict"'):html.index("</section>")]
    assert "Active (may sign in)" in saved
    assert '<option selected value="admin">' in html  # ... above my choice, kept
    assert re.search(r'<input[^>]*id="is_active"', html)
    assert not re.search(r'<input[^>]*checked[^>]*id="is_active"', html)
    refreshed = _hidden_version(html)
    assert int(refreshed) > int(mine["version"])
    user = _user(app, target.email)
    assert user.role == Role.EDITOR and user.is_active
    assert _account_events(app, target.id) == events

    # Saving the conflict page's form applies my choice over theirs.
    response = client.post(url, data={"role": "admin", "csrf_token": csrf_token(html),
                                      "version": refreshed})
    assert response.status_code == 302
    user = _user(app, target.email)
    assert user.role == Role.ADMIN and not user.is_active
    assert _account_events(app, target.id)[len(events):] == [
        "user.role_changed", "user.deactivated", "auth.sessions_ended"]


def test_account_changes_without_a_version_are_refused(app, client, login_as, make_user):
    login_as(Role.ADMIN)
    target = make_user(Role.REVIEWER)
    before = _user(app, target.email)
    events = _account_events(app, target.id)
    for version in (None, "", "latest"):
        data = {"role": "admin", "is_active": "y"}
        if version is not None:
            data["version"] = version
        response = post_form(client, f"/admin/users/{target.id}", data)
        assert response.status_code == 400
    after = _user(app, target.email)
    assert after.model_dump() == before.model_dump()
    assert _account_events(app, target.id) == events


def test_unknown_user_is_404(client, login_as):
    login_as(Role.ADMIN)
    assert client.get("/admin/users/999999").status_code == 404


def test_admin_changes_the_review_settings(app, client, login_as):
    login_as(Role.ADMIN)
    page = client.get("/admin/settings").get_data(as_text=True)
    assert 'value="2"' in page  # the default
    response = post_form(client, "/admin/settings", {"reviews_required": "3",
                                                      "allow_self_assign": "y"})
    assert response.status_code == 302
    from factcheck.queries.settings import get_setting

    with app.app_context():
        assert get_setting(db.session, "reviews_required") == 3
        assert get_setting(db.session, "allow_self_assign") is True
        changes = db.session.exec(select(AuditEvent).where(
            AuditEvent.action == "setting.change")).all()
        assert {e.details["key"] for e in changes} == {"reviews_required", "allow_self_assign"}
    bad = post_form(client, "/admin/settings", {"reviews_required": "0"})
    assert bad.status_code == 422
    with app.app_context():
        assert get_setting(db.session, "reviews_required") == 3


def test_organisation_details_feed_policy_pages_and_markup(app, client, login_as):
    login_as(Role.ADMIN)
    response = post_form(client, "/admin/organisation", {
        "org_name": "Kabul Fact Desk", "org_url": "https://factdesk.example.org/",
        "org_logo_url": "", "org_contact": "desk@factdesk.example.org",
        "methodology": "We check **every** selected claim <script>x</script>.",
        "corrections_policy": "We correct openly."})
    assert response.status_code == 302
    reader = app.test_client()
    page = reader.get("/methodology").get_data(as_text=True)
    assert "<strong>every</strong>" in page and "<script>x</script>" not in page
    assert "desk@factdesk.example.org" in page
    assert "We correct openly." in reader.get("/corrections-policy").get_data(as_text=True)
    assert 'href="/corrections-policy"' in reader.get("/").get_data(as_text=True)
    from factcheck.queries.settings import get_setting

    with app.app_context():
        assert get_setting(db.session, "org_name") == "Kabul Fact Desk"
    bad = post_form(client, "/admin/organisation", {"org_name": "X",
                                                     "org_url": "javascript:alert(1)"})
    assert bad.status_code == 422
    with app.app_context():
        assert get_setting(db.session, "org_url") == "https://factdesk.example.org/"
