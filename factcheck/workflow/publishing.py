"""Publishing a check: a frozen snapshot readers see, unpublishing and republishing."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import func
from sqlmodel import Session, col, select

from ..dbtypes import utcnow
from ..engine.aggregate import consensus
from ..engine.snapshot import (
    Organisation,
    Snapshot,
    SnapshotArticle,
    SnapshotClaim,
    SnapshotCorrection,
    SnapshotEvidence,
    SnapshotRating,
)
from ..engine.splitting import short_claim_of
from ..i18n import _, ngettext
from ..models import (
    Article,
    Claim,
    Claimant,
    Correction,
    Decision,
    Evidence,
    Publication,
    RatingLabel,
    RatingScale,
    Review,
    User,
)
from ..queries.reviews import is_recused_from_article
from ..queries.settings import get_setting
from ..states import (
    IN_PROGRESS,
    PUBLISHABLE,
    ArticleStatus,
    ClaimStatus,
    CorrectionKind,
    NotificationKind,
    ReviewStatus,
    Role,
    WebhookEvent,
)
from .audit import record_audit
from .errors import WorkflowError
from .notifications import notify_correction, notify_reviewers
from .search_index import reindex_publication, remove_article
from .webhooks import emit

# Claims the editor chose to check; the others (candidates, dismissed) are not published.
_CHECKED = (ClaimStatus.SELECTED, ClaimStatus.IN_REVIEW, ClaimStatus.REVIEWED,
            ClaimStatus.DECIDED, ClaimStatus.PUBLISHED)


def _label_data(label: RatingLabel | None, scale: RatingScale | None,
                bounds: dict[int, tuple[int, int]]) -> SnapshotRating | None:
    if label is None:
        return None
    worst, best = bounds.get(label.scale_id, (None, None))
    return SnapshotRating(key=label.key, name=label.name, value=label.value,
                          colour=label.colour, symbol=label.symbol, worst=worst, best=best,
                          scale=scale.name if scale else None)


def _evidence(item: Evidence) -> SnapshotEvidence:
    return SnapshotEvidence(
        url=item.url, title=item.title, publisher=item.publisher,
        published_on=item.published_on.isoformat() if item.published_on else None,
        quote=item.quote, stance=str(item.stance), archive_url=item.archive_url, id=item.id)


def _claimant_fields(record: Claimant | None) -> dict[str, str | None]:
    if record is None:
        return {}
    return {"claimant_slug": record.slug, "claimant_same_as": record.same_as}


def build_snapshot(session: Session, article: Article) -> Snapshot:
    """Everything the verdict page shows, frozen (a fixed number of queries)."""
    claims = list(session.exec(select(Claim).where(
        Claim.article_id == article.id, col(Claim.status).in_(_CHECKED))
        .order_by(col(Claim.start))).all())
    ids = [c.id for c in claims]
    decisions = {d.claim_id: d for d in session.exec(
        select(Decision).where(col(Decision.claim_id).in_(ids))).all()}
    reviews = list(session.exec(select(Review).where(
        col(Review.claim_id).in_(ids), Review.status == ReviewStatus.SUBMITTED)).all())
    evidence = list(session.exec(select(Evidence).where(col(Evidence.claim_id).in_(ids),
                                                        col(Evidence.removed_at).is_(None))
                                 .order_by(Evidence.id)).all())
    claimants = {c.id: c for c in session.exec(select(Claimant).where(col(Claimant.id).in_(
        {c.claimant_id for c in claims if c.claimant_id}))).all()}
    labels = {lab.id: lab for lab in session.exec(select(RatingLabel)).all()}
    scales = {s.id: s for s in session.exec(select(RatingScale)).all()}
    bounds: dict[int, tuple[int, int]] = {}
    for lab in labels.values():
        if lab.value is not None:
            low, high = bounds.get(lab.scale_id, (lab.value, lab.value))
            bounds[lab.scale_id] = (min(low, lab.value), max(high, lab.value))
    corrections = list(session.exec(select(Correction).where(
        Correction.article_id == article.id)
        .order_by(col(Correction.created_at), col(Correction.id))).all())
    items = []
    for number, claim in enumerate(claims, start=1):
        decision = decisions.get(claim.id)
        label = labels.get(decision.rating_id) if decision and decision.rating_id else None
        claim_reviews = [r for r in reviews if r.claim_id == claim.id]
        agreement = consensus([r.rating_id for r in claim_reviews])
        items.append(SnapshotClaim(
            id=claim.id, number=number, start=claim.start, end=claim.end,
            quote=article.body[claim.start:claim.end], text=claim.text,
            kind=str(claim.kind), claimant=claim.claimant,
            short_claim=claim.short_claim or short_claim_of(claim.text, article.language),
            claim_date=claim.claim_date.isoformat() if claim.claim_date else None,
            decided=decision is not None,
            rating=_label_data(label, scales.get(label.scale_id) if label else None, bounds),
            summary=decision.summary if decision else "",
            decided_at=decision.decided_at.isoformat() if decision else None,
            reviewers=len(claim_reviews), agreement=agreement.kind,
            # The editor's published reasoning; reviewers' rationales stay internal.
            reasoning=(decision.public_reasoning,) if decision and decision.public_reasoning
            else (),
            evidence=tuple(_evidence(e) for e in evidence if e.claim_id == claim.id),
            **_claimant_fields(claimants.get(claim.claimant_id)),
        ))
    counts = Counter(i.rating.name if i.rating else None for i in items if i.decided)
    total_claims = session.exec(select(func.count()).select_from(Claim).where(
        Claim.article_id == article.id, Claim.status != ClaimStatus.NEEDS_REANCHOR)).one()
    numbers = {i.id: i.number for i in items}
    return Snapshot(
        article=SnapshotArticle(
            title=article.title, slug=article.slug, body=article.body,
            source_url=article.source_url, outlet=article.outlet, author=article.author,
            published_on=article.published_on.isoformat() if article.published_on else None,
            language=article.language),
        claims=tuple(items),
        counts=tuple(counts.most_common()),
        checked=sum(1 for i in items if i.decided),
        open=sum(1 for i in items if not i.decided),
        candidates=total_claims,
        corrections=tuple(SnapshotCorrection(
            note=c.note, before=c.before, after=c.after, claim_id=c.claim_id,
            at=c.created_at.isoformat(), claim_number=numbers.get(c.claim_id),
            kind=str(c.kind))
            for c in corrections),
        organisation=Organisation(name=get_setting(session, "org_name"),
                                  url=get_setting(session, "org_url"),
                                  logo=get_setting(session, "org_logo_url")),
    )


# session.info key: slugs of the checks whose public pages this transaction changed
# (db.after_commit hooks act on it once it commits, e.g. the verdict page cache).
CHANGED_CHECKS = "changed_checks"


def _changed(session: Session, article: Article) -> None:
    session.info.setdefault(CHANGED_CHECKS, set()).add(article.slug)


@dataclass(frozen=True)
class Change:
    """One thing a correction changed on a published claim, as readers saw it and now see it."""

    kind: CorrectionKind
    before: str
    after: str


def record_correction(session: Session, *, claim: Claim, editor: User, note: str, before: str,
                      after: str) -> Correction:
    """A public, dated correction of a published verdict; the check is republished with it."""
    return record_corrections(session, claim=claim, editor=editor, note=note,
                              changes=[Change(CorrectionKind.VERDICT, before, after)])[0]


def record_corrections(session: Session, *, claim: Claim, editor: User, note: str,
                       changes: Sequence[Change]) -> list[Correction]:
    """Public, dated corrections of a published claim (one per change, one note); the check
    is republished once with all of them."""
    now = utcnow()
    corrections = [Correction(article_id=claim.article_id, claim_id=claim.id, kind=change.kind,
                              note=note.strip(), before=change.before, after=change.after,
                              created_by_id=editor.id, created_at=now) for change in changes]
    session.add_all(corrections)
    article = session.get(Article, claim.article_id)
    article.last_corrected_at = now
    session.add(article)
    session.flush()
    _changed(session, article)
    for correction in corrections:
        record_audit(session, actor=editor, action="claim.correct", obj=claim,
                     kind=str(correction.kind), before=correction.before,
                     after=correction.after, note=correction.note)
    notify_correction(session, claim=claim, actor=editor,
                      kinds=[str(change.kind) for change in changes])
    if article.status == ArticleStatus.PUBLISHED:  # readers (and webhooks) see it now
        publication = publish_article(session, article=article, editor=editor,
                                      include_open=True, reason="correction")
        emit(session, WebhookEvent.CHECK_CORRECTED, claim=claim, corrections=corrections,
             publication=publication)
    return corrections


def _require_not_recused(session: Session, *, article: Article, editor: User) -> None:
    if is_recused_from_article(session, article_id=article.id, user=editor):
        raise WorkflowError(_("You declared a conflict of interest on this article, so "
                              "another editor must publish or withdraw it."), code="forbidden")


def publish_article(
    session: Session, *, article: Article, editor: User, include_open: bool,
    reason: str = "publish",
) -> Publication:
    """Publish (or republish) the check; open claims only with `include_open`."""
    if not editor.role.at_least(Role.EDITOR):
        raise WorkflowError(_("Only editors publish."), code="forbidden")
    _require_not_recused(session, article=article, editor=editor)
    if article.status not in PUBLISHABLE:
        raise WorkflowError(_("This article cannot be published."), code="conflict")
    claims = list(session.exec(select(Claim).where(Claim.article_id == article.id)).all())
    open_claims = [c for c in claims if c.status in IN_PROGRESS]
    if not any(c.status in (ClaimStatus.DECIDED, ClaimStatus.PUBLISHED) for c in claims):
        raise WorkflowError(_("No claim has a decision yet; there is nothing to publish."),
                            code="conflict")
    if open_claims and not include_open:
        raise WorkflowError(
            ngettext("{n} selected claim has no decision yet. Decide it, or publish it as "
                     "\"still being checked\".",
                     "{n} selected claims have no decision yet. Decide them, or publish them "
                     "as \"still being checked\".", len(open_claims)), code="conflict")
    now = utcnow()
    for claim in claims:
        if claim.status == ClaimStatus.DECIDED:
            claim.status = ClaimStatus.PUBLISHED
            session.add(claim)
            notify_reviewers(session, claim=claim, kind=NotificationKind.PUBLISHED, actor=editor)
    session.flush()
    previous = session.exec(select(Publication).where(Publication.article_id == article.id)
                            .order_by(col(Publication.number).desc())).first()
    snapshot = build_snapshot(session, article)
    # Compared as typed snapshots: one stored before the schema key existed is still equal.
    if (previous is not None and previous.withdrawn_at is None
            and Snapshot.from_json(previous.snapshot) == snapshot):
        return previous  # nothing changed (e.g. the button pressed twice): no new version
    if previous is not None and previous.withdrawn_at is None:
        previous.withdrawn_at = now
        session.add(previous)
    article.status = ArticleStatus.PUBLISHED
    article.published_at = article.published_at or now
    article.updated_at = now
    session.add(article)
    session.flush()
    publication = Publication(article_id=article.id,
                              number=(previous.number + 1) if previous else 1,
                              snapshot=snapshot.to_json(),
                              published_by_id=editor.id, published_at=now)
    session.add(publication)
    session.flush()
    reindex_publication(session, publication=publication)
    _changed(session, article)
    record_audit(session, actor=editor, action="article.publish", obj=article,
                 publication=publication.number, open_claims=len(open_claims), reason=reason)
    if reason != "correction":  # a correction is told as one (record_corrections)
        emit(session, WebhookEvent.CHECK_PUBLISHED, article=article, publication=publication)
    return publication


def unpublish_article(session: Session, *, article: Article, editor: User) -> None:
    """Withdraw the check from public view (its address then answers 410 Gone)."""
    _require_not_recused(session, article=article, editor=editor)
    if article.status != ArticleStatus.PUBLISHED:
        raise WorkflowError(_("This check is not published."), code="conflict")
    now = utcnow()
    for publication in session.exec(select(Publication).where(
            Publication.article_id == article.id, col(Publication.withdrawn_at).is_(None))):
        publication.withdrawn_at = now
        session.add(publication)
    article.status, article.updated_at = ArticleStatus.UNPUBLISHED, now
    session.add(article)
    remove_article(session, article_id=article.id)
    _changed(session, article)
    record_audit(session, actor=editor, action="article.unpublish", obj=article)
    emit(session, WebhookEvent.CHECK_UNPUBLISHED, article=article)
