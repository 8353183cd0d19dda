"""The editors' desk: import articles, curate their claims, follow their progress."""

from __future__ import annotations

from datetime import date

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)

from ..dbtypes import MAX_ID, utcnow
from ..engine.splitting import CHECKWORTHY_THRESHOLD, short_claim_of
from ..extensions import db
from ..i18n import _, ngettext
from ..intake.sources import IntakeError, read_source
from ..models import Article, Assignment, Claim, Evidence, Job, ReaderReport, User
from ..queries.attention import attention_page
from ..queries.board import board_page, claim_board_page
from ..queries.claim_matches import matching_pending
from ..queries.claim_page import claim_page
from ..queries.claimants import claimant_names
from ..queries.claims import claims_of_article
from ..queries.decision import decision_page
from ..queries.desk import (
    articles_with_progress,
    claim_count,
    reviewers,
)
from ..queries.jobs import URL_IMPORT, queue_state, url_imports_of
from ..queries.paging import page_number
from ..queries.publish_preview import publish_preview
from ..queries.reports import ALL as ALL_REPORTS
from ..queries.reports import report_inbox, report_thread
from ..queries.reviews import suggested_reasoning
from ..states import ClaimStatus, JobStatus, ReportStatus, Role
from ..workflow import WorkflowError
from ..workflow.actions import article_actions, claim_actions, report_targets
from ..workflow.articles import import_article, revise_article_text
from ..workflow.assignments import select_and_assign, unassign
from ..workflow.bulk import change_statuses, decide_unanimous, unanimity
from ..workflow.captures import set_public_copy
from ..workflow.claims import (
    ClaimConflict,
    add_claim,
    change_claim_status,
    edit_claim,
    merge_with_next,
    move_claim,
    reanchor_claim,
    select_by_score,
    split_claim,
)
from ..workflow.publishing import publish_article, unpublish_article
from ..workflow.reports import reply_to_report, set_report_status
from ..workflow.reviews import decide_claim, require_decider, send_back
from ..workflow.url_imports import METADATA, request_url_import
from .access import current_user, guard_blueprint
from .claim_matches import claim_matches_for
from .forms import (
    ActionForm,
    ArticleImportForm,
    ArticleTextForm,
    AssignForm,
    BulkSelectForm,
    ClaimAddForm,
    ClaimEditForm,
    ClaimSplitForm,
    ClaimStatusForm,
    DecisionForm,
    ReportReplyForm,
    SendBackForm,
    rating_choices,
)
from .history import history_lines
from .mail import default_language, mail_is_on
from .steps import get_or_404, posted_version, record_seen, view_step

bp = Blueprint("editor", __name__, url_prefix="/editor")
guard_blueprint(bp, Role.EDITOR)

STATUS_ACTIONS = {
    "select": ClaimStatus.SELECTED,
    "dismiss": ClaimStatus.DISMISSED,
    "restore": ClaimStatus.CANDIDATE,
}


@bp.route("/")
def dashboard():
    """Every article with the progress of its claims."""
    progress = articles_with_progress(db.session, page=page_number(request.args))
    return render_template("editor/dashboard.html", progress=progress, ClaimStatus=ClaimStatus,
                           imports=url_imports_of(db.session, current_user().id))


def _fetch_options() -> dict:
    cfg = current_app.config
    return {
        "max_bytes": cfg["URL_IMPORT_MAX_BYTES"],
        "timeout": cfg["URL_IMPORT_TIMEOUT"],
        "allow_loopback": cfg["URL_IMPORT_ALLOW_LOOPBACK"],
        "allow_private": cfg["URL_IMPORT_ALLOW_PRIVATE"],
    }


@bp.route("/articles/new", methods=["GET", "POST"])
def new_article():
    """Import an article from pasted text, a file or a web address, and split it."""
    form = ArticleImportForm()
    if not form.is_submitted():
        _prefill_from_import(form, request.args.get("from_import"))
    if form.validate_on_submit() and form.url.data:
        # A page may take the whole fetch deadline: a background job fetches it.
        with view_step(form) as step:
            job = request_url_import(
                db.session, actor=current_user(), url=form.url.data,
                metadata={name: getattr(form, name).data for name in METADATA},
                fetch_options=_fetch_options(),
                max_bytes=current_app.config["ARTICLE_MAX_BYTES"])
        if step.ok:
            return redirect(url_for("editor.url_import", job_id=job.id))
    elif form.validate_on_submit():
        upload = form.file.data
        # No commit before the import: the spent form token must commit with the article,
        # so a double click waits for it and is shown the article, not an empty place.
        try:
            imported = read_source(
                text=form.text.data,
                upload=(upload.filename, upload.read()) if upload else None,
                url=form.url.data,
                fetch_options=_fetch_options(),
            )
        except IntakeError as error:
            field = form.url if form.url.data else form.file if upload else form.text
            field.errors = [*field.errors, str(error)]
            return render_template("editor/article_new.html", form=form), 422
        with view_step(form) as step:
            article = import_article(
                db.session,
                actor=current_user(),
                title=form.title.data or imported.title or "",
                body=imported.text,
                source_url=form.source_url.data or imported.url,
                outlet=form.outlet.data or imported.outlet,
                author=form.author.data or imported.author,
                published_on=form.published_on.data or imported.published_on,
                language=(form.language.data or "").strip().lower() or None,
                max_bytes=current_app.config["ARTICLE_MAX_BYTES"],
            )
        if not step.ok:
            # Keep what was read, so the editor fixes the metadata without re-uploading.
            form.text.data = imported.text
            form.title.data = form.title.data or imported.title
            form.outlet.data = form.outlet.data or imported.outlet
            form.author.data = form.author.data or imported.author
            form.source_url.data = form.source_url.data or imported.url
            form.url.data = None
            return render_template("editor/article_new.html", form=form), 422
        count = claim_count(db.session, article.id)
        flash(_("Article imported: {n} candidate claims found.", n=count), "success")
        return redirect(url_for("editor.article", article_id=article.id))
    status = 422 if form.is_submitted() else 200
    return render_template("editor/article_new.html", form=form), status


def _prefill_from_import(form: ArticleImportForm, raw_id: str | None) -> None:
    """Fill the form with what was asked of an earlier web-page import, to fix and retry."""
    job = db.session.get(Job, int(raw_id)) if raw_id and raw_id.isdecimal() \
        and raw_id.isascii() and len(raw_id) < 10 else None
    if job is None or job.kind != URL_IMPORT:
        return
    form.url.data = job.payload.get("url")
    for name, value in job.payload.get("metadata", {}).items():
        if value and name != "published_on":
            getattr(form, name).data = value
        elif value:
            form.published_on.data = date.fromisoformat(value)


@bp.route("/imports/<int:job_id>")
def url_import(job_id: int):
    """The progress of a web-page import; its article once done."""
    job = get_or_404(Job, job_id, kind=URL_IMPORT)
    if job.status == JobStatus.DONE:
        article_id = job.result["article_id"]
        flash(_("Article imported: {n} candidate claims found.",
                n=claim_count(db.session, article_id)), "success")
        return redirect(url_for("editor.article", article_id=article_id))
    state = queue_state(db.session)
    return render_template("editor/url_import.html", job=job, state=state,
                           stale=current_app.config["JOBS_STALE_SECONDS"])


def _assign_form() -> AssignForm:
    form = AssignForm()
    form.reviewer.choices = [(u.id, u.display_name) for u in reviewers(db.session)]
    if not form.is_submitted():  # the choices of the last assignment, kept in the address
        form.reviewer.data = _ids(request.args.getlist("reviewer"))
        form.claims.data = _ids(request.args.getlist("claims"))
        try:
            form.due_on.data = date.fromisoformat(request.args.get("due_on", ""))
        except ValueError:
            form.due_on.data = None
    return form


def _ids(values: list[str]) -> list[int]:
    return [int(value) for value in values
            if value.isdecimal() and len(value) < 12 and 0 < int(value) <= MAX_ID]


def _board_url(article_id: int, page: int = 1, anchor: str | None = None, *,
               kept: AssignForm | None = None) -> str:
    """A page of an article's board (the first without a page argument), at `anchor`;
    with `kept`, the assignment form comes back with the same reviewers, date and ticks."""
    values = {}
    if kept is not None:
        values = {"reviewer": kept.reviewer.data, "claims": kept.claims.data,
                  "due_on": kept.due_on.data.isoformat() if kept.due_on.data else None}
    return url_for("editor.article", article_id=article_id, page=page if page > 1 else None,
                   _anchor=anchor, **values)


def _claim_url(claim: Claim, *, anchor: bool = True) -> str:
    """The board page that lists `claim` now, at its card unless `anchor` is False."""
    return _board_url(claim.article_id, claim_board_page(db.session, claim),
                      f"claim-{claim.id}" if anchor else None)


def _posted_page() -> int:
    """The board page a form was sent from (forms on the board carry it in their action)."""
    return page_number(request.args)


def _render_board(article: Article, status: int = 200, **forms):
    page = board_page(db.session, article, page=_posted_page(),
                      threshold=CHECKWORTHY_THRESHOLD)
    forms.setdefault("add_form", ClaimAddForm())
    forms.setdefault("bulk_form", BulkSelectForm(min_score=CHECKWORTHY_THRESHOLD))
    forms.setdefault("assign_form", _assign_form())
    if page.paged:
        # The editor sees one page, but these two act on the whole article or on this
        # page only: say which next to the field.
        forms["bulk_form"].min_score.description = _(
            "Applies to the whole article: every candidate on all {pages} pages, not only "
            "the claims shown here ({n} candidates score at least {threshold}).",
            pages=page.claims.pages, n=page.counts.worthy_candidates,
            threshold=format(CHECKWORTHY_THRESHOLD, ".2f"))
        forms["assign_form"].reviewer.description = _(
            "Assigns the claims ticked on this page.")
    matches, match_info = claim_matches_for([c.id for c in page.claims], open_work=True)
    html = render_template(
        "editor/article.html", article=article, page=page, threshold=CHECKWORTHY_THRESHOLD,
        matches=matches, match_info=match_info,
        matching=matching_pending(db.session, article.id),
        here=page.claims.number if page.claims.number > 1 else None,
        actions={claim.id: claim_actions(claim) for claim in
                 [*page.claims, *(v.claim for vs in page.sub_claims.values() for v in vs)]},
        publishing=article_actions(article), ClaimStatus=ClaimStatus, **forms,
    )
    return html, status


@bp.route("/articles/<int:article_id>")
def article(article_id: int):
    """The claim board, a page of claims at a time, with their part of the text highlighted."""
    return _render_board(get_or_404(Article, article_id))


@bp.route("/claims/<int:claim_id>/board")
def claim_on_board(claim_id: int):
    """Go to the claim's card on the board page that lists it (for links from elsewhere)."""
    return redirect(_claim_url(get_or_404(Claim, claim_id)))


@bp.route("/articles/<int:article_id>/claims", methods=["POST"])
def add(article_id: int):
    """Add a claim from a passage of the text."""
    found = get_or_404(Article, article_id)
    form = ClaimAddForm()
    if form.validate_on_submit():
        with view_step(form) as step:
            claim = add_claim(db.session, article=found, quote=form.quote.data,
                              occurrence=form.occurrence.data or 1, actor=current_user())
        if step.ok:
            return _back_to_claim(claim, _("Claim added."))
    return _render_board(found, 422, add_form=form)


@bp.route("/articles/<int:article_id>/select-by-score", methods=["POST"])
def bulk_select(article_id: int):
    """Select every candidate at or above a score."""
    found = get_or_404(Article, article_id)
    form = BulkSelectForm()
    if not form.validate_on_submit():
        return _render_board(found, 422, bulk_form=form)
    with view_step(form) as step:
        n = select_by_score(db.session, article=found, min_score=float(form.min_score.data),
                            actor=current_user())
    if step.ok:
        flash(ngettext("{n} claim selected in the whole article.",
                       "{n} claims selected in the whole article.", n), "success")
    return redirect(_board_url(article_id, _posted_page()))


@bp.route("/articles/<int:article_id>/text", methods=["GET", "POST"])
def article_text(article_id: int):
    """Edit the article text: a new revision; claims are re-anchored or flagged."""
    found = get_or_404(Article, article_id)
    form = ArticleTextForm(body=found.body, version=found.version)
    if form.validate_on_submit():
        expected = posted_version(form)
        with view_step(form) as step:
            counts = revise_article_text(
                db.session, article=found, body=form.body.data,
                expected_version=expected, actor=current_user(),
                max_bytes=current_app.config["ARTICLE_MAX_BYTES"])
        if not step.ok:
            # `found` was expired by the rollback: it shows what is stored now.
            conflict = step.conflict and found.version != expected
            if conflict:  # show theirs; saving again applies mine over it
                form.version.data = found.version
            return render_template("editor/article_text.html", article=found, form=form,
                                   conflict=conflict), step.status
        flash(_("Text saved. {moved} claims moved, {flagged} need checking, {added} new "
                "candidates.", **counts), "success")
        return redirect(url_for("editor.article", article_id=article_id))
    status = 422 if form.is_submitted() else 200
    return render_template("editor/article_text.html", article=found, form=form,
                           conflict=False), status


def _shows_current(error: WorkflowError | None) -> bool:
    """True for a claim conflict: the view shows the stored claim instead of a message."""
    return isinstance(error, ClaimConflict)


def _conflict(error: ClaimConflict, form: ClaimEditForm):
    """409: show the stored claim next to the editor's own text, which is kept."""
    current = error.current
    form.version.data = current.version
    return render_template("editor/claim_conflict.html", current=current, form=form,
                           page=claim_page(db.session, current)), 409


def _claim_page(claim: Claim, status: int = 200, **forms):
    """The claim page (reword, split, re-anchor), with any form the caller already has."""
    forms.setdefault("form", ClaimEditForm(obj=claim, version=claim.version))
    forms.setdefault("split_form", ClaimSplitForm(version=claim.version))
    forms.setdefault("reanchor_form", ClaimAddForm())
    matches, match_info = claim_matches_for([claim.id], open_work=True)
    return render_template("editor/claim.html", page=claim_page(db.session, claim),
                           claimant_names=claimant_names(db.session), matches=matches,
                           match_info=match_info, **forms), status


def _back_to_claim(claim: Claim, message: str):
    """Confirm, and return to the claim on the board page that lists it now."""
    flash(message, "success")
    return redirect(_claim_url(claim))


@bp.route("/claims/<int:claim_id>", methods=["GET", "POST"])
def claim(claim_id: int):
    """Reword a claim, set claimant and date; split it."""
    found = get_or_404(Claim, claim_id)
    form = ClaimEditForm(obj=found)
    if form.validate_on_submit():
        expected = posted_version(form)
        with view_step(form, quiet=_shows_current) as step:
            edit_claim(db.session, claim=found, expected_version=expected,
                       text=form.text.data, claimant=form.claimant.data,
                       claim_date=form.claim_date.data, actor=current_user(),
                       correction_note=form.correction_note.data or "",
                       short_claim=form.short_claim.data or "")
        if _shows_current(step.error):
            return _conflict(step.error, form)
        if step.ok:
            return _back_to_claim(found, _("Claim saved."))
        return _claim_page(found, step.status, form=form)  # what they typed is kept
    elif not form.is_submitted():
        form.version.data = found.version
        # A claim from before summaries were stored: the editor starts from the proposal.
        form.short_claim.data = found.short_claim or short_claim_of(
            found.text, db.session.get(Article, found.article_id).language)
    return _claim_page(found, 422 if form.errors else 200, form=form)


@bp.route("/claims/<int:claim_id>/split", methods=["POST"])
def split(claim_id: int):
    """Split a claim in two before the given words."""
    found = get_or_404(Claim, claim_id)
    form = ClaimSplitForm()
    if form.validate_on_submit():
        expected = posted_version(form)
        with view_step(form) as step:
            split_claim(db.session, claim=found, before=form.before.data,
                        expected_version=expected, actor=current_user())
        if not step.ok:
            return _claim_page(found, step.status, split_form=form)
        return _back_to_claim(found, _("Claim split in two."))
    return redirect(_claim_url(found))


@bp.route("/claims/<int:claim_id>/reanchor", methods=["POST"])
def reanchor(claim_id: int):
    """Anchor a claim whose words changed to its new place in the text."""
    found = get_or_404(Claim, claim_id)
    form = ClaimAddForm()
    if form.validate_on_submit():
        with view_step(form) as step:
            reanchor_claim(db.session, claim=found, quote=form.quote.data,
                           occurrence=form.occurrence.data or 1, actor=current_user())
        if step.ok:
            return _back_to_claim(found, _("Claim anchored again."))
    return _claim_page(found, 422, reanchor_form=form)


def _board_action(claim_id: int, action) -> object:
    """Run a one-button action on a claim and go back to the board."""
    found = get_or_404(Claim, claim_id)
    form = ClaimStatusForm()
    if not form.validate_on_submit():
        abort(400)
    with view_step(quiet=_shows_current) as step:
        action(found, form)
    if _shows_current(step.error):
        return render_template("editor/claim_conflict.html", current=step.error.current,
                               form=None), 409
    # Back to the page that lists the claim now (a move or merge may change it); after a
    # refusal without the anchor, so that the message at the top is seen.
    return redirect(_claim_url(found, anchor=step.ok))


@bp.route("/claims/<int:claim_id>/<any(select, dismiss, restore):action>", methods=["POST"])
def status(claim_id: int, action: str):
    """Select a claim for checking, dismiss it with a reason, or restore it."""
    return _board_action(claim_id, lambda claim, form: change_claim_status(
        db.session, claim=claim, status=STATUS_ACTIONS[action], actor=current_user(),
        expected_version=posted_version(form), reason=form.reason.data or ""))


@bp.route("/claims/<int:claim_id>/merge-next", methods=["POST"])
def merge(claim_id: int):
    """Merge a claim with the next one."""
    return _board_action(claim_id, lambda claim, form: merge_with_next(
        db.session, claim=claim, expected_version=posted_version(form), actor=current_user()))


@bp.route("/claims/<int:claim_id>/move/<any(up, down):direction>", methods=["POST"])
def move(claim_id: int, direction: str):
    """Move a claim up or down the list."""
    return _board_action(claim_id, lambda claim, form: move_claim(
        db.session, claim=claim, offset=-1 if direction == "up" else 1, actor=current_user()))


@bp.route("/articles/<int:article_id>/assign", methods=["POST"])
def assign(article_id: int):
    """Select (if they are candidates) and assign the ticked claims to the chosen reviewers,
    with an optional due date, in one step; the board keeps the choices for the next one."""
    found = get_or_404(Article, article_id)
    form = _assign_form()
    if form.validate_on_submit():
        chosen = dict.fromkeys(form.reviewer.data or [])  # in order, each once
        people = [db.session.get(User, user_id) for user_id in chosen]
        # Only the ticked claims are read, not the whole article.
        claims = claims_of_article(db.session, article_id, set(form.claims.data or []))
        with view_step(form) as step:
            if not people or None in people:
                raise WorkflowError(_("Choose at least one reviewer."), field="reviewer")
            selected = select_and_assign(db.session, claims=claims, reviewers=people,
                                         due_on=form.due_on.data, actor=current_user())
        if step.ok:
            names = ", ".join(person.display_name for person in people)
            flash(ngettext("{n} claim assigned to {names}.", "{n} claims assigned to {names}.",
                           len(claims), names=names)
                  + (" " + ngettext("{n} candidate was selected first.",
                                    "{n} candidates were selected first.", selected)
                     if selected else ""), "success")
            return redirect(_board_url(article_id, _posted_page(), kept=form))
        if step.status == 403:  # recused from a ticked claim
            return _render_board(found, 403, assign_form=form)
    return _render_board(found, 422, assign_form=form)


def _ticked(article_id: int) -> list[Claim]:
    """The claims ticked on the board (the tick boxes belong to the assign form)."""
    return claims_of_article(db.session, article_id, set(_ids(request.form.getlist("claims"))))


@bp.route("/articles/<int:article_id>/bulk/<any(select, dismiss):action>", methods=["POST"])
def bulk_status(article_id: int, action: str):
    """Select or dismiss (with one reason) every ticked claim."""
    get_or_404(Article, article_id)
    form = ActionForm()
    if not form.validate_on_submit():
        abort(400)
    with view_step() as step:
        n = change_statuses(db.session, claims=_ticked(article_id),
                            status=STATUS_ACTIONS[action], actor=current_user(),
                            reason=request.form.get("bulk_reason", "")[:300])
    if step.ok:
        flash(ngettext("{n} claim selected.", "{n} claims selected.", n) if action == "select"
              else ngettext("{n} claim dismissed.", "{n} claims dismissed.", n), "success")
    return redirect(_board_url(article_id, _posted_page()))


def _prefilled_reasoning(item) -> str:
    return suggested_reasoning(db.session, claim=item.claim)


@bp.route("/articles/<int:article_id>/bulk-decide", methods=["POST"])
def bulk_decide(article_id: int):
    """Decide the ticked claims whose verdicts all agree: first a page that shows the shared
    verdict of each (and why the others are left alone), then the decisions on Confirm."""
    found = get_or_404(Article, article_id)
    form = ActionForm()
    if not form.validate_on_submit():
        abort(400)
    claims = _ticked(article_id)
    status = 200
    if request.form.get("confirm") == "y":
        texts = {c.id: (request.form.get(f"summary-{c.id}", ""),
                        request.form.get(f"reasoning-{c.id}", "")) for c in claims}
        with view_step() as step:
            done = decide_unanimous(db.session, claims=claims, editor=current_user(),
                                    texts=texts)
        if step.ok:
            flash(ngettext("{n} claim decided.", "{n} claims decided.", len(done)), "success")
            return redirect(_board_url(article_id, _posted_page()))
        status = step.status
    items = unanimity(db.session, claims=claims, editor=current_user())
    return render_template("editor/bulk_decide.html", article=found, items=items,
                           form=request.form, reasoning=_prefilled_reasoning), status


@bp.route("/assignments/<int:assignment_id>/remove", methods=["GET", "POST"])
def unassign_reviewer(assignment_id: int):
    """Ask, then take a reviewer off a claim (their review of it is withdrawn too)."""
    assignment = get_or_404(Assignment, assignment_id)
    claim_found = db.session.get(Claim, assignment.claim_id)
    if request.method == "GET" or request.form.get("confirm") != "y":
        if request.method == "POST":
            return redirect(url_for("editor.unassign_reviewer", assignment_id=assignment_id))
        return render_template("editor/unassign.html", assignment=assignment,
                               claim=claim_found,
                               reviewer=db.session.get(User, assignment.reviewer_id))
    with view_step() as step:
        unassign(db.session, assignment=assignment, actor=current_user(), reason="editor")
    if step.ok:
        flash(_("Reviewer removed from the claim."), "success")
    return redirect(_claim_url(claim_found))


def _claim_to_decide(claim_id: int) -> Claim:
    """The claim, if the current editor may decide it (not recused, never its reviewer)."""
    claim_found = get_or_404(Claim, claim_id)
    try:
        require_decider(db.session, claim=claim_found, editor=current_user())
    except WorkflowError as error:
        flash(error.message, "error")
        abort(403)
    return claim_found


def _decision_page(claim_found: Claim, status: int = 200, *, refresh_version: bool = False,
                   **forms):
    """The decision page, with the forms the caller already has (fresh ones otherwise)."""
    record_seen(claim_found, current_user())  # the verdicts on this page count as seen
    page = decision_page(db.session, claim_found, current_user())
    record_seen(claim_found, current_user(), [view.review for view in page.reviews], [])
    form = forms.pop("decision_form", None) or DecisionForm()
    form.rating.choices = rating_choices(page.labels)
    if not form.is_submitted():
        form.rating.data = page.suggested_rating
        form.summary.data = page.decision.summary if page.decision else ""
        form.public_reasoning.data = (page.decision.public_reasoning if page.decision
                                      else suggested_reasoning(db.session, claim=claim_found))
        form.version.data = page.decision_version
    elif refresh_version:  # show theirs; saving again applies mine over it
        form.version.data = page.decision_version
    send_back_form = forms.pop("send_back_form", None) or SendBackForm()
    return render_template("editor/decide.html", page=page, decision_form=form,
                           send_back_form=send_back_form,
                           history=history_lines(db.session, page.history)), status


@bp.route("/claims/<int:claim_id>/decide", methods=["GET", "POST"])
def decide(claim_id: int):
    """Compare the verdicts side by side and decide the final one."""
    claim_found = _claim_to_decide(claim_id)
    form = DecisionForm()  # its rating choices are set when the page is shown
    if form.validate_on_submit():
        expected = posted_version(form)
        with view_step(form) as step:
            decide_claim(db.session, claim=claim_found, editor=current_user(),
                         rating_key=form.rating.data or None, summary=form.summary.data,
                         expected_version=expected,
                         correction_note=form.correction_note.data or "",
                         public_reasoning=form.public_reasoning.data or "")
        if not step.ok:
            return _decision_page(claim_found, step.status, decision_form=form,
                                  refresh_version=step.conflict)
        flash(_("Decision saved."), "success")
        return redirect(_claim_url(claim_found))
    if form.is_submitted():
        return _decision_page(claim_found, 422, decision_form=form)
    return _decision_page(claim_found)


@bp.route("/evidence/<int:evidence_id>/public-copy/<any(on, off):state>", methods=["POST"])
def public_copy(evidence_id: int, state: str):
    """Let readers open a source's preserved copy from the verdict page, or keep it from
    them ("available on request"), for copyright reasons."""
    evidence = get_or_404(Evidence, evidence_id)  # CSRFProtect has checked the token
    claim_found = _claim_to_decide(evidence.claim_id)
    with view_step() as step:
        set_public_copy(db.session, evidence=evidence, public=state == "on",
                        actor=current_user())
    if step.ok:
        flash(_("Readers can open the preserved copy of this source.") if state == "on" else
              _("Readers are told that the preserved copy of this source is available on "
                "request."), "success")
    return redirect(url_for("editor.decide", claim_id=claim_found.id,
                            _anchor=f"evidence-{evidence_id}"))


@bp.route("/claims/<int:claim_id>/send-back", methods=["POST"])
def send_back_claim(claim_id: int):
    """Reopen the reviews with a comment to the reviewers."""
    claim_found = _claim_to_decide(claim_id)
    form = SendBackForm()
    if form.validate_on_submit():
        with view_step(form) as step:
            send_back(db.session, claim=claim_found, editor=current_user(), note=form.note.data)
        if not step.ok:
            return _decision_page(claim_found, step.status, send_back_form=form)
        flash(_("Sent back to the reviewers."), "success")
        return redirect(url_for("editor.decide", claim_id=claim_id))
    return _decision_page(claim_found, 422, send_back_form=form)


@bp.route("/articles/<int:article_id>/publish", methods=["GET", "POST"])
def publish(article_id: int):
    """Show what goes public (GET), then publish or republish the check once confirmed."""
    found = get_or_404(Article, article_id)
    include_open = (request.values.get("include_open") == "y")
    preview = publish_preview(db.session, article=found, include_open=include_open)
    if request.method == "GET":
        return render_template("editor/publish.html", preview=preview, article=found)
    seen = request.form.get("preview")
    if seen is not None and seen != preview.fingerprint:
        # Someone decided, reworded or selected a claim since this preview was shown.
        flash(_("The check changed since you saw the preview; look at it again before "
                "publishing."), "error")
        return redirect(url_for("editor.publish", article_id=article_id,
                                include_open="y" if include_open else None), code=303)
    with view_step() as step:
        publish_article(db.session, article=found, editor=current_user(),
                        include_open=include_open)
    if step.ok:
        flash(_("Published."), "success")
    return redirect(_board_url(article_id, _posted_page(), "publishing"))


@bp.route("/articles/<int:article_id>/unpublish", methods=["GET", "POST"])
def unpublish(article_id: int):
    """Ask (GET), then withdraw the check from public view."""
    found = get_or_404(Article, article_id)
    if request.method == "GET":
        return render_template("editor/unpublish.html", article=found)
    with view_step() as step:
        unpublish_article(db.session, article=found, editor=current_user())
    if step.ok:
        flash(_("Withdrawn from public view; its address now answers 410 Gone."), "success")
    return redirect(_board_url(article_id, _posted_page(), "publishing"))


@bp.route("/attention")
def attention():
    """Needs my attention: claims ready to decide, overdue reviews, claims sent back, new
    reader reports."""
    return render_template("editor/attention.html",
                           page=attention_page(db.session, viewer=current_user(),
                                               today=utcnow().date()))


REPORT_TABS = ("new", "triaged", "closed", ALL_REPORTS)


def _inbox_url(back: str | None):
    """Where a report's buttons return to: its own page, or the inbox tab it was shown on."""
    if back and back.startswith("report-") and back[7:].isdigit():
        return url_for("editor.report", report_id=int(back[7:]))
    return url_for("editor.reports", status=back if back in REPORT_TABS else None)


@bp.route("/reports")
def reports():
    """Readers' error reports and claim suggestions, to triage: a tab per status."""
    status = request.args.get("status", ALL_REPORTS)
    if status not in REPORT_TABS:
        status = ALL_REPORTS
    return render_template("editor/reports.html", targets=report_targets, tabs=REPORT_TABS,
                           inbox=report_inbox(db.session, status=status,
                                              page=page_number(request.args)))


def _report_page(found: ReaderReport, form: ReportReplyForm | None = None,
                 status: int = 200):
    """One report with its thread, and the reply form when the reader left an address."""
    thread = report_thread(db.session, found)
    if form is None:
        form = ReportReplyForm()
        title = thread.row.article.title if thread.row.article else ""
        with default_language():  # the language the reply mail will speak
            form.subject.data = _("Re: your report about {title}", title=title)[:200]
    return render_template("editor/report.html", thread=thread, form=form,
                           targets=report_targets, mail_on=mail_is_on()), status


@bp.route("/reports/<int:report_id>")
def report(report_id: int):
    """A reader's report, the editors' replies to it, and the form to reply by e-mail."""
    return _report_page(get_or_404(ReaderReport, report_id))


@bp.route("/reports/<int:report_id>/reply", methods=["POST"])
def report_reply(report_id: int):
    """Reply to the reader by e-mail (sent by a job after commit); what was typed is kept
    when the form or the workflow refuses it."""
    found = get_or_404(ReaderReport, report_id)
    form = ReportReplyForm()
    if form.validate_on_submit():
        with view_step(form) as step:
            reply_to_report(db.session, report=found, author=current_user(),
                            subject=form.subject.data, body=form.body.data,
                            mail_on=mail_is_on())
        if step.ok:
            flash(_("Reply saved; it is sent by e-mail in a moment."), "success")
            return redirect(url_for("editor.report", report_id=report_id, _anchor="thread"))
        return _report_page(found, form, step.status)
    return _report_page(found, form, 422)


@bp.route("/reports/<int:report_id>/<any(new, triaged, closed):status>", methods=["POST"])
def report_status(report_id: int, status: str):
    """Mark a reader report triaged or closed, or reopen it."""
    found = get_or_404(ReaderReport, report_id)
    with view_step():
        set_report_status(db.session, report=found, status=ReportStatus(status),
                          actor=current_user())
    return redirect(_inbox_url(request.args.get("back")))
