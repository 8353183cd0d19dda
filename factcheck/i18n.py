"""The single place user-facing text goes through, so it can be translated later.

`_` marks a message for translation (gettext style); it returns the message
unchanged until a catalogue is plugged in here.
"""

from __future__ import annotations


def _(message: str, **values: object) -> str:
    """Translate `message` and fill in `{name}` placeholders from `values`."""
    return message.format(**values) if values else message


# Display names of stored states and roles (the stored values stay English keys).
_LABELS = {
    "reviewer": "Reviewer",
    "editor": "Editor",
    "admin": "Administrator",
    "draft": "Draft",
    "in_review": "In review",
    "published": "Published",
    "unpublished": "Unpublished",
    "archived": "Archived",
    "candidate": "Candidate",
    "selected": "Selected",
    "dismissed": "Dismissed",
    "reviewed": "Reviewed",
    "decided": "Decided",
    "needs_reanchor": "Text changed: check the claim",
    "to_do": "To do",
    "in_progress": "In progress",
    "submitted": "Submitted",
    "withdrawn": "Withdrawn (reviewer removed)",
}


def status_label(value: object) -> str:
    """The display name of a role, status or queue state."""
    key = str(value)
    return _(_LABELS.get(key, key.replace("_", " ").capitalize()))
