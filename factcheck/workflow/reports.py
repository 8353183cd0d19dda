"""Readers' reports of errors and claim suggestions, and the editors' triage of them."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import Session, select

from ..i18n import _
from ..models import Article, ReaderReport, User
from ..states import ReportStatus, WebhookEvent, can_transition
from .audit import record_audit
from .errors import WorkflowError
from .notifications import notify_report
from .throttle import over_limit, record_hits
from .webhooks import emit

REPORTS_PER_ADDRESS = 5
REPORT_WINDOW = timedelta(hours=1)


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
