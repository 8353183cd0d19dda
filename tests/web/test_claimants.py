"""Claimants as records: resolved at the split, edited and merged by editors, shown to
readers on their own page, named in full in ClaimReview, search and exports."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest
from sqlmodel import select

from factcheck.extensions import db
from factcheck.models import Article, AuditEvent, Claim, Claimant, Decision, RatingLabel, Review
from factcheck.states import ClaimStatus, ReviewStatus, Role

from ..helpers import api_token, bearer, csrf_token, login, post_form

TEXT = ("The city will spend 4 million dollars on new bus lanes next year, Mayor Helen Okafor "
        "announced on Tuesday. Okafor said the lanes would cut commute times by 20 percent. "
        "Critics said the plan would cost far more than 4 million dollars.")
UNPUBLISHED = "Helen Okafor said the secret draft budget rises by 9 percent next year."


def _import(client, title: str, text: str) -> int:
    response = post_form(client, "/editor/articles/new", {"title": title, "text": text})
    assert response.status_code == 302, response.get_data(as_text=True)
    return int(re.search(r"/editor/articles/(\d+)", response.headers["Location"])[1])


def _claims(app, article_id: int) -> list[Claim]:
    with app.app_context():
        found = list(db.session.exec(select(Claim).where(Claim.article_id == article_id)
                                     .order_by(Claim.start)).all())
        db.session.expunge_all()
        return found


def _records(app) -> list[Claimant]:
    with app.app_context():
        found = list(db.session.exec(select(Claimant).order_by(Claimant.id)).all())
        db.session.expunge_all()
        return found


def _decide(app, claim_ids: list[int], keys: list[str], editor_id: int, reviewer_ids) -> None:
    """Decided claims as the review workflow leaves them (its own tests cover that part)."""
    with app.app_context():
        for claim_id, key in zip(claim_ids, keys, strict=True):
            label = db.session.exec(select(RatingLabel).where(RatingLabel.key == key)).first()
            claim = db.session.get(Claim, claim_id)
            claim.status = ClaimStatus.DECIDED
            db.session.add(Decision(claim_id=claim_id, editor_id=editor_id, rating_id=label.id,
                                    summary=f"Conclusion: {key}."))
            for reviewer_id in reviewer_ids:
                db.session.add(Review(claim_id=claim_id, reviewer_id=reviewer_id,
                                      rating_id=label.id, status=ReviewStatus.SUBMITTED))
        db.session.commit()


def _publish(client, article_id: int) -> None:
    board = f"/editor/articles/{article_id}"
    token = csrf_token(client.get(board).get_data(as_text=True))
    response = client.post(f"{board}/publish", data={"csrf_token": token})
    assert response.status_code == 302, response.get_data(as_text=True)


@pytest.fixture
def desk(app, client, make_user):
    """An editor signed in who imported the Okafor article (and a second, unpublished one)."""
    editor = make_user(Role.EDITOR)
    reviewers = [make_user(Role.REVIEWER).id, make_user(Role.REVIEWER).id]
    assert login(client, editor.email).status_code == 302
    article_id = _import(client, "Bus lanes", TEXT)
    return {"editor": editor, "reviewers": reviewers, "article_id": article_id}


@pytest.fixture
def published(app, client, desk):
    """The Okafor claims decided (True, False) and published; the critics' claim not checked;
    another article naming Helen Okafor imported and decided but never published."""
    first, second, _critics = _claims(app, desk["article_id"])
    _decide(app, [first.id, second.id], ["true", "false"], desk["editor"].id,
            desk["reviewers"])
    _publish(client, desk["article_id"])
    draft_id = _import(client, "Draft budget", UNPUBLISHED)
    (draft,) = _claims(app, draft_id)
    _decide(app, [draft.id], ["false"], desk["editor"].id, desk["reviewers"])
    with app.app_context():
        slug = db.session.get(Article, desk["article_id"]).slug
    return {**desk, "slug": slug, "claims": [first.id, second.id], "draft": draft.id}


def test_the_split_resolves_the_surname_to_the_full_name_named_in_the_article(app, desk):
    first, second, critics = _claims(app, desk["article_id"])
    # "…, Mayor Helen Okafor announced on Tuesday." then "Okafor said …": one record.
    assert (first.claimant, second.claimant) == ("Helen Okafor", "Helen Okafor")
    assert first.claimant_id == second.claimant_id is not None
    records = {r.name: r for r in _records(app)}
    assert set(records) == {"Helen Okafor", "Critics"}
    assert records["Helen Okafor"].slug == "helen-okafor"
    assert critics.claimant_id == records["Critics"].id


def test_the_same_full_name_in_another_article_is_the_same_record(app, client, desk):
    other = _import(client, "Budget", "Dr. helen  OKAFOR said the budget doubled last year.")
    (claim,) = _claims(app, other)
    okafor = next(r for r in _records(app) if r.name == "Helen Okafor")
    assert (claim.claimant, claim.claimant_id) == ("Helen Okafor", okafor.id)
    assert len(_records(app)) == 2


def test_editor_claim_page_picks_a_record_by_name_or_makes_a_new_one(app, client, desk):
    critics = _claims(app, desk["article_id"])[2]
    page = client.get(f"/editor/claims/{critics.id}").get_data(as_text=True)
    assert 'list="claimant-names"' in page and '<option value="Helen Okafor">' in page
    assert f'href="/editor/claimants/{critics.claimant_id}"' in page
    url = f"/editor/claims/{critics.id}"
    post_form(client, url, {"text": critics.text, "claimant": "mayor  HELEN okafor",
                            "claim_date": "", "version": critics.version})
    okafor = next(r for r in _records(app) if r.name == "Helen Okafor")
    edited = _claims(app, desk["article_id"])[2]
    assert (edited.claimant, edited.claimant_id) == ("Helen Okafor", okafor.id)
    post_form(client, url, {"text": critics.text, "claimant": "City Auditor",
                            "claim_date": "", "version": edited.version})
    edited = _claims(app, desk["article_id"])[2]
    auditor = next(r for r in _records(app) if r.name == "City Auditor")
    assert edited.claimant_id == auditor.id


def test_readers_see_the_full_name_in_claimreview_search_exports_and_the_api(
        app, client, runner, published):
    editor_client = client
    okafor = next(r for r in _records(app) if r.name == "Helen Okafor")
    edit = f"/editor/claimants/{okafor.id}"
    response = post_form(editor_client, edit, {
        "name": "Helen Okafor", "description": "Mayor of Springfield",
        "same_as": "https://www.wikidata.org/wiki/Q42", "version": okafor.version})
    assert response.status_code == 302
    _publish(editor_client, published["article_id"])  # the snapshot takes the same-as link
    reader = app.test_client()
    html = reader.get(f"/checks/{published['slug']}").get_data(as_text=True)
    reviews = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>',
                                   html, re.S)[1])
    authors = [r["itemReviewed"]["author"] for r in reviews]
    assert authors == [{"@type": "Person", "name": "Helen Okafor",
                        "sameAs": "https://www.wikidata.org/wiki/Q42"}] * 2
    assert ('Claimed by <a class="claimant-link" href="/claimants/helen-okafor">Helen Okafor'
            '</a>') in html
    found = reader.get("/search", query_string={"q": "Helen Okafor"}).get_data(as_text=True)
    links = re.findall(r'<li class="hit">\s*<h3><a href="([^"]+)"', found)
    assert sorted(links) == [f"/checks/{published['slug']}#claim-1",
                             f"/checks/{published['slug']}#claim-2"]
    rows = list(csv.DictReader(io.StringIO(
        reader.get("/exports/verdicts.csv").get_data(as_text=True))))
    assert {row["claimant"] for row in rows} == {"Helen Okafor"}
    public = reader.get(f"/api/v1/checks/{published['slug']}").json
    assert public["claims"][0]["claimant"] == "Helen Okafor"
    assert public["claims"][0]["claimant_slug"] == "helen-okafor"
    token = api_token(runner, published["editor"].email)
    claim = reader.get(f"/api/v1/claims/{published['claims'][1]}", headers=bearer(token)).json
    assert (claim["claimant"], claim["claimant_id"]) == ("Helen Okafor", okafor.id)


def test_the_public_claimant_page_shows_published_checks_only(app, client, published):
    reader = app.test_client()
    response = reader.get("/claimants/helen-okafor")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "<h1><bdi>Helen Okafor</bdi></h1>" in html and "2 checked claims" in html
    assert f'href="/checks/{published["slug"]}#claim-1"' in html
    assert f'href="/checks/{published["slug"]}#claim-2"' in html
    assert '<ul class="chart" aria-label="Verdicts">' in html
    assert re.search(r'<ul class="counts verdict-counts"><li>True: 1</li><li>False: 1</li>',
                     html) or "<li>False: 1</li><li>True: 1</li>" in html
    # Nothing of unpublished work: the draft's claim, decided but never published.
    assert "secret draft budget" not in html
    # The critics' claim was never checked: their record has no public page.
    assert reader.get("/claimants/critics").status_code == 404
    assert reader.get("/claimants/no-such-person").status_code == 404
    # Who they are, as the editors describe them.
    okafor = next(r for r in _records(app) if r.name == "Helen Okafor")
    post_form(client, f"/editor/claimants/{okafor.id}", {
        "name": "Helen Okafor", "description": "Mayor of Springfield",
        "same_as": "https://www.wikidata.org/wiki/Q42", "version": okafor.version})
    html = reader.get("/claimants/helen-okafor").get_data(as_text=True)
    assert "Mayor of Springfield" in html
    assert '<a href="https://www.wikidata.org/wiki/Q42" rel="noopener noreferrer nofollow">' in html
    assert reader.get("/claimants/helen-okafor",
                      headers={"If-None-Match": response.headers["ETag"]}).status_code == 200
    response = reader.get("/claimants/helen-okafor")
    # Conditional GET, like the other public pages.
    etag = response.headers["ETag"]
    again = reader.get("/claimants/helen-okafor", headers={"If-None-Match": etag})
    assert again.status_code == 304
    # Once the check is unpublished, the page goes.
    token = csrf_token(client.get(f"/editor/articles/{published['article_id']}")
                       .get_data(as_text=True))
    client.post(f"/editor/articles/{published['article_id']}/unpublish",
                data={"csrf_token": token})
    assert reader.get("/claimants/helen-okafor").status_code == 404


def test_editors_list_search_and_edit_with_conflicts_and_bad_input(app, client, desk):
    listing = client.get("/editor/claimants").get_data(as_text=True)
    assert "Helen Okafor" in listing and "2 claims" in listing and "1 claim<" in listing
    found = client.get("/editor/claimants?q=okaf").get_data(as_text=True)
    assert "Helen Okafor" in found and "Critics" not in found
    okafor = next(r for r in _records(app) if r.name == "Helen Okafor")
    url = f"/editor/claimants/{okafor.id}"
    bad = post_form(client, url, {"name": "Helen Okafor", "description": "Mayor, typed",
                                  "same_as": "javascript:alert(1)", "version": okafor.version})
    assert bad.status_code == 422
    assert "Use an http:// or https:// address." in bad.get_data(as_text=True)
    assert "Mayor, typed" in bad.get_data(as_text=True)  # nothing typed is lost
    page = client.get(url).get_data(as_text=True)  # the form as first opened
    ok = client.post(url, data={"csrf_token": csrf_token(page), "name": "Helen A. Okafor",
                                "description": "Mayor", "same_as": "",
                                "version": okafor.version})
    assert ok.status_code == 302
    stale = client.post(url, data={"csrf_token": csrf_token(page), "name": "Helen B. Okafor",
                                   "description": "My own typed description", "same_as": "",
                                   "version": okafor.version})
    assert stale.status_code == 409
    html = stale.get_data(as_text=True)
    assert "My own typed description" in html and "Helen A. Okafor" in html
    # Claims readers have not seen take the new name.
    assert {c.claimant for c in _claims(app, desk["article_id"])[:2]} == {"Helen A. Okafor"}
    with app.app_context():
        assert db.session.exec(select(AuditEvent).where(
            AuditEvent.action == "claimant.edit")).first() is not None


def test_merging_moves_claims_and_the_old_page_redirects(app, client, published):
    other = _import(client, "Budget", "H. Okafor said the bus budget tripled in 2025.")
    (claim,) = _claims(app, other)
    duplicate = next(r for r in _records(app) if r.id == claim.claimant_id)
    assert duplicate.name == "H. Okafor"
    okafor = next(r for r in _records(app) if r.name == "Helen Okafor")
    response = post_form(client, f"/editor/claimants/{okafor.id}/merge",
                         {"merge-other": duplicate.id}, page=f"/editor/claimants/{okafor.id}")
    assert response.status_code == 302
    moved = _claims(app, other)[0]
    assert (moved.claimant_id, moved.claimant) == (okafor.id, "Helen Okafor")
    with app.app_context():
        event = db.session.exec(select(AuditEvent).where(
            AuditEvent.action == "claimant.merge")).one()
        assert event.details["merged"] == duplicate.id and event.object_id == okafor.id
    redirect = app.test_client().get(f"/claimants/{duplicate.slug}")
    assert redirect.status_code == 301
    assert redirect.headers["Location"].endswith("/claimants/helen-okafor")
    assert "<bdi>H. Okafor</bdi>" not in client.get("/editor/claimants").get_data(as_text=True)
    # Merging into itself, or a merged record, is refused.
    again = post_form(client, f"/editor/claimants/{okafor.id}/merge",
                      {"merge-other": duplicate.id}, page=f"/editor/claimants/{okafor.id}")
    assert again.status_code in (404, 422)


def test_merge_needs_a_chosen_live_claimant(app, client, desk):
    okafor = next(r for r in _records(app) if r.name == "Helen Okafor")
    url = f"/editor/claimants/{okafor.id}/merge"
    page = f"/editor/claimants/{okafor.id}"
    assert post_form(client, url, {"merge-other": ""}, page=page).status_code == 422
    assert post_form(client, url, {"merge-other": "abc"}, page=page).status_code == 422
    assert post_form(client, url, {"merge-other": str(okafor.id)}, page=page).status_code == 422
    assert {r.merged_into_id for r in _records(app)} == {None}


def test_changing_a_published_claims_claimant_needs_a_correction_note(app, client, published):
    claim_id = published["claims"][0]
    url = f"/editor/claims/{claim_id}"
    claim = next(c for c in _claims(app, published["article_id"]) if c.id == claim_id)
    # Another spelling of the same person is the same record: nothing readers see changes.
    same = post_form(client, url, {"text": claim.text, "claimant": "MAYOR helen okafor",
                                   "claim_date": "", "version": claim.version})
    assert same.status_code == 302
    claim = next(c for c in _claims(app, published["article_id"]) if c.id == claim_id)
    refused = post_form(client, url, {"text": claim.text, "claimant": "City Auditor",
                                      "claim_date": "", "version": claim.version})
    assert refused.status_code == 422 and "correction note" in refused.get_data(as_text=True)
    assert "City Auditor" not in {r.name for r in _records(app)}  # nothing kept
    done = post_form(client, url, {"text": claim.text, "claimant": "City Auditor",
                                   "claim_date": "", "version": claim.version,
                                   "correction_note": "The auditor said it, not the mayor."})
    assert done.status_code == 302
    auditor = next(r for r in _records(app) if r.name == "City Auditor")
    claim = next(c for c in _claims(app, published["article_id"]) if c.id == claim_id)
    assert (claim.claimant, claim.claimant_id) == ("City Auditor", auditor.id)
    html = app.test_client().get(f"/checks/{published['slug']}").get_data(as_text=True)
    assert "we changed who made claim 1 from Helen Okafor to City Auditor because" in html
    assert 'href="/claimants/city-auditor"' in html


def test_the_openapi_document_describes_the_claimant_fields(client):
    schemas = client.get("/api/v1/openapi.json").json["components"]["schemas"]
    assert "claimant_id" in schemas["Claim"]["properties"]
    claim_item = schemas["Check"]["allOf"][1]["properties"]["claims"]["items"]
    assert {"claimant_slug", "claimant_same_as"} <= set(claim_item["properties"])


def test_search_finds_a_check_published_under_a_short_name_by_the_records_full_name(
        app, client, runner, desk):
    article_id = _import(client, "Lanes", "Okafor said the lanes would cut commute times by "
                                          "20 percent next year.")
    (claim,) = _claims(app, article_id)
    assert claim.claimant == "Okafor"  # no full name in this article
    _decide(app, [claim.id], ["false"], desk["editor"].id, desk["reviewers"])
    _publish(client, article_id)
    short = next(r for r in _records(app) if r.id == claim.claimant_id)
    assert short.name == "Okafor"

    def hits(**params) -> list[str]:
        html = app.test_client().get("/search", query_string=params).get_data(as_text=True)
        return re.findall(r'<li class="hit">\s*<h3><a href="([^"]+)"', html)

    assert hits(q="Helen Okafor") == []
    # The editors merge the short record into the full one: search follows at once, while
    # the verdict page keeps what readers saw ("Okafor") until a correction says otherwise.
    full = next(r for r in _records(app) if r.name == "Helen Okafor")
    post_form(client, f"/editor/claimants/{full.id}/merge", {"merge-other": short.id},
              page=f"/editor/claimants/{full.id}")
    with app.app_context():
        slug = db.session.get(Article, article_id).slug
    assert hits(q="Helen Okafor") == [f"/checks/{slug}#claim-1"]
    assert hits(claimant="Helen Okafor") == [f"/checks/{slug}#claim-1"]
    assert "Claimed by" in app.test_client().get(f"/checks/{slug}").get_data(as_text=True)
    # A full rebuild of the index (as `db upgrade` does) keeps it so.
    assert runner.invoke(["search", "reindex"]).exit_code == 0
    assert hits(q="Helen Okafor") == [f"/checks/{slug}#claim-1"]
