"""The OpenAPI 3.1 document, generated from the registered operations and their schemas."""

from __future__ import annotations

import re
from typing import Any

from flask import request

from ..i18n import _
from .core import OPERATIONS, Operation, json_response, operation
from .schemas import SCHEMAS
from .validation import INT_MAX, ref

_PARAMETER = re.compile(r"<(?:(\w+):)?(\w+)>")
_STATUS_TEXT = {
    200: "OK", 201: "Created", 204: "No Content", 304: "Not Modified",
    400: "Malformed request (not JSON, or a bad query parameter)",
    401: "No valid API token", 403: "The token's user may not do this",
    404: "No such resource", 409: "Conflict with the current state or a newer version",
    410: "Withdrawn", 413: "Request body too large", 415: "Body is not JSON",
    422: "Invalid fields (see error.fields)",
}
_QUERY = {
    "page": {"name": "page", "in": "query", "required": False,
             "schema": {"type": "integer", "minimum": 1, "maximum": 1_000_000}},
    "per_page": {"name": "per_page", "in": "query", "required": False,
                 "schema": {"type": "integer", "minimum": 1, "maximum": 100}},
    "include_imported": {"name": "include_imported", "in": "query", "required": False,
                         "description": "false: only this desk's own verdicts.",
                         "schema": {"type": "boolean"}},
    "limit": {"name": "limit", "in": "query", "required": False,
              "schema": {"type": "integer", "minimum": 1, "maximum": 20}},
    "unread": {"name": "unread", "in": "query", "required": False,
               "description": "1: only unread notifications.",
               "schema": {"type": "integer", "enum": [0, 1]}},
}

_IDEMPOTENCY_KEY = {
    "name": "Idempotency-Key", "in": "header", "required": False,
    "schema": {"type": "string", "minLength": 1, "maxLength": 255,
               "pattern": "^[!-~]([ -~]*[!-~])?$"},
    "description": ("Send the same key again to retry this request safely: a repeat of a "
                    "request that was answered gets the same response again (with the header "
                    "'Idempotent-Replayed: true') and does nothing; the same key with a "
                    "different request is refused (422); a repeat while the first is still "
                    "running answers 409 with Retry-After. Keys belong to the token's user "
                    "and are kept for 24 hours; a request refused with a 4xx keeps nothing."),
}


def openapi_path(rule: str) -> str:
    """A Flask rule such as ``/claims/<int:claim_id>`` as an OpenAPI path template."""
    return _PARAMETER.sub(r"{\2}", rule)


def _path_parameters(rule: str) -> list[dict[str, Any]]:
    parameters = []
    for converter, name in _PARAMETER.findall(rule):
        schema = ({"type": "integer", "minimum": 1, "maximum": INT_MAX} if converter == "int"
                  else {"type": "string", "minLength": 1, "pattern": "^[^/]+$"})
        parameters.append({"name": name, "in": "path", "required": True, "schema": schema})
    return parameters


def _operation(op: Operation) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "operationId": op.endpoint.partition(".")[2], "summary": op.summary,
        "description": op.description,
        "security": [{"bearerAuth": []}] if op.auth else [],
        "responses": {},
    }
    if op.auth:
        doc["x-minimum-role"] = str(op.auth)
    parameters = _path_parameters(op.rule) + [_QUERY[name] for name in op.query]
    if op.method == "POST" and op.auth:
        parameters.append(_IDEMPOTENCY_KEY)
    if parameters:
        doc["parameters"] = parameters
    if op.body:
        doc["requestBody"] = {"required": "required" in SCHEMAS[op.body],
                              "content": {"application/json": {"schema": ref(op.body)}}}
    responses = dict(op.responses)
    if op.method == "POST" and op.auth:  # a bad, reused or busy Idempotency-Key
        responses.update({status: "Error" for status in (400, 409, 422)})
    for status, schema in sorted(responses.items()):
        response: dict[str, Any] = {"description": _STATUS_TEXT.get(status, str(status))}
        if schema is not None:
            response["content"] = {"application/json": {"schema": ref(schema)}}
        doc["responses"][str(status)] = response
    return doc


def document() -> dict[str, Any]:
    """The whole OpenAPI document; the server URL is the one the request came in on."""
    paths: dict[str, dict[str, Any]] = {}
    for op in OPERATIONS:
        paths.setdefault(openapi_path(op.rule), {})[op.method.lower()] = _operation(op)
    return {
        "openapi": "3.1.0",
        "info": {"title": "factcheck API", "version": "1",
                 "description": str(_("Claim-by-claim fact-checking: articles, claims, "
                                      "evidence, blind reviews, decisions and published "
                                      "checks. Private endpoints take a personal API token "
                                      "as 'Authorization: Bearer TOKEN'."))},
        "servers": [{"url": request.url_root.rstrip("/") + "/api/v1"}],
        "paths": paths,
        "components": {
            "schemas": SCHEMAS,
            "securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer",
                                               "description": "A personal API token."}},
        },
    }


@operation("GET", "/openapi.json", summary="This document", auth=None,
           responses={200: "OpenAPI"})
def openapi():
    """The OpenAPI 3.1 description of every endpoint, schema, error and auth scheme."""
    return json_response(document())
