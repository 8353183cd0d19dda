"""Reading ClaimReview feeds as a stream: one record at a time, never the whole document.

A feed is a JSON or JSON-LD document holding one ClaimReview, a list of them, an `@graph`,
or a schema.org DataFeed (`{"@type": "DataFeed", "dataFeedElement": [{"item": [...]}]}`),
nested in any mix of these. The document is read with ijson's event parser; only one
record (one element of a list, `@graph` or `dataFeedElement`/`item`) is built in memory at
a time, so a feed of any length reads in bounded memory.

`read_feed` yields `FeedRecord`s: the position of each candidate record (1, 2, ... in
document order) with either the fields kept for matching or the reason it was skipped.
A document that is not JSON at all raises `FeedError`; JSON that breaks off part-way
yields what came before and then raises `FeedError`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import IO, Any
from urllib.parse import urlsplit

import ijson

from ..i18n import _

# Keys whose value holds further records rather than a field of the record around them.
_CONTAINERS = frozenset({"@graph", "dataFeedElement", "item"})
MAX_URL = 2048
# A language tag (BCP 47's shape: "en", "fa-AF", "zh-Hant-TW"); anything else is dropped,
# as it becomes a page's `lang` attribute.
_LANGUAGE_TAG = re.compile(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8}){0,4}")
# Lists and containers a record may sit in (a DataFeed is 3 deep); deeper is refused with
# a reason instead of exhausting Python's stack (a RecursionError lost the batch read).
MAX_NESTING = 32


class FeedError(Exception):
    """The document cannot be read as JSON; the message is for the user."""


@dataclass(frozen=True)
class ClaimReviewRecord:
    """What an imported check keeps of a ClaimReview."""

    url: str
    claim_reviewed: str
    headline: str
    rating: str
    rating_value: float | None
    rating_best: float | None
    rating_worst: float | None
    publisher: str
    published: date | None
    claimant: str
    language: str


@dataclass(frozen=True)
class FeedRecord:
    """One candidate record: `record` when it is a usable ClaimReview, else `reason`."""

    position: int
    record: ClaimReviewRecord | None = None
    reason: str = ""


def _types(value: Any) -> list[str]:
    found = value if isinstance(value, list) else [value]
    return [t.rsplit("/", 1)[-1].rsplit(":", 1)[-1] for t in found if isinstance(t, str)]


def _text(value: Any) -> str:
    """A text field, or the name of a Thing (author, inLanguage), or the first of a list."""
    if isinstance(value, list):
        value = next((v for v in value if v), None)
    if isinstance(value, dict):
        value = value.get("name") or value.get("alternateName") or ""
    if isinstance(value, str):
        return " ".join(value.split())
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return ""


def _number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value.strip())
        except ValueError:
            return None
    return None


def _date(value: Any) -> date | None:
    text = _text(value)
    try:
        return date.fromisoformat(text[:10]) if len(text) >= 10 else None
    except ValueError:
        return None


def claim_review_record(data: Any) -> ClaimReviewRecord:
    """The fields kept of one ClaimReview object; ValueError (the reason) when unusable."""
    if not isinstance(data, dict):
        raise ValueError(_("not a JSON object"))
    types = _types(data.get("@type"))
    if "ClaimReview" not in types:
        raise ValueError(_("not a ClaimReview (@type {type})",
                           type=", ".join(types) or "-"))
    url = _text(data.get("url"))
    if not url:
        raise ValueError(_("no url"))
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc or len(url) > MAX_URL:
        raise ValueError(_("the url is not an http(s) address"))
    # Scheme and host are case-insensitive: "HTTPS://Example.org/a" is the same check
    # (imports are idempotent on the url); the path is not.
    # Rebuilt by hand, not by urlunsplit, which drops an empty "?" or "#".
    user, at, host = parts.netloc.rpartition("@")
    url = f"{parts.scheme}://{user}{at}{host.lower()}{url.partition('://')[2][len(parts.netloc):]}"
    claim = _text(data.get("claimReviewed"))
    if not claim:
        raise ValueError(_("no claimReviewed"))
    rating = data.get("reviewRating")
    rating = rating[0] if isinstance(rating, list) and rating else rating
    rating = rating if isinstance(rating, dict) else {}
    item = data.get("itemReviewed")
    item = item if isinstance(item, dict) else {}
    return ClaimReviewRecord(
        url=url, claim_reviewed=claim,
        headline=_text(data.get("headline")) or _text(data.get("name")),
        rating=_text(rating.get("alternateName")),
        rating_value=_number(rating.get("ratingValue")),
        rating_best=_number(rating.get("bestRating")),
        rating_worst=_number(rating.get("worstRating")),
        publisher=_text(data.get("author")), published=_date(data.get("datePublished")),
        claimant=_text(item.get("author")), language=_language(data.get("inLanguage")),
    )


def _language(value: Any) -> str:
    if isinstance(value, dict):  # a Language: its code, not its name ("en", not "English")
        value = value.get("alternateName") or value.get("name")
    tag = _text(value).replace("_", "-")  # "en_US", as some tools write it, is "en-US"
    return tag if len(tag) <= 35 and _LANGUAGE_TAG.fullmatch(tag) else ""


class _Walker:
    """Walks ijson's events, building one record at a time and numbering them."""

    def __init__(self, events: Iterator[tuple[str, Any]]):
        self.events = events
        self.position = 0
        self.found = False  # at least one object claimed to be a ClaimReview

    def _value(self, event: str, value: Any) -> Any:
        """The whole value starting with (event, value): only ever a record's field."""
        builder = ijson.ObjectBuilder()
        builder.event(event, value)
        depth = 1 if event in ("start_map", "start_array") else 0
        while depth:
            event, value = next(self.events)
            builder.event(event, value)
            if event in ("start_map", "start_array"):
                depth += 1
            elif event in ("end_map", "end_array"):
                depth -= 1
        return builder.value

    def records(self, event: str, value: Any, depth: int = 0) -> Iterator[FeedRecord]:
        """The records in the value starting with (event, value): a list or an object."""
        if depth > MAX_NESTING and event in ("start_array", "start_map"):
            if not self.position:
                raise FeedError(_("Lists and containers are nested more than {limit} deep: "
                                  "that is not a ClaimReview feed.", limit=MAX_NESTING))
            raise FeedError(_("Lists and containers are nested more than {limit} deep after "
                              "record {n}: that is not a ClaimReview feed.",
                              limit=MAX_NESTING, n=self.position))
        if event == "start_array":
            while True:
                event, value = next(self.events)
                if event == "end_array":
                    return
                yield from self.records(event, value, depth + 1)
        elif event == "start_map":
            yield from self._object(depth)
        else:  # a scalar where a record was expected
            self.position += 1
            yield FeedRecord(self.position, reason=_("not a JSON object"))

    def _object(self, depth: int) -> Iterator[FeedRecord]:
        fields: dict[str, Any] = {}
        held_records = False
        while True:
            event, value = next(self.events)
            if event == "end_map":
                break
            key = value
            event, value = next(self.events)
            if key in _CONTAINERS and event in ("start_map", "start_array"):
                held_records = True
                yield from self.records(event, value, depth + 1)
            else:
                fields[key] = self._value(event, value)
        if held_records and "ClaimReview" not in _types(fields.get("@type")):
            return  # a DataFeed, a DataFeedItem or a graph: only a container
        self.position += 1
        if "ClaimReview" in _types(fields.get("@type")):
            self.found = True
        try:
            yield FeedRecord(self.position, record=claim_review_record(fields))
        except ValueError as error:
            yield FeedRecord(self.position, reason=str(error))


def read_feed(stream: IO[bytes]) -> Iterator[FeedRecord]:
    """The candidate records of the feed in `stream`, in document order (see module doc).

    Raises FeedError when the document is not JSON, breaks off, or holds no ClaimReview.
    """
    seen = _SeenText(stream)
    walker = _Walker(iter(ijson.basic_parse(seen, use_float=True)))
    ended = False  # the document's value was read to its end
    try:
        try:
            event, value = next(walker.events)
        except StopIteration:
            raise FeedError(_("The file is empty: expected a JSON document.")) from None
        yield from walker.records(event, value)
        ended = True
        for _extra in walker.events:  # anything after the document is an error too
            break
    except ijson.JSONError as error:
        if not seen.any_text:
            raise FeedError(_("The file is empty: expected a JSON document.")) from None
        if ended:
            raise FeedError(_("The JSON document ends after record {n}, but more text "
                              "follows it ({reason}).", n=walker.position,
                              reason=_short(error))) from None
        if walker.position == 0:
            raise FeedError(_("The file is not JSON ({reason}).",
                              reason=_short(error))) from None
        raise FeedError(_("The JSON breaks off after record {n} ({reason}).",
                          n=walker.position, reason=_short(error))) from None
    if not walker.found:
        raise FeedError(_("The document holds no ClaimReview."))


class _SeenText:
    """A binary stream that remembers whether anything but white space was read."""

    def __init__(self, stream: IO[bytes]) -> None:
        self.stream, self.any_text = stream, False

    def read(self, size: int = -1) -> bytes:
        """Read as the stream does."""
        chunk = self.stream.read(size)
        if not self.any_text and chunk.strip():
            self.any_text = True
        return chunk


def _short(error: Exception) -> str:
    # The C parser's messages are bytes; shown as text, not as a Python literal.
    first = error.args[0] if error.args else ""
    message = first.decode("utf-8", "replace") if isinstance(first, bytes) else str(error)
    text = message.split("(right here)")[0].splitlines()[0] if message else ""
    text = " ".join(text.split())
    return text[:120] or type(error).__name__
