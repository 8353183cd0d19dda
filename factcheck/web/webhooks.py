"""Administration of outgoing webhooks: register, edit, test, rotate secrets, see deliveries."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Flask, abort, current_app, flash, redirect, render_template, url_for

from ..dbtypes import utcnow
from ..extensions import db
from ..i18n import _
from ..infra.links import public_url
from ..models import Webhook, WebhookDelivery
from ..queries.webhooks import recent_deliveries, webhook_rows
from ..states import Role, WebhookFormat
from ..workflow import WorkflowError
from ..workflow import webhooks as hooks
from ..workflow.webhook_delivery import redeliver
from .access import current_user, guard_blueprint
from .forms import ActionForm, WebhookForm
from .steps import get_or_404, posted_version, view_step

bp = Blueprint("webhooks", __name__, url_prefix="/admin/webhooks")
guard_blueprint(bp, Role.ADMIN)


def register_webhooks(_app: Flask) -> None:
    """Give the workflow the site's links and the delivery settings (it knows no Flask)."""
    hooks.configure_webhooks(links=public_url, options=delivery_options)


def delivery_options() -> dict[str, Any]:
    """The current app's settings for sending deliveries (read at each attempt)."""
    cfg = current_app.config
    return {"timeout": float(cfg["WEBHOOK_TIMEOUT"]), **_allowed()}


def _allowed() -> dict[str, bool]:
    # The URL import's settings: an intranet CMS is reached the same way both ways.
    cfg = current_app.config
    return {"allow_loopback": bool(cfg["URL_IMPORT_ALLOW_LOOPBACK"]),
            "allow_private": bool(cfg["URL_IMPORT_ALLOW_PRIVATE"])}


def _fields(form: WebhookForm) -> dict[str, Any]:
    return {"url": form.url.data or "", "events": form.events.data or [],
            "format": WebhookFormat(form.format.data), "name": form.name.data or "",
            "active": bool(form.active.data), "allow": _allowed()}


def _stale(error: WorkflowError | None) -> bool:
    return error is not None and error.code == "conflict" and error.field == "version"


def _check_action_form() -> None:
    """A one-button form: only its CSRF token is checked."""
    if not ActionForm().validate_on_submit():
        abort(400)


@bp.route("")
def index():
    """Every webhook, with what became of its latest delivery."""
    return render_template("admin/webhooks.html", rows=webhook_rows(db.session))


@bp.route("/new", methods=["GET", "POST"])
def new_webhook():
    """Register a webhook; its secret is made for it and shown on its page."""
    form = WebhookForm()
    if form.validate_on_submit():
        with view_step(form) as step:
            hook = hooks.create_webhook(db.session, actor=current_user(), **_fields(form))
        if step.ok:
            flash(_("Webhook added. Give its secret to the receiver so that it can check "
                    "the signatures."), "success")
            return redirect(url_for("webhooks.webhook", webhook_id=hook.id))
    return render_template("admin/webhook_form.html", form=form, webhook=None,
                           conflict=False), 422 if form.errors else 200


@bp.route("/<int:webhook_id>")
def webhook(webhook_id: int):
    """A webhook: its settings, secret and latest deliveries with the receiver's answers."""
    hook = get_or_404(Webhook, webhook_id)
    return render_template("admin/webhook.html", webhook=hook, now=utcnow(),
                           deliveries=recent_deliveries(db.session, hook))


@bp.route("/<int:webhook_id>/edit", methods=["GET", "POST"])
def edit_webhook(webhook_id: int):
    """Change a webhook's address, events, format or state (optimistic locking)."""
    hook = get_or_404(Webhook, webhook_id)
    form = WebhookForm(obj=hook)
    expected_version = posted_version(form) if form.is_submitted() else None
    conflict = False
    if form.validate_on_submit():
        with view_step(form, quiet=_stale) as step:
            hooks.update_webhook(db.session, webhook=hook, actor=current_user(),
                                 expected_version=expected_version, **_fields(form))
        if _stale(step.error):  # `hook` shows what is stored; saving again applies mine
            conflict = True
            form.version.data = hook.version
        if step.ok:
            flash(_("Webhook saved."), "success")
            return redirect(url_for("webhooks.webhook", webhook_id=hook.id))
    elif not form.is_submitted():
        form.format.data = hook.format.value
    status = 409 if conflict else 422 if form.errors else 200
    return render_template("admin/webhook_form.html", form=form, webhook=hook,
                           conflict=conflict), status


@bp.route("/<int:webhook_id>/rotate", methods=["POST"])
def rotate(webhook_id: int):
    """Make a new secret; the old one signs too for a day, while the receiver switches."""
    hook = get_or_404(Webhook, webhook_id)
    _check_action_form()
    with view_step() as step:
        hooks.rotate_secret(db.session, webhook=hook, actor=current_user())
    if step.ok:
        flash(_("New secret made. Deliveries carry a signature with the old secret too "
                "for 24 hours: update the receiver before then."), "success")
    return redirect(url_for("webhooks.webhook", webhook_id=webhook_id))


@bp.route("/<int:webhook_id>/ping", methods=["POST"])
def ping(webhook_id: int):
    """Send a `ping` delivery to test the webhook."""
    hook = get_or_404(Webhook, webhook_id)
    _check_action_form()
    with view_step() as step:
        hooks.send_ping(db.session, webhook=hook, actor=current_user())
    if step.ok:
        flash(_("Ping sent: its delivery is listed below once the worker has sent it."),
              "success")
    return redirect(url_for("webhooks.webhook", webhook_id=webhook_id))


@bp.route("/<int:webhook_id>/delete", methods=["POST"])
def delete(webhook_id: int):
    """Delete the webhook and its deliveries."""
    hook = get_or_404(Webhook, webhook_id)
    _check_action_form()
    with view_step() as step:
        hooks.delete_webhook(db.session, webhook=hook, actor=current_user())
    if not step.ok:
        return redirect(url_for("webhooks.webhook", webhook_id=webhook_id))
    flash(_("Webhook deleted."), "success")
    return redirect(url_for("webhooks.index"))


@bp.route("/<int:webhook_id>/deliveries/<int:delivery_id>/redeliver", methods=["POST"])
def redeliver_delivery(webhook_id: int, delivery_id: int):
    """Send a failed delivery again: the same body under the same delivery id."""
    hook = get_or_404(Webhook, webhook_id)
    delivery = get_or_404(WebhookDelivery, delivery_id, webhook_id=hook.id)
    _check_action_form()
    with view_step() as step:
        redeliver(db.session, delivery=delivery, actor=current_user())
    if step.ok:
        flash(_("The delivery will be sent again."), "success")
    return redirect(url_for("webhooks.webhook", webhook_id=webhook_id,
                            _anchor=f"delivery-{delivery_id}"))
