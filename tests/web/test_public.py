"""Publishing and the reader's verdict page: snapshot, highlights, ClaimReview, caching, 410."""

from __future__ import annotations

import json
import re

import pytest
from sqlmodel import select

from factcheck.extensions import db
from factcheck.models import Article, Claim, Decision, Evidence, RatingLabel, Review
from factcheck.states import ArticleStatus, ClaimStatus, ReviewStatus, Role
from factcheck.workflow.articles import import_article

from ..helpers import csrf_token

TEXT = ("The ministry said that unemployment fell to 3.5 percent in October, the lowest "
        "rate since 2019. The council approved a budget of $4.2 million on Tuesday. "
        "Critics say the </script><script>alert(1)</script> plan is unfair.")


def _label(key: str) -> RatingLabel:
    return db.session.exec(select(RatingLabel).where(RatingLabel.key == key)).first()


@pytest.fixture
def checked(app, make_user):
    """An article whose first claim is decided True and second Unverifiable; third open."""
    editor = make_user(Role.EDITOR, name="Eda Editor")
    reviewers = [make_user(Role.REVIEWER), make_user(Role.REVIEWER)]
    with app.app_context():
        article = import_article(db.session, title="Jobs <b>report</b>", body=TEXT,
                                 actor=None, outlet="Daily Example",
                                 source_url="https://news.example.org/jobs")
        claims = db.session.exec(select(Claim).where(Claim.article_id == article.id)
                                 .order_by(Claim.start)).all()
        assert len(claims) == 3
        claims[0].claimant = "The ministry"
        for claim, key in ((claims[0], "true"), (claims[1], "unverifiable")):
            claim.status = ClaimStatus.DECIDED
            label = _label(key)
            db.session.add(Decision(claim_id=claim.id, editor_id=editor.id, rating_id=label.id,
                                    summary=f"Conclusion for {key}."))
            for reviewer in reviewers:
                db.session.add(Review(claim_id=claim.id, reviewer_id=reviewer.id,
                                      rating_id=label.id, rationale=f"Because {key}.",
                                      status=ReviewStatus.SUBMITTED))
        db.session.add(Evidence(claim_id=claims[0].id, url="https://stats.example.org/oct",
                                title="October report", quote="3.5%", stance="supports",
                                archive_url="https://web.archive.org/web/2026/x"))
        claims[2].status = ClaimStatus.SELECTED
        db.session.commit()
        return {"article_id": article.id, "slug": article.slug, "editor": editor,
                "claims": [c.id for c in claims]}


def _publish(app, checked, include_open=True):
    client = app.test_client()
    from ..helpers import login

    login(client, checked["editor"].email)
    board = f"/editor/articles/{checked['article_id']}"
    token = csrf_token(client.get(board).get_data(as_text=True))
    data = {"csrf_token": token}
    if include_open:
        data["include_open"] = "y"
    response = client.post(f"{board}/publish", data=data, follow_redirects=True)
    return client, response


def _ld(html: str) -> list[dict]:
    match = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert match, "no JSON-LD"
    return json.loads(match.group(1))


def test_publishing_needs_decisions_or_the_open_claims_listed(app, checked):
    _client, response = _publish(app, checked, include_open=False)
    assert "1 selected claim has no decision yet" in response.get_data(as_text=True)
    assert app.test_client().get(f"/checks/{checked['slug']}").status_code == 404
    _client, response = _publish(app, checked, include_open=True)
    assert "Published." in response.get_data(as_text=True)
    with app.app_context():
        article = db.session.get(Article, checked["article_id"])
        published = (article.status, article.published_at is not None)
        statuses = [db.session.get(Claim, c).status for c in checked["claims"]]
    assert published == (ArticleStatus.PUBLISHED, True)
    assert statuses == [ClaimStatus.PUBLISHED, ClaimStatus.PUBLISHED, ClaimStatus.SELECTED]


def test_reader_sees_summary_highlighted_article_and_claim_cards(app, checked):
    _publish(app, checked)
    reader = app.test_client()
    response = reader.get(f"/checks/{checked['slug']}")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Jobs &lt;b&gt;report&lt;/b&gt;" in html  # escaped title
    assert "2 claims checked" in html and "1 more is still being checked" in html
    assert '<ul class="chart" aria-label="Verdicts">' in html
    for number in (1, 2, 3):
        assert f'id="claim-{number}"' in html and f'href="#claim-{number}"' in html
    assert "✔ True" in html and "? Unverifiable" in html  # symbol and text, not colour alone
    assert "Conclusion for true." in html and "October report" in html
    assert "archived copy" in html and (  # the claimant's name leads to their page
        'Claimed by <a class="claimant-link" href="/claimants/the-ministry">The ministry</a>'
        in html)
    assert "Reviewed independently by 2 fact-checkers" in html
    assert "<script>alert(1)</script>" not in html  # article text is escaped
    assert response.headers["Cache-Control"].startswith("public")


def test_claimreview_markup_follows_design_section_3(app, checked):
    _publish(app, checked)
    html = app.test_client().get(f"/checks/{checked['slug']}").get_data(as_text=True)
    reviews = _ld(html)
    assert [r["@type"] for r in reviews] == ["ClaimReview", "ClaimReview"]  # decided only
    first, second = reviews
    for review in reviews:
        assert review["@context"] == "https://schema.org"
        anchor = review["url"].rsplit("#", 1)[1]
        assert review["url"].startswith("http://localhost/checks/") and f'id="{anchor}"' in html
        assert len(review["claimReviewed"]) <= 75
        assert review["reviewRating"]["alternateName"] not in review["claimReviewed"]
        assert review["author"]["@type"] == "Organization" and review["author"]["name"]
        assert review["datePublished"]
        assert review["itemReviewed"]["firstAppearance"]["url"] == (
            "https://news.example.org/jobs")
    rating = first["reviewRating"]
    assert rating["alternateName"] == "True"
    assert 1 <= rating["worstRating"] <= rating["ratingValue"] <= rating["bestRating"]
    assert rating["worstRating"] < rating["bestRating"]
    assert first["itemReviewed"]["author"]["name"] == "The ministry"
    assert second["reviewRating"] == {"@type": "Rating", "alternateName": "Unverifiable"}
    assert f'{rating["alternateName"]}</strong>' in html  # what readers see matches


def test_markup_cannot_break_out_of_its_script_element(app, checked):
    with app.app_context():
        claim = db.session.get(Claim, checked["claims"][0])
        claim.text = claim.short_claim = "Ends </script><script>alert(1)</script>"
        db.session.commit()
    _publish(app, checked)
    html = app.test_client().get(f"/checks/{checked['slug']}").get_data(as_text=True)
    assert html.count("</script>") == 1  # only the JSON-LD element's own end tag
    assert "alert(1)" in _ld(html)[0]["claimReviewed"]


def test_conditional_requests_get_304_without_a_body(app, checked):
    _publish(app, checked)
    reader = app.test_client()
    first = reader.get(f"/checks/{checked['slug']}")
    etag, modified = first.headers["ETag"], first.headers["Last-Modified"]
    again = reader.get(f"/checks/{checked['slug']}", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.get_data() == b""
    assert again.headers["ETag"] == etag and modified


def test_unpublish_answers_410_and_republish_restores_the_page(app, checked):
    client, _response = _publish(app, checked)
    board = f"/editor/articles/{checked['article_id']}"
    token = csrf_token(client.get(board).get_data(as_text=True))
    client.post(f"{board}/unpublish", data={"csrf_token": token})
    gone = app.test_client().get(f"/checks/{checked['slug']}")
    assert gone.status_code == 410 and "withdrawn" in gone.get_data(as_text=True)
    _publish(app, checked)
    assert app.test_client().get(f"/checks/{checked['slug']}").status_code == 200


def test_front_page_lists_published_checks(app, checked):
    _publish(app, checked)
    assert "Jobs &lt;b&gt;report&lt;/b&gt;" in app.test_client().get("/").get_data(
        as_text=True)


def test_reviewers_cannot_publish(app, checked, make_user):
    from ..helpers import login

    client = app.test_client()
    login(client, make_user(Role.REVIEWER).email)
    token = csrf_token(client.get("/review/").get_data(as_text=True))
    response = client.post(f"/editor/articles/{checked['article_id']}/publish",
                           data={"csrf_token": token, "include_open": "y"})
    assert response.status_code == 403
    with app.app_context():
        assert db.session.get(Article, checked["article_id"]).status == ArticleStatus.DRAFT


def test_reader_reports_an_error_and_editors_triage_it(app, checked):
    editor_client, _response = _publish(app, checked)
    reader = app.test_client()
    page = f"/checks/{checked['slug']}/report"
    assert "Report an error or suggest a claim to check" in reader.get(
        f"/checks/{checked['slug']}").get_data(as_text=True)
    form = reader.get(page)
    assert form.headers["Cache-Control"] == "no-store"
    assert reader.post(page, data={"message": "no token"}).status_code == 400  # CSRF
    response = reader.post(page, data={"csrf_token": csrf_token(form.get_data(as_text=True)),
                                       "claim": "1", "message": "The rate was 3.6%.",
                                       "contact": "reader@example.org"})
    assert response.status_code == 302
    assert "Thank you" in reader.get(response.headers["Location"]).get_data(as_text=True)
    inbox = editor_client.get("/editor/reports").get_data(as_text=True)
    assert "The rate was 3.6%." in inbox and "reader@example.org" in inbox
    from factcheck.models import ReaderReport

    with app.app_context():
        report = db.session.exec(select(ReaderReport)).one()
        assert report.claim_id == checked["claims"][0]
        report_id = report.id
    token = csrf_token(inbox)
    editor_client.post(f"/editor/reports/{report_id}/closed", data={"csrf_token": token})
    with app.app_context():
        assert db.session.get(ReaderReport, report_id).status == "closed"


def test_reader_reports_are_rate_limited_and_empty_ones_refused(app, checked):
    _publish(app, checked)
    reader = app.test_client()
    page = f"/checks/{checked['slug']}/report"
    token = csrf_token(reader.get(page).get_data(as_text=True))
    empty = reader.post(page, data={"csrf_token": token, "claim": "", "message": "  "})
    assert empty.status_code == 422
    for n in range(5):
        assert reader.post(page, data={"csrf_token": token, "claim": "",
                                       "message": f"Report {n}"}).status_code == 302
    limited = reader.post(page, data={"csrf_token": token, "claim": "", "message": "One more"})
    assert limited.status_code == 429
    assert "try again in an hour" in limited.get_data(as_text=True)


def test_verdict_page_query_count_does_not_grow_with_claims(app, checked, make_user):
    from sqlalchemy import event

    _publish(app, checked)
    statements: list[str] = []
    engine = db.engine_for(app, write=False)
    event.listen(engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
    app.test_client().get(f"/checks/{checked['slug']}")
    small = len(statements)
    with app.app_context():  # a much bigger check: 30 more decided claims with evidence
        label = _label("false")
        article = db.session.get(Article, checked["article_id"])
        article.status = ArticleStatus.DRAFT
        body_start = len(article.body)
        article.body += " Extra." * 30
        for n in range(30):
            claim = Claim(article_id=article.id, position=10 + n, start=body_start + 7 * n + 1,
                          end=body_start + 7 * n + 7, text="Extra.",
                          status=ClaimStatus.DECIDED)
            db.session.add(claim)
            db.session.flush()
            db.session.add(Decision(claim_id=claim.id, rating_id=label.id, summary="No."))
            db.session.add(Evidence(claim_id=claim.id, url="https://e.example.org/",
                                    title="Source", stance="refutes"))
        db.session.commit()
    _publish(app, checked)
    statements.clear()
    html = app.test_client().get(f"/checks/{checked['slug']}").get_data(as_text=True)
    assert 'id="claim-33"' in html
    assert len(statements) == small


def test_the_rendered_page_is_reused_and_nothing_personal_is_cached(app, checked):
    _publish(app, checked)
    reader = app.test_client()
    first = reader.get(f"/checks/{checked['slug']}").get_data(as_text=True)
    second = app.test_client().get(f"/checks/{checked['slug']}").get_data(as_text=True)
    assert first == second
    assert "csrf_token" not in first and "Sign out" not in first


def test_changing_a_published_verdict_needs_a_public_dated_correction(app, checked):
    editor_client, _response = _publish(app, checked)
    reader = app.test_client()
    before = reader.get(f"/checks/{checked['slug']}")
    claim_id = checked["claims"][0]
    url = f"/editor/claims/{claim_id}/decide"
    with app.app_context():
        version = db.session.exec(select(Decision).where(Decision.claim_id == claim_id)
                                  ).one().version
    page = editor_client.get(url).get_data(as_text=True)
    assert "Correction note" in page
    refused = editor_client.post(url, data={"csrf_token": csrf_token(page), "rating":
                                            "mostly-false", "summary": "Revised.",
                                            "version": version, "correction_note": ""})
    assert refused.status_code == 422
    assert "correction note" in refused.get_data(as_text=True)
    done = editor_client.post(url, data={"csrf_token": csrf_token(page),
                                         "rating": "mostly-false", "summary": "Revised.",
                                         "version": version,
                                         "correction_note": "the office revised its figure"})
    assert done.status_code == 302
    after = reader.get(f"/checks/{checked['slug']}")
    html = after.get_data(as_text=True)
    assert after.headers["ETag"] != before.headers["ETag"]
    assert re.search(r"On \d{4}-\d{2}-\d{2} we changed the rating of claim 1 from True to "
                     r"Mostly false because: the office revised its figure", html)
    assert "last corrected" in html and "Revised." in html
    first = _ld(html)[0]
    assert first["reviewRating"]["alternateName"] == "Mostly false"
    assert first["dateModified"] >= first["datePublished"]
    listing = reader.get("/corrections").get_data(as_text=True)
    assert "the office revised its figure" in listing and "from True to Mostly false" in listing
    with app.app_context():
        assert db.session.get(Claim, claim_id).status == ClaimStatus.PUBLISHED


def test_a_worker_remembers_the_stamp_briefly_and_forgets_it_on_publish(make_app, checked):
    from sqlalchemy import event

    app = make_app(PUBLIC_STAMP_TTL=60)
    client, _response = _publish(app, checked)
    reader = app.test_client()
    etag = reader.get(f"/checks/{checked['slug']}").headers["ETag"]
    statements: list[str] = []
    event.listen(db.engine_for(app, write=False), "before_cursor_execute",
                 lambda *a: statements.append(a[2]))
    again = reader.get(f"/checks/{checked['slug']}", headers={"If-None-Match": etag})
    assert again.status_code == 304 and statements == []  # answered from memory
    board = f"/editor/articles/{checked['article_id']}"
    client.post(f"{board}/unpublish", data={"csrf_token": csrf_token(
        client.get(board).get_data(as_text=True))})
    assert reader.get(f"/checks/{checked['slug']}").status_code == 410  # forgotten at once


@pytest.mark.parametrize("then", ["rollback", "commit"])
def test_the_stamp_is_forgotten_when_a_change_commits_and_only_then(make_app, checked, then):
    """Callers never clear the cache: the workflow notes the slug, the commit forgets it."""
    from sqlalchemy import event

    from factcheck.models import Article, User
    from factcheck.workflow.publishing import unpublish_article

    app = make_app(PUBLIC_STAMP_TTL=60)
    _publish(app, checked)
    reader = app.test_client()
    etag = reader.get(f"/checks/{checked['slug']}").headers["ETag"]
    with app.app_context():
        unpublish_article(db.session, article=db.session.get(Article, checked["article_id"]),
                          editor=db.session.get(User, checked["editor"].id))
        if then == "rollback":
            db.session.rollback()
        db.session.commit()
    statements: list[str] = []
    event.listen(db.engine_for(app, write=False), "before_cursor_execute",
                 lambda *a: statements.append(a[2]))
    again = reader.get(f"/checks/{checked['slug']}", headers={"If-None-Match": etag})
    if then == "rollback":
        assert again.status_code == 304 and statements == []  # still remembered
    else:
        assert again.status_code == 410 and statements != []  # forgotten at the commit


def test_the_organisation_is_the_author_of_the_markup(app, checked):
    from factcheck.models import User
    from factcheck.workflow.settings import set_setting

    with app.app_context():
        actor = db.session.get(User, checked["editor"].id)
        set_setting(db.session, key="org_name", value="Kabul Fact Desk", actor=actor)
        set_setting(db.session, key="org_url", value="https://factdesk.example.org/",
                    actor=actor)
        set_setting(db.session, key="org_logo_url",
                    value="https://factdesk.example.org/logo.png", actor=actor)
        db.session.commit()
    _publish(app, checked)
    html = app.test_client().get(f"/checks/{checked['slug']}").get_data(as_text=True)
    author = _ld(html)[0]["author"]
    assert author == {"@type": "Organization", "name": "Kabul Fact Desk",
                      "url": "https://factdesk.example.org/",
                      "logo": {"@type": "ImageObject",
                               "url": "https://factdesk.example.org/logo.png"}}
    assert '<img class="org-logo" src="https://factdesk.example.org/logo.png"' in html
    assert "Checked by Kabul Fact Desk" in html


def test_workers_share_rendered_pages_through_the_database(app, checked, monkeypatch):
    from factcheck.models import PageCache
    from factcheck.web import page_cache, public

    _publish(app, checked)
    first = app.test_client().get(f"/checks/{checked['slug']}").get_data()
    with app.app_context():
        assert len(db.session.exec(select(PageCache)).all()) == 1
    page_cache.rendered_page.cache_clear()  # another worker: nothing in its memory

    def no_rendering(*_args):
        raise AssertionError("rendered again instead of reading the shared cache")

    monkeypatch.setattr(public, "_render", no_rendering)
    assert app.test_client().get(f"/checks/{checked['slug']}").get_data() == first
    monkeypatch.undo()
    _publish(app, checked)  # a new version replaces the old entry
    app.test_client().get(f"/checks/{checked['slug']}")
    with app.app_context():
        assert len(db.session.exec(select(PageCache)).all()) == 1


@pytest.mark.parametrize(("language", "direction"), [("en", "auto"), ("prs", "rtl"), ("ps", "rtl")])
def test_the_article_and_its_claims_are_written_in_its_languages_direction(app, checked,
                                                                          language, direction):
    with app.app_context():
        db.session.get(Article, checked["article_id"]).language = language
        db.session.commit()
    _publish(app, checked)
    html = app.test_client().get(f"/checks/{checked['slug']}").get_data(as_text=True)
    assert f'<div class="article-text" lang="{language}" dir="{direction}">' in html
    assert html.count(f'<q lang="{language}" dir="{direction}">') == 3
