"""What each webhook event says: the JSON `data` and the one-line text of chat formats.

Built from what is public (the published snapshot, corrections) or what every editor's
notification already says (which claim of which article waits for a decision): never a
reviewer's rating, rationale or draft, never a reader's message or address. Links are
absolute, made by the app's `links(endpoint, **values)` on FACTCHECK_PUBLIC_URL.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel import Session

from ..engine.snapshot import Snapshot, SnapshotClaim
from ..i18n import _
from ..models import Article, Claim, Correction, Publication, ReaderReport, Webhook
from ..queries.webhooks import claim_number
from ..states import WebhookEvent

Links = Callable[..., str]
TITLE_CHARACTERS = 60  # of an article's title in a one-line message


@dataclass(frozen=True)
class Message:
    data: dict[str, Any]  # the JSON envelope's `data`
    text: str  # the whole message of a chat format (Slack's `text`)


def iso(moment: datetime) -> str:
    """A UTC time as bodies give it: 2026-12-05T17:42:36Z."""
    return moment.isoformat(timespec="seconds").replace("+00:00", "Z")


def short_title(title: str) -> str:
    """An article's title cut to about TITLE_CHARACTERS, at a word, for one-line messages."""
    title = " ".join(title.split())
    if len(title) <= TITLE_CHARACTERS:
        return title
    cut = title[:TITLE_CHARACTERS].rsplit(" ", 1)[0] or title[:TITLE_CHARACTERS]
    return cut.rstrip(" ,;:.-") + "…"


def _check(article: Article, links: Links) -> dict[str, Any]:
    return {"article_id": article.id, "title": article.title, "slug": article.slug,
            "url": links("public.check", slug=article.slug)}


def _published_claim(claim: SnapshotClaim, check_url: str) -> dict[str, Any]:
    # What the verdict page shows of the claim; the reviewers' reasoning stays on the page.
    verdict = ({"key": claim.rating.key, "name": claim.rating.name, "value": claim.rating.value}
               if claim.rating else None)
    return {"id": claim.id, "number": claim.number, "text": claim.text,
            "claimant": claim.claimant, "decided": claim.decided, "verdict": verdict,
            "summary": claim.summary if claim.decided else "",
            "url": f"{check_url}#claim-{claim.number}"}


def check_published(session: Session, links: Links, *, article: Article,
                    publication: Publication) -> Message:
    """A check was published (or republished with more claims decided)."""
    snapshot = Snapshot.from_json(publication.snapshot)
    check = _check(article, links)
    claims = [_published_claim(c, check["url"]) for c in snapshot.claims]
    data = {"check": {**check, "version": publication.number,
                      "published_at": iso(publication.published_at),
                      "claims": claims}}
    text = _("Published: '{title}' ({n} claim(s) checked): {url}",
             title=short_title(article.title), n=snapshot.checked, url=check["url"])
    return Message(data, text)


def check_unpublished(session: Session, links: Links, *, article: Article) -> Message:
    """A check was withdrawn from public view (its page now answers 410 Gone)."""
    check = _check(article, links)
    return Message({"check": check},
                   _("Unpublished: '{title}' is no longer public.",
                     title=short_title(article.title)))


def check_corrected(session: Session, links: Links, *, claim: Claim,
                    corrections: Sequence[Correction], publication: Publication) -> Message:
    """A published claim was corrected; the check is republished with the corrections."""
    article = session.get(Article, claim.article_id)
    check = _check(article, links)
    snapshot = Snapshot.from_json(publication.snapshot)
    shown = next(c for c in snapshot.claims if c.id == claim.id)
    data = {"check": {**check, "version": publication.number},
            "claim": _published_claim(shown, check["url"]),
            "corrections": [{"kind": str(c.kind), "before": c.before, "after": c.after,
                             "note": c.note, "created_at": iso(c.created_at)}
                            for c in corrections]}
    note = corrections[0].note if corrections else ""
    text = _("Correction to claim {n} of '{title}': {note} {url}", n=shown.number,
             title=short_title(article.title), note=note,
             url="{}#claim-{}".format(check["url"], shown.number))
    return Message(data, text)


def claim_ready_for_decision(session: Session, links: Links, *, claim: Claim) -> Message:
    """The required reviews of a claim are in: an editor may decide it."""
    article = session.get(Article, claim.article_id)
    number = claim_number(session, claim)
    url = links("editor.decide", claim_id=claim.id)
    data = {"claim": {"id": claim.id, "number": number, "text": claim.text, "url": url},
            "article": {"id": article.id, "title": article.title,
                        "url": links("editor.article", article_id=article.id)}}
    text = _("Claim {n} of '{title}' is ready for decision: {url}", n=number,
             title=short_title(article.title), url=url)
    return Message(data, text)


def report_received(session: Session, links: Links, *, report: ReaderReport,
                    article: Article) -> Message:
    """A reader reported an error or suggested a claim (its text stays in the inbox)."""
    url = links("editor.reports", _anchor=f"report-{report.id}")
    data = {"report": {"id": report.id, "claim_id": report.claim_id, "url": url,
                       "created_at": iso(report.created_at)},
            "check": _check(article, links)}
    text = _("A reader sent a report about '{title}': {url}",
             title=short_title(article.title), url=url)
    return Message(data, text)


def ping_message(webhook: Webhook) -> Message:
    """The test delivery an administrator asks for."""
    return Message({"webhook": {"id": webhook.id, "events": list(webhook.events)}},
                   _("factcheck: this webhook works."))


BUILDERS: dict[WebhookEvent, Callable[..., Message]] = {
    WebhookEvent.CHECK_PUBLISHED: check_published,
    WebhookEvent.CHECK_UNPUBLISHED: check_unpublished,
    WebhookEvent.CHECK_CORRECTED: check_corrected,
    WebhookEvent.CLAIM_READY_FOR_DECISION: claim_ready_for_decision,
    WebhookEvent.REPORT_RECEIVED: report_received,
}
