"""Preserved copies of evidence pages, fetched by a background job (issue 17).

`request_capture` writes a pending capture and its job in the caller's transaction (when
evidence is added, when its address changes, or when someone asks for a new copy), so a
rolled-back request asks for nothing. The job is keyed by the capture's id: however often
it is handed over or run, it fills that one row and never makes a second copy. Earlier
copies are kept; the latest one is what the desk sees.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlmodel import Session, select

from ..dbtypes import utcnow
from ..engine.quotes import find_quote
from ..i18n import _
from ..intake.capture import capture_page
from ..models import Article, Claim, Evidence, EvidenceCapture, User
from ..states import CaptureStatus, Role
from .assignments import require_claim_access
from .audit import record_audit
from .errors import WorkflowError
from .jobs import enqueue, handler
from .publishing import CHANGED_CHECKS
from .reviews import require_decider

KIND = "evidence.capture"
# The second attempt is for a worker that died mid-fetch; a page that failed is recorded
# as failed on the capture, and a person asks again.
ATTEMPTS = 2
DEFAULT_OPTIONS: dict[str, Any] = {"max_bytes": 10 * 1024 * 1024, "timeout": 20.0,
                                   "allow_loopback": False, "allow_private": False}


@dataclass
class _Settings:
    """Where the job reads the current app's fetch settings (the workflow knows no Flask)."""

    options: Callable[[], dict[str, Any]] = field(default=lambda: dict(DEFAULT_OPTIONS))


SETTINGS = _Settings()


def configure_captures(*, options: Callable[[], dict[str, Any]]) -> None:
    """Set where capture jobs read `max_bytes`, `timeout` and the allowed addresses."""
    SETTINGS.options = options


def job_key(capture_id: int) -> str:
    """The key of the job that fills capture `capture_id` (one job per capture)."""
    return f"{KIND}:{capture_id}"


def request_capture(session: Session, *, evidence: Evidence,
                    actor: User | None) -> EvidenceCapture:
    """Ask for a new copy of the evidence's page, fetched after the transaction commits.

    While a copy is still pending for the same address, that one is returned: clicking
    twice does not fetch the page twice.
    """
    pending = session.exec(select(EvidenceCapture).where(
        EvidenceCapture.evidence_id == evidence.id,
        EvidenceCapture.status == CaptureStatus.PENDING,
        EvidenceCapture.url == evidence.url)).first()
    if pending is not None:
        return pending
    capture = EvidenceCapture(evidence_id=evidence.id, url=evidence.url,
                              requested_by_id=actor.id if actor is not None else None)
    session.add(capture)
    session.flush()
    enqueue(session, KIND, {"capture_id": capture.id}, key=job_key(capture.id),
            max_attempts=ATTEMPTS)
    return capture


def capture_again(session: Session, *, evidence: Evidence, actor: User) -> EvidenceCapture:
    """Ask for a new copy by hand: whoever may edit the source (its author, or an editor
    who does not review the claim), whatever the claim's state (pages rot after publishing
    too). Earlier copies stay."""
    from .evidence import may_change_evidence  # (evidence.py asks for captures too)

    claim = session.get(Claim, evidence.claim_id)
    require_claim_access(session, claim=claim, user=actor)
    if evidence.removed_at is not None:
        raise WorkflowError(_("This source has been removed from the claim."), code="conflict")
    if not may_change_evidence(session, evidence=evidence, user=actor):
        raise WorkflowError(_("Only the person who added this source, or an editor, can ask "
                              "for a new copy of its page."), code="forbidden")
    capture = request_capture(session, evidence=evidence, actor=actor)
    record_audit(session, actor=actor, action="evidence.capture", obj=claim,
                 evidence=evidence.id, capture=capture.id)
    return capture


@handler(KIND)
def run_capture(session: Session, payload: dict[str, Any]) -> dict[str, Any]:
    """Fetch and preserve the page of one pending capture (idempotent: a capture that is
    no longer pending is left as it is)."""
    capture_id = payload["capture_id"]
    capture = session.get(EvidenceCapture, capture_id)
    if capture is None:
        return {"skipped": "deleted"}  # the evidence was deleted meanwhile
    if capture.status != CaptureStatus.PENDING:
        return {"status": str(capture.status)}  # a job run again after a crash
    evidence = session.get(Evidence, capture.evidence_id)
    url, quote = capture.url, evidence.quote if evidence is not None else ""
    options = {**DEFAULT_OPTIONS, **SETTINGS.options()}
    # No transaction stays open while the remote site takes its time (on SQLite an open
    # one would stall every web request meanwhile).
    session.commit()
    outcome = capture_page(url, **options)
    capture = session.get(EvidenceCapture, capture_id, populate_existing=True)
    if capture is None or capture.status != CaptureStatus.PENDING:
        return {"skipped": "gone or done meanwhile"}
    capture.status = CaptureStatus(outcome.status)
    capture.reason = outcome.reason
    capture.captured_at = utcnow()
    for name in ("final_url", "http_status", "content_type", "sha256", "size", "warc",
                 "title", "text"):
        setattr(capture, name, getattr(outcome, name))
    if quote.strip() and outcome.text:
        span = find_quote(outcome.text, quote)
        capture.quote_found = span is not None
        capture.quote_start, capture.quote_end = span if span is not None else (None, None)
    session.add(capture)
    session.flush()
    if capture.status == CaptureStatus.PRESERVED and evidence is not None:
        _changed_check(session, evidence)  # a published check now shows this copy
    return {"status": str(capture.status), "capture_id": capture.id}


def _changed_check(session: Session, evidence: Evidence) -> None:
    """Note that the public pages of the evidence's check change with this commit."""
    claim = session.get(Claim, evidence.claim_id)
    article = session.get(Article, claim.article_id) if claim is not None else None
    if article is not None:
        session.info.setdefault(CHANGED_CHECKS, set()).add(article.slug)


def set_public_copy(session: Session, *, evidence: Evidence, public: bool,
                    actor: User) -> None:
    """Let readers open the source's preserved copy from the verdict page, or not (the
    publisher's choice, for copyright reasons): an editor who may decide the claim (never
    one of its reviewers), whatever its state: a page may have to come down after the
    check is published."""
    if not actor.role.at_least(Role.EDITOR):
        raise WorkflowError(_("Only editors decide whether readers see preserved copies."),
                            code="forbidden")
    require_decider(session, claim=session.get(Claim, evidence.claim_id), editor=actor)
    if evidence.public_copy == public:
        return
    evidence.public_copy = public
    evidence.updated_at = utcnow()  # part of the verdict page's version (its ETag)
    session.add(evidence)
    session.flush()
    record_audit(session, actor=actor, action="evidence.public_copy",
                 obj=session.get(Claim, evidence.claim_id), evidence=evidence.id,
                 public=public)
    _changed_check(session, evidence)

