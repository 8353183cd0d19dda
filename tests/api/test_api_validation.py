"""Request bodies through the API: each rule of a body schema answers 422 with its own
message on the field that breaks it, and only the first fault of a field is reported."""

from __future__ import annotations

import json

import pytest
from jsonschema import Draft202012Validator

from factcheck.api.core import OPERATIONS
from factcheck.api.schemas import SCHEMAS
from factcheck.api.validation import array, integer, obj, string, validate
from factcheck.dbtypes import MAX_ID
from factcheck.states import Role

from ..helpers import api_token, bearer

ARTICLE = {"title": "Jobs", "text": "Unemployment fell to 3.5 percent in October."}
STORE = "Contains characters that cannot be stored."


@pytest.fixture
def send(client, runner, make_user):
    """(method, path, body) -> response, as an editor; {claim} and {article} in the path."""
    token = api_token(runner, make_user(Role.EDITOR).email)
    article = client.post("/api/v1/articles", headers=bearer(token), json=ARTICLE).json
    ids = {"article": article["id"], "claim": article["claims"][0]["id"]}

    def call(method: str, path: str, body):
        # json.dumps keeps lone surrogates as \ud800 escapes, which the test client's
        # own encoder could not send.
        return client.open(f"/api/v1{path.format(**ids)}", method=method,
                           headers=bearer(token), data=json.dumps(body),
                           content_type="application/json")
    return call


def _article(**fields) -> tuple[str, str, dict]:
    return "POST", "/articles", {**ARTICLE, **fields}


def _review(**fields) -> tuple[str, str, dict]:
    return "POST", "/claims/{claim}/reviews", {"rating": "false", "rationale": "r", **fields}


CASES = {
    # (method, path, body), field, message
    "required": (("POST", "/articles", {"text": "x"}), "title", "This field is required."),
    "unknown": (_article(colour="red"), "colour", "Unknown field."),
    "type": (_article(title=7), "title", "Must be a string."),
    "type-nullable": (_article(outlet=7), "outlet", "Must be a string or null."),
    "type-boolean": (("POST", "/articles/{article}/publish", {"include_open": "yes"}),
                     "include_open", "Must be true or false."),
    "type-float-is-no-integer": (("PATCH", "/claims/{claim}", {"version": 1.0}), "version",
                                 "Must be a whole number."),
    "type-bool-is-no-integer": (("PATCH", "/claims/{claim}", {"version": True}), "version",
                                "Must be a whole number."),
    "type-before-enum": (("PATCH", "/claims/{claim}", {"version": 1, "status": 5}),
                         "status", "Must be a string."),
    "empty": (_article(title=""), "title", "Must not be empty."),
    "too-short": (_article(language="e"), "language", "Must be at least 2 characters."),
    "too-long": (_article(title="x" * 301), "title", "Must be at most 300 characters."),
    "enum": (("PATCH", "/claims/{claim}", {"version": 1, "status": "maybe"}), "status",
             "Must be one of: candidate, selected, dismissed."),
    "pattern": (_article(language="not a language"), "language", "Has the wrong form."),
    "date-invalid": (_article(published_on="2026-02-30"), "published_on",
                     "Must be a date as YYYY-MM-DD."),
    "date-basic-format": (_article(published_on="20260102"), "published_on",
                          "Must be a date as YYYY-MM-DD."),
    "email": (("POST", "/claims/{claim}/assignments", {"reviewer": "nobody"}), "reviewer",
              "Must be an email address."),
    "minimum": (("PATCH", "/claims/{claim}", {"version": 0}), "version",
                f"Must be a whole number from 1 to {MAX_ID}."),
    "maximum": (("POST", "/claims/{claim}/decision",
                 {"rating": None, "summary": "s", "version": MAX_ID + 1}), "version",
                f"Must be a whole number from 0 to {MAX_ID}."),
    "array-type": (_review(evidence="1"), "evidence", "Must be a list."),
    "array-max-items": (_review(evidence=[0] * 201), "evidence", "At most 200 items."),
    "array-first-bad-item": (_review(evidence=[1, 0, "x"]), "evidence",
                             f"Must be a whole number from 1 to {MAX_ID}."),
    "nul": (_article(title="a\x00b"), "title", STORE),
    "lone-surrogate": (_article(title="a\ud800b"), "title", STORE),
    "unstorable-before-length": (_article(title="\x00" * 301), "title", STORE),
    "unstorable-before-enum": (("POST", "/claims/{claim}/evidence",
                            {"url": "https://example.org", "stance": "x\x00"}), "stance",
                           STORE),
}


@pytest.mark.parametrize(("request_", "field", "message"), CASES.values(), ids=CASES.keys())
def test_each_rule_has_its_message(send, request_, field, message):
    response = send(*request_)
    assert response.status_code == 422, response.get_data(as_text=True)
    error = response.json["error"]
    assert (error["code"], error["fields"].get(field)) == ("invalid", message), error


def test_every_bad_field_is_reported_once_and_good_ones_not(send):
    response = send(*_article(title="", text=5, url=None, outlet="Daily",
                              published_on="2026-1-2", colour="red", size=1))
    assert response.json["error"]["fields"] == {
        "title": "Must not be empty.", "text": "Must be a string.",
        "published_on": "Must be a date as YYYY-MM-DD.", "colour": "Unknown field.",
        "size": "Unknown field."}


@pytest.mark.parametrize("body", [[1, 2], "text", 3, None])
def test_a_body_that_is_no_object_is_refused_whole(send, body):
    response = send("POST", "/articles", body)
    assert response.status_code == 422
    assert response.json["error"]["fields"] == {"": "The body must be a JSON object."}


def test_a_huge_list_is_refused_by_its_length_without_checking_each_item(send):
    # Checking each of a million items (the library's default) takes many seconds: the
    # validator must stop at the length, so bad items past it yield no error of their own.
    from factcheck.api.schemas import SCHEMAS
    from factcheck.api.validation import _Validator

    response = send(*_review(evidence=[0] * 1_000_000))
    assert response.json["error"]["fields"] == {"evidence": "At most 200 items."}
    errors = list(_Validator(SCHEMAS["ReviewInput"]).iter_errors(
        {"rating": "true", "rationale": "r", "evidence": ["not an id"] * 1_000}))
    assert [error.validator for error in errors] == ["maxItems"]


# --- The validator and the schemas themselves ---------------------------------------------------


def test_the_schemas_are_valid_2020_12_and_request_bodies_self_contained():
    for schema in SCHEMAS.values():
        Draft202012Validator.check_schema(schema)
    # validate() gets a body schema alone, so a $ref in one would not resolve.
    bodies = {op.body for op in OPERATIONS if op.body}
    assert bodies and all("$ref" not in json.dumps(SCHEMAS[name]) for name in bodies)


NESTED = obj({"reviewer": obj({"email": string(format="email")}, ("email",)),
              "items": array(obj({"n": integer()}))})


@pytest.mark.parametrize(("data", "errors"), [
    ({"reviewer": {}}, {"reviewer": "Missing the field email."}),
    ({"reviewer": {"email": "a@b.org", "colour": 1}},
     {"reviewer": "Has an unknown field: colour."}),
    ({"reviewer": {"email": "nobody"}}, {"reviewer": "Must be an email address."}),
    ({"items": [{"n": 1}, {"n": 0}, {"n": "x"}]},
     {"items": f"Must be a whole number from 1 to {MAX_ID}."}),
    ({"items": [{"n": 1, "m": 2}]}, {"items": "Has an unknown field: m."}),
])
def test_faults_inside_nested_objects_are_caught_on_their_top_level_field(data, errors):
    # No request body nests objects yet; the hand-written validator checked only their type.
    assert validate(NESTED, data) == errors


def test_a_fault_of_the_body_as_a_whole_is_reported_not_dropped():
    assert validate({"type": "object", "minProperties": 1}, {}) == {
        "": "Has the wrong form."}
