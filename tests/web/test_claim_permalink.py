"""A checked claim's own page (its permalink) and its share card, both from the published
snapshot: what they show, their ClaimReview and Open Graph meta, 404/410, caching, and
nothing unpublished or private."""

from __future__ import annotations

import io
import json
import re
from dataclasses import dataclass

import lxml.html
import pytest
from PIL import Image, ImageDraw
from sqlmodel import select

from factcheck.engine import cards
from factcheck.engine.cards import BAND_HEIGHT, BAND_TOP, Card, render_card, rgb, shaped
from factcheck.extensions import db
from factcheck.models import Article, Claim, RatingLabel, User
from factcheck.states import ClaimStatus, Confidence, Role, Stance
from factcheck.web.public import FONTS
from factcheck.workflow.articles import import_article
from factcheck.workflow.assignments import assign_claims
from factcheck.workflow.claimants import link_article_claimants
from factcheck.workflow.evidence import add_evidence
from factcheck.workflow.publishing import publish_article, unpublish_article
from factcheck.workflow.reviews import decide_claim, save_review

from ..helpers import share_evidence

TEXT = ("The ministry said that unemployment fell to 3.5 percent in October, the lowest "
        "rate since 2019. The council approved a budget of $4.2 million on Tuesday. "
        "Critics say the plan will cost 1,200 jobs by 2027. "
        "Amina Rahimi, the minister, said 40 new schools opened in 2025.")
DARI = ("وزارت اقتصاد اعلام کرد که نرخ بیکاری در سال ۱۴۰۲ به ۱۲ درصد کاهش یافت. "
        "شورای شهر کابل روز سه‌شنبه بودجه‌ای به مبلغ ۴ میلیون افغانی را تصویب کرد.")
# Words that exist only where readers must never see them.
SECRET = "Quetzalcoatlus"  # a reviewer's draft review of a claim still being checked
RATIONALE = "Pterodactylus"  # a submitted review's rationale (internal to the desk)
LATER = "Archaeopteryx"  # a decision taken after publishing, not published


@dataclass
class Desk:
    editor: User
    slug: str
    article_id: int
    claims: list[int]
    dari_slug: str


def _claims(article_id: int) -> list[Claim]:
    return list(db.session.exec(select(Claim).where(Claim.article_id == article_id)
                                .order_by(Claim.start)).all())


def _review(s, claim, reviewers, key, *, submit=True, rationale=""):
    """Each reviewer rates the claim citing a source the first one attached."""
    source = add_evidence(s, claim=claim, actor=reviewers[0],
                          url=f"https://stats.example.org/{claim.id}",
                          title="October labour force survey", publisher="Statistics Office",
                          quote="Unemployment: 3.5% (October)", stance=Stance.SUPPORTS)
    for reviewer in reviewers:
        save_review(s, claim=claim, reviewer=reviewer, rating_key=key,
                    rationale=rationale or f"{RATIONALE}: the survey ({key}).",
                    confidence=Confidence.HIGH, evidence_ids=[source.id], submit=submit,
                    expected_version=None)


@pytest.fixture
def desk(app, make_user) -> Desk:
    """English check: claim 1 True (claimant, evidence, public reasoning), claim 2
    Unverifiable, claim 3 published as still being checked (a reviewer's draft on it),
    claim 4 a candidate never selected. A Dari check with one decided claim."""
    share_evidence(app)  # the second reviewer cites the first one's source
    editor = make_user(Role.EDITOR, name="Eda Editor")
    reviewers = [make_user(Role.REVIEWER, name="Rui First"),
                 make_user(Role.REVIEWER, name="Sam Second")]
    with app.app_context():
        s = db.session
        ed = s.get(User, editor.id)
        revs = [s.get(User, r.id) for r in reviewers]
        article = import_article(s, title="Jobs report", body=TEXT, actor=ed,
                                 outlet="Daily Example",
                                 source_url="https://news.example.org/jobs")
        dari = import_article(s, title="بودجه شهر کابل", body=DARI, actor=ed)
        claims, dari_claims = _claims(article.id), _claims(dari.id)
        assert len(claims) == 4 and len(dari_claims) == 2
        # The editor names the claimant as the article names her first ("The ministry"
        # was found by the import).
        claims[0].claimant, claims[0].claimant_id = "Rahimi", None
        s.add(claims[0])
        s.flush()
        link_article_claimants(s, article=article, actor=ed)  # her full name, her page
        s.expire_all()  # the claims were linked by a bulk UPDATE
        for claim in (*claims[:3], dari_claims[0]):
            claim.status = ClaimStatus.SELECTED
            s.add(claim)
        s.flush()
        for reviewer in revs:
            assign_claims(s, claims=[*claims[:3], dari_claims[0]], reviewer=reviewer,
                          due_on=None, actor=ed)
        _review(s, claims[0], revs, "true")
        _review(s, claims[1], revs, "unverifiable")
        _review(s, dari_claims[0], revs, "mostly-true")
        # A draft, never submitted, on the claim still being checked.
        _review(s, claims[2], revs[:1], "false", submit=False,
                rationale=f"{SECRET} says otherwise.")
        decide_claim(s, claim=claims[0], editor=ed, rating_key="true",
                     summary="The **official figures** confirm it.", expected_version=0,
                     public_reasoning="The statistics office's October table gives 3.5%.")
        decide_claim(s, claim=claims[1], editor=ed, rating_key="unverifiable",
                     summary="No public data on it.", expected_version=0,
                     public_reasoning="")
        decide_claim(s, claim=dari_claims[0], editor=ed, rating_key="mostly-true",
                     summary="ارقام رسمی آن را تأیید می‌کند.", expected_version=0,
                     public_reasoning="")
        publish_article(s, article=article, editor=ed, include_open=True)
        publish_article(s, article=dari, editor=ed, include_open=True)
        s.commit()
        return Desk(editor=editor, slug=article.slug, article_id=article.id,
                    claims=[c.id for c in claims], dari_slug=dari.slug)


def _meta(html: str) -> dict[str, str]:
    tree = lxml.html.fromstring(html)
    return {(m.get("property") or m.get("name")): m.get("content")
            for m in tree.iter("meta") if m.get("property") or m.get("name")}


def _ld(html: str):
    match = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert match, "no JSON-LD"
    return json.loads(match.group(1))


def _label_colour(app, key: str) -> str:
    with app.app_context():
        return db.session.exec(select(RatingLabel.colour).where(RatingLabel.key == key)).first()


def test_the_claim_page_shows_the_published_claim_and_links_back(client, desk):
    response = client.get(f"/checks/{desk.slug}/claims/1")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    main = lxml.html.fromstring(html).find(".//main").text_content()
    assert "The ministry said that unemployment fell to 3.5 percent" in main
    # The heading is the claim's short claim; its words, quoted, follow.
    heading = lxml.html.fromstring(html).find(".//h1").text_content()
    assert heading == "Unemployment fell to 3.5 percent in October, the lowest rate since 2019"
    assert '<p class="claim-words"><q' in html
    assert ('Claimed by <a class="claimant-link" href="/claimants/amina-rahimi">'
            'Amina Rahimi</a>') in html
    assert '<strong class="verdict">✔ True</strong>' in html
    assert 'fill="' + _label_colour(client.application, "true") + '"' in html  # its colour
    assert "<strong>official figures</strong> confirm it." in html
    assert "October table gives 3.5%." in main  # the public reasoning
    assert "October labour force survey" in html and "Statistics Office" in html
    assert "Checked by" in html and "<time datetime=" in html  # published date
    back = f'href="http://localhost/checks/{desk.slug}#claim-1"'
    assert back in html and "Back to the whole check of the article" in html
    # The claim's neighbours are not on its page.
    assert "council approved a budget" not in main


def test_the_verdict_page_links_each_decided_claim_to_its_page(client, desk):
    html = client.get(f"/checks/{desk.slug}").get_data(as_text=True)
    assert f'href="/checks/{desk.slug}/claims/1"' in html
    assert f'href="/checks/{desk.slug}/claims/2"' in html
    assert f'href="/checks/{desk.slug}/claims/3"' not in html  # still being checked
    meta = _meta(html)  # the verdict page's image: its first decided claim's card
    assert meta["og:image"] == f"http://localhost/checks/{desk.slug}/claims/1/card.png"
    assert meta["twitter:card"] == "summary_large_image"
    assert (meta["og:image:width"], meta["og:image:height"]) == ("1200", "630")
    assert len(_ld(html)) == 2  # the verdict page keeps one ClaimReview per decided claim


def test_its_claimreview_is_this_claim_at_its_permalink(client, desk):
    html = client.get(f"/checks/{desk.slug}/claims/1").get_data(as_text=True)
    review = _ld(html)
    assert isinstance(review, dict) and review["@type"] == "ClaimReview"
    assert review["@context"] == "https://schema.org"
    assert review["url"] == f"http://localhost/checks/{desk.slug}/claims/1"
    # The claim as its heading shows it: the markup matches what readers see.
    assert review["claimReviewed"] == ("Unemployment fell to 3.5 percent in October, the lowest "
                                       "rate since 2019")
    assert lxml.html.fromstring(html).find(".//h1").text_content() == review["claimReviewed"]
    assert review["reviewRating"]["alternateName"] == "True"
    assert review["itemReviewed"]["author"] == {"@type": "Person", "name": "Amina Rahimi"}
    assert review["itemReviewed"]["firstAppearance"]["url"] == "https://news.example.org/jobs"
    # The same markup as the verdict page's for this claim, but for its url.
    on_verdict_page = _ld(client.get(f"/checks/{desk.slug}").get_data(as_text=True))[0]
    assert on_verdict_page == {**review, "url": f"http://localhost/checks/{desk.slug}#claim-1"}
    second = _ld(client.get(f"/checks/{desk.slug}/claims/2").get_data(as_text=True))
    assert second["reviewRating"] == {"@type": "Rating", "alternateName": "Unverifiable"}


def test_open_graph_and_twitter_meta_use_absolute_addresses(client, desk):
    meta = _meta(client.get(f"/checks/{desk.slug}/claims/1").get_data(as_text=True))
    url = f"http://localhost/checks/{desk.slug}/claims/1"
    assert meta["og:url"] == url and meta["og:type"] == "article"
    assert meta["og:title"] == ("Fact check: Unemployment fell to 3.5 percent in October, "
                                "the lowest rate since 2019")
    assert meta["og:description"].startswith("Verdict: ✔ True. The official figures confirm")
    assert meta["og:image"] == f"{url}/card.png"
    assert (meta["og:image:width"], meta["og:image:height"]) == ("1200", "630")
    assert "The ministry said" in meta["og:image:alt"] and "True" in meta["og:image:alt"]
    assert meta["twitter:card"] == "summary_large_image"


def test_links_are_built_on_the_public_address(make_app, desk):
    app = make_app(PUBLIC_URL="https://desk.example.org/")
    html = app.test_client().get(f"/checks/{desk.slug}/claims/1").get_data(as_text=True)
    meta = _meta(html)
    assert meta["og:image"] == f"https://desk.example.org/checks/{desk.slug}/claims/1/card.png"
    assert _ld(html)["url"] == f"https://desk.example.org/checks/{desk.slug}/claims/1"


@pytest.mark.parametrize("n", [3, 4, 99, 0])
def test_claims_not_published_with_a_verdict_are_not_found(client, desk, n):
    # 3: published as still being checked; 4: a candidate; 99 and 0: no such claim.
    assert client.get(f"/checks/{desk.slug}/claims/{n}").status_code == 404
    assert client.get(f"/checks/{desk.slug}/claims/{n}/card.png").status_code == 404


def test_an_unknown_check_is_not_found(client, desk):
    assert client.get("/checks/no-such-check/claims/1").status_code == 404
    assert client.get("/checks/no-such-check/claims/1/card.png").status_code == 404


def test_nothing_unpublished_or_private_reaches_the_page_or_card(app, client, desk):
    with app.app_context():  # evidence found after publishing: not published
        s = db.session
        add_evidence(s, claim=s.get(Claim, desk.claims[2]), actor=s.get(User, desk.editor.id),
                     url="https://later.example.org/", title=f"{LATER} report",
                     quote=LATER, stance=Stance.REFUTES)
        s.commit()
    assert client.get(f"/checks/{desk.slug}/claims/3").status_code == 404
    for n in (1, 2):
        html = client.get(f"/checks/{desk.slug}/claims/{n}").get_data(as_text=True)
        for word in (SECRET, RATIONALE, LATER, "Rui First", "Sam Second", "Eda Editor"):
            assert word not in html, f"{word!r} on claim {n}'s page"
        assert SECRET not in " ".join(_meta(html).values())


def test_a_withdrawn_check_is_gone(app, client, desk):
    with app.app_context():
        s = db.session
        unpublish_article(s, article=s.get(Article, desk.article_id),
                          editor=s.get(User, desk.editor.id))
        s.commit()
    assert client.get(f"/checks/{desk.slug}/claims/1").status_code == 410
    assert client.get(f"/checks/{desk.slug}/claims/1/card.png").status_code == 410


def test_corrections_of_the_claim_are_on_its_page(app, client, desk):
    with app.app_context():
        s = db.session
        decide_claim(s, claim=s.get(Claim, desk.claims[1]), editor=s.get(User, desk.editor.id),
                     rating_key="mostly-true", summary="New data came out.", expected_version=1,
                     public_reasoning="", correction_note="The office published its data.")
        s.commit()
    corrected = client.get(f"/checks/{desk.slug}/claims/2").get_data(as_text=True)
    assert ("we changed the rating of claim 2 from Unverifiable to Mostly true because: "
            "The office published its data.") in corrected
    assert "last corrected" in corrected
    other = client.get(f"/checks/{desk.slug}/claims/1").get_data(as_text=True)
    assert "The office published its data." not in other  # not this claim's correction


def test_pages_and_cards_are_cached_with_etags(client, desk):
    for path in (f"/checks/{desk.slug}/claims/1", f"/checks/{desk.slug}/claims/1/card.png"):
        first = client.get(path)
        assert first.status_code == 200
        assert first.headers["Cache-Control"].startswith("public")
        assert "max-age=" in first.headers["Cache-Control"]
        assert {"Accept-Language", "Cookie"} <= set(first.headers["Vary"].split(", "))
        etag = first.headers["ETag"]
        again = client.get(path, headers={"If-None-Match": etag})
        assert again.status_code == 304 and again.get_data() == b""
        dari = client.get(path, headers={"Accept-Language": "fa-AF"})
        assert dari.headers["ETag"] != etag  # one version per interface language
    assert (client.get(f"/checks/{desk.slug}/claims/1").headers["ETag"]
            != client.get(f"/checks/{desk.slug}/claims/2").headers["ETag"])
    assert (client.get(f"/checks/{desk.slug}/claims/1/card.png").headers["ETag"]
            != client.get(f"/checks/{desk.slug}/claims/2/card.png").headers["ETag"])


def test_the_share_card_is_a_1200_by_630_png_with_the_verdict_colour(app, client, desk):
    response = client.get(f"/checks/{desk.slug}/claims/1/card.png")
    assert response.status_code == 200 and response.mimetype == "image/png"
    image = Image.open(io.BytesIO(response.get_data()))
    assert image.format == "PNG" and image.size == (1200, 630)
    colour = rgb(_label_colour(app, "true"))
    band = image.convert("RGB").crop((0, BAND_TOP, 1200, BAND_TOP + BAND_HEIGHT))
    counts = dict((pixel, n) for n, pixel in band.getcolors(1200 * BAND_HEIGHT))
    assert counts.get(colour, 0) > 0.6 * 1200 * BAND_HEIGHT  # the band is the verdict's colour
    assert len(counts) > 2  # and has text on it


def test_a_dari_claim_is_drawn_shaped(app, client, desk, monkeypatch):
    response = client.get(f"/checks/{desk.dari_slug}/claims/1/card.png",
                          headers={"Accept-Language": "fa-AF"})
    assert response.status_code == 200
    assert Image.open(io.BytesIO(response.get_data())).size == (1200, 630)
    claim = "وزارت اقتصاد اعلام کرد که نرخ بیکاری"
    # Shaping gives the joined letters (Arabic presentation forms), which basic layout needs.
    assert any(0xFB50 <= ord(c) <= 0xFEFF for c in shaped(claim))
    assert not any(0xFB50 <= ord(c) <= 0xFEFF for c in claim)
    card = Card(claim=claim, verdict="حکم: ✔ بیشتر درست", colour="#1a7f37",
                organisation="میز بررسی", kicker="بررسی حقیقت", rtl=True)
    drawn = render_card(card, fonts=FONTS)
    monkeypatch.setattr(cards, "shaped", lambda text: text)  # the letters left unjoined
    assert render_card(card, fonts=FONTS) != drawn


def test_card_text_is_black_or_white_by_the_colour(desk):
    assert cards.text_colour_on(rgb("#f2c94c")) == (0, 0, 0)  # yellow: black text
    assert cards.text_colour_on(rgb("#1a7f37")) == (255, 255, 255)  # dark green: white
    assert rgb("not a colour") == rgb(cards.NO_COLOUR)


def test_a_long_claim_is_cut_at_a_word_with_an_ellipsis():
    font = cards._font(FONTS, True, 34)
    lines = cards.fit("word " * 200, font, 1072, 3)
    assert len(lines) == 3 and lines[-1].endswith("word…")
    assert cards.fit("A short claim.", font, 1072, 3) == ["A short claim."]


# Every letter of Pashto (which has all of Dari's but گ) and the Persian digits.
PASHTO_AND_DARI = "ابپتټثجچځڅحخدډذرړزژږسشښصضطظعغفقکګگلمنڼوهۀيېیۍئ۰۱۲۳۴۵۶۷۸۹"


def _drawn(text: str, font) -> bytes:
    image = Image.new("L", (80, 80))
    ImageDraw.Draw(image).text((10, 10), text, font=font, fill=255)
    return image.tobytes()


def test_every_dari_and_pashto_letter_has_a_glyph_on_the_card():
    face = cards._font(FONTS, True, 40)
    for letter in shaped(PASHTO_AND_DARI):
        [(piece, font)] = face.runs(letter)
        no_glyph = _drawn("\ue000", font)  # a private-use character: the "missing" box
        assert _drawn(piece, font) != no_glyph, f"no glyph for U+{ord(letter):04X}"
