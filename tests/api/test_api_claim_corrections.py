"""PATCH /api/v1/claims/{id}: a published claim's words change only with a correction note."""

from __future__ import annotations

import re

from sqlmodel import select

from factcheck.extensions import db
from factcheck.models import Claim, Correction

from ..web.test_claim_corrections import (
    NEW_WORDS,
    OLD_WORDS,
    counts,
    feed_entries,
    ld,
    publish_checked,
)
from .test_api_workflow import Api, _api


def _patch(api: Api, claim: dict, **changes):
    return api("PATCH", f"/claims/{claim['id']}", {"version": claim["version"], **changes})


def test_the_old_loophole_is_closed_rewording_and_republishing_changes_nothing(
        app, client, runner, make_user):
    check = publish_checked(app, make_user)
    editor = _api(client, runner, check["editor"])
    claim = editor("GET", f"/claims/{check['claims'][0]}").json
    # The repro of issue 12: new words and claimant, no note, then republish.
    refused = _patch(editor, claim, text=NEW_WORDS, claimant="Statistics office")
    assert refused.status_code == 409, refused.json
    assert refused.json["error"]["code"] == "correction_required"
    assert "correction_note" in refused.json["error"]["fields"]
    empty_note = _patch(editor, claim, text=NEW_WORDS, correction_note="   ")
    assert empty_note.json["error"]["code"] == "correction_required"
    assert editor("POST", f"/articles/{check['article_id']}/publish",
                  {"include_open": True}).status_code == 200
    assert counts(app, check["article_id"]) == (1, 0)  # republishing found nothing new
    public = client.get(f"/api/v1/checks/{check['slug']}").json
    assert public["claims"][0]["text"] == OLD_WORDS
    assert public["claims"][0]["claimant"] == "The ministry"
    assert public["corrections"] == []
    assert editor("GET", f"/claims/{claim['id']}").json["version"] == claim["version"]


def test_a_correction_note_publishes_the_new_words_with_a_dated_correction(
        app, client, runner, make_user):
    check = publish_checked(app, make_user)
    editor = _api(client, runner, check["editor"])
    claim = editor("GET", f"/claims/{check['claims'][0]}").json
    done = _patch(editor, claim, text=NEW_WORDS,
                  correction_note="We quoted the ministry, not the claim it checked.")
    assert done.status_code == 200, done.json
    assert done.json["text"] == NEW_WORDS and done.json["version"] > claim["version"]
    assert counts(app, check["article_id"]) == (2, 1)

    public = client.get(f"/api/v1/checks/{check['slug']}").json
    assert public["claims"][0]["text"] == NEW_WORDS
    assert public["corrections"] == [{
        "at": public["corrections"][0]["at"], "kind": "wording", "claim_number": 1,
        "before": OLD_WORDS, "after": NEW_WORDS,
        "note": "We quoted the ministry, not the claim it checked."}]
    html = client.get(f"/checks/{check['slug']}").get_data(as_text=True)
    assert re.search(r"we changed the wording of claim 1 from “.*” to “"
                     + re.escape(NEW_WORDS), html)
    assert ld(html)[0]["dateModified"] >= ld(html)[0]["datePublished"]
    listing = client.get("/corrections").get_data(as_text=True)
    assert f"to “{NEW_WORDS}”." in listing
    assert any(summary.startswith("Claim 1: Wording changed")
               for summary in feed_entries(client).values())


def test_a_claim_that_is_not_published_is_edited_without_a_note(app, client, runner,
                                                                 make_user):
    check = publish_checked(app, make_user, publish=False)
    editor = _api(client, runner, check["editor"])
    claim = editor("GET", f"/claims/{check['claims'][0]}").json
    done = _patch(editor, claim, text=NEW_WORDS, claimant=None)
    assert done.status_code == 200, done.json
    assert (done.json["text"], done.json["claimant"]) == (NEW_WORDS, None)
    with app.app_context():
        assert db.session.exec(select(Correction)).all() == []
        assert db.session.get(Claim, claim["id"]).text == NEW_WORDS
