"""In-app notifications, written in the transaction of the event they tell about.

A notification says that something happened and where: who did it, which claim (its words)
of which article, a due date. It never carries a rating, a rationale, a draft or a
comment's text, so that blind review holds whoever receives it: a reviewer who has not
submitted learns nothing from their inbox that their claim page would not show them.
The actor is never told about their own action, and the recused never about their claim.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import insert, update
from sqlmodel import Session, col, select

from ..dbtypes import utcnow
from ..models import (
    Article,
    Assignment,
    AuditEvent,
    Claim,
    Notification,
    ReaderReport,
    User,
)
from ..queries.reviews import recused_among, reviewer_ids
from ..states import NotificationKind, Role

NOTIFIED = "notified_ids"  # session.info: notifications written in this transaction
CLAIM_WORDS = 160  # characters of the claim kept to name it in the sentence
_EDITOR_ROLES = (Role.EDITOR, Role.ADMIN)


def _excerpt(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= CLAIM_WORDS else text[:CLAIM_WORDS - 1].rstrip() + "…"


def notify(
    session: Session,
    *,
    users: Iterable[User | None],
    kind: NotificationKind,
    actor: User | None,
    claim: Claim | None = None,
    article: Article | None = None,
    report: ReaderReport | None = None,
    details: dict[str, Any] | None = None,
) -> int:
    """Add one notification per recipient to the caller's transaction; how many.

    Recipients are deduplicated; the actor, deactivated accounts and anyone recused from
    `claim` are left out. `details` holds only what the sentence needs (never a rating,
    rationale, draft or comment text). One INSERT for all the rows, however many
    reviewers or editors are told.
    """
    if article is None and claim is not None:
        article = session.get(Article, claim.article_id)
    text: dict[str, Any] = {}
    if article is not None:
        text["article_title"] = article.title
    if claim is not None:
        text["claim_text"] = _excerpt(claim.text)
    text.update(details or {})
    recipients: dict[int, User] = {}
    for user in users:
        if (user is not None and user.is_active
                and (actor is None or user.id != actor.id)):
            recipients.setdefault(user.id, user)
    if claim is not None:
        for recused in recused_among(session, claim=claim, user_ids=set(recipients)):
            del recipients[recused]
    now = utcnow()
    rows = [{"user_id": user_id, "kind": kind, "details": dict(text), "created_at": now,
             "read_at": None, "actor_id": actor.id if actor is not None else None,
             "claim_id": claim.id if claim is not None else None,
             "article_id": article.id if article is not None else None,
             "report_id": report.id if report is not None else None}
            for user_id in recipients]
    if rows:
        ids = session.execute(insert(Notification).returning(Notification.id), rows).scalars()
        # E-mail follows from the committed rows (factcheck/web/mail.py hooks this key).
        session.info.setdefault(NOTIFIED, []).extend(ids)
    return len(rows)


# --- Who is told ---------------------------------------------------------------------------


def _users(session: Session, ids: Iterable[int | None]) -> list[User]:
    wanted = sorted({i for i in ids if i is not None})
    if not wanted:
        return []
    return list(session.exec(select(User).where(col(User.id).in_(wanted))
                             .order_by(col(User.id))).all())


def claim_reviewers(session: Session, claim: Claim) -> list[User]:
    """The claim's reviewers now (its assignments)."""
    return _users(session, session.exec(select(Assignment.reviewer_id)
                                        .where(Assignment.claim_id == claim.id)).all())


def all_editors(session: Session) -> list[User]:
    """Every active editor and administrator."""
    return list(session.exec(select(User).where(col(User.role).in_(_EDITOR_ROLES),
                                                col(User.is_active).is_(True))
                             .order_by(col(User.id))).all())


def article_editors(session: Session, article: Article) -> list[User]:
    """The article's editors: whoever imported it and whoever assigned its claims."""
    assigners = session.exec(select(Assignment.assigned_by_id).join(
        Claim, col(Claim.id) == Assignment.claim_id).where(Claim.article_id == article.id)
    ).all()
    return [u for u in _users(session, [article.created_by_id, *assigners])
            if u.role in _EDITOR_ROLES and u.is_active]


def _deciders(session: Session, claim: Claim) -> list[User]:
    """Everyone who decided the claim at some point (from its history)."""
    return _users(session, session.exec(select(AuditEvent.actor_id).where(
        AuditEvent.object_type == Claim.__tablename__, AuditEvent.object_id == claim.id,
        AuditEvent.action == "claim.decide")).all())


# --- The events ----------------------------------------------------------------------------


def notify_ready_for_decision(session: Session, *, claim: Claim, actor: User | None) -> None:
    """The required reviews are in: the article's editors (else every editor) may decide.

    Editors who are or were the claim's reviewers, or are recused, cannot decide it and
    are not told.
    """
    article = session.get(Article, claim.article_id)
    reviewers = reviewer_ids(session, claim)

    def deciders(users: Sequence[User]) -> list[User]:
        eligible = [u for u in users if u.id not in reviewers]
        recused = recused_among(session, claim=claim, user_ids={u.id for u in eligible})
        return [u for u in eligible if u.id not in recused]

    editors = deciders(article_editors(session, article)) or deciders(all_editors(session))
    notify(session, users=editors, kind=NotificationKind.READY_FOR_DECISION, actor=actor,
           claim=claim, article=article)


def notify_reviewers(session: Session, *, claim: Claim, kind: NotificationKind,
                     actor: User | None) -> None:
    """Tell the claim's reviewers that it was sent back, decided or published."""
    notify(session, users=claim_reviewers(session, claim), kind=kind, actor=actor,
           claim=claim)


def notify_correction(session: Session, *, claim: Claim, actor: User,
                      kinds: Sequence[str]) -> None:
    """A correction of a published claim: everyone who reviewed or decided it."""
    details = {"changes": sorted(set(kinds))}
    notify(session, users=_users(session, reviewer_ids(session, claim)),
           kind=NotificationKind.CORRECTED, actor=actor, claim=claim,
           details={**details, "as": "reviewer"})
    reviewers = reviewer_ids(session, claim)
    notify(session, users=[u for u in _deciders(session, claim) if u.id not in reviewers],
           kind=NotificationKind.CORRECTED, actor=actor, claim=claim,
           details={**details, "as": "editor"})


def notify_report(session: Session, *, report: ReaderReport, article: Article) -> None:
    """A reader report arrived: every editor triages them."""
    notify(session, users=all_editors(session), kind=NotificationKind.REPORT, actor=None,
           article=article, report=report)


def _handles(user: User) -> list[str]:
    return [h for h in (user.display_name.strip(), user.email.partition("@")[0]) if h]


def mentioned(body: str, users: Iterable[User]) -> list[User]:
    """The users `body` mentions as `@Display Name` or `@local-part` (case-insensitive)."""
    if "@" not in body:
        return []
    found = []
    for user in users:
        for handle in _handles(user):
            pattern = rf"(?<![\w@])@{re.escape(handle)}(?![\w-]|[.'][\w])"
            if re.search(pattern, body, flags=re.IGNORECASE):
                found.append(user)
                break
    return found


def notify_mentions(session: Session, *, claim: Claim, author: User, body: str) -> None:
    """Tell the people a comment mentions, among those who may read the claim's discussion
    (its reviewers and the editors not recused). Only that they were mentioned: never the
    comment's text, which a reviewer who has not submitted may not see yet."""
    if "@" not in body:
        return
    reviewers = claim_reviewers(session, claim)
    assigned = {u.id for u in reviewers}
    audience = [u for u in [*reviewers, *all_editors(session)] if u.id != author.id]
    named = mentioned(body, audience)
    notify(session, users=[u for u in named if u.id in assigned],
           kind=NotificationKind.MENTION, actor=author, claim=claim, details={"as": "reviewer"})
    notify(session, users=[u for u in named if u.id not in assigned],
           kind=NotificationKind.MENTION, actor=author, claim=claim, details={"as": "editor"})


# --- Reading them --------------------------------------------------------------------------


def mark_read(session: Session, *, user: User, ids: Sequence[int] | None = None) -> int:
    """Mark the user's notifications `ids` (all of them with None) read; how many changed.

    Ids that are not the user's, or already read, are left alone.
    """
    query = update(Notification).where(col(Notification.user_id) == user.id,
                                       col(Notification.read_at).is_(None))
    if ids is not None:
        if not ids:
            return 0
        query = query.where(col(Notification.id).in_(sorted(set(ids))))
    result = session.exec(query.values(read_at=utcnow()).execution_options(
        synchronize_session=False))
    return result.rowcount or 0
