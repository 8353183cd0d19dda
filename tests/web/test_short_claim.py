"""short_claim through the app: the engine's proposal at import, the editor's form with its
character count, the API, and the verdict page where ClaimReview shows the visible words."""

from __future__ import annotations

import json
import re

import lxml.html
from sqlmodel import select

from factcheck.extensions import db
from factcheck.models import Article, AuditEvent, Claim, Decision, RatingLabel, User
from factcheck.states import ClaimStatus, Role
from factcheck.workflow.articles import import_article
from factcheck.workflow.publishing import publish_article

from ..helpers import api_token, bearer, csrf_token

TEXT = ("The ministry said that unemployment fell to 3.5 percent in October, the lowest rate "
        "since 2019, warning that the figures could be revised. "
        "Neda Mohammad Nadeem, the Taliban\u2019s Minister of Higher Education, has also "
        "visited Tehran.")
FIRST_PROPOSAL = "Unemployment fell to 3.5 percent in October, the lowest rate since 2019"
SECOND_PROPOSAL = "Neda Mohammad Nadeem has also visited Tehran"


def _import(app) -> list[int]:
    with app.app_context():
        article = import_article(db.session, title="Jobs", body=TEXT, actor=None)
        db.session.commit()
        return list(db.session.exec(select(Claim.id).where(Claim.article_id == article.id)
                                    .order_by(Claim.position)).all())


def _claim(app, claim_id: int) -> Claim:
    with app.app_context():
        claim = db.session.get(Claim, claim_id)
        db.session.expunge(claim)
        return claim


def _post(client, claim_id: int, **data):
    page = client.get(f"/editor/claims/{claim_id}").get_data(as_text=True)
    claim = _claim(client.application, claim_id)
    fields = {"csrf_token": csrf_token(page), "version": claim.version, "text": claim.text,
              "claimant": claim.claimant or "", **data}
    return client.post(f"/editor/claims/{claim_id}", data=fields)


def test_import_stores_the_engines_proposal(app):
    first, second = _import(app)
    assert _claim(app, first).short_claim == FIRST_PROPOSAL
    assert _claim(app, second).short_claim == SECOND_PROPOSAL


def test_the_form_shows_the_summary_with_its_count_and_the_limit(app, client, login_as):
    login_as(Role.EDITOR)
    first, _second = _import(app)
    html = client.get(f"/editor/claims/{first}").get_data(as_text=True)
    tree = lxml.html.fromstring(html)
    field = tree.get_element_by_id("short_claim")
    assert field.get("value") == FIRST_PROPOSAL
    assert field.get("maxlength") == "140" and field.get("data-counter") == "short_claim-count"
    assert "short_claim-count" in field.get("aria-describedby")
    counter = tree.get_element_by_id("short_claim-count")
    # Served with the count (no script needed); the script updates it while typing.
    assert counter.text_content().strip() == (
        f"{len(FIRST_PROPOSAL)} characters (aim: 75 or fewer; limit: 140)")
    assert counter.get("data-over").startswith("{n} characters: longer than the 75")
    script = tree.xpath("//script[contains(@src, 'short_claim.js')]")
    assert script and script[0].get("defer") is not None
    served = client.get(script[0].get("src"))
    assert served.status_code == 200 and b"data-counter" in served.data
    served.close()


def test_the_editor_writes_a_summary_and_over_75_the_count_says_so(app, client, login_as):
    login_as(Role.EDITOR)
    first, _second = _import(app)
    assert _post(client, first, short_claim="  Jobless rate   fell to 3.5% ").status_code == 302
    assert _claim(app, first).short_claim == "Jobless rate fell to 3.5%"
    long = "Unemployment fell to 3.5 percent in October, its lowest rate since 2019 in Kabul"
    assert _post(client, first, short_claim=long).status_code == 302
    html = client.get(f"/editor/claims/{first}").get_data(as_text=True)
    counter = lxml.html.fromstring(html).get_element_by_id("short_claim-count")
    assert "over-aim" in counter.get("class")
    assert counter.text_content().strip().startswith(f"{len(long)} characters: longer than")


def test_over_140_characters_is_refused_and_nothing_is_written(app, client, login_as):
    login_as(Role.EDITOR)
    first, _second = _import(app)
    before = _claim(app, first)
    with app.app_context():
        audits = len(db.session.exec(select(AuditEvent)).all())
    response = _post(client, first, short_claim="x" * 141, text="A new wording of the claim.")
    assert response.status_code == 422
    assert "at most 140 characters" in response.get_data(as_text=True)
    after = _claim(app, first)
    assert (after.short_claim, after.text, after.version) == (
        before.short_claim, before.text, before.version)
    with app.app_context():
        assert len(db.session.exec(select(AuditEvent)).all()) == audits


def test_an_untouched_proposal_follows_the_wording_a_written_one_stays(app, client, login_as):
    login_as(Role.EDITOR)
    first, second = _import(app)
    # The form sends the proposal back as it was: the new wording gets its own proposal.
    _post(client, first, short_claim=FIRST_PROPOSAL,
          text="The ministry said that exports fell by 4 percent in May.")
    assert _claim(app, first).short_claim == "Exports fell by 4 percent in May"
    # Emptied: the proposal again.
    _post(client, second, short_claim="Nadeem visited Tehran")
    _post(client, second, short_claim="Nadeem visited Tehran",
          text="Neda Mohammad Nadeem has also visited Tehran and Doha.")
    assert _claim(app, second).short_claim == "Nadeem visited Tehran"
    _post(client, second, short_claim="")
    assert _claim(app, second).short_claim == (
        "Neda Mohammad Nadeem has also visited Tehran and Doha")


def test_a_claim_from_before_the_column_gets_the_proposal_everywhere(app, client, runner,
                                                                    make_user, login_as):
    first, _second = _import(app)
    with app.app_context():  # as migration 0027 leaves existing rows
        db.session.get(Claim, first).short_claim = ""
        db.session.commit()
    token = api_token(runner, make_user(Role.EDITOR).email)
    body = client.get(f"/api/v1/claims/{first}", headers=bearer(token)).json
    assert body["short_claim"] == FIRST_PROPOSAL
    login_as(Role.EDITOR)
    html = client.get(f"/editor/claims/{first}").get_data(as_text=True)
    assert lxml.html.fromstring(html).get_element_by_id("short_claim").get("value") == (
        FIRST_PROPOSAL)


def test_the_api_reads_and_writes_the_summary_and_refuses_141_characters(
        app, client, runner, make_user):
    first, _second = _import(app)
    token = api_token(runner, make_user(Role.EDITOR).email)
    url = f"/api/v1/claims/{first}"
    body = client.get(url, headers=bearer(token)).json
    assert body["short_claim"] == FIRST_PROPOSAL
    changed = client.patch(url, headers=bearer(token),
                           json={"version": body["version"], "short_claim": "Jobless rate 3.5%"})
    assert changed.status_code == 200 and changed.json["short_claim"] == "Jobless rate 3.5%"
    refused = client.patch(url, headers=bearer(token),
                           json={"version": changed.json["version"], "short_claim": "x" * 141})
    assert refused.status_code == 422
    error = refused.json["error"]
    assert error["code"] and "short_claim" in error["fields"]
    assert "140" in error["fields"]["short_claim"]
    assert _claim(app, first).short_claim == "Jobless rate 3.5%"
    # Empty: back to the engine's proposal.
    reset = client.patch(url, headers=bearer(token),
                         json={"version": changed.json["version"], "short_claim": ""})
    assert reset.json["short_claim"] == FIRST_PROPOSAL
    schemas = client.get("/api/v1/openapi.json").json["components"]["schemas"]
    assert schemas["Claim"]["properties"]["short_claim"]["maxLength"] == 140
    assert schemas["ClaimPatch"]["properties"]["short_claim"]["maxLength"] == 140
    assert "short_claim" in schemas["Claim"]["required"]


def _publish(app, editor_id: int, article_id: int) -> str:
    with app.app_context():
        claims = db.session.exec(select(Claim).where(Claim.article_id == article_id)).all()
        label = db.session.exec(select(RatingLabel).where(RatingLabel.key == "true")).first()
        for claim in claims:
            claim.status = ClaimStatus.DECIDED
            db.session.add(Decision(claim_id=claim.id, rating_id=label.id, summary="Yes."))
        db.session.flush()
        found = db.session.get(Article, article_id)
        publish_article(db.session, article=found, editor=db.session.get(User, editor_id),
                        include_open=False)
        db.session.commit()
        return found.slug


def _ld(html: str):
    match = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    return json.loads(match.group(1))


def test_claimreview_says_what_the_verdict_page_shows(app, client, login_as):
    editor = login_as(Role.EDITOR)
    first, _second = _import(app)
    _post(client, first, short_claim="Jobless rate fell to 3.5% in October")
    slug = _publish(app, editor.id, _claim(app, first).article_id)
    html = client.get(f"/checks/{slug}").get_data(as_text=True)
    tree = lxml.html.fromstring(html)
    headings = [span.text_content()
                for span in tree.xpath("//article//h3/span[@class='short-claim']")]
    reviewed = [review["claimReviewed"] for review in _ld(html)]
    assert headings == reviewed == ["Jobless rate fell to 3.5% in October", SECOND_PROPOSAL]
    assert not any(r.endswith("…") for r in reviewed)
    # The claim's words are still on the page, quoted, under the heading.
    assert "Neda Mohammad Nadeem, the Taliban\u2019s Minister of Higher Education" in html
    page = client.get(f"/checks/{slug}/claims/2").get_data(as_text=True)
    assert lxml.html.fromstring(page).find(".//h1").text_content() == SECOND_PROPOSAL
    assert _ld(page)["claimReviewed"] == SECOND_PROPOSAL
    assert f"<title>Fact check: {SECOND_PROPOSAL}" in page
