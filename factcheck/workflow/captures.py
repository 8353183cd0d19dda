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
from ..engine.quotes import find_quote, quote_parts
from ..i18n import _
from ..intake.capture import FAILED, PRESERVED, CaptureOutcome, capture_page
from ..intake.wayback import save_page_now
from ..models import Article, Claim, Evidence, EvidenceCapture, User
from ..states import CaptureStatus, Role, WaybackStatus
from .assignments import require_claim_access
from .audit import record_audit
from .errors import WorkflowError
from .jobs import enqueue, handler, on_give_up, on_retry
from .publishing import CHANGED_CHECKS
from .reviews import require_decider

KIND = "evidence.capture"
WAYBACK_KIND = "evidence.wayback"
# The second attempt is for a worker that died mid-fetch; a page that failed is recorded
# as failed on the capture, and a person asks again.
ATTEMPTS = 2
DEFAULT_OPTIONS: dict[str, Any] = {"max_bytes": 10 * 1024 * 1024, "timeout": 20.0,
                                   "allow_loopback": False, "allow_private": False}


@dataclass
class _Settings:
    """Where the job reads the current app's fetch settings (the workflow knows no Flask)."""

    options: Callable[[], dict[str, Any]] = field(default=lambda: dict(DEFAULT_OPTIONS))
    # Where the WARC files go: None keeps them in the capture's row; otherwise an object
    # with `put_warc(warc, body_sha256=...) -> key` (factcheck/infra/archive_storage.py)
    # that raises on failure.
    storage: Callable[[], Any] = field(default=lambda: None)
    # Save Page Now: None when off, else the keyword arguments of `save_page_now`.
    wayback: Callable[[], dict[str, Any] | None] = field(default=lambda: None)


SETTINGS = _Settings()


def configure_captures(*, options: Callable[[], dict[str, Any]],
                       storage: Callable[[], Any] | None = None,
                       wayback: Callable[[], dict[str, Any] | None] | None = None) -> None:
    """Set where capture jobs read `max_bytes`, `timeout` and the allowed addresses, where
    they store the preserved copies (None: in the database), and whether (and how) to ask
    the Internet Archive for a snapshot too."""
    SETTINGS.options = options
    SETTINGS.storage = storage if storage is not None else (lambda: None)
    SETTINGS.wayback = wayback or (lambda: None)


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
    url = capture.url
    options = {**DEFAULT_OPTIONS, **SETTINGS.options()}
    storage = SETTINGS.storage()
    # No transaction stays open while the remote site takes its time (on SQLite an open
    # one would stall every web request meanwhile).
    session.commit()
    outcome = capture_page(url, **options)
    storage_key, stored = None, outcome.warc
    if outcome.status == PRESERVED and storage is not None and outcome.warc is not None:
        # Written before the row: a row never points at a copy that is not there (an
        # object left without a row, by a crash before the commit, is harmless: content-
        # addressed, it is the same object when the page is captured again).
        try:
            storage_key = storage.put_warc(outcome.warc, body_sha256=outcome.sha256)
            stored = None
        except Exception as error:  # whatever the storage raises, the desk is told why
            outcome = CaptureOutcome(FAILED, _(
                "The page was fetched but its copy could not be stored: {reason}",
                reason=error), final_url=outcome.final_url, http_status=outcome.http_status,
                content_type=outcome.content_type)
            stored = None
    capture = session.get(EvidenceCapture, capture_id, populate_existing=True)
    if capture is None or capture.status != CaptureStatus.PENDING:
        return {"skipped": "gone or done meanwhile"}
    # The quote as it is now: it may have been edited while the page was being fetched.
    evidence = session.get(Evidence, capture.evidence_id, populate_existing=True)
    quote = evidence.quote if evidence is not None else ""
    capture.status = CaptureStatus(outcome.status)
    capture.reason = outcome.reason
    capture.captured_at = utcnow()
    for name in ("final_url", "http_status", "content_type", "sha256", "size", "title",
                 "text"):
        setattr(capture, name, getattr(outcome, name))
    capture.warc, capture.storage_key = stored, storage_key
    locate_quote(capture, quote)
    if capture.status == CaptureStatus.PRESERVED and SETTINGS.wayback() is not None:
        # Only a page we could fetch and keep goes to the Internet Archive (never a private
        # address, an error page or a refused type), in a job of its own: the copy shows
        # at once, however long the Archive takes.
        capture.wayback_status = WaybackStatus.PENDING
        enqueue(session, WAYBACK_KIND, {"capture_id": capture.id},
                key=f"{WAYBACK_KIND}:{capture.id}", max_attempts=ATTEMPTS)
    session.add(capture)
    session.flush()
    if capture.status == CaptureStatus.PRESERVED and evidence is not None:
        _changed_check(session, evidence)  # a published check now shows this copy
    return {"status": str(capture.status), "capture_id": capture.id}


@on_give_up(KIND)
def fail_capture(session: Session, payload: dict[str, Any], error: str) -> None:
    """A copy whose job failed for good without recording it (a crash, a worker that died on
    the page each time) is failed, so that asking for a new copy fetches the page again."""
    capture = session.get(EvidenceCapture, payload["capture_id"])
    if capture is not None and capture.status == CaptureStatus.PENDING:
        capture.status, capture.captured_at = CaptureStatus.FAILED, utcnow()
        capture.reason = _("The copy could not be made: the background job fetching the "
                           "page failed. Ask for a new copy to try again.")
        session.add(capture)


@on_retry(KIND)
def capture_retried(session: Session, payload: dict[str, Any]) -> None:
    """An admin retrying the job of a copy that failed with it fetches that copy again,
    unless a newer copy of the source was asked for since (that one is the source's copy)."""
    capture = session.get(EvidenceCapture, payload["capture_id"])
    if capture is None or capture.status != CaptureStatus.FAILED:
        return
    newer = session.exec(select(EvidenceCapture.id).where(
        EvidenceCapture.evidence_id == capture.evidence_id,
        EvidenceCapture.id > capture.id)).first()
    if newer is not None:
        raise WorkflowError(_("A newer copy of this page was asked for since; this one "
                              "is not fetched again."), code="conflict")
    capture.status, capture.reason, capture.captured_at = CaptureStatus.PENDING, "", None
    session.add(capture)


@handler(WAYBACK_KIND)
def run_wayback(session: Session, payload: dict[str, Any]) -> dict[str, Any]:
    """Ask Save Page Now for a snapshot of a preserved page and record its address or why
    there is none (idempotent: a capture no longer waiting for it is left as it is)."""
    capture_id = payload["capture_id"]
    capture = session.get(EvidenceCapture, capture_id)
    if capture is None or capture.wayback_status != WaybackStatus.PENDING:
        return {"skipped": "deleted or done"}
    options = SETTINGS.wayback()
    url = capture.final_url or capture.url
    session.commit()  # no transaction open while the Archive takes its time
    if options is None:  # turned off since it was asked for
        outcome_status, snapshot, reason = (WaybackStatus.FAILED, None,
                                            _("Saving to the Internet Archive is turned off."))
    else:
        outcome = save_page_now(url, **options)
        outcome_status, snapshot, reason = (WaybackStatus(outcome.status), outcome.url,
                                            outcome.reason)
    capture = session.get(EvidenceCapture, capture_id, populate_existing=True)
    if capture is None or capture.wayback_status != WaybackStatus.PENDING:
        return {"skipped": "gone or done meanwhile"}
    capture.wayback_status, capture.wayback_url, capture.wayback_reason = (
        outcome_status, snapshot, reason)
    session.add(capture)
    session.flush()
    return {"wayback": str(outcome_status), "capture_id": capture.id}


@on_give_up(WAYBACK_KIND)
def fail_wayback(session: Session, payload: dict[str, Any], error: str) -> None:
    """A snapshot whose job failed for good is no longer shown as being saved."""
    capture = session.get(EvidenceCapture, payload["capture_id"])
    if capture is not None and capture.wayback_status == WaybackStatus.PENDING:
        capture.wayback_status = WaybackStatus.FAILED
        capture.wayback_reason = _("The background job asking the Internet Archive failed.")
        session.add(capture)


@on_retry(WAYBACK_KIND)
def wayback_retried(session: Session, payload: dict[str, Any]) -> None:
    """An admin retrying a failed Save Page Now job asks the Archive again."""
    capture = session.get(EvidenceCapture, payload["capture_id"])
    if capture is not None and capture.wayback_status == WaybackStatus.FAILED:
        capture.wayback_status, capture.wayback_reason = WaybackStatus.PENDING, ""
        session.add(capture)


def locate_quote(capture: EvidenceCapture, quote: str) -> None:
    """Record where `quote` is in the capture's text (found, not found, or nothing to look
    for: no quote, or a copy without text)."""
    looked_for = bool(quote_parts(quote)) and bool(capture.text)
    span = find_quote(capture.text, quote) if looked_for else None
    capture.quote_found = (span is not None) if looked_for else None
    capture.quote_start, capture.quote_end = span or (None, None)


def relocate_quote(session: Session, *, evidence: Evidence) -> None:
    """The source's quote was edited: find the new words in every copy already kept."""
    copies = session.exec(select(EvidenceCapture).where(
        EvidenceCapture.evidence_id == evidence.id,
        EvidenceCapture.status == CaptureStatus.PRESERVED)).all()
    for capture in copies:
        locate_quote(capture, evidence.quote)
        session.add(capture)
    if copies:
        _changed_check(session, evidence)


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

