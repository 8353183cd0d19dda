"""A claim's history told in sentences, from its audit events.

Blind review holds here too: a reviewer's save or submission is told without its rating
("… submitted a verdict"); only the editor's decision names a verdict.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlmodel import Session

from ..i18n import _, _l, status_label
from ..models import AuditEvent, User
from ..queries.claims import rating_names, users_by_id
from .locale import format_day


@dataclass(frozen=True)
class HistoryLine:
    """One event of a claim's history: when, and what happened, as a sentence."""

    at: datetime
    text: str
    action: str


def _name(users: dict[int, User], user_id: object) -> str:
    user = users.get(user_id) if isinstance(user_id, int) else None
    return user.display_name if user is not None else _("a former member of the desk")


def _due(value: object) -> str:
    try:
        return format_day(date.fromisoformat(str(value)))
    except ValueError:
        return str(value)


_FIELDS = {"text": _l("the wording"), "claimant": _l("the claimant"),
           "claim_date": _l("the claim's date"), "claimant_id": None}


def _sentence(event: AuditEvent, who: str, users: dict[int, User],
              labels: dict[str, str]) -> str:
    details = event.details or {}
    tell: dict[str, Callable[[], str]] = {
        "claim.add": lambda: _("{who} added this claim by hand.", who=who),
        "claim.status": lambda: (
            _("{who} changed the status from {before} to {after} (the article's text "
              "changed).", who=who, before=status_label(details.get("before")),
              after=status_label(details.get("after")))
            if details.get("reason") == "text changed" else
            _("{who} changed the status from {before} to {after}: {reason}", who=who,
              before=status_label(details.get("before")),
              after=status_label(details.get("after")), reason=details["reason"])
            if details.get("reason") else
            _("{who} changed the status from {before} to {after}.", who=who,
              before=status_label(details.get("before")),
              after=status_label(details.get("after")))),
        "claim.edit": lambda: _("{who} edited {fields}.", who=who, fields=", ".join(
            str(_FIELDS.get(name, name)) for name in (details.get("changes") or {})
            if _FIELDS.get(name, name) is not None)),
        "claim.split": lambda: _("{who} split this claim in two.", who=who),
        "claim.merge": lambda: _("{who} merged another claim into this one: “{text}”",
                                 who=who, text=details.get("merged_text", "")),
        "claim.reanchor": lambda: _("{who} moved the claim's anchor in the article text.",
                                    who=who),
        "claim.move": lambda: _("{who} moved the claim to another place on the board.",
                                who=who),
        "claim.assign": lambda: (
            _("{who} assigned the claim to {reviewer}, due {day}.", who=who,
              reviewer=_name(users, details.get("reviewer")), day=_due(details["due_on"]))
            if details.get("due_on") else
            _("{who} assigned the claim to {reviewer}.", who=who,
              reviewer=_name(users, details.get("reviewer")))),
        "claim.unassign": lambda: (
            _("{who} took {reviewer} off the claim; their review was withdrawn.", who=who,
              reviewer=_name(users, details.get("reviewer")))
            if details.get("review_withdrawn") else
            _("{who} took {reviewer} off the claim.", who=who,
              reviewer=_name(users, details.get("reviewer")))),
        "review.save": lambda: _("{who} saved a draft verdict.", who=who),
        "review.submit": lambda: _("{who} submitted a verdict.", who=who),
        "review.withdraw": lambda: _("{who} withdrew their verdict.", who=who),
        "review.verdicts_seen": lambda: _("{who} read the other reviewers' verdicts.",
                                          who=who),
        "claim.send_back": lambda: _("{who} sent the claim back to the reviewers: {note}",
                                     who=who, note=details.get("note", "")),
        "claim.decide": lambda: _("{who} decided the verdict: {verdict}.", who=who,
                                  verdict=labels.get(details.get("rating"),
                                                     details.get("rating") or "?")),
        "claim.correct": lambda: _("{who} published a correction.", who=who),
        "comment.add": lambda: _("{who} wrote in the discussion.", who=who),
        "evidence.add": lambda: _("{who} added a source: {url}", who=who,
                                  url=details.get("url") or _("(no address)")),
        "evidence.edit": lambda: _("{who} edited a source.", who=who),
        "evidence.delete": lambda: _("{who} removed a source: {url}", who=who,
                                     url=details.get("url") or _("(no address)")),
        "evidence.public_copy": lambda: (
            _("{who} let readers open the preserved copy of a source.", who=who)
            if details.get("public") else
            _("{who} kept the preserved copy of a source from readers (available on "
              "request).", who=who)),
    }
    known = tell.get(event.action)
    return known() if known is not None else _("{who}: {action}", who=who,
                                               action=event.action)


def history_lines(session: Session,
                  events: Sequence[tuple[AuditEvent, User | None]]) -> list[HistoryLine]:
    """A claim's audit events (`queries.claims.claim_history`) as sentences, in their
    order (at most two queries, for the people and verdicts they mention)."""
    users = users_by_id(session, {e.details.get("reviewer") for e, _actor in events
                                  if e.details and isinstance(e.details.get("reviewer"), int)})
    labels = rating_names(session, {e.details.get("rating") for e, _actor in events
                                    if e.action == "claim.decide" and e.details})
    return [HistoryLine(at=event.at, action=event.action, text=_sentence(
        event, actor.display_name if actor is not None else _("The system"), users, labels))
        for event, actor in events]
