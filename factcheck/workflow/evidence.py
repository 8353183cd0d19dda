"""Evidence on a claim: sources with quote, stance and archive link, shared by its reviewers."""

from __future__ import annotations

from datetime import date, datetime
from urllib.parse import urlsplit

from sqlmodel import Session, select

from ..dbtypes import utcnow
from ..i18n import _
from ..models import Claim, Evidence, EvidenceVersion, ReviewEvidence, User
from ..queries.reviews import is_reviewer, own_review
from ..states import SETTLED, Role, Stance
from .assignments import require_claim_access
from .audit import record_audit
from .captures import relocate_quote, request_capture
from .errors import WorkflowError

EDITABLE_FIELDS = ("url", "title", "publisher", "published_on", "accessed_at", "quote",
                   "stance", "archive_url", "note")


def check_http_url(url: str | None, *, field: str, required: bool) -> str | None:
    """`url` stripped, if it is an absolute http(s) address; None when empty and optional."""
    url = (url or "").strip()
    if not url:
        if required:
            raise WorkflowError(_("Give the address of the source."), field=field)
        return None
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise WorkflowError(_("Use an http:// or https:// address."), field=field)
    return url


def _validated(fields: dict) -> dict:
    fields = dict(fields)
    fields["url"] = check_http_url(fields.get("url"), field="url", required=True)
    fields["archive_url"] = check_http_url(fields.get("archive_url"), field="archive_url",
                                           required=False)
    published: date | None = fields.get("published_on")
    if published and published > utcnow().date():
        raise WorkflowError(_("The publication date is in the future."), field="published_on")
    accessed: datetime | None = fields.get("accessed_at")
    if accessed and accessed > utcnow():
        raise WorkflowError(_("The access date is in the future."), field="accessed_at")
    for name in ("title", "publisher", "quote", "note"):
        fields[name] = (fields.get(name) or "").strip()
    if not fields["quote"] and not fields["title"]:
        raise WorkflowError(_("Give at least a title or a quote, so readers know what the "
                              "source says."), field="quote")
    fields["stance"] = Stance(fields.get("stance") or Stance.CONTEXT)
    fields["accessed_at"] = accessed or utcnow()
    return fields


def _check_open(claim: Claim) -> None:
    if claim.status in SETTLED:
        raise WorkflowError(_("The claim is decided; send it back to change its evidence."),
                            code="conflict")


def add_evidence(session: Session, *, claim: Claim, actor: User, **fields) -> Evidence:
    """Attach a source to the claim (assigned reviewers and editors)."""
    require_claim_access(session, claim=claim, user=actor)
    _check_open(claim)
    fields = _validated(fields)
    # One's own source twice (e.g. the same form sent twice); a colleague's identical
    # source is not looked at: whether it exists may be hidden from this reviewer.
    same = select(Evidence.id).where(Evidence.claim_id == claim.id, Evidence.url == fields["url"],
                                     Evidence.title == fields["title"],
                                     Evidence.quote == fields["quote"],
                                     Evidence.added_by_id == actor.id)
    if session.exec(same).first() is not None:
        raise WorkflowError(_("This source, with this title and quote, is already in the "
                              "claim's evidence."), code="conflict", field="url")
    evidence = Evidence(claim_id=claim.id, added_by_id=actor.id, **fields)
    session.add(evidence)
    session.flush()
    record_audit(session, actor=actor, action="evidence.add", obj=claim,
                 evidence=evidence.id, url=evidence.url, stance=str(evidence.stance))
    request_capture(session, evidence=evidence, actor=actor)  # a copy, before the page rots
    return evidence


def may_change_evidence(session: Session, *, evidence: Evidence, user: User) -> bool:
    """Whether `user` may edit or remove the source: the person who added it, or an editor
    who is not among the claim's reviewers.

    The rule never depends on which reviews cite the source: a refusal must not tell a
    reviewer what a colleague's draft or hidden verdict relies on.
    """
    if evidence.added_by_id == user.id:
        return True
    claim = session.get(Claim, evidence.claim_id)
    return user.role.at_least(Role.EDITOR) and not is_reviewer(session, claim=claim, user=user)


def changeable_evidence(session: Session, *, claim: Claim, user: User,
                        items: list[Evidence]) -> set[int]:
    """Ids of the claim's `items` that `user` may edit or remove (a fixed number of queries)."""
    editor = user.role.at_least(Role.EDITOR) and not is_reviewer(session, claim=claim, user=user)
    return {item.id for item in items if editor or item.added_by_id == user.id}


def _check_may_change(session: Session, evidence: Evidence, actor: User) -> Claim:
    claim = session.get(Claim, evidence.claim_id)
    require_claim_access(session, claim=claim, user=actor)
    _check_open(claim)
    if evidence.removed_at is not None:
        raise WorkflowError(_("This source has been removed from the claim."), code="conflict")
    if not may_change_evidence(session, evidence=evidence, user=actor):
        raise WorkflowError(_("Only the person who added this source, or an editor, can "
                              "change it; add your own source or say what is wrong in the "
                              "discussion."), code="forbidden")
    return claim


def _snapshot(evidence: Evidence) -> dict:
    return {name: (str(value) if value is not None else None)
            for name in EDITABLE_FIELDS for value in [getattr(evidence, name)]}


def update_evidence(
    session: Session, *, evidence: Evidence, expected_version: int, actor: User, **fields
) -> None:
    """Edit a source (its author, or an editor); the earlier state is kept as a version."""
    claim = _check_may_change(session, evidence, actor)
    if evidence.version != expected_version:
        raise WorkflowError(_("Someone else changed this evidence meanwhile."), code="conflict")
    before = _snapshot(evidence)
    changes = {}
    for name, value in _validated(fields).items():
        if name in EDITABLE_FIELDS and getattr(evidence, name) != value:
            changes[name] = {"before": str(getattr(evidence, name)), "after": str(value)}
            setattr(evidence, name, value)
    if changes:
        # What a review cited stays readable, however the source is edited later.
        session.add(EvidenceVersion(evidence_id=evidence.id, number=evidence.version,
                                    fields=before, edited_by_id=actor.id))
        evidence.updated_at = utcnow()
        session.add(evidence)
        record_audit(session, actor=actor, action="evidence.edit", obj=claim,
                     evidence=evidence.id, changes=changes)
        if "quote" in changes:  # the copies already kept are searched for the new words
            relocate_quote(session, evidence=evidence)
        if "url" in changes:  # another page: it is preserved too (earlier copies stay)
            request_capture(session, evidence=evidence, actor=actor)


def delete_evidence(session: Session, *, evidence: Evidence, actor: User) -> None:
    """Remove a source from the claim (its author, or an editor).

    Only the actor's own review can stop it: other reviews that cite the source keep it
    (taken off the list, still readable where cited), so the answer is the same whether
    or not a colleague's draft relies on it.
    """
    claim = _check_may_change(session, evidence, actor)
    mine = own_review(session, claim=claim, reviewer=actor)
    cited = set(session.exec(select(ReviewEvidence.review_id).where(
        ReviewEvidence.evidence_id == evidence.id)).all())
    if mine is not None and mine.id in cited:
        raise WorkflowError(_("Your review cites this source; remove it from your review "
                              "first."), code="conflict")
    if cited:
        evidence.removed_at, evidence.removed_by_id = utcnow(), actor.id
        session.add(evidence)
    else:
        session.delete(evidence)
    record_audit(session, actor=actor, action="evidence.delete", obj=claim,
                 evidence=evidence.id, url=evidence.url, kept_for_citations=bool(cited))
