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

from .helpers import csrf_token

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
    from .helpers import login

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
    assert "1 selected claims have no decision yet" in response.get_data(as_text=True)
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
    assert "2 claims checked" in html and "1 more are still being checked" in html
    assert '<svg class="chart" role="img"' in html and "<title id=\"chart-title\">" in html
    for number in (1, 2, 3):
        assert f'id="claim-{number}"' in html and f'href="#claim-{number}"' in html
    assert "✔ True" in html and "? Unverifiable" in html  # symbol and text, not colour alone
    assert "Conclusion for true." in html and "October report" in html
    assert "archived copy" in html and "Claimed by The ministry" in html
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
        claim.text = "Ends </script><script>alert(1)</script>"
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
    from .helpers import login

    client = app.test_client()
    login(client, make_user(Role.REVIEWER).email)
    token = csrf_token(client.get("/review/").get_data(as_text=True))
    response = client.post(f"/editor/articles/{checked['article_id']}/publish",
                           data={"csrf_token": token, "include_open": "y"})
    assert response.status_code == 403
    with app.app_context():
        assert db.session.get(Article, checked["article_id"]).status == ArticleStatus.DRAFT
