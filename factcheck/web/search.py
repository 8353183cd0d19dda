"""Search across published checks, for anyone."""

from __future__ import annotations

from flask import Blueprint, render_template, request
from wtforms import DateField, Form, SearchField, SelectField, StringField
from wtforms.fields import SelectChoice
from wtforms.validators import Length, Optional, ValidationError

from ..extensions import db
from ..i18n import _, _l
from ..queries.claim_matches import similar_claims
from ..queries.search import search_checks, search_facets

bp = Blueprint("search", __name__)

PER_PAGE = 20
PARAMS = ("q", "mode", "rating", "outlet", "claimant", "from", "to")  # what the form sends
SIMILAR, SIMILAR_LIMIT = "similar", 10


def _without_nul(value):
    # PostgreSQL refuses NUL even in a query parameter; no stored value contains one.
    return value.replace("\x00", "") if isinstance(value, str) else value


WORDS_MAX, SENTENCE_MAX = 200, 1000  # characters of `q` in each mode


class SearchForm(Form):
    """A GET form: it changes nothing, so it carries no CSRF token."""

    # A reader's sentence may be a pasted post (with its links): longer than words to find.
    q = SearchField(_l("Words"), validators=[Optional(), Length(max=SENTENCE_MAX)],
                    filters=[_without_nul])
    mode = SelectField(_l("Find"), choices=[
        SelectChoice("", _l("Claims with these words")),
        SelectChoice(SIMILAR, _l("Similar claims (type a sentence)"))],
                       validate_choice=True, default="", filters=[_without_nul])
    rating = SelectField(_l("Verdict"), validate_choice=False, filters=[_without_nul])
    outlet = SelectField(_l("Outlet"), validate_choice=False, filters=[_without_nul])
    claimant = StringField(_l("Claimed by"), validators=[Optional(), Length(max=200)],
                           filters=[_without_nul])
    date_from = DateField(_l("Checked from"), validators=[Optional()], name="from")
    date_to = DateField(_l("Checked until"), validators=[Optional()], name="to")

    def validate(self, extra_validators=None) -> bool:
        """The fields' checks, and a sentence to compare in the similar-claims mode."""
        valid = super().validate(extra_validators)
        if self.mode.data == SIMILAR and not (self.q.data or "").strip():
            # (the field's Optional validator stops its own chain on an empty value)
            self.q.errors = [*self.q.errors,
                             _("Type a sentence to find the claims most like it.")]
            return False
        if self.mode.data != SIMILAR and WORDS_MAX < len(self.q.data or "") <= SENTENCE_MAX:
            self.q.errors = [*self.q.errors, _(
                "Words to find cannot be longer than {n} characters; to compare a longer "
                "sentence, choose similar claims.", n=WORDS_MAX)]
            return False
        return valid

    def validate_date_to(self, field) -> None:
        if field.data and self.date_from.data and field.data < self.date_from.data:
            raise ValidationError(_("The end date is before the start date."))


def _choices(anything: str, values: list[str], current: str | None) -> list[tuple[str, str]]:
    if current and current not in values:  # a link from before the index changed
        values = [*values, current]
    return [("", anything)] + [(value, value) for value in values]


@bp.route("/search")
def search():
    """Results for the words and filters in the query string, a page at a time."""
    facets = search_facets(db.session)
    form = SearchForm(request.args)
    form.rating.choices = _choices(_("Any verdict"), facets.verdicts, form.rating.data)
    form.outlet.choices = _choices(_("Any outlet"), facets.outlets, form.outlet.data)
    params = {key: value for key in PARAMS if (value := request.args.get(key, "").strip())}
    result = similar = None
    if params and form.validate() and form.mode.data == SIMILAR:
        similar = similar_claims(db.session, text=form.q.data, limit=SIMILAR_LIMIT)
    elif params and form.validate():
        result = search_checks(
            db.session, query=form.q.data, rating=form.rating.data or None,
            outlet=form.outlet.data or None, claimant=form.claimant.data or None,
            date_from=form.date_from.data, date_to=form.date_to.data,
            page=request.args.get("page", 1, type=int), per_page=PER_PAGE)
    return render_template("search/results.html", form=form, result=result, params=params,
                           similar=similar)
