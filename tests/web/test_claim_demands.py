"""Demands (calls, appeals, urges) on the editor's board and over the API."""

from __future__ import annotations

from factcheck.models import Claim
from factcheck.states import Role

from ..helpers import api_token, bearer, imported_claims

TEXT = ("Unemployment fell to 3.5 percent in October. "
        "The leaders demanded the immediate reversal of the bans on girls' education. "
        "Donor countries are urged to resume paused assistance under independent monitoring.")


def _import(app) -> list[Claim]:
    return imported_claims(app, title="Demands", text=TEXT)


def test_import_stores_demands_with_their_claimant_and_a_low_score(app):
    fact, demand, passive = _import(app)
    assert [c.kind for c in (fact, demand, passive)] == ["factual", "demand", "demand"]
    assert (demand.claimant, passive.claimant) == ("The leaders", "The leaders")
    assert max(demand.score, passive.score) < 0.3 < fact.score


def test_the_board_shows_a_demand_as_such(app, client, login_as):
    login_as(Role.EDITOR)
    fact, demand, _passive = _import(app)
    html = client.get(f"/editor/articles/{fact.article_id}").get_data(as_text=True)
    card = html[html.index(f'id="claim-{demand.id}"'):]
    card = card[:card.index("</li>")]
    assert '<span class="badge kind-demand">Demand</span>' in card
    assert "nothing in it is true or false" in card
    assert "Claimant: The leaders" in card
    fact_card = html[html.index(f'id="claim-{fact.id}"'):]
    fact_card = fact_card[:fact_card.index("</li>")]
    assert "kind-demand" not in fact_card and "nothing in it is true" not in fact_card


def test_the_api_gives_the_kind_and_documents_it(app, client, runner, make_user):
    _fact, demand, _passive = _import(app)
    token = api_token(runner, make_user(Role.EDITOR).email)
    body = client.get(f"/api/v1/claims/{demand.id}", headers=bearer(token)).json
    assert (body["kind"], body["claimant"]) == ("demand", "The leaders")
    document = client.get("/api/v1/openapi.json").json
    kinds = document["components"]["schemas"]["Claim"]["properties"]["kind"]["enum"]
    assert "demand" in kinds
