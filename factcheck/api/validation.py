"""JSON Schema of the API's bodies: one definition both validates requests and documents them.

The schemas are JSON Schema 2020-12, the dialect of OpenAPI 3.1, and the `jsonschema`
library validates them; `validate` turns its errors into the user-facing messages, which
go through `_`, one per field of the body.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import date
from typing import Any

from jsonschema import Draft202012Validator, FormatChecker, ValidationError, validators

from ..dbtypes import MAX_ID as INT_MAX  # the database's integer range
from ..i18n import _, _l

_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+")
_TYPE_NAMES = {"string": _l("a string"), "integer": _l("a whole number"),
               "number": _l("a number"), "boolean": _l("true or false"), "array": _l("a list"),
               "object": _l("an object"), "null": _l("null")}


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

# Only the formats the API relies on, checked the API's way: the library's own checkers
# depend on which optional packages are installed ("uri" needs rfc3987 or
# rfc3986-validator) and its "email" accepts anything with an "@". Other formats ("uri",
# "date-time") are documentation only.
_FORMATS = FormatChecker(formats=())


@_FORMATS.checks("date")
def _is_date(value: object) -> bool:
    # fromisoformat alone also takes "20240101" and week dates; the API wants YYYY-MM-DD.
    if not isinstance(value, str):
        return True  # formats constrain strings only; `type` refuses the rest
    if not _DATE.fullmatch(value):
        return False
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return True


@_FORMATS.checks("email")
def _is_email(value: object) -> bool:
    return not isinstance(value, str) or bool(_EMAIL.fullmatch(value))


def _storable(text: str) -> bool:
    # NUL and lone surrogates cannot be stored by PostgreSQL (or encoded as UTF-8 at all).
    if "\x00" in text:
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


_DRAFT_TYPE = Draft202012Validator.VALIDATORS["type"]


def _type(validator, types, instance, schema) -> Iterator[ValidationError]:
    # Every string value passes through `type`, so the storability check rides on it
    # rather than on a keyword every string schema (and the published document) would need.
    yield from _DRAFT_TYPE(validator, types, instance, schema) or ()
    if isinstance(instance, str) and not _storable(instance):
        yield ValidationError("contains NUL or a lone surrogate", validator="storable")


_DRAFT_ITEMS = Draft202012Validator.VALIDATORS["items"]


def _items(validator, items, instance, schema) -> Iterator[ValidationError]:
    # A list over `maxItems` is refused by that keyword already; checking each of its items
    # too would let one 4 MB body of two million numbers cost half a minute of CPU.
    if isinstance(instance, list) and len(instance) > schema.get("maxItems", len(instance)):
        return
    yield from _DRAFT_ITEMS(validator, items, instance, schema) or ()


_Validator = validators.extend(
    Draft202012Validator, validators={"type": _type, "items": _items},
    # JSON Schema counts 1.0 as an integer; the handlers and the database want an int.
    type_checker=Draft202012Validator.TYPE_CHECKER.redefine(
        "integer", lambda _checker, value: isinstance(value, int)
        and not isinstance(value, bool)),
)


def _type_message(error: ValidationError) -> str:
    types = error.validator_value
    names = " " + _("or") + " "
    return _("Must be {type}.", type=names.join(
        str(_TYPE_NAMES[t]) for t in (types if isinstance(types, list) else [types])))


def _length_message(error: ValidationError) -> str:
    n = error.validator_value
    if error.validator == "maxLength":
        return _("Must be at most {n} characters.", n=n)
    return _("Must not be empty.") if n == 1 else _("Must be at least {n} characters.", n=n)


def _format_message(error: ValidationError) -> str:
    if error.validator_value == "date":
        return _("Must be a date as YYYY-MM-DD.")
    return _("Must be an email address.")  # the only other format _FORMATS checks


# A value's faults by keyword, in the order they are reported: only a field's first shows.
_MESSAGES: dict[str, Callable[[ValidationError], str]] = {
    "type": _type_message,
    "storable": lambda error: _("Contains characters that cannot be stored."),
    "minLength": _length_message,
    "maxLength": _length_message,
    "enum": lambda error: _("Must be one of: {values}.",
                            values=", ".join(map(str, error.validator_value))),
    "pattern": lambda error: _("Has the wrong form."),
    "format": _format_message,
    "minimum": lambda error: _("Must be a whole number from {minimum} to {maximum}.",
                               minimum=error.schema["minimum"],
                               maximum=error.schema["maximum"]),
    "maxItems": lambda error: _("At most {n} items.", n=error.validator_value),
}
_MESSAGES["maximum"] = _MESSAGES["minimum"]
_RANK = {keyword: rank for rank, keyword in enumerate(["required", "additionalProperties",
                                                        *_MESSAGES])}


def _key_faults(error: ValidationError) -> list[tuple[str, str]]:
    """(name, message) for a `required` or `additionalProperties` error of an object."""
    if error.validator == "required":
        names = [name for name in error.validator_value if name not in error.instance]
    else:  # the schemas use `properties` only, never `patternProperties`
        names = [name for name in error.instance
                 if name not in error.schema.get("properties", {})]
    if not error.path:  # the body's own fields
        return [(name, _("This field is required.") if error.validator == "required"
                 else _("Unknown field.")) for name in names]
    # Deeper, the fault is the top-level field's; the message names the inner one.
    return [(error.path[0], _("Missing the field {name}.", name=name)
             if error.validator == "required"
             else _("Has an unknown field: {name}.", name=name)) for name in names[:1]]


def _faults(error: ValidationError) -> Iterator[tuple[str, tuple, str]]:
    """(top-level field, order, message) for each fault one jsonschema error stands for."""
    # Shallower faults first (a list's length before its items), then by item or property
    # position, then by keyword rank.
    order = (tuple(error.path)[1:], _RANK.get(error.validator, len(_RANK)))
    if error.validator in ("required", "additionalProperties"):
        for field, message in _key_faults(error):
            yield field, order, message
    else:  # a fault of the body as a whole (a keyword on the object itself) goes on ""
        message = _MESSAGES.get(error.validator, lambda _error: _("Has the wrong form."))
        yield (error.path[0] if error.path else ""), order, message(error)


def validate(schema: dict[str, Any], data: Any) -> dict[str, str]:
    """Field name -> message for every field of `data` that breaks `schema` (an object)."""
    if not isinstance(data, dict):
        return {"": _("The body must be a JSON object.")}
    found: dict[str, tuple[tuple, str]] = {}
    for error in _Validator(schema, format_checker=_FORMATS).iter_errors(data):
        for field, order, message in _faults(error):
            if field not in found or order < found[field][0]:  # ties: the library's order
                found[field] = (order, message)
    return {field: message for field, (_order, message) in found.items()}


def parse_date(value: str | None) -> date | None:
    """A validated `format: date` string as a date."""
    return date.fromisoformat(value) if value else None
