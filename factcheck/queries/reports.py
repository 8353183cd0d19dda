"""Readers' reports as the editors see them: the triage inbox (a status at a time, with the
counts of each), one report with its thread of replies, and whom a reply can go to.

What a report page shows is the reader's words, the claim's words and the editors' own
replies: never a reviewer's verdict, draft or comment, so blind review holds here too.
"""

from __future__ import annotations

from dataclasses import dataclass

from email_validator import EmailNotValidError, validate_email
from sqlalchemy.orm import defer
from sqlmodel import Session, col, func, select

from ..engine.snapshot import Snapshot, SnapshotError
from ..models import Article, Claim, Job, Publication, ReaderReport, ReportReply, User
from ..states import ClaimStatus, JobStatus, ReportStatus
from .paging import PER_PAGE, Page, paginate_sections

# The inbox's sections, in order: each is one range of the (status, created_at) index.
INBOX_ORDER = (ReportStatus.NEW, ReportStatus.TRIAGED, ReportStatus.CLOSED)
ALL = "all"
_WITHOUT_BODY = defer(Article.body)


def reply_key(reply_id: int) -> str:
    """The job key of a reply's mail: one job per reply, however often it is asked for."""
    return f"mail:report_reply:{reply_id}"


def reply_address(contact: str | None) -> str | None:
    """The reader's address when the contact they left is a valid e-mail address, else None
    (no reply can be sent: no form is shown and the workflow refuses)."""
    contact = (contact or "").strip()
    if not contact or len(contact) > 254:
        return None
    try:
        return validate_email(contact, check_deliverability=False).normalized
    except EmailNotValidError:
        return None


@dataclass(frozen=True)
class PublicPlace:
    """Where readers see what a report is about: the live check and the claim's anchor."""

    slug: str
    anchor: str | None  # "claim-3", or None for the check as a whole / a claim not shown


@dataclass(frozen=True)
class ReportRow:
    """One report of the inbox with what it is about."""

    report: ReaderReport
    article: Article | None
    claim: Claim | None
    public: PublicPlace | None  # None when the check is not live
    replies: int
    reply_to: str | None  # the reader's valid e-mail address, if they left one

    @property
    def verdict_published(self) -> bool:
        """Whether the claim's verdict is published: a correction of it goes through the
        decision page (its words and claimant through the claim page)."""
        return self.claim is not None and self.claim.status == ClaimStatus.PUBLISHED


@dataclass(frozen=True)
class ReportInbox:
    """A page of the inbox, the status shown ("all" or one), and the count of each tab."""

    page: Page[ReportRow]
    status: str
    counts: dict[str, int]


def report_counts(session: Session) -> dict[str, int]:
    """How many reports have each status, and all of them (one query)."""
    found = dict(session.exec(select(ReaderReport.status, func.count())
                              .group_by(ReaderReport.status)).all())
    counts = {str(status): found.get(status, 0) for status in INBOX_ORDER}
    counts[ALL] = sum(counts.values())
    return counts


def new_report_count(session: Session) -> int:
    """Reports no editor has triaged yet (the unread ones): a count on the status index."""
    return session.exec(select(func.count()).select_from(ReaderReport).where(
        ReaderReport.status == ReportStatus.NEW)).one()


def _public_places(session: Session, rows: list[tuple[ReaderReport, Article | None,
                                                        Claim | None]]
                   ) -> dict[int, PublicPlace]:
    """Each report's place on its live verdict page (one query for the page's articles)."""
    article_ids = sorted({article.id for _r, article, _c in rows if article is not None})
    if not article_ids:
        return {}
    numbers: dict[int, dict[int, int]] = {}  # article id -> claim id -> public number
    for article_id, data in session.exec(
            select(Publication.article_id, Publication.snapshot)
            .where(col(Publication.article_id).in_(article_ids),
                   col(Publication.withdrawn_at).is_(None))).all():
        try:
            claims = Snapshot.from_json(data).claims
        except SnapshotError:
            continue  # a snapshot this version cannot read: no public link, still a row
        numbers[article_id] = {c.id: c.number for c in claims}
    places = {}
    for report, article, claim in rows:
        if article is None or article.id not in numbers:
            continue
        number = numbers[article.id].get(claim.id) if claim is not None else None
        places[report.id] = PublicPlace(slug=article.slug,
                                        anchor=f"claim-{number}" if number else None)
    return places


def _reply_counts(session: Session, report_ids: list[int]) -> dict[int, int]:
    if not report_ids:
        return {}
    return dict(session.exec(select(ReportReply.report_id, func.count())
                             .where(col(ReportReply.report_id).in_(report_ids))
                             .group_by(ReportReply.report_id)).all())


def _base_query():
    return (select(ReaderReport, Article, Claim)
            .outerjoin(Article, col(Article.id) == ReaderReport.article_id)
            .outerjoin(Claim, col(Claim.id) == ReaderReport.claim_id)
            .options(_WITHOUT_BODY)
            .order_by(col(ReaderReport.created_at).desc(), col(ReaderReport.id).desc()))


def report_inbox(session: Session, *, status: str = ALL, page: int = 1,
                 per_page: int = PER_PAGE) -> ReportInbox:
    """A page of the triage inbox: one status, or all (new, then triaged, then closed),
    newest first within each. A fixed number of queries whatever the page holds."""
    counts = report_counts(session)
    shown = [s for s in INBOX_ORDER if status in (ALL, str(s))]
    found = paginate_sections(
        session, [(counts[str(s)], _base_query().where(ReaderReport.status == s))
                  for s in shown], page=page, per_page=per_page)
    rows = list(found.items)
    places = _public_places(session, rows)
    replies = _reply_counts(session, [report.id for report, _a, _c in rows])
    items = [ReportRow(report=report, article=article, claim=claim,
                       public=places.get(report.id), replies=replies.get(report.id, 0),
                       reply_to=reply_address(report.contact))
             for report, article, claim in rows]
    return ReportInbox(page=Page(items=items, number=found.number, per_page=found.per_page,
                                 total=found.total),
                       status=status, counts=counts)


@dataclass(frozen=True)
class ReplyView:
    """One reply of a report's thread and how its mail fared."""

    reply: ReportReply
    author: User | None
    mail: str  # "sent", "pending" (waiting or retrying) or "failed"


@dataclass(frozen=True)
class ReportThread:
    """One report, what it is about, and the editors' replies, oldest first."""

    row: ReportRow
    replies: list[ReplyView]


def report_thread(session: Session, report: ReaderReport) -> ReportThread:
    """The report page: the report with its article and claim, and its replies (3 queries
    after the report's own)."""
    article = session.get(Article, report.article_id) if report.article_id else None
    claim = session.get(Claim, report.claim_id) if report.claim_id else None
    rows = [(report, article, claim)]
    places = _public_places(session, rows)
    found = list(session.exec(
        select(ReportReply, User).outerjoin(User, col(User.id) == ReportReply.author_id)
        .where(ReportReply.report_id == report.id)
        .order_by(col(ReportReply.created_at), col(ReportReply.id))).all())
    # Every reply's mail job is written with the reply, and housekeeping deletes only
    # finished jobs: an unsent reply whose job is neither waiting nor running has failed.
    waiting: set[str] = set()
    keys = [reply_key(reply.id) for reply, _u in found if reply.sent_at is None]
    if keys:
        waiting = set(session.exec(select(Job.key).where(
            col(Job.key).in_(keys),
            col(Job.status).in_([JobStatus.PENDING, JobStatus.RUNNING]))).all())
    replies = [ReplyView(reply=reply, author=author,
                         mail="sent" if reply.sent_at is not None
                         else "pending" if reply_key(reply.id) in waiting else "failed")
               for reply, author in found]
    row = ReportRow(report=report, article=article, claim=claim, public=places.get(report.id),
                    replies=len(replies), reply_to=reply_address(report.contact))
    return ReportThread(row=row, replies=replies)
