"""Who reviews which claim: assignments, self pick-up, conflicts of interest, recusal."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlmodel import Session, select

from ..i18n import _
from ..models import Article, Assignment, Claim, ConflictDeclaration, User
from ..queries.reviews import (
    has_seen_verdicts,
    is_assigned,
    is_recused,
    own_review,
    submitted_count,
)
from ..queries.settings import get_setting
from ..states import (
    IN_PROGRESS,
    SETTLED,
    ClaimStatus,
    NotificationKind,
    ReviewStatus,
    Role,
    WebhookEvent,
)
from .audit import record_audit
from .claims import change_claim_status
from .errors import WorkflowError
from .notifications import notify, notify_ready_for_decision
from .participants import enrol_reviewer, snapshot_review
from .webhooks import emit


def require_claim_access(session: Session, *, claim: Claim, user: User) -> None:
    """Editors reach every claim they are not recused from; a reviewer only those assigned.

    Recusal binds every role: no reviews, evidence, discussion or decision of the claim.
    """
    if is_recused(session, claim=claim, reviewer=user):
        raise WorkflowError(_("You declared a conflict of interest on this claim, so you are "
                              "recused from it."), code="forbidden")
    if not (user.role.at_least(Role.EDITOR) or is_assigned(session, claim=claim, user=user)):
        raise WorkflowError(_("This claim is not assigned to you."), code="forbidden")




def sync_review_status(session: Session, claim: Claim, *, actor: User | None = None) -> None:
    """Move a claim between selected, in review and reviewed as its reviews come and go.

    Reaching "reviewed" tells its editors that the claim is ready for decision.
    """
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
        if target == ClaimStatus.REVIEWED:
            notify_ready_for_decision(session, claim=claim, actor=actor)
            emit(session, WebhookEvent.CLAIM_READY_FOR_DECISION, claim=claim)


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
    if not is_assigned(session, claim=claim, user=reviewer) and has_seen_verdicts(
            session, claim=claim, user=reviewer):
        raise WorkflowError(
            _("{name} has already read the verdicts on this claim, so cannot review it "
              "blind.", name=reviewer.display_name), code="conflict")


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
        if is_recused(session, claim=claim, reviewer=actor):  # nor may a recused editor
            raise WorkflowError(_("You declared a conflict of interest on this claim, so you "
                                  "are recused from it."), code="forbidden")
        _check_assignable(session, claim, reviewer)
        if is_assigned(session, claim=claim, user=reviewer):
            continue
        session.add(Assignment(claim_id=claim.id, reviewer_id=reviewer.id,
                               assigned_by_id=actor.id, due_on=due_on))
        enrol_reviewer(session, claim=claim, reviewer=reviewer)
        sync_review_status(session, claim, actor=actor)
        record_audit(session, actor=actor, action="claim.assign", obj=claim,
                     reviewer=reviewer.id, due_on=due_on.isoformat() if due_on else None)
        notify(session, users=[reviewer], kind=NotificationKind.ASSIGNED, actor=actor,
               claim=claim, details={"due_on": due_on.isoformat() if due_on else None})
        added += 1
    return added


def select_and_assign(
    session: Session,
    *,
    claims: Sequence[Claim],
    reviewers: Sequence[User],
    due_on: date | None,
    actor: User,
) -> int:
    """Select the ticked candidates, then assign every ticked claim to each reviewer, in one
    transaction (each change audited); returns how many candidates were selected."""
    if not claims:
        raise WorkflowError(_("Choose at least one claim to assign."), field="claims")
    selected = 0
    for claim in claims:
        if claim.status == ClaimStatus.CANDIDATE:
            change_claim_status(session, claim=claim, status=ClaimStatus.SELECTED, actor=actor)
            selected += 1
    session.flush()
    for reviewer in reviewers:
        assign_claims(session, claims=claims, reviewer=reviewer, due_on=due_on, actor=actor)
    return selected


def unassign(session: Session, *, assignment: Assignment, actor: User, reason: str) -> None:
    """Remove a reviewer from a claim; their review stays in the history, withdrawn.

    Taking oneself off is refused once one has a review: leaving must not become a way
    to read the others' verdicts or to shed one's own (the person stays a reviewer of the
    claim, blind and never its decider, either way).
    """
    claim = session.get(Claim, assignment.claim_id)
    reviewer = session.get(User, assignment.reviewer_id)
    if actor.id == reviewer.id and own_review(session, claim=claim, reviewer=reviewer):
        raise WorkflowError(_("You have a review of this claim, so you cannot take yourself "
                              "off it; another editor can, and your review then stays in "
                              "the claim's history."), code="forbidden")
    _remove(session, assignment=assignment, claim=claim, reviewer=reviewer, actor=actor,
            reason=reason)


def _remove(session: Session, *, assignment: Assignment, claim: Claim, reviewer: User,
            actor: User, reason: str) -> None:
    if claim.status in SETTLED:
        raise WorkflowError(_("The claim is decided; its reviewers can no longer change."),
                            code="conflict")
    review = own_review(session, claim=claim, reviewer=reviewer)
    if review is not None and review.status != ReviewStatus.WITHDRAWN:
        review.status, review.submitted_at = ReviewStatus.WITHDRAWN, None
        session.add(review)
        session.flush()
        snapshot_review(session, review=review, reason="removed", actor=actor,
                        after_seeing=has_seen_verdicts(session, claim=claim, user=reviewer))
    session.delete(assignment)
    session.flush()
    sync_review_status(session, claim, actor=actor)
    record_audit(session, actor=actor, action="claim.unassign", obj=claim,
                 reviewer=reviewer.id, reason=reason,
                 review_withdrawn=review.id if review is not None else None)
    notify(session, users=[reviewer], kind=NotificationKind.UNASSIGNED, actor=actor,
           claim=claim)


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
    """Record a conflict of interest and recuse the person (any role) from the claim or the
    whole article: no access to its reviews, evidence, discussion or decision."""
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
        _remove(session, assignment=assignment, claim=session.get(Claim, assignment.claim_id),
                reviewer=reviewer, actor=reviewer, reason="conflict of interest")
    session.flush()
    article = session.get(Article, claim.article_id)
    record_audit(session, actor=reviewer, action="conflict.declare",
                 obj=article if whole_article else claim, reason=declaration.reason)
    return declaration
