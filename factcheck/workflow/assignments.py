"""Who reviews which claim: assignments, self pick-up, conflicts of interest, recusal."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlmodel import Session, select

from ..i18n import _
from ..models import Article, Assignment, Claim, ConflictDeclaration, Review, User
from ..queries.reviews import is_assigned, is_recused, submitted_count
from ..queries.settings import get_setting
from ..states import IN_PROGRESS, SETTLED, ClaimStatus, Role
from .audit import record_audit
from .errors import WorkflowError


def require_claim_access(session: Session, *, claim: Claim, user: User) -> None:
    """Editors reach every claim; a reviewer only the claims assigned to them."""
    if not (user.role.at_least(Role.EDITOR) or is_assigned(session, claim=claim, user=user)):
        raise WorkflowError(_("This claim is not assigned to you."), code="forbidden")




def sync_review_status(session: Session, claim: Claim) -> None:
    """Move a claim between selected, in review and reviewed as its reviews come and go."""
    if claim.status not in IN_PROGRESS:
        return
    assigned = session.exec(select(Assignment.id).where(Assignment.claim_id == claim.id)).all()
    if not assigned:
        target = ClaimStatus.SELECTED
    elif submitted_count(session, claim) >= get_setting(session, "reviews_required"):
        target = ClaimStatus.REVIEWED
    else:
        target = ClaimStatus.IN_REVIEW
    if target != claim.status:
        claim.status = target
        session.add(claim)


def _check_assignable(session: Session, claim: Claim, reviewer: User) -> None:
    if claim.status not in IN_PROGRESS:
        raise WorkflowError(
            _("Only selected claims can be assigned (this one is {status}).",
              status=claim.status), code="conflict")
    if not reviewer.is_active:
        raise WorkflowError(_("{name}'s account is deactivated.", name=reviewer.display_name))
    if is_recused(session, claim=claim, reviewer=reviewer):
        raise WorkflowError(
            _("{name} declared a conflict of interest on this claim or its article.",
              name=reviewer.display_name), code="conflict")


def assign_claims(
    session: Session,
    *,
    claims: Sequence[Claim],
    reviewer: User,
    due_on: date | None,
    actor: User,
) -> int:
    """Assign each claim to `reviewer` (skipping claims they already have); returns how many."""
    if not claims:
        raise WorkflowError(_("Choose at least one claim to assign."), field="claims")
    added = 0
    for claim in claims:
        _check_assignable(session, claim, reviewer)
        if is_assigned(session, claim=claim, user=reviewer):
            continue
        session.add(Assignment(claim_id=claim.id, reviewer_id=reviewer.id,
                               assigned_by_id=actor.id, due_on=due_on))
        session.flush()
        sync_review_status(session, claim)
        record_audit(session, actor=actor, action="claim.assign", obj=claim,
                     reviewer=reviewer.id, due_on=due_on.isoformat() if due_on else None)
        added += 1
    return added


def unassign(session: Session, *, assignment: Assignment, actor: User, reason: str) -> None:
    """Remove a reviewer from a claim; their review of it, if any, goes with them."""
    claim = session.get(Claim, assignment.claim_id)
    if claim.status in SETTLED:
        raise WorkflowError(_("The claim is decided; its reviewers can no longer change."),
                            code="conflict")
    review = session.exec(select(Review).where(Review.claim_id == claim.id,
                                               Review.reviewer_id == assignment.reviewer_id)
                          ).first()
    if review is not None:
        session.delete(review)
    session.delete(assignment)
    session.flush()
    sync_review_status(session, claim)
    record_audit(session, actor=actor, action="claim.unassign", obj=claim,
                 reviewer=assignment.reviewer_id, reason=reason,
                 review_removed=review is not None)


def pick_up(session: Session, *, claim: Claim, reviewer: User) -> None:
    """A reviewer takes an unassigned selected claim, when the organisation allows it."""
    if not get_setting(session, "allow_self_assign"):
        raise WorkflowError(_("Reviewers cannot pick up claims themselves here."),
                            code="forbidden")
    if claim.status != ClaimStatus.SELECTED:
        raise WorkflowError(_("This claim is not open for picking up."), code="conflict")
    assign_claims(session, claims=[claim], reviewer=reviewer, due_on=None, actor=reviewer)


def declare_conflict(
    session: Session, *, reviewer: User, claim: Claim, whole_article: bool, reason: str
) -> ConflictDeclaration:
    """Record a conflict of interest and recuse the reviewer from the claim (or article)."""
    if not reason.strip():
        raise WorkflowError(_("Say briefly what the conflict is."), field="reason")
    declaration = ConflictDeclaration(
        reviewer_id=reviewer.id, reason=reason.strip(),
        claim_id=None if whole_article else claim.id,
        article_id=claim.article_id if whole_article else None,
    )
    session.add(declaration)
    scope = (Claim.article_id == claim.article_id) if whole_article else (Claim.id == claim.id)
    assignments = session.exec(
        select(Assignment).join(Claim, Claim.id == Assignment.claim_id)
        .where(Assignment.reviewer_id == reviewer.id, scope,
               Claim.status.not_in([ClaimStatus.DECIDED, ClaimStatus.PUBLISHED]))
    ).all()
    for assignment in assignments:
        unassign(session, assignment=assignment, actor=reviewer, reason="conflict of interest")
    session.flush()
    article = session.get(Article, claim.article_id)
    record_audit(session, actor=reviewer, action="conflict.declare",
                 obj=article if whole_article else claim, reason=declaration.reason)
    return declaration
