"""Where matches appear on the desk: the matching job, the board, the claim pages, the
editor's answers (the same claim, dismiss, cite), open work across articles, access and
blind review."""

from __future__ import annotations

import re
from urllib.parse import unquote

import pytest
from sqlmodel import select

from factcheck.extensions import db
from factcheck.models import (
    Article,
    AuditEvent,
    Claim,
    ClaimMatch,
    Decision,
    Evidence,
    Job,
    RatingLabel,
    User,
)
from factcheck.states import ArticleStatus, ClaimStatus, MatchSource, MatchStatus, Role, Stance
from factcheck.workflow.assignments import declare_conflict, select_and_assign
from factcheck.workflow.claim_matches import KIND, match_claims, stance_for_rating
from factcheck.workflow.claims import edit_claim
from factcheck.workflow.publishing import publish_article, unpublish_article
from factcheck.workflow.settings import set_setting

from ..helpers import (
    add_evidence_form,
    api_token,
    bearer,
    csrf_token,
    import_feed,
    login,
    logout,
    post_form,
    review_form,
    rows,
    run_jobs,
)
from ..infra.test_import_claimreview import review
from .test_feeds import publish_check

JOBLESS = "Unemployment fell to 4.5 percent in October."


@pytest.fixture
def app(make_app):
    """The test app with matching jobs on (the suite's default leaves them off)."""
    return make_app(CLAIM_MATCHING=True)


@pytest.fixture
def editor(make_user) -> User:
    return make_user(Role.EDITOR)


def _import_article(client, title: str, text: str) -> int:
    response = post_form(client, "/editor/articles/new", {"title": title, "text": text})
    assert response.status_code == 302, response.get_data(as_text=True)
    return int(re.search(r"/editor/articles/(\d+)", response.location).group(1))


def _claim(app, article_id: int, starts: str) -> Claim:
    with app.app_context():
        found = [c for c in db.session.exec(select(Claim).where(Claim.article_id == article_id))
                 if c.text.startswith(starts)]
        assert found, f"no claim starting {starts!r}"
        db.session.expunge(found[0])
        return found[0]


def _matches(app, claim_id: int) -> list[ClaimMatch]:
    with app.app_context():
        found = db.session.exec(select(ClaimMatch).where(ClaimMatch.claim_id == claim_id)
                                .order_by(ClaimMatch.score.desc())).all()
        for row in found:
            db.session.expunge(row)
        return list(found)


def _post(client, url: str, data: dict | None = None, page: str = "/editor/"):
    return post_form(client, url, data or {}, page=page)


@pytest.fixture
def archive(app, runner, editor, tmp_path):
    """A published check of the desk (with a near-duplicate that changes the figure) and
    an imported fact-check of another publisher."""
    check = publish_check(app, editor, title="Jobs report", claims=(
        ("In October unemployment dropped to 4.5 percent.", "false", "It rose.", None),
        ("Unemployment fell to 3.5 percent in October.", "true", "Confirmed.", None)))
    import_feed(runner, tmp_path, [review(
        7, claimReviewed="Unemployment fell to 4.5 percent in October, says the minister",
        headline="Did unemployment fall?", author={"@type": "Organization",
                                                   "name": "Other Checks"})])
    return check


def test_matches_are_stored_by_the_job_not_computed_by_the_board(app, client, editor,
                                                                 archive):
    login(client, editor.email)
    article_id = _import_article(client, "New jobs story",
                                 f"{JOBLESS} Heavy rain flooded Kabul streets.")
    claim = _claim(app, article_id, "Unemployment")
    # Nothing is matched while the import request runs: the job is waiting.
    assert _matches(app, claim.id) == []
    assert [j.kind for j in rows(app, Job) if j.kind == KIND] == [KIND]
    board = client.get(f"/editor/articles/{article_id}").get_data(as_text=True)
    assert "Checked before" not in board
    assert "Looking for earlier checks of these claims" in board  # pending, said so

    run_jobs(app)
    found = _matches(app, claim.id)
    assert 1 <= len(found) <= 5
    assert {m.source for m in found} == {MatchSource.OWN, MatchSource.IMPORTED}
    board = client.get(f"/editor/articles/{article_id}").get_data(as_text=True)
    assert "Checked before" in board
    assert "Looking for earlier checks" not in board
    # Wording, verdict, publisher, date, link and a similarity a person can read.
    paraphrase = next(m for m in found if m.text.startswith("In October"))
    assert f"{round(paraphrase.score * 100)}% similar" in board
    assert "In October unemployment dropped to 4.5 percent." in board
    assert f'href="http://localhost/checks/{archive["slug"]}#claim-1"' in board
    assert "Fact-check desk" in board and "Other Checks" in board
    assert 'href="https://checks.example.net/7"' in board
    assert "imported fact-check" in board
    # The unrelated sentence has no match.
    bridge = _claim(app, article_id, "Heavy rain")
    assert _matches(app, bridge.id) == []


def test_a_changed_figure_ranks_below_a_faithful_paraphrase(app, client, editor, archive):
    login(client, editor.email)
    article_id = _import_article(client, "Jobs again", JOBLESS)
    run_jobs(app)
    found = _matches(app, _claim(app, article_id, "Unemployment").id)
    own = [m for m in found if m.source == MatchSource.OWN]
    # The same words with 3.5 instead of 4.5 share more words than the paraphrase, yet
    # come after it.
    assert [m.text for m in own] == ["In October unemployment dropped to 4.5 percent.",
                                     "Unemployment fell to 3.5 percent in October."]
    assert own[0].score > own[1].score
    board = client.get(f"/editor/articles/{article_id}").get_data(as_text=True)
    assert board.index("dropped to 4.5 percent") < board.index("fell to 3.5 percent")


def test_same_claim_cite_and_dismiss_are_recorded_and_audited(app, client, editor, archive,
                                                              make_user):
    reviewer = make_user(Role.REVIEWER)
    login(client, editor.email)
    article_id = _import_article(client, "Jobs", JOBLESS)
    run_jobs(app)
    claim = _claim(app, article_id, "Unemployment")
    with app.app_context():
        select_and_assign(db.session, claims=[db.session.get(Claim, claim.id)],
                          reviewers=[db.session.get(User, reviewer.id)], due_on=None,
                          actor=db.session.get(User, editor.id))
        db.session.commit()
    found = _matches(app, claim.id)
    own = next(m for m in found if m.text.startswith("In October"))
    imported = next(m for m in found if m.source == MatchSource.IMPORTED)
    board_url = f"/editor/articles/{article_id}"
    base = f"/editor/claims/{claim.id}/matches"

    # Citing before marking it the same claim is refused; nothing is written.
    _post(client, f"{base}/{own.id}/cite", {"stance": "refutes", "note": "x"}, board_url)
    assert rows(app, Evidence, claim_id=claim.id) == []

    response = _post(client, f"{base}/{own.id}/same", page=board_url)
    assert response.status_code == 302
    [marked] = [m for m in _matches(app, claim.id) if m.id == own.id]
    assert marked.status == MatchStatus.SAME and marked.decided_by_id == editor.id
    board = client.get(board_url).get_data(as_text=True)
    # The cite form offers the stance read from the verdict ("False": refutes).
    assert re.search(r'<option value="refutes" selected>', board)
    assert f'id="note-{own.id}"' in board

    response = _post(client, f"{base}/{own.id}/cite",
                     {"stance": "refutes", "note": "Checked in March: false."}, board_url)
    assert response.status_code == 302
    [evidence] = rows(app, Evidence, claim_id=claim.id)
    assert evidence.url == f"http://localhost/checks/{archive['slug']}#claim-1"
    assert evidence.stance == Stance.REFUTES and evidence.note == "Checked in March: false."
    assert evidence.title == own.text and evidence.publisher == "Fact-check desk"
    assert [m.evidence_id for m in _matches(app, claim.id) if m.id == own.id] == [evidence.id]
    # Cited once only.
    _post(client, f"{base}/{own.id}/cite", {"stance": "refutes", "note": "again"}, board_url)
    assert len(rows(app, Evidence, claim_id=claim.id)) == 1

    response = _post(client, f"{base}/{imported.id}/dismiss", page=board_url)
    assert response.status_code == 302
    board = client.get(board_url).get_data(as_text=True)
    assert "https://checks.example.net/7" not in board
    actions = [e.action for e in rows(app, AuditEvent) if e.action.startswith("claim.match")]
    assert actions == ["claim.match_same", "claim.match_cite", "claim.match_dismiss"]

    # Rewording the claim matches it again; the dismissed suggestion does not come back
    # and the decision on the other one stays.
    page = client.get(f"/editor/claims/{claim.id}").get_data(as_text=True)
    version = re.search(r'name="version"[^>]*value="(\d+)"', page).group(1)
    response = client.post(f"/editor/claims/{claim.id}", data={
        "csrf_token": csrf_token(page), "text": "Unemployment fell to 4.5 percent in "
        "October, the minister says.", "version": version})
    assert response.status_code == 302, response.get_data(as_text=True)
    assert run_jobs(app) >= 1
    again = {m.id: m for m in _matches(app, claim.id)}
    assert again[imported.id].status == MatchStatus.DISMISSED
    assert again[own.id].status == MatchStatus.SAME
    assert "https://checks.example.net/7" not in client.get(board_url).get_data(as_text=True)

    # The reviewer sees the earlier check as cited evidence, and the match, without the
    # editor's buttons.
    logout(client)
    login(client, reviewer.email)
    workspace = client.get(f"/review/claims/{claim.id}").get_data(as_text=True)
    assert "Checked before" in workspace and "Checked in March: false." in workspace
    assert f"/checks/{archive['slug']}#claim-1" in workspace
    assert f"{base}/{own.id}/" not in workspace


def _decide_false_and_publish(app, editor: User, claim_id: int) -> str:
    """Decide the claim "false" (no reviews needed here) and publish its article; its slug."""
    with app.app_context():
        s = db.session
        label = s.exec(select(RatingLabel).where(RatingLabel.key == "false")).first()
        claim = s.get(Claim, claim_id)
        claim.status = ClaimStatus.DECIDED
        s.add(Decision(claim_id=claim_id, editor_id=editor.id, rating_id=label.id,
                       summary="It rose."))
        s.flush()
        article = s.get(Article, claim.article_id)
        publish_article(s, article=article, editor=s.get(User, editor.id), include_open=False)
        s.commit()
        return article.slug


def _also_checked(app, slug: str) -> str:
    """The "also checked" list of a verdict page, as an anonymous reader gets it (cached)."""
    page = app.test_client().get(f"/checks/{slug}").text
    if "Also checked by us:" not in page:
        return ""
    also = page[page.index("Also checked by us:"):]
    return also[:also.index("</ul>")]


def test_a_corrected_check_shows_its_verdict_now_and_a_withdrawn_one_cannot_be_cited(
        app, client, runner, editor, archive):
    """Matches are stored when matched; what they show of the desk's own check is read when
    shown, so a correction reaches the board, the offered stance and readers' verdict
    pages (cached ones too), and a renumbered check is still found by its wording."""
    login(client, editor.email)
    article_id = _import_article(client, "Jobs again", JOBLESS)
    run_jobs(app)
    claim = _claim(app, article_id, "Unemployment")
    own = next(m for m in _matches(app, claim.id) if m.text.startswith("In October"))
    board_url = f"/editor/articles/{article_id}"
    base = f"/editor/claims/{claim.id}/matches"
    assert _post(client, f"{base}/{own.id}/same", page=board_url).status_code == 302
    assert re.search(r'<option value="refutes" selected>', client.get(board_url).text)
    # Published, the new check links the earlier one for readers.
    slug = _decide_false_and_publish(app, editor, claim.id)
    link = f'/checks/{archive["slug"]}#claim-1" dir="auto">In October unemployment dropped ' \
           'to 4.5 percent.</a> <span class="muted" dir="auto">'
    assert f"{link}(False)</span>" in _also_checked(app, slug)

    with app.app_context():  # the archive's check was decided without reviews
        set_setting(db.session, key="reviews_required", value=0, actor=None)
        db.session.commit()
    corrected = client.post(f"/api/v1/claims/{archive['claims'][0]}/decision",
                            headers=bearer(api_token(runner, editor.email)),
                            json={"rating": "half-true", "summary": "Partly.", "version": 1,
                                  "correction_note": "The rate was rounded."})
    assert corrected.status_code == 201, corrected.json
    board = client.get(board_url).text
    assert "Half true" in board
    assert re.search(r'<option value="context" selected>', board)  # was "refutes"
    with app.app_context():  # the page read it; nothing was written by reading
        assert db.session.get(ClaimMatch, own.id).rating == "False"
    assert f"{link}(Half true)</span>" in _also_checked(app, slug)  # not the cached page

    # The earlier check's first claim is taken out and the check republished: the other
    # claim is now #1. The match still names its own claim, never its old number's.
    near = next(m for m in _matches(app, claim.id)
                if m.source == MatchSource.OWN and m.text.startswith("Unemployment fell"))
    with app.app_context():
        s = db.session
        s.get(Claim, archive["claims"][0]).status = ClaimStatus.DISMISSED
        publish_article(s, article=s.get(Article, archive["article_id"]),
                        editor=s.get(User, editor.id), include_open=False)
        s.commit()
    board = client.get(board_url).text
    assert "In October unemployment dropped" not in board
    assert f'href="http://localhost/checks/{archive["slug"]}#claim-1"' in board  # its number
    assert f"{base}/{near.id}/same" in board
    also = _also_checked(app, slug)
    assert "In October unemployment dropped" not in also
    assert f'/checks/{archive["slug"]}#claim-1" dir="auto">Unemployment fell to 3.5' in also
    assert _post(client, f"{base}/{own.id}/cite", {"stance": "context", "note": "x"},
                 board_url).status_code == 404
    # Dismissed by the editor, it leaves readers' (cached) page too; then comes back.
    assert _post(client, f"{base}/{near.id}/dismiss", page=board_url).status_code == 302
    assert "Unemployment fell to 3.5" not in _also_checked(app, slug)
    with app.app_context():
        db.session.get(ClaimMatch, near.id).status = MatchStatus.SUGGESTED
        db.session.commit()
    assert "Unemployment fell to 3.5" in _also_checked(app, slug)

    # Withdrawn, the check is neither shown nor citable (the forms answer 404).
    with app.app_context():
        s = db.session
        unpublish_article(s, article=s.get(Article, archive["article_id"]),
                          editor=s.get(User, editor.id))
        s.commit()
    assert "Unemployment fell to 3.5" not in client.get(board_url).text
    assert _also_checked(app, slug) == ""
    assert _post(client, f"{base}/{near.id}/same", page=board_url).status_code == 404
    assert _post(client, f"{base}/{near.id}/dismiss", page=board_url).status_code == 404
    assert rows(app, Evidence, claim_id=claim.id) == []


def test_a_reworded_check_stays_matched_and_a_dismissed_one_stays_dismissed(
        app, client, editor, archive):
    """A match names the published claim, not its wording or number: a correction of the
    wording shows the new words; a dismissed check renumbered and matched again under its
    new number stays dismissed."""
    login(client, editor.email)
    article_id = _import_article(client, "Jobs again", JOBLESS)
    run_jobs(app)
    claim = _claim(app, article_id, "Unemployment")
    board_url = f"/editor/articles/{article_id}"
    near = next(m for m in _matches(app, claim.id)
                if m.source == MatchSource.OWN and m.text.startswith("Unemployment fell"))
    assert _post(client, f"/editor/claims/{claim.id}/matches/{near.id}/dismiss",
                 page=board_url).status_code == 302
    first = archive["claims"][0]
    with app.app_context():
        s = db.session
        found = s.get(Claim, first)
        edit_claim(s, claim=found, expected_version=found.version,
                   text="In October the jobless rate dropped to 4.5 percent.",
                   claimant=None, claim_date=None, actor=s.get(User, editor.id),
                   correction_note="Worded as the ministry did.")
        s.commit()
    run_jobs(app)
    board = client.get(board_url).text
    assert "In October the jobless rate dropped to 4.5 percent." in board
    assert "In October unemployment dropped" not in board
    assert "Unemployment fell to 3.5 percent in October." not in board  # dismissed

    with app.app_context():  # the first claim taken out: the dismissed check is now #1
        s = db.session
        s.get(Claim, first).status = ClaimStatus.DISMISSED
        publish_article(s, article=s.get(Article, archive["article_id"]),
                        editor=s.get(User, editor.id), include_open=False)
        match_claims(s, [s.get(Claim, claim.id)])
        s.commit()
    assert {m.key for m in _matches(app, claim.id) if m.source == MatchSource.OWN} >= {
        f"own:{archive['article_id']}:1", f"own:{archive['article_id']}:2"}
    assert "Unemployment fell to 3.5 percent in October." not in client.get(board_url).text


def test_only_editors_answer_matches_and_only_for_their_claim(app, client, editor, archive,
                                                             make_user):
    login(client, editor.email)
    first = _import_article(client, "Jobs", JOBLESS)
    second = _import_article(client, "Bridge", "The mayor opened a new bridge on Sunday. "
                                                "Unemployment fell to 3.5 percent in October.")
    run_jobs(app)
    claim = _claim(app, first, "Unemployment")
    other = _claim(app, second, "Unemployment")
    match = _matches(app, claim.id)[0]
    # Another claim's id in the address: 404, nothing changes.
    response = _post(client, f"/editor/claims/{other.id}/matches/{match.id}/same")
    assert response.status_code == 404
    response = _post(client, f"/editor/claims/{claim.id}/matches/999999/same")
    assert response.status_code == 404
    # Without the CSRF token: refused.
    response = client.post(f"/editor/claims/{claim.id}/matches/{match.id}/same")
    assert response.status_code == 400
    assert _matches(app, claim.id)[0].status == MatchStatus.SUGGESTED

    reviewer = make_user(Role.REVIEWER)
    logout(client)
    login(client, reviewer.email)
    response = _post(client, f"/editor/claims/{claim.id}/matches/{match.id}/same",
                     page="/review/")
    assert response.status_code == 403
    # Not assigned to the claim: the workspace (and its matches) stay closed.
    assert client.get(f"/review/claims/{claim.id}").status_code == 403
    assert _matches(app, claim.id)[0].status == MatchStatus.SUGGESTED
    assert not [e for e in rows(app, AuditEvent) if e.action.startswith("claim.match")]


def test_open_articles_holding_the_same_claim_link_each_other(app, client, editor):
    login(client, editor.email)
    first = _import_article(client, "Morning story",
                            "The new hospital in Herat will open with 300 beds next spring.")
    run_jobs(app)
    second = _import_article(client, "Evening story",
                             "The mayor spoke on Sunday. The new hospital in Herat will open "
                             "with 300 beds next spring, officials said.")
    run_jobs(app)
    one, two = _claim(app, first, "The new hospital"), _claim(app, second, "The new hospital")
    [there] = [m for m in _matches(app, two.id) if m.source == MatchSource.OPEN]
    [back] = [m for m in _matches(app, one.id) if m.source == MatchSource.OPEN]
    assert (there.matched_claim_id, back.matched_claim_id) == (one.id, two.id)
    board = client.get(f"/editor/articles/{second}").get_data(as_text=True)
    assert "Also in another open article" in board
    assert f'href="/editor/claims/{one.id}/board"' in board
    board = client.get(f"/editor/articles/{first}").get_data(as_text=True)
    assert f'href="/editor/claims/{two.id}/board"' in board
    # Open work is not an earlier check: it cannot be "the same claim" to cite.
    _post(client, f"/editor/claims/{one.id}/matches/{back.id}/same",
          page=f"/editor/articles/{first}")
    assert [m.status for m in _matches(app, one.id) if m.id == back.id] == [
        MatchStatus.SUGGESTED]
    # Once the other article is no longer open work, the link goes.
    with app.app_context():
        db.session.get(Article, first).status = ArticleStatus.ARCHIVED
        db.session.commit()
    board = client.get(f"/editor/articles/{second}").get_data(as_text=True)
    assert "Also in another open article" not in board
    # A different figure is not the same claim.
    third = _import_article(client, "Other figure",
                            "The new hospital in Herat will open with 150 beds next spring.")
    run_jobs(app)
    assert not [m for m in _matches(app, _claim(app, third, "The new hospital").id)
                if m.source == MatchSource.OPEN and m.matched_claim_id == two.id]


def test_blind_review_matches_never_show_a_colleagues_verdict(app, client, editor, make_user):
    """Reviewers see only published verdicts through matches, never those of the current
    article's or another open article's reviewers, nor the open-work links."""
    first_reviewer, second_reviewer = make_user(Role.REVIEWER), make_user(Role.REVIEWER)
    login(client, editor.email)
    text = "The dam on the river produced 40 megawatts of power last year."
    first = _import_article(client, "Dam", text)
    second = _import_article(client, "Dam again", text)
    run_jobs(app)
    claims = [_claim(app, first, "The dam"), _claim(app, second, "The dam")]
    with app.app_context():
        select_and_assign(db.session, claims=[db.session.get(Claim, c.id) for c in claims],
                          reviewers=[db.session.get(User, first_reviewer.id),
                                     db.session.get(User, second_reviewer.id)],
                          due_on=None, actor=db.session.get(User, editor.id))
        db.session.commit()
    logout(client)
    login(client, first_reviewer.email)
    for claim in claims:
        assert add_evidence_form(client, claim.id).status_code == 302
        assert review_form(client, claim.id, rating="false",
                           rationale="Colleague's secret rationale").status_code == 302
    run_jobs(app)
    logout(client)
    login(client, second_reviewer.email)
    for claim in claims:
        page = client.get(f"/review/claims/{claim.id}").get_data(as_text=True)
        assert "Colleague&#39;s secret rationale" not in page
        assert "Checked before" not in page and "Also in another open article" not in page
    # Published and then withdrawn: the earlier check is no longer shown.
    logout(client)
    login(client, editor.email)
    check = publish_check(app, editor, title="Dam check", claims=(
        ("The dam produced 40 megawatts of power last year.", "false", "It made 12.", None),))
    third = _import_article(client, "Dam third", text)
    run_jobs(app)
    target = _claim(app, third, "The dam")
    assert "Checked before" in client.get(f"/editor/articles/{third}").get_data(as_text=True)
    with app.app_context():
        article = db.session.exec(select(Article).where(Article.slug == check["slug"])).one()
        unpublish_article(db.session, article=article, editor=db.session.get(User, editor.id))
        db.session.commit()
    board = client.get(f"/editor/articles/{third}").get_data(as_text=True)
    assert "Checked before" not in board
    assert [m.source for m in _matches(app, target.id)
            if m.source == MatchSource.OWN] == [MatchSource.OWN]  # kept, not shown


def test_open_work_is_not_shown_on_a_claim_to_the_editor_reviewing_it(app, client, editor,
                                                                      make_user):
    """The link to the same claim in another open article leads to its reviewers' verdicts,
    which an editor may read: it is not offered to an editor who reviews the claim."""
    reviewing_editor = make_user(Role.EDITOR)
    login(client, editor.email)
    text = "The minister said wages rose by 4 percent last year."
    first = _import_article(client, "Wages", text)
    second = _import_article(client, "Wages again", text)
    run_jobs(app)
    mine, twin = _claim(app, first, "The minister"), _claim(app, second, "The minister")
    with app.app_context():
        s = db.session
        select_and_assign(s, claims=[s.get(Claim, mine.id)],
                          reviewers=[s.get(User, reviewing_editor.id)], due_on=None,
                          actor=s.get(User, editor.id))
        s.commit()
    pages = (f"/editor/articles/{first}", f"/editor/claims/{mine.id}")
    link = f'href="/editor/claims/{twin.id}/board"'
    for url in pages:
        assert link in client.get(url).text  # the editor who reviews neither claim
    logout(client)
    login(client, reviewing_editor.email)
    for url in pages:
        page = client.get(url).text
        assert link not in page and "Also in another open article" not in page
    assert f'href="/editor/claims/{mine.id}/board"' in client.get(
        f"/editor/articles/{second}").text  # the other claim, which they do not review


def test_no_matching_job_when_matching_is_off(make_app, make_user):
    quiet = make_app(CLAIM_MATCHING=False)
    editor = make_user(Role.EDITOR)
    client = quiet.test_client()
    login(client, editor.email)
    _import_article(client, "Quiet", JOBLESS)
    assert [j for j in rows(quiet, Job) if j.kind == KIND] == []


@pytest.mark.parametrize(("rating", "stance"), [
    ("False", Stance.REFUTES), ("Mostly false", Stance.REFUTES), ("Untrue", Stance.REFUTES),
    ("True", Stance.SUPPORTS), ("Mostly true", Stance.SUPPORTS), ("Half true", Stance.CONTEXT),
    ("Unverifiable", Stance.CONTEXT), ("نادرست", Stance.REFUTES), ("درست", Stance.SUPPORTS)])
def test_the_offered_stance_follows_the_verdict(rating, stance):
    assert stance_for_rating(rating) == stance


def test_verdict_page_links_the_desks_own_close_checks(app, client, editor, archive):
    login(client, editor.email)
    article_id = _import_article(client, "Jobs, published", JOBLESS)
    run_jobs(app)
    claim = _claim(app, article_id, "Unemployment")
    found = _matches(app, claim.id)
    near = next(m for m in found if m.text.startswith("Unemployment fell to 3.5"))
    # The editor dismisses the near-duplicate with another figure: readers never see it.
    _post(client, f"/editor/claims/{claim.id}/matches/{near.id}/dismiss",
          page=f"/editor/articles/{article_id}")
    slug = _decide_false_and_publish(app, editor, claim.id)
    logout(client)
    page = client.get(f"/checks/{slug}").get_data(as_text=True)
    assert "Also checked by us:" in page
    assert f'href="/checks/{archive["slug"]}#claim-1"' in page
    assert "In October unemployment dropped to 4.5 percent." in page
    assert f'href="/checks/{archive["slug"]}#claim-2"' not in page  # dismissed
    assert "checks.example.net" not in page  # imported checks are never ours


def test_search_finds_similar_published_claims_for_a_readers_sentence(client, archive):
    response = client.get("/search", query_string={
        "q": "Joblessness dropped to 4.5 percent in October", "mode": "similar"})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Published claims most like your sentence" in page
    first = page.index(f'href="/checks/{archive["slug"]}#claim-1"')
    second = page.index(f'href="/checks/{archive["slug"]}#claim-2"')
    assert first < second  # the other figure comes after the faithful wording
    assert re.search(r"\d+% similar", page)
    assert "checks.example.net" not in page and "Other Checks" not in page
    # Without a sentence: said so, no results.
    empty = client.get("/search", query_string={"q": " ", "mode": "similar"})
    assert "Type a sentence to find the claims most like it." in empty.get_data(as_text=True)
    unknown = client.get("/search", query_string={"q": "x", "mode": "nonsense"})
    assert unknown.status_code == 200
    assert "Published claims most like" not in unknown.get_data(as_text=True)


def test_a_pasted_post_is_compared_whole_while_words_to_find_stay_short(client, archive):
    post = ("BREAKING: joblessness dropped to 4.5 percent in October!!! Share before they "
            "delete it https://t.co/abcdefghij #jobs #economy #truth " + "pic.twitter.com/x "
            + "— Concerned Citizen (@citizen_1234) October 3, 2026 " * 3)
    assert 280 < len(post) <= 1000
    page = client.get("/search", query_string={"q": post, "mode": "similar"}).text
    assert "cannot be longer" not in page
    assert f'href="/checks/{archive["slug"]}#claim-1"' in page
    words = client.get("/search", query_string={"q": post}).text
    assert ("Words to find cannot be longer than 200 characters; to compare a longer "
            "sentence, choose similar claims.") in words
    too_long = client.get("/search", query_string={"q": "x" * 1001, "mode": "similar"}).text
    assert "Published claims most like" not in too_long and "1000" in too_long
    words = client.get("/search", query_string={"q": "x" * 1001}).text
    assert "1000" in words and "than 200 characters" not in words  # one message, not two


def test_a_dari_sentence_finds_its_dari_paraphrase(app, client, editor):
    dari = publish_check(app, editor, title="بیکاری", claims=(
        ("نرخ بیکاری در کابل در ماه اکتبر کاهش یافت.", "false", "افزایش یافت.", None),
        ("شهرداری کابل پل تازه‌ای افتتاح کرد.", "true", "درست است.", None)))
    page = client.get("/search", query_string={
        "q": "در ماه اکتبر نرخ بیکاری در کابل کاهش پیدا کرد", "mode": "similar"}
    ).get_data(as_text=True)
    page = unquote(page)  # the Dari slug is percent-encoded in the links
    assert f'href="/checks/{dari["slug"]}#claim-1"' in page
    assert f'href="/checks/{dari["slug"]}#claim-2"' not in page


def test_a_claim_added_by_hand_is_matched_too(app, client, editor, archive):
    login(client, editor.email)
    article_id = _import_article(client, "Added", "Heavy rain flooded Kabul streets, and "
                                 "unemployment fell to 4.5 percent in October.")
    run_jobs(app)
    response = post_form(client, f"/editor/articles/{article_id}/claims",
                         {"quote": "unemployment fell to 4.5 percent in October",
                          "occurrence": "1"}, page=f"/editor/articles/{article_id}")
    assert response.status_code == 302, response.get_data(as_text=True)
    with app.app_context():  # the claim added by hand, not the sentence's sub-claim
        added = db.session.exec(select(Claim).where(
            Claim.article_id == article_id, Claim.parent_id.is_(None),
            Claim.text.startswith("unemployment fell"))).one()
        db.session.expunge(added)
    assert _matches(app, added.id) == []
    assert run_jobs(app) == 1
    own = [m.text for m in _matches(app, added.id) if m.source == MatchSource.OWN]
    assert own[0] == "In October unemployment dropped to 4.5 percent."


def test_the_editors_claim_page_shows_the_matches_and_its_forms_come_back_to_it(
        app, client, editor, archive):
    login(client, editor.email)
    article_id = _import_article(client, "Claim page", JOBLESS)
    run_jobs(app)
    claim = _claim(app, article_id, "Unemployment")
    page = client.get(f"/editor/claims/{claim.id}").get_data(as_text=True)
    assert 'id="matches"' in page and "Checked before" in page
    match = _matches(app, claim.id)[0]
    action = f"/editor/claims/{claim.id}/matches/{match.id}/same?from=claim"
    assert f'action="{action}"' in page
    response = client.post(action, data={"csrf_token": csrf_token(page)})
    assert response.status_code == 302
    assert response.location.endswith(f"/editor/claims/{claim.id}#matches")
    page = client.get(f"/editor/claims/{claim.id}").get_data(as_text=True)
    assert "Marked as the same claim" in page and f'id="stance-{match.id}"' in page


def test_open_work_said_not_the_same_is_not_shown_again(app, client, editor):
    login(client, editor.email)
    text = "The new hospital in Herat will open with 300 beds next spring."
    first = _import_article(client, "Morning", text)
    second = _import_article(client, "Evening", text)
    run_jobs(app)
    two = _claim(app, second, "The new hospital")
    [there] = [m for m in _matches(app, two.id) if m.source == MatchSource.OPEN]
    board_url = f"/editor/articles/{second}"
    _post(client, f"/editor/claims/{two.id}/matches/{there.id}/dismiss", page=board_url)
    assert "Also in another open article" not in client.get(board_url).get_data(as_text=True)
    # Matching the first article again does not bring it back.
    one = _claim(app, first, "The new hospital")
    with app.app_context():
        from factcheck.workflow.claim_matches import match_claims
        match_claims(db.session, [db.session.get(Claim, one.id)])
        db.session.commit()
    assert "Also in another open article" not in client.get(board_url).get_data(as_text=True)


def test_an_editor_recused_from_the_claim_cannot_answer_its_matches(app, client, editor,
                                                                   archive):
    login(client, editor.email)
    article_id = _import_article(client, "Recused", JOBLESS)
    run_jobs(app)
    claim = _claim(app, article_id, "Unemployment")
    match = _matches(app, claim.id)[0]
    with app.app_context():
        declare_conflict(db.session, reviewer=db.session.get(User, editor.id),
                         claim=db.session.get(Claim, claim.id), whole_article=True,
                         reason="I wrote the story.")
        db.session.commit()
    _post(client, f"/editor/claims/{claim.id}/matches/{match.id}/same")
    assert _matches(app, claim.id)[0].status == MatchStatus.SUGGESTED
