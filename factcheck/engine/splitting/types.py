"""The value types of the splitting engine: spans into the article text and candidate claims."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Span:
    """A piece of the text: `text == source[start:end]`, end exclusive, no outer whitespace."""

    start: int
    end: int
    text: str


@dataclass(frozen=True, slots=True)
class CandidateClaim:
    """A checkable statement found in the text, with its type, score and the reasons."""

    start: int
    end: int
    text: str
    kind: str  # factual | attributed | demand | opinion | question | prediction
    score: float  # check-worthiness, 0..1
    claimant: str | None = None
    features: dict[str, float] = field(default_factory=dict)
    # The claim's main clause in its own words, at most 140 characters: the proposed
    # summary for ClaimReview's claimReviewed (see `summary.propose_short_claim`).
    short_claim: str = ""
    # Reported speech (attributed, demand): where the source is named in the article text,
    # and the words of this sentence that name it when they are not the name itself (a
    # pronoun, "he", resolved to "Senator Lopez" named earlier: the pronoun's place).
    claimant_span: Span | None = None
    source_span: Span | None = None
    # An attributed claim's second checkable part: what the source said (the quotation or
    # the that-clause, without the reporting frame), its own kind (factual, opinion,
    # prediction, question) and its check-worthiness, which is the claim's score.
    content_span: Span | None = None
    content_kind: str | None = None
    content_score: float | None = None
    # "sentence" for a sentence (or a part of one the engine split off); "atomic" or
    # "presupposed" for a sub-claim, which sits in its sentence's `sub_claims`.
    origin: str = "sentence"
    # The independent checkable statements inside this one (see `atoms`), in text order.
    sub_claims: tuple[CandidateClaim, ...] = ()
