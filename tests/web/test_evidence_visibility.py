"""Blind review and shared evidence: by default a reviewer sees colleagues' sources (and
how they lean) only once their own verdict is in; the desk can share them at once."""

from __future__ import annotations

from factcheck.extensions import db
from factcheck.models import Evidence
from factcheck.workflow.settings import set_setting

from ..helpers import csrf_token, post_form
from ..helpers import rows as _get
from .test_blind_review_attacks import desk  # noqa: F401 (a fixture)


def _hide(desk):  # noqa: F811
    with desk.app.app_context():  # the fixture shares evidence; back to the default
        set_setting(db.session, key="evidence_visibility", value="after_submitting",
                    actor=None)
        db.session.commit()


def _page(desk, who):  # noqa: F811
    return desk[who].page(f"/review/claims/{desk.claim_id}")[1]


def test_a_colleague_s_sources_stay_hidden_until_one_s_verdict_is_in(desk):  # noqa: F811
    _hide(desk)
    assert desk.assign("r1").status_code == 201 and desk.assign("r2").status_code == 201
    source = desk.evidence("r2", "october")
    [item] = _get(desk.app, Evidence, id=source)
    assert item.title not in _page(desk, "r1")  # not on the workspace...
    assert desk["r1"].api("GET", f"/claims/{desk.claim_id}").json["evidence"] == []  # ...API
    assert desk["r1"].page(f"/review/evidence/{source}")[0] == 404  # nor by its id
    # Citing it by id is refused like any source not on offer.
    cited = desk.submit("r1", "Placeholder.", [source], rating="true")
    assert cited.status_code == 422
    # The colleague's own view and the editors' are whole.
    assert item.title in _page(desk, "r2")
    assert item.title in desk["editor"].page(f"/editor/claims/{desk.claim_id}/decide")[1]
    # With their own source and verdict in, r1 sees everyone's.
    own = desk.evidence("r1", "own")
    assert desk.submit("r1", "Mine.", [own], rating="true").status_code == 201
    assert item.title in _page(desk, "r1")
    api = desk["r1"].api("GET", f"/claims/{desk.claim_id}").json
    assert {e["id"] for e in api["evidence"]} == {source, own}


def test_the_desk_can_share_sources_at_once(desk):  # noqa: F811
    _hide(desk)
    assert desk["editor"].page("/admin/settings")[0] == 403  # an administrator's setting
    from factcheck.models import User
    from factcheck.states import Role

    with desk.app.app_context():
        editor = db.session.get(User, desk["editor"].user.id)
        editor.role = Role.ADMIN
        db.session.commit()
    client = desk["editor"].web
    page = client.get("/admin/settings").get_data(as_text=True)
    assert "Reviewers see each other&#39;s evidence" in page
    assert '<option selected value="after_submitting">' in page  # the default
    saved = post_form(client, "/admin/settings", {
        "reviews_required": "2", "evidence_visibility": "always"})
    assert saved.status_code == 302
    assert desk.assign("r1").status_code == 201 and desk.assign("r2").status_code == 201
    source = desk.evidence("r2", "october")
    [item] = _get(desk.app, Evidence, id=source)
    assert item.title in _page(desk, "r1")
    bad = client.post("/admin/settings", data={
        "csrf_token": csrf_token(page), "reviews_required": "2",
        "evidence_visibility": "sometimes"})
    assert bad.status_code == 422
