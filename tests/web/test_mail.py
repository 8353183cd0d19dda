"""Issue 13, e-mail: notifications mailed through a real SMTP server (aiosmtpd on
127.0.0.1) by the real job queue, users' choices (at once, daily digest, off), one-click
unsubscribe, invitations and "forgot password" by mail, and blind review kept in mail."""

from __future__ import annotations

import re
from datetime import timedelta
from urllib.parse import urlsplit

import pytest

from factcheck.dbtypes import utcnow
from factcheck.extensions import db
from factcheck.models import AuditEvent, Job, MailPreference, Notification, User
from factcheck.states import JobStatus, MailDelivery, NotificationKind, Role
from factcheck.worker import hand_over
from factcheck.workflow.jobs import enqueue, enqueue_due_daily
from factcheck.workflow.mail import DIGEST
from factcheck.workflow.notifications import notify

from ..helpers import PASSWORD, csrf_token, login, rows, run_jobs
from ..mailbox import html_of, text_of
from .test_notifications import (
    SECRET_COMMENT,
    SECRET_DRAFT,
    SECRET_RATING,
    SECRET_RATIONALE,
    fire_every_event,
)

PUBLIC = "https://desk.example.org/"
NEW_PASSWORD = "a new and long passphrase 42"


@pytest.fixture
def app(make_app, mailbox):
    """The test app sends mail to the test's SMTP server; links go to PUBLIC."""
    return make_app(**mailbox.config, PUBLIC_URL=PUBLIC)


def _mail_jobs(app) -> list[Job]:
    return [job for job in rows(app, Job) if job.kind.startswith("mail.")]


def _links(message) -> list[str]:
    return re.findall(r"https?://[^\s\"<>]+", text_of(message))


def _path(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def _unsubscribe_url(message) -> str:
    return message["List-Unsubscribe"].strip("<>")


# --- Notifications by mail ---------------------------------------------------------------


def test_an_assignment_mails_the_reviewer_with_links_on_the_public_address(desk, app, mailbox):
    assert desk.assign("r1").status_code == 201
    assert mailbox.messages == []  # nothing is sent inside the request
    run_jobs(app)
    [message] = mailbox.to(desk["r1"].user.email)
    assert len(mailbox.messages) == 1
    assert message["Subject"] == "[Fact-check desk] A claim was assigned to you"
    assert message["From"] == "Fact-check desk <desk@factcheck.example>"
    assert message["To"] == desk["r1"].user.email
    assert message["Auto-Submitted"] == "auto-generated"
    text, html = text_of(message), html_of(message)
    claim_link = f"{PUBLIC}review/claims/{desk.claim_id}"
    assert "Eda Editor assigned you the claim “Unemployment fell" in text
    assert claim_link in text and f'href="{claim_link}"' in html
    assert f"{PUBLIC}account/notifications" in text and f"{PUBLIC}account/notifications" in html
    # RFC 8058 one-click unsubscribe on the public address.
    assert _unsubscribe_url(message).startswith(f"{PUBLIC}mail/unsubscribe/")
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    [notification] = rows(app, Notification, user_id=desk["r1"].user.id)
    assert notification.mailed_at is not None
    [job] = _mail_jobs(app)
    assert job.status == JobStatus.DONE and job.key == f"mail:notification:{notification.id}"


def test_claim_words_in_mail_are_escaped_in_html(desk, app, mailbox):
    with app.app_context():
        claim = desk.claim()
        claim.text = "<script>alert(1)</script> & <b>bold</b>"
        db.session.add(claim)
        db.session.commit()
    assert desk.assign("r1").status_code == 201
    run_jobs(app)
    [message] = mailbox.messages
    assert "<script>" not in html_of(message)
    assert "&lt;script&gt;" in html_of(message)
    assert "<script>alert(1)</script>" in text_of(message)  # plain text is plain


def test_no_mail_is_asked_for_when_mail_is_off(make_app, make_user):
    plain = make_app()
    reviewer = make_user(Role.REVIEWER)
    with plain.app_context():
        notify(db.session, users=[db.session.get(User, reviewer.id)],
               kind=NotificationKind.REPORT, actor=None)
        db.session.commit()
    assert len(rows(plain, Notification)) == 1
    assert _mail_jobs(plain) == []


def test_a_rolled_back_event_mails_nothing(desk, app, mailbox):
    with app.app_context():
        notify(db.session, users=[db.session.get(User, desk["r1"].user.id)],
               kind=NotificationKind.REPORT, actor=None)
        db.session.rollback()
        db.session.commit()  # a later commit of the same session carries nothing over
    run_jobs(app)
    assert rows(app, Notification) == [] and _mail_jobs(app) == []
    assert mailbox.messages == []


def test_a_refused_mail_is_retried_and_sent_exactly_once(desk, app, mailbox):
    mailbox.refuse_next(1)
    assert desk.assign("r1").status_code == 201
    run_jobs(app)
    [job] = _mail_jobs(app)
    assert job.status == JobStatus.PENDING and "451" in job.last_error
    assert mailbox.messages == []
    with app.app_context():  # the back-off has passed
        found = db.session.get(Job, job.id)
        found.run_after = utcnow()
        db.session.commit()
    hand_over(app, [job.id])
    run_jobs(app)
    assert len(mailbox.messages) == 1
    assert rows(app, Job, id=job.id)[0].status == JobStatus.DONE
    # Sent again (a duplicate message on the queue, or a worker that died after sending
    # and before recording it): the notification says it went, so no second mail.
    with app.app_context():
        found = db.session.get(Job, job.id)
        found.status = JobStatus.PENDING
        db.session.commit()
    hand_over(app, [job.id, job.id])
    run_jobs(app)
    assert len(mailbox.messages) == 1
    assert rows(app, Job, id=job.id)[0].result["reason"] == "already mailed"


def test_a_notification_read_in_the_app_before_its_mail_goes_is_not_mailed(desk, app, mailbox):
    assert desk.assign("r1").status_code == 201
    assert desk["r1"].api("POST", "/notifications/read", {"all": True}).status_code == 200
    run_jobs(app)
    assert mailbox.messages == []


# --- Choices: at once, digest, off -------------------------------------------------------


def _choose(person, **choices: str) -> None:
    page = person.web.get("/account/notifications").get_data(as_text=True)
    form = {kind.value: MailDelivery.IMMEDIATE.value for kind in NotificationKind}
    form.update(choices)
    response = person.web.post("/account/notifications",
                               data={"csrf_token": csrf_token(page), **form})
    assert response.status_code == 302, response.get_data(as_text=True)


def test_choices_off_and_digest_and_the_daily_digest(desk, app, mailbox):
    _choose(desk["r1"], assigned="digest", unassigned="off")
    assert rows(app, MailPreference, user_id=desk["r1"].user.id)
    assert desk.assign("r1").status_code == 201
    assert desk["editor"].api("DELETE", f"/claims/{desk.claim_id}/assignments/"
                              f"{desk['r1'].user.email}").status_code == 204
    assert desk.assign("r1").status_code == 201
    run_jobs(app)
    assert mailbox.messages == []  # digest and off: nothing at once

    now = utcnow()
    before, after = (now.replace(hour=h, minute=30) for h in (6, 7))  # MAIL_DIGEST_HOUR 7
    with app.app_context():  # what every worker's heartbeat does
        assert DIGEST not in enqueue_due_daily(db.session, now=before, settings=app.config)
        assert DIGEST in enqueue_due_daily(db.session, now=after, settings=app.config)
        db.session.commit()
    run_jobs(app)
    today = now.date().isoformat()
    [digest] = mailbox.to(desk["r1"].user.email)
    assert digest["Subject"] == "[Fact-check desk] Your daily digest: 2 notifications"
    text = text_of(digest)
    assert text.count("assigned you the claim") == 2
    assert "took you off" not in text  # that kind is off
    assert f"{PUBLIC}notifications" in text
    assert _unsubscribe_url(digest).startswith(f"{PUBLIC}mail/unsubscribe/")

    with app.app_context():  # asked again the same day: the key holds it to one
        assert enqueue(db.session, DIGEST, {"day": today}, key=f"{DIGEST}:{today}") is None
        tomorrow = (now.date() + timedelta(days=1)).isoformat()
        enqueue(db.session, DIGEST, {"day": tomorrow}, key=f"{DIGEST}:{tomorrow}")
        db.session.commit()
    run_jobs(app)
    assert len(mailbox.messages) == 1  # nothing new to tell the next day


def test_settings_page_saves_choices_and_says_whether_mail_is_on(desk, app, make_app):
    status, page = desk["r1"].page("/account/notifications")
    assert status == 200 and "A claim is assigned to me" in page
    assert "sends no e-mail" not in page
    _choose(desk["r1"], mention="off", report="digest")
    saved = {p.kind: p.delivery for p in rows(app, MailPreference,
                                              user_id=desk["r1"].user.id)}
    assert saved == {NotificationKind.MENTION: MailDelivery.OFF,
                     NotificationKind.REPORT: MailDelivery.DIGEST}
    page = desk["r1"].page("/account/notifications")[1]
    assert re.search(r'<option selected value="off">Not by e-mail', page) or \
        re.search(r'value="off" selected', page)
    [changed] = rows(app, AuditEvent, action="user.mail_preferences")
    assert changed.details["changes"] == {"mention": "off", "report": "digest"}
    # Back to the default: the rows go.
    _choose(desk["r1"])
    assert rows(app, MailPreference, user_id=desk["r1"].user.id) == []

    plain = make_app()
    client = plain.test_client()
    login(client, desk["r1"].user.email)
    assert "sends no e-mail" in client.get("/account/notifications").get_data(as_text=True)
    assert client.post("/account/notifications", data={"mention": "sometimes"}
                       ).status_code in (400, 422)


def test_one_click_unsubscribe_needs_no_session_and_stops_that_kind(desk, app, mailbox):
    assert desk.assign("r1").status_code == 201
    run_jobs(app)
    link = _path(_unsubscribe_url(mailbox.messages[0]))
    stranger = app.test_client()
    page = stranger.get(link)
    assert page.status_code == 200 and "A claim is assigned to me" in page.get_data(as_text=True)
    assert rows(app, MailPreference) == []  # a GET (a mail scanner) changes nothing
    done = stranger.post(link, data={"List-Unsubscribe": "One-Click"})
    assert done.status_code == 200 and "E-mails stopped" in done.get_data(as_text=True)
    [stopped] = rows(app, MailPreference, user_id=desk["r1"].user.id)
    assert (stopped.kind, stopped.delivery) == (NotificationKind.ASSIGNED, MailDelivery.OFF)
    # The next assignment shows in the app only.
    assert desk["editor"].api("DELETE", f"/claims/{desk.claim_id}/assignments/"
                              f"{desk['r1'].user.email}").status_code == 204
    assert desk.assign("r1").status_code == 201
    run_jobs(app)
    subjects = [m["Subject"] for m in mailbox.messages]
    assert subjects.count("[Fact-check desk] A claim was assigned to you") == 1
    assert "[Fact-check desk] You were taken off a claim" in subjects
    # A forged or altered token reaches nothing.
    assert stranger.get(link[:-3] + "abc").status_code == 404
    assert stranger.post("/mail/unsubscribe/not-a-token").status_code == 404


# --- Blind review ------------------------------------------------------------------------


def test_no_mail_reveals_a_colleagues_verdict(desk, app, mailbox, runner):
    """Every kind of notification is mailed, and no mail to anyone holds a reviewer's
    rating, rationale, comment or draft."""
    blind = "editor2"
    fire_every_event(desk, app, runner, blind)
    run_jobs(app)
    mailed = {n.kind for n in rows(app, Notification) if n.mailed_at is not None}
    assert mailed == set(NotificationKind), "every kind of event was mailed"
    to_blind = mailbox.to(desk[blind].user.email)
    assert len(to_blind) == len(rows(app, Notification, user_id=desk[blind].user.id))
    for message in mailbox.messages:
        whole = message.as_string() + text_of(message) + html_of(message)
        for secret in (SECRET_RATING, SECRET_RATIONALE, SECRET_COMMENT, SECRET_DRAFT):
            assert secret not in whole, (message["To"], message["Subject"])


# --- Invitations and password resets -----------------------------------------------------


def _admin(app, make_user):
    admin = make_user(Role.ADMIN)
    client = app.test_client()
    assert login(client, admin.email).status_code == 302
    return admin, client


def test_an_invitation_is_mailed_and_its_link_sets_the_password(app, mailbox, make_user):
    _admin_user, admin = _admin(app, make_user)
    page = admin.get("/admin/users/new").get_data(as_text=True)
    created = admin.post("/admin/users/new", data={
        "csrf_token": csrf_token(page), "display_name": "Nia New",
        "email": "nia@example.org", "role": "reviewer", "password": ""},
        follow_redirects=True)
    assert "the invitation is on its way to nia@example.org" in created.get_data(as_text=True)
    run_jobs(app)
    [message] = mailbox.to("nia@example.org")
    assert message["Subject"] == "[Fact-check desk] You are invited to the desk"
    [link] = [url for url in _links(message) if "/invitation/" in url]
    assert link.startswith(f"{PUBLIC}invitation/")
    newcomer = app.test_client()
    form = newcomer.get(_path(link)).get_data(as_text=True)
    accepted = newcomer.post(_path(link), data={
        "csrf_token": csrf_token(form), "password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert accepted.status_code == 302
    assert newcomer.get(_path(link)).status_code == 404  # used once

    # Sending again is a button on the invitation page (for an open invitation).
    pending = make_user(Role.REVIEWER, password=None, email="late@example.org")
    page = admin.get(f"/admin/users/{pending.id}/invitation").get_data(as_text=True)
    assert "Send the invitation by e-mail" in page
    sent = admin.post(f"/admin/users/{pending.id}/invitation/send",
                      data={"csrf_token": csrf_token(page)})
    assert sent.status_code == 302
    run_jobs(app)
    assert len(mailbox.to("late@example.org")) == 1


def _ask_reset(client, email: str, headers: dict | None = None, **kwargs):
    page = client.get("/password/forgot", headers=headers).get_data(as_text=True)
    return client.post("/password/forgot", data={"csrf_token": csrf_token(page),
                                                 "email": email}, headers=headers, **kwargs)


def test_forgot_password_mails_a_single_use_link_and_never_says_who_has_an_account(
        app, mailbox, make_user):
    user = make_user(Role.REVIEWER)
    reader = app.test_client()
    assert "Forgot your password?" in reader.get("/login").get_data(as_text=True)
    known = _ask_reset(app.test_client(), user.email, follow_redirects=True,
                       headers={"Host": "attacker.example"})
    unknown = _ask_reset(reader, "nobody@example.org", follow_redirects=True)
    said = [re.sub(r"If \S+ belongs", "If X belongs",
                   " ".join(re.findall(r'<p class="flash[^>]*>(.*?)</p>',
                                       r.get_data(as_text=True))))
            for r in (known, unknown)]
    assert known.status_code == unknown.status_code == 200
    assert "a link to choose a new password is on its way" in said[0]
    assert said[0] == said[1]  # the same page whether or not the account exists
    run_jobs(app)
    [message] = mailbox.messages
    assert message["To"] == user.email
    [link] = [url for url in _links(message) if "/password/reset/" in url]
    assert link.startswith(f"{PUBLIC}password/reset/")  # never the request's Host
    assert "attacker.example" not in message.as_string()

    owner = app.test_client()
    form = owner.get(_path(link)).get_data(as_text=True)
    reset = owner.post(_path(link), data={"csrf_token": csrf_token(form),
                                          "password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert reset.status_code == 302 and owner.get("/").status_code == 200
    assert login(app.test_client(), user.email, PASSWORD).status_code == 401
    assert login(app.test_client(), user.email, NEW_PASSWORD).status_code == 302
    assert owner.get(_path(link)).status_code == 404  # spent by its use
    assert rows(app, AuditEvent, action="user.password_reset", actor_id=user.id)


def test_a_reset_link_expires(app, make_app, mailbox, make_user):
    user = make_user(Role.REVIEWER)
    _ask_reset(app.test_client(), user.email)
    run_jobs(app)
    [link] = [url for url in _links(mailbox.messages[0]) if "/password/reset/" in url]
    assert app.test_client().get(_path(link)).status_code == 200
    late = make_app(**mailbox.config, PASSWORD_RESET_MAX_AGE=timedelta(seconds=-1))
    assert late.test_client().get(_path(link)).status_code == 404


def test_forgot_password_is_throttled_alike_for_known_and_unknown_addresses(
        app, mailbox, make_user):
    user = make_user(Role.REVIEWER)
    for email in (user.email, "nobody@example.org"):
        client = app.test_client()
        for _attempt in range(3):
            assert _ask_reset(client, email).status_code == 302
        refused = _ask_reset(client, email)
        assert refused.status_code == 429
        assert "Too many requests" in refused.get_data(as_text=True)
    run_jobs(app)
    assert len(mailbox.to(user.email)) == 3


def test_without_mail_forgot_password_says_to_ask_an_administrator(make_app, make_user):
    plain = make_app()
    user = make_user(Role.REVIEWER)
    client = plain.test_client()
    page = client.get("/password/forgot").get_data(as_text=True)
    assert "Ask an administrator" in page and 'name="email"' not in page
    token = csrf_token(client.get("/login").get_data(as_text=True))
    assert client.post("/password/forgot", data={"csrf_token": token, "email": user.email}
                       ).status_code == 200
    assert _mail_jobs(plain) == []


# --- The administrators' view ------------------------------------------------------------


def test_admin_settings_show_the_mail_server_and_send_a_test_message(
        app, make_app, mailbox, make_user):
    admin_user, admin = _admin(app, make_user)
    page = admin.get("/admin/settings").get_data(as_text=True)
    assert f"127.0.0.1:{mailbox.port}" in page and "desk@factcheck.example" in page
    assert f"Links in mail lead to {PUBLIC}" in page
    sent = admin.post("/admin/settings/test-mail", data={"csrf_token": csrf_token(page)})
    assert sent.status_code == 302
    run_jobs(app)
    [message] = mailbox.to(admin_user.email)
    assert message["Subject"] == "[Fact-check desk] Test message"

    plain = make_app()
    client = plain.test_client()
    login(client, admin_user.email)
    page = client.get("/admin/settings").get_data(as_text=True)
    assert "Mail is off" in page and "FACTCHECK_MAIL_SERVER" in page


def test_mail_jobs_are_listed_for_admins(desk, app, mailbox, make_user):
    mailbox.refuse_next(10)
    assert desk.assign("r1").status_code == 201
    run_jobs(app)
    _admin_user, admin = _admin(app, make_user)
    page = admin.get("/admin/jobs").get_data(as_text=True)
    assert "mail.notification" in page or "Notification mail" in page
    assert "451" in page



def test_inbox_and_api_say_where_each_mail_stands(desk, app, mailbox):
    assert desk.assign("r1").status_code == 201
    [item] = desk["r1"].api("GET", "/notifications").json["items"]
    assert (item["mail"], item["mailed_at"]) == ("pending", None)
    assert "e-mail on its way" in desk["r1"].page("/notifications")[1]
    run_jobs(app)
    [item] = desk["r1"].api("GET", "/notifications").json["items"]
    assert item["mail"] == "sent" and item["mailed_at"]
    assert "e-mailed" in desk["r1"].page("/notifications")[1]
    _choose(desk["r1"], unassigned="off")
    assert desk["editor"].api("DELETE", f"/claims/{desk.claim_id}/assignments/"
                              f"{desk['r1'].user.email}").status_code == 204
    newest = desk["r1"].api("GET", "/notifications").json["items"][0]
    assert newest["kind"] == "unassigned" and newest["mail"] is None
