"""The JSON API, version 1: published checks for everyone, the workflow for token holders.

`core` holds the blueprint and its conventions; the other modules register operations on
it, and `openapi` describes them all.
"""

from . import (  # noqa: F401 (they register the routes and hooks)
    articles,
    checks,
    claims,
    idempotency,
    matches,
    notifications,
    openapi,
)
from .core import bp

__all__ = ["bp"]
