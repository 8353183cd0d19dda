"""Absolute links to the site, as readers, feeds, mail, webhooks and the API give them.

With `FACTCHECK_PUBLIC_URL` set, every absolute link is built on it, never on the `Host`
of the request that caused it (a forged Host must not reach a password-reset mail).
Without it, a page links to the address it was asked on, and background work (mail,
webhooks), which has no request, to `DEFAULT_PUBLIC_URL`, where `factcheck run` serves.
"""

from __future__ import annotations

from urllib.parse import quote, urlsplit

from flask import current_app, has_request_context, url_for

DEFAULT_PUBLIC_URL = "http://127.0.0.1:5000/"


def public_base() -> str:
    """The site's public address, ending in "/" (FACTCHECK_PUBLIC_URL or the default)."""
    base = (current_app.config.get("PUBLIC_URL") or "").strip() or DEFAULT_PUBLIC_URL
    return base if base.endswith("/") else base + "/"


def public_url(endpoint: str, *, _anchor: str | None = None, **values) -> str:
    """The absolute address of `endpoint` on the site's public address, request or not."""
    parts = urlsplit(public_base())
    adapter = current_app.url_map.bind(parts.netloc, script_name=parts.path or "/",
                                       url_scheme=parts.scheme)
    url = adapter.build(endpoint, values, force_external=True)
    return f"{url}#{quote(_anchor)}" if _anchor else url


def absolute_url(endpoint: str, *, _anchor: str | None = None, **values) -> str:
    """An absolute link for a page, a feed or an API answer: on FACTCHECK_PUBLIC_URL when
    it is set, else on the address the page was asked on."""
    if current_app.config.get("PUBLIC_URL") or not has_request_context():
        return public_url(endpoint, _anchor=_anchor, **values)
    return url_for(endpoint, _anchor=_anchor, _external=True, **values)


def check_url(slug: str) -> str:
    """The absolute address of a check's verdict page."""
    return absolute_url("public.check", slug=slug)


def home_url() -> str:
    """The absolute address of the site's front page."""
    return absolute_url("main.index")
