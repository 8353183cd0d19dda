"""An attributed claim's two checkable parts (the attribution and the content) on the
board, on the claim page and over the API; claims stored before them keep working."""

from __future__ import annotations

import html as html_lib

from sqlalchemy import inspect
from sqlmodel import select

from factcheck.extensions import db
from factcheck.infra.migrate import downgrade, upgrade
from factcheck.models import Claim
from factcheck.states import Role
from factcheck.workflow.articles import import_article

from ..helpers import api_token, bearer, imported_claims

TEXT = ('Senator Maria Lopez spoke in Denver on Monday. "Unemployment fell by 3 percent last '
        'year," she said. She added that the state should cut taxes. '
        "Exports rose 4 percent in May.")


def _import(app) -> list[Claim]:
    return imported_claims(app, title="Lopez", text=TEXT)


def _card(page: str, claim_id: int) -> str:
    card = page[page.index(f'id="claim-{claim_id}"'):]
    return card[:card.index("</li>")]


def test_import_stores_the_claimant_span_and_the_content(app):
    _intro, quote, added, fact = _import(app)
    assert TEXT[quote.claimant_start:quote.claimant_end] == "Senator Maria Lopez"
    assert TEXT[quote.content_start:quote.content_end] == (
        "Unemployment fell by 3 percent last year")
    assert (quote.content_kind, quote.content_score) == ("factual", quote.score)
    assert TEXT[added.content_start:added.content_end] == "the state should cut taxes."
    assert added.content_kind == "opinion"
    assert fact.claimant_start is None and fact.content_start is None


def test_the_board_shows_the_attribution_and_the_content(app, client, login_as):
    login_as(Role.EDITOR)
    _intro, quote, added, fact = _import(app)
    page = html_lib.unescape(client.get(f"/editor/articles/{quote.article_id}")
                             .get_data(as_text=True))
    card = _card(page, quote.id)
    assert "<dt>Attribution</dt>" in card and "<dt>Content</dt>" in card
    assert '<span dir="auto">… she said.</span>' in card
    assert ('the source, named earlier in the text: <mark class="claimant-span" dir="auto">'
            "Senator Maria Lopez</mark>") in card
    assert '<q class="content-span" dir="auto">Unemployment fell by 3 percent last year</q>' in card
    assert '<span class="badge kind-factual">Factual</span>' in card
    assert f"score {quote.content_score:.2f}" in card
    opinion = _card(page, added.id)
    assert '<span dir="auto">She added that …</span>' in opinion
    assert '<span class="badge kind-opinion">Opinion</span>' in opinion
    assert "claim-parts" not in _card(page, fact.id)


def test_a_source_named_in_the_sentence_is_marked_in_the_frame(app, client, login_as):
    login_as(Role.EDITOR)
    with app.app_context():
        article = import_article(db.session, title="Bank", actor=None,
                                 body="The central bank said that inflation fell to 2 percent.")
        db.session.commit()
        article_id = article.id
        claim_id = db.session.exec(select(Claim.id).where(Claim.article_id == article_id)).one()
    page = client.get(f"/editor/articles/{article_id}").get_data(as_text=True)
    assert ('<span dir="auto"><mark class="claimant-span">The central bank</mark> said that …'
            "</span>") in _card(page, claim_id)
    claim_page = client.get(f"/editor/claims/{claim_id}").get_data(as_text=True)
    assert '<mark class="claimant-span">The central bank</mark> said that …' in claim_page
    assert '<q class="content-span" dir="auto">inflation fell to 2 percent.</q>' in claim_page


def test_the_claim_page_shows_both_parts(app, client, login_as):
    login_as(Role.EDITOR)
    _intro, quote, _added, _fact = _import(app)
    page = html_lib.unescape(client.get(f"/editor/claims/{quote.id}").get_data(as_text=True))
    assert "<dt>Attribution</dt>" in page and "… she said." in page
    assert "check that the source said it" in page
    assert '<q class="content-span" dir="auto">Unemployment fell by 3 percent last year</q>' in page


def test_the_api_gives_the_claimant_span_and_the_content(app, client, runner, make_user):
    _intro, quote, _added, fact = _import(app)
    token = api_token(runner, make_user(Role.EDITOR).email)
    body = client.get(f"/api/v1/claims/{quote.id}", headers=bearer(token)).json
    span = body["claimant_span"]
    assert TEXT[span["start"]:span["end"]] == "Senator Maria Lopez"
    content = body["content"]
    assert TEXT[content["start"]:content["end"]] == "Unemployment fell by 3 percent last year"
    assert (content["kind"], content["score"]) == ("factual", quote.content_score)
    plain = client.get(f"/api/v1/claims/{fact.id}", headers=bearer(token)).json
    assert (plain["claimant_span"], plain["content"]) == (None, None)
    schema = client.get("/api/v1/openapi.json").json["components"]["schemas"]["Claim"]
    assert {"claimant_span", "content"} <= set(schema["required"])
    assert set(schema["properties"]["content"]["properties"]) == {"start", "end", "kind",
                                                                  "score"}


def test_editing_the_claimant_to_someone_else_drops_the_span(app, client, login_as):
    from ..helpers import post_form

    login_as(Role.EDITOR)
    _intro, quote, _added, _fact = _import(app)
    url = f"/editor/claims/{quote.id}"
    data = {"text": quote.text, "claimant": "Maria Lopez", "claim_date": "",
            "short_claim": quote.short_claim, "version": quote.version}
    post_form(client, url, data, page=url)
    with app.app_context():
        kept = db.session.get(Claim, quote.id)
        assert (kept.claimant_start, kept.claimant_end) == (quote.claimant_start,
                                                            quote.claimant_end)
        data["version"] = kept.version
    data["claimant"] = "Governor John Smith"
    post_form(client, url, data, page=url)
    with app.app_context():
        changed = db.session.get(Claim, quote.id)
        assert changed.claimant == "John Smith"
        assert changed.claimant_start is None and changed.content_start is not None


def test_claims_from_before_the_migration_keep_working(app, client, login_as, runner,
                                                       make_user):
    """Down to 0027 and up again: the rows stay, their parts are null and shown as before."""
    _intro, quote, _added, _fact = _import(app)
    downgrade(app, "0027")
    try:
        columns = {c["name"] for c in inspect(db.engine_for(app)).get_columns("claims")}
        assert "content_start" not in columns and "claimant_start" not in columns
    finally:
        upgrade(app)
    with app.app_context():
        old = db.session.get(Claim, quote.id)
        assert old.text == quote.text and old.claimant == quote.claimant
        assert old.claimant_start is None and old.content_kind is None
    login_as(Role.EDITOR)
    page = client.get(f"/editor/articles/{quote.article_id}").get_data(as_text=True)
    card = _card(page, quote.id)
    assert "claim-parts" not in card and f"Claimant: {quote.claimant}" in card
    assert "claim-parts" not in client.get(f"/editor/claims/{quote.id}").get_data(as_text=True)
    token = api_token(runner, make_user(Role.EDITOR).email)
    body = client.get(f"/api/v1/claims/{quote.id}", headers=bearer(token)).json
    assert (body["claimant_span"], body["content"]) == (None, None)


def test_fill_claim_parts_gives_earlier_claims_their_parts(app, runner):
    """`factcheck fill-claim-parts`: rows from before 0028 (nulls) get the engine's parts
    where it proposes the same span; an editor's own span is left alone."""
    _intro, quote, added, fact = _import(app)
    with app.app_context():
        for claim in db.session.exec(select(Claim)).all():
            for name in ("claimant_start", "claimant_end", "content_start", "content_end",
                         "content_kind", "content_score"):
                setattr(claim, name, None)
            if claim.id == added.id:  # an editor's span: not one the engine proposes
                claim.end -= 1
            db.session.add(claim)
        db.session.commit()
        versions = {c.id: c.version for c in db.session.exec(select(Claim)).all()}
    result = runner.invoke(["fill-claim-parts"])
    assert result.exit_code == 0, result.output
    assert "Filled in the parts of 1 claims; 1 left without" in result.output
    with app.app_context():
        filled = db.session.get(Claim, quote.id)
        assert (filled.claimant_start, filled.claimant_end) == (quote.claimant_start,
                                                                quote.claimant_end)
        assert (filled.content_start, filled.content_end, filled.content_kind) == (
            quote.content_start, quote.content_end, "factual")
        assert db.session.get(Claim, added.id).content_start is None
        assert db.session.get(Claim, fact.id).content_start is None
        assert {c.id: c.version for c in db.session.exec(select(Claim)).all()} == versions
    again = runner.invoke(["fill-claim-parts"])
    assert "Filled in the parts of 0 claims; 1 left without" in again.output
