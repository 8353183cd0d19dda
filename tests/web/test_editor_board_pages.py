"""The claim board of a long article, a page of claims at a time (issue 12): every action
comes back to the page it was taken on, links reach the page that lists a claim, counts
and bulk selection cover the whole article, and a page's size does not grow with it."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import event, insert
from sqlmodel import select

from factcheck.engine.splitting import CHECKWORTHY_THRESHOLD
from factcheck.extensions import db
from factcheck.models import Claim, User
from factcheck.queries.board import BOARD_PER_PAGE
from factcheck.states import ClaimKind, ClaimStatus, Role
from factcheck.workflow.articles import create_article

from ..helpers import csrf_token, post_form

SENTENCE = "Claim {k:05d}: the ministry reported {n} new schools in district {d} last year."
PER = BOARD_PER_PAGE
LONG = 2 * PER + 50  # three pages: two full ones and 50 claims


def _sentence(k: int) -> str:
    return SENTENCE.format(k=k, n=k % 97, d=k % 13)


def _article(app, editor: User, n: int) -> tuple[int, list[int]]:
    """An article of `n` one-sentence claims in text order, inserted in one statement;
    every seventh scores 0.9, the others 0.1. Returns its id and its claim ids in order."""
    sentences = [_sentence(k) for k in range(n)]
    body = " ".join(sentences)
    with app.app_context():
        article = create_article(db.session, title=f"Article of {n} claims", body=body,
                                 actor=db.session.get(User, editor.id),
                                 max_bytes=len(body) + 1)
        rows, offset = [], 0
        for k, sentence in enumerate(sentences):
            rows.append({"article_id": article.id, "position": k, "start": offset,
                         "end": offset + len(sentence), "text": sentence,
                         "kind": ClaimKind.FACTUAL, "score": 0.9 if k % 7 == 0 else 0.1,
                         "claimant": None, "features": {}})
            offset += len(sentence) + 1
        db.session.exec(insert(Claim), params=rows)
        db.session.commit()
        ids = db.session.exec(select(Claim.id).where(Claim.article_id == article.id)
                              .order_by(Claim.position)).all()
        return article.id, list(ids)


@pytest.fixture
def editor(login_as) -> User:
    return login_as(Role.EDITOR)


@pytest.fixture
def long_article(app, editor) -> tuple[int, list[int]]:
    return _article(app, editor, LONG)


def _board(client, article_id: int, page: int | str | None = None) -> str:
    response = client.get(f"/editor/articles/{article_id}",
                          query_string={"page": page} if page is not None else None)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def _cards(html: str) -> list[int]:
    return [int(n) for n in re.findall(r'<li id="claim-(\d+)" class="claim-card', html)]


def _marks(html: str) -> dict[int, str]:
    """claim id -> where its highlight in the text links to."""
    return {int(claim): href for href, claim in re.findall(
        r'<a class="claim-mark[^"]*" href="([^"]+)" id="mark-(\d+)"', html)}


def _pager(html: str) -> str:
    return " ".join(re.findall(r'<nav class="pagination".*?</nav>', html, re.S))


def _status(app, claim_id: int) -> ClaimStatus:
    with app.app_context():
        return db.session.get(Claim, claim_id).status


def _version(app, claim_id: int) -> int:
    with app.app_context():
        return db.session.get(Claim, claim_id).version


def test_a_long_board_shows_a_page_of_claims_with_a_pager(client, long_article):
    article_id, ids = long_article
    first = _board(client, article_id)
    assert _cards(first) == ids[:PER]
    pager = _pager(first)
    assert "Page 1 of 3" in pager and f"1 to {PER} of {LONG}" in pager
    assert f'<a rel="next" href="/editor/articles/{article_id}?page=2">' in pager
    assert 'rel="prev"' not in pager
    second = _board(client, article_id, 2)
    assert _cards(second) == ids[PER:2 * PER]
    assert f"<strong>{PER + 1}.</strong>" in second and "<strong>1.</strong>" not in second
    assert f'<a rel="prev" href="/editor/articles/{article_id}?page=1">' in _pager(second)
    last = _board(client, article_id, 3)
    assert _cards(last) == ids[2 * PER:] and 'rel="next"' not in _pager(last)
    assert f"{2 * PER + 1} to {LONG} of {LONG}" in _pager(last)


def test_each_page_shows_the_passage_of_text_that_holds_its_claims(client, long_article):
    article_id, ids = long_article
    second = _board(client, article_id, 2)
    assert _sentence(PER) in second and _sentence(2 * PER - 1) in second
    assert _sentence(PER - 1) not in second and _sentence(2 * PER) not in second
    assert f"The passage holding claims {PER + 1} to {2 * PER}" in second
    # Every highlight is one of the page's own claims and jumps to its card.
    assert _marks(second) == {i: f"#claim-{i}" for i in ids[PER:2 * PER]}
    first = _board(client, article_id)
    assert first.count('class="claim-mark') == PER and _sentence(0) in first


def test_a_normal_board_stays_one_page_without_pager(app, client, editor):
    article_id, ids = _article(app, editor, PER)
    html = _board(client, article_id)
    assert _cards(html) == ids and 'class="pagination"' not in html
    assert "The passage holding" not in html and "on this page" not in html
    assert "Applies to the whole article" not in html
    assert set(_marks(html).values()) == {f"#claim-{i}" for i in ids}
    assert f'action="/editor/articles/{article_id}/assign"' in html  # no page argument


@pytest.mark.parametrize(("asked", "shown"), [
    ("x", 1), ("0", 1), ("-2", 1), ("", 1), ("4", 3), ("99999999999999999999", 3)])
def test_a_malformed_or_out_of_range_page_is_the_first_or_the_last(client, long_article,
                                                                   asked, shown):
    # As every paginated list of the desk: nonsense is page 1, past the end the last page.
    article_id, _ids = long_article
    html = _board(client, article_id, asked)
    assert f"Page {shown} of 3" in _pager(html)


def test_counts_cover_the_whole_article_on_every_page(app, client, long_article):
    article_id, ids = long_article
    with app.app_context():
        for claim_id in (ids[3], ids[PER + 3], ids[-1]):
            db.session.get(Claim, claim_id).status = ClaimStatus.DISMISSED
        db.session.get(Claim, ids[2 * PER + 1]).status = ClaimStatus.SELECTED
        db.session.commit()
    for page in (1, 2, 3):
        html = _board(client, article_id, page)
        assert f'<span class="muted">({LONG})</span>' in html
        assert (f"In the whole article: Candidate {LONG - 4} · Selected 1 · Dismissed 3"
                in html)


def test_an_action_on_page_two_comes_back_to_page_two_at_the_claim(app, client, long_article):
    article_id, ids = long_article
    claim_id = ids[PER + 50]
    html = _board(client, article_id, 2)
    response = client.post(f"/editor/claims/{claim_id}/dismiss", data={
        "csrf_token": csrf_token(html), "version": _version(app, claim_id), "reason": "Old"})
    assert response.status_code == 302
    assert response.location == f"/editor/articles/{article_id}?page=2#claim-{claim_id}"
    assert _status(app, claim_id) == ClaimStatus.DISMISSED
    assert 'class="claim-card status-dismissed"' in _board(client, article_id, 2)
    merged = client.post(f"/editor/claims/{ids[PER + 1]}/merge-next", data={
        "csrf_token": csrf_token(html), "version": 1})
    assert merged.location == f"/editor/articles/{article_id}?page=2#claim-{ids[PER + 1]}"
    # A refused action comes back to the same page, without the anchor so that its
    # message at the top is seen.
    # (ids[PER + 2] was merged into the claim before it.)
    refused = client.post(f"/editor/claims/{ids[PER + 3]}/restore", data={
        "csrf_token": csrf_token(html), "version": _version(app, ids[PER + 3])})
    assert refused.location == f"/editor/articles/{article_id}?page=2"
    assert "cannot become" in client.get(refused.location).get_data(as_text=True)


def test_moving_a_claim_across_pages_follows_it_and_links_between_pages(app, client,
                                                                        long_article):
    article_id, ids = long_article
    first = _board(client, article_id)
    last_of_page_one = ids[PER - 1]
    # The page's last claim is not the article's last: it can move down and merge.
    assert f"Move claim {PER} down" in first
    assert f'Merge with next<span class="visually-hidden"> (claim {PER})' in first
    assert f"Move claim {PER + 1} up" in _board(client, article_id, 2)
    assert "Move claim 1 up" not in first
    assert f"Move claim {LONG} down" not in _board(client, article_id, 3)
    response = client.post(f"/editor/claims/{last_of_page_one}/move/down", data={
        "csrf_token": csrf_token(first), "version": _version(app, last_of_page_one)})
    assert response.location == f"/editor/articles/{article_id}?page=2#claim-{last_of_page_one}"
    second = _board(client, article_id, 2)
    assert _cards(second)[0] == last_of_page_one
    # Its words are still in page 1's passage; the highlight there leads to its page.
    first = _board(client, article_id)
    assert _cards(first)[-1] == ids[PER]
    assert _marks(first)[last_of_page_one] == (
        f"/editor/articles/{article_id}?page=2#claim-{last_of_page_one}")
    assert f'<sup aria-hidden="true">{PER + 1}</sup>{_sentence(PER - 1)}' in first
    assert _marks(first)[ids[PER]] == f"#claim-{ids[PER]}"
    # Page 2 starts its passage at its first claim's words, so it shows both.
    assert _marks(second)[ids[PER]] == f"/editor/articles/{article_id}#claim-{ids[PER]}"


def test_bulk_forms_carry_their_page_and_come_back_to_it(app, client, make_user,
                                                         long_article):
    article_id, ids = long_article
    reviewer = make_user(Role.REVIEWER)
    html = _board(client, article_id, 2)
    for form in ("assign", "select-by-score", "claims"):
        assert f'action="/editor/articles/{article_id}/{form}?page=2"' in html
    assert "Assigns the claims ticked on this page." in html
    token = csrf_token(html)
    with app.app_context():
        db.session.get(Claim, ids[PER + 7]).status = ClaimStatus.SELECTED
        db.session.commit()
    assigned = client.post(f"/editor/articles/{article_id}/assign?page=2", data={
        "csrf_token": token, "reviewer": reviewer.id, "claims": [ids[PER + 7]]})
    # Back on its page, with the same reviewer and ticks for the next assignment.
    assert assigned.location == (f"/editor/articles/{article_id}?page=2&reviewer={reviewer.id}"
                                 f"&claims={ids[PER + 7]}")
    assert _status(app, ids[PER + 7]) == ClaimStatus.IN_REVIEW
    invalid = client.post(f"/editor/articles/{article_id}/select-by-score?page=3", data={
        "csrf_token": token, "min_score": "7"})
    assert invalid.status_code == 422  # shown again on the page it came from
    assert _cards(invalid.get_data(as_text=True)) == ids[2 * PER:]
    # Publishing a draft with nothing decided is refused; the message shows on page 2.
    refused = client.post(f"/editor/articles/{article_id}/publish?page=2",
                          data={"csrf_token": token})
    assert refused.location == f"/editor/articles/{article_id}?page=2#publishing"
    assert "nothing to publish" in client.get(refused.location).get_data(as_text=True)
    added = client.post(f"/editor/articles/{article_id}/claims?page=2", data={
        "csrf_token": token, "quote": _sentence(2 * PER + 10)[:20]})
    with app.app_context():
        new_id = db.session.exec(select(Claim.id).order_by(Claim.id.desc())).first()
    # A new claim is listed at its place in the text: the page holding it, at its card.
    assert added.location == f"/editor/articles/{article_id}?page=3#claim-{new_id}"


def test_selecting_by_score_acts_on_every_page_and_says_so(app, client, long_article):
    article_id, ids = long_article
    worthy = [i for k, i in enumerate(ids) if k % 7 == 0]
    html = _board(client, article_id)
    assert (f"Applies to the whole article: every candidate on all 3 pages, not only the "
            f"claims shown here ({len(worthy)} candidates score at least "
            f"{CHECKWORTHY_THRESHOLD:.2f}).") in html
    response = client.post(f"/editor/articles/{article_id}/select-by-score", data={
        "csrf_token": csrf_token(html), "min_score": "0.5"})
    assert response.location == f"/editor/articles/{article_id}"
    with app.app_context():
        selected = db.session.exec(select(Claim.id).where(
            Claim.article_id == article_id, Claim.status == ClaimStatus.SELECTED)).all()
    assert sorted(selected) == sorted(worthy) and set(selected) & set(ids[2 * PER:])
    follow = client.get(response.location).get_data(as_text=True)
    assert f"{len(worthy)} claims selected in the whole article." in follow


def test_links_to_a_claim_land_on_the_page_that_lists_it(app, client, long_article):
    article_id, ids = long_article
    on_page_three, on_page_one = ids[2 * PER + 20], ids[5]
    response = client.get(f"/editor/claims/{on_page_three}/board")
    assert response.status_code == 302
    assert response.location == f"/editor/articles/{article_id}?page=3#claim-{on_page_three}"
    assert client.get(f"/editor/claims/{on_page_one}/board").location == (
        f"/editor/articles/{article_id}#claim-{on_page_one}")
    assert client.get("/editor/claims/999999/board").status_code == 404
    # The claim's own page links back through it, and saving there lands on page 3.
    claim_page = client.get(f"/editor/claims/{on_page_three}").get_data(as_text=True)
    assert f'href="/editor/claims/{on_page_three}/board"' in claim_page
    saved = post_form(client, f"/editor/claims/{on_page_three}", {
        "text": "Reworded.", "claimant": "", "claim_date": "",
        "version": _version(app, on_page_three)})
    assert saved.location == f"/editor/articles/{article_id}?page=3#claim-{on_page_three}"


def test_a_page_reads_one_page_of_claims_not_the_article(app, client, long_article):
    article_id, _ids = long_article
    loaded = []

    def count(target, _context) -> None:
        loaded.append(target)

    event.listen(Claim, "load", count)
    try:
        _board(client, article_id, 2)
    finally:
        event.remove(Claim, "load", count)
    assert len(loaded) == PER


def test_the_board_of_a_megabyte_article_is_as_big_as_a_one_page_board(app, client, editor):
    # 12,000 claims in about 1 MB of text: all on one board, 44 MB of HTML.
    long_id, ids = _article(app, editor, 12_000)
    normal_id, _ = _article(app, editor, PER)
    normal = len(_board(client, normal_id).encode())
    for page in (1, 30, 60):
        size = len(_board(client, long_id, page).encode())
        # A page of the long board costs what a full one-page board does, give or take the
        # pager and the notes; both stay within a few KB per claim.
        assert size < 1.1 * normal and size < PER * 5_000, (page, size, normal)
    assert len(ids) == 12_000
