"""Readers' reports of errors and claim suggestions, and the editors' triage of them."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import Session, select

from ..i18n import _
from ..models import Article, ReaderReport, ReportReply, User
from ..queries.reports import reply_address, reply_key
from ..states import ReportStatus, WebhookEvent, can_transition
from .audit import record_audit
from .errors import WorkflowError
from .jobs import enqueue
from .mail import MAIL_ATTEMPTS, REPORT_REPLY_MAIL
from .notifications import notify_report
from .throttle import over_limit, record_hits
from .webhooks import emit

REPORTS_PER_ADDRESS = 5
REPORT_WINDOW = timedelta(hours=1)
REPLY_MAX_LENGTH = 10000


def submit_report(
    session: Session,
    *,
    article: Article,
    claim_id: int | None,
    message: str,
    contact: str,
    address: str,
) -> ReaderReport:
    """Store a reader's report for the editors; a few per hour per address."""
    key = f"report:address:{address}"
    if over_limit(session, {key: REPORTS_PER_ADDRESS}, REPORT_WINDOW):
        raise WorkflowError(_("Thank you, but we have received several reports from you "
                              "recently. Please try again in an hour."), code="conflict")
    if not message.strip():
        raise WorkflowError(_("Tell us what is wrong or which claim to check."),
                            field="message")
    same = session.exec(select(ReaderReport).where(
        ReaderReport.article_id == article.id, ReaderReport.claim_id == claim_id,
        ReaderReport.message == message.strip(), ReaderReport.contact == contact.strip(),
        ReaderReport.status == ReportStatus.NEW)).first()
    if same is not None:  # sent twice: the editors already have it
        return same
    report = ReaderReport(article_id=article.id, claim_id=claim_id, message=message.strip(),
                          contact=contact.strip())
    session.add(report)
    record_hits(session, [key], REPORT_WINDOW)
    session.flush()
    record_audit(session, actor=None, action="report.submit", obj=report,
                 article=article.id)
    notify_report(session, report=report, article=article)
    emit(session, WebhookEvent.REPORT_RECEIVED, report=report, article=article)
    return report


def set_report_status(session: Session, *, report: ReaderReport, status: ReportStatus,
                      actor: User) -> None:
    """Move a report through the triage inbox (new, triaged, closed)."""
    if not can_transition(report.status, status):
        raise WorkflowError(_("This report cannot move to that state."), code="conflict")
    before = report.status
    report.status = status
    session.add(report)
    record_audit(session, actor=actor, action="report.status", obj=report,
                 before=str(before), after=str(status))


def reply_to_report(session: Session, *, report: ReaderReport, author: User, subject: str,
                    body: str, mail_on: bool) -> ReportReply:
    """Store an editor's reply to the reader and ask for its mail once the transaction
    commits (one job per reply, retried; the job records when the mail went out). A new
    report counts as triaged from then on.

    `mail_on` says whether a mail server is configured: without one nothing is stored.
    """
    if not mail_on:
        raise WorkflowError(_("Replies cannot be sent: no mail server is configured."),
                            code="conflict")
    if reply_address(report.contact) is None:
        raise WorkflowError(_("The reader left no valid e-mail address to reply to."),
                            code="conflict")
    subject = " ".join(subject.split())
    body = body.replace("\r\n", "\n").replace("\r", "\n").strip()
    if not subject:
        raise WorkflowError(_("Write a subject."), field="subject")
    if not body:
        raise WorkflowError(_("Write your reply."), field="body")
    if len(body) > REPLY_MAX_LENGTH:
        raise WorkflowError(_("The reply is too long."), field="body")
    reply = ReportReply(report_id=report.id, author_id=author.id, subject=subject[:200],
                        body=body)
    session.add(reply)
    session.flush()
    enqueue(session, REPORT_REPLY_MAIL, {"id": reply.id}, key=reply_key(reply.id),
            max_attempts=MAIL_ATTEMPTS)
    record_audit(session, actor=author, action="report.reply", obj=report, reply=reply.id)
    if report.status == ReportStatus.NEW:
        set_report_status(session, report=report, status=ReportStatus.TRIAGED, actor=author)
    return reply
