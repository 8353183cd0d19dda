"""Organisation-wide settings stored in the database, with their defaults."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from ..models import Setting

DEFAULTS: dict[str, Any] = {
    "reviews_required": 2,  # independent submitted reviews before an editor may decide
    "allow_self_assign": False,  # reviewers may pick up selected, unassigned claims
    "org_name": "Fact-check desk",  # the fact-checking organisation, on pages and in markup
    "org_url": "",  # its home page; empty: this site
    "org_logo_url": "",  # an http(s) image address, shown on public pages
    "org_contact": "",  # how readers reach the desk (email or page address)
    "methodology": "",  # Markdown: how the desk chooses and checks claims
    "corrections_policy": "",  # Markdown: how and when the desk corrects itself
    "default_locale": "en",  # the interface language when neither user nor browser chose one
    # Whether a reviewer sees colleagues' evidence before submitting their own verdict
    # ("after_submitting") or at once ("always"): evidence and its stance show how a
    # colleague leans, so blind review hides it by default.
    "evidence_visibility": "after_submitting",
}


def get_setting(session: Session, key: str) -> Any:
    """The stored value of `key`, or its default."""
    row = session.get(Setting, key)
    return row.value if row is not None else DEFAULTS[key]
