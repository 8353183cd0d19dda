"""Claimants as records: found or created by name, linked to claims, edited and merged."""

from __future__ import annotations

import re

from sqlalchemy import update
from sqlmodel import Session, col, select

from ..dbtypes import utcnow
from ..engine.claimants import is_title, name_key, resolve_mentions
from ..engine.slugs import make_slug, with_suffix
from ..i18n import _
from ..models import Article, Claim, Claimant, Publication, User
from ..states import ArticleStatus, ClaimStatus
from .audit import record_audit
from .errors import WorkflowError
from .search_index import reindex_publication

NAME_MAX, DESCRIPTION_MAX, URL_MAX = 200, 300, 2048


class ClaimantConflict(WorkflowError):
    """The record changed since the editor opened it; `current` is the stored version."""

    def __init__(self, current: Claimant):
        super().__init__(_("Someone else changed this claimant while you were editing it."),
                         code="conflict")
        self.current = current


def clean_name(name: str | None) -> str:
    """The name as a record stores it: leading titles dropped, runs of spaces made one;
    any other character is kept exactly as typed."""
    words = re.sub(r"[ \t\r\n]+", " ", name or "").strip(" ").split(" ")
    while len(words) > 1 and is_title(words[0]):
        words = words[1:]
    return " ".join(words)[:NAME_MAX]


def find_claimant(session: Session, name: str | None) -> Claimant | None:
    """The live (not merged) record whose normalised name is `name`'s, if any."""
    key = name_key(name)
    if not key:
        return None
    return session.exec(select(Claimant).where(Claimant.key == key[:NAME_MAX],
                                               col(Claimant.merged_into_id).is_(None))
                        .order_by(Claimant.id)).first()


def _unique_slug(session: Session, name: str) -> str:
    base = make_slug(name, fallback="claimant")
    taken = set(session.exec(select(Claimant.slug).where(
        col(Claimant.slug).startswith(base))).all())
    return with_suffix(base, taken)


def claimant_for_name(session: Session, *, name: str | None,
                      actor: User | None) -> Claimant | None:
    """The record of the claimant called `name`, created when there is none (None: no name)."""
    found = find_claimant(session, name)
    name = clean_name(name)
    if found is not None or not name_key(name):
        return found
    record = Claimant(name=name, key=name_key(name)[:NAME_MAX],
                      slug=_unique_slug(session, name))
    session.add(record)
    session.flush()
    record_audit(session, actor=actor, action="claimant.create", obj=record, name=name)
    return record


def link_article_claimants(session: Session, *, article: Article, actor: User | None) -> int:
    """Give the article's claims without a record theirs, short mentions resolved within the
    article ("Okafor" is the "Helen Okafor" named elsewhere in it); returns claims linked."""
    rows = session.exec(select(Claim.id, Claim.claimant).where(
        Claim.article_id == article.id, col(Claim.claimant).is_not(None),
        col(Claim.claimant_id).is_(None))).all()
    if not rows:
        return 0
    names = resolve_mentions([claimant for _id, claimant in rows], article.body)
    by_record: dict[int, tuple[str, list[int]]] = {}
    for claim_id, mention in rows:
        record = claimant_for_name(session, name=names.get(mention, mention), actor=actor)
        if record is not None:
            by_record.setdefault(record.id, (record.name, []))[1].append(claim_id)
    for record_id, (name, ids) in by_record.items():
        # Core UPDATE: a long article's claims were inserted in bulk, not as objects.
        session.exec(update(Claim).where(col(Claim.id).in_(ids))
                     .values(claimant=name, claimant_id=record_id))
    return sum(len(ids) for _name, ids in by_record.values())


def _check_same_as(same_as: str) -> str | None:
    same_as = same_as.strip()
    if not same_as:
        return None
    if not same_as.lower().startswith(("http://", "https://")) or " " in same_as:
        raise WorkflowError(_("Use an http:// or https:// address."), field="same_as")
    if len(same_as) > URL_MAX:
        raise WorkflowError(_("The address is too long."), field="same_as")
    return same_as


def _rename_unseen_claims(session: Session, record: Claimant) -> None:
    """Claims readers have not seen take the record's name; what readers saw changes only
    through a correction of the claim (its claimant, with a note)."""
    public = select(Article.id).where(Article.status == ArticleStatus.PUBLISHED)
    for claim in session.exec(select(Claim).where(
            Claim.claimant_id == record.id, Claim.status != ClaimStatus.PUBLISHED,
            col(Claim.article_id).not_in(public), Claim.claimant != record.name)).all():
        claim.claimant, claim.updated_at = record.name, utcnow()
        session.add(claim)


def _reindex_live_checks(session: Session, record: Claimant) -> None:
    """Search finds the live checks of the record's claims under its new name at once."""
    query = (select(Publication)
             .join(Article, col(Article.id) == Publication.article_id)
             .where(col(Publication.withdrawn_at).is_(None),
                    Article.status == ArticleStatus.PUBLISHED,
                    col(Article.id).in_(select(Claim.article_id).where(
                        Claim.claimant_id == record.id))))
    for publication in session.exec(query).all():
        reindex_publication(session, publication=publication)


def edit_claimant(session: Session, *, claimant: Claimant, expected_version: int, name: str,
                  description: str, same_as: str, actor: User) -> None:
    """Change a claimant's name, description and same-as address (editors)."""
    if claimant.version != expected_version:
        raise ClaimantConflict(claimant)
    if claimant.merged_into_id is not None:
        raise WorkflowError(_("This claimant was merged into another."), code="conflict")
    name = re.sub(r"[ \t\r\n]+", " ", name).strip(" ")
    if not name_key(name):
        raise WorkflowError(_("The claimant needs a name."), field="name")
    if len(name) > NAME_MAX:
        raise WorkflowError(_("The name is too long."), field="name")
    description = " ".join(description.split())
    if len(description) > DESCRIPTION_MAX:
        raise WorkflowError(_("The description is too long."), field="description")
    same_as_url = _check_same_as(same_as)
    other = find_claimant(session, name)
    if other is not None and other.id != claimant.id:
        raise WorkflowError(_("Another claimant is called {name}: merge the two instead.",
                              name=other.name), field="name")
    changes = {}
    for field, value in (("name", name), ("description", description),
                         ("same_as", same_as_url)):
        if getattr(claimant, field) != value:
            changes[field] = {"before": getattr(claimant, field), "after": value}
            setattr(claimant, field, value)
    if not changes:
        return
    claimant.key, claimant.updated_at = name_key(name)[:NAME_MAX], utcnow()
    session.add(claimant)
    session.flush()
    if "name" in changes:
        _rename_unseen_claims(session, claimant)
        _reindex_live_checks(session, claimant)
    record_audit(session, actor=actor, action="claimant.edit", obj=claimant, changes=changes)


def merge_claimants(session: Session, *, merged: Claimant, kept: Claimant, actor: User) -> int:
    """Merge `merged` into `kept`: its claims move over and its address redirects to
    `kept`'s page; returns the number of claims moved."""
    if merged.id == kept.id:
        raise WorkflowError(_("Choose another claimant to merge with."), field="other")
    if merged.merged_into_id is not None or kept.merged_into_id is not None:
        raise WorkflowError(_("This claimant was merged into another."), code="conflict")
    claims = list(session.exec(select(Claim).where(Claim.claimant_id == merged.id)).all())
    for claim in claims:
        claim.claimant_id = kept.id
        session.add(claim)
    # Addresses of records merged earlier into this one lead straight to the kept one.
    for earlier in session.exec(select(Claimant).where(Claimant.merged_into_id == merged.id)):
        earlier.merged_into_id = kept.id
        session.add(earlier)
    merged.merged_into_id, merged.updated_at = kept.id, utcnow()
    session.add(merged)
    session.flush()
    _rename_unseen_claims(session, kept)
    _reindex_live_checks(session, kept)
    record_audit(session, actor=actor, action="claimant.merge", obj=kept, merged=merged.id,
                 merged_name=merged.name, claims=len(claims))
    return len(claims)
