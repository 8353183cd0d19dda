"""The editor's answers to a claim's matches: the same claim, dismiss, cite as evidence.

The matches themselves are shown on the claim board, the editor's claim page and the
reviewer's workspace (read by `factcheck.queries.claim_matches`). Every action names the
claim and the match, and the match must belong to that claim (404 otherwise).
"""

from __future__ import annotations

from flask import (
    Blueprint,
    Flask,
    abort,
    current_app,
    flash,
    has_app_context,
    redirect,
    request,
    url_for,
)

from ..extensions import db
from ..i18n import _
from ..infra.links import check_url
from ..models import Claim, ClaimMatch
from ..queries.claim_matches import match_of_claim, matches_of_claims, percent
from ..queries.reviews import claims_reviewed_by
from ..queries.settings import get_setting
from ..states import MatchSource, MatchStatus, Role, Stance
from ..workflow import claim_matches as match_flow
from .access import current_user, guard_blueprint
from .forms import ActionForm, CiteMatchForm
from .steps import get_or_404, view_step

bp = Blueprint("claim_matches", __name__, url_prefix="/editor/claims")
guard_blueprint(bp, Role.EDITOR)


def register_matching(_app: Flask) -> None:
    """Tell the workflow whether imports ask for matching (the app's CLAIM_MATCHING)."""
    match_flow.configure_matching(enabled=lambda: not has_app_context()
                                  or bool(current_app.config["CLAIM_MATCHING"]))


def _load(claim_id: int, match_id: int) -> tuple[Claim, ClaimMatch]:
    claim = get_or_404(Claim, claim_id)
    match = match_of_claim(db.session, claim_id=claim.id, match_id=match_id)
    if match is None:
        abort(404)  # no such match, or another claim's
    return claim, match


def _back(claim: Claim):
    """Back to the page the form was on: the claim page, or the claim on the board."""
    if request.args.get("from") == "claim":
        return redirect(url_for("editor.claim", claim_id=claim.id, _anchor="matches"))
    return redirect(url_for("editor.claim_on_board", claim_id=claim.id))


def match_link(match: ClaimMatch) -> str:
    """Where the earlier check is read: our verdict page's claim, or their page."""
    if match.source == MatchSource.OWN:
        return f"{check_url(match.slug)}#claim-{match.claim_number}"
    # Imported addresses come from other publishers' feeds: only http(s) becomes a link.
    return match.url if match.url.lower().startswith(("http://", "https://")) else ""


def match_publisher(match: ClaimMatch) -> str:
    """Who published the earlier check: this desk (its name) or the other publisher."""
    if match.source == MatchSource.OWN:
        return get_setting(db.session, "org_name") or ""
    return match.publisher


def _decide(claim_id: int, match_id: int, change, message: str):
    claim, match = _load(claim_id, match_id)
    form = ActionForm()
    if form.validate_on_submit():
        with view_step(form) as step:
            change(db.session, match=match, claim=claim, actor=current_user())
        if step.ok:
            flash(message, "success")
    else:
        abort(400)
    return _back(claim)


@bp.route("/<int:claim_id>/matches/<int:match_id>/same", methods=["POST"])
def same(claim_id: int, match_id: int):
    """Mark an earlier check as the same claim (then it may be cited as evidence)."""
    return _decide(claim_id, match_id, match_flow.mark_same,
                   _("Marked as the same claim: you can now cite it as evidence."))


@bp.route("/<int:claim_id>/matches/<int:match_id>/dismiss", methods=["POST"])
def dismiss(claim_id: int, match_id: int):
    """Dismiss a suggested match: it is not shown again."""
    return _decide(claim_id, match_id, match_flow.dismiss_match, _("Suggestion dismissed."))


@bp.route("/<int:claim_id>/matches/<int:match_id>/cite", methods=["POST"])
def cite(claim_id: int, match_id: int):
    """Cite an earlier check marked as the same claim as evidence for the reviewers."""
    claim, match = _load(claim_id, match_id)
    form = CiteMatchForm()
    if not form.validate_on_submit():
        for errors in form.errors.values():
            for message in errors:
                flash(message, "error")
        return _back(claim)
    with view_step(form) as step:
        match_flow.cite_match(
            db.session, match=match, claim=claim, actor=current_user(), url=match_link(match),
            publisher=match_publisher(match), stance=Stance(form.stance.data),
            note=form.note.data or "")
    if step.ok:
        flash(_("The earlier check is cited as evidence for the reviewers."), "success")
    return _back(claim)


def match_display(found: dict) -> dict[int, dict]:
    """Match id -> what its card shows: link, publisher, percent, and for a match marked
    the same and not cited yet, the stance and note the cite form offers."""
    shown = {}
    for matches in found.values():
        for match in [*matches.earlier, *matches.open_work]:
            item = {"percent": percent(match.score)}
            if match.source != MatchSource.OPEN:
                item |= {"link": match_link(match), "publisher": match_publisher(match)}
            if match.status == MatchStatus.SAME and match.evidence_id is None:
                item |= {"stance": str(match_flow.stance_for_rating(match.rating)),
                         "note": match_flow.suggested_note(match,
                                                           publisher=item["publisher"])}
            shown[match.id] = item
    return shown


def claim_matches_for(claim_ids: list[int], *, open_work: bool) -> tuple[dict, dict]:
    """The matches of these claims and what their cards show, for a template.

    Open work is not shown on a claim the viewer reviews: it links the same claim in
    another article, whose reviewers' verdicts an editor may read.
    """
    found = matches_of_claims(db.session, claim_ids, open_work=open_work)
    if open_work:
        for claim_id in claims_reviewed_by(db.session, user=current_user(),
                                           claim_ids=[i for i, m in found.items() if m.open_work]):
            found[claim_id].open_work = []
    return found, match_display(found)
