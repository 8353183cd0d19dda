"""Machine-readable views of the published checks: Atom feed, sitemap, robots.txt, CSV export.

Everything here is read from the live publications' frozen snapshots, so it always says
what the verdict pages say. Every response carries an ETag derived from the publishing
state (one aggregate query) and answers a conditional GET with 304 before building
anything; all of it may be cached publicly for five minutes.
"""

from __future__ import annotations

import csv
import io
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from flask import Blueprint, Response, request
from sqlmodel import Session

from ..engine.snapshot import numeric_rating, parse_time
from ..extensions import db
from ..i18n import _
from ..infra.http_cache import conditional, make_etag
from ..infra.links import absolute_url, check_url, home_url
from ..queries.publications import (
    LiveCheck,
    PublishingState,
    live_checks,
    live_slugs,
    publishing_state,
    verdict_summary,
)
from ..queries.settings import get_setting
from .display import correction_change

bp = Blueprint("feeds", __name__)

FEED_ENTRIES = 50
SITEMAP_CHECKS = 49_999  # the sitemap protocol allows 50,000 URLs per file (index included)
ATOM_NS = "http://www.w3.org/2005/Atom"
SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
# Characters XML 1.0 cannot carry at all (control characters in imported text).
_NOT_XML = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
# Spreadsheets run a cell that starts with one of these as a formula.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# Staff-only areas: crawlers need not try them (they are guarded anyway).
ROBOTS_DISALLOW = ("/editor/", "/review/", "/admin/", "/account/", "/login", "/setup",
                   "/invitation/")
CSV_COLUMNS = (
    "check_slug", "article_title", "outlet", "article_url", "claim_number", "claim_text",
    "claimant", "claim_date", "verdict", "rating_value", "worst_rating", "best_rating",
    "conclusion", "published_date", "page_url",
)


def organisation(session: Session) -> dict[str, str]:
    """The fact-checking organisation (name, url), as the verdict pages name it."""
    return {"name": get_setting(session, "org_name") or "factcheck",
            "url": get_setting(session, "org_url") or home_url()}



def rfc3339(moment: datetime) -> str:
    """`2026-05-01T09:30:00Z`: the form Atom and sitemaps expect."""
    return moment.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def _state_etag(state: PublishingState, kind: str, *extra: object) -> str:
    return make_etag(kind, *state.version, *extra)


# --- Atom feed ------------------------------------------------------------------------------


@bp.route("/feed.atom")
def atom():
    """The latest published checks and their corrections, newest first."""
    state = publishing_state(db.session)
    org = organisation(db.session)
    return conditional(_state_etag(state, "feed", org, request.url_root),
                       lambda: _xml_response(_atom(state, org), "application/atom+xml"))


@dataclass(frozen=True)
class _Entry:
    id: str
    title: str
    link: str
    published: datetime
    updated: datetime
    summary: str


def _entries(check: LiveCheck) -> Iterator[_Entry]:
    snapshot, url = check.snapshot, check_url(check.slug)
    title = snapshot.article.title
    yield _Entry(id=url, title=_("Fact check: {title}", title=title), link=url,
                 published=check.first_published, updated=check.modified,
                 summary=verdict_summary(snapshot))
    for n, correction in enumerate(snapshot.corrections, start=1):
        at = parse_time(correction.at)
        # Readers of the feed see what changed, not only why.
        change = correction_change(correction.kind, correction.before, correction.after)
        note = f"{change} {correction.note}" if change else correction.note
        if correction.claim_number is not None:
            note = _("Claim {n}: {note}", n=correction.claim_number, note=note)
        yield _Entry(id=f"{url}#correction-{n}", title=_("Correction: {title}", title=title),
                     link=url, published=at, updated=at, summary=note)


def _atom(state: PublishingState, org: dict[str, str]) -> bytes:
    # A correction is never newer than the publication that carries it, so the
    # FEED_ENTRIES most recently changed checks hold the FEED_ENTRIES newest entries.
    checks = live_checks(db.session, newest="modified", limit=FEED_ENTRIES)
    entries = sorted((e for check in checks for e in _entries(check)),
                     key=lambda e: (e.updated, e.id), reverse=True)[:FEED_ENTRIES]
    feed = ET.Element("feed", {"xmlns": ATOM_NS})
    self_url = absolute_url("feeds.atom")
    _text(feed, "id", self_url)
    _text(feed, "title", _("{org}: fact checks", org=org["name"]))
    _text(feed, "updated", rfc3339(state.changed or _EPOCH))
    _link(feed, "self", "application/atom+xml", self_url)
    _link(feed, "alternate", "text/html", home_url())
    author = ET.SubElement(feed, "author")
    _text(author, "name", org["name"])
    _text(author, "uri", org["url"])
    for item in entries:
        entry = ET.SubElement(feed, "entry")
        _text(entry, "id", item.id)
        _text(entry, "title", item.title)
        _link(entry, "alternate", "text/html", item.link)
        _text(entry, "published", rfc3339(item.published))
        _text(entry, "updated", rfc3339(item.updated))
        _text(entry, "summary", item.summary).set("type", "text")
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True)


def _text(parent: ET.Element, tag: str, text: str) -> ET.Element:
    element = ET.SubElement(parent, tag)
    element.text = _NOT_XML.sub("", text)
    return element


def _link(parent: ET.Element, rel: str, media_type: str, href: str) -> None:
    ET.SubElement(parent, "link", {"rel": rel, "type": media_type, "href": _NOT_XML.sub("", href)})


def _xml_response(body: bytes, mimetype: str) -> Response:
    return Response(body, content_type=f"{mimetype}; charset=utf-8")


# --- Sitemap and robots.txt -------------------------------------------------------------------


@bp.route("/sitemap.xml")
def sitemap():
    """The front page and every live check, with when each last changed."""
    state = publishing_state(db.session)
    return conditional(_state_etag(state, "sitemap", request.url_root),
                       lambda: _xml_response(_sitemap(state), "application/xml"))


def _sitemap(state: PublishingState) -> bytes:
    urlset = ET.Element("urlset", {"xmlns": SITEMAP_NS})
    pages: list[tuple[str, datetime | None]] = [(home_url(), state.changed)]
    pages += [(check_url(slug), modified)
              for slug, modified in live_slugs(db.session, limit=SITEMAP_CHECKS)]
    for location, modified in pages:
        url = ET.SubElement(urlset, "url")
        _text(url, "loc", location)
        if modified is not None:
            _text(url, "lastmod", rfc3339(modified))
    return ET.tostring(urlset, encoding="utf-8", xml_declaration=True)


@bp.route("/robots.txt")
def robots():
    """Crawl the public pages, not the staff areas; where the sitemap is."""
    lines = ["User-agent: *"]
    # Disallow rules first: parsers that take the first matching rule get them right too.
    lines += [f"Disallow: {path}" for path in ROBOTS_DISALLOW]
    lines += ["Allow: /", "", f"Sitemap: {absolute_url('feeds.sitemap')}", ""]
    body = "\n".join(lines)
    return conditional(make_etag("robots", body),
                       lambda: Response(body, content_type="text/plain; charset=utf-8"))


# --- CSV export -----------------------------------------------------------------------------


@bp.route("/exports/verdicts.csv")
def verdicts_csv():
    """Every decided claim of every live check, one row each, for researchers."""
    state = publishing_state(db.session)
    return conditional(_state_etag(state, "verdicts-csv", request.url_root), _verdicts_csv)


def verdict_rows(check: LiveCheck) -> Iterator[list[Any]]:
    """The CSV rows of one check: its decided claims, in the order of the article."""
    snapshot, url = check.snapshot, check_url(check.slug)
    article = snapshot.article
    # The same date as the ClaimReview markup's datePublished on the verdict page.
    published = check.publication.published_at.date().isoformat()
    for claim in snapshot.claims:
        if not claim.decided:
            continue
        name = claim.rating.name if claim.rating else None
        yield [article.slug, article.title, article.outlet, article.source_url,
               claim.number, claim.text, claim.claimant, claim.claim_date,
               name, *numeric_rating(claim.rating), claim.summary, published,
               f"{url}#claim-{claim.number}"]


def csv_cell(value: Any) -> Any:
    """A value as a CSV cell that a spreadsheet shows as text, never runs as a formula."""
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def _verdicts_csv() -> Response:
    out = io.StringIO()
    writer = csv.writer(out)  # RFC 4180: CRLF line ends, quotes doubled, fields quoted as needed
    writer.writerow(CSV_COLUMNS)
    for check in live_checks(db.session):
        writer.writerows([csv_cell(v) for v in row] for row in verdict_rows(check))
    response = Response(out.getvalue(), content_type="text/csv; charset=utf-8; header=present")
    response.headers["Content-Disposition"] = "attachment; filename=verdicts.csv"
    return response
