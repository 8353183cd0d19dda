"""Absolute links to the public site, as readers, feeds and the API give them."""

from __future__ import annotations

from flask import url_for


def check_url(slug: str) -> str:
    """The absolute address of a check's verdict page."""
    return url_for("public.check", slug=slug, _external=True)


def home_url() -> str:
    """The absolute address of the site's front page."""
    return url_for("main.index", _external=True)
