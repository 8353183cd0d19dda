"""Claim curation by editors: select, dismiss, reword, split, merge, add, reorder."""

from __future__ import annotations

import re
from datetime import date

from sqlmodel import Session, col, select

from ..dbtypes import utcnow
from ..engine.claimants import resolve_mentions
from ..engine.splitting import SHORT_CLAIM_MAX, classify_span, short_claim_of
from ..i18n import _, ngettext
from ..models import (
    Article,
    Assignment,
    Claim,
    Comment,
    ConflictDeclaration,
    Decision,
    Evidence,
    Review,
    User,
)
from ..queries.claims import sentence_claims
from ..states import ClaimStatus
from .actions import can_change_status, can_curate
from .articles import claim_parts, normalise_text
from .audit import record_audit
from .claim_matches import request_matching
from .claimants import claimant_for_name, clean_name, find_claimant
from .corrections import check_correction_note, word_changes
from .errors import WorkflowError
from .publishing import record_corrections

# Editors triage claims only before review starts; later states belong to the review workflow.


class ClaimConflict(WorkflowError):
    """The claim changed since the editor opened it; `current` is the stored version."""

    def __init__(self, current: Claim):
        super().__init__(
            _("Someone else changed this claim while you were editing it."), code="conflict"
        )
        self.current = current


def _check_version(claim: Claim, expected_version: int | None) -> None:
    if expected_version is not None and claim.version != expected_version:
        raise ClaimConflict(claim)


def _touch(session: Session, claim: Claim) -> None:
    claim.updated_at = utcnow()
    session.add(claim)


def _link_claimant(session: Session, claim: Claim, article: Article, actor: User) -> None:
    """Point a new or reshaped claim at its claimant's record (a short mention resolved
    within the article)."""
    if not claim.claimant:
        claim.claimant_id = None
        return
    name = resolve_mentions([claim.claimant], article.body).get(claim.claimant, claim.claimant)
    record = claimant_for_name(session, name=name, actor=actor)
    claim.claimant = record.name if record else None
    claim.claimant_id = record.id if record else None



def change_claim_status(
    session: Session,
    *,
    claim: Claim,
    status: ClaimStatus,
    actor: User,
    expected_version: int | None = None,
    reason: str = "",
) -> None:
    """Select, dismiss (with a reason) or restore a claim, as the transition table allows."""
    _check_version(claim, expected_version)
    if not can_change_status(claim, status):
        raise WorkflowError(
            _("A claim that is {current} cannot become {target}.", current=claim.status,
              target=status), code="conflict")
    before = claim.status
    claim.status = status
    claim.dismissal_reason = reason.strip() if status == ClaimStatus.DISMISSED else ""
    _touch(session, claim)
    record_audit(session, actor=actor, action="claim.status", obj=claim, before=str(before),
                 after=str(status), reason=claim.dismissal_reason)


def edit_claim(
    session: Session,
    *,
    claim: Claim,
    expected_version: int,
    text: str,
    claimant: str | None,
    claim_date: date | None,
    actor: User,
    correction_note: str = "",
    short_claim: str | None = None,
) -> None:
    """Reword the claim as it will be checked and set who made it and when (the span stays).

    `short_claim` is the editor's summary (None: unchanged; empty: the engine's proposal).
    A summary nobody wrote follows the wording: it is proposed again when the text changes.
    Once readers see the claim, a new wording or claimant needs a correction note: the
    correction is public and dated, and the check is republished with it.
    """
    _check_version(claim, expected_version)
    text = " ".join(text.split())
    if not text:
        raise WorkflowError(_("The claim cannot be empty."), field="text")
    short_claim = _short_claim_for(session, claim, text, short_claim)
    # The claimant is a record: an existing one by its (normalised) name, or a new one.
    existing = find_claimant(session, claimant)
    claimant = (existing.name if existing else clean_name(claimant)) or None
    seen = word_changes(claim, text=text, claimant=claimant)  # by readers, once public
    correcting = check_correction_note(session, claim=claim, changes=seen,
                                       note=correction_note)
    record = existing or claimant_for_name(session, name=claimant, actor=actor)
    changes = {}
    for name, value in (("text", text), ("claimant", claimant), ("claim_date", claim_date),
                        ("claimant_id", record.id if record else None),
                        ("short_claim", short_claim)):
        if getattr(claim, name) != value:
            changes[name] = {"before": str(getattr(claim, name)), "after": str(value)}
            setattr(claim, name, value)
    if "claimant" in changes:
        _forget_claimant_words(session, claim)
    if changes:
        _touch(session, claim)
        record_audit(session, actor=actor, action="claim.edit", obj=claim, changes=changes)
    if "text" in changes:
        request_matching(session, claim=claim)  # earlier checks of the new wording
    if correcting:
        record_corrections(session, claim=claim, editor=actor, note=correction_note,
                           changes=seen)


def _forget_claimant_words(session: Session, claim: Claim) -> None:
    """Drop the claimant's span when the editor named someone the words there do not name
    (a fuller name of the same source keeps it)."""
    if claim.claimant_start is None or claim.claimant_end is None:
        return
    with session.no_autoflush:  # one flush, one new version, for the whole edit
        body = session.get(Article, claim.article_id).body
    words = body[claim.claimant_start:claim.claimant_end]
    named = {w.lower() for w in _WORDS.findall(words)}
    if not claim.claimant or not named & {w.lower() for w in _WORDS.findall(claim.claimant)}:
        claim.claimant_start = claim.claimant_end = None


_WORDS = re.compile(r"\w+")


def _short_claim_for(session: Session, claim: Claim, text: str, short: str | None) -> str:
    """The claim's summary after an edit: the editor's words, or the engine's proposal when
    none were written (or the proposal for the old wording was left as it was)."""
    if short is not None:
        short = " ".join(short.split())
        if len(short) > SHORT_CLAIM_MAX:
            raise WorkflowError(_("The short claim can have at most {n} characters.",
                                  n=SHORT_CLAIM_MAX), field="short_claim")
    language = session.get(Article, claim.article_id).language
    stored, proposed = claim.short_claim, short_claim_of(claim.text, language)
    untouched = short is None or short in (stored, proposed)  # nothing written just now
    if untouched and text != claim.text and stored in ("", proposed):
        return short_claim_of(text, language)
    if short is None:
        return stored or short_claim_of(text, language)
    return short or short_claim_of(text, language)


def _has_work(session: Session, claim: Claim) -> bool:
    """Whether anything hangs on the claim that a split or merge would orphan or delete."""
    for model in (Assignment, Review, Evidence, Comment, Decision, ConflictDeclaration):
        if session.exec(select(model.id).where(model.claim_id == claim.id)).first():
            return True
    return False


def _check_curatable(claim: Claim) -> None:
    if not can_curate(claim):
        raise WorkflowError(
            _("Only candidate, selected or dismissed claims can be split or merged."),
            code="conflict")


def _renumber(session: Session, claims: list[Claim]) -> None:
    """Number the sentence claims `claims` in order; each sub-claim takes its sentence's
    number (it follows it: the order breaks ties by start, then id)."""
    for position, claim in enumerate(claims):
        if claim.position != position:
            claim.position = position
            session.add(claim)
    if not claims:
        return
    positions = {claim.id: claim.position for claim in claims}
    for sub in session.exec(select(Claim).where(Claim.article_id == claims[0].article_id,
                                                col(Claim.parent_id).is_not(None))).all():
        position = positions.get(sub.parent_id)
        if position is not None and sub.position != position:
            sub.position = position
            session.add(sub)


def _check_sentence(claim: Claim) -> None:
    """Sub-claims follow their sentence: they are not split, merged or moved on their own."""
    if claim.parent_id is not None:
        raise WorkflowError(_("A part of a sentence is not split, merged or moved on its "
                              "own; select it, edit its words, or dismiss it."),
                            code="conflict")


def _new_claim(article: Article, start: int, end: int, **fields) -> Claim:
    candidate = classify_span(article.body, start, end, lang=article.language)
    return Claim(
        article_id=article.id, start=candidate.start, end=candidate.end, text=candidate.text,
        kind=candidate.kind, score=round(candidate.score, 4), claimant=candidate.claimant,
        short_claim=candidate.short_claim,
        features={k: round(v, 4) for k, v in candidate.features.items()},
        **claim_parts(candidate), **fields,
    )


def _take_parts(claim: Claim, fresh: Claim) -> None:
    """Give `claim` the parts the engine found in its new span (`fresh`)."""
    for name in _PARTS:
        setattr(claim, name, getattr(fresh, name))


_PARTS = ("claimant_start", "claimant_end", "content_start", "content_end", "content_kind",
          "content_score")


def _word_start(span: str, words: str) -> int:
    """Where `words` begin in `span` at a word boundary, or -1."""
    if not words:
        return -1
    index = span.find(words)
    while index != -1 and index > 0 and span[index - 1].isalnum():
        index = span.find(words, index + 1)
    return index


def split_claim(
    session: Session, *, claim: Claim, before: str, expected_version: int, actor: User
) -> Claim:
    """Split a claim in two where the words `before` begin; returns the second part."""
    _check_version(claim, expected_version)
    _check_sentence(claim)
    _check_curatable(claim)
    if _has_work(session, claim):
        raise WorkflowError(_("A claim with assignments, evidence or reviews cannot be split."),
                            code="conflict")
    article = session.get(Article, claim.article_id)
    span = article.body[claim.start:claim.end]
    offset = _word_start(span, before.strip())
    if offset <= 0 or not span[:offset].strip():
        raise WorkflowError(
            _("Type words that occur inside the claim's text, after its first word."),
            field="before")
    cut = claim.start + offset
    first, second = _new_claim(article, claim.start, cut), _new_claim(article, cut, claim.end)
    claim.start, claim.end, claim.text = first.start, first.end, first.text
    claim.kind, claim.score, claim.features = first.kind, first.score, first.features
    claim.short_claim = first.short_claim
    _take_parts(claim, first)
    _touch(session, claim)
    second.status = claim.status if claim.status != ClaimStatus.DISMISSED else ClaimStatus.CANDIDATE
    second.claimant = second.claimant or claim.claimant
    second.claim_date = claim.claim_date
    _link_claimant(session, second, article, actor)
    claims = sentence_claims(session, article.id)
    second.position = claim.position
    session.add(second)
    claims.insert(claims.index(claim) + 1, second)
    _renumber(session, claims)
    session.flush()
    record_audit(session, actor=actor, action="claim.split", obj=claim, new_claim=second.id)
    for part in (claim, second):  # new wordings: their own earlier checks
        request_matching(session, claim=part)
    return second


def merge_with_next(
    session: Session, *, claim: Claim, expected_version: int, actor: User
) -> Claim:
    """Merge a claim with the one after it into one span covering both."""
    _check_version(claim, expected_version)
    _check_sentence(claim)
    claims = sentence_claims(session, claim.article_id)
    following = sorted((c for c in claims if c.start >= claim.end), key=lambda c: c.start)
    if not following:
        raise WorkflowError(_("No claim follows this one in the text; there is nothing to "
                              "merge it with."), code="conflict")
    other = following[0]
    for item in (claim, other):
        _check_curatable(item)
        if _has_work(session, item):
            raise WorkflowError(
                _("Claims with assignments, evidence or reviews cannot be merged."),
                code="conflict")
    article = session.get(Article, claim.article_id)
    merged = _new_claim(article, min(claim.start, other.start), max(claim.end, other.end))
    claim.start, claim.end, claim.text = merged.start, merged.end, merged.text
    claim.kind, claim.score, claim.features = merged.kind, merged.score, merged.features
    claim.short_claim = merged.short_claim
    _take_parts(claim, merged)
    if not claim.claimant:
        claim.claimant, claim.claimant_id = other.claimant, other.claimant_id
    _touch(session, claim)
    for sub in session.exec(select(Claim).where(Claim.parent_id == other.id)).all():
        sub.parent_id = claim.id  # the merged sentence holds them now
        session.add(sub)
    session.flush()
    session.delete(other)
    claims.remove(other)
    _renumber(session, claims)
    session.flush()
    record_audit(session, actor=actor, action="claim.merge", obj=claim, merged=other.id,
                 merged_text=other.text, merged_status=str(other.status))
    request_matching(session, claim=claim)
    return claim


def add_claim(
    session: Session, *, article: Article, quote: str, occurrence: int = 1, actor: User
) -> Claim:
    """Add a claim anchored to the `occurrence`-th place where `quote` appears in the text."""
    start = _find_occurrence(article.body, quote, occurrence)
    claims = sentence_claims(session, article.id)
    claim = _new_claim(article, start, start + len(normalise_text(quote).strip()),
                       status=ClaimStatus.SELECTED)
    _link_claimant(session, claim, article, actor)
    index = next((i for i, c in enumerate(claims) if c.start > claim.start), len(claims))
    claim.position = index
    session.add(claim)
    claims.insert(index, claim)
    _renumber(session, claims)
    session.flush()
    record_audit(session, actor=actor, action="claim.add", obj=claim)
    request_matching(session, claim=claim)
    return claim


def _find_occurrence(body: str, quote: str, occurrence: int) -> int:
    """Start of the `occurrence`-th place `quote` appears in `body` (a WorkflowError if none)."""
    quote = normalise_text(quote).strip()  # browsers send textarea lines as \r\n
    if not quote:
        raise WorkflowError(_("Paste the exact words of the claim from the article."),
                            field="quote")
    start, found = -1, 0
    while found < occurrence:
        start = body.find(quote, start + 1)
        if start == -1:
            message = (_("These words do not appear in the article text exactly as typed.")
                       if found == 0 else
                       ngettext("These words appear only {n} time in the article.",
                                "These words appear only {n} times in the article.", found))
            raise WorkflowError(message, field="quote")
        found += 1
    return start


def reanchor_claim(
    session: Session, *, claim: Claim, quote: str, occurrence: int, actor: User
) -> None:
    """Point a claim whose text changed under it at its new words; it becomes a candidate."""
    if claim.status != ClaimStatus.NEEDS_REANCHOR:
        raise WorkflowError(_("This claim is anchored already."), code="conflict")
    article = session.get(Article, claim.article_id)
    start = _find_occurrence(article.body, quote, occurrence)
    fresh = _new_claim(article, start, start + len(normalise_text(quote).strip()))
    before = (claim.start, claim.end)
    claim.start, claim.end, claim.text = fresh.start, fresh.end, fresh.text
    claim.kind, claim.score, claim.features = fresh.kind, fresh.score, fresh.features
    claim.short_claim = fresh.short_claim
    _take_parts(claim, fresh)
    claim.status = ClaimStatus.CANDIDATE
    _touch(session, claim)
    record_audit(session, actor=actor, action="claim.reanchor", obj=claim,
                 before=list(before), after=[claim.start, claim.end])


def move_claim(session: Session, *, claim: Claim, offset: int, actor: User) -> None:
    """Move a claim up (offset -1) or down (+1) in the article's order."""
    _check_sentence(claim)
    claims = sentence_claims(session, claim.article_id)
    index = claims.index(claim)
    target = index + offset
    if not 0 <= target < len(claims):
        return
    claims[index], claims[target] = claims[target], claims[index]
    _renumber(session, claims)
    record_audit(session, actor=actor, action="claim.move", obj=claim, position=target)


def select_by_score(
    session: Session, *, article: Article, min_score: float, actor: User
) -> int:
    """Select every candidate claim scoring at least `min_score`; returns how many.

    Sub-claims are not swept in: they overlap their sentence, and an editor picks them one
    by one.
    """
    selected = 0
    for claim in sentence_claims(session, article.id):
        if claim.status == ClaimStatus.CANDIDATE and claim.score >= min_score:
            claim.status = ClaimStatus.SELECTED
            _touch(session, claim)
            selected += 1
    record_audit(session, actor=actor, action="claim.bulk_select", obj=article,
                 min_score=min_score, selected=selected)
    return selected
