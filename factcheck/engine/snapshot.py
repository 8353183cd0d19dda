"""The frozen snapshot of a published check: its typed shape, stored form and values.

A publication stores `Snapshot.to_json()` (plain JSON, one `"schema"` key naming the
version of this shape); every reader goes through `Snapshot.from_json`. Dates and times
stay ISO 8601 text, exactly as stored, because readers show them as they are.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, is_dataclass
from datetime import UTC, datetime
from typing import Any

from .splitting import short_claim_of

SCHEMA_KEY = "schema"
# Version 1 is the shape publications had before the key existed: a stored snapshot
# without the key is version 1. Change the stored shape only with a new version.
SCHEMA_VERSION = 1


class SnapshotError(ValueError):
    """A stored snapshot this code cannot read (unknown version or damaged data)."""


@dataclass(frozen=True)
class SnapshotRating:
    """The verdict label of a decided claim, with its scale's bounds when ordinal."""

    key: str
    name: str
    value: int | None  # None for a non-ordinal label ("Unverifiable")
    colour: str
    symbol: str
    worst: int | None
    best: int | None
    scale: str | None

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> SnapshotRating:
        """The rating stored as `data`."""
        return cls(key=data["key"], name=data["name"], value=data["value"],
                   colour=data["colour"], symbol=data["symbol"], worst=data["worst"],
                   best=data["best"], scale=data["scale"])


@dataclass(frozen=True)
class SnapshotEvidence:
    """One piece of evidence cited for a claim."""

    url: str
    title: str
    publisher: str
    published_on: str | None  # ISO date
    quote: str
    stance: str
    archive_url: str | None
    # The evidence record, where its preserved copy is found; None in snapshots from
    # before preserved copies (they read and render, without a link to a copy).
    id: int | None = None

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> SnapshotEvidence:
        """The evidence stored as `data`."""
        return cls(url=data["url"], title=data["title"], publisher=data["publisher"],
                   published_on=data["published_on"], quote=data["quote"],
                   stance=data["stance"], archive_url=data["archive_url"],
                   id=data.get("id"))

    def to_json(self) -> dict[str, Any]:
        """As the public API shows it: as stored, without the internal record id."""
        data = _dump(self)
        data.pop("id")
        return data


@dataclass(frozen=True)
class SnapshotClaim:
    """A checked claim: decided (with its verdict, reasoning and evidence) or still open."""

    id: int
    number: int  # 1-based, in the order of the article
    start: int  # character span [start, end) in the article body
    end: int
    quote: str
    text: str
    kind: str
    claimant: str | None
    claim_date: str | None  # ISO date
    decided: bool
    rating: SnapshotRating | None  # None when open, or decided with a conclusion only
    summary: str  # the editor's conclusion (Markdown); "" while open
    decided_at: str | None  # ISO timestamp
    reviewers: int
    agreement: str
    reasoning: tuple[str, ...]
    evidence: tuple[SnapshotEvidence, ...]
    # The claimant's public page and same-as address; None in snapshots from before
    # claimants were records (they still read and render, with the name alone).
    claimant_slug: str | None = None
    claimant_same_as: str | None = None
    # The claim in a few of its own words as the editor left it; "" in snapshots from
    # before summaries (readers then see the engine's proposal, `headline`).
    short_claim: str = ""

    @property
    def headline(self) -> str:
        """What readers see as the claim's heading and ClaimReview's claimReviewed."""
        return self.short_claim or short_claim_of(self.text)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> SnapshotClaim:
        """The claim stored as `data`."""
        rating = data["rating"]
        return cls(
            id=data["id"], number=data["number"], start=data["start"], end=data["end"],
            quote=data["quote"], text=data["text"], kind=data["kind"],
            claimant=data["claimant"], claim_date=data["claim_date"], decided=data["decided"],
            rating=SnapshotRating.from_json(rating) if rating is not None else None,
            summary=data["summary"], decided_at=data["decided_at"],
            reviewers=data["reviewers"], agreement=data["agreement"],
            reasoning=tuple(data["reasoning"]),
            evidence=tuple(SnapshotEvidence.from_json(e) for e in data["evidence"]),
            claimant_slug=data.get("claimant_slug"),
            claimant_same_as=data.get("claimant_same_as"),
            short_claim=data.get("short_claim") or "")


@dataclass(frozen=True)
class SnapshotArticle:
    """The checked article as published."""

    title: str
    slug: str
    body: str
    source_url: str | None
    outlet: str | None
    author: str | None
    published_on: str | None  # ISO date
    language: str | None

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> SnapshotArticle:
        """The article stored as `data`."""
        return cls(title=data["title"], slug=data["slug"], body=data["body"],
                   source_url=data["source_url"], outlet=data["outlet"],
                   author=data["author"], published_on=data["published_on"],
                   language=data["language"])


@dataclass(frozen=True)
class SnapshotCorrection:
    """A public correction of the check, or of one of its claims."""

    note: str
    before: str
    after: str
    claim_id: int | None
    at: str  # ISO timestamp
    claim_number: int | None
    kind: str = "verdict"  # what changed: "verdict", "wording" or "claimant"

    @classmethod
    def from_json(cls, data: dict[str, Any], numbers: dict[int, int]) -> SnapshotCorrection:
        """The correction stored as `data`; `numbers` maps claim ids to claim numbers."""
        # The first publications did not store the number: it follows from the claim id.
        number = data["claim_number"] if "claim_number" in data else numbers.get(data["claim_id"])
        # Before wording and claimant corrections, every correction was of a verdict.
        return cls(note=data["note"], before=data["before"], after=data["after"],
                   claim_id=data["claim_id"], at=data["at"], claim_number=number,
                   kind=data.get("kind", "verdict"))


@dataclass(frozen=True)
class Organisation:
    """The fact-checking organisation as configured when the check was published."""

    name: str
    url: str  # "" means this site
    logo: str = ""  # an image address; "" for none (and in snapshots from before logos)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Organisation:
        """The organisation stored as `data`."""
        return cls(name=data["name"], url=data["url"], logo=data.get("logo") or "")


@dataclass(frozen=True)
class Snapshot:
    """Everything the verdict page, feeds, exports and public API show of a published check."""

    article: SnapshotArticle
    claims: tuple[SnapshotClaim, ...]
    counts: tuple[tuple[str | None, int], ...]  # (verdict name, decided claims), most first
    checked: int  # decided claims
    open: int  # claims still being checked
    candidates: int  # the article's claims, checked or not
    corrections: tuple[SnapshotCorrection, ...]  # oldest first
    organisation: Organisation

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Snapshot:
        """The snapshot stored as `data`, of any version this code reads."""
        if not isinstance(data, dict):
            raise SnapshotError(f"published snapshot is not a JSON object: {type(data).__name__}")
        version = data.get(SCHEMA_KEY, 1)
        if type(version) is not int or version != SCHEMA_VERSION:
            raise SnapshotError(
                f"published snapshot has schema version {version!r}; this version of "
                f"factcheck reads version {SCHEMA_VERSION} only (upgrade factcheck to read it)")
        try:
            claims = tuple(SnapshotClaim.from_json(c) for c in data["claims"])
            numbers = {c.id: c.number for c in claims}
            return cls(
                article=SnapshotArticle.from_json(data["article"]), claims=claims,
                counts=tuple((name, n) for name, n in data["counts"]),
                checked=data["checked"], open=data["open"], candidates=data["candidates"],
                corrections=tuple(SnapshotCorrection.from_json(c, numbers)
                                  for c in data["corrections"]),
                organisation=Organisation.from_json(data["organisation"]))
        except (KeyError, TypeError, ValueError) as error:
            raise SnapshotError(f"published snapshot is damaged: {error!r}") from error

    def to_json(self) -> dict[str, Any]:
        """The stored form: plain JSON data with the schema version."""
        return {SCHEMA_KEY: SCHEMA_VERSION, **_dump(self)}


def _dump(value: Any) -> Any:
    """A snapshot value as JSON data: objects as dicts in field order, tuples as lists."""
    if is_dataclass(value):
        return {f.name: _dump(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, tuple | list):
        return [_dump(item) for item in value]
    return value


def numeric_rating(rating: SnapshotRating | None) -> tuple[int | None, int | None, int | None]:
    """(value, worst, best) of an ordinal verdict; all None for a non-ordinal one
    ("Unverifiable"), which carries only its name, as in the ClaimReview markup."""
    if rating is None or rating.value is None:
        return None, None, None
    return rating.value, rating.worst, rating.best


def parse_time(value: str) -> datetime:
    """A timestamp stored as ISO 8601 text in a snapshot, as an aware UTC datetime."""
    moment = datetime.fromisoformat(value)
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
