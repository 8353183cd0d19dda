"""Link health: every cited page of a published check, re-requested now and then (issue 17).

`check_links` (the weekly job, and `factcheck check-links`) requests each address cited by
evidence of published claims of published checks, once per address however many items cite
it, through the same SSRF guard as URL import and capture, and writes one `link_checks` row
per evidence item: `alive` (2xx, same body as its latest preserved copy, or none kept to
compare with), `changed` (2xx, another body) or `gone` (an HTTP error, a name that no
longer resolves, a refused or unreachable server, a redirect to an address not fetched).
Requests to one host are spaced by a pause, so a desk citing one site a hundred times
does not hammer it. Editors read the result per check (factcheck/queries/link_health.py).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import func
from sqlmodel import Session, col, select

from ..dbtypes import utcnow
from ..i18n import _
from ..intake.link_check import ANSWERED, LinkOutcome, check_link
from ..models import Article, Claim, Evidence, EvidenceCapture, LinkCheck, User
from ..states import ArticleStatus, CaptureStatus, ClaimStatus, LinkStatus
from .audit import record_audit
from .errors import WorkflowError
from .jobs import enqueue, handler, weekly

KIND = "links.check"
ONE_CHECK_KIND = "links.check_article"
DEFAULT_OPTIONS: dict[str, Any] = {"max_bytes": 10 * 1024 * 1024, "timeout": 20.0,
                                   "allow_loopback": False, "allow_private": False,
                                   "pause": 1.0}


@dataclass
class _Settings:
    """Where the job reads the current app's settings (the workflow knows no Flask)."""

    options: Callable[[], dict[str, Any]] = field(default=lambda: dict(DEFAULT_OPTIONS))


SETTINGS = _Settings()


def configure_link_checks(*, options: Callable[[], dict[str, Any]]) -> None:
    """Set where link checks read `max_bytes`, `timeout`, `pause` and the allowed addresses."""
    SETTINGS.options = options


@dataclass(frozen=True)
class LinkTarget:
    """A cited address to check, and the preserved copy its answer is compared with."""

    evidence_id: int
    article_id: int
    url: str
    capture_id: int | None
    sha256: str | None


@dataclass
class LinkCheckCounts:
    """What one run found: checks per status, addresses requested, checks that went wrong."""

    alive: int = 0
    changed: int = 0
    gone: int = 0
    requests: int = 0
    problems: list[LinkCheck] = field(default_factory=list)

    @property
    def total(self) -> int:
        """Evidence items checked."""
        return self.alive + self.changed + self.gone


def link_targets(session: Session, *, article_id: int | None = None) -> list[LinkTarget]:
    """The cited addresses of published checks (or of one check), with the latest preserved
    copy of each evidence item (two queries)."""
    query = (select(Evidence.id, Claim.article_id, Evidence.url)
             .join(Claim, col(Claim.id) == Evidence.claim_id)
             .join(Article, col(Article.id) == Claim.article_id)
             .where(Article.status == ArticleStatus.PUBLISHED,
                    Claim.status == ClaimStatus.PUBLISHED,
                    col(Evidence.removed_at).is_(None))
             .order_by(col(Evidence.id)))
    if article_id is not None:
        query = query.where(Claim.article_id == article_id)
    rows = session.exec(query).all()
    ids = [row[0] for row in rows]
    latest = (select(func.max(EvidenceCapture.id))
              .where(col(EvidenceCapture.evidence_id).in_(ids),
                     EvidenceCapture.status == CaptureStatus.PRESERVED)
              .group_by(col(EvidenceCapture.evidence_id)))
    copies = {row[0]: (row[1], row[2]) for row in session.exec(
        select(EvidenceCapture.evidence_id, EvidenceCapture.id, EvidenceCapture.sha256)
        .where(col(EvidenceCapture.id).in_(latest))).all()} if ids else {}
    return [LinkTarget(evidence_id, article, url, *copies.get(evidence_id, (None, None)))
            for evidence_id, article, url in rows]


def judge(target: LinkTarget, outcome: LinkOutcome) -> tuple[LinkStatus, str]:
    """The status of one evidence item given what its address answered, and why."""
    if outcome.status != ANSWERED:
        return LinkStatus.GONE, outcome.reason
    if target.capture_id is None:
        return LinkStatus.ALIVE, outcome.reason or _("No preserved copy to compare with.")
    if outcome.sha256 is None:  # larger than any copy kept: another body
        return LinkStatus.CHANGED, outcome.reason
    if outcome.sha256 != target.sha256:
        return LinkStatus.CHANGED, _("The page differs from its preserved copy.")
    return LinkStatus.ALIVE, ""


def check_links(session: Session, *, article_id: int | None = None,
                fetch: Callable[..., LinkOutcome] = check_link,
                sleep: Callable[[float], None] = time.sleep) -> LinkCheckCounts:
    """Re-request every cited address of published checks (or of one) and record a
    `link_checks` row per evidence item (see the module's description).

    Commits the read before the requests, so that no transaction stays open while remote
    sites take their time (on SQLite it would stall every web request); the rows are
    written at the end and flushed, for the caller to commit.
    """
    targets = link_targets(session, article_id=article_id)
    session.commit()
    options = {**DEFAULT_OPTIONS, **SETTINGS.options()}
    pause = float(options.pop("pause"))
    answers: dict[str, tuple[LinkOutcome, Any]] = {}
    last_request: dict[str, float] = {}
    for url in dict.fromkeys(t.url for t in targets):  # once per address, in order
        host = (urlsplit(url).hostname or "").lower()
        if host in last_request and pause > 0:
            wait = last_request[host] + pause - time.monotonic()
            if wait > 0:
                sleep(wait)
        answers[url] = (fetch(url, **options), utcnow())
        last_request[host] = time.monotonic()
    counts = LinkCheckCounts(requests=len(answers))
    present = set(session.exec(select(Evidence.id).where(
        col(Evidence.id).in_([t.evidence_id for t in targets]))).all()) if targets else set()
    for target in targets:
        if target.evidence_id not in present:
            continue  # deleted while the pages were requested
        outcome, when = answers[target.url]
        status, reason = judge(target, outcome)
        row = LinkCheck(evidence_id=target.evidence_id, url=target.url, checked_at=when,
                        status=status, http_status=outcome.http_status,
                        final_url=outcome.final_url, sha256=outcome.sha256, reason=reason,
                        capture_id=target.capture_id)
        session.add(row)
        setattr(counts, status.value, getattr(counts, status.value) + 1)
        if status != LinkStatus.ALIVE:
            counts.problems.append(row)
    session.flush()
    return counts


@weekly(KIND, day="LINK_CHECK_DAY", hour="LINK_CHECK_HOUR")
def run_weekly_link_check(session: Session, payload: dict[str, Any]) -> dict[str, Any]:
    """The worker's weekly job: check every cited page of published checks."""
    counts = check_links(session)
    return {"alive": counts.alive, "changed": counts.changed, "gone": counts.gone,
            "requests": counts.requests}


def request_link_check(session: Session, *, article: Article, actor: User) -> bool:
    """Ask for the sources of one published check to be requested again, by a background
    job after the transaction commits; False when one was already asked for this minute
    (a repeated click requests nothing twice)."""
    if article.status != ArticleStatus.PUBLISHED:
        raise WorkflowError(_("Only the sources of a published check are checked."),
                            code="conflict")
    minute = utcnow().strftime("%Y%m%dT%H%M")
    job = enqueue(session, ONE_CHECK_KIND, {"article_id": article.id},
                  key=f"{ONE_CHECK_KIND}:{article.id}:{minute}", max_attempts=1)
    if job is not None:
        record_audit(session, actor=actor, action="links.check", obj=article)
    return job is not None


@handler(ONE_CHECK_KIND)
def run_article_link_check(session: Session, payload: dict[str, Any]) -> dict[str, Any]:
    """An editor's "check now": the sources of one published check."""
    counts = check_links(session, article_id=payload["article_id"])
    return {"alive": counts.alive, "changed": counts.changed, "gone": counts.gone,
            "requests": counts.requests}
