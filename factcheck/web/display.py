"""What templates may call: the translation and label functions, Markdown, text direction,
search highlighting, verdict bars and what a correction changed."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import groupby

from flask import Flask
from markupsafe import Markup, escape

from ..engine.search_text import is_word_char, words
from ..engine.splitting.language import text_direction
from ..i18n import _, ngettext, status_label
from ..markdown import render_markdown
from ..states import CorrectionKind, Role
from .access import current_user
from .notifications import attention_badge, reports_badge, unread_badge
from .score_reasons import reason_label

SNIPPET_WIDTH = 220  # characters of a conclusion shown around the first match
NO_LABEL_COLOUR = "#5f6b7a"  # a verdict without a (valid) label colour


def highlight(text: str | None, terms: Iterable[str], *, width: int | None = None) -> Markup:
    """`text` escaped, with words matching `terms` in <mark>; cut to about `width` chars."""
    text, wanted = text or "", frozenset(terms)
    spans: list[tuple[int, int, bool]] = []
    position = 0
    for is_word, run in groupby(text, is_word_char):
        chunk = "".join(run)
        end = position + len(chunk)
        spans.append((position, end, is_word and bool(wanted.intersection(words(chunk)))))
        position = end
    start, stop = 0, len(text)
    if width is not None and len(text) > width:
        # Start a third of the width before the first match, on a word boundary.
        hit = next((s for s, _e, marked in spans if marked), 0)
        start = max(0, hit - width // 3)
        start = next((s for s, _e, _m in spans if s >= start), start)
        stop = start + width
        stop = next((e for _s, e, _m in spans if e >= stop), stop)
    parts = [Markup("…") if start > 0 else Markup("")]
    for s, e, marked in spans:
        if e <= start or s >= stop:
            continue
        piece = escape(text[s:e])
        parts.append(Markup("<mark>{}</mark>").format(piece) if marked else piece)
    parts.append(Markup("…") if stop < len(text) else Markup(""))
    return Markup("").join(parts)


def snippet(text: str | None, terms: Iterable[str]) -> Markup:
    """Part of `text` around the first match, escaped, with the matched words in <mark>."""
    return highlight(text, terms, width=SNIPPET_WIDTH)


@dataclass(frozen=True)
class Bar:
    """One verdict's segment of a distribution: x and width in percent of all its claims."""

    name: str | None  # the verdict's name; None for a decision without a label
    n: int
    x: float
    width: float
    colour: str


def verdict_bars(counts: Sequence[Sequence], colours: dict[str, str]) -> list[Bar]:
    """The segments of a verdict distribution, (name, claims) pairs, in the given order."""
    total = sum(n for _name, n in counts) or 1
    bars, x = [], 0.0
    for name, n in counts:
        width = round(100 * n / total, 2)
        bars.append(Bar(name=name, n=n, x=round(x, 2), width=width,
                        colour=colours.get(name or "", NO_LABEL_COLOUR)))
        x += width
    return bars


def correction_change(kind: str, before: str, after: str) -> str:
    """What a correction changed, before and after, in one sentence ("" if only the
    conclusion of a verdict changed)."""
    if kind == CorrectionKind.WORDING:
        return _("Wording changed from “{before}” to “{after}”.", before=before, after=after)
    if kind == CorrectionKind.CLAIMANT:
        return _("Claimant changed from {before} to {after}.", before=before or _("not named"),
                 after=after or _("not named"))
    if before != after:
        return _("Rating changed from {before} to {after}.", before=before or _("no label"),
                 after=after or _("no label"))
    return ""


def register_template_helpers(app: Flask) -> None:
    """Give every template the globals and filters above, and the signed-in user."""
    app.jinja_env.globals.update(_=_, ngettext=ngettext, status_label=status_label, Role=Role,
                                 reason_label=reason_label,
                                 correction_change=correction_change,
                                 unread_notifications=unread_badge,
                                 attention_count=attention_badge,
                                 new_reports_count=reports_badge,
                                 # A claim that starts with its own quotation mark is
                                 # not wrapped in another (“"Flooding…"”).
                                 QUOTE_MARKS='"\u201c\u201d\u201e\u00ab\u00bb\u2018\u2019\u201a\'')
    app.jinja_env.filters.update(markdown=render_markdown, text_dir=text_direction,
                                 highlight=highlight, snippet=snippet, verdict_bars=verdict_bars)
    app.context_processor(lambda: {"current_user": current_user()})
