"""Issue 17, viewing by readers: each source of a published check links to a public view
of its preserved copy (the text, the quote marked, the date, the addresses, the hash; never
the WARC or the page's markup); the publisher turns public copies off per source, and the
verdict page then says "preserved copy available on request". Pages stay cacheable: a new
copy or the switch changes their ETag. Pages are served by a real local web server."""

from __future__ import annotations

import hashlib
import json
import re

import pytest
from sqlmodel import select

from factcheck.extensions import db
from factcheck.models import Article, AuditEvent, Claim, Evidence, Publication
from factcheck.states import ClaimStatus, Role
from factcheck.workflow.articles import import_article

from ..helpers import api_token, csrf_token, login, rows, run_jobs, share_evidence
from .test_blind_review_attacks import Desk, Person
from .test_evidence_capture import ARTICLE, Page, Site

QUOTE = "The unemployment rate was 3.5% in October"
TWO_CLAIMS = ("Unemployment fell to 3.5 percent in October, the lowest rate since 2019. "
              "The minister said wages rose by 12 percent over the last year alone.")
HOSTILE = b"""<!doctype html><html><head><title>Report &lt;script&gt;alert(1)&lt;/script&gt;
</title><base href="http://127.0.0.1:9/elsewhere/"><script>document.title = "pwned"</script>
</head><body><article><h1>October labour report</h1>
<p>The statistics office published its monthly labour force survey on Friday morning,
covering every province &lt;script&gt;alert("text")&lt;/script&gt; and both urban and rural
households &lt;b&gt;bold&lt;/b&gt;.</p>
<p>The unemployment rate was 3.5% in October, the lowest since 2019, the office said in
its report, adding that the figures are seasonally adjusted.</p>
<img src="http://127.0.0.1:9/beacon" alt="chart">
</article></body></html>"""


@pytest.fixture
def site():
    served = Site()
    yield served
    served.close()


@pytest.fixture
def app(make_app):
    """The desk may fetch from the test's server on 127.0.0.1; the verdict page's stamp is
    remembered as in production, so a change must make this worker forget it."""
    return make_app(URL_IMPORT_ALLOW_LOOPBACK=True, PUBLIC_STAMP_TTL=60)


@pytest.fixture
def desk(app, runner, make_user) -> Desk:
    """An article of two selected claims, both reviewers assigned to the first."""
    users = {"editor": make_user(Role.EDITOR, name="Eda Editor"),
             "decider": make_user(Role.EDITOR, name="Dee Decider"),
             "r1": make_user(Role.REVIEWER, name="Rui One"),
             "r2": make_user(Role.REVIEWER, name="Sam Two")}
    with app.app_context():
        article = import_article(db.session, title="Jobs", body=TWO_CLAIMS, actor=None)
        claims = db.session.exec(select(Claim).where(Claim.article_id == article.id)
                                 .order_by(Claim.start)).all()
        assert len(claims) == 2
        for claim in claims:
            claim.status = ClaimStatus.SELECTED
        db.session.commit()
        claim_id = claims[0].id
    share_evidence(app)
    people = {}
    for name, user in users.items():
        client = app.test_client()
        assert login(client, user.email).status_code == 302
        token = csrf_token(client.get("/account/password").get_data(as_text=True))
        people[name] = Person(user, client, api_token(runner, user.email), token)
    found = Desk(app, people, claim_id)
    assert found.assign("r1").status_code == 201 and found.assign("r2").status_code == 201
    return found


def _claims(app) -> list[Claim]:
    return sorted(rows(app, Claim), key=lambda c: c.start)


def _slug(app) -> str:
    return rows(app, Article)[0].slug


def add_source(desk: Desk, url: str, *, claim_id: int | None = None, by: str = "r1",
               quote: str = QUOTE) -> int:
    response = desk[by].api("POST", f"/claims/{claim_id or desk.claim_id}/evidence", {
        "url": url, "stance": "supports", "title": "October labour report", "quote": quote})
    assert response.status_code == 201, response.json
    return response.json["id"]


def decide_and_publish(desk: Desk, sources: list[int]) -> str:
    """Both reviewers cite `sources`, the decider decides the first claim, the editor
    publishes (the second claim listed as still being checked)."""
    for name in ("r1", "r2"):
        assert desk.submit(name, "The report says so.", sources, rating="true").status_code \
            == 201
    decided = desk["decider"].api("POST", f"/claims/{desk.claim_id}/decision",
                                  {"rating": "true", "summary": "The office's report says so."})
    assert decided.status_code in (200, 201), decided.json
    published = desk["editor"].api("POST", f"/articles/{desk.claim().article_id}/publish",
                                   {"include_open": True})
    assert published.status_code == 200, published.json
    return _slug(desk.app)


def reader(app):
    return app.test_client()  # no account, no cookie


def text(response) -> str:
    return response.get_data(as_text=True)


def switch(desk: Desk, evidence_id: int, state: str, by: str = "decider"):
    return desk[by].post(f"/editor/evidence/{evidence_id}/public-copy/{state}")


# --- The verdict page links to the public copy; the copy shows the text, never the WARC ---------


def test_a_reader_opens_the_preserved_copy_from_the_verdict_page(desk, app, site):
    source = add_source(desk, site.url("/article"))
    assert run_jobs(app) == 1
    slug = decide_and_publish(desk, [source])

    page = text(reader(app).get(f"/checks/{slug}"))
    copy_url = f"/checks/{slug}/claims/1/sources/1"
    [link] = re.findall(rf'<a href="{re.escape(copy_url)}">(.*?)</a>', page, re.S)
    assert re.match(r"preserved copy, \w{3} \d{1,2}, \d{4}<span", link)  # a localised date
    assert "available on request" not in page
    # The claim's own page links to it too.
    assert copy_url in text(reader(app).get(f"/checks/{slug}/claims/1"))

    response = reader(app).get(copy_url)
    assert response.status_code == 200
    body = text(response)
    assert f"<mark>{QUOTE}</mark>" in body
    assert hashlib.sha256(ARTICLE).hexdigest() in body  # the body as received
    [original] = re.findall(r'<a href="([^"]+)" rel="([^"]+)">', body.split("copy-facts")[1])
    assert original[0] == site.url("/article")
    assert {"nofollow", "noopener"} <= set(original[1].split())
    assert re.search(r'<time datetime="\d{4}-\d\d-\d\dT', body)
    assert '<meta name="robots" content="noindex">' in body
    # Never the WARC, the original page's markup or anything of the desk.
    assert "warc" not in body.lower() and "<nav>" not in body and "<iframe" not in body
    assert "/review/" not in body
    # Cacheable like the verdict page: public, with a validator that answers 304.
    assert response.cache_control.public and response.cache_control.max_age == 300
    again = reader(app).get(copy_url, headers={"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304
    assert site.requests == ["/article"]  # readers never make the desk fetch the page


def test_the_final_address_after_a_redirect_is_shown(desk, app, site):
    site.pages["/moved"] = Page(b"", "text/html", 301,
                                headers={"Location": site.url("/article")})
    source = add_source(desk, site.url("/moved"))
    assert run_jobs(app) == 1
    slug = decide_and_publish(desk, [source])
    body = text(reader(app).get(f"/checks/{slug}/claims/1/sources/1"))
    assert "Final address (after redirects)" in body
    assert site.url("/article") in body and site.url("/moved") in body


def test_hostile_preserved_text_is_shown_as_text(desk, app, site):
    site.pages["/hostile"] = Page(HOSTILE)
    source = add_source(desk, site.url("/hostile"))
    assert run_jobs(app) == 1
    slug = decide_and_publish(desk, [source])
    body = text(reader(app).get(f"/checks/{slug}/claims/1/sources/1"))
    assert "&lt;b&gt;bold&lt;/b&gt;" in body and "<b>bold</b>" not in body
    assert "&lt;script&gt;alert(&#34;text&#34;)&lt;/script&gt;" in body
    assert "<script>alert" not in body and "<base" not in body and "beacon" not in body
    assert f"<mark>{QUOTE}</mark>" in body


def test_a_quote_not_in_the_copy_is_said_and_nothing_is_marked(desk, app, site):
    source = add_source(desk, site.url("/article"), quote="Unemployment doubled in May")
    assert run_jobs(app) == 1
    slug = decide_and_publish(desk, [source])
    body = text(reader(app).get(f"/checks/{slug}/claims/1/sources/1"))
    assert "Quote not found in the preserved page" in body and "<mark>" not in body
    assert "The statistics office published" in body


# --- Only sources of published checks, as the verdict page shows them ---------------------------


def test_only_sources_shown_on_a_live_verdict_page_have_a_public_copy(desk, app, site):
    source = add_source(desk, site.url("/article"))
    assert run_jobs(app) == 1
    article_id = desk.claim().article_id
    slug = _slug(app)
    assert reader(app).get(f"/checks/{slug}/claims/1/sources/1").status_code == 404  # draft
    decide_and_publish(desk, [source])
    assert reader(app).get(f"/checks/{slug}/claims/1/sources/1").status_code == 200
    for n, k in ((1, 0), (1, 2), (2, 1), (3, 1)):  # no such source, claim 2 is not published
        assert reader(app).get(f"/checks/{slug}/claims/{n}/sources/{k}").status_code == 404
    assert reader(app).get("/checks/other/claims/1/sources/1").status_code == 404
    # Withdrawn: gone, as the verdict page and every page of the check.
    assert desk["editor"].api("POST", f"/articles/{article_id}/unpublish").status_code == 200
    assert reader(app).get(f"/checks/{slug}/claims/1/sources/1").status_code == 410
    assert reader(app).get(f"/checks/{slug}").status_code == 410


def test_a_copy_of_an_address_the_check_does_not_cite_is_never_shown(desk, app, site):
    source = add_source(desk, site.url("/article"))
    assert run_jobs(app) == 1
    # The source now cites another page, never preserved (its copy was not asked for).
    with app.app_context():
        evidence = db.session.get(Evidence, source)
        evidence.url = site.url("/elsewhere")
        db.session.commit()
    slug = decide_and_publish(desk, [source])
    page = text(reader(app).get(f"/checks/{slug}"))
    assert "preserved copy" not in page
    assert reader(app).get(f"/checks/{slug}/claims/1/sources/1").status_code == 404


def test_blind_review_sources_of_a_claim_still_being_checked_stay_private(desk, app, site):
    """The second claim is listed "still being checked": r1 submitted a verdict citing a
    preserved source, r2 has not; nothing of that source reaches readers or r2."""
    first = add_source(desk, site.url("/article"))
    open_claim = _claims(app)[1].id
    assigned = desk["editor"].api("POST", f"/claims/{open_claim}/assignments",
                                  {"reviewer": desk["r1"].user.email})
    assert assigned.status_code == 201
    assert desk["editor"].api("POST", f"/claims/{open_claim}/assignments",
                              {"reviewer": desk["r2"].user.email}).status_code == 201
    site.pages["/wages"] = Page(ARTICLE.replace(b"October labour report", b"Wage survey"))
    secret = add_source(desk, site.url("/wages"), claim_id=open_claim)
    assert desk["r1"].api("POST", f"/claims/{open_claim}/reviews", {
        "rating": "false", "rationale": "SECRET-R1", "evidence": [secret]}).status_code == 201
    assert run_jobs(app) == 2
    slug = decide_and_publish(desk, [first])

    page = text(reader(app).get(f"/checks/{slug}"))
    assert page.count("preserved copy, ") == 1 and site.url("/wages") not in page
    for who in (reader(app), desk["r2"].web):
        assert who.get(f"/checks/{slug}/claims/2/sources/1").status_code == 404
        assert who.get(f"/checks/{slug}/claims/2").status_code == 404
    status, workspace = desk["r2"].page(f"/review/claims/{open_claim}")
    assert status == 200 and "SECRET-R1" not in workspace


# --- The publisher's switch ----------------------------------------------------------------------


def test_the_publisher_turns_a_public_copy_off_and_on(desk, app, site):
    source = add_source(desk, site.url("/article"))
    assert run_jobs(app) == 1
    slug = decide_and_publish(desk, [source])
    copy_url = f"/checks/{slug}/claims/1/sources/1"
    status, decision = desk["decider"].page(f"/editor/claims/{desk.claim_id}/decide")
    assert status == 200 and "Keep the copy from readers" in decision
    assert f'action="/editor/evidence/{source}/public-copy/off"' in decision

    response = switch(desk, source, "off")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(
        f"/editor/claims/{desk.claim_id}/decide#evidence-{source}")
    for path in (f"/checks/{slug}", f"/checks/{slug}/claims/1"):
        page = text(reader(app).get(path))
        assert "preserved copy available on request" in page and copy_url not in page
    assert reader(app).get(copy_url).status_code == 404
    assert desk["editor"].api("GET", f"/claims/{desk.claim_id}").json["evidence"][0][
        "public_copy"] is False
    status, decision = desk["decider"].page(f"/editor/claims/{desk.claim_id}/decide")
    assert "Let readers open the copy" in decision
    assert "kept the preserved copy of a source from readers" in decision  # the history

    assert switch(desk, source, "on").status_code == 302
    assert reader(app).get(copy_url).status_code == 200
    assert copy_url in text(reader(app).get(f"/checks/{slug}"))
    events = [e for e in rows(app, AuditEvent) if e.action == "evidence.public_copy"]
    assert [(e.details["evidence"], e.details["public"]) for e in events] == [
        (source, False), (source, True)]
    assert {e.actor_id for e in events} == {desk["decider"].user.id}


def test_only_an_editor_who_may_decide_switches_and_only_with_a_form_token(desk, app, site):
    source = add_source(desk, site.url("/article"))
    assert run_jobs(app) == 1
    decide_and_publish(desk, [source])
    assert switch(desk, source, "off", by="r1").status_code == 403  # a reviewer
    refused = desk["decider"].web.post(f"/editor/evidence/{source}/public-copy/off")
    assert refused.status_code == 400  # no CSRF token
    assert desk["decider"].web.get(f"/editor/evidence/{source}/public-copy/off").status_code \
        == 405
    assert switch(desk, 999_999, "off").status_code == 404
    with app.app_context():
        assert db.session.get(Evidence, source).public_copy is True
    assert not [e for e in rows(app, AuditEvent) if e.action == "evidence.public_copy"]


def test_an_editor_reviewing_the_claim_cannot_switch(desk, app, site):
    source = add_source(desk, site.url("/article"))
    reviewing = desk["editor"].api("POST", f"/claims/{desk.claim_id}/assignments",
                                   {"reviewer": desk["decider"].user.email})
    assert reviewing.status_code == 201
    assert switch(desk, source, "off").status_code == 403
    with app.app_context():
        assert db.session.get(Evidence, source).public_copy is True


# --- Caching: a new copy or the switch changes the pages' version -------------------------------


def test_the_switch_and_a_new_copy_change_the_cached_pages(desk, app, site):
    source = add_source(desk, site.url("/article"))
    slug = decide_and_publish(desk, [source])  # published before the page was fetched
    pages = (f"/checks/{slug}", f"/checks/{slug}/claims/1")
    before = {path: reader(app).get(path) for path in pages}
    for response in before.values():
        assert "preserved copy" not in text(response)
    assert reader(app).get(f"/checks/{slug}/claims/1/sources/1").status_code == 404

    assert run_jobs(app) == 1  # the worker's commit makes this process forget the stamp
    preserved = {}
    for path, old in before.items():
        response = reader(app).get(path, headers={"If-None-Match": old.headers["ETag"]})
        assert response.status_code == 200 and "preserved copy, " in text(response)
        preserved[path] = response
    copy = reader(app).get(f"/checks/{slug}/claims/1/sources/1")
    assert copy.status_code == 200

    assert switch(desk, source, "off").status_code == 302
    for path, old in preserved.items():
        response = reader(app).get(path, headers={"If-None-Match": old.headers["ETag"]})
        assert response.status_code == 200
        assert "preserved copy available on request" in text(response)
    assert reader(app).get(f"/checks/{slug}/claims/1/sources/1",
                           headers={"If-None-Match": copy.headers["ETag"]}).status_code == 404

    # A new copy asked for after publishing (pages rot) shows its own date and hash.
    assert switch(desk, source, "on").status_code == 302
    site.pages["/article"] = Page(ARTICLE.replace(b"Economists", b"Analysts"))
    asked = desk["decider"].api("POST", f"/evidence/{source}/capture")
    assert asked.status_code == 202
    assert run_jobs(app) == 1
    newer = reader(app).get(f"/checks/{slug}/claims/1/sources/1",
                            headers={"If-None-Match": copy.headers["ETag"]})
    assert newer.status_code == 200
    assert hashlib.sha256(ARTICLE.replace(b"Economists", b"Analysts")).hexdigest() in text(newer)


# --- The markup keeps the source; old snapshots still render ------------------------------------


def test_claimreview_keeps_the_source_and_pages_list_the_capture_date(desk, app, site):
    source = add_source(desk, site.url("/article"))
    assert run_jobs(app) == 1
    slug = decide_and_publish(desk, [source])
    page = text(reader(app).get(f"/checks/{slug}/claims/1"))
    [markup] = re.findall(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)
    review = json.loads(markup)
    assert review["@type"] == "ClaimReview"
    assert review["url"].endswith(f"/checks/{slug}/claims/1")
    assert "/sources/" not in markup  # the markup names the check, not the copies
    # The page lists the source's own address next to the copy and its date.
    assert f'<a href="{site.url("/article")}" rel="noopener noreferrer nofollow">' in page
    assert re.search(r"preserved copy, \w{3} \d{1,2}, \d{4}", page)
    # The public API keeps its shape: the source's address, no internal id.
    check = reader(app).get(f"/api/v1/checks/{slug}").json
    [item] = check["claims"][0]["evidence"]
    assert item["url"] == site.url("/article") and "id" not in item


def test_a_check_published_before_copies_existed_renders_without_links(desk, app, site):
    source = add_source(desk, site.url("/article"))
    assert run_jobs(app) == 1
    slug = decide_and_publish(desk, [source])
    with app.app_context():  # as stored before snapshots named their evidence records
        publication = db.session.exec(select(Publication)).one()
        stored = json.loads(json.dumps(publication.snapshot))
        for claim in stored["claims"]:
            for item in claim["evidence"]:
                del item["id"]
        publication.snapshot = stored
        db.session.commit()
    page = reader(app).get(f"/checks/{slug}/claims/1")  # never rendered before: not cached
    assert page.status_code == 200 and "preserved copy" not in text(page)
    assert reader(app).get(f"/checks/{slug}/claims/1/sources/1").status_code == 404


# --- The API: `public_copy` on every evidence item, set by the editors who may decide ----------


def test_the_api_shows_and_sets_the_public_copy(desk, app, site):
    source = add_source(desk, site.url("/article"))
    assert run_jobs(app) == 1
    slug = decide_and_publish(desk, [source])
    [item] = desk["editor"].api("GET", f"/claims/{desk.claim_id}").json["evidence"]
    assert item["public_copy"] is True

    for who, body, status in (("r1", {"public_copy": False}, 403),  # a reviewer
                              ("decider", {"public_copy": "no"}, 422),
                              ("decider", {}, 422),
                              ("decider", {"public_copy": False, "url": "x"}, 422)):
        assert desk[who].api("PATCH", f"/evidence/{source}", body).status_code == status
    assert desk["decider"].api("PATCH", "/evidence/999999",
                               {"public_copy": False}).status_code == 404
    assert reader(app).get(f"/checks/{slug}/claims/1/sources/1").status_code == 200

    changed = desk["decider"].api("PATCH", f"/evidence/{source}", {"public_copy": False})
    assert changed.status_code == 200 and changed.json["public_copy"] is False
    assert changed.json["id"] == source and changed.json["preservation"]["copies"] == 1
    assert reader(app).get(f"/checks/{slug}/claims/1/sources/1").status_code == 404
    assert "preserved copy available on request" in text(reader(app).get(f"/checks/{slug}"))
    events = [e for e in rows(app, AuditEvent) if e.action == "evidence.public_copy"]
    assert [(e.actor_id, e.details["public"]) for e in events] == [
        (desk["decider"].user.id, False)]
    # The document describes both.
    document = reader(app).get("/api/v1/openapi.json").json
    schemas = document["components"]["schemas"]
    assert schemas["Evidence"]["properties"]["public_copy"] == {"type": "boolean"}
    assert "public_copy" in schemas["Evidence"]["required"]
    assert "patch" in document["paths"]["/evidence/{evidence_id}"]


def test_the_api_refuses_an_editor_who_reviews_the_claim(desk, app, site):
    source = add_source(desk, site.url("/article"))
    assert desk["editor"].api("POST", f"/claims/{desk.claim_id}/assignments",
                              {"reviewer": desk["decider"].user.email}).status_code == 201
    refused = desk["decider"].api("PATCH", f"/evidence/{source}", {"public_copy": False})
    assert refused.status_code == 403
    with app.app_context():
        assert db.session.get(Evidence, source).public_copy is True
