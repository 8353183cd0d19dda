"""Bulk actions on ticked claims: select, dismiss with one reason, decide unanimous ones."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from sqlmodel import Session, col, select

from ..i18n import _
from ..models import Claim, RatingLabel, Review, User
from ..queries.settings import get_setting
from ..states import ClaimStatus, ReviewStatus
from .claims import change_claim_status
from .errors import WorkflowError
from .reviews import decide_claim, require_decider


def change_statuses(session: Session, *, claims: Sequence[Claim], status: ClaimStatus,
                    actor: User, reason: str = "") -> int:
    """Select or dismiss every ticked claim (each change audited); returns how many."""
    if not claims:
        raise WorkflowError(_("Tick at least one claim."), field="claims")
    for claim in claims:
        change_claim_status(session, claim=claim, status=status, actor=actor, reason=reason)
    return len(claims)


@dataclass(frozen=True)
class Unanimity:
    """A ticked claim and whether it can be decided in bulk: the shared verdict, or why not."""

    claim: Claim
    label: RatingLabel | None
    reviews: tuple[Review, ...]
    refusal: str  # empty when it qualifies

    @property
    def qualifies(self) -> bool:
        """True when every submitted verdict agrees and the editor may decide it now."""
        return not self.refusal


def unanimity(session: Session, *, claims: Sequence[Claim], editor: User) -> list[Unanimity]:
    """For each claim: the verdict all its submitted reviews share, or why it cannot be
    decided in bulk (two queries plus the decider checks)."""
    required = get_setting(session, "reviews_required")
    reviews = list(session.exec(select(Review).where(
        col(Review.claim_id).in_([c.id for c in claims]),
        Review.status == ReviewStatus.SUBMITTED).order_by(Review.id)).all())
    labels = {lab.id: lab for lab in session.exec(select(RatingLabel)).all()}
    found = []
    for claim in claims:
        mine = tuple(r for r in reviews if r.claim_id == claim.id)
        ratings = {r.rating_id for r in mine}
        label = labels.get(next(iter(ratings))) if len(ratings) == 1 else None
        refusal = ""
        try:
            require_decider(session, claim=claim, editor=editor)
        except WorkflowError as error:
            refusal = error.message
        if refusal:
            pass
        elif claim.status != ClaimStatus.REVIEWED:
            refusal = _("It is {status}, not waiting for a decision.", status=claim.status)
        elif len(mine) < required:
            refusal = _("A decision needs {n} submitted reviews.", n=required)
        elif len(ratings) != 1 or label is None:
            refusal = _("The submitted verdicts do not all agree.")
        found.append(Unanimity(claim=claim, label=label, reviews=mine, refusal=refusal))
    return found


def decide_unanimous(session: Session, *, claims: Sequence[Claim], editor: User,
                     texts: Mapping[int, tuple[str, str]]) -> list[Unanimity]:
    """Decide each qualifying claim with its shared verdict, with the conclusion and public
    reasoning in `texts` (claim id -> (summary, reasoning)); each decision goes through the
    single decision's rules and audit. Returns what qualified."""
    chosen = [u for u in unanimity(session, claims=claims, editor=editor) if u.qualifies]
    if not chosen:
        raise WorkflowError(_("None of the ticked claims can be decided in bulk."),
                            code="conflict")
    for item in chosen:
        summary, reasoning = texts.get(item.claim.id, ("", ""))
        if not summary.strip():
            raise WorkflowError(_("Write the conclusion readers will see for each claim."),
                                field="summary")
        decide_claim(session, claim=item.claim, editor=editor, rating_key=item.label.key,
                     summary=summary, expected_version=0, public_reasoning=reasoning)
    return chosen
