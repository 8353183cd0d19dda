"""Machine-readable views of the published checks: Atom feed, sitemap, robots.txt, CSV export.

Everything here is read from the live publications' frozen snapshots, so it always says
what the verdict pages say. Every response carries an ETag derived from the publishing
state (one aggregate query) and answers a conditional GET with 304 before building
anything; all of it may be cached publicly for five minutes.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal

from flask import Blueprint, Response, request, url_for
from sqlalchemy import func
from sqlmodel import Session, col, select

from ..extensions import db
from ..i18n import _
from ..models import Article, Publication
from ..states import ArticleStatus
from ..workflow.settings import get_setting

bp = Blueprint("feeds", __name__)

MAX_AGE = 300  # seconds readers, feed readers and proxies may reuse a response
FEED_ENTRIES = 50
SITEMAP_CHECKS = 49_999  # the sitemap protocol allows 50,000 URLs per file (index included)
# Part of every ETag: bump it when the output of a view changes shape.
FORMAT_VERSION = 1
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


# --- Reads shared with the JSON API (factcheck/api.py) ------------------------------------


@dataclass(frozen=True)
class LiveCheck:
    """A published check as readers see it now."""

    publication: Publication  # the live (not withdrawn) publication and its snapshot
    first_published: datetime  # when the check first went public
    modified: datetime  # its latest publication or correction, as on the verdict page

    @property
    def snapshot(self) -> dict[str, Any]:
        return self.publication.snapshot

    @property
    def slug(self) -> str:
        return self.snapshot["article"]["slug"]


@dataclass(frozen=True)
class PublishingState:
    """What every list of live checks depends on; any publish, withdrawal or correction
    changes it (a new publication gets a higher id, a withdrawal lowers the count)."""

    live: int
    newest_id: int | None
    last_published: datetime | None
    last_withdrawn: datetime | None
    last_corrected: datetime | None

    @property
    def changed(self) -> datetime | None:
        """When the set of live checks last changed, or None if nothing was ever published."""
        times = [t for t in (self.last_published, self.last_withdrawn, self.last_corrected) if t]
        return max(times, default=None)

    def etag(self, kind: str, *extra: object) -> str:
        """An ETag for a `kind` of view over the live checks (`extra`: other inputs)."""
        return make_etag(kind, self.live, self.newest_id, self.last_published,
                         self.last_withdrawn, self.last_corrected, *extra)


def _modified_expression():
    return func.coalesce(Article.last_corrected_at, Publication.published_at)


def publishing_state(session: Session) -> PublishingState:
    """The publishing state in one query of five subqueries, each answered from an index
    (a scan of the publications would read every snapshot)."""
    live = col(Publication.withdrawn_at).is_(None)
    query = select(
        select(func.count()).select_from(Publication).where(live).scalar_subquery(),
        select(func.max(Publication.id)).where(live).scalar_subquery(),
        select(func.max(Publication.published_at)).scalar_subquery(),
        select(func.max(Publication.withdrawn_at)).scalar_subquery(),
        # A check is live exactly while its article is published.
        select(func.max(Article.last_corrected_at))
        .where(Article.status == ArticleStatus.PUBLISHED).scalar_subquery())
    return PublishingState(*session.exec(query).one())


def live_checks(session: Session, *, newest: Literal["published", "modified"] = "published",
                limit: int | None = None, offset: int = 0) -> list[LiveCheck]:
    """Live checks, newest first by first publication (stable for paging) or by last change."""
    if newest == "modified":
        order = (_modified_expression().desc(), col(Publication.id).desc())
    else:
        order = (col(Article.published_at).desc(), col(Article.id).desc())
    # The article's status repeats what the live publication says, so that the newest
    # first are read in the order of the (status, published_at) index.
    query = (select(Publication, Article.published_at, Article.last_corrected_at)
             .join(Article, col(Article.id) == Publication.article_id)
             .where(col(Publication.withdrawn_at).is_(None),
                    Article.status == ArticleStatus.PUBLISHED)
             .order_by(*order).offset(offset).limit(limit))
    return [LiveCheck(publication, first or publication.published_at,
                      corrected or publication.published_at)
            for publication, first, corrected in session.exec(query).all()]


def make_etag(kind: str, *parts: object) -> str:
    """A short opaque ETag for a view `kind` computed from `parts`."""
    digest = hashlib.sha256(repr((FORMAT_VERSION, kind, parts)).encode()).hexdigest()
    return f"{kind}-{digest[:32]}"


def conditional(etag: str, build: Callable[[], Response]) -> Response:
    """304 when the client already has `etag`, else `build()`; publicly cacheable either way."""
    response = Response(status=304) if request.if_none_match.contains_weak(etag) else build()
    response.set_etag(etag)
    response.cache_control.public = True
    response.cache_control.max_age = MAX_AGE
    return response


def page_url(slug: str) -> str:
    """The absolute address of a check's verdict page."""
    return url_for("public.check", slug=slug, _external=True)


def organisation(session: Session) -> dict[str, str]:
    """The fact-checking organisation (name, url), as the verdict pages name it."""
    return {"name": get_setting(session, "org_name") or "factcheck",
            "url": get_setting(session, "org_url") or url_for("main.index", _external=True)}


def verdict_summary(snapshot: dict[str, Any]) -> str:
    """One line for readers: claims checked, verdict counts, claims still being checked."""
    text = _("{n} claims checked", n=snapshot["checked"])
    counts = ", ".join(f"{name or _('no label')}: {n}" for name, n in snapshot["counts"])
    text += f" ({counts})." if counts else "."
    if snapshot["open"]:
        text += " " + _("{n} more are still being checked.", n=snapshot["open"])
    return text


def numeric_rating(rating: dict[str, Any] | None) -> tuple[int | None, int | None, int | None]:
    """(value, worst, best) of an ordinal verdict; all None for a non-ordinal one
    ("Unverifiable"), which carries only its name, as in the ClaimReview markup."""
    if not rating or rating["value"] is None:
        return None, None, None
    return rating["value"], rating["worst"], rating["best"]


def parse_time(value: str) -> datetime:
    """A timestamp stored as ISO 8601 text in a snapshot, as an aware UTC datetime."""
    moment = datetime.fromisoformat(value)
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def rfc3339(moment: datetime) -> str:
    """`2026-05-01T09:30:00Z`: the form Atom and sitemaps expect."""
    return moment.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


# --- Atom feed ------------------------------------------------------------------------------


@bp.route("/feed.atom")
def atom():
    """The latest published checks and their corrections, newest first."""
    state = publishing_state(db.session)
    org = organisation(db.session)
    return conditional(state.etag("feed", org, request.url_root),
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
    snapshot, url = check.snapshot, page_url(check.slug)
    title = snapshot["article"]["title"]
    yield _Entry(id=url, title=_("Fact check: {title}", title=title), link=url,
                 published=check.first_published, updated=check.modified,
                 summary=verdict_summary(snapshot))
    numbers = {c["id"]: c["number"] for c in snapshot["claims"]}
    for n, correction in enumerate(snapshot["corrections"], start=1):
        at = parse_time(correction["at"])
        note = correction["note"]
        if correction["claim_id"] in numbers:
            note = _("Claim {n}: {note}", n=numbers[correction["claim_id"]], note=note)
        yield _Entry(id=f"{url}#correction-{n}", title=_("Correction: {title}", title=title),
                     link=url, published=at, updated=at, summary=note)


def _atom(state: PublishingState, org: dict[str, str]) -> bytes:
    # A correction is never newer than the publication that carries it, so the
    # FEED_ENTRIES most recently changed checks hold the FEED_ENTRIES newest entries.
    checks = live_checks(db.session, newest="modified", limit=FEED_ENTRIES)
    entries = sorted((e for check in checks for e in _entries(check)),
                     key=lambda e: (e.updated, e.id), reverse=True)[:FEED_ENTRIES]
    feed = ET.Element("feed", {"xmlns": ATOM_NS})
    self_url = url_for("feeds.atom", _external=True)
    _text(feed, "id", self_url)
    _text(feed, "title", _("{org}: fact checks", org=org["name"]))
    _text(feed, "updated", rfc3339(state.changed or _EPOCH))
    _link(feed, "self", "application/atom+xml", self_url)
    _link(feed, "alternate", "text/html", url_for("main.index", _external=True))
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
    return conditional(state.etag("sitemap", request.url_root),
                       lambda: _xml_response(_sitemap(state), "application/xml"))


def _sitemap(state: PublishingState) -> bytes:
    query = (select(Article.slug, _modified_expression())
             .join(Publication, col(Publication.article_id) == Article.id)
             .where(col(Publication.withdrawn_at).is_(None))
             .order_by(_modified_expression().desc(), col(Article.id).desc())
             .limit(SITEMAP_CHECKS))
    urlset = ET.Element("urlset", {"xmlns": SITEMAP_NS})
    pages: list[tuple[str, datetime | None]] = [
        (url_for("main.index", _external=True), state.changed)]
    pages += [(page_url(slug), modified) for slug, modified in db.session.exec(query).all()]
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
    lines += ["Allow: /", "", f"Sitemap: {url_for('feeds.sitemap', _external=True)}", ""]
    body = "\n".join(lines)
    return conditional(make_etag("robots", body),
                       lambda: Response(body, content_type="text/plain; charset=utf-8"))


# --- CSV export -----------------------------------------------------------------------------


@bp.route("/exports/verdicts.csv")
def verdicts_csv():
    """Every decided claim of every live check, one row each, for researchers."""
    state = publishing_state(db.session)
    return conditional(state.etag("verdicts-csv", request.url_root), _verdicts_csv)


def verdict_rows(check: LiveCheck) -> Iterator[list[Any]]:
    """The CSV rows of one check: its decided claims, in the order of the article."""
    snapshot, url = check.snapshot, page_url(check.slug)
    article = snapshot["article"]
    # The same date as the ClaimReview markup's datePublished on the verdict page.
    published = check.publication.published_at.date().isoformat()
    for claim in snapshot["claims"]:
        if not claim["decided"]:
            continue
        name = claim["rating"]["name"] if claim["rating"] else None
        yield [article["slug"], article["title"], article["outlet"], article["source_url"],
               claim["number"], claim["text"], claim["claimant"], claim["claim_date"],
               name, *numeric_rating(claim["rating"]), claim["summary"], published,
               f"{url}#claim-{claim['number']}"]


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
