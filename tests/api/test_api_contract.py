"""The API's contract: its OpenAPI document matches the routes, errors have one shape, CORS
only when configured, and schemathesis fuzzing from the document finds no server error and
no response that breaks it."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from factcheck.api.openapi import openapi_path
from factcheck.states import Role

from ..conftest import TEST_DATABASE_URL
from ..helpers import api_token, bearer

TEXT = "Unemployment fell to 3.5 percent in October. The council approved a budget."
ARTICLE = {"title": "Jobs", "text": TEXT}


@pytest.fixture
def editor_token(runner, make_user) -> str:
    return api_token(runner, make_user(Role.EDITOR).email)


def _post(client, path: str, token: str, **kwargs):
    return client.post(f"/api/v1{path}", headers=bearer(token), **kwargs)


def test_the_document_describes_exactly_the_routes(app, client):
    document = client.get("/api/v1/openapi.json").json
    assert document["openapi"].startswith("3.1")
    documented = {(path, method.upper()) for path, item in document["paths"].items()
                  for method in item}
    routed = {(openapi_path(rule.rule.removeprefix("/api/v1")), method)
              for rule in app.url_map.iter_rules() if rule.endpoint.startswith("api.")
              for method in rule.methods - {"HEAD", "OPTIONS"}}
    assert documented == routed
    for item in document["paths"].values():
        for op in item.values():
            assert op["responses"], op["operationId"]
            if op["security"]:  # private: the errors a token holder can meet are documented
                assert {"401", "404"} & op["responses"].keys() or "401" in op["responses"]
    schemas = document["components"]["schemas"]
    refs = {ref.rsplit("/", 1)[1] for ref in _refs(document)}
    assert refs <= schemas.keys()


def _refs(node) -> Iterator[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref":
                yield value
            else:
                yield from _refs(value)
    elif isinstance(node, list):
        for item in node:
            yield from _refs(item)


@pytest.mark.parametrize(("data", "content_type", "status", "code"), [
    (b"{not json", "application/json", 400, "malformed_json"),
    (b'{"title": NaN, "text": "x"}', "application/json", 400, "malformed_json"),
    (b'{"title": "x", "text": "\xff"}', "application/json", 400, "malformed_json"),
    (b'{"title": 1' + b"0" * 5000 + b', "text": "x"}', "application/json", 400,
     "malformed_json"),
    (b"title=x&text=y", "application/x-www-form-urlencoded", 415, "unsupported_media_type"),
    (b"[1, 2]", "application/json", 422, "invalid"),
])
def test_bad_bodies_get_clear_json_errors(client, editor_token, data, content_type, status,
                                         code):
    response = _post(client, "/articles", editor_token, data=data, content_type=content_type)
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.json["error"]["code"] == code
    assert client.get("/api/v1/articles", headers=bearer(editor_token)).json["total"] == 0


def test_invalid_fields_are_named(client, editor_token):
    response = _post(client, "/articles", editor_token, json={
        "title": "", "text": "ok", "published_on": "2026-02-30", "colour": "red",
        "outlet": 7, "language": "not a language"})
    assert response.status_code == 422
    fields = response.json["error"]["fields"]
    assert set(fields) == {"title", "published_on", "colour", "outlet", "language"}
    assert fields["colour"] == "Unknown field."
    missing = _post(client, "/articles", editor_token, json={})
    assert set(missing.json["error"]["fields"]) == {"title", "text"}


@pytest.mark.parametrize("text", ["nul \x00 byte", "lone \ud800 surrogate"])
def test_unstorable_text_is_refused_not_a_server_error(client, editor_token, text):
    body = json.dumps({"title": text, "text": "A sentence."})  # ensure_ascii keeps \ud800
    response = _post(client, "/articles", editor_token, data=body,
                     content_type="application/json")
    assert response.status_code == 422 and "title" in response.json["error"]["fields"]


def test_oversized_bodies_get_413_and_oversized_articles_422(make_app, runner, make_user):
    app = make_app(MAX_CONTENT_LENGTH=10_000, ARTICLE_MAX_BYTES=1_000)
    client = app.test_client()
    token = api_token(runner, make_user(Role.EDITOR).email)
    too_big = _post(client, "/articles", token, json={"title": "x", "text": "a" * 20_000})
    assert too_big.status_code == 413 and too_big.json["error"]["code"] == "too_large"
    too_long = _post(client, "/articles", token, json={"title": "x", "text": "a. " * 500})
    assert too_long.status_code == 422 and "text" in too_long.json["error"]["fields"]


def test_ids_beyond_the_integer_range_are_404(client, editor_token):
    for path in ("/articles/99999999999999999999", "/claims/2147483648"):
        response = client.get(f"/api/v1{path}", headers=bearer(editor_token))
        assert response.status_code == 404 and response.json["error"]["code"] == "not_found"


def test_refused_tokens_are_logged_without_the_token(client, runner, make_user, caplog):
    token = api_token(runner, make_user(Role.REVIEWER).email)
    caplog.set_level("INFO", logger="factcheck.security")
    caplog.clear()  # creating the token is logged too (token.create); only the requests count
    client.get("/api/v1/articles", headers=bearer(token + "x"))
    client.get("/api/v1/articles", headers=bearer(token))
    events = [json.loads(r.getMessage()) for r in caplog.records
              if r.name == "factcheck.security"]
    assert [(e["event"], e.get("scheme")) for e in events][:1] == [("api.unauthorized",
                                                                    "bearer")]
    assert [e["event"] for e in events][1:] == ["access.denied"]
    assert token[10:] not in caplog.text


def test_private_responses_are_not_cached(client, editor_token):
    response = client.get("/api/v1/articles", headers=bearer(editor_token))
    assert response.headers["Cache-Control"] == "no-store"


def test_cors_only_for_configured_origins(make_app):
    closed = make_app().test_client()
    response = closed.get("/api/v1/checks", headers={"Origin": "https://cms.example.org"})
    assert "Access-Control-Allow-Origin" not in response.headers
    app = make_app(API_CORS_ORIGINS=["https://cms.example.org"])
    client = app.test_client()
    allowed = client.get("/api/v1/checks", headers={"Origin": "https://cms.example.org"})
    assert allowed.headers["Access-Control-Allow-Origin"] == "https://cms.example.org"
    assert "Origin" in allowed.headers["Vary"]
    other = client.get("/api/v1/checks", headers={"Origin": "https://evil.example"})
    assert "Access-Control-Allow-Origin" not in other.headers
    preflight = client.options("/api/v1/articles", headers={
        "Origin": "https://cms.example.org", "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "authorization, content-type"})
    assert preflight.status_code == 200
    assert "POST" in preflight.headers["Access-Control-Allow-Methods"]
    assert "Authorization" in preflight.headers["Access-Control-Allow-Headers"]


# --- Fuzzing from the document ------------------------------------------------------------------

SCHEMATHESIS = Path(sys.executable).with_name("schemathesis")
CHECKS = ("not_a_server_error,status_code_conformance,content_type_conformance,"
          "response_headers_conformance,response_schema_conformance")


def _published_check(client, editor: str, reviewers: list[tuple[str, str]]) -> dict:
    """Through the API: an article whose first claim is reviewed twice, decided, published."""
    article = _post(client, "/articles", editor, json=ARTICLE).json
    claim = article["claims"][0]
    path = f"/api/v1/claims/{claim['id']}"
    client.patch(path, headers=bearer(editor),
                 json={"version": claim["version"], "status": "selected"})
    for email, _token in reviewers:
        assert _post(client, f"/claims/{claim['id']}/assignments", editor,
                     json={"reviewer": email}).status_code == 201
    for _email, token in reviewers:  # each cites a source of their own (blind review)
        evidence = _post(client, f"/claims/{claim['id']}/evidence", token, json={
            "url": "https://example.org/report", "stance": "refutes", "title": "Report"}).json
        assert _post(client, f"/claims/{claim['id']}/reviews", token, json={
            "rating": "false", "rationale": "See the report.",
            "evidence": [evidence["id"]]}).status_code == 201
    assert _post(client, f"/claims/{claim['id']}/decision", editor,
                 json={"rating": "false", "summary": "It was 3.9."}).status_code == 201
    assert _post(client, f"/articles/{article['id']}/publish", editor,
                 json={"include_open": True}).status_code == 200
    return {"article_id": article["id"], "claim_id": claim["id"], "slug": article["slug"],
            "reviewer": reviewers[0][0]}


# Random requests per operation. The contract does not depend on the database: the
# PostgreSQL pass draws fewer of them (the same seed, and every boundary value of the
# coverage phase, such as ids too large for an integer column, still goes to PostgreSQL),
# which keeps CI's two passes side by side within its time limit.
FUZZ_EXAMPLES = "10" if TEST_DATABASE_URL.startswith("postgresql") else "25"


@pytest.mark.parametrize(("role", "real_ids"), [(Role.EDITOR, False), (Role.EDITOR, True),
                                                (Role.REVIEWER, True)],
                         ids=["editor-any-ids", "editor-real-ids", "reviewer-real-ids"])
def test_schemathesis_finds_no_server_error_and_no_contract_break(
        client, runner, make_user, server_url, tmp_path, role, real_ids):
    if not SCHEMATHESIS.exists():
        pytest.fail(f"schemathesis is not installed next to {sys.executable}")
    editor = api_token(runner, make_user(Role.EDITOR).email)
    reviewers = [(user.email, api_token(runner, user.email))
                 for user in (make_user(Role.REVIEWER), make_user(Role.REVIEWER))]
    published = _published_check(client, editor, reviewers)
    token = reviewers[0][1] if role == Role.REVIEWER else api_token(
        runner, make_user(Role.EDITOR).email)  # not a reviewer of the claim: may decide
    if real_ids:  # every generated request then aims at objects that exist
        (tmp_path / "schemathesis.toml").write_text("[parameters]\n" + "".join(
            f"{name} = {json.dumps(value)}\n" for name, value in published.items()))
    command = [str(SCHEMATHESIS), "run", f"{server_url}/api/v1/openapi.json",
               "--checks", CHECKS, "--header", f"Authorization: Bearer {token}",
               "--max-examples", os.environ.get("FACTCHECK_FUZZ_EXAMPLES", FUZZ_EXAMPLES),
               "--seed", "20261126", "--generation-database", "none", "--no-color",
               "--phases", "examples,coverage,fuzzing", "--workers", "1"]
    result = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True,
                            timeout=600, check=False)
    shutil.rmtree(tmp_path / ".hypothesis", ignore_errors=True)
    assert result.returncode == 0, result.stdout[-8000:] + result.stderr[-2000:]
