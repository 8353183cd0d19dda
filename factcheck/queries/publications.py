"""Reads of the live (published, not withdrawn) checks, shared by the feeds and the API."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import cached_property
from typing import Literal

from sqlalchemy import func
from sqlmodel import Session, col, select

from ..engine.snapshot import Snapshot
from ..i18n import _, ngettext
from ..models import Article, Claim, ClaimMatch, Evidence, EvidenceCapture, Publication
from ..states import ArticleStatus, CaptureStatus, ClaimStatus, MatchSource, MatchStatus


@dataclass(frozen=True)
class LiveCheck:
    """A published check as readers see it now."""

    publication: Publication  # the live (not withdrawn) publication and its snapshot
    first_published: datetime  # when the check first went public
    modified: datetime  # its latest publication or correction, as on the verdict page

    @cached_property  # read once: a feed or export asks for it several times per check
    def snapshot(self) -> Snapshot:
        """The live publication's snapshot, typed."""
        return Snapshot.from_json(self.publication.snapshot)

    @property
    def slug(self) -> str:
        """The address of the check's verdict page."""
        return self.snapshot.article.slug


@dataclass(frozen=True)
class PublishingState:
    """What every list of live checks depends on; any publish, withdrawal or correction
    changes it (a new publication gets a higher id, a withdrawal lowers the count)."""

    live: int
    newest_id: int | None
    last_published: datetime | None
    last_withdrawn: datetime | None
    last_corrected: datetime | None

    @property
    def changed(self) -> datetime | None:
        """When the set of live checks last changed, or None if nothing was ever published."""
        times = [t for t in (self.last_published, self.last_withdrawn, self.last_corrected) if t]
        return max(times, default=None)

    @property
    def version(self) -> tuple:
        """Everything a view over the live checks depends on (part of its ETag)."""
        return (self.live, self.newest_id, self.last_published, self.last_withdrawn,
                self.last_corrected)


def _modified_expression():
    return func.coalesce(Article.last_corrected_at, Publication.published_at)


def publishing_state(session: Session) -> PublishingState:
    """The publishing state in one query of five subqueries, each answered from an index
    (a scan of the publications would read every snapshot)."""
    live = col(Publication.withdrawn_at).is_(None)
    query = select(
        select(func.count()).select_from(Publication).where(live).scalar_subquery(),
        select(func.max(Publication.id)).where(live).scalar_subquery(),
        select(func.max(Publication.published_at)).scalar_subquery(),
        select(func.max(Publication.withdrawn_at)).scalar_subquery(),
        # A check is live exactly while its article is published.
        select(func.max(Article.last_corrected_at))
        .where(Article.status == ArticleStatus.PUBLISHED).scalar_subquery())
    return PublishingState(*session.exec(query).one())


def live_checks(session: Session, *, newest: Literal["published", "modified"] = "published",
                limit: int | None = None, offset: int = 0) -> list[LiveCheck]:
    """Live checks, newest first by first publication (stable for paging) or by last change."""
    if newest == "modified":
        order = (_modified_expression().desc(), col(Publication.id).desc())
    else:
        order = (col(Article.published_at).desc(), col(Article.id).desc())
    # The article's status repeats what the live publication says, so that the newest
    # first are read in the order of the (status, published_at) index.
    query = (select(Publication, Article.published_at, Article.last_corrected_at)
             .join(Article, col(Article.id) == Publication.article_id)
             .where(col(Publication.withdrawn_at).is_(None),
                    Article.status == ArticleStatus.PUBLISHED)
             .order_by(*order).offset(offset).limit(limit))
    return [LiveCheck(publication, first or publication.published_at,
                      corrected or publication.published_at)
            for publication, first, corrected in session.exec(query).all()]


def verdict_summary(snapshot: Snapshot) -> str:
    """One line for readers: claims checked, verdict counts, claims still being checked."""
    text = ngettext("{n} claim checked", "{n} claims checked", snapshot.checked)
    counts = ", ".join(f"{name or _('no label')}: {n}" for name, n in snapshot.counts)
    text += f" ({counts})." if counts else "."
    if snapshot.open:
        text += " " + ngettext("{n} more is still being checked.",
                               "{n} more are still being checked.", snapshot.open)
    return text


def live_slugs(session: Session, *, limit: int) -> list[tuple[str, datetime]]:
    """(slug, last change) of the live checks, most recently changed first."""
    query = (select(Article.slug, _modified_expression())
             .join(Publication, col(Publication.article_id) == Article.id)
             .where(col(Publication.withdrawn_at).is_(None))
             .order_by(_modified_expression().desc(), col(Article.id).desc())
             .limit(limit))
    return list(session.exec(query).all())


def live_publication(session: Session, slug: str) -> tuple[Article, Publication | None] | None:
    """The article with this slug and its live publication (None if withdrawn); one query."""
    query = (select(Article, Publication)
             .outerjoin(Publication, (col(Publication.article_id) == Article.id)
                        & col(Publication.withdrawn_at).is_(None))
             .where(Article.slug == slug))
    row = session.exec(query).first()
    return (row[0], row[1]) if row else None


def _sources_changed():
    """When the preserved copies readers see of the article's sources last changed: the
    latest preserved capture, or the latest edit of a source (its public-copy switch)."""
    of_article = (col(Claim.id) == Evidence.claim_id) & (Claim.article_id == Article.id)
    captured = (select(func.max(EvidenceCapture.captured_at))
                .join(Evidence, col(Evidence.id) == EvidenceCapture.evidence_id)
                .join(Claim, of_article)
                .where(EvidenceCapture.status == CaptureStatus.PRESERVED)
                .correlate(Article).scalar_subquery())
    edited = (select(func.max(Evidence.updated_at)).join(Claim, of_article)
              .correlate(Article).scalar_subquery())
    return captured, edited


def _linked_checks_changed():
    """The state of the desk's own checks the article's claims match (its verdict page links
    them, "also checked by us", with their verdicts now): the newest live publication among
    them, how many are live, and the newest and number of the matches themselves."""
    def of_article(*columns):
        return (select(*columns).join(Claim, col(Claim.id) == ClaimMatch.claim_id)
                .where(Claim.article_id == Article.id, ClaimMatch.source == MatchSource.OWN,
                       ClaimMatch.status != MatchStatus.DISMISSED).correlate(Article))

    live = (col(Publication.article_id).in_(of_article(ClaimMatch.matched_article_id)),
            col(Publication.withdrawn_at).is_(None))
    return (select(func.max(Publication.id)).where(*live).correlate(Article).scalar_subquery(),
            select(func.count(Publication.id)).where(*live).correlate(Article).scalar_subquery(),
            of_article(func.max(ClaimMatch.matched_at)).scalar_subquery(),
            of_article(func.count(ClaimMatch.id)).scalar_subquery())


def live_publication_stamp(session: Session, slug: str):
    """(article id, first published, last corrected, live publication id, its date,
    latest preserved capture of a source, latest edit of a source, then the state of the
    checks it links as "also checked": newest live publication, live count, newest match,
    match count) or None.

    Only small columns: enough to answer a conditional request without loading the
    snapshot. The publication fields are None when the check is not live.
    """
    query = (select(Article.id, Article.published_at, Article.last_corrected_at,
                    Publication.id, Publication.published_at, *_sources_changed(),
                    *_linked_checks_changed())
             .outerjoin(Publication, (col(Publication.article_id) == Article.id)
                        & col(Publication.withdrawn_at).is_(None))
             .where(Article.slug == slug))
    return session.exec(query).first()


def claim_shown_publicly(session: Session, claim: Claim) -> bool:
    """Whether readers see the claim's words: it is published, or its live check shows it
    (also as "still being checked")."""
    if claim.status == ClaimStatus.PUBLISHED:
        return True
    query = (select(Publication)
             .join(Article, col(Article.id) == Publication.article_id)
             .where(Publication.article_id == claim.article_id,
                    col(Publication.withdrawn_at).is_(None),
                    Article.status == ArticleStatus.PUBLISHED))
    publication = session.exec(query).first()
    return publication is not None and any(
        item.id == claim.id for item in Snapshot.from_json(publication.snapshot).claims)
