"""The Atom feed, sitemap, robots.txt and CSV export of published checks."""

from __future__ import annotations

import csv
import io
import xml.etree.ElementTree as ET
from datetime import UTC, datetime
from urllib.robotparser import RobotFileParser

import pytest
from sqlmodel import select

from factcheck.extensions import db
from factcheck.models import Article, Claim, Correction, Decision, Evidence, User
from factcheck.queries.scales import active_scale, scale_labels
from factcheck.states import ClaimStatus, Role
from factcheck.web import feeds
from factcheck.workflow.articles import create_article
from factcheck.workflow.publishing import publish_article

from ..helpers import csrf_token, login

ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
HOST = "http://localhost"
FEED_URLS = ["/feed.atom", "/sitemap.xml", "/robots.txt", "/exports/verdicts.csv"]


# --- Helpers shared with tests/api/test_api_public.py -------------------------------------------


def publish_check(app, editor: User, *, title: str, claims=(), open_claims=(),
                  corrections=(), outlet: str | None = "Daily Example",
                  source_url: str | None = "https://news.example.org/story") -> dict:
    """Publish an article whose `claims` are (text, label key, conclusion, claimant) tuples
    and `open_claims` texts still being checked; `corrections` are (note, created_at,
    number of the claim or None). Returns the slug and the ids of the claims."""
    texts = [c[0] for c in claims] + list(open_claims)
    body = " ".join(t.replace("\n", " ") for t in texts) or "Text."
    with app.app_context():
        session = db.session
        labels = {lab.key: lab for lab in scale_labels(session, active_scale(session))}
        article = create_article(session, title=title, body=body, actor=None,
                                 outlet=outlet, source_url=source_url)
        ids, start = [], 0
        for n, text in enumerate(texts):
            end = start + len(text)
            decided = n < len(claims)
            claim = Claim(article_id=article.id, position=n, start=start, end=end, text=text,
                          status=ClaimStatus.DECIDED if decided else ClaimStatus.SELECTED)
            if decided:
                claim.claimant = claims[n][3] if len(claims[n]) > 3 else None
            session.add(claim)
            session.flush()
            ids.append(claim.id)
            if decided:
                _text, key, conclusion = claims[n][:3]
                session.add(Decision(claim_id=claim.id, editor_id=editor.id,
                                     rating_id=labels[key].id, summary=conclusion))
            start = end + 1
        for note, created_at, number in corrections:
            session.add(Correction(article_id=article.id, note=note, created_at=created_at,
                                   claim_id=ids[number - 1] if number else None))
        session.flush()
        publish_article(session, article=article, editor=session.get(User, editor.id),
                        include_open=True)
        session.commit()
        return {"slug": article.slug, "article_id": article.id, "claims": ids}


def unpublish_through_the_editor(app, editor: User, article_id: int) -> None:
    """Withdraw a check the way an editor does: the form on the article board."""
    client = app.test_client()
    assert login(client, editor.email).status_code == 302
    board = f"/editor/articles/{article_id}"
    token = csrf_token(client.get(board).get_data(as_text=True))
    response = client.post(f"{board}/unpublish", data={"csrf_token": token})
    assert response.status_code == 302


def add_evidence(app, claim_id: int, **values) -> None:
    with app.app_context():
        db.session.add(Evidence(claim_id=claim_id, **values))
        db.session.commit()


def assert_public_cache(response) -> None:
    assert response.headers["Cache-Control"] in ("public, max-age=300", "max-age=300, public")
    assert response.headers["ETag"]
    assert "Set-Cookie" not in response.headers


JOBS = (("Unemployment fell to 3.5 percent in October.", "true", "Confirmed by the office.",
         "The ministry"),
        ("The plan costs nothing.", "unverifiable", "No figures exist.", None))


@pytest.fixture
def editor(make_user) -> User:
    return make_user(Role.EDITOR)


def _atom(client) -> ET.Element:
    response = client.get("/feed.atom")
    assert response.status_code == 200
    assert response.mimetype == "application/atom+xml"
    assert response.mimetype_params == {"charset": "utf-8"}
    assert_public_cache(response)
    return parse_xml(response.get_data())


def _entries(feed: ET.Element) -> list[dict[str, str]]:
    entries = []
    for entry in feed.findall(f"{ATOM}entry"):
        links = entry.findall(f"{ATOM}link")
        assert [(link.get("rel"), link.get("type")) for link in links] == [
            ("alternate", "text/html")]
        summary = entry.find(f"{ATOM}summary")
        assert summary.get("type") == "text"
        entries.append({"id": entry.findtext(f"{ATOM}id"),
                        "title": entry.findtext(f"{ATOM}title"),
                        "updated": entry.findtext(f"{ATOM}updated"),
                        "published": entry.findtext(f"{ATOM}published"),
                        "link": links[0].get("href"), "summary": summary.text})
    return entries


def parse_xml(body: bytes) -> ET.Element:
    """Parse this app's own XML output (trusted: no entities, no DTD)."""
    return ET.fromstring(body)  # noqa: S314


def _parse_time(text: str) -> datetime:
    assert text.endswith("Z") and "T" in text  # RFC 3339 in UTC
    return datetime.fromisoformat(text)


# --- Atom ---------------------------------------------------------------------------------------


def test_feed_is_atom_with_one_entry_per_check_and_correction_newest_first(app, editor):
    first = publish_check(app, editor, title="Jobs report", claims=JOBS,
                          open_claims=["Prices will fall next year."])
    second = publish_check(app, editor, title="Budget", claims=JOBS[:1], corrections=[
        ("We misnamed the ministry.", datetime(2020, 1, 2, tzinfo=UTC), 1),
        ("We fixed a date.", datetime(2020, 1, 3, tzinfo=UTC), None)])
    feed = _atom(app.test_client())

    assert feed.tag == f"{ATOM}feed"
    assert feed.findtext(f"{ATOM}id") == f"{HOST}/feed.atom"
    assert feed.findtext(f"{ATOM}title") == "Fact-check desk: fact checks"
    assert feed.find(f"{ATOM}author").findtext(f"{ATOM}name") == "Fact-check desk"
    links = {link.get("rel"): (link.get("type"), link.get("href"))
             for link in feed.findall(f"{ATOM}link")}
    assert links == {"self": ("application/atom+xml", f"{HOST}/feed.atom"),
                     "alternate": ("text/html", f"{HOST}/")}
    entries = _entries(feed)
    first_url, second_url = (f"{HOST}/checks/{first['slug']}",
                             f"{HOST}/checks/{second['slug']}")
    assert [e["id"] for e in entries] == [second_url, first_url, f"{second_url}#correction-2",
                                          f"{second_url}#correction-1"]
    assert [e["title"] for e in entries] == [
        "Fact check: Budget", "Fact check: Jobs report", "Correction: Budget",
        "Correction: Budget"]
    assert entries[1]["summary"] == ("2 claims checked (True: 1, Unverifiable: 1). "
                                     "1 more is still being checked.")
    assert entries[0]["summary"] == "1 claim checked (True: 1)."
    assert [e["summary"] for e in entries[2:]] == [
        "We fixed a date.", "Claim 1: We misnamed the ministry."]
    assert [e["link"] for e in entries] == [second_url, first_url, second_url, second_url]
    times = [_parse_time(e["updated"]) for e in entries]
    assert times == sorted(times, reverse=True)
    assert entries[3]["updated"] == entries[3]["published"] == "2020-01-02T00:00:00Z"
    assert _parse_time(feed.findtext(f"{ATOM}updated")) == times[0]


def test_unpublished_check_leaves_feed_sitemap_and_export(app, editor):
    kept = publish_check(app, editor, title="Kept", claims=JOBS)
    withdrawn = publish_check(app, editor, title="Withdrawn", claims=JOBS, corrections=[
        ("Fixed.", datetime(2020, 1, 1, tzinfo=UTC), None)])
    reader = app.test_client()
    before = {url: reader.get(url).headers["ETag"] for url in FEED_URLS}
    assert len(_entries(_atom(reader))) == 3

    unpublish_through_the_editor(app, editor, withdrawn["article_id"])

    entries = _entries(_atom(reader))
    assert [e["id"] for e in entries] == [f"{HOST}/checks/{kept['slug']}"]
    assert withdrawn["slug"] not in reader.get("/sitemap.xml").get_data(as_text=True)
    rows = list(csv.reader(io.StringIO(reader.get("/exports/verdicts.csv").get_data(
        as_text=True), newline="")))
    assert {row[0] for row in rows[1:]} == {kept["slug"]}
    # The old validators no longer match: readers and proxies fetch the new lists.
    for url in ("/feed.atom", "/sitemap.xml", "/exports/verdicts.csv"):
        assert reader.get(url, headers={"If-None-Match": before[url]}).status_code == 200


def test_feed_escapes_markup_through_a_real_xml_serialiser(app, editor):
    publish_check(app, editor, title="Jobs <b>report</b> & more", claims=JOBS, corrections=[
        ('Ends </summary><script>alert("x")</script>\x0b here', datetime(2020, 1, 1,
                                                                           tzinfo=UTC), None)])
    body = app.test_client().get("/feed.atom").get_data()
    assert b"<script>" not in body and b"<b>" not in body
    entries = _entries(parse_xml(body))
    assert entries[0]["title"] == "Fact check: Jobs <b>report</b> & more"
    # XML 1.0 cannot carry control characters: they are dropped, the rest kept verbatim.
    assert entries[1]["summary"] == 'Ends </summary><script>alert("x")</script> here'


def test_feed_holds_the_50_newest_entries(app, editor):
    slugs = [publish_check(app, editor, title=f"Check {n}", claims=JOBS[:1])["slug"]
             for n in range(50)]
    # 51 checks and a correction: the oldest check and the (older) correction fall off.
    slugs.append(publish_check(app, editor, title="Newest", claims=JOBS[:1], corrections=[
        ("Old fix.", datetime(2020, 1, 1, tzinfo=UTC), None)])["slug"])
    entries = _entries(_atom(app.test_client()))
    assert len(entries) == feeds.FEED_ENTRIES == 50
    assert [e["id"] for e in entries] == [f"{HOST}/checks/{s}" for s in reversed(slugs[1:])]


def test_empty_feed_is_still_valid_atom(app):
    feed = _atom(app.test_client())
    assert feed.findall(f"{ATOM}entry") == []
    assert feed.findtext(f"{ATOM}updated") == "1970-01-01T00:00:00Z"
    for tag in ("id", "title", "author"):
        assert feed.find(f"{ATOM}{tag}") is not None


def test_pages_announce_the_feed(app, client):
    html = client.get("/").get_data(as_text=True)
    assert '<link rel="alternate" type="application/atom+xml"' in html
    assert 'href="/feed.atom"' in html


# --- Conditional GET ----------------------------------------------------------------------------


@pytest.mark.parametrize("url", FEED_URLS)
def test_conditional_get_answers_304_and_a_new_publication_changes_the_etag(app, editor, url):
    publish_check(app, editor, title="Jobs report", claims=JOBS)
    reader = app.test_client()
    first = reader.get(url)
    assert first.status_code == 200
    assert_public_cache(first)
    etag = first.headers["ETag"]
    again = reader.get(url, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.get_data() == b""
    assert again.headers["ETag"] == etag
    assert_public_cache(again)
    weak = reader.get(url, headers={"If-None-Match": f"W/{etag}"})
    assert weak.status_code == 304
    publish_check(app, editor, title="Another", claims=JOBS)
    after = reader.get(url, headers={"If-None-Match": etag})
    if url == "/robots.txt":
        assert after.status_code == 304  # does not depend on the checks
    else:
        assert after.status_code == 200 and after.headers["ETag"] != etag


def test_a_correction_changes_the_feed_etag(app, editor):
    check = publish_check(app, editor, title="Jobs report", claims=JOBS)
    reader = app.test_client()
    etag = reader.get("/feed.atom").headers["ETag"]
    with app.app_context():
        article = db.session.get(Article, check["article_id"])
        article.last_corrected_at = datetime.now(UTC)
        db.session.commit()
    assert reader.get("/feed.atom", headers={"If-None-Match": etag}).status_code == 200


# --- Sitemap and robots.txt ---------------------------------------------------------------------


def test_sitemap_lists_the_index_and_live_checks_only(app, editor):
    older = publish_check(app, editor, title="Older", claims=JOBS)
    newer = publish_check(app, editor, title="Newer", claims=JOBS)
    gone = publish_check(app, editor, title="Gone", claims=JOBS)
    with app.app_context():
        create_article(db.session, title="Draft only", body="Not published.", actor=None)
        db.session.commit()
    unpublish_through_the_editor(app, editor, gone["article_id"])
    response = app.test_client().get("/sitemap.xml")
    assert response.status_code == 200 and response.mimetype == "application/xml"
    urlset = parse_xml(response.get_data())
    assert urlset.tag == f"{SITEMAP}urlset"
    urls = [(u.findtext(f"{SITEMAP}loc"), u.findtext(f"{SITEMAP}lastmod"))
            for u in urlset.findall(f"{SITEMAP}url")]
    assert [loc for loc, _ in urls] == [f"{HOST}/", f"{HOST}/checks/{newer['slug']}",
                                        f"{HOST}/checks/{older['slug']}"]
    with app.app_context():
        published = {a.slug: a.published_at for a in db.session.exec(select(Article)).all()}
    for loc, lastmod in urls[1:]:
        slug = loc.rsplit("/", 1)[1]
        assert _parse_time(lastmod) == published[slug].replace(microsecond=0)
    # The front page changed when the last check was withdrawn.
    assert _parse_time(urls[0][1]) >= _parse_time(urls[1][1])


def test_empty_sitemap_lists_the_index(app):
    urlset = parse_xml(app.test_client().get("/sitemap.xml").get_data())
    assert [u.findtext(f"{SITEMAP}loc") for u in urlset] == [f"{HOST}/"]


def test_robots_txt_keeps_crawlers_out_of_staff_areas_and_names_the_sitemap(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response.content_type == "text/plain; charset=utf-8"
    text = response.get_data(as_text=True)
    assert f"Sitemap: {HOST}/sitemap.xml" in text.splitlines()
    robots = RobotFileParser()
    robots.parse(text.splitlines())
    for path in ("/editor/", "/editor/articles/1", "/review/", "/admin/users", "/account/password",
                 "/login", "/setup", "/invitation/abc"):
        assert not robots.can_fetch("*", f"{HOST}{path}"), path
    for path in ("/", "/checks/jobs-report", "/feed.atom", "/sitemap.xml", "/api/v1/checks",
                 "/exports/verdicts.csv"):
        assert robots.can_fetch("*", f"{HOST}{path}"), path
    assert robots.site_maps() == [f"{HOST}/sitemap.xml"]


# --- CSV export ---------------------------------------------------------------------------------


def _csv(client) -> list[list[str]]:
    response = client.get("/exports/verdicts.csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.mimetype_params["charset"] == "utf-8"
    assert response.headers["Content-Disposition"] == "attachment; filename=verdicts.csv"
    assert_public_cache(response)
    return list(csv.reader(io.StringIO(response.get_data().decode("utf-8"), newline="")))


def test_csv_export_has_one_row_per_decided_published_claim(app, editor):
    jobs = publish_check(app, editor, title="Jobs report", claims=JOBS,
                         open_claims=["Prices will fall next year."])
    publish_check(app, editor, title="Café prices", outlet=None, source_url=None,
                  claims=[("Coffee costs €3.", "false", "It costs €2.", None)])
    rows = _csv(app.test_client())
    assert rows[0] == list(feeds.CSV_COLUMNS)
    assert rows[0] == ["check_slug", "article_title", "outlet", "article_url", "claim_number",
                       "claim_text", "claimant", "claim_date", "verdict", "rating_value",
                       "worst_rating", "best_rating", "conclusion", "published_date",
                       "page_url"]
    with app.app_context():
        dates = {a.slug: a.published_at.date().isoformat()
                 for a in db.session.exec(select(Article)).all()}
    page = f"{HOST}/checks/{jobs['slug']}"
    assert rows[1:] == [  # newest check first, claims in article order; open claims left out
        ["cafe-prices", "Café prices", "", "", "1", "Coffee costs €3.", "", "", "False", "2",
         "1", "6", "It costs €2.", dates["cafe-prices"], f"{HOST}/checks/cafe-prices#claim-1"],
        [jobs["slug"], "Jobs report", "Daily Example", "https://news.example.org/story", "1",
         JOBS[0][0], "The ministry", "", "True", "6", "1", "6", "Confirmed by the office.",
         dates[jobs["slug"]], f"{page}#claim-1"],
        [jobs["slug"], "Jobs report", "Daily Example", "https://news.example.org/story", "2",
         JOBS[1][0], "", "", "Unverifiable", "", "", "", "No figures exist.",
         dates[jobs["slug"]], f"{page}#claim-2"],
    ]


def test_csv_export_quotes_and_defuses_formulas(app, editor):
    tricky = [
        ('=HYPERLINK("http://evil.example","click")', "true", "+1 point", "@admin"),
        ('Says "hello", then\nleaves', "true", "-5 percent, \"roughly\"", "-Minus"),
    ]
    publish_check(app, editor, title="=cmd|' /C calc'!A0", claims=tricky)
    raw = app.test_client().get("/exports/verdicts.csv").get_data()
    rows = _csv(app.test_client())
    assert len(rows) == 3
    first, second = (dict(zip(rows[0], row, strict=True)) for row in rows[1:])
    assert first["article_title"] == "'=cmd|' /C calc'!A0"
    assert first["claim_text"] == '\'=HYPERLINK("http://evil.example","click")'
    assert first["conclusion"] == "'+1 point"
    assert first["claimant"] == "'@admin"
    assert second["claim_text"] == 'Says "hello", then\nleaves'  # quoted, not split
    assert second["conclusion"] == "'-5 percent, \"roughly\""
    assert second["claimant"] == "'-Minus"
    # Proper quoting: embedded quotes doubled, fields with separators wrapped in quotes.
    assert b'"Says ""hello"", then\nleaves"' in raw
    assert raw.startswith(b"check_slug,article_title,") and b"\r\n" in raw
    for row in rows[1:]:
        assert not any(cell.startswith(("=", "+", "-", "@")) for cell in row)


def test_csv_cell_leaves_numbers_and_plain_text_alone():
    assert feeds.csv_cell(6) == 6
    assert feeds.csv_cell(None) == ""
    assert feeds.csv_cell("True") == "True"
    assert feeds.csv_cell("\tTab") == "'\tTab"


def test_links_are_built_on_the_public_url_never_on_the_requests_host(make_app, editor):
    """With FACTCHECK_PUBLIC_URL set, a forged Host reaches no link of the feed or sitemap."""
    app = make_app(PUBLIC_URL="https://checks.example.org/desk")
    slug = publish_check(app, editor, title="Where links point",
                         claims=[("The river is long.", "true", "It is.")])["slug"]
    reader = app.test_client()
    forged = {"Host": "attacker.example"}
    feed = reader.get("/feed.atom", headers=forged).get_data(as_text=True)
    sitemap = reader.get("/sitemap.xml", headers=forged).get_data(as_text=True)
    robots = reader.get("/robots.txt", headers=forged).get_data(as_text=True)
    assert f"https://checks.example.org/desk/checks/{slug}" in feed
    assert f"https://checks.example.org/desk/checks/{slug}" in sitemap
    assert "Sitemap: https://checks.example.org/desk/sitemap.xml" in robots
    assert "attacker.example" not in feed + sitemap + robots
