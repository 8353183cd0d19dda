"""Nothing goes public by surprise: publishing and unpublishing show what will happen and
ask for confirmation; a preview that went stale is not published."""

from __future__ import annotations

import re

from factcheck.extensions import db
from factcheck.models import Claim, Decision, Publication
from factcheck.states import ClaimStatus

from ..helpers import csrf_token, login, rows
from .test_public import _label, checked  # noqa: F401 (a fixture)


def _editor(app, checked):  # noqa: F811
    client = app.test_client()
    login(client, checked["editor"].email)
    return client


def _preview(client, checked, include_open=False):  # noqa: F811
    query = "?include_open=y" if include_open else ""
    page = client.get(f"/editor/articles/{checked['article_id']}/publish{query}")
    assert page.status_code == 200
    return page.get_data(as_text=True)


def _confirm(client, checked, html: str):  # noqa: F811
    fields = dict(re.findall(r'<input type="hidden" name="([a-z_]+)" value="([^"]*)">', html))
    assert "preview" in fields, "no confirmation form on the preview"
    return client.post(f"/editor/articles/{checked['article_id']}/publish", data=fields)


def test_the_board_leads_to_a_preview_that_says_what_goes_public(app, checked):  # noqa: F811
    editor = _editor(app, checked)
    board = editor.get(f"/editor/articles/{checked['article_id']}").get_data(as_text=True)
    assert f'action="/editor/articles/{checked["article_id"]}/publish"' in board
    assert 'method="get"' in board.split("Preview and publish")[0][-600:]
    page = _preview(editor, checked)
    assert "2 claims go public with their verdicts" in page
    assert "Conclusion for true." in page and "Unverifiable" in page
    assert "1 claim is still being checked" in page
    # An open claim not to be listed: publishing is not offered until the editor decides.
    assert 'name="preview"' not in page and "Preview with them listed" in page
    assert rows(app, Publication, article_id=checked["article_id"]) == []
    assert app.test_client().get(f"/checks/{checked['slug']}").status_code == 404

    listed = _preview(editor, checked, include_open=True)
    assert 'name="preview"' in listed and 'name="include_open" value="y"' in listed
    published = _confirm(editor, checked, listed)
    assert published.status_code == 302
    [publication] = rows(app, Publication, article_id=checked["article_id"])
    assert publication.snapshot["open"] == 1
    assert app.test_client().get(f"/checks/{checked['slug']}").status_code == 200


def test_a_preview_that_went_stale_is_not_published(app, checked):  # noqa: F811
    editor = _editor(app, checked)
    listed = _preview(editor, checked, include_open=True)
    with app.app_context():  # meanwhile, another editor decides the open claim
        claim = db.session.get(Claim, checked["claims"][2])
        claim.status = ClaimStatus.DECIDED
        db.session.add(Decision(claim_id=claim.id, rating_id=_label("false").id,
                                summary="Decided meanwhile."))
        db.session.commit()
    refused = _confirm(editor, checked, listed)
    assert refused.status_code == 303
    assert refused.headers["Location"].endswith("/publish?include_open=y")
    assert rows(app, Publication, article_id=checked["article_id"]) == []
    again = editor.get(refused.headers["Location"]).get_data(as_text=True)
    assert "changed since you saw the preview" in again
    assert "3 claims go public with their verdicts" in again and "Decided meanwhile." in again
    assert _confirm(editor, checked, again).status_code == 302
    assert len(rows(app, Publication, article_id=checked["article_id"])) == 1


def test_unpublishing_asks_first(app, checked):  # noqa: F811
    editor = _editor(app, checked)
    _confirm(editor, checked, _preview(editor, checked, include_open=True))
    board = editor.get(f"/editor/articles/{checked['article_id']}").get_data(as_text=True)
    assert f'href="/editor/articles/{checked["article_id"]}/unpublish"' in board
    question = editor.get(f"/editor/articles/{checked['article_id']}/unpublish")
    page = question.get_data(as_text=True)
    assert question.status_code == 200 and "410 Gone" in page
    assert app.test_client().get(f"/checks/{checked['slug']}").status_code == 200  # asking only
    done = editor.post(f"/editor/articles/{checked['article_id']}/unpublish",
                       data={"csrf_token": csrf_token(page)})
    assert done.status_code == 302
    assert app.test_client().get(f"/checks/{checked['slug']}").status_code == 410
