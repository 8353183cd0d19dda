"""The whole workflow through the API, with every rule: roles, blind review, required
reviews, locking, corrections; then the public JSON shows the result."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from factcheck.states import Role

from ..helpers import api_token, bearer, share_evidence

TEXT = ("Unemployment fell to 3.5 percent in October, the lowest rate since 1969. "
        "The council approved a budget of 12 million dollars for new schools on Monday.")


@dataclass
class Api:
    """A test client speaking JSON with one user's token."""

    client: object
    token: str

    def __call__(self, method: str, path: str, body=None):
        return self.client.open(f"/api/v1{path}", method=method, json=body,
                                headers=bearer(self.token))


@pytest.fixture
def desk(app, runner, make_user):
    """An editor, a second editor, three reviewers and a reviewer not on the claim."""
    share_evidence(app)  # the second reviewer cites the first one's source
    users = {"editor": make_user(Role.EDITOR), "reviewer1": make_user(Role.REVIEWER),
             "reviewer2": make_user(Role.REVIEWER), "outsider": make_user(Role.REVIEWER)}
    return users


def _api(client, runner, user) -> Api:
    return Api(client, api_token(runner, user.email))


def test_full_workflow_through_the_api(client, runner, desk):
    editor, r1, r2, outsider = (_api(client, runner, desk[name]) for name in
                                ("editor", "reviewer1", "reviewer2", "outsider"))

    # Import: 201 with the split claims, each anchored to its span.
    created = editor("POST", "/articles", {"title": "Jobs and schools", "text": TEXT,
                                           "outlet": "Daily", "published_on": "2026-11-02"})
    assert created.status_code == 201, created.json
    article = created.json
    assert created.headers["Location"].endswith(f"/api/v1/articles/{article['id']}")
    assert article["text"] == TEXT and len(article["claims"]) == 2
    for claim in article["claims"]:
        assert TEXT[claim["start"]:claim["end"]] == claim["quote"]
    first, second = article["claims"]
    assert r1("POST", "/articles", {"title": "x", "text": TEXT}).status_code == 403
    assert r1("GET", f"/articles/{article['id']}").status_code == 403  # nothing assigned

    # Edit and select, with optimistic locking: a stale version gets 409 and the record.
    edited = editor("PATCH", f"/claims/{first['id']}",
                    {"version": first["version"], "text": "Unemployment fell to 3.5%.",
                     "claimant": "Labour office", "status": "selected"})
    assert edited.status_code == 200, edited.json
    assert edited.json["status"] == "selected" and edited.json["claimant"] == "Labour office"
    assert edited.json["version"] > first["version"]
    stale = editor("PATCH", f"/claims/{first['id']}",
                   {"version": first["version"], "text": "Someone else's wording"})
    assert stale.status_code == 409 and stale.json["error"]["code"] == "stale_version"
    assert stale.json["current"]["text"] == "Unemployment fell to 3.5%."
    assert r1("PATCH", f"/claims/{first['id']}",
              {"version": edited.json["version"], "status": "dismissed"}).status_code == 403

    # Only selected claims can be assigned; assigning twice is idempotent.
    unselected = editor("POST", f"/claims/{second['id']}/assignments",
                        {"reviewer": desk["reviewer1"].email})
    assert unselected.status_code == 409
    for reviewer in (desk["reviewer1"], desk["reviewer2"]):
        assigned = editor("POST", f"/claims/{first['id']}/assignments",
                          {"reviewer": reviewer.email, "due": "2026-12-01"})
        assert assigned.status_code == 201 and assigned.json["due"] == "2026-12-01"
    again = editor("POST", f"/claims/{first['id']}/assignments",
                   {"reviewer": desk["reviewer1"].email})
    assert again.status_code == 200
    unknown = editor("POST", f"/claims/{first['id']}/assignments",
                     {"reviewer": "nobody@example.org"})
    assert unknown.status_code == 422 and "reviewer" in unknown.json["error"]["fields"]
    assert r1("GET", f"/articles/{article['id']}").status_code == 200  # now assigned
    assert outsider("GET", f"/claims/{first['id']}").status_code == 403

    # No decision before the required reviews are in.
    early = editor("POST", f"/claims/{first['id']}/decision",
                   {"rating": "false", "summary": "Too early."})
    assert early.status_code == 409

    # Evidence: assigned reviewers and editors; http(s) only.
    bad_url = r1("POST", f"/claims/{first['id']}/evidence",
                 {"url": "javascript:alert(1)", "stance": "refutes", "title": "x"})
    assert bad_url.status_code == 422 and "url" in bad_url.json["error"]["fields"]
    assert outsider("POST", f"/claims/{first['id']}/evidence",
                    {"url": "https://stats.example.org", "stance": "refutes",
                     "title": "x"}).status_code == 403
    evidence = r1("POST", f"/claims/{first['id']}/evidence",
                  {"url": "https://stats.example.org/oct", "stance": "refutes",
                   "title": "October labour report", "quote": "The rate was 3.9 percent."})
    assert evidence.status_code == 201 and evidence.json["stance"] == "refutes"
    evidence_id = evidence.json["id"]

    # Blind review: a rating needs evidence; nobody sees another verdict before their own.
    no_evidence = r1("POST", f"/claims/{first['id']}/reviews",
                     {"rating": "false", "rationale": "The report says 3.9."})
    assert no_evidence.status_code == 422 and "evidence" in no_evidence.json["error"]["fields"]
    first_review = r1("POST", f"/claims/{first['id']}/reviews",
                      {"rating": "false", "rationale": "The report says **3.9**.",
                       "confidence": "high", "evidence": [evidence_id]})
    assert first_review.status_code == 201 and first_review.json["status"] == "submitted"
    assert r2("GET", f"/claims/{first['id']}/reviews").json["items"] == []
    assert outsider("POST", f"/claims/{first['id']}/reviews",
                    {"rating": "false", "rationale": "x",
                     "evidence": [evidence_id]}).status_code == 403
    assert r2("POST", f"/claims/{first['id']}/reviews",
              {"rating": "mostly-false", "rationale": "3.9, not 3.5.",
               "evidence": [evidence_id]}).status_code == 201
    seen = r2("GET", f"/claims/{first['id']}/reviews").json["items"]
    assert sorted(r["rating"] for r in seen) == ["false", "mostly-false"]
    resubmit = r1("POST", f"/claims/{first['id']}/reviews",
                  {"rating": "true", "rationale": "changed my mind", "evidence": [evidence_id]})
    assert resubmit.status_code == 409

    # The decision: editors only; reviewers of the claim cannot decide it.
    assert r1("POST", f"/claims/{first['id']}/decision",
              {"rating": "false", "summary": "x"}).status_code == 403
    decided = editor("POST", f"/claims/{first['id']}/decision",
                     {"rating": "false", "summary": "The rate was 3.9 percent."})
    assert decided.status_code == 201 and decided.json["version"] == 1

    # Publish; the public JSON shows the verdict with its evidence.
    published = editor("POST", f"/articles/{article['id']}/publish", {"include_open": True})
    assert published.status_code == 200, published.json
    slug = article["slug"]
    assert published.json["public_url"].endswith(f"/checks/{slug}")
    check = client.get(f"/api/v1/checks/{slug}").json
    verdicts = [c["verdict"]["key"] for c in check["claims"] if c["verdict"]]
    assert verdicts == ["false"] and check["claims"][0]["evidence"]

    # A published verdict changes only with a correction note and the current version.
    path = f"/claims/{first['id']}/decision"
    no_note = editor("POST", path, {"rating": "mostly-false", "summary": "Revised.",
                                    "version": 1})
    assert no_note.status_code == 409 and no_note.json["error"]["code"] == "correction_required"
    stale_decision = editor("POST", path, {"rating": "mostly-false", "summary": "Revised.",
                                           "correction_note": "New figures.", "version": 0})
    assert stale_decision.status_code == 409
    corrected = editor("POST", path, {"rating": "mostly-false", "summary": "Revised.",
                                      "correction_note": "The office revised its figures.",
                                      "version": 1})
    assert corrected.status_code == 201 and corrected.json["version"] == 2
    check = client.get(f"/api/v1/checks/{slug}").json
    assert [c["note"] for c in check["corrections"]] == ["The office revised its figures."]
    assert check["claims"][0]["verdict"]["key"] == "mostly-false"

    # Unpublish: the check answers 410 Gone.
    assert editor("POST", f"/articles/{article['id']}/unpublish").status_code == 200
    assert client.get(f"/api/v1/checks/{slug}").status_code == 410


def test_editors_see_assignments_and_remove_reviewers(client, runner, desk):
    editor, r1 = _api(client, runner, desk["editor"]), _api(client, runner, desk["reviewer1"])
    article = editor("POST", "/articles", {"title": "Budget", "text": TEXT}).json
    claim = article["claims"][1]
    editor("PATCH", f"/claims/{claim['id']}", {"version": claim["version"],
                                               "status": "selected"})
    editor("POST", f"/claims/{claim['id']}/assignments", {"reviewer": desk["reviewer1"].email})
    detail = editor("GET", f"/claims/{claim['id']}").json
    assert [a["reviewer"]["email"] for a in detail["assignments"]] == [desk["reviewer1"].email]
    assert "assignments" not in r1("GET", f"/claims/{claim['id']}").json
    assert r1("DELETE", f"/claims/{claim['id']}/assignments/"
                        f"{desk['reviewer1'].email}").status_code == 403
    removed = editor("DELETE", f"/claims/{claim['id']}/assignments/{desk['reviewer1'].email}")
    assert removed.status_code == 204
    assert r1("GET", f"/claims/{claim['id']}").status_code == 403
    again = editor("DELETE", f"/claims/{claim['id']}/assignments/{desk['reviewer1'].email}")
    assert again.status_code == 404


def test_article_list_is_paginated_for_editors(client, runner, desk):
    editor = _api(client, runner, desk["editor"])
    for n in range(3):
        assert editor("POST", "/articles", {"title": f"Article {n}", "text": TEXT}
                      ).status_code == 201
    page = editor("GET", "/articles?per_page=2&page=2").json
    assert page["total"] == 3 and [a["title"] for a in page["items"]] == ["Article 0"]
    assert editor("GET", "/articles?per_page=101").status_code == 400
    assert _api(client, runner, desk["reviewer1"])("GET", "/articles").status_code == 403
