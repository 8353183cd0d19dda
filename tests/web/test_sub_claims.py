"""Sub-claims on the editor's board and over the API: shown under their sentence with their
span marked, selected in one click (audited, CSRF required), then assigned like any claim;
counted apart from the sentences."""

from __future__ import annotations

import re

import pytest
from sqlmodel import select

from factcheck.extensions import db
from factcheck.models import Assignment, AuditEvent, Claim
from factcheck.states import ClaimStatus, Role
from factcheck.workflow.articles import import_article

from ..helpers import api_token, bearer, csrf_token

TEXT = ("Unemployment fell to 3.5 percent in October. The leaders condemned the widespread "
        "arrests, intimidation and torture of former government employees. Prices rose 5% "
        "in a year and wages fell 2% in October.")
ARRESTS = ("the widespread arrests, intimidation and torture of former government "
           "employees")


@pytest.fixture
def editor(login_as):
    return login_as(Role.EDITOR)


@pytest.fixture
def article_id(app, editor) -> int:
    with app.app_context():
        article = import_article(db.session, title="Arrests", body=TEXT, actor=None)
        db.session.commit()
        return article.id


def _claims(app, article_id: int) -> list[Claim]:
    with app.app_context():
        claims = db.session.exec(select(Claim).where(Claim.article_id == article_id)
                                 .order_by(Claim.position, Claim.start, Claim.id)).all()
        for claim in claims:
            db.session.expunge(claim)
        return list(claims)


def _card(html: str, claim_id: int) -> str:
    card = html[html.index(f'id="claim-{claim_id}"'):]
    return card[:card.index("</li>")]


def test_import_stores_sub_claims_as_candidates_under_their_sentence(app, article_id):
    claims = _claims(app, article_id)
    sentences = [c for c in claims if c.parent_id is None]
    assert [c.origin for c in sentences] == ["sentence"] * 3
    condemned, prices = sentences[1], sentences[2]
    subs = {c.text: c for c in claims if c.parent_id is not None}
    assert set(subs) == {ARRESTS, "Prices rose 5% in a year", "wages fell 2% in October"}
    arrests = subs[ARRESTS]
    assert (arrests.parent_id, arrests.origin, arrests.claimant) == (
        condemned.id, "presupposed", "The leaders")
    assert TEXT[arrests.start:arrests.end] == ARRESTS
    assert {subs["Prices rose 5% in a year"].parent_id,
            subs["wages fell 2% in October"].parent_id} == {prices.id}
    assert {c.origin for c in subs.values()} == {"presupposed", "atomic"}
    assert all(c.status == ClaimStatus.CANDIDATE for c in claims)
    # In the article's order each sub-claim follows its sentence.
    assert [c.id for c in claims].index(arrests.id) == [c.id for c in claims].index(
        condemned.id) + 1


def test_the_board_shows_sub_claims_marked_under_their_sentence(app, client, article_id):
    claims = _claims(app, article_id)
    condemned = next(c for c in claims if c.text.startswith("The leaders"))
    arrests = next(c for c in claims if c.text == ARRESTS)
    html = client.get(f"/editor/articles/{article_id}").get_data(as_text=True)
    card = html[html.index(f'id="claim-{condemned.id}"'):]
    sub_card = _card(card, arrests.id)  # inside the sentence's card
    assert "Presupposed: condemned by The leaders" in sub_card
    assert f"The leaders condemned <mark>{ARRESTS}</mark>." in sub_card
    assert f'action="/editor/claims/{arrests.id}/select"' in sub_card
    assert 'name="csrf_token"' in sub_card
    prices = next(c for c in claims if c.text == "Prices rose 5% in a year")
    assert "Part of the sentence" in _card(html, prices.id)
    # Counts are honest: three sentences on the list, the parts proposed apart.
    assert re.search(r'id="claims-heading">Claims <span class="muted">\(3\)', html)
    counts = html[html.index('id="claim-counts"'):]
    counts = counts[:counts.index("</p>")]
    assert "Candidate 3" in counts and "3 checkable parts of sentences proposed" in counts
    # The text keeps one mark per sentence: numbers 1 to 3 only.
    assert re.findall(r'<sup aria-hidden="true">(\d+)</sup>', html) == ["1", "2", "3"]


def test_one_click_selects_a_sub_claim_audited_and_back_at_its_card(app, client, article_id):
    arrests = next(c for c in _claims(app, article_id) if c.text == ARRESTS)
    token = csrf_token(client.get(f"/editor/articles/{article_id}").get_data(as_text=True))
    response = client.post(f"/editor/claims/{arrests.id}/select",
                           data={"csrf_token": token, "version": arrests.version})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(
        f"/editor/articles/{article_id}#claim-{arrests.id}")
    selected = next(c for c in _claims(app, article_id) if c.id == arrests.id)
    assert selected.status == ClaimStatus.SELECTED
    with app.app_context():
        event = db.session.exec(select(AuditEvent).where(
            AuditEvent.action == "claim.status", AuditEvent.object_id == arrests.id)).one()
        assert (event.details["before"], event.details["after"]) == ("candidate", "selected")
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    sub_card = _card(html, arrests.id)
    assert f'id="pick-{arrests.id}"' in sub_card  # a tick to assign it
    assert f'action="/editor/claims/{arrests.id}/select"' not in sub_card
    counts = html[html.index('id="claim-counts"'):]
    counts = counts[:counts.index("</p>")]
    assert "Selected 1" in counts and "2 checkable parts of sentences proposed" in counts


def test_selecting_a_sub_claim_needs_the_csrf_token(app, client, article_id):
    arrests = next(c for c in _claims(app, article_id) if c.text == ARRESTS)
    response = client.post(f"/editor/claims/{arrests.id}/select",
                           data={"version": arrests.version})
    assert response.status_code == 400
    assert next(c for c in _claims(app, article_id)
                if c.id == arrests.id).status == ClaimStatus.CANDIDATE


def test_a_selected_sub_claim_is_assigned_like_any_claim(app, client, article_id, make_user):
    reviewer = make_user(Role.REVIEWER)
    arrests = next(c for c in _claims(app, article_id) if c.text == ARRESTS)
    board = f"/editor/articles/{article_id}"
    token = csrf_token(client.get(board).get_data(as_text=True))
    response = client.post(f"{board}/assign", data={
        "csrf_token": token, "reviewer": reviewer.id, "claims": [arrests.id]})
    assert response.status_code == 302
    with app.app_context():
        assert db.session.exec(select(Assignment.reviewer_id).where(
            Assignment.claim_id == arrests.id)).all() == [reviewer.id]
        assert db.session.get(Claim, arrests.id).status == ClaimStatus.IN_REVIEW


def test_select_by_score_leaves_sub_claims_to_the_editor(app, client, article_id):
    board = f"/editor/articles/{article_id}"
    token = csrf_token(client.get(board).get_data(as_text=True))
    client.post(f"{board}/select-by-score", data={"csrf_token": token, "min_score": "0"})
    claims = _claims(app, article_id)
    assert {c.status for c in claims if c.parent_id is None} == {ClaimStatus.SELECTED}
    assert {c.status for c in claims if c.parent_id} == {ClaimStatus.CANDIDATE}


def test_a_sub_claim_is_not_moved_on_its_own_and_merging_keeps_it(app, client, article_id):
    claims = _claims(app, article_id)
    arrests = next(c for c in claims if c.text == ARRESTS)
    first, condemned = [c for c in claims if c.parent_id is None][:2]
    board = f"/editor/articles/{article_id}"
    token = csrf_token(client.get(board).get_data(as_text=True))
    client.post(f"/editor/claims/{arrests.id}/move/up", data={"csrf_token": token})
    assert [c.id for c in _claims(app, article_id)] == [c.id for c in claims]
    response = client.post(f"/editor/claims/{first.id}/merge-next",
                           data={"csrf_token": token, "version": first.version})
    assert response.status_code == 302
    after = {c.id: c for c in _claims(app, article_id)}
    assert condemned.id not in after  # merged into the first sentence, with its sub-claim
    assert after[arrests.id].parent_id == first.id


def test_the_api_gives_parent_and_origin_and_documents_them(app, client, runner, article_id,
                                                            make_user):
    claims = _claims(app, article_id)
    arrests = next(c for c in claims if c.text == ARRESTS)
    token = api_token(runner, make_user(Role.EDITOR).email)
    body = client.get(f"/api/v1/claims/{arrests.id}", headers=bearer(token)).json
    assert (body["parent_id"], body["origin"]) == (arrests.parent_id, "presupposed")
    assert body["quote"] == ARRESTS
    listed = client.get(f"/api/v1/articles/{article_id}", headers=bearer(token)).json["claims"]
    assert {(c["origin"], c["parent_id"] is None) for c in listed} == {
        ("sentence", True), ("atomic", False), ("presupposed", False)}
    schema = client.get("/api/v1/openapi.json").json["components"]["schemas"]["Claim"]
    assert schema["properties"]["origin"]["enum"] == ["sentence", "atomic", "presupposed"]
    assert "parent_id" in schema["required"] and "origin" in schema["required"]


def test_a_revised_text_gives_its_new_sentences_their_sub_claims(app, client, article_id):
    from factcheck.models import Article

    from ..helpers import post_form

    with app.app_context():
        version = db.session.get(Article, article_id).version
    added = " Exports grew 4% in a year and imports fell 3% in the same period."
    response = post_form(client, f"/editor/articles/{article_id}/text",
                         {"body": "Officials met on Monday. " + TEXT + added,
                          "version": version})
    assert response.status_code == 302
    claims = _claims(app, article_id)
    exports = next(c for c in claims if c.text.startswith("Exports grew"))
    subs = [c for c in claims if c.parent_id == exports.id]
    assert [(c.origin, c.text) for c in subs] == [
        ("atomic", "Exports grew 4% in a year"), ("atomic", "imports fell 3% in the same period")]
    with app.app_context():
        body = db.session.get(Article, article_id).body
    # Every claim, old (moved by the new first sentence) or new, still quotes the text.
    assert all(body[c.start:c.end] == c.text for c in claims)
    order = [c.id for c in claims]
    assert order.index(subs[0].id) == order.index(exports.id) + 1
    arrests = next(c for c in claims if c.text == ARRESTS)
    parent = next(c for c in claims if c.id == arrests.parent_id)
    assert order.index(arrests.id) == order.index(parent.id) + 1
    # Sub-claims share their sentence's number, old and new alike, and sentences are
    # numbered 0, 1, 2... (the order does not depend on how the database returns ties).
    assert arrests.position == parent.position and subs[0].position == exports.position
    sentences = [c.position for c in claims if c.parent_id is None]
    assert sentences == list(range(len(sentences)))


def test_the_dashboard_counts_a_sub_claim_once_it_is_taken_up(app, client, article_id):
    def row() -> list[str]:
        html = client.get("/editor/").get_data(as_text=True)
        cells = html[html.index(f'href="/editor/articles/{article_id}"'):]
        cells = cells[:cells.index("</tr>")]
        return re.findall(r'<td class="num">(\d+)', cells)[:2]  # claims, to check

    assert row() == ["3", "0"]  # the three sentences; the parts are proposals inside them
    arrests = next(c for c in _claims(app, article_id) if c.text == ARRESTS)
    token = csrf_token(client.get(f"/editor/articles/{article_id}").get_data(as_text=True))
    client.post(f"/editor/claims/{arrests.id}/select",
                data={"csrf_token": token, "version": arrests.version})
    assert row() == ["4", "1"]
