"""The single place user-facing text goes through: gettext-style translation.

`_` translates a message now, `_l` when it is shown (form labels and other
module-level text, which would otherwise be frozen in the language of the first
import), `ngettext` picks the plural form for a count. Placeholders are
`{name}` and are filled in after translation.

Catalogues are `translations/<locale>/LC_MESSAGES/messages.po`. This module stays
free of Flask so that the engine, workflow and queries can use it: the web layer
plugs in where the current locale comes from (`use_locale_source`, Flask-Babel's
per-request choice), and work without a request picks one with `in_locale`.
"""

from __future__ import annotations

import contextlib
import contextvars
import io
from collections.abc import Callable, Iterator
from functools import cache
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import LazyProxy, NullTranslations, Translations

# The interface's languages, each named in itself (what a reader looks for in a list).
LANGUAGES = {"en": "English", "fa_AF": "دری", "ps": "پښتو"}
DEFAULT_LOCALE = "en"
CATALOGUES = Path(__file__).resolve().parent / "translations"
DOMAIN = "messages"
# Locales whose numbers are written in Eastern Arabic (Persian) digits; Babel formats
# their separators but leaves the digits Latin, so they are mapped here.
_PERSIAN_DIGITS = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")
_LOCALE_DIGITS = {"fa": _PERSIAN_DIGITS, "ps": _PERSIAN_DIGITS}

_NO_TRANSLATION = NullTranslations()
_source: Callable[[], str | None] | None = None
_forced: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "factcheck_locale", default=None)


def use_locale_source(source: Callable[[], str | None]) -> None:
    """Take the current locale from `source` (the web layer's per-request choice)."""
    global _source
    _source = source


@contextlib.contextmanager
def in_locale(locale: str | None) -> Iterator[None]:
    """Translate into `locale` inside the block (mail and other work without a request)."""
    token = _forced.set(locale or DEFAULT_LOCALE)
    try:
        yield
    finally:
        _forced.reset(token)


def current_locale() -> str:
    """The locale text is translated into right now ("en" when nothing chose one)."""
    forced = _forced.get()
    if forced is not None:
        return forced
    chosen = _source() if _source is not None else None
    return chosen or DEFAULT_LOCALE


@cache
def catalogue(locale: str) -> NullTranslations:
    """The translations of `locale`, compiled in memory from its .po file (no build step,
    so a checkout never runs on a stale .mo); English and unknown locales translate nothing."""
    path = CATALOGUES / locale / "LC_MESSAGES" / f"{DOMAIN}.po"
    if not path.is_file():
        return _NO_TRANSLATION
    with path.open("rb") as po:
        messages = read_po(po, locale=locale)
    compiled = io.BytesIO()
    write_mo(compiled, messages)  # fuzzy entries are left out, as gettext does
    compiled.seek(0)
    return Translations(fp=compiled, domain=DOMAIN)


def local_digits(text: str, locale: str | None = None) -> str:
    """`text` with its digits written as `locale` (default: the current one) writes them."""
    table = _LOCALE_DIGITS.get((locale or current_locale()).split("_")[0])
    return text.translate(table) if table else text


class _Number:
    # A number placed in a message: formatted as asked ({n}, {n:,}, {x:.1f}), then
    # written in the locale's digits.
    __slots__ = ("value",)

    def __init__(self, value: int | float) -> None:
        self.value = value

    def __format__(self, spec: str) -> str:
        return local_digits(format(self.value, spec))


def _(message: str, **values: object) -> str:
    """Translate `message` and fill in `{name}` placeholders from `values`."""
    translated = catalogue(current_locale()).gettext(message)
    return translated.format(**_shown(values)) if values else translated


def ngettext(singular: str, plural: str, n: int, **values: object) -> str:
    """Translate the form of `singular`/`plural` that fits `n`; `{n}` is the count."""
    return catalogue(current_locale()).ngettext(singular, plural, n).format(
        **_shown({"n": n, **values}))


def _shown(values: dict[str, object]) -> dict[str, object]:
    return {key: _Number(value) if type(value) in (int, float) else value
            for key, value in values.items()}


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
    "removed": _l("Removed"),
    # Claim kinds
    "factual": _l("Factual"),
    "attributed": _l("Attributed"),
    "opinion": _l("Opinion"),
    "question": _l("Question"),
    "prediction": _l("Prediction"),
    "demand": _l("Demand"),
    # Reviewers' confidence
    "low": _l("Low"),
    "medium": _l("Medium"),
    "high": _l("High"),
    # Evidence stances
    "supports": _l("Supports"),
    "refutes": _l("Refutes"),
    "context": _l("Context"),
    # Corrections
    "verdict": _l("Verdict"),
    "wording": _l("Wording"),
    "claimant": _l("Claimant"),
    # Background jobs and webhook deliveries
    "pending": _l("Pending"),
    "running": _l("Running"),
    "done": _l("Done"),
    "failed": _l("Failed"),
    "delivered": _l("Delivered"),
    # Preserved copies of evidence pages
    "preserved": _l("Preserved"),
    "not_preserved": _l("Not preserved"),
    # Link health of cited pages
    "alive": _l("Alive"),
    "changed": _l("Changed"),
    "gone": _l("Gone"),
    # Mail choices
    "immediate": _l("At once"),
    "digest": _l("Daily digest"),
    "off": _l("Off"),
    # Reader reports
    "new": _l("New"),
    "triaged": _l("Triaged"),
    "closed": _l("Closed"),
    # Rating scales
    "ordinal": _l("Ordinal"),
    "conclusion": _l("Conclusion"),
    # Notification kinds
    "assigned": _l("Assigned"),
    "unassigned": _l("Taken off"),
    "sent_back": _l("Sent back"),
    "ready_for_decision": _l("Ready for decision"),
    "corrected": _l("Corrected"),
    "report": _l("Reader report"),
    "mention": _l("Mention"),
    "due_tomorrow": _l("Due tomorrow"),
    "overdue": _l("Overdue"),
    # Webhook formats
    "json": _l("JSON"),
    "slack": _l("Slack"),
}


def status_label(value: object) -> str:
    """The display name of a role, status or queue state."""
    key = str(value)
    label = _LABELS.get(key)
    return str(label) if label is not None else key.replace("_", " ").capitalize()
