"""Fact-checks of other publishers: upload a ClaimReview feed, see what is imported."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, render_template, request
from werkzeug.exceptions import RequestEntityTooLarge

from ..extensions import db
from ..i18n import _, ngettext
from ..queries.imported_checks import imported_page, imported_total, recent_imports, top_publishers
from ..queries.paging import page_number
from ..states import Role
from ..workflow.imported_checks import FeedImport, import_feed
from .access import current_user, guard_blueprint
from .forms import ClaimReviewUploadForm
from .uploads import accepts_upload

bp = Blueprint("imported_checks", __name__, url_prefix="/admin/imported-checks")
guard_blueprint(bp, Role.ADMIN)

SKIPS_LISTED = 50  # skipped records listed on the page after an upload


@bp.errorhandler(RequestEntityTooLarge)
def _too_large(_error: RequestEntityTooLarge):
    """A feed over this page's limit: the way to import it instead (no page data shown)."""
    return render_template("errors/error.html", code=413, title=_("Too large"), message=_(
        "The file is larger than this page accepts ({mb} MB). Import it on the server with "
        "the command `factcheck import-claimreview FILE`, which reads feeds of any size.",
        mb=_upload_mb())), 413


def _upload_mb() -> int:
    return int(current_app.config["CLAIMREVIEW_UPLOAD_MAX_BYTES"]) // (1024 * 1024)


def _render(form: ClaimReviewUploadForm, *, result: FeedImport | None = None,
            status: int = 200):
    return render_template(
        "admin/imported_checks.html", form=form, result=result,
        skips_listed=SKIPS_LISTED, total=imported_total(db.session),
        publishers=top_publishers(db.session), imports=recent_imports(db.session),
        checks=imported_page(db.session, page=page_number(request.args)),
        max_mb=_upload_mb()), status


@bp.route("", methods=["GET", "POST"])
@accepts_upload("CLAIMREVIEW_UPLOAD_MAX_BYTES")
def index():
    """What is imported, the latest imports, and the upload form."""
    form = ClaimReviewUploadForm()
    if not form.validate_on_submit():
        return _render(form, status=422 if form.errors else 200)
    upload = form.file.data
    result = FeedImport()
    # Each batch is committed as it is read, as the command does: a feed that breaks
    # off keeps the complete checks before the break.
    for result in import_feed(db.session, upload.stream,  # noqa: B007 (the last totals)
                              source=upload.filename or "upload", actor=current_user()):
        db.session.commit()
    if result.error:
        flash(result.error, "error")
        if result.saved:  # committed batch by batch: say what the error did not undo
            flash(ngettext("Kept the {n} check imported before the error.",
                           "Kept the {n} checks imported before the error.", result.saved),
                  "info")
        return _render(form, result=result, status=422)
    flash(ngettext("Imported {n} check: {added} new, {updated} updated, {skipped} skipped.",
                   "Imported {n} checks: {added} new, {updated} updated, {skipped} skipped.",
                   result.saved, added=result.added, updated=result.updated,
                   skipped=result.skipped), "success")
    return _render(ClaimReviewUploadForm(formdata=None), result=result)
