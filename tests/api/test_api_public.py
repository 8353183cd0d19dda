"""The public JSON API: published checks, paging, and errors always as JSON."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from factcheck.api import checks as api_checks
from factcheck.api import core as api_core
from factcheck.extensions import db
from factcheck.models import User
from factcheck.states import Role
from factcheck.workflow.articles import create_article

from ..web.test_feeds import JOBS, add_evidence, publish_check, unpublish_through_the_editor

HOST = "http://localhost"
ITEM_KEYS = {"slug", "title", "outlet", "url", "source_url", "published_at", "updated_at",
             "checked", "open", "counts"}


@pytest.fixture
def editor(make_user) -> User:
    return make_user(Role.EDITOR)


def _json(response, status: int = 200):
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/json"
    assert "Set-Cookie" not in response.headers
    return response.get_json()


def _error(response, status: int, code: str) -> dict:
    body = _json(response, status)
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message"}
    assert body["error"]["code"] == code and body["error"]["message"]
    assert b"<html" not in response.get_data().lower()
    return body["error"]


# --- The list -------------------------------------------------------------------------------


def test_list_of_published_checks_newest_first(app, editor):
    jobs = publish_check(app, editor, title="Jobs report", claims=JOBS,
                         open_claims=["Prices will fall next year."])
    budget = publish_check(app, editor, title="Budget", outlet=None, claims=JOBS[:1])
    with app.app_context():
        create_article(db.session, title="A draft", body="Not published.", actor=None)
        db.session.commit()
    response = app.test_client().get("/api/v1/checks")
    body = _json(response)
    assert response.headers["Cache-Control"] in ("public, max-age=300", "max-age=300, public")
    assert set(body) == {"items", "page", "per_page", "total"}
    assert (body["page"], body["per_page"], body["total"]) == (1, 20, 2)
    assert [item["slug"] for item in body["items"]] == [budget["slug"], jobs["slug"]]
    second = body["items"][1]
    assert set(second) == ITEM_KEYS
    assert second == second | {
        "title": "Jobs report", "outlet": "Daily Example", "url": f"{HOST}/checks/jobs-report",
        "source_url": "https://news.example.org/story", "checked": 2, "open": 1,
        "counts": [{"verdict": "True", "count": 1}, {"verdict": "Unverifiable", "count": 1}]}
    assert body["items"][0]["outlet"] is None
    published = datetime.fromisoformat(second["published_at"])
    assert published.tzinfo is not None and published <= datetime.now(UTC)


def test_list_pages_through_every_check_once(app, editor):
    slugs = {publish_check(app, editor, title=f"Check {n}", claims=JOBS[:1])["slug"]
             for n in range(5)}
    client = app.test_client()
    seen = []
    for page in (1, 2, 3):
        body = _json(client.get(f"/api/v1/checks?page={page}&per_page=2"))
        assert (body["page"], body["per_page"], body["total"]) == (page, 2, 5)
        assert len(body["items"]) == (2 if page < 3 else 1)
        seen += [item["slug"] for item in body["items"]]
    assert sorted(seen) == sorted(slugs)
    beyond = _json(client.get("/api/v1/checks?page=4&per_page=2"))
    assert beyond["items"] == [] and beyond["total"] == 5
    assert len(_json(client.get("/api/v1/checks?per_page=100"))["items"]) == 5
    assert _json(client.get("/api/v1/checks?page=1000000"))["items"] == []


@pytest.mark.parametrize("query", [
    "page=0", "page=-1", "page=abc", "page=", "page=1.5", "page=1000001", "page=99999999999",
    "page=%D9%A3", "page=+2", "per_page=0", "per_page=101", "per_page=1e2", "per_page=",
])
def test_bad_paging_is_a_400_json_error(client, query):
    error = _error(client.get(f"/api/v1/checks?{query}"), 400, "invalid_parameter")
    name = query.split("=")[0]
    assert error["message"].startswith(f"{name} must be a whole number from 1 to ")


def test_empty_list(client):
    assert _json(client.get("/api/v1/checks")) == {"items": [], "page": 1, "per_page": 20,
                                                   "total": 0}


# --- One check ---------------------------------------------------------------------------------


def test_one_check_with_claims_verdicts_evidence_and_corrections(app, editor):
    check = publish_check(
        app, editor, title="Jobs report", claims=JOBS, open_claims=["Prices will fall."],
        corrections=[("We misnamed the ministry.", datetime(2020, 1, 2, tzinfo=UTC), 1)])
    # Added after publishing: not in the frozen snapshot readers see.
    add_evidence(app, check["claims"][1], url="https://late.example.org", title="Late")
    response = app.test_client().get(f"/api/v1/checks/{check['slug']}")
    body = _json(response)
    page = f"{HOST}/checks/{check['slug']}"
    assert set(body) >= ITEM_KEYS
    assert body["url"] == page and body["title"] == "Jobs report" and body["version"] == 1
    assert body["organisation"] == {"name": "Fact-check desk", "url": f"{HOST}/", "logo": ""}
    assert (body["checked"], body["open"]) == (2, 1)
    true, unverifiable, still_open = body["claims"]
    assert true == true | {
        "number": 1, "url": f"{page}#claim-1", "text": JOBS[0][0], "quote": JOBS[0][0],
        "short_claim": JOBS[0][0].rstrip("."),  # the verdict page's heading for it
        "claimant": "The ministry", "status": "decided",
        "conclusion": "Confirmed by the office.",
        "verdict": {"key": "true", "name": "True", "value": 6, "worst": 1, "best": 6}}
    # Non-ordinal verdicts carry only their name, as in the ClaimReview markup.
    assert unverifiable["verdict"] == {"key": "unverifiable", "name": "Unverifiable",
                                       "value": None, "worst": None, "best": None}
    assert unverifiable["evidence"] == []
    assert still_open == still_open | {"status": "open", "verdict": None, "conclusion": None,
                                       "evidence": [], "reasoning": []}
    assert body["corrections"] == [{"at": "2020-01-02T00:00:00+00:00",
                                    "note": "We misnamed the ministry.", "before": "",
                                    "after": "", "claim_number": 1,
                                   "kind": "verdict"}]
    etag = response.headers["ETag"]
    again = app.test_client().get(f"/api/v1/checks/{check['slug']}",
                                  headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.get_data() == b""


def test_evidence_is_public_once_decided_and_hidden_while_open(app, editor, make_user):
    # Evidence is part of the snapshot only if it existed when the check was published.
    from factcheck.models import Claim, Decision, Evidence
    from factcheck.queries.scales import active_scale, scale_labels
    from factcheck.states import ClaimStatus
    from factcheck.workflow.publishing import publish_article

    with app.app_context():
        session = db.session
        label = scale_labels(session, active_scale(session))[0]
        article = create_article(session, title="Evidence", body="One. Two.", actor=None)
        decided = Claim(article_id=article.id, start=0, end=4, text="One.",
                        status=ClaimStatus.DECIDED)
        pending = Claim(article_id=article.id, start=5, end=9, text="Two.",
                        status=ClaimStatus.SELECTED)
        session.add_all([decided, pending])
        session.flush()
        session.add(Decision(claim_id=decided.id, rating_id=label.id, summary="Yes."))
        session.add(Evidence(claim_id=decided.id, url="https://stats.example.org/a",
                             title="Report A", stance="supports"))
        session.add(Evidence(claim_id=pending.id, url="https://draft.example.org/b",
                             title="Unfinished work"))
        publish_article(session, article=article, editor=session.get(User, editor.id),
                        include_open=True)
        session.commit()
        slug = article.slug
    response = app.test_client().get(f"/api/v1/checks/{slug}")
    first, second = _json(response)["claims"]
    assert [e["title"] for e in first["evidence"]] == ["Report A"]
    assert first["evidence"][0] | {"url": "https://stats.example.org/a",
                                   "stance": "supports"} == first["evidence"][0]
    assert second["evidence"] == [] and b"Unfinished work" not in response.get_data()


def test_markup_in_a_claim_stays_inert(app, editor):
    check = publish_check(app, editor, title="Jobs <b>report</b>", claims=[
        ("Ends </script><script>alert('x')</script> & more", "true", "<img src=x>", None)])
    for url in (f"/api/v1/checks/{check['slug']}", "/api/v1/checks"):
        response = app.test_client().get(url)
        raw = response.get_data()
        assert b"<script>" not in raw and b"<b>" not in raw and b"<img" not in raw
        assert b"\\u003cscript\\u003e" in raw or url.endswith("/checks")
        assert json.loads(raw) == response.get_json()
    body = app.test_client().get(f"/api/v1/checks/{check['slug']}").get_json()
    assert body["title"] == "Jobs <b>report</b>"
    assert body["claims"][0]["text"] == "Ends </script><script>alert('x')</script> & more"
    assert body["claims"][0]["conclusion"] == "<img src=x>"


# --- Errors -----------------------------------------------------------------------------------


def test_unknown_and_unpublished_checks_are_404_json(app, client):
    _error(client.get("/api/v1/checks/no-such-check"), 404, "not_found")
    with app.app_context():
        draft = create_article(db.session, title="Secret draft", body="Text.", actor=None)
        db.session.commit()
        slug = draft.slug
    _error(client.get(f"/api/v1/checks/{slug}"), 404, "not_found")


def test_withdrawn_check_is_410_json_and_leaves_the_list(app, editor):
    kept = publish_check(app, editor, title="Kept", claims=JOBS)
    gone = publish_check(app, editor, title="Gone", claims=JOBS)
    unpublish_through_the_editor(app, editor, gone["article_id"])
    reader = app.test_client()
    error = _error(reader.get(f"/api/v1/checks/{gone['slug']}"), 410, "gone")
    assert "withdrawn" in error["message"]
    body = _json(reader.get("/api/v1/checks"))
    assert [item["slug"] for item in body["items"]] == [kept["slug"]] and body["total"] == 1


def test_unknown_api_address_and_wrong_method_are_json_too(client):
    _error(client.get("/api/v1/nothing-here"), 404, "not_found")
    _error(client.get("/api/v1"), 404, "not_found")
    response = client.post("/api/v1/checks", json={})  # no CSRF token, no cookie
    _error(response, 405, "method_not_allowed")
    assert set(response.headers["Allow"].replace(" ", "").split(",")) >= {"GET", "HEAD"}
    _error(client.delete("/api/v1/checks/some-slug"), 405, "method_not_allowed")


def test_the_rest_of_the_site_keeps_its_html_error_pages(client):
    response = client.get("/checks/no-such-check")
    assert response.status_code == 404 and response.mimetype == "text/html"
    assert client.get("/api/v2/checks").mimetype == "text/html"


def test_server_errors_are_json_without_details(make_app, monkeypatch):
    app = make_app(TESTING=False, PROPAGATE_EXCEPTIONS=False)

    def broken(session):
        raise RuntimeError("secret detail")

    monkeypatch.setattr(api_checks, "publishing_state", broken)
    response = app.test_client().get("/api/v1/checks")
    error = _error(response, 500, "server_error")
    assert "secret" not in response.get_data(as_text=True)
    assert error["message"]


def test_api_endpoints_need_no_csrf_token(app):
    # The token-authenticated endpoints to come send no cookie and so no CSRF token;
    # probe the blueprint's exemption with a POST endpoint of that blueprint on this app.
    app.add_url_rule("/api/v1/probe", endpoint="api.probe", methods=["POST"],
                     view_func=lambda: api_core.json_response({"ok": True}))
    response = app.test_client().post("/api/v1/probe", json={})
    assert _json(response) == {"ok": True}
    # Elsewhere a POST without a token is still refused.
    assert app.test_client().post("/login", data={}).status_code == 400
