"""Corrections of a claim's published words: its wording or claimant changes in public only
with a dated note readers see, as a published verdict does (see decide_claim)."""

from __future__ import annotations

from sqlmodel import Session

from ..i18n import _
from ..models import Claim
from ..queries.publications import claim_shown_publicly
from ..states import CorrectionKind
from .errors import WorkflowError
from .publishing import Change


class CorrectionRequired(WorkflowError):
    """The change alters what readers already saw, and no correction note came with it."""

    def __init__(self) -> None:
        super().__init__(
            _("This claim is published: say what changed and why in a correction note. "
              "The note is shown, dated, on the verdict page and at /corrections."),
            field="correction_note")


def word_changes(claim: Claim, *, text: str, claimant: str | None) -> list[Change]:
    """What a new wording and claimant would change that readers see, before and after."""
    changes = []
    if claim.text != text:
        changes.append(Change(CorrectionKind.WORDING, claim.text, text))
    if (claim.claimant or None) != (claimant or None):
        changes.append(Change(CorrectionKind.CLAIMANT, claim.claimant or "", claimant or ""))
    return changes


def check_correction_note(session: Session, *, claim: Claim, changes: list[Change],
                          note: str) -> bool:
    """Whether `changes` need a public correction; CorrectionRequired if one has no note."""
    if not changes or not claim_shown_publicly(session, claim):
        return False
    if not note.strip():
        raise CorrectionRequired()
    return True

