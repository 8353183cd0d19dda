"""Every workflow state of the product, and the table of allowed transitions.

The transition table is the single source of truth: workflow functions call
`check_transition` before changing a status, and the documentation table in
`docs/workflow.md` is generated from (and tested against) `TRANSITIONS`.
"""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    REVIEWER = "reviewer"
    EDITOR = "editor"
    ADMIN = "admin"

    @property
    def rank(self) -> int:
        """Position in the hierarchy reviewer < editor < admin."""
        return _ROLE_RANK[self]

    def at_least(self, other: Role) -> bool:
        """True when this role includes every right of `other`."""
        return self.rank >= other.rank


_ROLE_RANK = {Role.REVIEWER: 1, Role.EDITOR: 2, Role.ADMIN: 3}


class ArticleStatus(StrEnum):
    DRAFT = "draft"  # imported, claims being curated
    IN_REVIEW = "in_review"  # claims selected and assigned
    PUBLISHED = "published"  # verdict page public
    UNPUBLISHED = "unpublished"  # withdrawn from public view (410)
    ARCHIVED = "archived"  # set aside without publication


class ClaimStatus(StrEnum):
    CANDIDATE = "candidate"  # proposed by the splitter or an editor
    SELECTED = "selected"  # chosen for checking
    DISMISSED = "dismissed"  # not worth checking
    IN_REVIEW = "in_review"  # assigned to reviewers
    REVIEWED = "reviewed"  # the required independent reviews are submitted
    DECIDED = "decided"  # the editor has a final verdict
    PUBLISHED = "published"  # its verdict is on the public page
    NEEDS_REANCHOR = "needs_reanchor"  # article text changed under the claim


class ClaimKind(StrEnum):
    FACTUAL = "factual"
    ATTRIBUTED = "attributed"
    OPINION = "opinion"
    QUESTION = "question"
    PREDICTION = "prediction"
    DEMAND = "demand"  # a call, appeal or urge: not true or false; keeps its claimant


class ClaimOrigin(StrEnum):
    """Where a claim comes from: a sentence of the article, or a sub-claim of one."""

    SENTENCE = "sentence"  # a sentence (or a passage an editor marked)
    ATOMIC = "atomic"  # one independent statement inside a sentence
    PRESUPPOSED = "presupposed"  # a fact a sentence takes as given ("condemned the arrests")


class Stance(StrEnum):
    SUPPORTS = "supports"
    REFUTES = "refutes"
    CONTEXT = "context"


class ReviewStatus(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    # The reviewer was taken off the claim: the review stays, in the history, never counted.
    WITHDRAWN = "withdrawn"


class Confidence(StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"


class ScaleMode(StrEnum):
    ORDINAL = "ordinal"  # labels with numeric values
    CONCLUSION = "conclusion"  # a written conclusion, no label


class CorrectionKind(StrEnum):
    """What a public correction changed on a published claim."""

    VERDICT = "verdict"  # the rating or the conclusion (a new decision)
    WORDING = "wording"  # the claim's text as checked
    CLAIMANT = "claimant"  # who made the claim


class ReportStatus(StrEnum):
    NEW = "new"
    TRIAGED = "triaged"
    CLOSED = "closed"


class JobStatus(StrEnum):
    PENDING = "pending"  # waiting for a worker (first run or a retry after back-off)
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"  # out of attempts: on the admins' dead-letter list


class NotificationKind(StrEnum):
    """What an in-app notification tells its recipient (never a rating, rationale or comment)."""

    ASSIGNED = "assigned"  # a claim was assigned to you (with its due date)
    UNASSIGNED = "unassigned"  # you were taken off a claim
    SENT_BACK = "sent_back"  # a claim you review was sent back by the editor
    READY_FOR_DECISION = "ready_for_decision"  # the required reviews of a claim are in
    DECIDED = "decided"  # a claim you review was decided
    PUBLISHED = "published"  # a claim you review was published
    CORRECTED = "corrected"  # a correction was made to a claim you worked on
    REPORT = "report"  # a reader report arrived
    MENTION = "mention"  # someone mentioned you in a claim's discussion
    DUE_TOMORROW = "due_tomorrow"  # your review of a claim is due tomorrow (a reminder)
    OVERDUE = "overdue"  # your review of a claim is past its due date (daily reminder)


class MailDelivery(StrEnum):
    """How a user wants one kind of notification by e-mail (in the app it always shows)."""

    IMMEDIATE = "immediate"  # one mail per notification, as soon as it happens (default)
    DIGEST = "digest"  # gathered into one mail a day
    OFF = "off"  # in the app only



class WebhookEvent(StrEnum):
    """What a webhook may subscribe to (never a rating, rationale or draft of a claim that is
    not published)."""

    CHECK_PUBLISHED = "check.published"  # a check was published, or republished with more
    CHECK_UNPUBLISHED = "check.unpublished"  # a check was withdrawn from public view
    CHECK_CORRECTED = "check.corrected"  # a published claim was corrected (and republished)
    CLAIM_READY_FOR_DECISION = "claim.ready_for_decision"  # the required reviews are in
    REPORT_RECEIVED = "report.received"  # a reader reported an error or suggested a claim


# Sent on an administrator's request to test a webhook, whatever it subscribes to.
WEBHOOK_PING = "ping"


class WebhookFormat(StrEnum):
    JSON = "json"  # the signed JSON envelope documented in docs/webhooks.md
    SLACK = "slack"  # {"text": ...}, for a Slack (or Mattermost, ...) incoming webhook


class DeliveryStatus(StrEnum):
    PENDING = "pending"  # waiting for its first attempt or for a retry after back-off
    DELIVERED = "delivered"  # the receiver answered 2xx
    FAILED = "failed"  # out of attempts, or refused for good (see docs/webhooks.md)


class CaptureStatus(StrEnum):
    """A preserved copy of an evidence page (factcheck/workflow/captures.py)."""

    PENDING = "pending"  # asked for; the worker has not fetched the page yet
    PRESERVED = "preserved"  # fetched and stored (WARC, hash, text)
    FAILED = "failed"  # the page could not be fetched (unreachable, too slow, HTTP error)
    NOT_PRESERVED = "not_preserved"  # fetched or refused by rule: too big, a type we keep not

class WaybackStatus(StrEnum):
    """The Internet Archive's copy of a preserved page (FACTCHECK_WAYBACK_SAVE=1)."""

    PENDING = "pending"  # Save Page Now asked, its snapshot not known yet
    SAVED = "saved"  # a snapshot exists: `wayback_url`
    FAILED = "failed"  # Save Page Now refused or could not be reached: `wayback_reason`


class LinkStatus(StrEnum):
    """A cited page as the weekly link check found it (factcheck/workflow/link_health.py)."""

    ALIVE = "alive"  # answers 2xx with the body of its latest preserved copy (or none kept)
    CHANGED = "changed"  # answers 2xx, but its body's SHA-256 differs from the preserved copy
    GONE = "gone"  # 4xx/5xx, the name no longer resolves, refused, unreachable, refused by rule


# Groups of states that several rules share (workflow/actions.py asks them before acting).
TRIAGE_STATES = (ClaimStatus.CANDIDATE, ClaimStatus.SELECTED, ClaimStatus.DISMISSED)
# Selected for checking and not decided yet: reviewers can be assigned and work on it.
IN_PROGRESS = (ClaimStatus.SELECTED, ClaimStatus.IN_REVIEW, ClaimStatus.REVIEWED)
# Decided: reviewers, reviews and evidence no longer change.
SETTLED = (ClaimStatus.DECIDED, ClaimStatus.PUBLISHED)
# Reviews have begun: the decision page has something to compare.
DECIDABLE = (ClaimStatus.IN_REVIEW, ClaimStatus.REVIEWED, *SETTLED)
PUBLISHABLE = (ArticleStatus.DRAFT, ArticleStatus.IN_REVIEW, ArticleStatus.UNPUBLISHED,
               ArticleStatus.PUBLISHED)


TRANSITIONS: dict[type[StrEnum], dict[StrEnum, frozenset[StrEnum]]] = {
    ArticleStatus: {
        ArticleStatus.DRAFT: frozenset({ArticleStatus.IN_REVIEW, ArticleStatus.ARCHIVED}),
        ArticleStatus.IN_REVIEW: frozenset(
            {ArticleStatus.DRAFT, ArticleStatus.PUBLISHED, ArticleStatus.ARCHIVED}
        ),
        ArticleStatus.PUBLISHED: frozenset({ArticleStatus.UNPUBLISHED}),
        ArticleStatus.UNPUBLISHED: frozenset({ArticleStatus.PUBLISHED, ArticleStatus.IN_REVIEW}),
        ArticleStatus.ARCHIVED: frozenset({ArticleStatus.DRAFT}),
    },
    ClaimStatus: {
        ClaimStatus.CANDIDATE: frozenset({ClaimStatus.SELECTED, ClaimStatus.DISMISSED}),
        ClaimStatus.SELECTED: frozenset(
            {ClaimStatus.CANDIDATE, ClaimStatus.DISMISSED, ClaimStatus.IN_REVIEW}
        ),
        ClaimStatus.DISMISSED: frozenset({ClaimStatus.CANDIDATE}),
        ClaimStatus.IN_REVIEW: frozenset({ClaimStatus.SELECTED, ClaimStatus.REVIEWED}),
        # Back to in_review: a review was withdrawn, or the editor sent the claim back.
        ClaimStatus.REVIEWED: frozenset({ClaimStatus.IN_REVIEW, ClaimStatus.DECIDED}),
        ClaimStatus.DECIDED: frozenset(
            {ClaimStatus.IN_REVIEW, ClaimStatus.REVIEWED, ClaimStatus.PUBLISHED}
        ),
        # A published verdict changes only through a new decision (with a correction).
        ClaimStatus.PUBLISHED: frozenset({ClaimStatus.DECIDED}),
        ClaimStatus.NEEDS_REANCHOR: frozenset({ClaimStatus.CANDIDATE, ClaimStatus.DISMISSED}),
    },
    ReviewStatus: {
        ReviewStatus.DRAFT: frozenset({ReviewStatus.SUBMITTED, ReviewStatus.WITHDRAWN}),
        ReviewStatus.SUBMITTED: frozenset({ReviewStatus.DRAFT, ReviewStatus.WITHDRAWN}),
        ReviewStatus.WITHDRAWN: frozenset({ReviewStatus.DRAFT}),  # assigned again
    },
    ReportStatus: {
        ReportStatus.NEW: frozenset({ReportStatus.TRIAGED, ReportStatus.CLOSED}),
        ReportStatus.TRIAGED: frozenset({ReportStatus.CLOSED, ReportStatus.NEW}),
        ReportStatus.CLOSED: frozenset({ReportStatus.NEW}),
    },
}

# Any claim may be flagged when an article revision changes the text under it.
for _status in ClaimStatus:
    if _status is not ClaimStatus.NEEDS_REANCHOR:
        TRANSITIONS[ClaimStatus][_status] |= {ClaimStatus.NEEDS_REANCHOR}


class TransitionError(ValueError):
    """A status change that the transition table does not allow."""


def can_transition(current: StrEnum, target: StrEnum) -> bool:
    """Whether the table allows moving from `current` to `target`."""
    if type(current) is not type(target):
        return False
    return target in TRANSITIONS[type(current)][current]


def check_transition(current: StrEnum, target: StrEnum) -> None:
    """Raise `TransitionError` unless the table allows `current` -> `target`."""
    if not can_transition(current, target):
        raise TransitionError(f"{type(current).__name__}: {current} -> {target} is not allowed")


def transitions_markdown() -> str:
    """The transition table as Markdown, for docs/workflow.md."""
    lines: list[str] = []
    for enum_cls, table in TRANSITIONS.items():
        lines += [f"### {enum_cls.__name__}", "", "| from | allowed next states |", "|---|---|"]
        for state in enum_cls:
            targets = ", ".join(f"`{t}`" for t in enum_cls if t in table[state]) or "(final)"
            lines.append(f"| `{state}` | {targets} |")
        lines.append("")
    return "\n".join(lines)


# Weekly jobs run on one of these days (config settings such as LINK_CHECK_DAY).
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def weekday_number(value: object) -> int | None:
    """0 (Monday) to 6 (Sunday) for a weekday name, None for "" / "off" / None (never);
    ValueError for anything else."""
    text = str(value or "").strip().lower()
    if text in ("", "off", "none", "never", "false"):
        return None
    if text in WEEKDAYS:
        return WEEKDAYS.index(text)
    raise ValueError(text)


class MatchSource(StrEnum):
    """Where a claim's match comes from (claim_matches.source)."""

    OWN = "own"  # a published check of this desk
    IMPORTED = "imported"  # another fact-checker's ClaimReview
    OPEN = "open"  # a claim of another open (unpublished) article: work in progress


class MatchStatus(StrEnum):
    """What the editor made of a suggested match."""

    SUGGESTED = "suggested"
    SAME = "same"  # "the same claim": may be cited as evidence
    DISMISSED = "dismissed"  # not shown again
