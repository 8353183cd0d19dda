"""Reads of claimant records: the editors' list, the names for the claim form, the public
page (published, live checks only)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from sqlalchemy import func
from sqlmodel import Session, col, select

from ..engine.snapshot import SnapshotClaim, SnapshotRating
from ..models import Article, Claim, Claimant, Publication
from ..states import ArticleStatus
from .publications import LiveCheck

LIST_LIMIT = 200
NAMES_LIMIT = 1000


@dataclass(frozen=True)
class ClaimantRow:
    """A claimant on the editors' list, with the number of its claims."""

    claimant: Claimant
    claims: int


def claimant_rows(session: Session, *, search: str = "",
                  limit: int = LIST_LIMIT) -> list[ClaimantRow]:
    """Live (not merged) claimants whose name contains `search`, by name, with claim counts."""
    count = (select(func.count()).select_from(Claim)
             .where(Claim.claimant_id == Claimant.id).scalar_subquery())
    query = (select(Claimant, count).where(col(Claimant.merged_into_id).is_(None))
             .order_by(func.lower(Claimant.name), Claimant.id).limit(limit))
    words = " ".join(search.split())
    if words:
        query = query.where(func.lower(Claimant.name).contains(words.lower(), autoescape=True))
    return [ClaimantRow(claimant, n) for claimant, n in session.exec(query).all()]


def claimant_names(session: Session, *, limit: int = NAMES_LIMIT) -> list[str]:
    """Names of live claimants, for the claim form's list of suggestions."""
    return list(session.exec(select(Claimant.name).where(
        col(Claimant.merged_into_id).is_(None)).order_by(Claimant.name).limit(limit)).all())


def merge_choices(session: Session, claimant: Claimant) -> list[tuple[int, str]]:
    """(id, label) of the other live claimants one could merge `claimant` into."""
    rows = session.exec(select(Claimant.id, Claimant.name, Claimant.description).where(
        col(Claimant.merged_into_id).is_(None), Claimant.id != claimant.id)
        .order_by(Claimant.name).limit(NAMES_LIMIT)).all()
    return [(i, f"{name} ({description})" if description else name)
            for i, name, description in rows]


def resolve_claimant_slug(session: Session, slug: str) -> Claimant | None:
    """The record at `slug`, or None; a merged record's slug gives the kept one."""
    record = session.exec(select(Claimant).where(Claimant.slug == slug)).first()
    seen = set()
    while record is not None and record.merged_into_id is not None and record.id not in seen:
        seen.add(record.id)
        record = session.get(Claimant, record.merged_into_id)
    return record


@dataclass(frozen=True)
class PublicClaim:
    """One published, decided claim of the claimant, as its live check shows it."""

    check_slug: str
    check_title: str
    claim: SnapshotClaim


@dataclass(frozen=True)
class ClaimantPage:
    """The public claimant page: the record and its claims in live checks, newest first."""

    claimant: Claimant
    claims: list[PublicClaim]
    counts: list[tuple[SnapshotRating | None, int]]  # per verdict label, most first

    @property
    def total(self) -> int:
        """Decided claims counted in the distribution."""
        return sum(n for _label, n in self.counts)


def public_claims(session: Session, claimant: Claimant) -> list[PublicClaim]:
    """The claimant's decided claims in live checks: nothing of unpublished work."""
    query = (select(Claim.id, Publication, Article.published_at, Article.last_corrected_at)
             .join(Article, col(Article.id) == Claim.article_id)
             .join(Publication, (col(Publication.article_id) == Article.id)
                   & col(Publication.withdrawn_at).is_(None))
             .where(Claim.claimant_id == claimant.id,
                    Article.status == ArticleStatus.PUBLISHED)
             .order_by(col(Article.published_at).desc(), col(Claim.start)))
    rows = session.exec(query).all()
    checks: dict[int, LiveCheck] = {}
    wanted: dict[int, set[int]] = {}
    for claim_id, publication, first, corrected in rows:
        checks.setdefault(publication.id, LiveCheck(publication, first or publication.published_at,
                                                    corrected or publication.published_at))
        wanted.setdefault(publication.id, set()).add(claim_id)
    found = []
    for publication_id, check in checks.items():
        snapshot = check.snapshot
        for item in snapshot.claims:
            # Only what the live check shows readers as decided.
            if item.id in wanted[publication_id] and item.decided:
                found.append(PublicClaim(snapshot.article.slug, snapshot.article.title, item))
    return found


def claimant_page(session: Session, claimant: Claimant) -> ClaimantPage | None:
    """The public page of `claimant`, or None when none of its claims is published."""
    claims = public_claims(session, claimant)
    if not claims:
        return None
    labels: dict[str | None, SnapshotRating | None] = {}
    counter: Counter = Counter()
    for item in claims:
        rating = item.claim.rating
        key = rating.key if rating else None
        labels.setdefault(key, rating)
        counter[key] += 1
    counts = [(labels[key], n) for key, n in counter.most_common()]
    return ClaimantPage(claimant, claims, counts)


def claimant_page_stamp(session: Session, claimant: Claimant) -> tuple:
    """What the public page depends on: the record's version and its live publications."""
    query = (select(func.count(), func.max(Publication.id), func.max(Article.last_corrected_at))
             .select_from(Claim)
             .join(Article, col(Article.id) == Claim.article_id)
             .join(Publication, (col(Publication.article_id) == Article.id)
                   & col(Publication.withdrawn_at).is_(None))
             .where(Claim.claimant_id == claimant.id,
                    Article.status == ArticleStatus.PUBLISHED))
    return (claimant.id, claimant.version, *session.exec(query).one())

