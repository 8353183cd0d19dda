"""How the API writes the workflow's records as JSON (the shapes `openapi.py` documents)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from sqlmodel import Session, col, select

from ..engine.splitting import short_claim_of
from ..models import (
    Article,
    Assignment,
    Claim,
    Decision,
    Evidence,
    RatingLabel,
    Review,
    ReviewEvidence,
    User,
)
from ..queries.captures import Preservation, preservation_of


def iso(value: date | datetime | None) -> str | None:
    """A date or time as ISO 8601, or None."""
    return value.isoformat() if value is not None else None


def claim_record(claim: Claim, body: str) -> dict[str, Any]:
    """A claim with its span in the article text `body`."""
    return {
        "id": claim.id, "article_id": claim.article_id, "position": claim.position,
        "start": claim.start, "end": claim.end, "quote": body[claim.start:claim.end],
        "text": claim.text, "kind": str(claim.kind), "score": claim.score,
        "short_claim": claim.short_claim or short_claim_of(claim.text),
        "claimant": claim.claimant, "claimant_id": claim.claimant_id,
        "claim_date": iso(claim.claim_date),
        "status": str(claim.status), "dismissal_reason": claim.dismissal_reason,
        "version": claim.version, "parent_id": claim.parent_id, "origin": claim.origin,
        **claim_parts_record(claim),
    }


def claim_parts_record(claim: Claim) -> dict[str, Any]:
    """The claim's two checkable parts when it reports speech: where the text names its
    source (`claimant_span`) and, for an attributed claim, what the source said (`content`);
    null for claims that have none or were made before the engine found them."""
    claimant = None
    if claim.claimant_start is not None and claim.claimant_end is not None:
        claimant = {"start": claim.claimant_start, "end": claim.claimant_end}
    content = None
    if claim.content_start is not None and claim.content_end is not None:
        content = {"start": claim.content_start, "end": claim.content_end,
                   "kind": claim.content_kind, "score": claim.content_score}
    return {"claimant_span": claimant, "content": content}


def article_record(article: Article, claims: Iterable[Claim]) -> dict[str, Any]:
    """An article with its text and all its claims in order."""
    return {
        "id": article.id, "title": article.title, "slug": article.slug,
        "status": str(article.status), "text": article.body, "url": article.source_url,
        "outlet": article.outlet, "author": article.author, "language": article.language,
        "published_on": iso(article.published_on), "version": article.version,
        "claims": [claim_record(c, article.body) for c in claims],
    }


def user_record(user: User | None) -> dict[str, Any] | None:
    """Who did something: id and display name (emails stay private)."""
    return {"id": user.id, "name": user.display_name} if user is not None else None


def _users(session: Session, ids: Iterable[int | None]) -> dict[int, User]:
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    return {u.id: u for u in session.exec(select(User).where(col(User.id).in_(wanted))).all()}


def _label_keys(session: Session, ids: Iterable[int | None]) -> dict[int, str]:
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    query = select(RatingLabel.id, RatingLabel.key).where(col(RatingLabel.id).in_(wanted))
    return dict(session.exec(query).all())


def preservation_record(kept: Preservation) -> dict[str, Any]:
    """The latest preserved copy of an evidence page (status null: none asked for yet)."""
    return {
        "status": str(kept.status) if kept.status is not None else None,
        "reason": kept.reason, "captured_at": iso(kept.captured_at),
        "final_url": kept.final_url, "http_status": kept.http_status, "sha256": kept.sha256,
        "quote_found": kept.quote_found, "copies": kept.copies,
        # The Internet Archive's snapshot (FACTCHECK_WAYBACK_SAVE); null: not asked.
        "wayback": None if kept.wayback_status is None else {
            "status": str(kept.wayback_status), "url": kept.wayback_url,
            "reason": kept.wayback_reason},
    }


def evidence_records(session: Session, items: list[Evidence]) -> list[dict[str, Any]]:
    """Evidence items with who added them and the preservation of their page."""
    users = _users(session, (e.added_by_id for e in items))
    kept = preservation_of(session, (e.id for e in items))
    return [{
        "id": e.id, "claim_id": e.claim_id, "url": e.url, "title": e.title,
        "publisher": e.publisher, "published_on": iso(e.published_on),
        "accessed_at": iso(e.accessed_at), "quote": e.quote, "stance": str(e.stance),
        "archive_url": e.archive_url, "note": e.note,
        "added_by": user_record(users.get(e.added_by_id)), "version": e.version,
        "preservation": preservation_record(kept[e.id]),
        "public_copy": e.public_copy,
    } for e in items]


def review_records(session: Session, reviews: list[Review]) -> list[dict[str, Any]]:
    """Reviews with their rating key, reviewer and cited evidence ids."""
    users = _users(session, (r.reviewer_id for r in reviews))
    keys = _label_keys(session, (r.rating_id for r in reviews))
    cited: dict[int, list[int]] = {r.id: [] for r in reviews}
    if reviews:
        links = session.exec(select(ReviewEvidence).where(
            col(ReviewEvidence.review_id).in_(list(cited))).order_by(
            col(ReviewEvidence.evidence_id))).all()
        for link in links:
            cited[link.review_id].append(link.evidence_id)
    return [{
        "id": r.id, "claim_id": r.claim_id, "reviewer": user_record(users.get(r.reviewer_id)),
        "status": str(r.status), "rating": keys.get(r.rating_id), "rationale": r.rationale,
        "confidence": str(r.confidence), "evidence": cited[r.id],
        "submitted_at": iso(r.submitted_at), "version": r.version,
    } for r in reviews]


def decision_record(session: Session, decision: Decision | None) -> dict[str, Any] | None:
    """The editor's decision on a claim, or None."""
    if decision is None:
        return None
    editor = session.get(User, decision.editor_id) if decision.editor_id else None
    return {
        "claim_id": decision.claim_id, "rating": _label_keys(session, [decision.rating_id]).get(
            decision.rating_id), "summary": decision.summary,
        "public_reasoning": decision.public_reasoning, "editor": user_record(editor),
        "decided_at": iso(decision.decided_at), "version": decision.version,
    }


def assignment_records(session: Session, claim: Claim) -> list[dict[str, Any]]:
    """The claim's reviewers, with emails (only editors are shown assignments)."""
    rows = session.exec(select(Assignment, User).join(User, col(User.id) == Assignment.reviewer_id)
                        .where(Assignment.claim_id == claim.id).order_by(col(Assignment.id))
                        ).all()
    return [{"reviewer": {"id": user.id, "name": user.display_name, "email": user.email},
             "assigned_at": iso(assignment.assigned_at), "due": iso(assignment.due_on)}
            for assignment, user in rows]


def notification_record(view: Any, *, text: str, url: str) -> dict[str, Any]:
    """A notification (a `queries.notifications.NotificationView`) with its sentence and
    the address of the page it is about; its details never hold verdicts or comments."""
    n = view.notification
    return {
        "id": n.id, "kind": str(n.kind), "text": text, "url": url,
        "actor": user_record(view.actor), "claim_id": n.claim_id, "article_id": n.article_id,
        "report_id": n.report_id, "details": dict(n.details or {}),
        "created_at": iso(n.created_at), "read_at": iso(n.read_at),
        "mail": view.mail, "mailed_at": iso(n.mailed_at),
    }
