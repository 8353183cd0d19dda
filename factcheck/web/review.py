"""The reviewers' desk: their queue, and the claim workspace (evidence, verdict, discussion)."""

from __future__ import annotations

import mimetypes
from datetime import UTC, date, datetime, time

from flask import (
    Blueprint,
    Flask,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)

from ..config import ConfigurationError
from ..extensions import db
from ..i18n import _
from ..infra.archive_storage import ArchiveStorageError, archive_storage_of, read_warc
from ..intake.capture import archived_response
from ..models import Claim, Evidence, EvidenceCapture
from ..queries.captures import copies_of, copy_of
from ..queries.claim_page import ReviewClaimPage, review_claim_page
from ..queries.desk import (
    QUEUE_FILTERS,
    next_open_claim,
    open_claims_to_pick_up,
    queue_counts,
    queue_neighbours,
    reviewer_queue,
)
from ..queries.paging import page_number
from ..queries.reviews import own_review, visible_evidence
from ..queries.settings import get_setting
from ..states import CaptureStatus, Confidence, Role
from ..workflow import WorkflowError
from ..workflow import captures as capture_flow
from ..workflow.assignments import declare_conflict, pick_up, require_claim_access
from ..workflow.evidence import (
    add_evidence,
    changeable_evidence,
    delete_evidence,
    may_change_evidence,
    update_evidence,
)
from ..workflow.reviews import (
    add_comment,
    save_review,
    withdraw_review,
)
from .access import current_user, guard_blueprint
from .claim_matches import claim_matches_for
from .forms import (
    CommentForm,
    ConflictForm,
    EvidenceForm,
    ReviewForm,
    rating_choices,
    show_workflow_error,
)
from .frames import FRAMED_TYPES, copy_response, frame_token, framed_body
from .steps import get_or_404, posted_version, record_seen, view_step

bp = Blueprint("review", __name__, url_prefix="/review")
guard_blueprint(bp, Role.REVIEWER)


def register_captures(app: Flask) -> None:
    """Tell capture jobs where to read the fetch settings, where to store copies and whether
    to ask the Internet Archive (the workflow knows no Flask); a storage setting that names
    nothing refuses to start."""
    try:
        archive_storage_of(app)
    except ArchiveStorageError as error:
        raise ConfigurationError(_("Refusing to start: {problem}", problem=error)) from None
    capture_flow.configure_captures(options=capture_options, storage=capture_storage,
                                    wayback=wayback_options)


def capture_storage():
    """Where the current app keeps new preserved copies (None: in the database)."""
    storage = archive_storage_of(current_app)
    return None if storage.kind == "database" else storage


def capture_options() -> dict:
    """The current app's settings for preserving evidence pages (read at each capture)."""
    cfg = current_app.config
    return {"max_bytes": int(cfg["ARCHIVE_MAX_BYTES"]), "timeout": float(cfg["ARCHIVE_TIMEOUT"]),
            # The URL import's settings: an intranet page is reached the same way both ways.
            "allow_loopback": bool(cfg["URL_IMPORT_ALLOW_LOOPBACK"]),
            "allow_private": bool(cfg["URL_IMPORT_ALLOW_PRIVATE"])}


def wayback_options() -> dict | None:
    """Save Page Now's settings when FACTCHECK_WAYBACK_SAVE is on (None: off)."""
    cfg = current_app.config
    if not cfg.get("WAYBACK_SAVE"):
        return None
    return {"endpoint": str(cfg["WAYBACK_URL"]), "timeout": float(cfg["WAYBACK_TIMEOUT"]),
            "poll": float(cfg["WAYBACK_POLL_SECONDS"]),
            "access_key": cfg.get("WAYBACK_ACCESS_KEY"),
            "secret_key": cfg.get("WAYBACK_SECRET_KEY"),
            # Through the same guard as every outgoing request (an intranet mirror of the
            # Archive, or a test's fake, needs the URL import's settings).
            "allow_loopback": bool(cfg["URL_IMPORT_ALLOW_LOOPBACK"]),
            "allow_private": bool(cfg["URL_IMPORT_ALLOW_PRIVATE"])}


@bp.route("/")
def queue():
    """My claims: to do, in progress, submitted; overdue ones flagged."""
    user = current_user()
    which = request.args.get("show")
    which = which if which in QUEUE_FILTERS else None
    today = date.today()
    items = reviewer_queue(db.session, user, page=page_number(request.args), which=which,
                           today=today)
    available = (open_claims_to_pick_up(db.session, user)
                 if get_setting(db.session, "allow_self_assign") else [])
    return render_template("review/queue.html", items=items, today=today,
                           available=available, which=which,
                           counts=queue_counts(db.session, user, today=today))


def _claim_for_me(claim_id: int) -> Claim:
    """The claim, if the current user may work on it (404 / 403 otherwise)."""
    claim = get_or_404(Claim, claim_id)
    try:
        require_claim_access(db.session, claim=claim, user=current_user())
    except WorkflowError as error:
        flash(error.message, "error")
        abort(403)
    return claim


def _review_form(page: ReviewClaimPage, form: ReviewForm | None = None) -> ReviewForm:
    """The verdict form with the page's choices; first shown, it holds the own review."""
    if form is None:
        form = ReviewForm()
        if not form.is_submitted() and page.own is not None:
            review = page.own.review
            form.rationale.data = review.rationale
            form.confidence.data = review.confidence.value
            form.evidence.data = sorted(page.own.cited)
            form.version.data = review.version
            form.rating.data = page.own.label.key if page.own.label else ""
    # Only shown, not checked: the workflow refuses a rating or evidence not on offer.
    form.rating.choices = rating_choices(page.labels)
    form.evidence.choices = [(e.id, e.title or e.url) for e, _u in page.evidence]
    return form


def _workspace(claim: Claim, *, status: int = 200, **forms):
    """The workspace, with the forms the caller already has (fresh ones otherwise)."""
    user = current_user()
    posted = forms.get("review_form")
    if status == 409 and posted is not None:
        # Saved meanwhile in another window: the text typed here stays in the form, and
        # saving it again (now knowingly) replaces the other window's version.
        mine = own_review(db.session, claim=claim, reviewer=user)
        posted.version.data = mine.version if mine is not None else ""
    record_seen(claim, user)  # what this page shows, the viewer has seen
    page = review_claim_page(db.session, claim, user)
    record_seen(claim, user, [view.review for view in page.reviews],
                [comment for comment, _author in page.comments])
    forms["editable"] = changeable_evidence(db.session, claim=claim, user=user,
                                            items=[item for item, _author in page.evidence])
    forms.setdefault("evidence_form", EvidenceForm())
    forms["review_form"] = _review_form(page, forms.get("review_form"))
    forms.setdefault("comment_form", CommentForm())
    forms.setdefault("conflict_form", ConflictForm())
    forms["next_claim"] = next_open_claim(db.session, user, after=claim)
    forms["previous_in_queue"], forms["next_in_queue"] = queue_neighbours(db.session, user, claim)
    # Earlier checks only: published verdicts of other articles and imported ones.
    forms["matches"], forms["match_info"] = claim_matches_for([claim.id], open_work=False)
    return render_template("review/claim.html", page=page, **forms), status


@bp.route("/claims/<int:claim_id>")
def claim(claim_id: int):
    """Everything a reviewer needs on one claim."""
    return _workspace(_claim_for_me(claim_id))


def _evidence_fields(form: EvidenceForm) -> dict:
    accessed = form.accessed_on.data
    return {
        "url": form.url.data, "title": form.title.data, "publisher": form.publisher.data,
        "published_on": form.published_on.data, "quote": form.quote.data,
        "stance": form.stance.data, "archive_url": form.archive_url.data,
        "note": form.note.data,
        "accessed_at": datetime.combine(accessed, time(12), UTC) if accessed else None,
    }


def _after(claim: Claim, message: str, anchor: str):
    flash(message, "success")
    return redirect(url_for("review.claim", claim_id=claim.id, _anchor=anchor))


@bp.route("/claims/<int:claim_id>/evidence", methods=["POST"])
def evidence_add(claim_id: int):
    """Attach a source to the claim; the verdict typed next to it is saved as a draft."""
    claim = _claim_for_me(claim_id)
    form = EvidenceForm()
    review_form = _posted_verdict()
    if form.validate_on_submit() and (review_form is None or review_form.validate()):
        with view_step(quiet=lambda _error: True) as step:
            evidence = add_evidence(db.session, claim=claim, actor=current_user(),
                                    **_evidence_fields(form))
            if review_form is not None:
                _save_draft(claim, review_form, cite=evidence if form.cite_new.data else None)
        if step.ok:
            message = (_("Evidence added. Your verdict is saved as a draft.")
                       if review_form is not None else _("Evidence added."))
            return _after(claim, message, "evidence")
        # The refusal goes next to the field it is about, in whichever of the two forms.
        about_verdict = review_form is not None and step.error.field in _VERDICT_FIELDS
        show_workflow_error(review_form if about_verdict else form, step.error)
        return _workspace(claim, status=step.status, evidence_form=form,
                          **({"review_form": review_form} if review_form else {}))
    return _workspace(claim, status=422, evidence_form=form,
                      **({"review_form": review_form} if review_form else {}))


_VERDICT_FIELDS = ("rating", "rationale", "confidence", "evidence")


def _posted_verdict() -> ReviewForm | None:
    """The verdict form posted along with another action of the workspace, if it was."""
    if "rationale" not in request.form:
        return None
    return ReviewForm()


def _save_draft(claim: Claim, form: ReviewForm, *, cite: Evidence | None = None) -> None:
    """Save the posted verdict as the reviewer's draft (citing `cite` too)."""
    cited = list(form.evidence.data or [])
    if cite is not None and cite.id not in cited:
        cited.append(cite.id)
    save_review(db.session, claim=claim, reviewer=current_user(),
                rating_key=form.rating.data or None, rationale=form.rationale.data or "",
                confidence=Confidence(form.confidence.data), evidence_ids=cited,
                submit=False, expected_version=posted_version(form, may_be_new=True))


def _evidence_for_me(evidence_id: int) -> tuple[Evidence, Claim]:
    evidence = get_or_404(Evidence, evidence_id, removed_at=None)
    claim = _claim_for_me(evidence.claim_id)
    if not visible_evidence(db.session, claim=claim, viewer=current_user(), items=[evidence]):
        abort(404)  # a colleague's source, hidden until this reviewer's verdict is in
    return evidence, claim


@bp.route("/evidence/<int:evidence_id>", methods=["GET", "POST"])
def evidence_edit(evidence_id: int):
    """Edit a source."""
    evidence, claim = _evidence_for_me(evidence_id)
    if not may_change_evidence(db.session, evidence=evidence, user=current_user()):
        abort(403)  # the workflow refuses the change too; this spares a form to no purpose
    form = EvidenceForm(obj=evidence)
    status = 200
    if form.validate_on_submit():
        expected = posted_version(form)
        with view_step(form) as step:
            update_evidence(db.session, evidence=evidence, actor=current_user(),
                            expected_version=expected, **_evidence_fields(form))
        status = step.status
        if step.conflict:  # `evidence` now shows theirs; resubmitting applies mine over it
            form.version.data = evidence.version
        if step.ok:
            return _after(claim, _("Evidence saved."), f"evidence-{evidence_id}")
    elif form.is_submitted():
        status = 422
    else:
        form.accessed_on.data = evidence.accessed_at.date()
        form.stance.data = evidence.stance.value
        form.version.data = evidence.version
    return render_template("review/evidence.html", form=form, evidence=evidence,
                           claim=claim, conflict=status == 409), status


@bp.route("/evidence/<int:evidence_id>/delete", methods=["GET", "POST"])
def evidence_delete(evidence_id: int):
    """Ask (GET), then remove a source."""
    evidence, claim = _evidence_for_me(evidence_id)  # CSRFProtect has checked the token
    if request.method == "GET":
        if not may_change_evidence(db.session, evidence=evidence, user=current_user()):
            abort(403)  # the workflow refuses the removal too; this spares a page
        return render_template("review/evidence_delete.html", evidence=evidence, claim=claim)
    with view_step() as step:
        delete_evidence(db.session, evidence=evidence, actor=current_user())
    if not step.ok:
        return redirect(url_for("review.claim", claim_id=claim.id, _anchor="evidence"))
    return _after(claim, _("Evidence removed."), "evidence")


@bp.route("/evidence/<int:evidence_id>/capture", methods=["POST"])
def evidence_capture(evidence_id: int):
    """Ask for a new preserved copy of the source's page (earlier copies stay)."""
    evidence, claim = _evidence_for_me(evidence_id)  # CSRFProtect has checked the token
    if not may_change_evidence(db.session, evidence=evidence, user=current_user()):
        abort(403)  # the workflow refuses it too
    with view_step() as step:
        capture_flow.capture_again(db.session, evidence=evidence, actor=current_user())
    if not step.ok:
        return redirect(url_for("review.claim", claim_id=claim.id,
                                _anchor=f"evidence-{evidence_id}"))
    return _after(claim, _("A new copy of the page will be preserved in a moment."),
                  f"evidence-{evidence_id}")


@bp.route("/claims/<int:claim_id>/review", methods=["POST"])
def review_save(claim_id: int):
    """Save my review as a draft, or submit it (with the source typed next to it, if any)."""
    claim = _claim_for_me(claim_id)
    form = ReviewForm()  # its choices are set when the workspace is shown
    evidence_form = EvidenceForm() if request.form.get("url", "").strip() else None
    submit = request.form.get("action") == "submit"
    if form.validate_on_submit() and (evidence_form is None or evidence_form.validate()):
        expected = posted_version(form, may_be_new=True)
        with view_step(form) as step:
            cited = list(form.evidence.data or [])
            if evidence_form is not None:  # typed but not yet added: keep it, cite it
                evidence = add_evidence(db.session, claim=claim, actor=current_user(),
                                        **_evidence_fields(evidence_form))
                if evidence_form.cite_new.data:
                    cited.append(evidence.id)
            save_review(
                db.session, claim=claim, reviewer=current_user(),
                rating_key=form.rating.data or None, rationale=form.rationale.data or "",
                confidence=Confidence(form.confidence.data), evidence_ids=cited,
                submit=submit, expected_version=expected,
            )
        if not step.ok:
            return _workspace(claim, status=step.status, review_form=form,
                              **({"evidence_form": evidence_form} if evidence_form else {}))
        message = _("Review submitted.") if submit else _("Draft saved.")
        return _after(claim, message, "my-review")
    return _workspace(claim, status=422, review_form=form,
                      **({"evidence_form": evidence_form} if evidence_form else {}))


@bp.route("/claims/<int:claim_id>/withdraw", methods=["POST"])
def review_withdraw(claim_id: int):
    """Take my submitted review back to draft."""
    claim = _claim_for_me(claim_id)
    with view_step() as step:
        withdraw_review(db.session, claim=claim, reviewer=current_user())
    if not step.ok:
        return redirect(url_for("review.claim", claim_id=claim.id))
    return _after(claim, _("Review withdrawn; it is a draft again."), "my-review")


@bp.route("/claims/<int:claim_id>/comments", methods=["POST"])
def comment(claim_id: int):
    """Add to the internal discussion."""
    claim = _claim_for_me(claim_id)
    form = CommentForm()
    if form.validate_on_submit():
        with view_step(form) as step:
            add_comment(db.session, claim=claim, author=current_user(), body=form.body.data)
        if not step.ok:
            return _workspace(claim, status=step.status, comment_form=form)
        return _after(claim, _("Comment added."), "discussion")
    return _workspace(claim, status=422, comment_form=form)


@bp.route("/claims/<int:claim_id>/conflict", methods=["POST"])
def conflict(claim_id: int):
    """Declare a conflict of interest: I am recused from the claim (or its article)."""
    claim = _claim_for_me(claim_id)
    form = ConflictForm()
    if form.validate_on_submit():
        with view_step(form) as step:
            declare_conflict(db.session, reviewer=current_user(), claim=claim,
                             whole_article=form.whole_article.data, reason=form.reason.data)
        if step.ok:
            flash(_("Conflict declared; you are recused and the editors can see why."), "info")
            return redirect(url_for("review.queue"))
    return _workspace(claim, status=422, conflict_form=form)


@bp.route("/claims/<int:claim_id>/pick-up", methods=["POST"])
def pick(claim_id: int):
    """Take an unassigned selected claim (when the organisation allows it)."""
    claim = get_or_404(Claim, claim_id)
    with view_step() as step:
        pick_up(db.session, claim=claim, reviewer=current_user())
    if not step.ok:
        return redirect(url_for("review.queue"))
    return _after(claim, _("The claim is yours to review."), "my-review")


# --- Preserved copies: the list, the text, the original in a sandboxed frame -------------------



def _copy_for_me(evidence_id: int, capture_id: int) -> tuple[Evidence, EvidenceCapture]:
    """A preserved copy of a source the current user may see (404 like an unknown id)."""
    evidence, _claim = _evidence_for_me(evidence_id)
    capture = copy_of(db.session, evidence_id=evidence.id, capture_id=capture_id)
    if (capture is None or capture.status != CaptureStatus.PRESERVED
            or not (capture.warc or capture.storage_key)):
        abort(404)
    return evidence, capture


def _warc_of(capture: EvidenceCapture) -> bytes:
    """The copy's WARC file from wherever it is kept; 503 when that place does not answer."""
    try:
        warc = read_warc(current_app, capture)
    except ArchiveStorageError as error:
        current_app.logger.warning("preserved copy %s cannot be read: %s", capture.id, error)
        abort(503, _("The preserved copy cannot be read from its storage just now."))
    if not warc:
        abort(404)
    return warc


@bp.route("/evidence/<int:evidence_id>/copies")
@bp.route("/evidence/<int:evidence_id>/copies/<int:capture_id>")
def evidence_copies(evidence_id: int, capture_id: int | None = None):
    """Every capture of a source; one preserved copy (the latest unless chosen): its text
    with the quote marked, the original page in a sandboxed frame, the WARC file."""
    evidence, claim = _evidence_for_me(evidence_id)
    copies = copies_of(db.session, evidence.id)
    preserved = [c for c in copies if c.status == CaptureStatus.PRESERVED]
    if capture_id is None:
        chosen = preserved[0] if preserved else None
    else:
        chosen = next((c for c in preserved if c.id == capture_id), None)
        if chosen is None:
            abort(404)
    shown = (copy_of(db.session, evidence_id=evidence.id, capture_id=chosen.id)
             if chosen is not None else None)
    framed = shown is not None and shown.content_type in FRAMED_TYPES
    # The frame's own address, off the session's path: a signed token for this person only,
    # short-lived (factcheck/web/frames.py).
    frame_src = (url_for("frames.copy_frame", capture_id=shown.id,
                         token=frame_token(capture_id=shown.id, user_id=current_user().id))
                 if framed else None)
    return render_template("review/copies.html", evidence=evidence, claim=claim,
                           copies=copies, shown=shown, framed=framed, frame_src=frame_src)


@bp.route("/evidence/<int:evidence_id>/copies/<int:capture_id>/original")
def evidence_copy_original(evidence_id: int, capture_id: int):
    """The page as preserved, from the WARC's response record, as a download: web pages
    made inert, plain text as UTF-8, anything else (PDF, images) as it arrived. Nothing is
    rendered on this path, which carries the session: the frame has its own
    (factcheck/web/frames.py)."""
    evidence, capture = _copy_for_me(evidence_id, capture_id)
    warc = _warc_of(capture)
    archived = archived_response(warc)
    if archived is None:
        abort(404)
    name = f"evidence-{evidence.id}-copy-{capture.id}"
    framed = framed_body(warc)
    if framed is not None:
        body, media = framed
        extension = ".html" if media.startswith("text/html") else ".txt"
        return _copy_response(body, media, name + extension)
    extension = mimetypes.guess_extension(archived.content_type) or ".bin"
    return _copy_response(archived.body, archived.content_type, name + extension)


@bp.route("/evidence/<int:evidence_id>/copies/<int:capture_id>/warc")
def evidence_copy_warc(evidence_id: int, capture_id: int):
    """The preserved copy's WARC file (gzipped, with the request and response records)."""
    evidence, capture = _copy_for_me(evidence_id, capture_id)
    return _copy_response(_warc_of(capture), "application/warc",
                          f"evidence-{evidence.id}-copy-{capture.id}.warc.gz")


def _copy_response(body: bytes, content_type: str, attachment: str):
    response = copy_response(body, content_type)
    response.headers["Content-Disposition"] = f'attachment; filename="{attachment}"'
    return response
