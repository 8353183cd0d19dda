"""The message catalogues: extract every user-facing text, merge it into each language's
.po file, and report what is missing a translation.

Built on Babel's own extraction (Python sources and Jinja templates), so the keywords
the code uses (`_`, `_l`, `ngettext`) are declared once, here.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from string import Formatter

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

from ..i18n import CATALOGUES, DEFAULT_LOCALE, DOMAIN, LANGUAGES

PACKAGE = Path(__file__).resolve().parent.parent
KEYWORDS = {"_": None, "_l": None, "ngettext": (1, 2)}
_PYTHON = [("**.py", "python")]
_TEMPLATES = [("**.html", "jinja2"), ("**.txt", "jinja2")]
_HEADER = ("# {language} ({locale}) translations of the factcheck interface and its e-mails.\n"
           "# Distributed under the same licence as factcheck. Keep every {{placeholder}}\n"
           "# of a message in its translation; `factcheck translations check` verifies it.")
_JINJA = {"**.html": {"extensions": "jinja2.ext.i18n"},
          "**.txt": {"extensions": "jinja2.ext.i18n"}}


def _templates_dir() -> Path:
    # A wheel ships the templates inside the package; a checkout keeps them at the top.
    packaged = PACKAGE / "templates"
    return packaged if packaged.is_dir() else PACKAGE.parent / "templates"


def extract_messages() -> Catalog:
    """Every translatable message of the code and the templates, with where it is used."""
    catalog = Catalog(project="factcheck", domain=DOMAIN, locale=None)
    sources = ((PACKAGE, _PYTHON, {}, "factcheck"),
               (_templates_dir(), _TEMPLATES, _JINJA, "templates"))
    for root, method_map, options, prefix in sources:
        for filename, line, message, comments, context in extract_from_dir(
                root, method_map, options, keywords=KEYWORDS, comment_tags=("Translators:",),
                strip_comment_tags=True):
            catalog.add(message, None, [(f"{prefix}/{filename}", line)],
                        auto_comments=comments, context=context)
    return catalog


def catalogue_path(locale: str) -> Path:
    """Where the .po file of `locale` lives."""
    return CATALOGUES / locale / "LC_MESSAGES" / f"{DOMAIN}.po"


def update_catalogues() -> dict[str, int]:
    """Merge the extracted messages into every language's .po file (new ones empty, gone
    ones dropped); returns, per language, how many messages still need a translation."""
    template = extract_messages()
    missing = {}
    for locale in LANGUAGES:
        if locale == DEFAULT_LOCALE:
            continue
        path = catalogue_path(locale)
        if path.is_file():
            with path.open("rb") as po:
                catalog = read_po(po, locale=locale)
            # No fuzzy matching: a guessed translation of a similar text is worse than none.
            catalog.update(template, no_fuzzy_matching=True)
        else:
            catalog = Catalog(locale=locale, domain=DOMAIN, project="factcheck")
            catalog.update(template, no_fuzzy_matching=True)
        catalog.fuzzy = False  # the header is ours, not a guess
        catalog.header_comment = _HEADER.format(language=LANGUAGES[locale], locale=locale)
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("wb") as po:
            write_po(po, catalog, width=100, omit_header=False, ignore_obsolete=True,
                     sort_output=False)
        missing[locale] = len(untranslated(catalog))
    return missing


@dataclass(frozen=True)
class Gap:
    """A message a catalogue does not translate, and why."""

    locale: str
    message: str
    reason: str


def untranslated(catalog: Catalog) -> list[str]:
    """The message ids of `catalog` with an empty or fuzzy translation."""
    gaps = []
    for message in catalog:
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple | list) else (
            message.string,)
        if message.fuzzy or not all(strings):
            gaps.append(message.id if isinstance(message.id, str) else message.id[0])
    return gaps


def catalogue_gaps() -> list[Gap]:
    """Every extracted message that some language does not translate."""
    wanted = {m.id if isinstance(m.id, str) else m.id[0] for m in extract_messages() if m.id}
    gaps = []
    for locale in LANGUAGES:
        if locale == DEFAULT_LOCALE:
            continue
        path = catalogue_path(locale)
        if not path.is_file():
            gaps.extend(Gap(locale, message, "no catalogue") for message in sorted(wanted))
            continue
        with path.open("rb") as po:
            catalog = read_po(po, locale=locale)
        present = {m.id if isinstance(m.id, str) else m.id[0] for m in catalog if m.id}
        gaps.extend(Gap(locale, message, "not in the catalogue")
                    for message in sorted(wanted - present))
        gaps.extend(Gap(locale, message, "not translated")
                    for message in untranslated(catalog) if message in wanted)
        gaps.extend(Gap(locale, message, reason) for message, reason in _placeholder_errors(
            catalog))
    return gaps


def _placeholders(text: str) -> set[str]:
    try:
        return {name for _text, name, _spec, _conv in Formatter().parse(text)
                if name is not None}
    except ValueError as error:  # an unbalanced brace would fail at run time
        return {f"<{error}>"}


def _placeholder_errors(catalog: Catalog) -> list[tuple[str, str]]:
    # A translation that drops, renames or adds a {placeholder} fails when it is shown.
    errors = []
    for message in catalog:
        if not message.id or message.fuzzy:
            continue
        ids = message.id if isinstance(message.id, tuple | list) else (message.id,)
        strings = message.string if isinstance(message.string, tuple | list) else (
            message.string,)
        wanted = set().union(*(_placeholders(text) for text in ids))
        for text in strings:
            if text and _placeholders(text) - wanted:
                errors.append((ids[0], f"placeholders {sorted(_placeholders(text) - wanted)} "
                                       f"not in the message {sorted(wanted)}"))
                break
            if text and len(ids) == 1 and _placeholders(text) != wanted:
                errors.append((ids[0], f"placeholders {sorted(_placeholders(text))} "
                                       f"instead of {sorted(wanted)}"))
                break
    return errors
