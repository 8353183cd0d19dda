"""The single place user-facing text goes through: gettext-style translation.

`_` translates a message now, `_l` when it is shown (form labels and other
module-level text, which would otherwise be frozen in the language of the first
import), `ngettext` picks the plural form for a count. Placeholders are
`{name}` and are filled in after translation.

This module stays free of Flask so that the engine, workflow and queries can use
it: the web layer plugs in where the current catalogue comes from
(`use_translations`, Flask-Babel's per-request choice), and background work
without a request picks a language with `in_locale`.
"""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Callable, Iterator

from babel.support import LazyProxy, NullTranslations

_NO_TRANSLATION = NullTranslations()
_source: Callable[[], NullTranslations] | None = None
_forced: contextvars.ContextVar[NullTranslations | None] = contextvars.ContextVar(
    "factcheck_translations", default=None)


def use_translations(source: Callable[[], NullTranslations]) -> None:
    """Take the current catalogue from `source` (the web layer's per-request choice)."""
    global _source
    _source = source


@contextlib.contextmanager
def in_locale(translations: NullTranslations) -> Iterator[None]:
    """Translate with `translations` inside the block (mail and other work without a request)."""
    token = _forced.set(translations)
    try:
        yield
    finally:
        _forced.reset(token)


def _current() -> NullTranslations:
    forced = _forced.get()
    if forced is not None:
        return forced
    return _source() if _source is not None else _NO_TRANSLATION


def _(message: str, **values: object) -> str:
    """Translate `message` and fill in `{name}` placeholders from `values`."""
    translated = _current().gettext(message)
    return translated.format(**values) if values else translated


def ngettext(singular: str, plural: str, n: int, **values: object) -> str:
    """Translate the form of `singular`/`plural` that fits `n`; `{n}` is the count."""
    return _current().ngettext(singular, plural, n).format(n=n, **values)


def _l(message: str, **values: object) -> LazyProxy:
    """`_`, translated each time the text is shown rather than once at import."""
    return LazyProxy(_, message, enable_cache=False, **values)


# Display names of stored states and roles (the stored values stay English keys).
_LABELS = {
    "reviewer": _l("Reviewer"),
    "editor": _l("Editor"),
    "admin": _l("Administrator"),
    "draft": _l("Draft"),
    "in_review": _l("In review"),
    "published": _l("Published"),
    "unpublished": _l("Unpublished"),
    "archived": _l("Archived"),
    "candidate": _l("Candidate"),
    "selected": _l("Selected"),
    "dismissed": _l("Dismissed"),
    "reviewed": _l("Reviewed"),
    "decided": _l("Decided"),
    "needs_reanchor": _l("Text changed: check the claim"),
    "to_do": _l("To do"),
    "in_progress": _l("In progress"),
    "submitted": _l("Submitted"),
    "withdrawn": _l("Withdrawn (reviewer removed)"),
}


def status_label(value: object) -> str:
    """The display name of a role, status or queue state."""
    key = str(value)
    label = _LABELS.get(key)
    return str(label) if label is not None else key.replace("_", " ").capitalize()
