"""The editor's claim board: the article, a page of its claims in order, and what the board
shows of each; counts and summaries always cover the whole article."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, case, func, or_
from sqlmodel import Session, col, select

from ..engine.highlight import segments
from ..engine.splitting import CHECKWORTHY_THRESHOLD
from ..engine.splitting.atoms import PRESUPPOSED, trigger_before
from ..models import Article, Claim, ConflictDeclaration, User
from ..states import ClaimStatus
from .agreement import ArticleAgreement, article_agreement
from .claim_parts import ClaimParts, parts_by_claim
from .claims import CLAIM_ORDER, sub_claims_of
from .desk import COUNTED, article_conflicts, claim_assignments
from .paging import Page, last_page

# Claims per board page. A normal article (a few dozen claims) stays on one page; the
# 12,000 claims of a 1 MB article, all on one page, made 44 MB of HTML in about 4 s.
BOARD_PER_PAGE = 200


@dataclass(frozen=True)
class Mark:
    """A claim highlighted in the text shown, and where its card is on the board."""

    id: int
    status: ClaimStatus
    start: int  # in the text shown (the window), not in the whole article
    end: int
    number: int  # 1-based place in the whole article's list of claims
    page: int  # the board page that lists it


@dataclass(frozen=True)
class ClaimCounts:
    """How many claims the whole article has, by status, read in one aggregate query."""

    total: int  # sentence claims: the numbered list the board pages through
    by_status: dict[ClaimStatus, int]  # sentences, and sub-claims an editor took up
    worthy_candidates: int  # candidate sentences scoring at least the threshold
    proposed_parts: int = 0  # sub-claims still candidates (shown inside their sentence)


@dataclass(frozen=True)
class SubClaim:
    """A sub-claim as its sentence's card shows it: the sentence with its span marked."""

    claim: Claim
    before: str  # the sentence's words before the span, the span, and after it
    marked: str
    after: str
    presupposed: bool
    trigger: str  # the verb that presupposes it ("condemned"), or ""
    claimant: str | None  # whose sentence it is part of


@dataclass(frozen=True)
class BoardPage:
    """Everything one page of the claim board shows, read in a fixed number of queries."""

    article: Article
    claims: Page[Claim]  # this page's claims; `claims.total` counts the whole article
    segments: tuple[Any, ...]  # the text shown, cut at claim boundaries (claim: a Mark)
    window: tuple[int, int]  # the characters of the article text shown [start, end)
    counts: ClaimCounts
    threshold: float  # the score from which a candidate counts as worth checking
    assignments: dict[int, list[tuple]]  # claim id -> (assignment, reviewer, review)
    agreement: ArticleAgreement
    conflicts: tuple[tuple[ConflictDeclaration, User], ...]
    parts: dict[int, ClaimParts]  # claim id -> its attribution and content, when it has them
    sub_claims: dict[int, list[SubClaim]]  # a sentence claim's id -> its sub-claims

    @property
    def paged(self) -> bool:
        """Whether the claims take more than one page."""
        return (self.claims.pages or 1) > 1

    @property
    def whole_text(self) -> bool:
        """Whether the whole article text is shown (always on a one-page board)."""
        return self.window == (0, len(self.article.body))


def claim_counts(session: Session, article_id: int,
                 threshold: float = CHECKWORTHY_THRESHOLD) -> ClaimCounts:
    """The article's claims counted by status, and its candidates at or above `threshold`."""
    sentence = col(Claim.parent_id).is_(None)
    worthy = func.sum(case((and_(col(Claim.score) >= threshold, sentence), 1), else_=0))
    sentences = func.sum(case((sentence, 1), else_=0))
    rows = session.exec(select(Claim.status, func.count(), worthy, sentences)
                        .where(Claim.article_id == article_id, COUNTED)
                        .group_by(Claim.status)).all()
    by_status = {ClaimStatus(status): n for status, n, _worthy, _sentences in rows}
    worthy_candidates = next((int(w or 0) for status, _n, w, _s in rows
                              if status == ClaimStatus.CANDIDATE), 0)
    proposed = session.exec(select(func.count()).select_from(Claim).where(
        Claim.article_id == article_id, col(Claim.parent_id).is_not(None),
        Claim.status == ClaimStatus.CANDIDATE)).one()
    return ClaimCounts(total=sum(int(s or 0) for _status, _n, _w, s in rows),
                       by_status={s: by_status[s] for s in ClaimStatus if s in by_status},
                       worthy_candidates=worthy_candidates, proposed_parts=proposed)


def claim_board_page(session: Session, claim: Claim, per_page: int = BOARD_PER_PAGE) -> int:
    """The board page that lists `claim` (one count of the claims before it); a sub-claim
    is listed under its sentence."""
    if claim.parent_id is not None:
        parent = session.get(Claim, claim.parent_id)
        if parent is not None:
            claim = parent
    before = session.exec(
        select(func.count()).select_from(Claim).where(
            Claim.article_id == claim.article_id, col(Claim.parent_id).is_(None),
            or_(col(Claim.position) < claim.position,
                and_(Claim.position == claim.position,
                     or_(col(Claim.start) < claim.start,
                         and_(Claim.start == claim.start, col(Claim.id) < claim.id)))))
    ).one()
    return before // per_page + 1


def _window(session: Session, article: Article, claims: Page[Claim]) -> tuple[int, int]:
    """The part of the text this page shows: from the start of its first claim in the
    text (the beginning of the article on page 1) to the start of the first claim after
    its last one in the text (the end of the article on the last page).

    Every character lies in the window of the page that lists the claim before it, so the
    whole text is on some page; with claims in text order the windows follow each other
    without overlap.
    """
    size = len(article.body)
    spans = [(c.start, c.end) for c in claims.items if c.status != ClaimStatus.NEEDS_REANCHOR]
    if claims.number > 1 and not spans:
        return 0, 0  # only claims to anchor again: no place in the text
    low = 0 if claims.number == 1 else min(start for start, _end in spans)
    if not claims.has_next:
        return low, size
    last_end = max((end for _start, end in spans), default=0)
    following = session.exec(
        select(func.min(Claim.start)).where(
            Claim.article_id == article.id, Claim.status != ClaimStatus.NEEDS_REANCHOR,
            col(Claim.parent_id).is_(None), col(Claim.start) >= last_end)).one()
    return low, min(size, max(low, following if following is not None else size))


def _marks(session: Session, article: Article, claims: Page[Claim],
           window: tuple[int, int]) -> list[Mark]:
    """The anchored claims starting in the window, with their numbers and pages."""
    low, high = window
    skip = (claims.number - 1) * claims.per_page
    numbers = {c.id: n for n, c in enumerate(claims.items, start=skip + 1)}
    if claims.number == 1 and not claims.has_next:  # one page: every claim is on it
        found = [(c.id, c.status, c.start, c.end) for c in claims.items]
    else:
        found = session.exec(
            select(Claim.id, Claim.status, Claim.start, Claim.end)
            .where(Claim.article_id == article.id, col(Claim.parent_id).is_(None),
                   col(Claim.start) >= low, col(Claim.start) < high)
            .order_by(col(Claim.start))).all()
    found = [row for row in found if row[1] != ClaimStatus.NEEDS_REANCHOR]
    others = [row[0] for row in found if row[0] not in numbers]
    if others:
        # Claims moved in the list start in this page's text but are listed elsewhere:
        # their places, computed in SQL without reading the claims themselves.
        ranked = (select(Claim.id, func.row_number().over(order_by=CLAIM_ORDER)
                         .label("number"))
                  .where(Claim.article_id == article.id, col(Claim.parent_id).is_(None))
                  .subquery())
        numbers.update(session.exec(select(ranked.c.id, ranked.c.number)
                                    .where(ranked.c.id.in_(others))).all())
    return [Mark(id=id_, status=ClaimStatus(status), start=s - low, end=e - low,
                 number=numbers[id_], page=(numbers[id_] - 1) // claims.per_page + 1)
            for id_, status, s, e in found]


def board_page(session: Session, article: Article, *, page: int = 1,
               per_page: int = BOARD_PER_PAGE,
               threshold: float = CHECKWORTHY_THRESHOLD) -> BoardPage:
    """Page `page` of the claim board of `article` (a page past the end gives the last)."""
    counts = claim_counts(session, article.id, threshold)
    number = last_page(counts.total, page, per_page)
    items = []
    if counts.total:
        items = list(session.exec(
            select(Claim).where(Claim.article_id == article.id,
                                col(Claim.parent_id).is_(None)).order_by(*CLAIM_ORDER)
            .limit(per_page).offset((number - 1) * per_page)).all())
    claims = Page(items=items, number=number, per_page=per_page, total=counts.total)
    window = _window(session, article, claims)
    marks = _marks(session, article, claims, window)
    # A claim starting near the window's end may run past it: show it whole.
    shown_end = max([window[1], *(window[0] + m.end for m in marks)])
    shown_end = min(shown_end, len(article.body))
    window = (window[0], shown_end)
    subs = _sub_claims(session, items)
    return BoardPage(
        article=article,
        claims=claims,
        segments=tuple(segments(article.body[window[0]:window[1]], marks)),
        window=window,
        counts=counts,
        threshold=threshold,
        assignments=claim_assignments(session, [c.id for c in items]
                                      + [v.claim.id for vs in subs.values() for v in vs]),
        agreement=article_agreement(session, article.id),
        conflicts=tuple(article_conflicts(session, article.id)),
        parts=parts_by_claim(items, article.body),
        sub_claims=subs,
    )


def _sub_claims(session: Session, claims: list[Claim]) -> dict[int, list[SubClaim]]:
    """The sub-claims of this page's sentences, each with its place in the sentence."""
    by_id = {claim.id: claim for claim in claims}
    found: dict[int, list[SubClaim]] = {}
    for parent_id, subs in sub_claims_of(session, list(by_id)).items():
        parent = by_id[parent_id]
        views = []
        for sub in subs:
            # Where the sub-claim sits in its sentence (its words if the text moved).
            offset = sub.start - parent.start
            if not (offset >= 0 and offset + len(sub.text) <= len(parent.text)
                    and parent.text[offset:offset + len(sub.text)] == sub.text):
                offset = parent.text.find(sub.text)
            if offset < 0:
                before, marked, after = "", sub.text, ""
            else:
                end = offset + len(sub.text)
                before, marked, after = (parent.text[:offset], parent.text[offset:end],
                                         parent.text[end:])
            presupposed = sub.origin == PRESUPPOSED
            views.append(SubClaim(
                claim=sub, before=before, marked=marked, after=after, presupposed=presupposed,
                trigger=trigger_before(parent.text, offset) if presupposed and offset >= 0
                else "", claimant=sub.claimant or parent.claimant))
        found[parent_id] = views
    return found
