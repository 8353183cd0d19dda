"""Claims over the API: edit, assign, evidence, blind reviews and the editor's decision.

Every endpoint calls the same workflow function as the web form it mirrors, so the rules
(roles, assignment, blind review, required reviews, locking, corrections) are the same.
"""

from __future__ import annotations

from flask import url_for
from sqlalchemy.orm.exc import StaleDataError

from ..extensions import db
from ..i18n import _
from ..models import Article, Claim, Evidence, Review
from ..queries.accounts import find_user_by_email
from ..queries.captures import preservation_of
from ..queries.claims import claim_decision, claim_evidence
from ..queries.reviews import assignment_of, visible_evidence, visible_reviews
from ..states import ClaimStatus, Confidence, Role
from ..workflow import WorkflowError
from ..workflow.assignments import assign_claims, require_claim_access, unassign
from ..workflow.captures import capture_again, set_public_copy
from ..workflow.claims import ClaimConflict, change_claim_status, edit_claim
from ..workflow.corrections import CorrectionRequired
from ..workflow.evidence import add_evidence
from ..workflow.participants import record_verdicts_shown
from ..workflow.reviews import decide_claim, save_review
from .core import (
    ApiError,
    get_or_404,
    json_body,
    json_response,
    operation,
    token_user,
    workflow_error,
    workflow_step,
)
from .serializers import (
    assignment_records,
    claim_record,
    decision_record,
    evidence_records,
    preservation_record,
    review_records,
)
from .validation import parse_date

_BODY_ERRORS = {400: "Error", 413: "Error", 415: "Error", 422: "Error"}
_AUTH_ERRORS = {401: "Error", 403: "Error", 404: "Error"}
_WRITE_ERRORS = {**_AUTH_ERRORS, 409: "Error", **_BODY_ERRORS}


def _claim_or_404(claim_id: int) -> Claim:
    return get_or_404(Claim, claim_id, _("There is no claim with this id."))


def _body_of(claim: Claim) -> str:
    return db.session.get(Article, claim.article_id).body


def _record(claim: Claim) -> dict:
    return claim_record(claim, _body_of(claim))


def _stale(claim_id: int) -> ApiError:
    """409 carrying the claim as it is now, so the client can merge and retry."""
    db.session.rollback()
    current = db.session.get(Claim, claim_id)
    return ApiError(409, "stale_version",
                    _("Someone else changed this claim meanwhile; 'current' is the stored "
                      "version."), extra={"current": _record(current)})


def _access(claim: Claim, user) -> None:
    try:
        require_claim_access(db.session, claim=claim, user=user)
    except WorkflowError as error:
        raise workflow_error(error) from None


@operation("GET", "/claims/<int:claim_id>", summary="Get a claim with its evidence",
           auth=Role.REVIEWER, responses={200: "ClaimDetail", **_AUTH_ERRORS})
def claim(claim_id: int):
    """The claim, its evidence and decision; editors also see its reviewers.

    A claim that reports someone's words has two checkable parts: `claimant_span`, where
    the article text names the source (offsets into the article text; for "he said", the
    name it stands for), and for an attributed claim `content`, what the source said
    (offsets, its own kind and score). Both are null otherwise, and for claims made
    before the engine found them.
    """
    user = token_user()
    found = _claim_or_404(claim_id)
    _access(found, user)
    decision = claim_decision(db.session, found)
    data = _record(found)
    data["evidence"] = evidence_records(db.session, visible_evidence(
        db.session, claim=found, viewer=user, items=claim_evidence(db.session, found)))
    data["decision"] = decision_record(db.session, decision)
    if user.role.at_least(Role.EDITOR):
        data["assignments"] = assignment_records(db.session, found)
    return json_response(data)


@operation("PATCH", "/claims/<int:claim_id>", summary="Edit a claim or change its status",
           auth=Role.EDITOR, body="ClaimPatch",
           responses={200: "Claim", **_WRITE_ERRORS})
def patch_claim(claim_id: int):
    """Reword the claim, set its claimant and date, select or dismiss it (editors).

    `version` is the claim's version as last read; a stale one answers 409 with `current`.
    `short_claim` (at most 140 characters; "" for the engine's proposal) is the claim's
    summary: the verdict page's heading and ClaimReview's `claimReviewed`.
    Once readers see the claim, changing its wording or claimant needs a `correction_note`
    (409 `correction_required` without one), which is published with a date.
    """
    user = token_user(Role.EDITOR)
    found = _claim_or_404(claim_id)
    data = json_body("ClaimPatch")
    try:
        if found.version != data["version"]:
            raise ClaimConflict(found)
        if {"text", "claimant", "claim_date", "short_claim"} & data.keys():
            edit_claim(db.session, claim=found, expected_version=data["version"],
                       text=data.get("text", found.text),
                       claimant=data.get("claimant", found.claimant),
                       claim_date=parse_date(data["claim_date"]) if "claim_date" in data
                       else found.claim_date, actor=user,
                       correction_note=data.get("correction_note", ""),
                       short_claim=data.get("short_claim"))
        if "status" in data:
            change_claim_status(db.session, claim=found, status=ClaimStatus(data["status"]),
                                actor=user, reason=data.get("dismissal_reason", ""))
        db.session.commit()
    except ClaimConflict:
        raise _stale(claim_id) from None
    except StaleDataError:  # a concurrent request won at commit time
        raise _stale(claim_id) from None
    except CorrectionRequired as error:  # as the decision endpoint answers it
        raise ApiError(409, "correction_required", _(
            "This claim is published: say what changed and why in 'correction_note'."),
            fields={"correction_note": error.message}) from None
    except WorkflowError as error:
        raise workflow_error(error) from None
    return json_response(_record(found))


@operation("POST", "/claims/<int:claim_id>/assignments", summary="Assign a reviewer",
           auth=Role.EDITOR, body="AssignmentInput",
           responses={200: "Assignment", 201: "Assignment", **_WRITE_ERRORS})
def assign(claim_id: int):
    """Assign the claim to a reviewer by email, with an optional due date (editors).

    Answers 201 when the assignment is new and 200 when it already existed.
    """
    user = token_user(Role.EDITOR)
    found = _claim_or_404(claim_id)
    data = json_body("AssignmentInput")
    reviewer = find_user_by_email(db.session, data["reviewer"])
    if reviewer is None:
        raise ApiError(422, "invalid", _("Some fields are invalid."),
                       fields={"reviewer": _("No account has this email address.")})
    with workflow_step({"claims": "reviewer"}):
        added = assign_claims(db.session, claims=[found], reviewer=reviewer,
                              due_on=parse_date(data.get("due")), actor=user)
    record = next(a for a in assignment_records(db.session, found)
                  if a["reviewer"]["id"] == reviewer.id)
    return json_response(record, 201 if added else 200)


@operation("DELETE", "/claims/<int:claim_id>/assignments/<reviewer>",
           summary="Remove a reviewer", auth=Role.EDITOR,
           responses={204: None, **_AUTH_ERRORS, 409: "Error"})
def unassign_reviewer(claim_id: int, reviewer: str):
    """Take the reviewer (by email) off the claim; their review stays, withdrawn (editors).

    Taking oneself off is refused (403) while one has a review of the claim.
    """
    user = token_user(Role.EDITOR)
    found = _claim_or_404(claim_id)
    account = find_user_by_email(db.session, reviewer)
    assignment = account and assignment_of(db.session, claim=found, reviewer=account)
    if not assignment:
        raise ApiError(404, "not_found", _("This reviewer is not assigned to the claim."))
    with workflow_step():
        unassign(db.session, assignment=assignment, actor=user, reason="editor (API)")
    return "", 204


@operation("POST", "/claims/<int:claim_id>/evidence", summary="Add evidence to a claim",
           auth=Role.REVIEWER, body="EvidenceInput",
           responses={201: "Evidence", **_WRITE_ERRORS})
def add_claim_evidence(claim_id: int):
    """Attach a source with its stance (assigned reviewers and editors); http(s) only."""
    user = token_user()
    found = _claim_or_404(claim_id)
    data = json_body("EvidenceInput")
    data["published_on"] = parse_date(data.get("published_on"))
    with workflow_step():
        evidence = add_evidence(db.session, claim=found, actor=user, **data)
    return json_response(evidence_records(db.session, [evidence])[0], 201)


@operation("POST", "/evidence/<int:evidence_id>/capture",
           summary="Preserve a new copy of a source's page", auth=Role.REVIEWER,
           responses={202: "Preservation", **_AUTH_ERRORS, 409: "Error"})
def capture_evidence(evidence_id: int):
    """Ask for a new preserved copy of the evidence's page, fetched in the background.

    Whoever may edit the source may ask (the person who added it, or an editor who does not
    review the claim); earlier copies are kept. Answers 202 with the latest copy, `pending`
    until the page is fetched; a source hidden from a reviewer answers 404, as one that
    does not exist.
    """
    user = token_user()
    missing = _("There is no evidence with this id.")
    evidence = get_or_404(Evidence, evidence_id, missing)
    found = db.session.get(Claim, evidence.claim_id)
    _access(found, user)
    if evidence.removed_at is not None or not visible_evidence(
            db.session, claim=found, viewer=user, items=[evidence]):
        raise ApiError(404, "not_found", missing)
    with workflow_step():
        capture_again(db.session, evidence=evidence, actor=user)
    kept = preservation_of(db.session, [evidence.id])[evidence.id]
    return json_response(preservation_record(kept), 202)


@operation("PATCH", "/evidence/<int:evidence_id>",
           summary="Let readers open a source's preserved copy, or not", auth=Role.EDITOR,
           body="EvidencePatch", responses={200: "Evidence", **_WRITE_ERRORS})
def patch_evidence(evidence_id: int):
    """Set `public_copy`: true, the verdict page links to the public view of the source's
    preserved copy; false, it says "preserved copy available on request" and the view
    answers 404 (for copyright reasons). Editors who may decide the claim (not its
    reviewers), also after publishing; the check's public pages change at once.
    """
    user = token_user(Role.EDITOR)
    evidence = get_or_404(Evidence, evidence_id, _("There is no evidence with this id."))
    data = json_body("EvidencePatch")
    with workflow_step():
        set_public_copy(db.session, evidence=evidence, public=data["public_copy"], actor=user)
    return json_response(evidence_records(db.session, [evidence])[0])


@operation("POST", "/claims/<int:claim_id>/reviews", summary="Submit your verdict",
           auth=Role.REVIEWER, body="ReviewInput",
           responses={201: "Review", **_WRITE_ERRORS})
def submit_review(claim_id: int):
    """Submit the caller's independent verdict (assigned reviewers); a rating needs evidence."""
    user = token_user()
    found = _claim_or_404(claim_id)
    data = json_body("ReviewInput")
    with workflow_step():
        review = save_review(
            db.session, claim=found, reviewer=user, rating_key=data["rating"],
            rationale=data["rationale"],
            confidence=Confidence(data.get("confidence", Confidence.MEDIUM)),
            evidence_ids=data.get("evidence", []), submit=True, expected_version=None)
    return json_response(review_records(db.session, [review])[0], 201)


@operation("GET", "/claims/<int:claim_id>/reviews", summary="Read the reviews you may see",
           auth=Role.REVIEWER, responses={200: "ReviewList", **_AUTH_ERRORS})
def reviews(claim_id: int):
    """Review is blind: your own review, and the others' once yours is submitted.

    Editors who are not and never were reviewers of the claim see every submitted review;
    the first answer showing a colleague's verdict to a reviewer is recorded, and from then
    on their review can no longer be withdrawn.
    """
    user = token_user()
    found = _claim_or_404(claim_id)
    _access(found, user)
    visible: list[Review] = visible_reviews(db.session, claim=found, viewer=user)
    answer = json_response({"items": review_records(db.session, visible)})
    with workflow_step():  # the answer shows these verdicts: recorded before it is sent
        record_verdicts_shown(db.session, claim=found, viewer=user, reviews=visible)
    return answer


@operation("POST", "/claims/<int:claim_id>/decision", summary="Decide the final verdict",
           auth=Role.EDITOR, body="DecisionInput",
           responses={201: "Decision", **_WRITE_ERRORS})
def decide(claim_id: int):
    """Record the final rating and public conclusion (editors who did not review the claim).

    Refused (409) before the required reviews are in. Changing a published verdict needs a
    `correction_note`, which is published with a date; `version` is the decision's version
    as last read (0, the default, when there is none yet).
    """
    user = token_user(Role.EDITOR)
    found = _claim_or_404(claim_id)
    data = json_body("DecisionInput")
    if found.status == ClaimStatus.PUBLISHED and not data.get("correction_note", "").strip():
        raise ApiError(409, "correction_required", _(
            "This verdict is published: say what changed and why in 'correction_note'."))
    with workflow_step():
        decision = decide_claim(
            db.session, claim=found, editor=user, rating_key=data["rating"],
            summary=data["summary"], expected_version=data.get("version", 0),
            correction_note=data.get("correction_note", ""),
            public_reasoning=data.get("public_reasoning"))
    response = json_response(decision_record(db.session, decision), 201)
    response.headers["Location"] = url_for("api.claim", claim_id=found.id, _external=True)
    return response
