"""Slugs keep the words of Persian-script titles and names (python-slugify, allow_unicode);
Latin titles get the slugs they always had."""

from __future__ import annotations

from urllib.parse import quote

from factcheck.engine.slugs import make_slug
from factcheck.extensions import db
from factcheck.models import Article
from factcheck.states import Role

from ..helpers import login
from .test_claimants import _claims, _decide, _import, _publish, _records

PERSIAN_TITLE = "گزارش وزارت مالیه: بودجه ۲۰۲۶"
PERSIAN_TEXT = "وزیر مالیه گفت که بودجه امسال ۲۰ درصد افزایش یافته است."


def _slug(app, article_id: int) -> str:
    with app.app_context():
        return db.session.get(Article, article_id).slug


def test_latin_titles_keep_their_slugs():
    assert make_slug("Jobs report: Unemployment fell!", fallback="article") == (
        "jobs-report-unemployment-fell")
    assert make_slug("Don't panic: café déjà vu", fallback="article") == (
        "don-t-panic-cafe-deja-vu")
    assert make_slug("!!!", fallback="article") == "article"
    assert len(make_slug("word " * 40, fallback="article")) <= 80


def test_a_persian_title_and_claimant_give_slugs_with_their_words_that_route_and_render(
        app, client, make_user):
    editor = make_user(Role.EDITOR)
    reviewers = [make_user(Role.REVIEWER).id, make_user(Role.REVIEWER).id]
    login(client, editor.email)
    first = _import(client, PERSIAN_TITLE, PERSIAN_TEXT)
    second = _import(client, PERSIAN_TITLE, PERSIAN_TEXT + " ")
    slug = _slug(app, first)
    assert slug == "گزارش-وزارت-مالیه-بودجه-۲۰۲۶"
    assert _slug(app, second) == slug + "-2"  # uniqueness suffixes as before
    assert _slug(app, _import(client, "Bus lanes", "The mayor said the lanes cost 4 million "
                                                   "dollars.")) == "bus-lanes"
    (claim,) = _claims(app, first)
    record = next(r for r in _records(app) if r.id == claim.claimant_id)
    assert record.slug == "وزیر-مالیه"
    _decide(app, [claim.id], ["false"], editor.id, reviewers)
    _publish(client, first)
    reader = app.test_client()
    page = reader.get(f"/checks/{quote(slug)}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert PERSIAN_TEXT in html and f'href="/claimants/{quote(record.slug)}"' in html
    assert reader.get(f"/claimants/{quote(record.slug)}").status_code == 200
    # Feeds and the sitemap percent-encode the address.
    sitemap = reader.get("/sitemap.xml").get_data(as_text=True)
    assert f"/checks/{quote(slug)}</loc>" in sitemap
    feed = reader.get("/feed.atom").get_data(as_text=True)
    assert f"/checks/{quote(slug)}" in feed and f"/checks/{slug}" not in feed
