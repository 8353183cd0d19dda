"""Administrators choose the active rating scale, copy presets and edit the copies' labels."""

from __future__ import annotations

import re
from html import escape

import pytest
from sqlmodel import col, select

from factcheck.extensions import db
from factcheck.models import AuditEvent, Claim, Decision, RatingLabel, RatingScale, Review
from factcheck.queries.scales import active_scale
from factcheck.states import Role, ScaleMode
from factcheck.workflow import WorkflowError
from factcheck.workflow import scales as rating
from factcheck.workflow.articles import create_article
from factcheck.workflow.scale_presets import (
    CONCLUSION,
    EVIDENCE,
    FIVE_STEP,
    PRESETS,
    SIX_STEP,
    seed_rating_scales,
)

from ..helpers import csrf_token, login, post_form

BUILTIN_MESSAGE = "is a built-in scale and cannot be changed"
NEW_LABEL = {
    "key": "satire",
    "name": "Satire",
    "value": "",
    "colour": "#7a5f8a",
    "symbol": "S",
    "description": "A joke taken at face value.",
}


# Helpers ---------------------------------------------------------------------------------


def _scale_id(app, name: str) -> int:
    with app.app_context():
        return db.session.exec(select(RatingScale.id).where(RatingScale.name == name)).one()


def _label_id(app, scale_id: int, key: str) -> int:
    with app.app_context():
        return db.session.exec(select(RatingLabel.id).where(
            RatingLabel.scale_id == scale_id, RatingLabel.key == key)).one()


def _labels(app, scale_id: int) -> list[dict]:
    """The labels of a scale in display order, as plain data (without the bookkeeping)."""
    with app.app_context():
        labels = db.session.exec(select(RatingLabel).where(RatingLabel.scale_id == scale_id)
                                 .order_by(col(RatingLabel.position))).all()
        return [label.model_dump(exclude={"id", "scale_id", "version"}) for label in labels]


def _snapshot(app) -> dict:
    """Every scale and label and the number of audit events: to prove nothing changed."""
    with app.app_context():
        scales = [s.model_dump() for s in
                  db.session.exec(select(RatingScale).order_by(col(RatingScale.id))).all()]
        labels = [lab.model_dump() for lab in
                  db.session.exec(select(RatingLabel).order_by(col(RatingLabel.id))).all()]
        events = len(db.session.exec(select(AuditEvent.id)).all())
    return {"scales": scales, "labels": labels, "events": events}


def _events(app, action: str) -> list[AuditEvent]:
    with app.app_context():
        events = db.session.exec(select(AuditEvent).where(AuditEvent.action == action)
                                 .order_by(col(AuditEvent.id))).all()
        for event in events:
            db.session.expunge(event)
        return list(events)


def _active_ids(app) -> list[int]:
    with app.app_context():
        return list(db.session.exec(
            select(RatingScale.id).where(col(RatingScale.is_active).is_(True))).all())


def _copy(client, app, source: str, name: str = "") -> int:
    """Copy a scale through its page; returns the id of the copy."""
    source_id = _scale_id(app, source)
    response = post_form(client, f"/admin/scales/{source_id}/copy", {"name": name},
                         page=f"/admin/scales/{source_id}")
    assert response.status_code == 302, response.get_data(as_text=True)
    return int(response.headers["Location"].rsplit("/", 1)[1])


def _label_data(app, label_id: int, **changes) -> dict:
    """The label's edit form as stored now, version included, with `changes` typed in."""
    with app.app_context():
        label = db.session.get(RatingLabel, label_id)
        data = {"key": label.key, "name": label.name,
                "value": "" if label.value is None else str(label.value),
                "colour": label.colour, "symbol": label.symbol,
                "description": label.description, "version": str(label.version)}
    return {**data, **changes}


def _scale_data(app, scale_id: int, **changes) -> dict:
    """The scale's name-and-description form as stored now, version included."""
    with app.app_context():
        scale = db.session.get(RatingScale, scale_id)
        data = {"name": scale.name, "description": scale.description,
                "version": str(scale.version)}
    return {**data, **changes}


def _hidden_version(html: str, field_id: str) -> str:
    """The version a form on the page carries (its hidden input with id `field_id`)."""
    match = re.search(rf'<input[^>]*id="{field_id}"[^>]*value="([^"]*)"', html)
    assert match, f"no hidden {field_id} in the page"
    return match.group(1)


def _second_admin(app, make_user):
    """Another administrator, signed in on a client of their own."""
    other = app.test_client()
    assert login(other, make_user(Role.ADMIN).email).status_code == 302
    return other


def _open_form(client, url: str, field_id: str) -> dict:
    """What a browser keeps from the page holding a form: its CSRF token and version."""
    html = client.get(url).get_data(as_text=True)
    return {"csrf_token": csrf_token(html), "version": _hidden_version(html, field_id)}


def _rate_with(app, make_user, *, review_label: int, decision_label: int | None = None) -> None:
    """A claim with one submitted review (and optionally a decision) using these labels."""
    reviewer, editor = make_user(Role.REVIEWER), make_user(Role.EDITOR)
    with app.app_context():
        article = create_article(db.session, title="Rated", body="The sky is green.",
                                 actor=None)
        claim = Claim(article_id=article.id, start=0, end=17, text="The sky is green.")
        db.session.add(claim)
        db.session.flush()
        db.session.add(Review(claim_id=claim.id, reviewer_id=reviewer.id,
                              rating_id=review_label))
        if decision_label is not None:
            db.session.add(Decision(claim_id=claim.id, editor_id=editor.id,
                                    rating_id=decision_label))
        db.session.commit()


def _verdict_markup(label) -> str:
    """How a label is shown: colour swatch, then its symbol and its name as text."""
    return (f'fill="{label.colour}"/></svg> <span class="symbol" aria-hidden="true">'
            f'{escape(label.symbol)}</span> <span class="scale-label-name">{escape(label.name)}'
            f"</span>")


# Presets and the list --------------------------------------------------------------------


def test_presets_are_seeded_with_the_six_step_scale_active(app, client, login_as):
    login_as(Role.ADMIN)
    with app.app_context():
        scales = db.session.exec(select(RatingScale)).all()
        assert sorted(s.name for s in scales) == sorted(p.name for p in PRESETS)
        assert len(scales) == 4 and all(s.is_builtin for s in scales)
        assert [s.name for s in scales if s.is_active] == [SIX_STEP.name]
        assert active_scale(db.session).name == SIX_STEP.name
        modes = {s.name: s.mode for s in scales}
    assert modes[CONCLUSION.name] == ScaleMode.CONCLUSION
    assert modes[SIX_STEP.name] == modes[FIVE_STEP.name] == modes[EVIDENCE.name] == "ordinal"
    for preset in PRESETS:
        labels = _labels(app, _scale_id(app, preset.name))
        assert [(lab["key"], lab["value"]) for lab in labels] == [
            (lab.key, lab.value) for lab in preset.labels]
    assert _labels(app, _scale_id(app, CONCLUSION.name)) == []

    response = client.get("/admin/scales")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert '<a href="/admin/scales">Rating scales</a>' in html  # the admin navigation
    for preset in PRESETS:
        assert escape(preset.name) in html
        for label in preset.labels:
            assert _verdict_markup(label) in html
    six = _scale_id(app, SIX_STEP.name)
    assert f'<section class="scale scale-active" aria-labelledby="scale-{six}">' in html
    for preset in PRESETS:
        scale_id = _scale_id(app, preset.name)
        assert f'action="/admin/scales/{scale_id}/copy"' in html
        activate = f'action="/admin/scales/{scale_id}/activate"'
        assert (activate in html) is (preset is not SIX_STEP)
    assert html.count(">Use this scale<") == 3


def test_admin_activates_another_scale(app, client, login_as):
    admin = login_as(Role.ADMIN)
    six, five = _scale_id(app, SIX_STEP.name), _scale_id(app, FIVE_STEP.name)
    response = post_form(client, f"/admin/scales/{five}/activate", {}, page="/admin/scales",
                         follow_redirects=True)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert escape(f"Reviewers and editors now rate with “{FIVE_STEP.name}”.") in html
    assert _active_ids(app) == [five]
    [event] = _events(app, "scale.activate")
    assert event.actor_id == admin.id and event.object_id == five
    assert event.details == {"before": {"id": six, "name": SIX_STEP.name},
                             "after": {"id": five, "name": FIVE_STEP.name}}

    # The conclusion-only preset has no labels and may be used all the same.
    conclusion = _scale_id(app, CONCLUSION.name)
    response = post_form(client, f"/admin/scales/{conclusion}/activate", {},
                         page=f"/admin/scales/{conclusion}")
    assert response.status_code == 302
    assert _active_ids(app) == [conclusion]
    # Using the scale already in use changes nothing and records nothing.
    before = _snapshot(app)
    response = post_form(client, f"/admin/scales/{conclusion}/activate", {},
                         page="/admin/scales")
    assert response.status_code == 302
    assert _snapshot(app) == before
    assert len(_events(app, "scale.activate")) == 2


# Copies ----------------------------------------------------------------------------------


def test_copy_of_a_built_in_scale_is_complete_editable_and_not_active(app, client, login_as):
    admin = login_as(Role.ADMIN)
    six = _scale_id(app, SIX_STEP.name)
    # The list's button sends no name: the copy is called "Copy of ...".
    response = post_form(client, f"/admin/scales/{six}/copy", {}, page="/admin/scales")
    assert response.status_code == 302
    copy_id = int(response.headers["Location"].rsplit("/", 1)[1])
    with app.app_context():
        copy = db.session.get(RatingScale, copy_id)
        assert copy.name == f"Copy of {SIX_STEP.name}"
        assert not copy.is_builtin and not copy.is_active
        assert copy.mode == ScaleMode.ORDINAL and copy.description == SIX_STEP.description
    assert _labels(app, copy_id) == _labels(app, six)
    assert len(_labels(app, copy_id)) == len(SIX_STEP.labels)
    assert _active_ids(app) == [six]
    [event] = _events(app, "scale.copy")
    assert event.actor_id == admin.id and event.object_id == copy_id
    assert event.details["source"] == {"id": six, "name": SIX_STEP.name}

    assert _copy(client, app, SIX_STEP.name, "House scale") == _scale_id(app, "House scale")
    third = _copy(client, app, SIX_STEP.name)
    assert third == _scale_id(app, f"Copy of {SIX_STEP.name} (2)")

    page = client.get(f"/admin/scales/{copy_id}").get_data(as_text=True)
    assert f'action="/admin/scales/{copy_id}/labels"' in page
    assert "Save name and description" in page and BUILTIN_MESSAGE not in page
    for label in SIX_STEP.labels:
        assert _verdict_markup(label) in page


def test_admin_edits_the_labels_of_a_copy(app, client, login_as):
    login_as(Role.ADMIN)
    copy_id = _copy(client, app, SIX_STEP.name, "House scale")
    url = f"/admin/scales/{copy_id}"

    # Add a non-ordinal label: an empty value.
    response = post_form(client, f"{url}/labels", NEW_LABEL, page=url, follow_redirects=True)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "Label “Satire” added." in html
    labels = _labels(app, copy_id)
    assert labels[-1] == {"key": "satire", "name": "Satire", "position": 8, "value": None,
                          "colour": "#7a5f8a", "symbol": "S",
                          "description": "A joke taken at face value."}
    assert 'fill="#7a5f8a"/></svg> <span class="symbol" aria-hidden="true">S</span>' in html
    [added] = _events(app, "scale.label_add")
    assert added.details["label"]["key"] == "satire"

    # Change a value: the numeric range follows.
    true_id = _label_id(app, copy_id, "true")
    edit_url = f"{url}/labels/{true_id}"
    form_page = client.get(edit_url).get_data(as_text=True)
    assert "Edit the label “True”" in form_page and 'value="true"' in form_page
    response = post_form(client, edit_url, _label_data(app, true_id, value="7", colour="#1B6E2E"),
                         follow_redirects=True)
    html = response.get_data(as_text=True)
    assert "Label “True” saved." in html and "From 1 (worst) to 7 (best)" in html
    assert _labels(app, copy_id)[0]["value"] == 7
    assert _labels(app, copy_id)[0]["colour"] == "#1b6e2e"  # stored in lowercase
    [edited] = _events(app, "scale.label_edit")
    assert edited.details == {"scale_id": copy_id, "changes": {"value": {"before": 6,
                                                                         "after": 7}}}

    # Reorder: move the new label up, then try to move the first label further up.
    satire_id = _label_id(app, copy_id, "satire")
    response = post_form(client, f"{url}/labels/{satire_id}/move/up", {}, page=url)
    assert response.status_code == 302
    assert [lab["key"] for lab in _labels(app, copy_id)][-2:] == ["satire", "opinion"]
    [moved] = _events(app, "scale.label_move")
    assert moved.details == {"scale_id": copy_id, "before": 8, "after": 7}
    before = _snapshot(app)
    assert post_form(client, f"{url}/labels/{true_id}/move/up", {}, page=url).status_code == 302
    assert _snapshot(app) == before
    post_form(client, f"{url}/labels/{true_id}/move/down", {}, page=url)
    assert [lab["key"] for lab in _labels(app, copy_id)][:2] == ["mostly-true", "true"]

    # Delete: the positions stay contiguous.
    ridiculous = _label_id(app, copy_id, "false-ridiculous")
    response = post_form(client, f"{url}/labels/{ridiculous}/delete", {}, page=url,
                         follow_redirects=True)
    assert "Label “False and ridiculous” deleted." in response.get_data(as_text=True)
    labels = _labels(app, copy_id)
    assert "false-ridiculous" not in [lab["key"] for lab in labels]
    assert [lab["position"] for lab in labels] == list(range(len(labels)))
    [deleted] = _events(app, "scale.label_delete")
    assert deleted.object_id == copy_id and deleted.details["label_id"] == ridiculous
    assert deleted.details["label"]["key"] == "false-ridiculous"

    # The scale's own name and description.
    response = post_form(client, url, _scale_data(app, copy_id, name="Newsroom scale",
                                                  description="Ours."),
                         follow_redirects=True)
    assert "Scale “Newsroom scale” saved." in response.get_data(as_text=True)
    [updated] = _events(app, "scale.update")
    assert updated.details["changes"]["name"] == {"before": "House scale",
                                                  "after": "Newsroom scale"}


# Rules -----------------------------------------------------------------------------------

LABEL_VIOLATIONS = [
    ({"key": "Not A Key"}, "The key must be 1 to 40 characters"),
    ({"key": "-edge-"}, "The key must be 1 to 40 characters"),
    ({"key": "k" * 41}, "Field cannot be longer than 40 characters."),
    ({"key": "true"}, "Another label of this scale already has the key “true”."),
    ({"name": "  "}, "This field is required."),
    ({"name": "mostly TRUE"}, "Another label of this scale is already called “mostly TRUE”."),
    ({"value": "6"}, "“True” already has the value 6"),
    ({"value": "0"}, "Number must be between 1 and 100."),
    ({"value": "2.5"}, "Not a valid integer value."),
    ({"colour": "green"}, "Write the colour as # followed by six hexadecimal digits"),
    ({"colour": "#12345"}, "Write the colour as # followed by six hexadecimal digits"),
    ({"colour": "#ffff00"}, "#ffff00 is too light: its contrast with white is 1.1:1"),
    ({"symbol": "123456789"}, "Field cannot be longer than 8 characters."),
]


@pytest.mark.parametrize(("changes", "message"), LABEL_VIOLATIONS,
                         ids=[next(iter(c)) + "=" + next(iter(c.values()))[:12]
                              for c, _ in LABEL_VIOLATIONS])
def test_bad_labels_are_refused_with_a_message_and_the_input_kept(app, client, login_as,
                                                                  changes, message):
    login_as(Role.ADMIN)
    copy_id = _copy(client, app, SIX_STEP.name, "House scale")
    url = f"/admin/scales/{copy_id}"
    before = _snapshot(app)

    data = {**NEW_LABEL, **changes}
    response = post_form(client, f"{url}/labels", data, page=url)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert escape(message, quote=False) in html
    field = next(iter(changes))
    assert 'aria-invalid="true"' in html and f'id="label-{field}-error"' in html
    for name, value in data.items():
        if name != "description" and value.strip():
            assert f'name="{name}"' in html and f'value="{escape(value)}"' in html
    assert _snapshot(app) == before

    # The same rules hold when an existing label is edited.
    target = _label_id(app, copy_id, "mostly-false")
    response = post_form(client, f"{url}/labels/{target}",
                         _label_data(app, target, **changes))
    assert response.status_code == 422
    assert escape(message, quote=False) in response.get_data(as_text=True)
    assert _snapshot(app) == before


def test_scale_names_are_required_and_unique(app, client, login_as):
    login_as(Role.ADMIN)
    copy_id = _copy(client, app, SIX_STEP.name, "House scale")
    url = f"/admin/scales/{copy_id}"
    before = _snapshot(app)
    for name, message in (
        ("Conclusion only", "Another scale is already called “Conclusion only”"),
        ("  conclusion ONLY ", "Another scale is already called “conclusion ONLY”"),
        ("", "This field is required."),
        ("x" * 121, "Field cannot be longer than 120 characters."),
    ):
        response = post_form(client, url, _scale_data(app, copy_id, name=name,
                                                      description="Kept text"))
        html = response.get_data(as_text=True)
        assert response.status_code == 422, name
        assert message in html and 'id="name-error"' in html
        assert "Kept text</textarea>" in html
        assert _snapshot(app) == before

    six = _scale_id(app, SIX_STEP.name)
    response = post_form(client, f"/admin/scales/{six}/copy", {"name": "House scale"},
                         page=f"/admin/scales/{six}")
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Another scale is already called “House scale”" in html
    assert 'id="copy-name-error"' in html and 'value="House scale"' in html
    assert _snapshot(app) == before


def test_built_in_scales_are_read_only(app, client, login_as):
    login_as(Role.ADMIN)
    six = _scale_id(app, SIX_STEP.name)
    true_id = _label_id(app, six, "true")
    url = f"/admin/scales/{six}"
    page = client.get(url).get_data(as_text=True)
    assert "This is a built-in scale: it cannot be changed." in page
    assert f'action="{url}/labels"' not in page and "Save name and description" not in page
    assert f'action="{url}/copy"' in page
    assert client.get(f"{url}/labels/{true_id}").status_code == 200

    before = _snapshot(app)
    attempts = [
        (url, _scale_data(app, six, name="Renamed", description="")),
        (f"{url}/labels", NEW_LABEL),
        (f"{url}/labels/{true_id}", _label_data(app, true_id, name="Very true")),
        (f"{url}/labels/{true_id}/delete", {}),
        (f"{url}/labels/{true_id}/move/down", {}),
    ]
    for target, data in attempts:
        response = post_form(client, target, data, page=url)
        assert response.status_code == 409, target
        assert escape(f"“{SIX_STEP.name}” {BUILTIN_MESSAGE}", quote=False) in (
            response.get_data(as_text=True)), target
        assert _snapshot(app) == before


def test_a_conclusion_only_scale_takes_no_numeric_values(app, client, login_as):
    login_as(Role.ADMIN)
    copy_id = _copy(client, app, CONCLUSION.name, "Our conclusions")
    url = f"/admin/scales/{copy_id}"
    before = _snapshot(app)
    response = post_form(client, f"{url}/labels", {**NEW_LABEL, "value": "3"}, page=url)
    assert response.status_code == 422
    assert "A conclusion-only scale has no numeric ratings" in response.get_data(as_text=True)
    assert _snapshot(app) == before
    assert post_form(client, f"{url}/labels", NEW_LABEL, page=url).status_code == 302
    assert post_form(client, f"{url}/activate", {}, page=url).status_code == 302
    assert _active_ids(app) == [copy_id]


def test_an_ordinal_scale_keeps_two_numeric_labels(app, client, login_as):
    login_as(Role.ADMIN)
    copy_id = _copy(client, app, EVIDENCE.name, "Evidence, ours")
    url = f"/admin/scales/{copy_id}"
    supported = _label_id(app, copy_id, "supported")
    assert post_form(client, f"{url}/labels/{supported}/delete", {}, page=url).status_code == 302

    before = _snapshot(app)
    response = post_form(client, f"{url}/activate", {}, page=url)
    assert response.status_code == 422
    assert ("needs at least two labels with a numeric value before it can be used"
            in response.get_data(as_text=True))
    assert _snapshot(app) == before and _active_ids(app) == [_scale_id(app, SIX_STEP.name)]

    mixed = {**NEW_LABEL, "key": "mixed", "name": "Mixed", "value": "2"}
    assert post_form(client, f"{url}/labels", mixed, page=url).status_code == 302
    assert post_form(client, f"{url}/activate", {}, page=url).status_code == 302
    assert _active_ids(app) == [copy_id]

    # While it is the active scale, it cannot drop below two numeric labels.
    before = _snapshot(app)
    refuted = _label_id(app, copy_id, "refuted")
    response = post_form(client, f"{url}/labels/{refuted}/delete", {}, page=url)
    assert response.status_code == 409
    assert "must keep at least two labels with a numeric value" in response.get_data(
        as_text=True)
    mixed_id = _label_id(app, copy_id, "mixed")
    response = post_form(client, f"{url}/labels/{mixed_id}",
                         _label_data(app, mixed_id, value=""))
    html = response.get_data(as_text=True)
    assert response.status_code == 409
    assert 'id="label-value-error"' in html and "must keep at least two labels" in html
    assert _snapshot(app) == before


def test_labels_in_use_are_never_deleted(app, client, login_as, make_user):
    login_as(Role.ADMIN)
    copy_id = _copy(client, app, SIX_STEP.name, "House scale")
    url = f"/admin/scales/{copy_id}"
    false_id, true_id = _label_id(app, copy_id, "false"), _label_id(app, copy_id, "true")
    opinion_id = _label_id(app, copy_id, "opinion")
    _rate_with(app, make_user, review_label=false_id, decision_label=true_id)

    page = client.get(url).get_data(as_text=True)
    assert page.count("In use: cannot be deleted") == 2
    assert "Scale in use: labels cannot be deleted" in page
    assert f'action="{url}/labels/{false_id}/delete"' not in page

    before = _snapshot(app)
    response = post_form(client, f"{url}/labels/{false_id}/delete", {}, page=url)
    assert response.status_code == 409
    assert ("“False” cannot be deleted: it is the rating of 1 review(s) or decision(s)."
            in response.get_data(as_text=True))
    response = post_form(client, f"{url}/labels/{opinion_id}/delete", {}, page=url)
    assert response.status_code == 409
    assert ("“House scale” has already been used for 2 verdict(s), so it cannot lose a label"
            in response.get_data(as_text=True))
    for changes in ({"value": "7"}, {"key": "very-true"}, {"value": ""}):
        response = post_form(client, f"{url}/labels/{true_id}",
                             _label_data(app, true_id, **changes))
        assert response.status_code == 409
        assert "so its key and value cannot change" in response.get_data(as_text=True)
    assert _snapshot(app) == before

    # What readers see may still be improved, and labels may be added.
    response = post_form(client, f"{url}/labels/{true_id}",
                         _label_data(app, true_id, name="Correct", colour="#1b5e20"))
    assert response.status_code == 302
    assert _labels(app, copy_id)[0]["name"] == "Correct"
    assert post_form(client, f"{url}/labels", NEW_LABEL, page=url).status_code == 302


# Concurrent edits ------------------------------------------------------------------------


def test_two_admins_editing_one_label_the_second_sees_the_first_and_keeps_their_input(
        app, client, login_as, make_user):
    login_as(Role.ADMIN)
    other = _second_admin(app, make_user)
    copy_id = _copy(client, app, SIX_STEP.name, "House scale")
    true_id = _label_id(app, copy_id, "true")
    edit_url = f"/admin/scales/{copy_id}/labels/{true_id}"
    # Both open the same label's form.
    mine = _open_form(client, edit_url, "label-version")
    theirs = _open_form(other, edit_url, "label-version")
    assert mine["version"] == theirs["version"]

    response = other.post(edit_url, data={
        **_label_data(app, true_id, name="Correct", symbol="✓"), **theirs})
    assert response.status_code == 302
    events = len(_events(app, "scale.label_edit"))
    stored = _labels(app, copy_id)

    my_input = _label_data(app, true_id, name="Accurate", colour="#1b5e20",
                           description="Checked against primary sources.")
    response = client.post(edit_url, data={**my_input, **mine})
    html = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "Someone else changed this label while you were editing it." in html
    # Their change is shown ...
    conflict = html[html.index('id="label-conflict"'):html.index("</dl>",
                                                                 html.index('id="label-conflict"'))]
    assert '<span class="scale-label-name">Correct</span>' in conflict and "✓" in conflict
    # ... above my input, unsaved and kept, with the version refreshed.
    assert 'value="Accurate"' in html and 'value="#1b5e20"' in html
    assert "Checked against primary sources.</textarea>" in html
    assert ">Save my version</button>" in html
    refreshed = _hidden_version(html, "label-version")
    assert int(refreshed) == int(mine["version"]) + 1
    assert _labels(app, copy_id) == stored and len(_events(app, "scale.label_edit")) == events

    # Saving the form as the conflict page shows it applies my version over theirs.
    response = client.post(edit_url, data={**my_input, "csrf_token": csrf_token(html),
                                           "version": refreshed})
    assert response.status_code == 302
    saved = _labels(app, copy_id)[0]
    assert (saved["name"], saved["colour"], saved["symbol"]) == ("Accurate", "#1b5e20", "✓")
    assert saved["description"] == "Checked against primary sources."
    assert len(_events(app, "scale.label_edit")) == events + 1


def test_two_admins_editing_one_scale_the_second_sees_the_first_and_keeps_their_input(
        app, client, login_as, make_user):
    login_as(Role.ADMIN)
    other = _second_admin(app, make_user)
    copy_id = _copy(client, app, SIX_STEP.name, "House scale")
    url = f"/admin/scales/{copy_id}"
    mine = _open_form(client, url, "scale-version")
    theirs = _open_form(other, url, "scale-version")

    response = other.post(url, data={"name": "Newsroom scale", "description": "Theirs.",
                                     **theirs})
    assert response.status_code == 302
    before = _snapshot(app)

    my_input = {"name": "Desk scale", "description": "Mine, written with care."}
    response = client.post(url, data={**my_input, **mine})
    html = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "Someone else changed this scale while you were editing it." in html
    conflict = html[html.index('id="scale-conflict"'):]
    conflict = conflict[:conflict.index("</dl>")]
    assert "<dd>Newsroom scale</dd>" in conflict and "<dd>Theirs.</dd>" in conflict
    assert 'value="Desk scale"' in html and "Mine, written with care.</textarea>" in html
    refreshed = _hidden_version(html, "scale-version")
    assert int(refreshed) == int(mine["version"]) + 1
    assert _snapshot(app) == before

    response = client.post(url, data={**my_input, "csrf_token": csrf_token(html),
                                      "version": refreshed})
    assert response.status_code == 302
    with app.app_context():
        scale = db.session.get(RatingScale, copy_id)
        assert (scale.name, scale.description) == ("Desk scale", "Mine, written with care.")
    assert [e.details["changes"]["name"]["after"] for e in _events(app, "scale.update")] == [
        "Newsroom scale", "Desk scale"]


def test_edits_without_a_version_are_refused_and_change_nothing(app, client, login_as):
    login_as(Role.ADMIN)
    copy_id = _copy(client, app, SIX_STEP.name, "House scale")
    url = f"/admin/scales/{copy_id}"
    true_id = _label_id(app, copy_id, "true")
    before = _snapshot(app)
    for version in (None, "", "two"):
        label = _label_data(app, true_id, name="Accurate")
        scale = _scale_data(app, copy_id, name="Renamed")
        for data in (label, scale):
            if version is None:
                del data["version"]
            else:
                data["version"] = version
        assert post_form(client, f"{url}/labels/{true_id}", label).status_code == 400
        assert post_form(client, url, scale).status_code == 400
    assert _snapshot(app) == before
    # Adding a label has no version to check.
    assert post_form(client, f"{url}/labels", NEW_LABEL, page=url).status_code == 302


def test_the_workflow_never_assumes_a_version(app):
    with app.app_context():
        six = db.session.get(RatingScale, _scale_id(app, SIX_STEP.name))
        copy = rating.copy_scale(db.session, scale=six, name="Mine", actor=None)
        label = rating.scale_labels(db.session, copy)[0]
        original = label.name
        fields = {"key": label.key, "name": "Other", "value": label.value,
                  "colour": label.colour, "symbol": label.symbol, "description": ""}
        for expected in (None, label.version + 1):
            with pytest.raises(WorkflowError) as refused:
                rating.save_label(db.session, scale=copy, label=label, actor=None,
                                  expected_version=expected, **fields)
            assert refused.value.code == "conflict" and refused.value.field == "version"
        with pytest.raises(WorkflowError) as refused:
            rating.update_scale(db.session, scale=copy, name="Renamed", description="",
                                expected_version=copy.version + 1, actor=None)
        assert refused.value.code == "conflict"
        assert (label.name, copy.name) == (original, "Mine")
        rating.save_label(db.session, scale=copy, label=label, actor=None,
                          expected_version=label.version, **fields)
        db.session.flush()
        assert label.name == "Other" and label.version == 2


def test_seeding_again_keeps_the_presets_and_their_versions(app):
    before = _snapshot(app)
    assert all(s["version"] >= 1 for s in before["scales"])
    assert {lab["version"] for lab in before["labels"]} == {1}
    with app.app_context():
        seed_rating_scales(db.session)
        db.session.commit()
    assert _snapshot(app) == before


# Access ----------------------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.REVIEWER, Role.EDITOR])
def test_reviewers_and_editors_are_refused(app, client, login_as, role):
    login_as(role)
    six, five = _scale_id(app, SIX_STEP.name), _scale_id(app, FIVE_STEP.name)
    true_id = _label_id(app, six, "true")
    assert "/admin/scales" not in client.get("/account/password").get_data(as_text=True)
    for url in ("/admin/scales", f"/admin/scales/{six}", f"/admin/scales/{six}/labels/{true_id}"):
        assert client.get(url).status_code == 403, url
    before = _snapshot(app)
    for url, data in (
        (f"/admin/scales/{five}/activate", {}),
        (f"/admin/scales/{six}/copy", {"name": "Mine"}),
        (f"/admin/scales/{six}", _scale_data(app, six, name="Mine", description="")),
        (f"/admin/scales/{six}/labels", NEW_LABEL),
        (f"/admin/scales/{six}/labels/{true_id}", _label_data(app, true_id, name="Mine")),
        (f"/admin/scales/{six}/labels/{true_id}/delete", {}),
        (f"/admin/scales/{six}/labels/{true_id}/move/down", {}),
    ):
        response = post_form(client, url, data, page="/account/password")
        assert response.status_code == 403, url
    assert _snapshot(app) == before


def test_unknown_scales_and_labels_of_other_scales_are_404(app, client, login_as):
    login_as(Role.ADMIN)
    six, five = _scale_id(app, SIX_STEP.name), _scale_id(app, FIVE_STEP.name)
    true_id = _label_id(app, six, "true")
    assert client.get("/admin/scales/999999").status_code == 404
    assert client.get(f"/admin/scales/{six}/labels/999999").status_code == 404
    assert client.get(f"/admin/scales/{five}/labels/{true_id}").status_code == 404
    response = post_form(client, f"/admin/scales/{five}/labels/{true_id}/delete", {},
                         page="/admin/scales")
    assert response.status_code == 404


def test_changes_need_the_csrf_token(app, client, login_as):
    login_as(Role.ADMIN)
    five = _scale_id(app, FIVE_STEP.name)
    before = _snapshot(app)
    assert client.post(f"/admin/scales/{five}/activate").status_code == 400
    assert client.post(f"/admin/scales/{five}/copy", data={"name": "X"}).status_code == 400
    assert _snapshot(app) == before
