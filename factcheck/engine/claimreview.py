"""schema.org ClaimReview markup for a published check (DESIGN.md section 3)."""

from __future__ import annotations

from typing import Any

from .snapshot import Organisation, Snapshot, SnapshotArticle, SnapshotClaim


def clip_words(text: str, limit: int) -> str:
    """`text` whole when short, else cut at a word with an ellipsis (for labels and
    descriptions; a claim's `claimReviewed` is its `short_claim`, never clipped)."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0].rstrip(" ,;:")
    return cut + "…"


def verdict_name(claim: SnapshotClaim) -> str:
    """The verdict's name: its label's, or on a conclusion-only scale the conclusion's
    first sentence (which names the verdict)."""
    if claim.rating is not None:
        return claim.rating.name
    first = claim.summary.split(". ")[0].strip().rstrip(".")
    return clip_words(first, 100)


def _rating(claim: SnapshotClaim) -> dict[str, Any]:
    label = claim.rating
    if label is None:
        return {"@type": "Rating", "alternateName": verdict_name(claim)}
    rating: dict[str, Any] = {"@type": "Rating", "alternateName": label.name}
    ordinal = (label.value is not None and label.worst is not None
               and label.best is not None and 1 <= label.worst < label.best)
    if ordinal:
        rating.update(ratingValue=label.value, worstRating=label.worst, bestRating=label.best)
    return rating


def _item_reviewed(claim: SnapshotClaim, article: SnapshotArticle) -> dict[str, Any]:
    item: dict[str, Any] = {"@type": "Claim"}
    if claim.claimant:
        item["author"] = {"@type": "Person", "name": claim.claimant}
        if claim.claimant_same_as:
            item["author"]["sameAs"] = claim.claimant_same_as
    date = claim.claim_date or article.published_on
    if date:
        item["datePublished"] = date
    if article.source_url:
        appearance: dict[str, Any] = {"@type": "CreativeWork", "url": article.source_url,
                                      "headline": article.title}
        if article.outlet:
            appearance["publisher"] = {"@type": "Organization", "name": article.outlet}
        item["firstAppearance"] = appearance
    return item


def claim_review(snapshot: Snapshot, claim: SnapshotClaim, *, url: str, published: str,
                 modified: str | None, organisation: Organisation) -> dict[str, Any]:
    """The ClaimReview of one decided claim, at `url` (an address that shows the claim and
    its verdict: the verdict page's anchor of the claim, or the claim's own page)."""
    author: dict[str, Any] = {"@type": "Organization", "name": organisation.name,
                              "url": organisation.url}
    if organisation.logo:
        author["logo"] = {"@type": "ImageObject", "url": organisation.logo}
    review: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "url": url,
        # The same words as the claim's heading on the page: the markup matches what
        # readers see (its short_claim, written by the editor or proposed by the engine).
        "claimReviewed": claim.headline,
        "author": author,
        "datePublished": published,
        "reviewRating": _rating(claim),
        "itemReviewed": _item_reviewed(claim, snapshot.article),
    }
    if modified:
        review["dateModified"] = modified
    return review


def claim_reviews(snapshot: Snapshot, *, page_url: str, published: str,
                  modified: str | None, organisation: Organisation) -> list[dict[str, Any]]:
    """One ClaimReview per decided claim; matches what the page shows readers."""
    return [claim_review(snapshot, claim, url=f"{page_url}#claim-{claim.number}",
                         published=published, modified=modified, organisation=organisation)
            for claim in snapshot.claims if claim.decided]
