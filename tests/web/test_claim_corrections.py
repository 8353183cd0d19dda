"""A published claim's words change only with a public, dated correction (the edit form)."""

from __future__ import annotations

import json
import re

import pytest
from sqlmodel import func, select

from factcheck.extensions import db
from factcheck.models import Claim, Correction, Decision, Publication, RatingLabel, Review
from factcheck.states import ClaimStatus, CorrectionKind, ReviewStatus, Role
from factcheck.workflow.articles import import_article

from ..helpers import csrf_token, login
from .test_feeds import parse_xml

TEXT = ("The ministry said that unemployment fell to 3.5 percent in October, the lowest "
        "rate since 2019. The council approved a budget of $4.2 million on Tuesday. "
        "Critics say the plan is unfair.")
OLD_WORDS = "The ministry said that unemployment fell to 3.5 percent in October, the " \
            "lowest rate since 2019."
NEW_WORDS = "Unemployment fell to 3.5 percent in October."
ATOM = "{http://www.w3.org/2005/Atom}"


def publish_checked(app, make_user, *, publish: bool = True) -> dict:
    """An article whose first two claims are decided and third selected, published with
    the open claim shown as still being checked; and an editor client signed in."""
    editor = make_user(Role.EDITOR, name="Eda Editor")
    reviewers = [make_user(Role.REVIEWER), make_user(Role.REVIEWER)]
    with app.app_context():
        article = import_article(db.session, title="Jobs report", body=TEXT, actor=None,
                                 source_url="https://news.example.org/jobs")
        claims = db.session.exec(select(Claim).where(Claim.article_id == article.id)
                                 .order_by(Claim.start)).all()
        claims[0].claimant = "The ministry"
        for claim in claims[:2]:
            claim.status = ClaimStatus.DECIDED
            label = db.session.exec(select(RatingLabel).where(RatingLabel.key == "true")).one()
            db.session.add(Decision(claim_id=claim.id, editor_id=editor.id, rating_id=label.id,
                                    summary="Confirmed."))
            for reviewer in reviewers:
                db.session.add(Review(claim_id=claim.id, reviewer_id=reviewer.id,
                                      rating_id=label.id, rationale="Because.",
                                      status=ReviewStatus.SUBMITTED))
        claims[2].status = ClaimStatus.SELECTED
        db.session.commit()
        found = {"article_id": article.id, "slug": article.slug, "editor": editor,
                 "claims": [c.id for c in claims]}
    client = app.test_client()
    login(client, editor.email)
    if publish:
        board = f"/editor/articles/{found['article_id']}"
        token = csrf_token(client.get(board).get_data(as_text=True))
        response = client.post(f"{board}/publish", data={"csrf_token": token,
                                                         "include_open": "y"})
        assert response.status_code == 302
    return {**found, "client": client}


def counts(app, article_id: int) -> tuple[int, int]:
    """(publications, corrections) of the article."""
    with app.app_context():
        publications = db.session.exec(select(func.count()).select_from(Publication).where(
            Publication.article_id == article_id)).one()
        corrections = db.session.exec(select(func.count()).select_from(Correction).where(
            Correction.article_id == article_id)).one()
        return publications, corrections


def ld(html: str) -> list[dict]:
    """The ClaimReview markup of a verdict page."""
    match = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert match, "no JSON-LD"
    return json.loads(match.group(1))


def feed_entries(client) -> dict[str, str]:
    """Atom entry id -> summary."""
    feed = parse_xml(client.get("/feed.atom").get_data())
    return {e.findtext(f"{ATOM}id"): e.findtext(f"{ATOM}summary")
            for e in feed.iter(f"{ATOM}entry")}


@pytest.fixture
def published(app, make_user) -> dict:
    return publish_checked(app, make_user)


def _edit(check: dict, claim_id: int, **data):
    client = check["client"]
    url = f"/editor/claims/{claim_id}"
    page = client.get(url).get_data(as_text=True)
    with client.application.app_context():
        version = db.session.get(Claim, claim_id).version
    return client.post(url, data={"csrf_token": csrf_token(page), "version": version, **data})


def test_rewording_a_published_claim_without_a_note_is_refused_and_keeps_the_input(
        app, published):
    claim_id = published["claims"][0]
    page = published["client"].get(f"/editor/claims/{claim_id}").get_data(as_text=True)
    assert "Correction note (public)" in page and "the note is published" in page
    before = counts(app, published["article_id"])
    refused = _edit(published, claim_id, text=NEW_WORDS, claimant="Statistics office",
                    correction_note="  ")
    html = refused.get_data(as_text=True)
    assert refused.status_code == 422
    assert "say what changed and why in a correction note" in html
    assert NEW_WORDS in html and 'value="Statistics office"' in html  # nothing typed is lost
    assert counts(app, published["article_id"]) == before  # nothing corrected or republished
    with app.app_context():
        claim = db.session.get(Claim, claim_id)
        assert (claim.text, claim.claimant) == (OLD_WORDS, "The ministry")
    reader = app.test_client().get(f"/checks/{published['slug']}").get_data(as_text=True)
    assert 'id="corrections-heading"' not in reader and "dateModified" not in ld(reader)[0]
    assert not re.search(rf'<q[^>]*>{re.escape(NEW_WORDS)}</q>', reader)


def test_rewording_with_a_note_publishes_a_dated_correction_everywhere(app, published):
    claim_id, slug = published["claims"][0], published["slug"]
    reader = app.test_client()
    first = reader.get(f"/checks/{slug}")
    assert "dateModified" not in ld(first.get_data(as_text=True))[0]
    done = _edit(published, claim_id, text=NEW_WORDS, claimant="Statistics office",
                 correction_note="We quoted the ministry, not the claim it checked.")
    assert done.status_code == 302
    assert counts(app, published["article_id"]) == (2, 2)  # republished once, two changes

    page = reader.get(f"/checks/{slug}")
    html = page.get_data(as_text=True)
    assert page.headers["ETag"] != first.headers["ETag"]
    assert re.search(rf'<q[^>]*>{re.escape(NEW_WORDS)}</q>', html)  # the claim as checked
    assert re.search(rf"On \d{{4}}-\d{{2}}-\d{{2}} we changed the wording of claim 1 from "
                     rf"“{re.escape(OLD_WORDS)}” to “{re.escape(NEW_WORDS)}” because: "
                     rf"We quoted the ministry", html)
    assert re.search(r"On \d{4}-\d{2}-\d{2} we changed who made claim 1 from The ministry to "
                     r"Statistics office because: We quoted the ministry", html)
    markup = ld(html)[0]
    # The summary nobody wrote follows the new wording (as the heading shows it).
    assert markup["claimReviewed"] == NEW_WORDS.rstrip(".")
    assert f'<span class="short-claim" lang="en" dir="auto">{NEW_WORDS.rstrip(".")}</span>' in html
    assert markup["itemReviewed"]["author"]["name"] == "Statistics office"
    assert markup["dateModified"] >= markup["datePublished"]

    listing = reader.get("/corrections").get_data(as_text=True)
    assert f"Wording changed from “{OLD_WORDS}” to “{NEW_WORDS}”." in listing
    assert "Claimant changed from The ministry to Statistics office." in listing
    assert "We quoted the ministry, not the claim it checked." in listing

    entries = feed_entries(reader)
    url = f"http://localhost/checks/{slug}"
    assert entries[f"{url}#correction-1"] == (
        f"Claim 1: Wording changed from “{OLD_WORDS}” to “{NEW_WORDS}”. "
        "We quoted the ministry, not the claim it checked.")
    assert entries[f"{url}#correction-2"].startswith(
        "Claim 1: Claimant changed from The ministry to Statistics office.")
    with app.app_context():
        kinds = db.session.exec(select(Correction.kind).order_by(Correction.id)).all()
        assert kinds == [CorrectionKind.WORDING, CorrectionKind.CLAIMANT]
        assert db.session.get(Claim, claim_id).status == ClaimStatus.PUBLISHED


def test_an_open_claim_shown_on_the_live_check_needs_a_note_too(app, published):
    claim_id = published["claims"][2]  # published as "still being checked"
    refused = _edit(published, claim_id, text="Critics call the plan unfair.")
    assert refused.status_code == 422 and "correction note" in refused.get_data(as_text=True)
    assert counts(app, published["article_id"]) == (1, 0)


def test_a_new_claim_date_alone_needs_no_note(app, published):
    claim_id = published["claims"][0]
    done = _edit(published, claim_id, text=OLD_WORDS, claimant="The ministry",
                 claim_date="2026-10-29")
    assert done.status_code == 302
    assert counts(app, published["article_id"]) == (1, 0)


def test_editing_a_claim_nobody_has_read_needs_no_note(app, make_user):
    check = publish_checked(app, make_user, publish=False)
    claim_id = check["claims"][0]
    page = check["client"].get(f"/editor/claims/{claim_id}").get_data(as_text=True)
    assert "Correction note" not in page
    done = _edit(check, claim_id, text=NEW_WORDS, claimant="Statistics office")
    assert done.status_code == 302
    assert counts(app, check["article_id"]) == (0, 0)
    with app.app_context():
        assert db.session.get(Claim, claim_id).text == NEW_WORDS


def test_a_stale_edit_keeps_the_typed_correction_note(app, published):
    claim_id = published["claims"][0]
    client = published["client"]
    page = client.get(f"/editor/claims/{claim_id}").get_data(as_text=True)
    stale = client.post(f"/editor/claims/{claim_id}", data={
        "csrf_token": csrf_token(page), "version": 0, "text": NEW_WORDS,
        "claimant": "The ministry", "correction_note": "Our own typed note."})
    assert stale.status_code == 409
    assert "Our own typed note." in stale.get_data(as_text=True)
    assert counts(app, published["article_id"]) == (1, 0)
