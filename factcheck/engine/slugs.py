"""URL slugs that keep the words of any script (Dari, Pashto, ...), for articles and claimants.

python-slugify with `allow_unicode=True`: a Persian-script title keeps its words instead of
falling back to a bare "article". Accents on Latin letters are still dropped ("café" gives
"cafe"), so Latin titles get the same slugs as before.
"""

from __future__ import annotations

import unicodedata

from slugify import slugify

SLUG_MAX = 80


def _drop_latin_accents(text: str) -> str:
    """Remove combining marks that follow an ASCII letter; other scripts keep theirs."""
    out: list[str] = []
    for char in unicodedata.normalize("NFKD", text):
        if unicodedata.category(char) == "Mn" and out and out[-1].isascii():
            continue
        out.append(char)
    return unicodedata.normalize("NFC", "".join(out))


def make_slug(text: str, *, fallback: str, max_length: int = SLUG_MAX) -> str:
    """A lower-case, hyphenated slug of `text`'s words (any script), or `fallback`."""
    slug = slugify(_drop_latin_accents(text), allow_unicode=True, max_length=max_length,
                   replacements=[("'", "-"), ("\u2019", "-")])
    return slug.strip("-") or fallback


def with_suffix(base: str, taken: set[str]) -> str:
    """`base`, or `base-2`, `base-3`, ... : the first not in `taken`."""
    slug, n = base, 1
    while slug in taken:
        n += 1
        slug = f"{base}-{n}"
    return slug
