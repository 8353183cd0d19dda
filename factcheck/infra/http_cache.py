"""Public responses that browsers, proxies and CDNs may reuse: ETags and conditional GETs."""

from __future__ import annotations

import hashlib
from collections.abc import Callable

from flask import Response, request

from ..i18n import current_locale

MAX_AGE = 300  # seconds readers, feed readers and proxies may reuse a public response
# Part of every ETag: bump it when the output of a view changes shape.
FORMAT_VERSION = 1


def make_etag(kind: str, *parts: object) -> str:
    """A short opaque ETag for a view `kind` computed from `parts`."""
    # The interface language is part of every public answer (labels, dates, digits).
    parts = (*parts, current_locale())
    digest = hashlib.sha256(repr((FORMAT_VERSION, kind, parts)).encode()).hexdigest()
    return f"{kind}-{digest[:32]}"


def conditional(etag: str, build: Callable[[], Response]) -> Response:
    """304 when the client already has `etag`, else `build()`; publicly cacheable either way."""
    response = Response(status=304) if request.if_none_match.contains_weak(etag) else build()
    response.set_etag(etag)
    response.cache_control.public = True
    response.cache_control.max_age = MAX_AGE
    return response
