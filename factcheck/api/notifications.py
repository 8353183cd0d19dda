"""The token's user's notifications over the API: the inbox and marking them read."""

from __future__ import annotations

from flask import request

from ..extensions import db
from ..i18n import _
from ..infra.links import absolute_url
from ..queries.notifications import (
    describe,
    notification_target,
    notifications_page,
    unread_count,
)
from ..states import Role
from ..workflow.notifications import mark_read
from .core import ApiError, json_body, json_response, operation, paging, token_user, workflow_step
from .serializers import notification_record


def _unread_only() -> bool:
    raw = request.args.get("unread")
    if raw not in (None, "0", "1"):
        raise ApiError(400, "invalid_parameter", _("unread must be 0 or 1."))
    return raw == "1"


@operation("GET", "/notifications", summary="Your notifications", auth=Role.REVIEWER,
           responses={200: "NotificationList", 400: "Error", 401: "Error"},
           query=("unread", "page", "per_page"))
def notifications():
    """The token's user's notifications, newest first; `?unread=1` lists only unread ones.

    Each carries its sentence (`text`) and the address of the page it is about (`url`);
    none ever holds a rating, a rationale or a comment's text. `unread` is the number of
    unread notifications in all.
    """
    user = token_user()
    unread_only = _unread_only()
    page, per_page = paging()
    found = notifications_page(db.session, user=user, unread_only=unread_only, page=page,
                               per_page=per_page)
    return json_response({
        "items": [notification_record(view, text=describe(view), url=_url(view.notification))
                  for view in found],
        "page": found.number, "per_page": per_page, "total": found.total,
        "unread": unread_count(db.session, user),
    })


def _url(notification) -> str:
    target = notification_target(notification)
    return absolute_url(target.endpoint, _anchor=target.anchor, **target.values)


@operation("POST", "/notifications/read", summary="Mark notifications read",
           auth=Role.REVIEWER, body="NotificationsReadInput",
           responses={200: "NotificationsRead", 400: "Error", 401: "Error", 413: "Error",
                      415: "Error", 422: "Error"})
def read_notifications():
    """Mark `ids` (your own notifications) read, or all of them with `{"all": true}`.

    Ids that are not yours, do not exist or are already read are ignored (they count in
    neither `marked` nor an error), so a repeat is harmless; the answer gives how many
    were marked now and how many stay unread.
    """
    user = token_user()
    data = json_body("NotificationsReadInput")
    if not data.get("all") and "ids" not in data:
        raise ApiError(422, "invalid", _("Some fields are invalid."),
                       fields={"ids": _("Send the ids to mark read, or \"all\": true.")})
    with workflow_step():
        marked = mark_read(db.session, user=user,
                           ids=None if data.get("all") else data["ids"])
    return json_response({"marked": marked, "unread": unread_count(db.session, user)})
