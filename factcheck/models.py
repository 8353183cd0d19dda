"""The whole data model of factcheck, as SQLModel tables.

Conventions: every table has an integer `id`; timestamps are aware UTC
(`UTCDateTime`); statuses are enums from `factcheck.states`; records that
people edit concurrently carry a `version` column used for optimistic locking
(SQLAlchemy `version_id_col`: a stale UPDATE raises `StaleDataError`).
"""

import re
from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Column, Index, Integer, LargeBinary, Text, UniqueConstraint
from sqlalchemy import true as sa_true
from sqlmodel import Field, SQLModel

from .dbtypes import UTCDateTime, enum_type, utcnow
from .states import (
    ArticleStatus,
    CaptureStatus,
    ClaimKind,
    ClaimStatus,
    Confidence,
    CorrectionKind,
    DeliveryStatus,
    JobStatus,
    LinkStatus,
    MailDelivery,
    MatchSource,
    MatchStatus,
    NotificationKind,
    ReportStatus,
    ReviewStatus,
    Role,
    ScaleMode,
    Stance,
    WaybackStatus,
    WebhookFormat,
)

# Deterministic constraint names keep Alembic migrations portable.
SQLModel.metadata.naming_convention = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def _created(*, index: bool = False) -> Any:
    return Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False, index=index)


def _timestamp(*, nullable: bool = True, index: bool = False) -> Any:
    return Field(default=None, sa_type=UTCDateTime, nullable=nullable, index=index)


def _text(*, nullable: bool = False) -> Any:
    return Field(default="", sa_type=Text, nullable=nullable)


def _version_column() -> Column:
    return Column("version", Integer, nullable=False, default=1)


_user_version = _version_column()


class User(SQLModel, table=True):
    __tablename__ = "users"
    __mapper_args__ = {"version_id_col": _user_version}

    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(max_length=254, unique=True, index=True)
    display_name: str = Field(max_length=120)
    password_hash: str = Field(default="", max_length=255)
    role: Role = Field(default=Role.REVIEWER, sa_type=enum_type(Role), nullable=False)
    is_active: bool = Field(default=True)
    # Bumped to revoke every session and invitation link of this user at once.
    session_version: int = Field(default=1)
    created_at: datetime = _created()
    last_login_at: datetime | None = _timestamp()
    # Interface language ("en", "fa_AF", "ps"); None: the browser's, else the desk's default.
    locale: str | None = Field(default=None, max_length=10)
    # Optimistic locking of the admin's edit form (any change to the row bumps it).
    version: int = Field(default=1, sa_column=_user_version)


_article_version = _version_column()


class Article(SQLModel, table=True):
    __tablename__ = "articles"
    __mapper_args__ = {"version_id_col": _article_version}
    __table_args__ = (
        # The public lists, newest first, and the latest correction of a live check: read
        # from the index alone (the row itself starts with the text, which can be long).
        Index("ix_articles_status_published_at", "status", "published_at"),
        Index("ix_articles_status_last_corrected_at", "status", "last_corrected_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    title: str = Field(max_length=300)
    # The text exactly as imported (line endings normalised); claim spans index into it.
    body: str = _text()
    source_url: str | None = Field(default=None, max_length=2048)
    outlet: str | None = Field(default=None, max_length=200)
    author: str | None = Field(default=None, max_length=200)
    published_on: date | None = None
    language: str | None = Field(default=None, max_length=16)
    status: ArticleStatus = Field(
        default=ArticleStatus.DRAFT, sa_type=enum_type(ArticleStatus), nullable=False, index=True
    )
    slug: str = Field(max_length=120, unique=True, index=True)
    revision: int = Field(default=1)
    created_by_id: int | None = Field(default=None, foreign_key="users.id")
    created_at: datetime = _created(index=True)  # the editors' article list, newest first
    updated_at: datetime = _created()
    published_at: datetime | None = _timestamp()
    last_corrected_at: datetime | None = _timestamp()
    version: int = Field(default=1, sa_column=_article_version)


class ArticleRevision(SQLModel, table=True):
    """An earlier text of an article, kept when the editor changes the text."""

    __tablename__ = "article_revisions"
    __table_args__ = (UniqueConstraint("article_id", "number"),)

    id: int | None = Field(default=None, primary_key=True)
    article_id: int = Field(foreign_key="articles.id", index=True, ondelete="CASCADE")
    number: int
    body: str = _text()
    created_by_id: int | None = Field(default=None, foreign_key="users.id")
    created_at: datetime = _created()


_claimant_version = _version_column()


class Claimant(SQLModel, table=True):
    """Who made claims: one record per person or body, shared by their claims in any article.

    `key` is the name normalised (case, spacing, titles): the same full name is the same
    claimant by default. A record merged into another keeps its row (`merged_into_id`) so
    that its old public address redirects to the kept one.
    """

    __tablename__ = "claimants"
    __mapper_args__ = {"version_id_col": _claimant_version}

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200)
    key: str = Field(max_length=200, index=True)
    description: str = Field(default="", max_length=300)
    same_as: str | None = Field(default=None, max_length=2048)
    slug: str = Field(max_length=120, unique=True, index=True)
    merged_into_id: int | None = Field(default=None, foreign_key="claimants.id",
                                       ondelete="SET NULL")
    created_at: datetime = _created()
    updated_at: datetime = _created()
    version: int = Field(default=1, sa_column=_claimant_version)


_claim_version = _version_column()


class Claim(SQLModel, table=True):
    __tablename__ = "claims"
    __mapper_args__ = {"version_id_col": _claim_version}

    id: int | None = Field(default=None, primary_key=True)
    article_id: int = Field(foreign_key="articles.id", index=True, ondelete="CASCADE")
    position: int = Field(default=0)
    # Character span [start, end) into Article.body.
    start: int
    end: int
    text: str = _text()
    kind: ClaimKind = Field(default=ClaimKind.FACTUAL, sa_type=enum_type(ClaimKind), nullable=False)
    score: float = Field(default=0.0)
    claimant: str | None = Field(default=None, max_length=200)  # the claimant's full name
    # The claim in a few of its own words (ClaimReview's claimReviewed and the verdict
    # page's heading): the engine's proposal, or what the editor wrote; "" only for rows
    # made before the column existed and not backfilled (readers then get a proposal).
    short_claim: str = Field(default="", max_length=140, nullable=False,
                             sa_column_kwargs={"server_default": ""})
    claimant_id: int | None = Field(default=None, foreign_key="claimants.id", index=True,
                                    ondelete="SET NULL")
    # Reported speech: where the article names the source, [start, end) into Article.body
    # (for "he said", where the name it stands for was written); for an attributed claim
    # its content (the quotation or that-clause without the reporting frame) with the
    # content's own kind and score. Null for claims made before these existed.
    claimant_start: int | None = None
    claimant_end: int | None = None
    content_start: int | None = None
    content_end: int | None = None
    content_kind: str | None = Field(default=None, max_length=16)
    content_score: float | None = None
    claim_date: date | None = None
    status: ClaimStatus = Field(
        default=ClaimStatus.CANDIDATE, sa_type=enum_type(ClaimStatus), nullable=False, index=True
    )
    # A sub-claim (one atomic statement of a sentence, or a fact it presupposes) points at
    # the sentence's claim. `origin`: sentence | atomic | presupposed. No ON DELETE: the
    # one workflow that deletes a claim (a merge) hands its sub-claims to the merged one,
    # and SQLite cannot reflect an inline ON DELETE added by ALTER TABLE (migration 0029).
    parent_id: int | None = Field(default=None, foreign_key="claims.id", index=True)
    origin: str = Field(default="sentence", max_length=20, nullable=False,
                        sa_column_kwargs={"server_default": "sentence"})
    # Why the engine scored it so: feature name -> contribution, shown to editors.
    features: dict[str, float] = Field(default_factory=dict, sa_type=JSON, nullable=False)
    dismissal_reason: str = _text()
    created_at: datetime = _created()
    updated_at: datetime = _created()
    version: int = Field(default=1, sa_column=_claim_version)


class Assignment(SQLModel, table=True):
    __tablename__ = "assignments"
    __table_args__ = (
        UniqueConstraint("claim_id", "reviewer_id"),
        # A reviewer's queue, earliest due first, read a page at a time.
        Index("ix_assignments_queue", "reviewer_id", "due_on", "assigned_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    claim_id: int = Field(foreign_key="claims.id", index=True, ondelete="CASCADE")
    reviewer_id: int = Field(foreign_key="users.id", index=True)
    assigned_by_id: int | None = Field(default=None, foreign_key="users.id")
    assigned_at: datetime = _created()
    due_on: date | None = None


class ConflictDeclaration(SQLModel, table=True):
    """A reviewer's declared conflict of interest on a claim or a whole article."""

    __tablename__ = "conflict_declarations"

    id: int | None = Field(default=None, primary_key=True)
    reviewer_id: int = Field(foreign_key="users.id", index=True)
    article_id: int | None = Field(default=None, foreign_key="articles.id", ondelete="CASCADE",
                                   index=True)
    claim_id: int | None = Field(default=None, foreign_key="claims.id", ondelete="CASCADE",
                                 index=True)
    reason: str = _text()
    created_at: datetime = _created()


_evidence_version = _version_column()


class Evidence(SQLModel, table=True):
    __tablename__ = "evidence"
    __mapper_args__ = {"version_id_col": _evidence_version}

    id: int | None = Field(default=None, primary_key=True)
    claim_id: int = Field(foreign_key="claims.id", index=True, ondelete="CASCADE")
    added_by_id: int | None = Field(default=None, foreign_key="users.id")
    url: str = Field(max_length=2048)
    title: str = Field(default="", max_length=300)
    publisher: str = Field(default="", max_length=200)
    published_on: date | None = None
    accessed_at: datetime = _created()
    quote: str = _text()
    stance: Stance = Field(default=Stance.CONTEXT, sa_type=enum_type(Stance), nullable=False)
    archive_url: str | None = Field(default=None, max_length=2048)
    note: str = _text()
    created_at: datetime = _created()
    updated_at: datetime = _created()
    # Removed from the claim's list, but kept while reviews cite it (they may not be ours
    # to see: whether a removal is possible must never depend on colleagues' drafts).
    removed_at: datetime | None = _timestamp()
    removed_by_id: int | None = Field(default=None, foreign_key="users.id")
    # Whether readers may open the preserved copy of the page from the verdict page; the
    # publisher turns it off for copyright reasons ("preserved copy available on request").
    public_copy: bool = Field(default=True, nullable=False,
                              sa_column_kwargs={"server_default": sa_true()})
    version: int = Field(default=1, sa_column=_evidence_version)


class EvidenceVersion(SQLModel, table=True):
    """An earlier state of an evidence item, kept at each edit (what a review cited)."""

    __tablename__ = "evidence_versions"
    __table_args__ = (UniqueConstraint("evidence_id", "number"),)

    id: int | None = Field(default=None, primary_key=True)
    evidence_id: int = Field(foreign_key="evidence.id", index=True, ondelete="CASCADE")
    number: int  # the evidence's version these fields were
    fields: dict[str, Any] = Field(default_factory=dict, sa_type=JSON, nullable=False)
    edited_by_id: int | None = Field(default=None, foreign_key="users.id")
    created_at: datetime = _created()


class EvidenceCapture(SQLModel, table=True):
    """A preserved copy of an evidence page, fetched by a background job.

    Asked for when evidence is added or its address changes, or again by hand; earlier
    copies are kept. `warc` holds the exchange as fetched (a gzipped WARC file with the
    request and response records) when the copies are kept in the database; kept in a
    directory or a bucket, `storage_key` is its address there instead
    (factcheck/infra/archive_storage.py). `sha256` is the hash of the body as received;
    `text` the page's main text, where the evidence's quote was looked for.
    """

    __tablename__ = "evidence_captures"
    # The latest capture of each evidence item, and how many were preserved.
    __table_args__ = (Index("ix_evidence_captures_evidence_id_id", "evidence_id", "id"),)

    id: int | None = Field(default=None, primary_key=True)
    evidence_id: int = Field(foreign_key="evidence.id", ondelete="CASCADE")
    url: str = Field(sa_type=Text, nullable=False)  # the address asked for
    status: CaptureStatus = Field(default=CaptureStatus.PENDING,
                                  sa_type=enum_type(CaptureStatus), nullable=False)
    reason: str = _text()  # why it failed or was not preserved, for the desk
    requested_by_id: int | None = Field(default=None, foreign_key="users.id",
                                        ondelete="SET NULL")
    requested_at: datetime = _created()
    captured_at: datetime | None = _timestamp()
    final_url: str | None = Field(default=None, sa_type=Text)  # after redirects
    http_status: int | None = None
    content_type: str | None = Field(default=None, max_length=255)
    sha256: str | None = Field(default=None, max_length=64)
    title: str = _text()
    text: str = _text()
    quote_start: int | None = None
    quote_end: int | None = None
    quote_found: bool | None = None
    warc: bytes | None = Field(default=None, sa_type=LargeBinary)
    size: int | None = None  # bytes of the body as received
    storage_key: str | None = Field(default=None, sa_type=Text)  # None: `warc` holds it
    # The Internet Archive's snapshot of the page (Save Page Now), when it is asked for:
    # status None: not asked (FACTCHECK_WAYBACK_SAVE off, or the page was not preserved).
    wayback_status: WaybackStatus | None = Field(default=None, sa_type=enum_type(WaybackStatus),
                                                 nullable=True)
    wayback_url: str | None = Field(default=None, sa_type=Text)
    wayback_reason: str = Field(default="", sa_type=Text, nullable=False,
                                sa_column_kwargs={"server_default": ""})


class LinkCheck(SQLModel, table=True):
    """One re-request of a cited page of a published check (`factcheck check-links`).

    `status` compares the body as answered now with the latest preserved copy
    (`capture_id`); every check is kept, the latest per evidence item is what editors see.
    """

    __tablename__ = "link_checks"
    # The latest check of each evidence item.
    __table_args__ = (Index("ix_link_checks_evidence_id_id", "evidence_id", "id"),)

    id: int | None = Field(default=None, primary_key=True)
    evidence_id: int = Field(foreign_key="evidence.id", ondelete="CASCADE")
    url: str = Field(sa_type=Text, nullable=False)  # the address requested
    checked_at: datetime = _created()
    status: LinkStatus = Field(sa_type=enum_type(LinkStatus), nullable=False)
    http_status: int | None = None
    final_url: str | None = Field(default=None, sa_type=Text)  # after redirects
    sha256: str | None = Field(default=None, max_length=64)  # of the body as received now
    reason: str = _text()  # what changed or why it is gone, for the desk
    # The preserved copy compared against (None: none was preserved).
    capture_id: int | None = Field(default=None, foreign_key="evidence_captures.id",
                                   ondelete="SET NULL")


_scale_version = _version_column()


class RatingScale(SQLModel, table=True):
    __tablename__ = "rating_scales"
    __mapper_args__ = {"version_id_col": _scale_version}

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=120, unique=True)
    description: str = _text()
    mode: ScaleMode = Field(default=ScaleMode.ORDINAL, sa_type=enum_type(ScaleMode), nullable=False)
    is_active: bool = Field(default=False)
    # Built-in presets are read-only; administrators copy one to adapt it.
    is_builtin: bool = Field(default=False)
    created_at: datetime = _created()
    version: int = Field(default=1, sa_column=_scale_version)


_label_version = _version_column()


class RatingLabel(SQLModel, table=True):
    """One verdict of a scale; `value` is None for non-ordinal labels ("Unverifiable")."""

    __tablename__ = "rating_labels"
    __table_args__ = (UniqueConstraint("scale_id", "key"),)
    __mapper_args__ = {"version_id_col": _label_version}

    id: int | None = Field(default=None, primary_key=True)
    scale_id: int = Field(foreign_key="rating_scales.id", index=True, ondelete="CASCADE")
    key: str = Field(max_length=40)
    name: str = Field(max_length=80)
    position: int = Field(default=0)
    value: int | None = None
    colour: str = Field(default="#666666", max_length=7)
    symbol: str = Field(default="", max_length=8)
    description: str = _text()
    version: int = Field(default=1, sa_column=_label_version)


_review_version = _version_column()


class Review(SQLModel, table=True):
    """One reviewer's independent verdict on a claim."""

    __tablename__ = "reviews"
    __table_args__ = (UniqueConstraint("claim_id", "reviewer_id"),)
    __mapper_args__ = {"version_id_col": _review_version}

    id: int | None = Field(default=None, primary_key=True)
    claim_id: int = Field(foreign_key="claims.id", index=True, ondelete="CASCADE")
    reviewer_id: int = Field(foreign_key="users.id", index=True)
    rating_id: int | None = Field(default=None, foreign_key="rating_labels.id")
    rationale: str = _text()
    confidence: Confidence = Field(
        default=Confidence.MEDIUM, sa_type=enum_type(Confidence), nullable=False
    )
    status: ReviewStatus = Field(
        default=ReviewStatus.DRAFT, sa_type=enum_type(ReviewStatus), nullable=False
    )
    submitted_at: datetime | None = _timestamp()
    created_at: datetime = _created()
    updated_at: datetime = _created()
    version: int = Field(default=1, sa_column=_review_version)


class ReviewVersion(SQLModel, table=True):
    """A review as it stood at a submission or a removal: earlier verdicts are never lost."""

    __tablename__ = "review_versions"
    __table_args__ = (UniqueConstraint("review_id", "number"),)

    id: int | None = Field(default=None, primary_key=True)
    review_id: int = Field(foreign_key="reviews.id", index=True, ondelete="CASCADE")
    number: int
    reason: str = Field(max_length=40)  # submitted, removed
    status: ReviewStatus = Field(sa_type=enum_type(ReviewStatus), nullable=False)
    rating_id: int | None = Field(default=None, foreign_key="rating_labels.id")
    rationale: str = _text()
    confidence: Confidence = Field(
        default=Confidence.MEDIUM, sa_type=enum_type(Confidence), nullable=False
    )
    cited: list[int] = Field(default_factory=list, sa_type=JSON, nullable=False)
    # The reviewer had already been shown a colleague's verdict on the claim.
    after_seeing: bool = Field(default=False)
    created_by_id: int | None = Field(default=None, foreign_key="users.id")
    created_at: datetime = _created()


class ClaimParticipant(SQLModel, table=True):
    """A person's standing on a claim, kept when assignments come and go.

    Whoever is or was assigned is a reviewer of the claim for good (blind until they
    submit, never its decider); `saw_verdicts_at` is when another reviewer's verdict was
    first shown to them.
    """

    __tablename__ = "claim_participants"
    __table_args__ = (UniqueConstraint("claim_id", "user_id"),)

    id: int | None = Field(default=None, primary_key=True)
    claim_id: int = Field(foreign_key="claims.id", index=True, ondelete="CASCADE")
    user_id: int = Field(foreign_key="users.id", index=True)
    first_assigned_at: datetime | None = _timestamp()
    saw_verdicts_at: datetime | None = _timestamp()


class ReviewEvidence(SQLModel, table=True):
    """The evidence items a review cites."""

    __tablename__ = "review_evidence"

    review_id: int = Field(foreign_key="reviews.id", primary_key=True, ondelete="CASCADE")
    evidence_id: int = Field(foreign_key="evidence.id", primary_key=True, ondelete="CASCADE")


_decision_version = _version_column()


class Decision(SQLModel, table=True):
    """The editor's final verdict on a claim."""

    __tablename__ = "decisions"
    __mapper_args__ = {"version_id_col": _decision_version}

    id: int | None = Field(default=None, primary_key=True)
    claim_id: int = Field(foreign_key="claims.id", unique=True, ondelete="CASCADE")
    editor_id: int | None = Field(default=None, foreign_key="users.id")
    rating_id: int | None = Field(default=None, foreign_key="rating_labels.id")
    summary: str = _text()  # the public conclusion
    # The reasoning the verdict page publishes (Markdown), written by the editor, prefilled
    # from the reviewers' rationales, which are never published as such.
    public_reasoning: str = Field(default="", sa_type=Text, nullable=False,
                                  sa_column_kwargs={"server_default": ""})
    decided_at: datetime = _created()
    version: int = Field(default=1, sa_column=_decision_version)


class Comment(SQLModel, table=True):
    """Internal discussion on a claim among reviewers and editors; never public."""

    __tablename__ = "comments"

    id: int | None = Field(default=None, primary_key=True)
    claim_id: int = Field(foreign_key="claims.id", index=True, ondelete="CASCADE")
    author_id: int | None = Field(default=None, foreign_key="users.id")
    body: str = _text()
    created_at: datetime = _created()


class Correction(SQLModel, table=True):
    """A public, dated change to a published check."""

    __tablename__ = "corrections"

    id: int | None = Field(default=None, primary_key=True)
    article_id: int = Field(foreign_key="articles.id", index=True, ondelete="CASCADE")
    claim_id: int | None = Field(default=None, foreign_key="claims.id", ondelete="SET NULL")
    # Rows from before wording and claimant corrections are all verdict corrections.
    kind: CorrectionKind = Field(
        default=CorrectionKind.VERDICT, sa_type=enum_type(CorrectionKind), nullable=False,
        sa_column_kwargs={"server_default": CorrectionKind.VERDICT.value})
    note: str = _text()
    before: str = _text()
    after: str = _text()
    created_by_id: int | None = Field(default=None, foreign_key="users.id")
    created_at: datetime = _created(index=True)  # the public corrections page, newest first


class Publication(SQLModel, table=True):
    """A frozen snapshot of a published check; the latest live one is what readers see."""

    __tablename__ = "publications"
    __table_args__ = (UniqueConstraint("article_id", "number"),)

    id: int | None = Field(default=None, primary_key=True)
    article_id: int = Field(foreign_key="articles.id", index=True, ondelete="CASCADE")
    number: int
    snapshot: dict[str, Any] = Field(default_factory=dict, sa_type=JSON, nullable=False)
    published_by_id: int | None = Field(default=None, foreign_key="users.id")
    # The publishing state (feeds, API) reads these from their indexes, never the snapshots.
    published_at: datetime = _created(index=True)
    withdrawn_at: datetime | None = _timestamp(index=True)


class PageCache(SQLModel, table=True):
    """Rendered public pages shared by all workers; the key names the exact version."""

    __tablename__ = "page_cache"

    key: str = Field(primary_key=True, max_length=300)
    body: bytes = Field(sa_type=LargeBinary, nullable=False)
    created_at: datetime = _created()


class ReaderReport(SQLModel, table=True):
    """A reader's error report or claim suggestion, for the editors' triage inbox."""

    __tablename__ = "reader_reports"
    # The triage inbox reads each status newest first.
    __table_args__ = (Index("ix_reader_reports_status_created_at", "status", "created_at"),)

    id: int | None = Field(default=None, primary_key=True)
    article_id: int | None = Field(default=None, foreign_key="articles.id", ondelete="SET NULL")
    claim_id: int | None = Field(default=None, foreign_key="claims.id", ondelete="SET NULL")
    message: str = _text()
    contact: str = Field(default="", max_length=254)
    status: ReportStatus = Field(
        default=ReportStatus.NEW, sa_type=enum_type(ReportStatus), nullable=False
    )
    created_at: datetime = _created()


class ReportReply(SQLModel, table=True):
    """An editor's e-mail reply to the reader who sent a report (the report's thread).

    The job that mails it sets `sent_at` once the server accepted it, so a retried job
    never sends it twice.
    """

    __tablename__ = "report_replies"

    id: int | None = Field(default=None, primary_key=True)
    report_id: int = Field(foreign_key="reader_reports.id", index=True, ondelete="CASCADE")
    author_id: int | None = Field(default=None, foreign_key="users.id", ondelete="SET NULL")
    subject: str = Field(default="", max_length=200)
    body: str = _text()
    created_at: datetime = _created()
    sent_at: datetime | None = _timestamp()


class Notification(SQLModel, table=True):
    """One in-app notification of one user (written in the transaction of its event).

    `details` holds only what the sentence needs (an article title, a due date, the claim's
    words): never a rating, a rationale, a draft or a comment's text, so that no
    notification can break blind review.
    """

    __tablename__ = "notifications"
    # The unread count on every page and the inbox, a user's rows newest first.
    __table_args__ = (Index("ix_notifications_user_read", "user_id", "read_at", "id"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="users.id", index=True, ondelete="CASCADE")
    kind: NotificationKind = Field(sa_type=enum_type(NotificationKind), nullable=False)
    # What it is about; kept (without its link) when the claim, article or report goes.
    claim_id: int | None = Field(default=None, foreign_key="claims.id", ondelete="SET NULL")
    article_id: int | None = Field(default=None, foreign_key="articles.id",
                                   ondelete="SET NULL")
    report_id: int | None = Field(default=None, foreign_key="reader_reports.id",
                                  ondelete="SET NULL")
    actor_id: int | None = Field(default=None, foreign_key="users.id", ondelete="SET NULL")
    details: dict[str, Any] = Field(default_factory=dict, sa_type=JSON, nullable=False)
    created_at: datetime = _created(index=True)
    read_at: datetime | None = _timestamp()
    # When it went out by e-mail (on its own or in a digest): a retried job sends none twice.
    mailed_at: datetime | None = _timestamp()


class MailPreference(SQLModel, table=True):
    """How one user wants one kind of notification by e-mail; no row means immediately."""

    __tablename__ = "mail_preferences"

    user_id: int = Field(foreign_key="users.id", primary_key=True, ondelete="CASCADE")
    kind: NotificationKind = Field(sa_type=enum_type(NotificationKind), primary_key=True)
    delivery: MailDelivery = Field(sa_type=enum_type(MailDelivery), nullable=False)


class ReminderSent(SQLModel, table=True):
    """A due-date reminder sent for an assignment on a day (UTC).

    The unique (assignment, day) pair is what keeps reminders to at most one per assignment
    per day, however many workers or cron jobs run `send-reminders` at the same time.
    """

    __tablename__ = "reminders_sent"
    __table_args__ = (UniqueConstraint("assignment_id", "day"),)

    id: int | None = Field(default=None, primary_key=True)
    assignment_id: int = Field(foreign_key="assignments.id", ondelete="CASCADE")
    day: date
    kind: NotificationKind = Field(sa_type=enum_type(NotificationKind), nullable=False)
    sent_at: datetime = _created()


class AuditEvent(SQLModel, table=True):
    __tablename__ = "audit_events"
    # A claim's history: its events among those of every object.
    __table_args__ = (Index("ix_audit_events_object", "object_type", "object_id"),)

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False, index=True)
    actor_id: int | None = Field(default=None, foreign_key="users.id", index=True)
    action: str = Field(max_length=60, index=True)
    object_type: str | None = Field(default=None, max_length=40)
    object_id: int | None = None
    details: dict[str, Any] = Field(default_factory=dict, sa_type=JSON, nullable=False)


class ApiToken(SQLModel, table=True):
    """A personal API token; only its SHA-256 hash is stored."""

    __tablename__ = "api_tokens"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="users.id", index=True, ondelete="CASCADE")
    name: str = Field(default="", max_length=100)
    token_hash: str = Field(max_length=64, unique=True)
    prefix: str = Field(max_length=12)  # shown in lists so users can tell tokens apart
    created_at: datetime = _created()
    last_used_at: datetime | None = _timestamp()
    revoked_at: datetime | None = _timestamp()


class UserSession(SQLModel, table=True):
    """One signed-in browser (a device); its cookie holds a random key, stored here hashed."""

    __tablename__ = "user_sessions"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="users.id", index=True, ondelete="CASCADE")
    # SHA-256 of the key in the cookie: a copy of the database cannot sign anyone in.
    key_hash: str = Field(max_length=64, unique=True)
    created_at: datetime = _created()
    # Refreshed at most once a minute, so that reading pages does not write each time.
    last_seen_at: datetime = _created()
    ended_at: datetime | None = _timestamp()  # None while the session is active
    # logout, owner, logout_everywhere, password_changed, deactivated, idle, lifetime, ...
    ended_reason: str | None = Field(default=None, max_length=40)
    # Shown to the user to tell devices apart ("Firefox · Linux"); never trusted.
    user_agent: str = Field(default="", max_length=120)
    ip_address: str = Field(default="", max_length=45)  # as seen through trusted proxies


class Setting(SQLModel, table=True):
    """An organisation-wide setting (name, methodology, reviews required, ...)."""

    __tablename__ = "settings"

    key: str = Field(primary_key=True, max_length=80)
    value: Any = Field(default=None, sa_type=JSON)
    updated_at: datetime = _created()


class ThrottleHit(SQLModel, table=True):
    """One counted event (failed login, reader report) for limits shared by all workers."""

    __tablename__ = "throttle_hits"

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=200, index=True)
    at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False, index=True)


class FormSubmission(SQLModel, table=True):
    """A form's one-time token, spent by the first submission that committed.

    A double click or a resent form finds the token spent and is shown where the first
    submission led (`location`) instead of doing the work twice.
    """

    __tablename__ = "form_submissions"

    token: str = Field(primary_key=True, max_length=64)
    user_id: int | None = Field(default=None, foreign_key="users.id", ondelete="CASCADE")
    location: str | None = Field(default=None, max_length=2000)
    created_at: datetime = _created(index=True)


class IdempotentRequest(SQLModel, table=True):
    """An API request's `Idempotency-Key` and its first response, answered to any repeat."""

    __tablename__ = "idempotent_requests"
    __table_args__ = (UniqueConstraint("user_id", "key"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="users.id", ondelete="CASCADE")
    key: str = Field(max_length=255)
    # SHA-256 of the method, path and body: a key sent again with another request is refused.
    fingerprint: str = Field(max_length=64)
    status: int | None = None  # None while the first request is still being answered
    body: bytes | None = Field(default=None, sa_type=LargeBinary)
    headers: dict[str, str] = Field(default_factory=dict, sa_type=JSON, nullable=False)
    created_at: datetime = _created(index=True)


class Job(SQLModel, table=True):
    """One piece of background work, written in the transaction that asked for it.

    The row is the truth about the job; the task queue only carries its id to a worker.
    A job whose worker died is found by its stale heartbeat and run again.
    """

    __tablename__ = "jobs"
    # Workers and the admin page look for jobs by status, oldest due first.
    __table_args__ = (Index("ix_jobs_status_run_after", "status", "run_after"),)

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=40)
    payload: dict[str, Any] = Field(default_factory=dict, sa_type=JSON, nullable=False)
    # The same key is never enqueued twice (e.g. one mail per notification and address).
    key: str | None = Field(default=None, max_length=200, unique=True)
    status: JobStatus = Field(default=JobStatus.PENDING, sa_type=enum_type(JobStatus),
                              nullable=False)
    attempts: int = Field(default=0)
    max_attempts: int = Field(default=5)
    run_after: datetime = _created()
    created_at: datetime = _created(index=True)
    started_at: datetime | None = _timestamp()
    finished_at: datetime | None = _timestamp()
    worker: str | None = Field(default=None, max_length=120)
    last_error: str = _text()
    result: dict[str, Any] = Field(default_factory=dict, sa_type=JSON, nullable=False)


class WorkerBeat(SQLModel, table=True):
    """A running job worker's last sign of life, for /healthz and to recover its jobs."""

    __tablename__ = "worker_beats"

    name: str = Field(primary_key=True, max_length=120)
    started_at: datetime = _created()
    seen_at: datetime = _created(index=True)



_webhook_version = _version_column()


class Webhook(SQLModel, table=True):
    """An address told of the desk's events by a signed POST (docs/webhooks.md).

    The secret signs every delivery, so it is kept as is (not hashed). After a rotation the
    previous secret signs too, until `previous_secret_until`, so that a receiver can switch
    without losing deliveries.
    """

    __tablename__ = "webhooks"
    __mapper_args__ = {"version_id_col": _webhook_version}

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(default="", max_length=100)
    url: str = Field(max_length=2048)
    events: list[str] = Field(default_factory=list, sa_type=JSON, nullable=False)
    format: WebhookFormat = Field(default=WebhookFormat.JSON, sa_type=enum_type(WebhookFormat),
                                  nullable=False)
    secret: str = Field(max_length=100)
    previous_secret: str | None = Field(default=None, max_length=100)
    previous_secret_until: datetime | None = _timestamp()
    active: bool = Field(default=True)
    created_by_id: int | None = Field(default=None, foreign_key="users.id", ondelete="SET NULL")
    created_at: datetime = _created()
    updated_at: datetime = _created()
    version: int = Field(default=1, sa_column=_webhook_version)


class WebhookDelivery(SQLModel, table=True):
    """One event sent (or to be sent) to one webhook: the exact body, and what came back.

    The body is fixed when the event happens: every attempt sends the same bytes under the
    same `uuid`, which receivers use to ignore a delivery they already processed.
    """

    __tablename__ = "webhook_deliveries"
    # A webhook's page lists its latest deliveries.
    __table_args__ = (Index("ix_webhook_deliveries_webhook_id_id", "webhook_id", "id"),)

    id: int | None = Field(default=None, primary_key=True)
    webhook_id: int = Field(foreign_key="webhooks.id", ondelete="CASCADE")
    event: str = Field(max_length=40)
    uuid: str = Field(max_length=36, unique=True)
    body: str = _text()
    status: DeliveryStatus = Field(default=DeliveryStatus.PENDING,
                                   sa_type=enum_type(DeliveryStatus), nullable=False)
    attempts: int = Field(default=0)
    response_status: int | None = None
    response_excerpt: str = _text()
    error: str = _text()
    created_at: datetime = _created()
    last_attempt_at: datetime | None = _timestamp()
    delivered_at: datetime | None = _timestamp()

# The search index: derived data kept by factcheck/workflow/search_index.py, created by
# migration 0005 with dialect-specific DDL, and so not on SQLModel.metadata.
SEARCH_ENTRIES = "search_entries"
SEARCH_FTS = "search_fts"
# The claim-matching index (migration 0030, factcheck/queries/match_tables.py): derived too.
MATCH_INDEX_TABLES = ("match_documents", "match_terms", "match_grams", "match_postings",
                      "match_stats")


def is_index_table(name: str) -> bool:
    """True for the search and matching indexes' tables (FTS5 adds `search_fts_*`)."""
    return (name in (SEARCH_ENTRIES, SEARCH_FTS, *MATCH_INDEX_TABLES)
            or name.startswith(SEARCH_FTS + "_"))


def include_object(obj: Any, name: str | None, type_: str, reflected: bool,
                   compare_to: Any) -> bool:
    """Alembic hook: leave the search index (not on SQLModel.metadata) out of comparisons."""
    return not (type_ == "table" and reflected and compare_to is None
                and name is not None and is_index_table(name))


_HEX_COLOUR = re.compile(r"#[0-9a-fA-F]{6}")


def is_hex_colour(value: str | None) -> bool:
    """Whether `value` is a colour as rating labels store it (`#rrggbb`), safe in CSS."""
    return bool(value) and _HEX_COLOUR.fullmatch(value) is not None


class ImportedCheck(SQLModel, table=True):
    """A fact-check published elsewhere, imported from a ClaimReview feed for matching.

    Never one of this desk's verdicts: it is shown as the other publisher's, with their
    rating. `url` (the ClaimReview's own) is the key: importing it again updates the row.
    """

    __tablename__ = "imported_checks"

    id: int | None = Field(default=None, primary_key=True)
    url: str = Field(max_length=2048, unique=True)
    claim_reviewed: str = _text()
    headline: str = _text()
    rating: str = _text()  # reviewRating.alternateName
    rating_value: float | None = None
    rating_best: float | None = None
    rating_worst: float | None = None
    publisher: str = _text()  # author.name
    published: date | None = None  # datePublished
    claimant: str = _text()  # itemReviewed.author.name
    language: str = Field(default="", max_length=35)
    imported_at: datetime = _created()
    updated_at: datetime = _created(index=True)


class ClaimMatch(SQLModel, table=True):
    """An earlier check (or another open article's claim) that matches a claim of the desk.

    Written by the matching job (factcheck/workflow/claim_matches.py) at import and after a
    rewording, so that pages only read them. `key` names what was matched
    (`own:<article id>:<claim number>`, `imported:<check id>`,
    `open:<claim id>`): one row per claim and
    key. The shown fields are kept as they were when matched; pages show an own match's
    check as it is now (found by its wording in the article's live publication: a
    correction changes the verdict, a republication the number) and open matches only while
    the other claim is open.
    """

    __tablename__ = "claim_matches"
    __table_args__ = (UniqueConstraint("claim_id", "key"),)

    id: int | None = Field(default=None, primary_key=True)
    claim_id: int = Field(foreign_key="claims.id", index=True, ondelete="CASCADE")
    key: str = Field(max_length=40)
    source: MatchSource = Field(sa_type=enum_type(MatchSource), nullable=False)
    # own: the article of the published check; open: the other article and its claim.
    matched_article_id: int | None = Field(default=None, foreign_key="articles.id",
                                           ondelete="CASCADE", index=True)
    matched_claim_id: int | None = Field(default=None, foreign_key="claims.id",
                                         ondelete="CASCADE", index=True)
    imported_check_id: int | None = Field(default=None, foreign_key="imported_checks.id",
                                          ondelete="CASCADE", index=True)
    score: float = Field(default=0.0)
    text: str = _text()  # the checked wording
    rating: str = _text()  # the verdict's name ("" for open work)
    publisher: str = _text()  # imported: theirs; own: "" (the desk)
    url: str = _text()  # imported: the ClaimReview's url; own/open: "" (built when shown)
    slug: str = Field(default="", max_length=120)  # own: the verdict page
    claim_number: int | None = None  # own: the claim's #claim-N on its page
    published: date | None = None
    status: MatchStatus = Field(default=MatchStatus.SUGGESTED, sa_type=enum_type(MatchStatus),
                                nullable=False)
    decided_by_id: int | None = Field(default=None, foreign_key="users.id", ondelete="SET NULL")
    decided_at: datetime | None = _timestamp()
    evidence_id: int | None = Field(default=None, foreign_key="evidence.id", ondelete="SET NULL")
    matched_at: datetime = _created()
