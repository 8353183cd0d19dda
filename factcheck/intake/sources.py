"""Turning what an editor brings (pasted text, a file, a web page) into article text."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import PurePath

from ..i18n import _
from .fetch import FetchedPage

TEXT_SUFFIXES = {".txt", ".text", ".md", ".markdown"}
HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
ACCEPTED_SUFFIXES = sorted(TEXT_SUFFIXES | HTML_SUFFIXES)
MIN_ARTICLE_WORDS = 5


class IntakeError(Exception):
    """The input cannot become an article; the message is for the user."""


@dataclass
class ImportedText:
    """Article text with whatever metadata the source carried."""

    text: str
    title: str | None = None
    author: str | None = None
    outlet: str | None = None
    published_on: date | None = None
    url: str | None = None


def decode_text(data: bytes) -> str:
    """Decode UTF-8 (with or without BOM), refusing binary data and other encodings."""
    if b"\x00" in data:
        raise IntakeError(_("The file is not a text file."))
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise IntakeError(
            _("The file is not UTF-8 text (byte {pos} cannot be read). Save it as UTF-8 and "
              "try again.", pos=exc.start)
        ) from exc


_MD_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_MD_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+", re.M)
# Emphasis markers only at word edges: "my_var_name" and "2*3*4" stay as they are.
_MD_EMPHASIS = re.compile(r"(?<![\w*])(\*\*|__|\*|_)(?=[^\s*_])(.+?)(?<=[^\s*_])\1(?![\w*])")


def markdown_to_text(markdown: str) -> str:
    """Plain text of a Markdown article: links, headings and emphasis markers removed."""
    text = _MD_LINK.sub(r"\1", markdown)
    text = _MD_HEADING.sub("", text)
    return _MD_EMPHASIS.sub(r"\2", text)


def extract_html(html: str | bytes, *, url: str | None = None) -> ImportedText:
    """The main text and metadata of a web page (boilerplate, menus and footers removed)."""
    import trafilatura  # imported lazily: lxml is only needed when HTML arrives

    document = trafilatura.bare_extraction(
        html, url=url, with_metadata=True, favor_precision=True,
        include_comments=False, include_tables=False,
    )
    data = document.as_dict() if document is not None else {}
    text = (data.get("text") or "").strip()
    title = (data.get("title") or "").strip() or None
    if title and text.startswith(title + "\n"):
        text = text[len(title) + 1 :]  # the headline is metadata, not a claim
    if len(text.split()) < MIN_ARTICLE_WORDS:  # a menu or a cookie banner is not an article
        raise IntakeError(_("No article text could be found on that page."))
    return ImportedText(
        text=text,
        title=title,
        author=(data.get("author") or None),
        outlet=(data.get("sitename") or None),
        published_on=_parse_date(data.get("date")),
        url=url,
    )


def _parse_date(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value[:10]) if value else None
    except ValueError:
        return None


def text_from_upload(filename: str, data: bytes) -> ImportedText:
    """Article text from an uploaded .txt, .md or .html file."""
    suffix = PurePath(filename or "").suffix.lower()
    if suffix not in TEXT_SUFFIXES | HTML_SUFFIXES:
        raise IntakeError(
            _("Upload a text, Markdown or HTML file ({types}).", types=", ".join(ACCEPTED_SUFFIXES))
        )
    text = decode_text(data)
    if suffix in HTML_SUFFIXES:
        return extract_html(text)
    if suffix in {".md", ".markdown"}:
        text = markdown_to_text(text)
    return ImportedText(text=text)


def text_from_page(page: FetchedPage) -> ImportedText:
    """Article text and metadata from a fetched web page."""
    if page.content_type == "text/plain":
        return ImportedText(text=decode_text(page.content), url=page.url)
    return extract_html(page.content, url=page.url)


def read_source(
    *,
    text: str | None,
    upload: tuple[str, bytes] | None,
    url: str | None,
    fetch_options: dict,
) -> ImportedText:
    """The article from whichever source the editor gave: pasted text, a file or a URL."""
    if text and text.strip():
        return ImportedText(text=text)
    if upload is not None:
        return text_from_upload(*upload)
    if url:
        from .fetch import FetchError, fetch_page

        try:
            page = fetch_page(url, **fetch_options)
        except FetchError as exc:
            raise IntakeError(str(exc)) from exc
        return text_from_page(page)
    raise IntakeError(_("Paste the article, upload a file, or enter a web address."))
