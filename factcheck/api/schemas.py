"""The API's request and response bodies as JSON Schema: the OpenAPI document's components.

Request schemas (`...Input`) are closed and validate what clients send; response schemas
describe what `records.py` and `checks.py` write, and the schemathesis run checks every
response against them.
"""

from __future__ import annotations

from ..states import (
    ArticleStatus,
    CaptureStatus,
    ClaimKind,
    ClaimOrigin,
    ClaimStatus,
    Confidence,
    CorrectionKind,
    NotificationKind,
    ReviewStatus,
    Stance,
    WaybackStatus,
)
from .validation import array, enum, integer, nullable, obj, ref, string

_TEXT = string(max_length=20_000)
_URL = string(1, 2048, format="uri")
_DATE = string(format="date")
_TIME = string(format="date-time")
_ID = integer()
_COUNT = integer(0)
_CONTENT_KINDS = [str(k) for k in (ClaimKind.FACTUAL, ClaimKind.OPINION, ClaimKind.PREDICTION,
                                    ClaimKind.QUESTION)]
_TRIAGE = [str(ClaimStatus.CANDIDATE), str(ClaimStatus.SELECTED), str(ClaimStatus.DISMISSED)]


def _list_of(item: str) -> dict:
    return obj({"items": array(ref(item)), "page": integer(), "per_page": integer(),
                "total": _COUNT}, ("items", "page", "per_page", "total"), closed=False)


def _all_required(properties: dict) -> dict:
    return obj(properties, tuple(properties), closed=False)


_USER = nullable(obj({"id": _ID, "name": string()}, ("id", "name"), closed=False))

SCHEMAS: dict[str, dict] = {
    "OpenAPI": obj({"openapi": string(), "paths": obj({}, closed=False)}, ("openapi", "paths"),
                   closed=False),
    "Error": obj({
        "error": obj({"code": string(1), "message": string(1),
                      "fields": obj({}, closed=False)}, ("code", "message"), closed=False),
        "current": ref("Claim"),
    }, ("error",), closed=False),
    # --- requests
    "ArticleInput": obj({
        "title": string(1, 300), "text": string(1), "url": nullable(_URL),
        "outlet": nullable(string(max_length=200)), "author": nullable(string(max_length=200)),
        "published_on": nullable(_DATE),
        "language": nullable(string(2, 35, pattern="^[a-z]{2,3}(-[A-Za-z0-9]{1,8})*$")),
    }, ("title", "text")),
    "ClaimPatch": obj({
        "version": _ID, "text": string(1, 2000), "claimant": nullable(string(max_length=200)),
        "short_claim": string(max_length=140),
        "claim_date": nullable(_DATE), "status": enum(_TRIAGE),
        "dismissal_reason": string(max_length=2000), "correction_note": string(max_length=2000),
    }, ("version",)),
    "AssignmentInput": obj({"reviewer": string(3, 320, format="email"),
                            "due": nullable(_DATE)}, ("reviewer",)),
    "EvidenceInput": obj({
        "url": _URL, "title": string(max_length=300), "publisher": string(max_length=200),
        "published_on": nullable(_DATE), "quote": _TEXT,
        "stance": enum([str(s) for s in Stance]), "archive_url": nullable(_URL),
        "note": _TEXT,
    }, ("url", "stance")),
    "ReviewInput": obj({
        "rating": nullable(string(1, 40)), "rationale": string(1, 20_000),
        "confidence": enum([str(c) for c in Confidence]),
        "evidence": array(_ID, max_items=200),
    }, ("rating", "rationale")),
    "DecisionInput": obj({
        "rating": nullable(string(1, 40)), "summary": string(1, 20_000),
        "correction_note": string(max_length=2000), "version": integer(0),
        # What the verdict page publishes as "The reasoning"; omitted: kept as it is, or,
        # for a first decision, the submitted reviewers' rationales.
        "public_reasoning": string(max_length=40_000),
    }, ("rating", "summary")),
    "PublishInput": obj({"include_open": {"type": "boolean"}}),
    "EvidencePatch": obj({"public_copy": {"type": "boolean"}}, ("public_copy",)),
    "NotificationsReadInput": obj({"ids": array(_ID, max_items=500),
                                   "all": {"type": "boolean"}}),
    "MatchInput": obj({"text": string(1, 20_000), "limit": integer(1, 20),
                       "include_imported": {"type": "boolean"}}, ("text",)),
    # --- responses
    "Claim": _all_required({
        "id": _ID, "article_id": _ID, "position": _COUNT, "start": _COUNT, "end": _COUNT,
        "quote": string(), "text": string(), "kind": enum([str(k) for k in ClaimKind]),
        "short_claim": string(max_length=140),
        "score": {"type": "number"}, "claimant": nullable(string()),
        "claimant_id": nullable(_ID),
        "claim_date": nullable(_DATE), "status": enum([str(s) for s in ClaimStatus]),
        "dismissal_reason": string(), "version": _ID,
        # Reported speech: where the article text names the source ([start, end) into the
        # text; for "he said", where the name it stands for is written) ...
        "claimant_span": nullable(obj({"start": _COUNT, "end": _COUNT}, ("start", "end"),
                                      closed=False)),
        # ... and an attributed claim's content: the quotation or that-clause without the
        # reporting frame, its own kind and check-worthiness (the claim's score).
        "content": nullable(obj({
            "start": _COUNT, "end": _COUNT, "kind": enum(_CONTENT_KINDS),
            "score": {"type": "number"},
        }, ("start", "end", "kind", "score"), closed=False)),
        # A sub-claim (an atomic statement of a sentence, or a fact it presupposes) names
        # its sentence's claim; a sentence has none.
        "parent_id": nullable(_ID), "origin": enum([str(o) for o in ClaimOrigin]),
    }),
    "ClaimDetail": {"allOf": [ref("Claim"), obj({
        "evidence": array(ref("Evidence")), "decision": nullable(ref("Decision")),
        "assignments": array(ref("Assignment")),
    }, ("evidence", "decision"), closed=False)]},
    "Article": _all_required({
        "id": _ID, "title": string(), "slug": string(),
        "status": enum([str(s) for s in ArticleStatus]), "text": string(),
        "url": nullable(string()), "outlet": nullable(string()),
        "author": nullable(string()), "language": nullable(string()),
        "published_on": nullable(_DATE), "version": _ID, "claims": array(ref("Claim")),
    }),
    "ArticleSummary": _all_required({
        "id": _ID, "title": string(), "slug": string(),
        "status": enum([str(s) for s in ArticleStatus]), "url": nullable(string()),
        "outlet": nullable(string()), "created_at": _TIME, "api_url": string(),
    }),
    "ArticleList": _list_of("ArticleSummary"),
    "User": _USER,
    "Assignment": _all_required({
        "reviewer": obj({"id": _ID, "name": string(), "email": string()},
                        ("id", "name", "email"), closed=False),
        "assigned_at": _TIME, "due": nullable(_DATE),
    }),
    "Evidence": _all_required({
        "id": _ID, "claim_id": _ID, "url": string(), "title": string(), "publisher": string(),
        "published_on": nullable(_DATE), "accessed_at": _TIME, "quote": string(),
        "stance": enum([str(s) for s in Stance]), "archive_url": nullable(string()),
        "note": string(), "added_by": ref("User"), "version": _ID,
        "preservation": ref("Preservation"),
        # Whether readers may open the preserved copy from the verdict page (false: the
        # page says "preserved copy available on request"); editors turn it off.
        "public_copy": {"type": "boolean"},
    }),
    # The latest preserved copy of the evidence's page; `status` null: none asked for yet
    # (evidence older than preservation), `copies`: how many copies were preserved.
    "Preservation": _all_required({
        "status": nullable(enum([*(str(s) for s in CaptureStatus), None])),
        "reason": string(),
        "captured_at": nullable(_TIME), "final_url": nullable(string()),
        "http_status": nullable(integer()), "sha256": nullable(string()),
        "quote_found": nullable({"type": "boolean"}), "copies": _COUNT,
        # The Internet Archive's snapshot of that copy (Save Page Now); null: not asked.
        "wayback": nullable(_all_required({
            "status": enum([str(s) for s in WaybackStatus]), "url": nullable(string()),
            "reason": string()})),
    }),
    "Review": _all_required({
        "id": _ID, "claim_id": _ID, "reviewer": ref("User"),
        "status": enum([str(s) for s in ReviewStatus]), "rating": nullable(string()),
        "rationale": string(), "confidence": enum([str(c) for c in Confidence]),
        "evidence": array(_ID), "submitted_at": nullable(_TIME), "version": _ID,
    }),
    "ReviewList": obj({"items": array(ref("Review"))}, ("items",), closed=False),
    "Decision": _all_required({
        "claim_id": _ID, "rating": nullable(string()), "summary": string(),
        "public_reasoning": string(),
        "editor": ref("User"), "decided_at": _TIME, "version": _ID,
    }),
    "Publication": obj({
        "article_id": _ID, "status": enum([str(s) for s in ArticleStatus]),
        "public_url": string(), "version": _ID,
    }, ("article_id", "status", "public_url"), closed=False),
    "Notification": _all_required({
        "id": _ID, "kind": enum([str(k) for k in NotificationKind]), "text": string(),
        "url": string(), "actor": ref("User"), "claim_id": nullable(_ID),
        "article_id": nullable(_ID), "report_id": nullable(_ID),
        "details": obj({}, closed=False), "created_at": _TIME, "read_at": nullable(_TIME),
        # Its own e-mail: sent, waiting for the worker, failed (retries spent), not sent
        # (read first, settings changed), or null (mail off, a digest, or not wanted).
        "mail": nullable(enum(["sent", "pending", "failed", "not_sent"])),
        "mailed_at": nullable(_TIME),
    }),
    "NotificationList": {"allOf": [_list_of("Notification"),
                                   obj({"unread": _COUNT}, ("unread",), closed=False)]},
    "NotificationsRead": _all_required({"marked": _COUNT, "unread": _COUNT}),
    # A check already made that matches: the desk's own verdict or an imported ClaimReview.
    "Match": _all_required({
        "text": string(), "rating": nullable(string()), "url": string(),
        "publisher": nullable(string()), "published": nullable(_DATE),
        "source": enum(["own", "imported"]),
        "score": {"type": "number", "minimum": 0, "maximum": 1},
    }),
    "MatchList": obj({"matches": array(ref("Match"))}, ("matches",), closed=False),
    "RatingScale": _all_required({
        "name": string(), "mode": string(),
        "labels": array(_all_required({
            "key": string(), "label": string(), "value": nullable(integer(0)),
            "colour": string(), "symbol": string(), "description": string(),
        })),
    }),
    "CheckSummary": _all_required({
        "slug": string(), "title": string(), "outlet": nullable(string()), "url": string(),
        "source_url": nullable(string()), "published_at": nullable(_TIME),
        "updated_at": nullable(_TIME), "checked": _COUNT, "open": _COUNT,
        "counts": array(_all_required({"verdict": string(), "count": _COUNT})),
    }),
    "CheckList": _list_of("CheckSummary"),
    "Check": {"allOf": [ref("CheckSummary"), obj({
        "author": nullable(string()), "published_on": nullable(_DATE),
        "language": nullable(string()), "version": _ID, "candidates": _COUNT,
        "organisation": obj({}, closed=False),
        "claims": array(obj({
            "number": _ID, "url": string(), "text": string(), "quote": string(),
            "short_claim": string(max_length=140), "kind": string(),
            "claimant": nullable(string()), "claim_date": nullable(_DATE),
            "claimant_slug": nullable(string()), "claimant_same_as": nullable(string()),
            "status": enum(["decided", "open"]),
            "verdict": nullable(obj({}, closed=False)), "conclusion": nullable(string()),
            "decided_at": nullable(string()), "reviewers": _COUNT,
            "evidence": array(obj({}, closed=False)),
        }, ("number", "url", "text", "status", "verdict"), closed=False)),
        "corrections": array(obj({
            "at": string(), "note": string(), "before": string(), "after": string(),
            "claim_number": nullable(_ID), "kind": enum([str(k) for k in CorrectionKind])},
            ("at", "note"), closed=False)),
    }, ("claims", "corrections"), closed=False)]},
}
