"""What may be done to a claim or an article now: the rules the workflow enforces, asked
before acting, so that pages offer exactly the actions that would succeed."""

from __future__ import annotations

from dataclasses import dataclass

from ..models import Article, Claim, ReaderReport
from ..states import (
    DECIDABLE,
    IN_PROGRESS,
    PUBLISHABLE,
    SETTLED,
    TRIAGE_STATES,
    ArticleStatus,
    ClaimStatus,
    ReportStatus,
    can_transition,
)


def can_change_status(claim: Claim, status: ClaimStatus) -> bool:
    """Whether triage may move `claim` to `status` (a flagged claim may only be dismissed)."""
    dismissing_flagged = (claim.status == ClaimStatus.NEEDS_REANCHOR
                          and status == ClaimStatus.DISMISSED)
    return ((claim.status in TRIAGE_STATES or dismissing_flagged)
            and can_transition(claim.status, status))


def can_curate(claim: Claim) -> bool:
    """Whether the claim's span may be split or merged."""
    return claim.status in TRIAGE_STATES


@dataclass(frozen=True)
class ClaimActions:
    """The actions the claim board offers for one claim."""

    select: bool
    dismiss: bool
    restore: bool
    merge: bool
    assign: bool
    unassign: bool
    decide: bool


def claim_actions(claim: Claim) -> ClaimActions:
    """The board actions allowed for `claim` in its present state."""
    return ClaimActions(
        select=can_change_status(claim, ClaimStatus.SELECTED),
        dismiss=can_change_status(claim, ClaimStatus.DISMISSED),
        restore=can_change_status(claim, ClaimStatus.CANDIDATE),
        merge=can_curate(claim),
        assign=claim.status in IN_PROGRESS,
        unassign=claim.status not in SETTLED,
        decide=claim.status in DECIDABLE,
    )


@dataclass(frozen=True)
class ArticleActions:
    """The publishing actions the claim board offers for an article."""

    publish: bool
    republish: bool  # publishing again replaces the live version
    unpublish: bool


def article_actions(article: Article) -> ArticleActions:
    """The publishing actions allowed for `article` in its present state."""
    return ArticleActions(
        publish=article.status in PUBLISHABLE,
        republish=article.status == ArticleStatus.PUBLISHED,
        unpublish=can_transition(article.status, ArticleStatus.UNPUBLISHED),
    )


def report_targets(report: ReaderReport) -> list[ReportStatus]:
    """The states the triage inbox may move a reader report to, in button order."""
    return [target for target in (ReportStatus.TRIAGED, ReportStatus.CLOSED, ReportStatus.NEW)
            if can_transition(report.status, target)]
