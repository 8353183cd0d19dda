"""Sending a webhook delivery: a signed POST as a background job, retried with back-off.

Each attempt signs the stored body afresh (`X-Factcheck-Signature: t=<unix>,v1=<hex>`, the
HMAC-SHA256 of "<t>.<body>" with the webhook's secret; docs/webhooks.md) and records what
the receiver answered on the delivery. A 2xx answer delivers it. A redirect, a 4xx other
than 408 and 429, or an address that is not allowed fail it at once (sending the same
request again cannot succeed); anything else is retried until the job's attempts run out.
An administrator can send a failed delivery again: the same body under the same id.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from datetime import datetime
from typing import Any

from sqlmodel import Session

from ..dbtypes import utcnow
from ..i18n import _
from ..intake.post import PostError, PostResponse, post_json
from ..models import User, Webhook, WebhookDelivery
from ..queries.webhooks import delivery_job, delivery_job_key
from ..states import DeliveryStatus, JobStatus
from .audit import record_audit
from .errors import WorkflowError
from .jobs import JobRefused, enqueue, handler, on_give_up, on_retry, retry
from .webhooks import ATTEMPTS, KIND, SITE

EXCERPT_CHARACTERS = 500  # of the receiver's answer, shown to the administrators
RETRIED_STATUSES = (408, 429)  # 4xx answers that mean "later", not "never"


class DeliveryFailed(Exception):
    """This attempt failed; the job is tried again after its back-off."""


def sign(secret: str, timestamp: int, body: bytes) -> str:
    """The hex HMAC-SHA256 of "<timestamp>.<body>" with `secret`."""
    return hmac.new(secret.encode(), str(timestamp).encode() + b"." + body,
                    hashlib.sha256).hexdigest()


def signature_header(secrets: list[str], timestamp: int, body: bytes) -> str:
    """`t=<timestamp>,v1=<signature>` with one v1 per secret (two during a rotation)."""
    return ",".join([f"t={timestamp}", *(f"v1={sign(s, timestamp, body)}" for s in secrets)])


def signing_secrets(webhook: Webhook, now: datetime) -> list[str]:
    """The current secret, and the previous one while its grace period lasts."""
    valid_previous = (webhook.previous_secret and webhook.previous_secret_until is not None
                      and webhook.previous_secret_until > now)
    return [webhook.secret, webhook.previous_secret] if valid_previous else [webhook.secret]


def _verdict(response: PostResponse) -> tuple[bool, str]:
    """(final, error) for the receiver's answer; no error: delivered."""
    status = response.status
    if 200 <= status < 300:
        return False, ""
    if 300 <= status < 400:
        return True, _("The receiver answered with a redirect (HTTP {status}); "
                              "webhooks do not follow redirects: register the final "
                              "address.", status=status)
    final = 400 <= status < 500 and status not in RETRIED_STATUSES
    return final, _("The receiver answered HTTP {status}.", status=status)


@handler(KIND)
def deliver(session: Session, payload: dict[str, Any]) -> dict[str, Any]:
    """POST a delivery's body to its webhook and record the answer (commits)."""
    delivery_id = payload["delivery_id"]
    delivery = session.get(WebhookDelivery, delivery_id)
    if delivery is None:
        return {"skipped": "deleted"}  # the webhook was deleted meanwhile
    if delivery.status == DeliveryStatus.DELIVERED:
        return {"status": delivery.response_status}  # a job run again after a crash
    hook = session.get(Webhook, delivery.webhook_id)
    job = delivery_job(session, delivery_id)
    last_attempt = job is None or job.attempts >= job.max_attempts
    response, final = None, True
    if not hook.active:
        error = _("The webhook is deactivated.")
    else:
        url, body, event, uuid = hook.url, delivery.body.encode(), delivery.event, delivery.uuid
        timestamp = int(time.time())
        headers = {"X-Factcheck-Event": event, "X-Factcheck-Delivery": uuid,
                   "X-Factcheck-Signature": signature_header(
                       signing_secrets(hook, utcnow()), timestamp, body)}
        options = SITE.options()
        # No transaction stays open while the receiver takes its time (on SQLite an open
        # write transaction would stall every web request meanwhile).
        session.commit()
        try:
            response = post_json(url, body, headers=headers, timeout=options["timeout"],
                                 allow_loopback=options["allow_loopback"],
                                 allow_private=options["allow_private"])
        except PostError as failure:
            error, final = str(failure), failure.final
        else:
            final, error = _verdict(response)
    failed = bool(error) and (final or last_attempt)
    _record(session, delivery_id, response=response, error=error, failed=failed)
    if error:
        raise JobRefused(error) if final else DeliveryFailed(error)
    return {"status": response.status}


@on_give_up(KIND)
def fail_delivery(session: Session, payload: dict[str, Any], error: str) -> None:
    """A delivery whose job failed for good without recording it (a crash, a worker that
    died each time) is failed too, so that it can be sent again."""
    delivery = session.get(WebhookDelivery, payload["delivery_id"])
    if delivery is not None and delivery.status == DeliveryStatus.PENDING:
        delivery.status, delivery.error = DeliveryStatus.FAILED, error
        session.add(delivery)


@on_retry(KIND)
def delivery_retried(session: Session, payload: dict[str, Any]) -> None:
    """A failed delivery whose job an admin retries is pending again, as after Redeliver."""
    delivery = session.get(WebhookDelivery, payload["delivery_id"])
    if delivery is not None and delivery.status == DeliveryStatus.FAILED:
        delivery.status, delivery.error = DeliveryStatus.PENDING, ""
        session.add(delivery)


def _record(session: Session, delivery_id: int, *, response: PostResponse | None, error: str,
            failed: bool) -> None:
    # Committed here: the job's failure rolls its session back, and the administrators
    # must still see what the receiver answered.
    delivery = session.get(WebhookDelivery, delivery_id, populate_existing=True)
    if delivery is None:
        return
    now = utcnow()
    delivery.attempts += 1
    delivery.last_attempt_at, delivery.error = now, error
    delivery.response_status = response.status if response else None
    delivery.response_excerpt = response.excerpt[:EXCERPT_CHARACTERS] if response else ""
    if not error:
        delivery.status, delivery.delivered_at = DeliveryStatus.DELIVERED, now
    else:  # pending again while attempts are left (also after a retry from the jobs page)
        delivery.status = DeliveryStatus.FAILED if failed else DeliveryStatus.PENDING
    session.add(delivery)
    session.commit()


def redeliver(session: Session, *, delivery: WebhookDelivery, actor: User) -> None:
    """Send a failed delivery again: the same body under the same id, with new attempts."""
    if delivery.status != DeliveryStatus.FAILED:
        raise WorkflowError(_("Only a failed delivery can be sent again."), code="conflict")
    hook = session.get(Webhook, delivery.webhook_id)
    if not hook.active:
        raise WorkflowError(_("This webhook is deactivated: activate it to send again."),
                            code="conflict")
    job = delivery_job(session, delivery.id)
    if job is None:  # the job rows were cleaned up meanwhile
        enqueue(session, KIND, {"delivery_id": delivery.id},
                key=delivery_job_key(delivery.id), max_attempts=ATTEMPTS)
    elif job.status == JobStatus.FAILED:
        retry(session, job=job, actor=actor)
    else:
        raise WorkflowError(_("This delivery is already being sent."), code="conflict")
    delivery.status, delivery.error = DeliveryStatus.PENDING, ""
    session.add(delivery)
    record_audit(session, actor=actor, action="webhook.redeliver", obj=hook,
                 delivery=delivery.uuid, event=delivery.event)
