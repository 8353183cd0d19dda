"""The mail the desk sends: notifications (at once or in a daily digest), invitations,
password resets, editors' replies to readers' reports and the administrators' test
message, each built and sent by a job.

Every mail has a plain-text and an HTML part, the desk's name, absolute links built on
FACTCHECK_PUBLIC_URL, and (for notifications) a `List-Unsubscribe` header whose one-click
link turns that kind of mail off. A notification's mail says only what its in-app
sentence says, so blind review holds in mail as it does in the inbox.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from flask import Flask, current_app
from itsdangerous import BadSignature, URLSafeSerializer
from sqlmodel import Session

from ..dbtypes import utcnow
from ..extensions import db
from ..i18n import DEFAULT_LOCALE, LANGUAGES, _, in_locale, ngettext
from ..infra.links import public_url
from ..infra.mail import MailSettings, build_message, mail_settings, send_message
from ..invitations import invitation_token, reset_token
from ..models import Article, Notification, ReaderReport, ReportReply, User
from ..queries.accounts import find_user_by_email
from ..queries.mail import delivery_of, digest_notifications
from ..queries.notifications import NotificationView, describe, notification_target
from ..queries.reports import reply_address
from ..queries.settings import get_setting
from ..states import ArticleStatus, MailDelivery, NotificationKind
from ..workflow import mail as mail_flow
from ..workflow.jobs import JobRefused, daily, handler
from ..workflow.notifications import NOTIFIED

_UNSUBSCRIBE_SALT = "factcheck.unsubscribe"
ALL_KINDS = "*"  # the unsubscribe link of a digest stops every digest
DIGEST_REACH = timedelta(days=7)  # older unread notifications are not mailed any more


def init_mail(app: Flask) -> None:
    """Ask for notification mail in the transaction that writes the notifications."""
    # Shared by every app of the process, like the job hand-over: the session that
    # commits belongs to the current app, whose settings say whether mail is on.
    db.before_commit(NOTIFIED, _mail_new_notifications)
    app.jinja_env.globals["mail_is_on"] = mail_is_on


def mail_is_on() -> bool:
    """True when a mail server is configured (else notifications stay in the app)."""
    return mail_settings(current_app.config) is not None


def _mail_new_notifications(session: Session, ids: list[int]) -> None:
    if mail_is_on():
        mail_flow.enqueue_notification_mail(session, ids)


# --- Unsubscribe links -------------------------------------------------------------------


def unsubscribe_token(user: User, kind: NotificationKind | str) -> str:
    """The signed token of a mail's one-click unsubscribe link (a kind, or every digest)."""
    return URLSafeSerializer(current_app.secret_key, salt=_UNSUBSCRIBE_SALT).dumps(
        {"u": user.id, "k": str(kind)})


def read_unsubscribe_token(token: str) -> tuple[int, str] | None:
    """The (user id, kind) an unsubscribe token names, or None when it is not ours."""
    try:
        data = URLSafeSerializer(current_app.secret_key, salt=_UNSUBSCRIBE_SALT).loads(token)
    except BadSignature:
        return None
    user_id, kind = data.get("u"), data.get("k")
    if not isinstance(user_id, int) or not isinstance(kind, str):
        return None
    if kind != ALL_KINDS and kind not in {k.value for k in NotificationKind}:
        return None
    return user_id, kind


# --- Building and sending ----------------------------------------------------------------


def _settings() -> MailSettings:
    settings = mail_settings(current_app.config)
    if settings is None:
        raise JobRefused(_("No mail server is configured (FACTCHECK_MAIL_SERVER)."))
    return settings


def _render(name: str, **context: Any) -> tuple[str, str]:
    # Rendered from the environment, not render_template: a worker has no request, and
    # the pages' context processors (the signed-in user) have nothing to say to a mail.
    env = current_app.jinja_env
    desk = get_setting(db.session, "org_name")
    context = {"desk": desk, "settings_url": public_url("mail.settings"), **context}
    return (env.get_template(f"mail/{name}.txt").render(**context),
            env.get_template(f"mail/{name}.html").render(**context))


def _send(*, to: User, subject: str, template: str, unsubscribe_kind: str | None = None,
          message_id: str | None = None, **context: Any) -> None:
    headers = {"Auto-Submitted": "auto-generated"}
    unsubscribe_url = None
    if unsubscribe_kind is not None:
        unsubscribe_url = public_url("mail.unsubscribe",
                                     token=unsubscribe_token(to, unsubscribe_kind))
        # RFC 8058: the mailbox's "unsubscribe" button posts to this address, signed in or not.
        headers["List-Unsubscribe"] = f"<{unsubscribe_url}>"
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    text, html = _render(template, user=to, unsubscribe_url=unsubscribe_url, **context)
    desk = get_setting(db.session, "org_name")
    _deliver(to=to.email, subject=f"[{desk}] {subject}", text=text, html=html,
             headers=headers, message_id=message_id)


def _deliver(*, to: str, subject: str, text: str, html: str, headers: dict[str, str],
             message_id: str | None) -> None:
    """Send one built mail from the desk (its name as the sender's name) to `to`."""
    settings = _settings()
    desk = get_setting(db.session, "org_name")
    send_message(settings, build_message(
        settings=settings, sender_name=desk, to=to, subject=subject, text=text, html=html,
        headers=headers, message_id=message_id))


def _speaking_to(user: User):
    """Translate what follows into the recipient's language (their setting, else the desk's
    default): a mail is read by one person, whoever's request or job caused it."""
    chosen = user.locale if user.locale in LANGUAGES else get_setting(db.session,
                                                                        "default_locale")
    return in_locale(chosen if chosen in LANGUAGES else DEFAULT_LOCALE)


def _subject(kind: NotificationKind) -> str:
    return {
        NotificationKind.ASSIGNED: _("A claim was assigned to you"),
        NotificationKind.UNASSIGNED: _("You were taken off a claim"),
        NotificationKind.SENT_BACK: _("A claim you review was sent back"),
        NotificationKind.READY_FOR_DECISION: _("A claim is ready for decision"),
        NotificationKind.DECIDED: _("A claim you review was decided"),
        NotificationKind.PUBLISHED: _("A claim you review was published"),
        NotificationKind.CORRECTED: _("A correction to a check you worked on"),
        NotificationKind.REPORT: _("A reader sent a report"),
        NotificationKind.MENTION: _("You were mentioned in a discussion"),
        NotificationKind.DUE_TOMORROW: _("Reminder: a review is due tomorrow"),
        NotificationKind.OVERDUE: _("Reminder: a review is overdue"),
    }.get(kind, _("A notification"))


def _link(notification: Notification) -> str:
    target = notification_target(notification)
    return public_url(target.endpoint, _anchor=target.anchor, **target.values)


def _view(session: Session, notification: Notification) -> NotificationView:
    actor = session.get(User, notification.actor_id) if notification.actor_id else None
    return NotificationView(notification, actor)


@handler(mail_flow.NOTIFICATION_MAIL)
def send_notification_mail(session: Session, payload: dict[str, Any]) -> dict[str, Any]:
    """Mail one notification to its recipient, unless already mailed, read or unwanted."""
    notification = session.get(Notification, payload["id"])
    if notification is None:
        return {"sent": False, "reason": "the notification was deleted"}
    if notification.mailed_at is not None:
        return {"sent": False, "reason": "already mailed"}
    user = session.get(User, notification.user_id)
    if not user.is_active:
        return {"sent": False, "reason": "the account is deactivated"}
    if notification.read_at is not None:
        return {"sent": False, "reason": "already read in the app"}
    if delivery_of(session, user_id=user.id, kind=notification.kind) != MailDelivery.IMMEDIATE:
        return {"sent": False, "reason": "the user changed their mail settings"}
    with _speaking_to(user):
        _send(to=user, subject=_subject(notification.kind), template="notification",
              unsubscribe_kind=notification.kind,
              message_id=f"notification-{notification.id}",
              sentence=describe(_view(session, notification)), link=_link(notification))
    mail_flow.mark_mailed(session, [notification.id])
    return {"sent": True, "to": user.email}


@daily(mail_flow.DIGEST, hour="MAIL_DIGEST_HOUR")
def request_daily_digests(session: Session, payload: dict[str, Any]) -> dict[str, Any]:
    """Ask for today's digest of every user who chose one (one job per user); the worker's
    heartbeat asks for this job once a day from MAIL_DIGEST_HOUR."""
    if not mail_is_on():
        return {"users": 0, "reason": "mail is off"}
    day = date.fromisoformat(payload["day"]) if payload.get("day") else utcnow().date()
    return {"users": mail_flow.request_digests(session, day=day)}


@handler(mail_flow.DIGEST_OF_USER)
def send_digest(session: Session, payload: dict[str, Any]) -> dict[str, Any]:
    """Mail one user their unread notifications of the kinds they gather, in one message."""
    user = session.get(User, payload["user_id"])
    if user is None or not user.is_active:
        return {"sent": False, "reason": "no active account"}
    since: datetime = utcnow() - DIGEST_REACH
    found = digest_notifications(session, user=user, since=since)
    if not found:
        return {"sent": False, "reason": "nothing to tell"}
    with _speaking_to(user):
        items = [{"sentence": describe(_view(session, n)), "link": _link(n),
                  "at": n.created_at} for n in found]
        _send(to=user, subject=ngettext("Your daily digest: {n} notification",
                                        "Your daily digest: {n} notifications", len(items)),
              template="digest", unsubscribe_kind=ALL_KINDS,
              message_id=f"digest-{user.id}-{payload['day']}", items=items,
              inbox_url=public_url("notifications.index"))
    mail_flow.mark_mailed(session, [n.id for n in found])
    return {"sent": True, "to": user.email, "notifications": len(items)}


@handler(mail_flow.INVITATION_MAIL)
def send_invitation(session: Session, payload: dict[str, Any]) -> dict[str, Any]:
    """Mail an invited user the link to choose their password."""
    user = session.get(User, payload["user_id"])
    if user is None or not user.is_active or user.password_hash:
        return {"sent": False, "reason": "the invitation is no longer open"}
    inviter = session.get(User, payload.get("by_id")) if payload.get("by_id") else None
    with _speaking_to(user):
        _send(to=user, subject=_("You are invited to the desk"), template="invitation",
              link=public_url("auth.invitation", token=invitation_token(user)),
              inviter=inviter, days=current_app.config["INVITATION_MAX_AGE"].days)
    return {"sent": True, "to": user.email}


@handler(mail_flow.PASSWORD_RESET_MAIL)
def send_password_reset(session: Session, payload: dict[str, Any]) -> dict[str, Any]:
    """Mail a user the single-use link that lets them choose a new password."""
    user = find_user_by_email(session, payload["email"])
    if user is None or not user.is_active or not user.password_hash:
        return {"sent": False, "reason": "no active account with a password"}
    minutes = int(current_app.config["PASSWORD_RESET_MAX_AGE"].total_seconds() // 60)
    with _speaking_to(user):
        _send(to=user, subject=_("Choose a new password"), template="password_reset",
              link=public_url("auth.reset_password", token=reset_token(user)),
              minutes=minutes)
    return {"sent": True, "to": user.email}


@handler(mail_flow.TEST_MAIL)
def send_test_mail(session: Session, payload: dict[str, Any]) -> dict[str, Any]:
    """The administrators' test message, to check the mail settings end to end."""
    user = session.get(User, payload["user_id"])
    if user is None:
        return {"sent": False, "reason": "no such account"}
    with _speaking_to(user):
        _send(to=user, subject=_("Test message"), template="test",
              site_url=public_url("main.index"))
    return {"sent": True, "to": user.email}


def default_language():
    """Translate what follows into the organisation's default language (for a reader, who
    has no account and so no language setting of their own)."""
    chosen = get_setting(db.session, "default_locale")
    return in_locale(chosen if chosen in LANGUAGES else DEFAULT_LOCALE)


@handler(mail_flow.REPORT_REPLY_MAIL)
def send_report_reply(session: Session, payload: dict[str, Any]) -> dict[str, Any]:
    """Mail an editor's reply to the reader who sent the report, once: `sent_at` is set in
    the job's transaction, and the Message-ID is the reply's, should a crash between
    sending and recording send it again."""
    reply = session.get(ReportReply, payload["id"])
    if reply is None:
        return {"sent": False, "reason": "the reply was deleted"}
    if reply.sent_at is not None:
        return {"sent": False, "reason": "already sent"}
    report = session.get(ReaderReport, reply.report_id)
    address = reply_address(report.contact if report is not None else None)
    if address is None:
        raise JobRefused(_("The reader left no valid e-mail address to reply to."))
    article = session.get(Article, report.article_id) if report.article_id else None
    # The reader has no account, so no language of their own: the mail speaks the
    # organisation's default language (the editor's own words stay as they wrote them).
    with default_language():
        text, html = _render(
            "report_reply", settings_url=None, body=reply.body, report=report,
            title=article.title if article is not None else "",
            link=public_url("public.check", slug=article.slug)
            if article is not None and article.status == ArticleStatus.PUBLISHED else None)
        _deliver(to=address, subject=reply.subject, text=text, html=html, headers={},
                 message_id=f"report-reply-{reply.id}")
    reply.sent_at = utcnow()
    session.add(reply)
    return {"sent": True, "to": address}
