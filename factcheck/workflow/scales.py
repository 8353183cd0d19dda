"""Rating scales: choose the active scale, copy a preset, and edit the labels of a copy.

Built-in presets are read-only (administrators copy one to adapt it). A label that a
review or a decision uses is never deleted, and a scale that verdicts use never loses
a label: past verdicts, their ClaimReview markup and the agreement statistics keep
their meaning.
"""

from __future__ import annotations

import re

from sqlalchemy import case, func, update
from sqlmodel import Session, col, select

from ..i18n import _
from ..models import RatingLabel, RatingScale, User, is_hex_colour
from ..queries.scales import SCALE_NAME_MAX, label_usage, scale_labels, scale_view
from ..states import ScaleMode
from .audit import record_audit
from .errors import WorkflowError

KEY_PATTERN = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?")
MAX_VALUE = 100
MIN_CONTRAST = 4.5  # WCAG AA for text: the colour is drawn on white and as text colour
LABEL_NAME_MAX = 80
SYMBOL_MAX = 8
LABEL_DESCRIPTION_MAX = 500
SCALE_DESCRIPTION_MAX = 2000


# Rules -----------------------------------------------------------------------------------


def _check_editable(scale: RatingScale) -> None:
    if scale.is_builtin:
        raise WorkflowError(
            _("“{name}” is a built-in scale and cannot be changed. Make an editable copy "
              "and change the copy.", name=scale.name),
            code="conflict",
        )


def _check_version(record: RatingScale | RatingLabel, expected_version: int | None) -> None:
    """Refuse to overwrite a change saved since the administrator opened the form."""
    if record.version != expected_version:
        message = (_("Someone else changed this scale while you were editing it.")
                   if isinstance(record, RatingScale)
                   else _("Someone else changed this label while you were editing it."))
        raise WorkflowError(message, code="conflict", field="version")


def _check_belongs(scale: RatingScale, label: RatingLabel) -> None:
    if label.scale_id != scale.id:
        raise WorkflowError(_("This label does not belong to this scale."), code="not_found")


def _clean_scale_name(session: Session, name: str, *, exclude: RatingScale | None = None) -> str:
    name = " ".join((name or "").split())
    if not name:
        raise WorkflowError(_("Give the scale a name."), field="name")
    if len(name) > SCALE_NAME_MAX:
        raise WorkflowError(_("The name is longer than {n} characters.", n=SCALE_NAME_MAX),
                            field="name")
    query = select(RatingScale).where(func.lower(RatingScale.name) == name.lower())
    if exclude is not None:
        query = query.where(RatingScale.id != exclude.id)
    if session.exec(query).first() is not None:
        raise WorkflowError(_("Another scale is already called “{name}”; choose another name.",
                              name=name), field="name")
    return name


def _ordinal_count(labels: list[RatingLabel]) -> int:
    return sum(1 for label in labels if label.value is not None)


def _check_ordinal_minimum(scale: RatingScale, labels: list[RatingLabel], *,
                           field: str | None = None) -> None:
    """An active ordinal scale keeps two ordinal labels (ClaimReview needs worst < best)."""
    if scale.is_active and scale.mode == ScaleMode.ORDINAL and _ordinal_count(labels) < 2:
        raise WorkflowError(
            _("“{name}” is the active scale: it must keep at least two labels with a numeric "
              "value. Use another scale first, or add a numeric label before this change.",
              name=scale.name),
            code="conflict", field=field,
        )


def contrast_with_white(colour: str) -> float:
    """The WCAG contrast ratio of `colour` (#rrggbb) against white."""

    def channel(hex_pair: str) -> float:
        c = int(hex_pair, 16) / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(colour[i:i + 2]) for i in (1, 3, 5))
    luminance = 0.2126 * r + 0.7152 * g + 0.0722 * b
    return 1.05 / (luminance + 0.05)


def _clean_colour(colour: str) -> str:
    colour = (colour or "").strip()
    if not is_hex_colour(colour):
        raise WorkflowError(
            _("Write the colour as # followed by six hexadecimal digits, e.g. #1b6e2e."),
            field="colour")
    colour = colour.lower()
    ratio = contrast_with_white(colour)
    if ratio < MIN_CONTRAST:
        raise WorkflowError(
            _("{colour} is too light: its contrast with white is {ratio:.1f}:1 and needs to "
              "be at least {minimum}:1 so that text in it stays readable. Choose a darker "
              "colour.", colour=colour, ratio=ratio, minimum=MIN_CONTRAST),
            field="colour")
    return colour


def _clean_key(key: str) -> str:
    key = (key or "").strip()
    if not KEY_PATTERN.fullmatch(key):
        raise WorkflowError(
            _("The key must be 1 to 40 characters: lowercase letters a to z, digits and hyphens, "
              "starting and ending with a letter or digit (e.g. mostly-true)."),
            field="key")
    return key


def _clean_value(scale: RatingScale, value: int | None) -> int | None:
    if value is None:
        return None
    if scale.mode == ScaleMode.CONCLUSION:
        raise WorkflowError(
            _("A conclusion-only scale has no numeric ratings; leave the value empty."),
            field="value")
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_VALUE:
        raise WorkflowError(
            _("The value must be a whole number from 1 to {n}, or empty for a label outside "
              "the scale's order (such as Unverifiable).", n=MAX_VALUE),
            field="value")
    return value


# Changes ---------------------------------------------------------------------------------


def activate_scale(session: Session, *, scale: RatingScale, actor: User) -> None:
    """Make `scale` the one scale reviewers and editors rate with."""
    if scale.is_active:
        return
    if scale.mode == ScaleMode.ORDINAL and _ordinal_count(scale_labels(session, scale)) < 2:
        raise WorkflowError(
            _("“{name}” needs at least two labels with a numeric value before it can be used.",
              name=scale.name))
    before = session.exec(
        select(RatingScale).where(col(RatingScale.is_active).is_(True))
    ).first()
    # One statement over every row: two administrators activating different scales at once
    # still leave exactly one active scale (the second UPDATE waits for the first).
    session.exec(
        update(RatingScale)
        .values(is_active=case((col(RatingScale.id) == scale.id, True), else_=False))
        .execution_options(synchronize_session=False)
    )
    for obj in list(session.identity_map.values()):
        if isinstance(obj, RatingScale):
            session.expire(obj, ["is_active"])
    record_audit(
        session, actor=actor, action="scale.activate", obj=scale,
        before={"id": before.id, "name": before.name} if before is not None else None,
        after={"id": scale.id, "name": scale.name},
    )


def copy_scale(session: Session, *, scale: RatingScale, name: str, actor: User) -> RatingScale:
    """An editable copy of `scale` with all its labels: not built-in and not active."""
    name = _clean_scale_name(session, name)
    copy = RatingScale(name=name, description=scale.description, mode=scale.mode,
                       is_active=False, is_builtin=False)
    session.add(copy)
    session.flush()
    labels = scale_labels(session, scale)
    for position, label in enumerate(labels):
        session.add(RatingLabel(
            scale_id=copy.id, key=label.key, name=label.name, position=position,
            value=label.value, colour=label.colour, symbol=label.symbol,
            description=label.description,
        ))
    session.flush()
    record_audit(session, actor=actor, action="scale.copy", obj=copy,
                 source={"id": scale.id, "name": scale.name}, name=name, labels=len(labels))
    return copy


def update_scale(session: Session, *, scale: RatingScale, name: str, description: str,
                 expected_version: int, actor: User) -> None:
    """Rename an editable scale or change its description.

    `expected_version` is the scale's version the administrator's form was rendered
    with; a different stored version is refused as a conflict, nothing is overwritten.
    """
    _check_editable(scale)
    _check_version(scale, expected_version)
    name = _clean_scale_name(session, name, exclude=scale)
    description = (description or "").strip()
    if len(description) > SCALE_DESCRIPTION_MAX:
        raise WorkflowError(
            _("The description is longer than {n} characters.", n=SCALE_DESCRIPTION_MAX),
            field="description")
    changes = {}
    for attr, value in (("name", name), ("description", description)):
        if getattr(scale, attr) != value:
            changes[attr] = {"before": getattr(scale, attr), "after": value}
            setattr(scale, attr, value)
    if changes:
        session.add(scale)
        session.flush()
        record_audit(session, actor=actor, action="scale.update", obj=scale, changes=changes)


def _label_snapshot(label: RatingLabel) -> dict:
    return {"key": label.key, "name": label.name, "value": label.value,
            "colour": label.colour, "symbol": label.symbol, "description": label.description,
            "position": label.position}


def save_label(
    session: Session,
    *,
    scale: RatingScale,
    label: RatingLabel | None = None,
    key: str,
    name: str,
    value: int | None,
    colour: str,
    symbol: str,
    description: str,
    actor: User,
    expected_version: int | None = None,
) -> RatingLabel:
    """Add a label to an editable scale (at the end), or change one of its labels.

    Changing a label needs `expected_version`, the label's version the administrator's
    form was rendered with; a different stored version is refused as a conflict.
    """
    _check_editable(scale)
    if label is not None:
        _check_belongs(scale, label)
        _check_version(label, expected_version)
    key = _clean_key(key)
    name = " ".join((name or "").split())
    if not name:
        raise WorkflowError(_("Give the label a name readers will see."), field="name")
    if len(name) > LABEL_NAME_MAX:
        raise WorkflowError(_("The name is longer than {n} characters.", n=LABEL_NAME_MAX),
                            field="name")
    value = _clean_value(scale, value)
    colour = _clean_colour(colour)
    symbol = (symbol or "").strip()
    if len(symbol) > SYMBOL_MAX:
        raise WorkflowError(_("The symbol is longer than {n} characters.", n=SYMBOL_MAX),
                            field="symbol")
    description = (description or "").strip()
    if len(description) > LABEL_DESCRIPTION_MAX:
        raise WorkflowError(
            _("The description is longer than {n} characters.", n=LABEL_DESCRIPTION_MAX),
            field="description")

    labels = scale_labels(session, scale)
    others = [other for other in labels if label is None or other.id != label.id]
    if any(other.key == key for other in others):
        raise WorkflowError(_("Another label of this scale already has the key “{key}”.",
                              key=key), field="key")
    if any(other.name.lower() == name.lower() for other in others):
        raise WorkflowError(_("Another label of this scale is already called “{name}”.",
                              name=name), field="name")
    if value is not None:
        same = next((other for other in others if other.value == value), None)
        if same is not None:
            raise WorkflowError(
                _("“{other}” already has the value {value}; each numeric value is used once "
                  "per scale.", other=same.name, value=value),
                field="value")

    if label is None:
        label = RatingLabel(scale_id=scale.id, key=key, name=name, value=value, colour=colour,
                            symbol=symbol, description=description,
                            position=max((other.position for other in labels), default=-1) + 1)
        session.add(label)
        session.flush()
        record_audit(session, actor=actor, action="scale.label_add", obj=label,
                     scale_id=scale.id, label=_label_snapshot(label))
        return label

    used = label_usage(session, [label.id]).get(label.id, 0)
    if used and (key != label.key or value != label.value):
        raise WorkflowError(
            _("“{name}” is the rating of {n} review(s) or decision(s), so its key and value "
              "cannot change (past verdicts would change meaning). Its name, colour, symbol "
              "and description can.", name=label.name, n=used),
            field="key" if key != label.key else "value", code="conflict")
    if label.value is not None and value is None:
        _check_ordinal_minimum(scale, others, field="value")
    before = _label_snapshot(label)
    label.key, label.name, label.value, label.colour = key, name, value, colour
    label.symbol, label.description = symbol, description
    after = _label_snapshot(label)
    changes = {k: {"before": before[k], "after": after[k]} for k in before
               if before[k] != after[k]}
    if changes:
        session.add(label)
        session.flush()
        record_audit(session, actor=actor, action="scale.label_edit", obj=label,
                     scale_id=scale.id, changes=changes)
    return label


def delete_label(session: Session, *, scale: RatingScale, label: RatingLabel,
                 actor: User) -> None:
    """Remove a label that no verdict uses from an editable scale no verdict uses."""
    _check_editable(scale)
    _check_belongs(scale, label)
    view = scale_view(session, scale)
    used = view.usage.get(label.id, 0)
    if used:
        raise WorkflowError(
            _("“{name}” cannot be deleted: it is the rating of {n} review(s) or decision(s). "
              "You can still rename it or change its colour, symbol and description.",
              name=label.name, n=used),
            code="conflict")
    if view.verdicts:
        raise WorkflowError(
            _("“{scale}” has already been used for {n} verdict(s), so it cannot lose a label. "
              "Make a copy of the scale to work on a different set of labels.",
              scale=scale.name, n=view.verdicts),
            code="conflict")
    remaining = [other for other in view.labels if other.id != label.id]
    if label.value is not None:
        _check_ordinal_minimum(scale, remaining)
    snapshot = _label_snapshot(label)
    label_id = label.id
    session.delete(label)
    session.flush()
    _renumber(session, remaining)
    record_audit(session, actor=actor, action="scale.label_delete", obj=scale,
                 label_id=label_id, label=snapshot)


def _renumber(session: Session, labels: list[RatingLabel]) -> None:
    for position, label in enumerate(labels):
        if label.position != position:
            label.position = position
            session.add(label)
    session.flush()


def move_label(session: Session, *, scale: RatingScale, label: RatingLabel, offset: int,
               actor: User) -> None:
    """Move a label up (offset -1) or down (+1) in its scale's display order."""
    _check_editable(scale)
    _check_belongs(scale, label)
    labels = scale_labels(session, scale)
    index = next(i for i, other in enumerate(labels) if other.id == label.id)
    target = index + offset
    if not 0 <= target < len(labels) or offset == 0:
        return
    labels.insert(target, labels.pop(index))
    _renumber(session, labels)
    record_audit(session, actor=actor, action="scale.label_move", obj=label,
                 scale_id=scale.id, before=index, after=target)
