"""Reads for outgoing webhooks: who is subscribed to an event, the admin pages' lists."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func
from sqlmodel import Session, col, select

from ..models import Claim, Job, Webhook, WebhookDelivery
from .claims import CLAIM_ORDER

RECENT_DELIVERIES = 20


def delivery_job_key(delivery_id: int) -> str:
    """The job key of a delivery: one job per delivery, however often it is retried."""
    return f"webhook:delivery:{delivery_id}"


def subscribed_webhooks(session: Session, event: str) -> list[Webhook]:
    """The active webhooks that subscribe to `event`, oldest first."""
    # A handful of rows: filtering the JSON list here is portable and cheap.
    hooks = session.exec(select(Webhook).where(col(Webhook.active).is_(True))
                         .order_by(col(Webhook.id))).all()
    return [hook for hook in hooks if event in hook.events]


@dataclass(frozen=True)
class WebhookRow:
    """A webhook as the list shows it, with its latest delivery (None before the first)."""

    webhook: Webhook
    latest: WebhookDelivery | None


def webhook_rows(session: Session) -> list[WebhookRow]:
    """Every webhook with its latest delivery (two queries however many there are)."""
    hooks = session.exec(select(Webhook).order_by(col(Webhook.id))).all()
    latest_ids = select(func.max(WebhookDelivery.id)).group_by(col(WebhookDelivery.webhook_id))
    latest = {d.webhook_id: d for d in session.exec(
        select(WebhookDelivery).where(col(WebhookDelivery.id).in_(latest_ids))).all()}
    return [WebhookRow(hook, latest.get(hook.id)) for hook in hooks]


def recent_deliveries(session: Session, webhook: Webhook,
                      limit: int = RECENT_DELIVERIES) -> list[WebhookDelivery]:
    """The webhook's latest deliveries, newest first."""
    return list(session.exec(select(WebhookDelivery)
                             .where(WebhookDelivery.webhook_id == webhook.id)
                             .order_by(col(WebhookDelivery.id).desc()).limit(limit)).all())


def delivery_job(session: Session, delivery_id: int) -> Job | None:
    """The job that sends (or sent) a delivery."""
    return session.exec(select(Job).where(Job.key == delivery_job_key(delivery_id))).first()


def claim_number(session: Session, claim: Claim) -> int:
    """The claim's 1-based place in its article's list, as the editor's board numbers it."""
    ranked = (select(Claim.id, func.row_number().over(order_by=CLAIM_ORDER).label("number"))
              .where(Claim.article_id == claim.article_id).subquery())
    return session.exec(select(ranked.c.number).where(ranked.c.id == claim.id)).one()
