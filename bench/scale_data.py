"""A newsroom's database in bulk, for bench/scale.py: articles, claims and all their workflow.

Rows go in through SQLAlchemy core (executemany, a few hundred articles at a time), with
explicit ids, so 10,000 articles and 300,000 claims take seconds rather than the hours
the workflow functions would need. Every article `i` gets the same shape; what varies
with `i` is its state and its age (a higher `i` is older):

- i % 10 in 0..3: published. 10 of its 30 claims are decided and published, each with
  2 submitted reviews, 2 evidence items, a comment and its audit trail; one publication
  (its snapshot cloned from one the real `build_snapshot` made), 3 corrections and
  3 reader reports.
- i % 10 in 4..7: in review. 10 claims assigned to 2 reviewers each: half reviewed
  (2 submitted reviews), half in review (one draft); evidence and comments as above.
- i % 10 in 8..9: draft: 25 candidates and 5 dismissed claims.

Reviewers `i % R` and `(i + 1) % R` review article `i`; reviewer 0 is the busy one whose
queue the benchmark opens.
"""

from __future__ import annotations

import copy
import string
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, func, insert, select, text
from sqlmodel import SQLModel

from factcheck.models import (
    Article,
    Assignment,
    AuditEvent,
    Claim,
    Comment,
    Correction,
    Decision,
    Evidence,
    Publication,
    RatingLabel,
    ReaderReport,
    Review,
    ReviewEvidence,
    User,
)

CLAIMS_PER_ARTICLE = 30
CHECKED_PER_ARTICLE = 10  # claims selected for checking in a published or in-review article
NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
_T = {model: model.__table__ for model in (
    Article, Assignment, AuditEvent, Claim, Comment, Correction, Decision, Evidence,
    Publication, ReaderReport, Review, ReviewEvidence, User)}


def code(i: int) -> str:
    """A word made of letters only, unique to article `i` (searchable as one word)."""
    letters = ""
    n = i
    while True:
        n, r = divmod(n, 26)
        letters = string.ascii_lowercase[r] + letters
        if n == 0:
            return "zq" + letters


def kind_of(i: int) -> str:
    """published, in_review or draft, by the article's index."""
    return "published" if i % 10 < 4 else "in_review" if i % 10 < 8 else "draft"


def sentences(i: int) -> list[str]:
    """The 30 sentences of article `i`: about 2.7 KB of news-like text."""
    return [f"In {2000 + j % 25} the ministry reported {(i * 7 + j) % 997} new schools and "
            f"{(i * 13 + j) % 89} clinics in district {j + 1} of the {code(i)} province."
            for j in range(CLAIMS_PER_ARTICLE)]


class Ids:
    """Explicit ids per table, continuing after what the database already holds."""

    def __init__(self, conn: Connection) -> None:
        self.next = {name: (conn.execute(select(func.max(table.c.id))).scalar() or 0) + 1
                     for name, table in ((m.__tablename__, t) for m, t in _T.items()
                                         if "id" in t.c)}

    def take(self, name: str) -> int:
        value = self.next[name]
        self.next[name] += 1
        return value


class Generator:
    """Inserts articles `start`..`stop-1` with everything around them."""

    def __init__(self, conn: Connection, *, reviewer_ids: list[int], editor_id: int,
                 template: dict[str, Any] | None) -> None:
        self.conn = conn
        self.ids = Ids(conn)
        self.reviewers = reviewer_ids
        self.editor = editor_id
        self.template = template
        self.labels = list(conn.execute(select(RatingLabel.id, RatingLabel.name).where(
            RatingLabel.value.is_not(None), RatingLabel.scale_id == 1)
            .order_by(RatingLabel.position)).all())

    def insert(self, start: int, stop: int, batch: int = 250) -> None:
        """Insert the articles in batches (one executemany per table per batch)."""
        for first in range(start, stop, batch):
            rows: dict[str, list[dict[str, Any]]] = {name: [] for name in (
                "articles", "claims", "assignments", "reviews", "evidence", "review_evidence",
                "decisions", "comments", "audit_events", "publications", "corrections",
                "reader_reports")}
            for i in range(first, min(stop, first + batch)):
                self._article(i, rows)
            for table in SQLModel.metadata.sorted_tables:  # parents before children
                if rows.get(table.name):
                    self.conn.execute(insert(table), rows[table.name])

    def _audit(self, rows, at, actor, action, obj_type, obj_id, **details) -> None:
        rows["audit_events"].append({"id": self.ids.take("audit_events"), "at": at,
                                     "actor_id": actor, "action": action,
                                     "object_type": obj_type, "object_id": obj_id,
                                     "details": details})

    def _article(self, i: int, rows: dict[str, list[dict[str, Any]]]) -> None:
        kind = kind_of(i)
        created = NOW - timedelta(hours=i + 1)
        texts = sentences(i)
        body = " ".join(texts)
        article_id = self.ids.take("articles")
        published = kind == "published"
        rows["articles"].append({
            "id": article_id, "title": f"Schools and clinics in the {code(i)} province",
            "body": body, "source_url": f"https://news.example.org/{i}",
            "outlet": f"Outlet {i % 40}", "author": f"Reporter {i % 150}",
            "published_on": created.date(), "language": "en",
            "status": "published" if published else "in_review" if kind == "in_review"
            else "draft",
            "slug": f"schools-{code(i)}", "revision": 1, "created_by_id": self.editor,
            "created_at": created, "updated_at": created,
            "published_at": created + timedelta(minutes=50) if published else None,
            "last_corrected_at": created + timedelta(minutes=55) if published else None,
            "version": 1})
        self._audit(rows, created, self.editor, "article.create", "articles", article_id)
        self._audit(rows, created, self.editor, "article.split", "articles", article_id,
                    claims=CLAIMS_PER_ARTICLE)
        a, b = self.reviewers[i % len(self.reviewers)], self.reviewers[
            (i + 1) % len(self.reviewers)]
        offset, claims = 0, []
        for j, sentence in enumerate(texts):
            checked = kind != "draft" and j < CHECKED_PER_ARTICLE
            if checked:
                status = ("published" if published else "reviewed" if j % 2 == 0
                          else "in_review")
            else:
                status = "dismissed" if j % 6 == 5 else "candidate"
            claim = {"id": self.ids.take("claims"), "article_id": article_id, "position": j,
                     "start": offset, "end": offset + len(sentence), "text": sentence,
                     "kind": "factual", "score": round(0.3 + (j % 7) / 10, 4),
                     "claimant": "The ministry" if j % 3 == 0 else None, "claim_date": None,
                     "status": status, "features": {"number": 0.4, "verb": 0.1},
                     "dismissal_reason": "Not checkable." if status == "dismissed" else "",
                     "created_at": created, "updated_at": created, "version": 1}
            offset += len(sentence) + 1
            rows["claims"].append(claim)
            claims.append(claim)
            if checked:
                self._workflow(claim, j, created, (a, b), rows)
        if published:
            self._publication(i, article_id, body, claims, created, rows)

    def _workflow(self, claim, j, created, reviewers, rows) -> None:
        at = created + timedelta(minutes=10)
        label_id, _name = self.labels[j % len(self.labels)]
        evidence_ids = []
        for e in range(2):
            evidence_ids.append(self.ids.take("evidence"))
            rows["evidence"].append({
                "id": evidence_ids[-1], "claim_id": claim["id"], "added_by_id": reviewers[e],
                "url": f"https://stats.example.org/{claim['id']}/{e}",
                "title": f"Statistics office table {e + 1}", "publisher": "Statistics office",
                "published_on": date(2025, 1, 1), "accessed_at": at,
                "quote": "The table lists the schools and clinics opened per district.",
                "stance": "supports", "archive_url": None, "note": "", "created_at": at,
                "updated_at": at, "version": 1})
        closed = claim["status"] in ("reviewed", "published")
        for n, reviewer in enumerate(reviewers):
            rows["assignments"].append({
                "id": self.ids.take("assignments"), "claim_id": claim["id"],
                "reviewer_id": reviewer, "assigned_by_id": self.editor, "assigned_at": at,
                "due_on": (created + timedelta(days=7)).date() if j % 4 else None})
            self._audit(rows, at, self.editor, "claim.assign", "claims", claim["id"],
                        reviewer=reviewer)
            if not (closed or n == 0):  # an open claim: only its first reviewer has a draft
                continue
            review_id = self.ids.take("reviews")
            rows["reviews"].append({
                "id": review_id, "claim_id": claim["id"], "reviewer_id": reviewer,
                "rating_id": label_id, "rationale": "The statistics office confirms it.",
                "confidence": "high", "status": "submitted" if closed else "draft",
                "submitted_at": at + timedelta(hours=1) if closed else None,
                "created_at": at, "updated_at": at, "version": 1})
            rows["review_evidence"].append({"review_id": review_id,
                                            "evidence_id": evidence_ids[n]})
            if closed:
                self._audit(rows, at, reviewer, "review.submit", "claims", claim["id"],
                            review=review_id)
        rows["comments"].append({"id": self.ids.take("comments"), "claim_id": claim["id"],
                                 "author_id": reviewers[0], "body": "Table 2 has the data.",
                                 "created_at": at})
        if claim["status"] == "published":
            rows["decisions"].append({
                "id": self.ids.take("decisions"), "claim_id": claim["id"],
                "editor_id": self.editor, "rating_id": label_id,
                "summary": "The statistics office's tables confirm the figures.",
                "decided_at": at + timedelta(hours=2), "version": 1})
            self._audit(rows, at, self.editor, "claim.decide", "claims", claim["id"])

    def _publication(self, i, article_id, body, claims, created, rows) -> None:
        at = created + timedelta(minutes=50)
        snapshot = copy.deepcopy(self.template) if self.template else {}
        if snapshot:
            snapshot["article"].update(title=f"Schools and clinics in the {code(i)} province",
                                       slug=f"schools-{code(i)}", body=body,
                                       source_url=f"https://news.example.org/{i}")
            for item, claim in zip(snapshot["claims"], claims, strict=False):
                item.update(id=claim["id"], start=claim["start"], end=claim["end"],
                            text=claim["text"], quote=claim["text"])
        publication_id = self.ids.take("publications")
        rows["publications"].append({
            "id": publication_id, "article_id": article_id, "number": 1,
            "snapshot": snapshot, "published_by_id": self.editor, "published_at": at,
            "withdrawn_at": None})
        self._audit(rows, at, self.editor, "article.publish", "articles", article_id)
        for n in range(3):
            rows["corrections"].append({
                "id": self.ids.take("corrections"), "article_id": article_id,
                "claim_id": claims[n]["id"], "note": "The district's figure was updated.",
                "before": "True", "after": "Mostly true", "created_by_id": self.editor,
                "created_at": at + timedelta(minutes=n + 1)})
            rows["reader_reports"].append({
                "id": self.ids.take("reader_reports"), "article_id": article_id,
                "claim_id": claims[n]["id"], "message": f"Claim {n + 1} has an old figure.",
                "contact": "", "status": ("new", "triaged", "closed")[(i + n) % 3],
                "created_at": at + timedelta(minutes=n + 2)})


def bulk_users(conn: Connection, count: int, *, prefix: str = "reviewer",
               role: str = "reviewer", active: bool = True) -> list[int]:
    """`count` accounts without passwords (invited), returning their ids."""
    ids = Ids(conn)
    rows = [{"id": ids.take("users"), "email": f"{prefix}{n}@example.org",
             "display_name": f"{prefix.title()} {n:04d}", "password_hash": "", "role": role,
             "is_active": active, "session_version": 1, "created_at": NOW, "version": 1}
            for n in range(count)]
    conn.execute(insert(_T[User]), rows)
    return [row["id"] for row in rows]


def fix_sequences(conn: Connection) -> None:
    """PostgreSQL: move each id sequence past the explicit ids inserted here."""
    if conn.dialect.name != "postgresql":
        return
    for table in SQLModel.metadata.sorted_tables:
        if "id" in table.c:  # table names from our own models, not from input
            conn.execute(text(
                f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "  # noqa: S608
                f"(SELECT coalesce(max(id), 0) + 1 FROM {table.name}), false)"))


def chunks(total: int, size: int) -> Iterator[tuple[int, int]]:
    """(start, stop) ranges covering 0..total in steps of `size`."""
    for start in range(0, total, size):
        yield start, min(total, start + size)
