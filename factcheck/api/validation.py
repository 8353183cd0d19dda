"""JSON Schema of the API's bodies: one definition both validates requests and documents them.

The validator covers the subset of JSON Schema 2020-12 the API uses (objects with
`properties`/`required`/`additionalProperties: false`, strings with length, `enum` and
`format: date|email|uri`, bounded integers, booleans, arrays, `null` in a type list).
Its messages are the user-facing ones, so they go through `_`.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from ..dbtypes import MAX_ID as INT_MAX  # the database's integer range
from ..i18n import _

_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+")
_TYPE_NAMES = {"string": _("a string"), "integer": _("a whole number"),
               "boolean": _("true or false"), "array": _("a list"), "object": _("an object"),
               "null": _("null")}


# --- Building schemas -------------------------------------------------------------------------


def string(min_length: int = 0, max_length: int | None = None, **extra: Any) -> dict[str, Any]:
    """A string schema."""
    schema: dict[str, Any] = {"type": "string", **extra}
    if min_length:
        schema["minLength"] = min_length
    if max_length is not None:
        schema["maxLength"] = max_length
    return schema


def integer(minimum: int = 1, maximum: int = INT_MAX) -> dict[str, Any]:
    """A bounded integer schema (ids and versions by default)."""
    return {"type": "integer", "minimum": minimum, "maximum": maximum}


def nullable(schema: dict[str, Any]) -> dict[str, Any]:
    """`schema` that also accepts null (references, which have no type, through anyOf)."""
    if "$ref" in schema:
        return {"anyOf": [schema, {"type": "null"}]}
    return {**schema, "type": [schema["type"], "null"]}


def enum(values: list[str]) -> dict[str, Any]:
    """A string that is one of `values`."""
    return {"type": "string", "enum": list(values)}


def array(items: dict[str, Any], max_items: int | None = None) -> dict[str, Any]:
    """A list of `items`."""
    schema: dict[str, Any] = {"type": "array", "items": items}
    if max_items is not None:
        schema["maxItems"] = max_items
    return schema


def obj(properties: dict[str, Any], required: tuple[str, ...] = (), *,
        closed: bool = True) -> dict[str, Any]:
    """An object schema; `closed` refuses unknown fields (request bodies)."""
    schema: dict[str, Any] = {"type": "object", "properties": properties}
    if required:
        schema["required"] = list(required)
    if closed:
        schema["additionalProperties"] = False
    return schema


def ref(name: str) -> dict[str, str]:
    """A reference to a component schema of the OpenAPI document."""
    return {"$ref": f"#/components/schemas/{name}"}


# --- Validating ---------------------------------------------------------------------------------


def _type_of(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "object"
    return "number"


def _storable(text: str) -> bool:
    # NUL and lone surrogates cannot be stored by PostgreSQL (or encoded as UTF-8 at all).
    if "\x00" in text:
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _is_date(value: str) -> bool:
    # fromisoformat alone also takes "20240101" and week dates; the API wants YYYY-MM-DD.
    if not _DATE.fullmatch(value):
        return False
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return True


def _string_error(schema: dict[str, Any], value: str) -> str | None:
    if not _storable(value):
        return _("Contains characters that cannot be stored.")
    if len(value) < schema.get("minLength", 0):
        return _("Must not be empty.") if schema["minLength"] == 1 else _(
            "Must be at least {n} characters.", n=schema["minLength"])
    if "maxLength" in schema and len(value) > schema["maxLength"]:
        return _("Must be at most {n} characters.", n=schema["maxLength"])
    if "enum" in schema and value not in schema["enum"]:
        return _("Must be one of: {values}.", values=", ".join(schema["enum"]))
    if "pattern" in schema and not re.search(schema["pattern"], value):
        return _("Has the wrong form.")
    kind = schema.get("format")
    if kind == "date" and not _is_date(value):
        return _("Must be a date as YYYY-MM-DD.")
    if kind == "email" and not _EMAIL.fullmatch(value):
        return _("Must be an email address.")
    return None


def _error(schema: dict[str, Any], value: Any) -> str | None:
    """The message for the first rule `value` breaks, or None (nested objects excluded)."""
    allowed = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
    kind = _type_of(value)
    if kind not in allowed:
        names = " " + _("or") + " "
        return _("Must be {type}.", type=names.join(str(_TYPE_NAMES[t]) for t in allowed))
    if kind == "string":
        return _string_error(schema, value)
    if kind == "integer" and not schema.get("minimum", value) <= value <= schema.get(
            "maximum", value):
        return _("Must be a whole number from {minimum} to {maximum}.",
                 minimum=schema["minimum"], maximum=schema["maximum"])
    if kind == "array":
        if "maxItems" in schema and len(value) > schema["maxItems"]:
            return _("At most {n} items.", n=schema["maxItems"])
        for item in value:
            message = _error(schema["items"], item)
            if message:
                return message
    return None


def validate(schema: dict[str, Any], data: Any) -> dict[str, str]:
    """Field name -> message for every field of `data` that breaks `schema` (an object)."""
    if not isinstance(data, dict):
        return {"": _("The body must be a JSON object.")}
    errors: dict[str, str] = {}
    properties = schema["properties"]
    for name in schema.get("required", []):
        if name not in data:
            errors[name] = _("This field is required.")
    for name, value in data.items():
        if name not in properties:
            errors[name] = _("Unknown field.")
            continue
        message = _error(properties[name], value)
        if message:
            errors[name] = message
    return errors


def parse_date(value: str | None) -> date | None:
    """A validated `format: date` string as a date."""
    return date.fromisoformat(value) if value else None
