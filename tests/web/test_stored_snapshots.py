"""Publications stored before snapshots carried a schema version are still read everywhere."""

from __future__ import annotations

import copy
import json
import re
from datetime import UTC, datetime

import pytest
from sqlmodel import select

from factcheck.extensions import db
from factcheck.models import Article, Publication, User
from factcheck.states import ArticleStatus, Role
from factcheck.workflow.articles import create_article
from factcheck.workflow.publishing import publish_article

from ..engine.test_snapshot import STORED_V1
from .test_feeds import JOBS, parse_xml, publish_check

ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def editor(make_user) -> User:
    return make_user(Role.EDITOR)


def _store_old_publication(app, editor: User) -> str:
    """A live check whose publication holds a snapshot as the code before the schema key
    wrote it (inserted directly, as it sits in databases today); returns its slug."""
    published = datetime(2026, 11, 2, 12, 0, tzinfo=UTC)
    with app.app_context():
        stored = copy.deepcopy(STORED_V1)
        article = create_article(db.session, title=stored["article"]["title"],
                                 body=stored["article"]["body"], actor=None,
                                 outlet="Daily Example", source_url=stored["article"]["source_url"])
        stored["article"]["slug"] = article.slug
        assert "schema" not in stored
        article.status = ArticleStatus.PUBLISHED
        article.published_at = published
        article.last_corrected_at = datetime(2026, 11, 4, 8, 0, tzinfo=UTC)
        db.session.add(article)
        db.session.add(Publication(article_id=article.id, number=1, snapshot=stored,
                                   published_by_id=editor.id, published_at=published))
        db.session.commit()
        return article.slug


def test_a_publication_stored_without_schema_key_still_renders_feeds_and_api(app, editor):
    slug = _store_old_publication(app, editor)
    client = app.test_client()

    page = client.get(f"/checks/{slug}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Unemployment fell to 3.5 percent in October." in html
    assert '<strong class="verdict">✔ True</strong>' in html
    assert "we changed the rating of claim 1 from Mostly true to True" in html
    markup = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>',
                                  html, re.S).group(1))
    assert [r["url"] for r in markup] == [f"http://localhost/checks/{slug}#claim-1",
                                          f"http://localhost/checks/{slug}#claim-2"]
    assert markup[0]["reviewRating"] == {"@type": "Rating", "alternateName": "True",
                                         "ratingValue": 6, "worstRating": 1, "bestRating": 6}
    assert markup[0]["itemReviewed"]["datePublished"] == "2026-10-29"

    feed = parse_xml(client.get("/feed.atom").get_data())
    entries = {e.findtext(f"{ATOM}id"): e.findtext(f"{ATOM}summary")
               for e in feed.iter(f"{ATOM}entry")}
    url = f"http://localhost/checks/{slug}"
    assert entries == {
        url: "2 claims checked (True: 1, Unverifiable: 1). 1 more is still being checked.",
        f"{url}#correction-1": "Claim 1: Rating changed from Mostly true to True. "
                               "The October figure was revised.",
        f"{url}#correction-2": "Typo in the title.",
    }

    response = client.get(f"/api/v1/checks/{slug}")
    assert response.status_code == 200
    body = response.get_json()
    assert (body["slug"], body["checked"], body["open"], body["candidates"]) == (slug, 2, 1, 5)
    assert [c["status"] for c in body["claims"]] == ["decided", "decided", "open"]
    assert body["claims"][0]["verdict"] == {"key": "true", "name": "True", "value": 6,
                                            "worst": 1, "best": 6}
    assert body["claims"][0]["evidence"] == STORED_V1["claims"][0]["evidence"]
    assert [c["claim_number"] for c in body["corrections"]] == [1, None]
    assert body["organisation"]["name"] == "Fact-check desk"
    assert body["organisation"]["url"] == "http://localhost/"


def test_new_publications_store_the_schema_version(app, editor):
    publish_check(app, editor, title="Jobs report", claims=JOBS)
    with app.app_context():
        stored = db.session.exec(select(Publication)).one().snapshot
    assert stored["schema"] == 1


def test_republishing_an_unchanged_check_stored_without_the_key_makes_no_new_version(app, editor):
    check = publish_check(app, editor, title="Jobs report", claims=JOBS)
    with app.app_context():
        publication = db.session.exec(select(Publication)).one()
        # As the code before the schema key stored it.
        publication.snapshot = {k: v for k, v in publication.snapshot.items() if k != "schema"}
        db.session.add(publication)
        db.session.commit()
    with app.app_context():
        again = publish_article(db.session, article=db.session.get(Article, check["article_id"]),
                                editor=db.session.get(User, editor.id), include_open=True)
        db.session.commit()
        assert again.number == 1
        assert len(db.session.exec(select(Publication)).all()) == 1
