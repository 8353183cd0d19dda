"""Independent verdicts: blind reviews, the editor's decision, sending back, discussion."""

from __future__ import annotations

from collections.abc import Sequence

from sqlmodel import Session, col, select

from ..dbtypes import utcnow
from ..i18n import _
from ..models import Claim as ClaimModel
from ..models import (
    Comment,
    Decision,
    Evidence,
    RatingLabel,
    Review,
    ReviewEvidence,
    User,
)
from ..queries.reviews import (
    cited_evidence_ids,
    has_seen_verdicts,
    is_assigned,
    is_reviewer,
    own_review,
    submitted_count,
    suggested_reasoning,
    visible_evidence,
)
from ..queries.scales import active_scale
from ..queries.settings import get_setting
from ..states import (
    SETTLED,
    ClaimStatus,
    Confidence,
    NotificationKind,
    ReviewStatus,
    Role,
    ScaleMode,
)
from .assignments import require_claim_access, sync_review_status
from .audit import record_audit
from .errors import WorkflowError
from .notifications import notify_mentions, notify_reviewers
from .participants import snapshot_review
from .publishing import record_correction


def _rating(session: Session, rating_key: str | None) -> RatingLabel | None:
    scale = active_scale(session)
    if scale is None:
        raise WorkflowError(_("No rating scale is active; an administrator must choose one."),
                            code="conflict")
    if not rating_key:
        if scale.mode == ScaleMode.CONCLUSION:
            return None
        raise WorkflowError(_("Choose a rating."), field="rating")
    label = session.exec(select(RatingLabel).where(RatingLabel.scale_id == scale.id,
                                                   RatingLabel.key == rating_key)).first()
    if label is None:
        raise WorkflowError(_("That rating is not on the active scale."), field="rating")
    return label


def save_review(
    session: Session,
    *,
    claim: ClaimModel,
    reviewer: User,
    rating_key: str | None,
    rationale: str,
    confidence: Confidence,
    evidence_ids: Sequence[int],
    submit: bool,
    expected_version: int | None,
) -> Review:
    """Save the reviewer's own review as a draft, or submit it."""
    if not is_assigned(session, claim=claim, user=reviewer):
        raise WorkflowError(_("Only the claim's assigned reviewers write reviews of it."),
                            code="forbidden")
    if claim.status in SETTLED:
        raise WorkflowError(_("The claim is already decided."), code="conflict")
    review = own_review(session, claim=claim, reviewer=reviewer)
    if review is not None and expected_version is not None and review.version != expected_version:
        raise WorkflowError(_("This review was changed in another window meanwhile."),
                            code="conflict")
    if review is not None and review.status == ReviewStatus.SUBMITTED:
        raise WorkflowError(_("The review is submitted; withdraw it to change it."),
                            code="conflict")
    label = _rating(session, rating_key) if (rating_key or submit) else None
    evidence = session.exec(select(Evidence).where(col(Evidence.id).in_(list(evidence_ids)))
                            ).all()
    already = cited_evidence_ids(session, review) if review is not None else set()
    shown = {item.id for item in visible_evidence(session, claim=claim, viewer=reviewer,
                                                  items=evidence)}
    if any(item.claim_id != claim.id or (item.removed_at and item.id not in already)
           or item.id not in shown for item in evidence) or len(evidence) != len(
               set(evidence_ids)):
        raise WorkflowError(_("Cite only evidence attached to this claim."), field="evidence")
    if submit:
        if not rationale.strip():
            raise WorkflowError(_("Explain your verdict before submitting."), field="rationale")
        if label is not None and label.value is not None and not evidence:
            raise WorkflowError(_("A rating needs at least one piece of evidence; cite it."),
                                field="evidence")
    if review is None:
        review = Review(claim_id=claim.id, reviewer_id=reviewer.id)
    review.rating_id = label.id if label else None
    review.rationale = rationale.strip()
    review.confidence = confidence
    review.updated_at = utcnow()
    # A withdrawn review (its reviewer was taken off, then assigned again) is a draft again.
    review.status = ReviewStatus.DRAFT if review.status == ReviewStatus.WITHDRAWN else (
        review.status)
    if submit:
        review.status, review.submitted_at = ReviewStatus.SUBMITTED, utcnow()
    session.add(review)
    session.flush()
    for link in session.exec(select(ReviewEvidence).where(ReviewEvidence.review_id == review.id)
                             ).all():
        session.delete(link)
    session.flush()
    for item in evidence:
        session.add(ReviewEvidence(review_id=review.id, evidence_id=item.id))
    session.flush()
    if submit:  # every submitted verdict is kept, so a later revision never erases it
        snapshot_review(session, review=review, reason="submitted", actor=reviewer,
                        after_seeing=has_seen_verdicts(session, claim=claim, user=reviewer))
    sync_review_status(session, claim, actor=reviewer)
    record_audit(session, actor=reviewer, action="review.submit" if submit else "review.save",
                 obj=claim, review=review.id, rating=label.key if label else None)
    return review


def withdraw_review(session: Session, *, claim: ClaimModel, reviewer: User) -> None:
    """Take a submitted review back to draft, until the editor decides and as long as no
    colleague's verdict has been shown to the reviewer (then only a send-back reopens it)."""
    review = own_review(session, claim=claim, reviewer=reviewer)
    if review is None or review.status != ReviewStatus.SUBMITTED:
        raise WorkflowError(_("There is no submitted review to withdraw."), code="conflict")
    if claim.status in SETTLED:
        raise WorkflowError(_("The editor has decided; the review can no longer be withdrawn."),
                            code="conflict")
    if has_seen_verdicts(session, claim=claim, user=reviewer):
        raise WorkflowError(_("You have seen your colleagues' verdicts, so your review can no "
                              "longer be withdrawn; to revise it, ask the editor to send the "
                              "claim back."), code="conflict")
    review.status, review.submitted_at = ReviewStatus.DRAFT, None
    session.add(review)
    session.flush()
    sync_review_status(session, claim, actor=reviewer)
    record_audit(session, actor=reviewer, action="review.withdraw", obj=claim, review=review.id)



def require_decider(session: Session, *, claim: ClaimModel, editor: User) -> None:
    """Deciding (and sending back) is for editors who are not recused from the claim and
    never were its reviewers."""
    if not editor.role.at_least(Role.EDITOR):
        raise WorkflowError(_("Only editors decide."), code="forbidden")
    require_claim_access(session, claim=claim, user=editor)
    if is_reviewer(session, claim=claim, user=editor):
        raise WorkflowError(_("You are or were a reviewer of this claim, so another editor "
                              "must decide it."), code="forbidden")


def decide_claim(
    session: Session,
    *,
    claim: ClaimModel,
    editor: User,
    rating_key: str | None,
    summary: str,
    expected_version: int,
    correction_note: str = "",
    public_reasoning: str | None = None,
) -> Decision:
    """Record the editor's final verdict and public conclusion (0: there was none yet).

    Changing a published verdict needs a correction note: the correction is public and
    dated, and the verdict page is republished with it.
    """
    require_decider(session, claim=claim, editor=editor)
    required = get_setting(session, "reviews_required")
    published = claim.status == ClaimStatus.PUBLISHED
    if published and not correction_note.strip():
        raise WorkflowError(_("This verdict is published: say what changed and why in a "
                              "correction note."), field="correction_note")
    if claim.status not in (ClaimStatus.REVIEWED, ClaimStatus.DECIDED, ClaimStatus.PUBLISHED):
        raise WorkflowError(
            _("A decision needs {n} submitted reviews; this claim is {status}.", n=required,
              status=claim.status), code="conflict")
    if submitted_count(session, claim) < required:
        raise WorkflowError(_("A decision needs {n} submitted reviews.", n=required),
                            code="conflict")
    if not summary.strip():
        raise WorkflowError(_("Write the conclusion readers will see."), field="summary")
    label = _rating(session, rating_key)
    decision = session.exec(select(Decision).where(Decision.claim_id == claim.id)).first()
    if (decision.version if decision else 0) != expected_version:
        raise WorkflowError(_("Another editor decided this claim meanwhile; their decision is "
                              "shown above."), code="conflict")
    before = decision.rating_id if decision else None
    before_label = session.get(RatingLabel, before) if before else None
    if public_reasoning is None:  # not given (an older API client): keep it, or start as
        public_reasoning = (decision.public_reasoning if decision  # the rationales were
                            else suggested_reasoning(session, claim=claim))
    decision = decision or Decision(claim_id=claim.id)
    decision.editor_id, decision.summary = editor.id, summary.strip()
    decision.public_reasoning = public_reasoning.strip()
    decision.rating_id, decision.decided_at = (label.id if label else None), utcnow()
    session.add(decision)
    if not published:
        claim.status = ClaimStatus.DECIDED
        session.add(claim)
    session.flush()
    record_audit(session, actor=editor, action="claim.decide", obj=claim,
                 rating=label.key if label else None, before_rating_id=before)
    if not published:  # a published verdict changes through a correction, told as one
        notify_reviewers(session, claim=claim, kind=NotificationKind.DECIDED, actor=editor)
    if published:
        record_correction(
            session, claim=claim, editor=editor, note=correction_note,
            before=before_label.name if before_label else "",
            after=label.name if label else "")
    return decision


def send_back(session: Session, *, claim: ClaimModel, editor: User, note: str) -> None:
    """Return a claim to its reviewers with a comment; their submitted reviews reopen (the
    submitted versions stay in the history; withdrawn reviews stay withdrawn)."""
    require_decider(session, claim=claim, editor=editor)
    if claim.status not in (ClaimStatus.REVIEWED, ClaimStatus.DECIDED, ClaimStatus.IN_REVIEW):
        raise WorkflowError(_("Only a claim under review can be sent back."), code="conflict")
    if not note.strip():
        raise WorkflowError(_("Tell the reviewers what to look at again."), field="note")
    for review in session.exec(select(Review).where(
            Review.claim_id == claim.id, Review.status == ReviewStatus.SUBMITTED)).all():
        review.status, review.submitted_at = ReviewStatus.DRAFT, None
        session.add(review)
    decision = session.exec(select(Decision).where(Decision.claim_id == claim.id)).first()
    if decision is not None:
        session.delete(decision)
    claim.status = ClaimStatus.IN_REVIEW
    session.add(claim)
    session.add(Comment(claim_id=claim.id, author_id=editor.id,
                        body=_("Sent back: {note}", note=note.strip())))
    session.flush()
    record_audit(session, actor=editor, action="claim.send_back", obj=claim, note=note.strip())
    notify_reviewers(session, claim=claim, kind=NotificationKind.SENT_BACK, actor=editor)


def add_comment(session: Session, *, claim: ClaimModel, author: User, body: str) -> Comment:
    """Add to the claim's internal discussion (its reviewers and editors only)."""
    require_claim_access(session, claim=claim, user=author)
    if not body.strip():
        raise WorkflowError(_("The comment is empty."), field="body")
    latest = session.exec(select(Comment).where(Comment.claim_id == claim.id)
                          .order_by(col(Comment.id).desc())).first()
    if latest is not None and latest.author_id == author.id and latest.body == body.strip():
        # The same form sent twice (a double click, a reload): one comment is enough.
        raise WorkflowError(_("You have just posted this comment."), code="conflict")
    comment = Comment(claim_id=claim.id, author_id=author.id, body=body.strip())
    session.add(comment)
    session.flush()
    record_audit(session, actor=author, action="comment.add", obj=claim, comment=comment.id)
    notify_mentions(session, claim=claim, author=author, body=comment.body)
    return comment
