"""Administration of background jobs: what waits, what runs, what failed (and retrying it)."""

from __future__ import annotations

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

from ..extensions import db
from ..i18n import _
from ..models import Job
from ..queries.jobs import WATCHED, jobs_page, queue_state
from ..queries.paging import page_number
from ..states import JobStatus, Role
from ..workflow.jobs import retry
from ..workflow.retention import configure_retention
from .access import current_user, guard_blueprint
from .forms import ActionForm
from .steps import get_or_404, view_step

bp = Blueprint("jobs", __name__, url_prefix="/admin/jobs")
guard_blueprint(bp, Role.ADMIN)


def register_retention(_app: Flask) -> None:
    """Tell the daily housekeeping job where to read the retention period."""
    configure_retention(days=lambda: int(current_app.config["RETENTION_DAYS"]))


@bp.route("")
def index():
    """Failed jobs (the dead letters) first, then running and pending ones; counts of all."""
    raw = request.args.get("status")
    if raw is not None and raw not in {s.value for s in WATCHED}:
        abort(404)
    status = JobStatus(raw) if raw else None
    return render_template("admin/jobs.html", state=queue_state(db.session), status=status,
                           jobs=jobs_page(db.session, status=status,
                                          page=page_number(request.args)),
                           statuses=WATCHED)


@bp.route("/<int:job_id>/retry", methods=["POST"])
def retry_job(job_id: int):
    """Give a failed job another round of attempts."""
    job = get_or_404(Job, job_id)
    if ActionForm().validate_on_submit():
        with view_step() as step:
            retry(db.session, job=job, actor=current_user())
        if step.ok:
            flash(_("Job {id} will be tried again.", id=job_id), "success")
    else:
        abort(400)
    return redirect(url_for("jobs.index"))
