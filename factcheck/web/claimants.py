"""Claimants: the editors' list, edit and merge pages, and each claimant's public page."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from ..extensions import db
from ..i18n import _, _l, ngettext
from ..infra.http_cache import conditional, make_etag
from ..models import Claimant
from ..queries.claimants import (
    claimant_page,
    claimant_page_stamp,
    claimant_rows,
    merge_choices,
    resolve_claimant_slug,
)
from ..states import Role
from ..workflow.claimants import ClaimantConflict, edit_claimant, merge_claimants
from .access import current_user, role_required
from .steps import get_or_404, posted_version, view_step

bp = Blueprint("claimants", __name__)


class ClaimantForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    description = TextAreaField(
        _l("Role or description"), validators=[Optional(), Length(max=300)],
        description=_l("Shown to readers under the name, e.g. “Mayor of Springfield”."))
    same_as = StringField(
        _l("Same as (address)"), validators=[Optional(), Length(max=2048)],
        description=_l("An http(s) address that identifies them, e.g. their Wikidata item."))
    version = HiddenField()


def _record_id(value: object) -> int | str:
    """A chosen record id; "" (the placeholder) stays "" for InputRequired to refuse."""
    return int(value) if value not in ("", None) else ""


class ClaimantMergeForm(FlaskForm):
    other = SelectField(_l("Claimant to merge into this one"), coerce=_record_id,
                        validators=[InputRequired()], validate_choice=True)


def _merge_form(claimant: Claimant) -> ClaimantMergeForm:
    form = ClaimantMergeForm(prefix="merge")
    form.other.choices = [("", _("Choose a claimant…")),
                          *merge_choices(db.session, claimant)]
    return form


def _live_or_404(claimant_id: int) -> Claimant:
    claimant = get_or_404(Claimant, claimant_id)
    if claimant.merged_into_id is not None:  # its claims live on the kept record now
        abort(404)
    return claimant


@bp.route("/editor/claimants")
@role_required(Role.EDITOR)
def editor_list():
    """Every claimant, searchable by name, with the number of their claims."""
    search = request.args.get("q", "")[:200].replace("\x00", "")
    return render_template("editor/claimants.html", rows=claimant_rows(db.session, search=search),
                           search=search)


def _edit_page(claimant: Claimant, form: ClaimantForm, status: int = 200,
               merge_form: ClaimantMergeForm | None = None):
    return render_template("editor/claimant.html", claimant=claimant, form=form,
                           merge_form=merge_form or _merge_form(claimant)), status


@bp.route("/editor/claimants/<int:claimant_id>", methods=["GET", "POST"])
@role_required(Role.EDITOR)
def editor_edit(claimant_id: int):
    """Edit a claimant's name, description and same-as address (versioned)."""
    claimant = _live_or_404(claimant_id)
    form = ClaimantForm(obj=claimant)
    if form.validate_on_submit():
        expected = posted_version(form)
        with view_step(form, quiet=lambda e: isinstance(e, ClaimantConflict)) as step:
            edit_claimant(db.session, claimant=claimant, expected_version=expected,
                          name=form.name.data, description=form.description.data or "",
                          same_as=form.same_as.data or "", actor=current_user())
        if isinstance(step.error, ClaimantConflict):
            current = step.error.current
            db.session.refresh(current)
            form.version.data = current.version
            return render_template("editor/claimant_conflict.html", current=current,
                                   form=form), 409
        if step.ok:
            flash(_("Claimant saved."), "success")
            return redirect(url_for("claimants.editor_edit", claimant_id=claimant.id))
        return _edit_page(claimant, form, step.status)  # what they typed is kept
    if not form.is_submitted():
        form.version.data = claimant.version
    return _edit_page(claimant, form, 422 if form.errors else 200)


@bp.route("/editor/claimants/<int:claimant_id>/merge", methods=["POST"])
@role_required(Role.EDITOR)
def editor_merge(claimant_id: int):
    """Merge another claimant into this one: their claims move here, their page redirects."""
    kept = _live_or_404(claimant_id)
    form = _merge_form(kept)
    if form.validate_on_submit():
        merged = _live_or_404(form.other.data)
        name = merged.name
        with view_step(form) as step:
            moved = merge_claimants(db.session, merged=merged, kept=kept, actor=current_user())
        if step.ok:
            flash(ngettext("{name} merged into this claimant; {n} claim moved.",
                           "{name} merged into this claimant; {n} claims moved.", moved,
                           name=name), "success")
            return redirect(url_for("claimants.editor_edit", claimant_id=kept.id))
    form_edit = ClaimantForm(obj=kept, version=kept.version)
    return _edit_page(kept, form_edit, 422, merge_form=form)


@bp.route("/claimants/<slug>")
def public_page(slug: str):
    """A claimant's public page: who they are and the verdicts on their published claims."""
    claimant = resolve_claimant_slug(db.session, slug)
    if claimant is None:
        abort(404)
    if claimant.slug != slug:  # merged into another record: its page is the kept one's
        return redirect(url_for("claimants.public_page", slug=claimant.slug), 301)
    stamp = claimant_page_stamp(db.session, claimant)
    if not stamp[2]:  # no published claim: nothing of unpublished work is shown
        abort(404)

    def build():
        page = claimant_page(db.session, claimant)
        if page is None:
            abort(404)
        colours = {label.name: label.colour for label, _n in page.counts if label}
        counts = [(label.name if label else None, n) for label, n in page.counts]
        return render_template("public/claimant.html", page=page, counts=counts,
                               colours=colours)

    return conditional(make_etag("claimant", *stamp), lambda: make_response(build()))

