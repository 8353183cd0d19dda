"""schema.org ClaimReview markup for a published check (DESIGN.md section 3)."""

from __future__ import annotations

from typing import Any

from .snapshot import Organisation, Snapshot, SnapshotArticle, SnapshotClaim

CLAIM_REVIEWED_MAX = 75


def short_claim(text: str, limit: int = CLAIM_REVIEWED_MAX) -> str:
    """The claim as `claimReviewed`: whole when short, else cut at a word with an ellipsis."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0].rstrip(" ,;:")
    return cut + "…"


def _rating(claim: SnapshotClaim) -> dict[str, Any]:
    label = claim.rating
    if label is None:  # conclusion-only scale: the conclusion's first sentence names the verdict
        first = claim.summary.split(". ")[0].strip().rstrip(".")
        return {"@type": "Rating", "alternateName": short_claim(first, 100)}
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


def claim_reviews(snapshot: Snapshot, *, page_url: str, published: str,
                  modified: str | None, organisation: Organisation) -> list[dict[str, Any]]:
    """One ClaimReview per decided claim; matches what the page shows readers."""
    author = {"@type": "Organization", "name": organisation.name, "url": organisation.url}
    if organisation.logo:
        author["logo"] = {"@type": "ImageObject", "url": organisation.logo}
    reviews = []
    for claim in snapshot.claims:
        if not claim.decided:
            continue
        review: dict[str, Any] = {
            "@context": "https://schema.org",
            "@type": "ClaimReview",
            "url": f"{page_url}#claim-{claim.number}",
            "claimReviewed": short_claim(claim.text),
            "author": author,
            "datePublished": published,
            "reviewRating": _rating(claim),
            "itemReviewed": _item_reviewed(claim, snapshot.article),
        }
        if modified:
            review["dateModified"] = modified
        reviews.append(review)
    return reviews
