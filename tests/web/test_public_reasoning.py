"""The published reasoning is decided by the editor: prefilled from the reviewers'
rationales, editable, and the only reasoning the verdict page shows."""

from __future__ import annotations

import re

from factcheck.models import Decision

from ..helpers import csrf_token, post_form
from ..helpers import review_form as _review
from ..helpers import rows as _get
from .test_review import _add_evidence, _assign, desk  # noqa: F401 (a fixture)


def _reviewed(desk, claim_id):  # noqa: F811
    _assign(desk, "first")
    _assign(desk, "second")
    assert _add_evidence(desk.first, claim_id).status_code == 302
    assert _review(desk.first, claim_id, rationale="Internal: the **October** table.",
                   ).status_code == 302
    assert _review(desk.second, claim_id, rationale="Internal: my source was Rui's.",
                   ).status_code == 302


def _publish(desk):  # noqa: F811
    board = f"/editor/articles/{desk.article_id}"
    html = desk.editor.get(f"{board}/publish?include_open=y").get_data(as_text=True)
    fields = dict(re.findall(r'<input type="hidden" name="([a-z_]+)" value="([^"]*)">', html))
    assert desk.editor.post(f"{board}/publish", data=fields).status_code == 302
    with desk.app.app_context():
        from factcheck.extensions import db
        from factcheck.models import Article
        slug = db.session.get(Article, desk.article_id).slug
    return desk.app.test_client().get(f"/checks/{slug}").get_data(as_text=True)


def test_the_editor_writes_what_readers_read_as_the_reasoning(desk):  # noqa: F811
    claim_id = desk.claims[0]
    _reviewed(desk, claim_id)
    page = desk.editor.get(f"/editor/claims/{claim_id}/decide").get_data(as_text=True)
    # Prefilled from the rationales, and plainly public.
    assert ("Internal: the **October** table.\n\nInternal: my source was Rui&#39;s."
            in page)
    assert "Public: shown on the verdict page" in page
    saved = desk.editor.post(f"/editor/claims/{claim_id}/decide", data={
        "csrf_token": csrf_token(page), "rating": "true", "summary": "Right.",
        "public_reasoning": "The statistics office's **October** table gives 3.5%.",
        "version": 0})
    assert saved.status_code == 302
    [decision] = _get(desk.app, Decision)
    assert decision.public_reasoning.startswith("The statistics office's")
    public = _publish(desk)
    assert "<strong>October</strong> table gives 3.5%." in public
    assert "Internal:" not in public  # the rationales themselves never reach readers


def test_an_emptied_reasoning_publishes_none(desk):  # noqa: F811
    claim_id = desk.claims[0]
    _reviewed(desk, claim_id)
    assert post_form(desk.editor, f"/editor/claims/{claim_id}/decide", {
        "rating": "true", "summary": "Right.", "public_reasoning": "", "version": 0,
    }).status_code == 302
    public = _publish(desk)
    assert "Internal:" not in public and "The reasoning" not in public


def test_the_reviewer_s_field_says_it_is_not_published(desk):  # noqa: F811
    _assign(desk, "first")
    page = desk.first.get(f"/review/claims/{desk.claims[0]}").get_data(as_text=True)
    assert "Not published as written: the editor writes the public reasoning" in page
