"""Outgoing webhooks: administrators register them, and the workflow tells them of events.

`emit` runs in the transaction of the event it tells about: it writes one delivery per
active webhook subscribed to the event, holding the exact body to send, and enqueues one
job per delivery, so a rolled-back event sends nothing and a retried job resends the same
bytes under the same delivery id (webhook_delivery.py sends them).

Bodies carry only what readers may see once published and, for the desk's own channels,
which claim waits for a decision: never a reviewer's rating, rationale or draft of a claim
that is not published, nor a reader's message or address.
"""

from __future__ import annotations

import json
import secrets
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlmodel import Session

from ..dbtypes import utcnow
from ..i18n import _
from ..intake.post import url_problem
from ..models import User, Webhook, WebhookDelivery
from ..queries.webhooks import delivery_job_key, subscribed_webhooks
from ..states import WEBHOOK_PING, WebhookEvent, WebhookFormat
from .audit import record_audit
from .errors import WorkflowError
from .jobs import enqueue
from .webhook_events import BUILDERS, Links, Message, iso, ping_message

KIND = "webhook.deliver"
# Retried after 10 s, 20 s, 40 s, 80 s and 160 s: a receiver down for about five minutes
# still gets the event; after that an administrator can send it again.
ATTEMPTS = 6
# After a rotation the old secret signs too for this long, while the receiver switches.
SECRET_GRACE = timedelta(hours=24)
SECRET_PREFIX = "whsec_"  # noqa: S105 (tells what the value is, as Stripe's do)


@dataclass
class _Site:
    """What the app tells webhooks, which know no Flask: how to link to the site, and the
    delivery settings of the current app (timeout, private and loopback addresses)."""

    links: Links | None = None
    options: Callable[[], dict[str, Any]] = field(default=dict)


SITE = _Site()


def configure_webhooks(*, links: Links, options: Callable[[], dict[str, Any]]) -> None:
    """Set how bodies link to the site and where deliveries read their settings."""
    SITE.links, SITE.options = links, options


def new_secret() -> str:
    """A random signing secret, shown to the administrators."""
    return SECRET_PREFIX + secrets.token_hex(24)


def _checked(url: str, events: Sequence[str], allow: dict[str, bool]) -> tuple[str, list[str]]:
    url = url.strip()
    problem = url_problem(url, **allow)
    if problem:
        raise WorkflowError(problem, field="url")
    known = [str(e) for e in WebhookEvent]
    chosen = [e for e in known if e in set(events)]
    if not chosen or len(chosen) != len(set(events)):
        raise WorkflowError(_("Choose at least one of the events listed."), field="events")
    return url, chosen


def create_webhook(session: Session, *, actor: User, url: str, events: Sequence[str],
                   format: WebhookFormat, name: str = "", active: bool = True,
                   allow: dict[str, bool] | None = None) -> Webhook:
    """Register a webhook with a new secret; `allow` lets it reach loopback/private addresses."""
    url, chosen = _checked(url, events, allow or {})
    hook = Webhook(name=name.strip(), url=url, events=chosen, format=format, active=active,
                   secret=new_secret(), created_by_id=actor.id)
    session.add(hook)
    session.flush()
    record_audit(session, actor=actor, action="webhook.create", obj=hook, url=url,
                 events=chosen, format=str(format), active=active)
    return hook


def update_webhook(session: Session, *, webhook: Webhook, actor: User, url: str,
                   events: Sequence[str], format: WebhookFormat, name: str, active: bool,
                   expected_version: int, allow: dict[str, bool] | None = None) -> None:
    """Change a webhook; refused if someone else changed it since the form was shown."""
    if webhook.version != expected_version:
        raise WorkflowError(_("Someone else changed this webhook while you were editing it."),
                            code="conflict", field="version")
    url, chosen = _checked(url, events, allow or {})
    before = {"url": webhook.url, "events": list(webhook.events),
              "format": str(webhook.format), "active": webhook.active, "name": webhook.name}
    webhook.url, webhook.events, webhook.format = url, chosen, format
    webhook.name, webhook.active, webhook.updated_at = name.strip(), active, utcnow()
    session.add(webhook)
    session.flush()
    after = {"url": url, "events": chosen, "format": str(format), "active": active,
             "name": webhook.name}
    changed = {k: {"before": before[k], "after": after[k]} for k in after
               if before[k] != after[k]}
    record_audit(session, actor=actor, action="webhook.update", obj=webhook, **changed)


def rotate_secret(session: Session, *, webhook: Webhook, actor: User) -> None:
    """Give the webhook a new secret; the old one also signs for SECRET_GRACE."""
    now = utcnow()
    webhook.previous_secret, webhook.previous_secret_until = webhook.secret, now + SECRET_GRACE
    webhook.secret, webhook.updated_at = new_secret(), now
    session.add(webhook)
    session.flush()
    # Never the secrets themselves: the audit log is read by more people, for longer.
    record_audit(session, actor=actor, action="webhook.rotate_secret", obj=webhook,
                 previous_valid_until=webhook.previous_secret_until.isoformat())


def delete_webhook(session: Session, *, webhook: Webhook, actor: User) -> None:
    """Delete a webhook and its deliveries; deliveries still waiting are dropped."""
    record_audit(session, actor=actor, action="webhook.delete", obj=webhook, url=webhook.url)
    session.delete(webhook)
    session.flush()


def send_ping(session: Session, *, webhook: Webhook, actor: User) -> WebhookDelivery:
    """Send the webhook a `ping` delivery now, to test it."""
    if not webhook.active:
        raise WorkflowError(_("This webhook is deactivated: activate it to test it."),
                            code="conflict")
    delivery = _add_delivery(session, webhook, WEBHOOK_PING, ping_message(webhook))
    record_audit(session, actor=actor, action="webhook.ping", obj=webhook,
                 delivery=delivery.uuid)
    return delivery


def emit(session: Session, event: WebhookEvent, **subject: Any) -> int:
    """Tell every active webhook subscribed to `event` about it, once this transaction
    commits; how many. `subject` names what it is about (see webhook_events.BUILDERS)."""
    hooks = subscribed_webhooks(session, str(event))
    if not hooks:
        return 0
    if SITE.links is None:
        raise RuntimeError("configure_webhooks() was not called: bodies need the site's links")
    message = BUILDERS[event](session, SITE.links, **subject)
    for hook in hooks:
        _add_delivery(session, hook, str(event), message)
    return len(hooks)


def _slack_text(text: str) -> str:
    # Slack reads &, < and > as markup; a title with them must show as typed.
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def render_body(webhook: Webhook, *, delivery_id: str, event: str, created_at: datetime,
                message: Message) -> str:
    """The exact text a delivery sends to `webhook`, in its format."""
    if webhook.format == WebhookFormat.SLACK:
        document: dict[str, Any] = {"text": _slack_text(message.text)}
    else:
        document = {"id": delivery_id, "event": event, "created_at": iso(created_at),
                    "data": message.data}
    return json.dumps(document, ensure_ascii=False, separators=(",", ":"))


def _add_delivery(session: Session, webhook: Webhook, event: str,
                  message: Message) -> WebhookDelivery:
    delivery_id, now = str(uuid.uuid4()), utcnow()
    delivery = WebhookDelivery(
        webhook_id=webhook.id, event=event, uuid=delivery_id, created_at=now,
        body=render_body(webhook, delivery_id=delivery_id, event=event, created_at=now,
                         message=message))
    session.add(delivery)
    session.flush()
    enqueue(session, KIND, {"delivery_id": delivery.id}, key=delivery_job_key(delivery.id),
            max_attempts=ATTEMPTS)
    return delivery
