"""Trusting the reverse proxies in front of the app (werkzeug's ProxyFix)."""

from __future__ import annotations

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix


def trust_proxies(app: Flask) -> None:
    """Take the client address and scheme from the headers set by PROXY_COUNT proxies.

    Each proxy appends to X-Forwarded-For, so exactly PROXY_COUNT values from the right
    are believed; anything further left was written by the client and is ignored. The
    Host header is not taken from X-Forwarded-Host: the proxy passes Host through.
    """
    count = app.config["PROXY_COUNT"]
    if not isinstance(count, int) or isinstance(count, bool) or count < 0:
        raise ValueError(f"PROXY_COUNT must be a whole number of proxies (0 or more), "
                         f"not {count!r}")
    if count:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count)
