"""Articles: intake of the text exactly as received."""

from __future__ import annotations

import re
import unicodedata
from datetime import date

from sqlmodel import Session, select

from ..i18n import _
from ..models import Article, User
from .audit import record_audit
from .errors import WorkflowError

DEFAULT_MAX_BYTES = 1_000_000
_SLUG_MAX = 80


def normalise_text(text: str) -> str:
    """Normalise line endings to \\n; everything else is kept verbatim."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def slugify(title: str) -> str:
    """A URL slug of ASCII letters, digits and hyphens for `title`."""
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_title.lower()).strip("-")
    return slug[:_SLUG_MAX].rstrip("-") or "article"


def unique_slug(session: Session, title: str) -> str:
    """`slugify(title)`, suffixed with -2, -3, ... until no article uses it."""
    base = slugify(title)
    taken = set(session.exec(select(Article.slug).where(Article.slug.startswith(base))).all())
    slug, n = base, 1
    while slug in taken:
        n += 1
        slug = f"{base}-{n}"
    return slug


def create_article(
    session: Session,
    *,
    title: str,
    body: str,
    actor: User | None,
    source_url: str | None = None,
    outlet: str | None = None,
    author: str | None = None,
    published_on: date | None = None,
    language: str | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> Article:
    """Store a new article with its text verbatim (line endings normalised)."""
    body = normalise_text(body)
    if not body.strip():
        raise WorkflowError(_("The article text is empty."), field="body")
    size = len(body.encode("utf-8"))
    if size > max_bytes:
        raise WorkflowError(
            _(
                "The article text is {size:,} bytes; the limit is {limit:,} bytes.",
                size=size,
                limit=max_bytes,
            ),
            field="body",
        )
    title = title.strip()
    if not title:
        raise WorkflowError(_("The article needs a title."), field="title")
    article = Article(
        title=title,
        body=body,
        source_url=source_url or None,
        outlet=outlet or None,
        author=author or None,
        published_on=published_on,
        language=language or None,
        slug=unique_slug(session, title),
        created_by_id=actor.id if actor is not None else None,
    )
    session.add(article)
    session.flush()
    record_audit(session, actor=actor, action="article.create", obj=article, bytes=size)
    return article
