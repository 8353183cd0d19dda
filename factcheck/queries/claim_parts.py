"""The two checkable parts of a claim that reports someone's words, as the editor sees them:
the attribution (that the source said it) and the content (what was said)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..models import Claim
from ..states import ClaimStatus

# Cut off where the frame meets the content: quote marks, spaces, the frame's punctuation.
_AT_CONTENT = " \t\n\"“”\u2018\u2019':,"
ELLIPSIS = "…"


@dataclass(frozen=True)
class ClaimParts:
    """What the board and the claim page show of a claim's attribution and content."""

    # The reporting frame around the content, in pieces: (words, whether they are the
    # claimant's); the content itself stands as one ELLIPSIS piece. Empty without content.
    frame: tuple[tuple[str, bool], ...]
    source_words: str | None  # the article's words at the claimant span
    named_here: bool  # whether those words are in the claim's own sentence
    content: str | None  # the article's words at the content span
    content_kind: str | None
    content_score: float | None

    @property
    def attribution(self) -> bool:
        """Whether there is an attribution to show (a frame or the source's words)."""
        return bool(self.frame or self.source_words)


def _pieces(body: str, lo: int, hi: int, span: tuple[int, int] | None
            ) -> list[tuple[str, bool]]:
    """`body[lo:hi]` in pieces, the part inside `span` marked."""
    if lo >= hi:
        return []
    if not span or span[1] <= lo or span[0] >= hi:
        return [(body[lo:hi], False)]
    start, end = max(lo, span[0]), min(hi, span[1])
    return [piece for piece in ((body[lo:start], False), (body[start:end], True),
                                (body[end:hi], False)) if piece[0]]


def parts_of(claim: Claim, body: str) -> ClaimParts | None:
    """The parts of `claim` in its article text `body`, or None when it has none to show
    (not reported speech, made before parts were stored, or waiting to be anchored)."""
    if claim.status == ClaimStatus.NEEDS_REANCHOR:
        return None
    claimant = None
    if claim.claimant_start is not None and claim.claimant_end is not None:
        claimant = (claim.claimant_start, claim.claimant_end)
    content = None
    if claim.content_start is not None and claim.content_end is not None:
        content = (claim.content_start, claim.content_end)
    if not claimant and not content:
        return None
    named_here = bool(claimant) and claim.start <= claimant[0] and claimant[1] <= claim.end
    frame: list[tuple[str, bool]] = []
    if content:
        before_end, after_start = content[0], content[1]
        while before_end > claim.start and body[before_end - 1] in _AT_CONTENT:
            before_end -= 1
        while after_start < claim.end and body[after_start] in _AT_CONTENT:
            after_start += 1
        before = _pieces(body, claim.start, before_end, claimant)
        after = _pieces(body, after_start, claim.end, claimant)
        frame = _spaced([*before, (ELLIPSIS, False), *after])
    return ClaimParts(
        frame=tuple(frame),
        source_words=" ".join(body[claimant[0]:claimant[1]].split()) if claimant else None,
        named_here=named_here,
        content=body[content[0]:content[1]] if content else None,
        content_kind=claim.content_kind if content else None,
        content_score=claim.content_score if content else None,
    )


def _spaced(frame: list[tuple[str, bool]]) -> list[tuple[str, bool]]:
    """The frame's pieces on one line: runs of spaces as one, none at the ends, one on
    each side of the ellipsis ("X said …", "… X said."; not before punctuation)."""
    pieces = [(_SPACES.sub(" ", text), mark) for text, mark in frame]
    out: list[tuple[str, bool]] = []
    for index, (text, mark) in enumerate(pieces):
        if index == 0 or (out and out[-1][0] == ELLIPSIS):
            text = text.lstrip()
        if index == len(pieces) - 1 or pieces[index + 1][0] == ELLIPSIS:
            text = text.rstrip()
        if not text:
            continue
        if out and ELLIPSIS in (text, out[-1][0]) and text[:1] not in ".,;!?":
            out.append((" ", False))
        out.append((text, mark))
    return out


_SPACES = re.compile(r"\s+")


def parts_by_claim(claims: list[Claim], body: str) -> dict[int, ClaimParts]:
    """The parts of each of `claims` that has some, by claim id."""
    found = {claim.id: parts_of(claim, body) for claim in claims}
    return {claim_id: parts for claim_id, parts in found.items() if parts}
