"""The editor's claim board: triage actions through forms, optimistic locking, revisions."""

from __future__ import annotations

import pytest
from sqlmodel import select

from factcheck.extensions import db
from factcheck.models import Article, ArticleRevision, Assignment, AuditEvent, Claim
from factcheck.states import ClaimStatus, Role
from factcheck.workflow.articles import import_article

from ..helpers import csrf_token, post_form

TEXT = (
    "The city council approved a budget of $4.2 million on Tuesday. "
    "Unemployment fell to 3.5 percent in October, the lowest rate since 2019.\n"
    "The mayor said that violent crime has dropped by 12 percent since January. "
    "Residents should welcome the change."
)


@pytest.fixture
def article_id(app, login_as) -> int:
    editor = login_as(Role.EDITOR)
    with app.app_context():
        article = import_article(db.session, title="Council budget", body=TEXT,
                                 actor=db.session.get(type(editor), editor.id))
        db.session.commit()
        return article.id


def _claims(app, article_id: int) -> list[Claim]:
    with app.app_context():
        claims = db.session.exec(select(Claim).where(Claim.article_id == article_id)
                                 .order_by(Claim.position)).all()
        for claim in claims:
            db.session.expunge(claim)
        return list(claims)


def _board(client, article_id: int) -> str:
    return client.get(f"/editor/articles/{article_id}").get_data(as_text=True)


def _press(client, article_id: int, url: str, **data):
    """Press a button on the board (its form carries the CSRF token and the version)."""
    token = csrf_token(_board(client, article_id))
    return client.post(url, data={"csrf_token": token, **data})


def test_board_highlights_every_claim_in_place_and_lists_them(app, client, article_id):
    claims = _claims(app, article_id)
    assert [c.text for c in claims] == [
        "The city council approved a budget of $4.2 million on Tuesday.",
        "Unemployment fell to 3.5 percent in October, the lowest rate since 2019.",
        "The mayor said that violent crime has dropped by 12 percent since January.",
        "Residents should welcome the change.",
    ]
    html = _board(client, article_id)
    for claim in claims:
        assert f'id="mark-{claim.id}"' in html and f'id="claim-{claim.id}"' in html
        assert f'href="#claim-{claim.id}"' in html
    mayor = claims[2]
    assert (mayor.kind, mayor.claimant) == ("attributed", "The mayor")
    assert claims[3].kind == "opinion"
    assert "Why this score" in html


def test_select_dismiss_with_reason_and_undo(app, client, article_id):
    first = _claims(app, article_id)[0]
    url = f"/editor/claims/{first.id}"
    assert _press(client, article_id, f"{url}/select", version=first.version).status_code == 302
    claim = _claims(app, article_id)[0]
    assert claim.status == ClaimStatus.SELECTED and claim.version == first.version + 1
    _press(client, article_id, f"{url}/dismiss", version=claim.version, reason="Not news")
    claim = _claims(app, article_id)[0]
    assert (claim.status, claim.dismissal_reason) == (ClaimStatus.DISMISSED, "Not news")
    assert "Dismissed because: Not news" in _board(client, article_id)
    _press(client, article_id, f"{url}/restore", version=claim.version)
    claim = _claims(app, article_id)[0]
    assert (claim.status, claim.dismissal_reason) == (ClaimStatus.CANDIDATE, "")
    with app.app_context():
        events = db.session.exec(select(AuditEvent).where(AuditEvent.action == "claim.status")
                                 ).all()
        assert [(e.details["before"], e.details["after"]) for e in events] == [
            ("candidate", "selected"), ("selected", "dismissed"), ("dismissed", "candidate")]


def test_a_transition_the_table_forbids_is_refused_with_a_message(app, client, article_id):
    first = _claims(app, article_id)[0]
    response = _press(client, article_id, f"/editor/claims/{first.id}/restore",
                      version=first.version)
    assert response.status_code == 302
    assert "cannot become" in client.get(response.headers["Location"]).get_data(as_text=True)
    assert _claims(app, article_id)[0].status == ClaimStatus.CANDIDATE


def test_stale_button_gets_a_409_page_and_changes_nothing(app, client, article_id):
    first = _claims(app, article_id)[0]
    _press(client, article_id, f"/editor/claims/{first.id}/select", version=first.version)
    response = _press(client, article_id, f"/editor/claims/{first.id}/dismiss",
                      version=first.version, reason="late")
    assert response.status_code == 409
    assert "changed while you were working" in response.get_data(as_text=True)
    assert _claims(app, article_id)[0].status == ClaimStatus.SELECTED


def test_reword_claim_and_set_claimant_and_date_keeps_the_span(app, client, article_id):
    claim = _claims(app, article_id)[1]
    url = f"/editor/claims/{claim.id}"
    response = post_form(client, url, {
        "text": "Unemployment fell to 3.5% in October 2026.", "claimant": "City statistics office",
        "claim_date": "2026-11-02", "version": claim.version})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"#claim-{claim.id}")
    saved = _claims(app, article_id)[1]
    assert saved.text == "Unemployment fell to 3.5% in October 2026."
    assert saved.claimant == "City statistics office"
    assert saved.claim_date.isoformat() == "2026-11-02"
    assert (saved.start, saved.end) == (claim.start, claim.end)


def test_conflicting_edit_gets_409_with_both_versions_and_my_text_kept(app, client, article_id):
    claim = _claims(app, article_id)[1]
    url = f"/editor/claims/{claim.id}"
    token = csrf_token(client.get(url).get_data(as_text=True))
    first = client.post(url, data={"csrf_token": token, "text": "Colleague's wording.",
                                   "claimant": "", "claim_date": "", "version": claim.version})
    assert first.status_code == 302
    mine = client.post(url, data={"csrf_token": token, "text": "My own careful wording.",
                                  "claimant": "", "claim_date": "", "version": claim.version})
    html = mine.get_data(as_text=True)
    assert mine.status_code == 409
    assert "Colleague&#39;s wording." in html and "My own careful wording." in html
    assert _claims(app, article_id)[1].text == "Colleague's wording."
    # Saving again from the conflict page (it carries the new version) succeeds.
    again = post_form(client, url, {"text": "My own careful wording.", "claimant": "",
                                    "claim_date": "", "version": claim.version + 1}, page=url)
    assert again.status_code == 302
    assert _claims(app, article_id)[1].text == "My own careful wording."


def test_empty_claim_text_is_refused(app, client, article_id):
    claim = _claims(app, article_id)[0]
    response = post_form(client, f"/editor/claims/{claim.id}", {
        "text": "   ", "version": claim.version})
    assert response.status_code == 422
    assert _claims(app, article_id)[0].text == claim.text


def test_split_a_claim_in_two(app, client, article_id):
    claim = _claims(app, article_id)[1]
    response = post_form(client, f"/editor/claims/{claim.id}/split", {
        "before": "the lowest rate", "version": claim.version}, page=f"/editor/claims/{claim.id}")
    assert response.status_code == 302
    claims = _claims(app, article_id)
    assert len(claims) == 5
    assert claims[1].text == "Unemployment fell to 3.5 percent in October,"
    assert claims[2].text == "the lowest rate since 2019."
    with app.app_context():
        body = db.session.get(Article, article_id).body
    for c in claims:
        assert body[c.start:c.end] == c.text


def test_split_needs_words_from_inside_the_claim(app, client, article_id):
    claim = _claims(app, article_id)[1]
    response = post_form(client, f"/editor/claims/{claim.id}/split", {
        "before": "not in the claim", "version": claim.version},
        page=f"/editor/claims/{claim.id}")
    assert response.status_code == 422
    assert "occur inside the claim" in response.get_data(as_text=True)
    assert len(_claims(app, article_id)) == 4


def test_merge_adjacent_claims(app, client, article_id):
    first = _claims(app, article_id)[0]
    _press(client, article_id, f"/editor/claims/{first.id}/merge-next", version=first.version)
    claims = _claims(app, article_id)
    assert len(claims) == 3
    assert claims[0].text.startswith("The city council") and claims[0].text.endswith("2019.")
    assert [c.position for c in claims] == [0, 1, 2]


def test_claims_with_assignments_cannot_be_merged(app, client, article_id, make_user):
    first = _claims(app, article_id)[0]
    reviewer = make_user(Role.REVIEWER)
    with app.app_context():
        db.session.add(Assignment(claim_id=first.id, reviewer_id=reviewer.id))
        db.session.commit()
    response = _press(client, article_id, f"/editor/claims/{first.id}/merge-next",
                      version=first.version)
    assert "cannot be merged" in client.get(response.headers["Location"]).get_data(as_text=True)
    assert len(_claims(app, article_id)) == 4


def test_add_a_claim_from_a_passage(app, client, article_id):
    response = post_form(client, f"/editor/articles/{article_id}/claims", {
        "quote": "violent crime has dropped by 12 percent", "occurrence": "1"},
        page=f"/editor/articles/{article_id}")
    assert response.status_code == 302
    claims = _claims(app, article_id)
    added = [c for c in claims if c.text == "violent crime has dropped by 12 percent"]
    assert len(added) == 1 and added[0].status == ClaimStatus.SELECTED
    missing = post_form(client, f"/editor/articles/{article_id}/claims", {
        "quote": "words that are not there", "occurrence": "1"},
        page=f"/editor/articles/{article_id}")
    assert missing.status_code == 422
    assert "do not appear in the article" in missing.get_data(as_text=True)


def test_reorder_claims(app, client, article_id):
    claims = _claims(app, article_id)
    _press(client, article_id, f"/editor/claims/{claims[2].id}/move/up", version=1)
    assert [c.id for c in _claims(app, article_id)] == [claims[0].id, claims[2].id,
                                                        claims[1].id, claims[3].id]


def test_bulk_select_by_score(app, client, article_id):
    scores = sorted(c.score for c in _claims(app, article_id))
    cut = (scores[1] + scores[2]) / 2  # between the second and third lowest scores
    response = post_form(client, f"/editor/articles/{article_id}/select-by-score",
                         {"min_score": f"{cut:.4f}"}, page=f"/editor/articles/{article_id}")
    assert response.status_code == 302
    statuses = {c.score: c.status for c in _claims(app, article_id)}
    assert [statuses[s] for s in scores] == [ClaimStatus.CANDIDATE, ClaimStatus.CANDIDATE,
                                            ClaimStatus.SELECTED, ClaimStatus.SELECTED]
    bad = post_form(client, f"/editor/articles/{article_id}/select-by-score",
                    {"min_score": "7"}, page=f"/editor/articles/{article_id}")
    assert bad.status_code == 422


def test_editing_the_text_reanchors_unchanged_claims_and_flags_changed_ones(
        app, client, article_id):
    claims = _claims(app, article_id)
    new_text = ("BREAKING: " + TEXT.replace("3.5 percent", "3.7 percent")
                + "\nThe council meets again on Friday at 9 a.m. to vote on taxes.")
    with app.app_context():
        version = db.session.get(Article, article_id).version
    response = post_form(client, f"/editor/articles/{article_id}/text",
                         {"body": new_text, "version": version})
    assert response.status_code == 302
    after = {c.id: c for c in _claims(app, article_id)}
    with app.app_context():
        article = db.session.get(Article, article_id)
        revision = db.session.exec(select(ArticleRevision)).one()
        db.session.expunge_all()
    assert revision.body == TEXT and revision.number == 1 and article.revision == 2
    assert after[claims[0].id].start == claims[0].start + len("BREAKING: ")
    assert after[claims[1].id].status == ClaimStatus.NEEDS_REANCHOR
    for claim in after.values():
        if claim.status != ClaimStatus.NEEDS_REANCHOR:
            assert article.body[claim.start:claim.end] == claim.text
    assert any("council meets again" in c.text for c in after.values())


def test_editing_the_text_with_a_stale_version_is_refused(app, client, article_id):
    with app.app_context():
        version = db.session.get(Article, article_id).version
    post_form(client, f"/editor/articles/{article_id}/text", {"body": TEXT + " More.",
                                                               "version": version})
    stale = post_form(client, f"/editor/articles/{article_id}/text", {"body": "Other text.",
                                                                       "version": version})
    assert stale.status_code == 409
    html = stale.get_data(as_text=True)
    assert "Other text." in html  # kept in the form ...
    assert "Someone else saved a new text" in html and "More." in html  # ... beside theirs
    again = post_form(client, f"/editor/articles/{article_id}/text",
                      {"body": "Other text.", "version": version + 1})
    assert again.status_code == 302


def test_reviewers_cannot_curate(app, client, article_id, make_user):
    from ..helpers import login, logout

    logout(client)
    login(client, make_user(Role.REVIEWER).email)
    first = _claims(app, article_id)[0]
    token = csrf_token(client.get("/account/password").get_data(as_text=True))
    response = client.post(f"/editor/claims/{first.id}/select",
                           data={"csrf_token": token, "version": first.version})
    assert response.status_code == 403
    assert _claims(app, article_id)[0].status == ClaimStatus.CANDIDATE


def _revise(client, app, article_id, text):
    with app.app_context():
        version = db.session.get(Article, article_id).version
    return post_form(client, f"/editor/articles/{article_id}/text",
                     {"body": text, "version": version})


def test_identical_sentences_each_keep_their_own_anchor(app, client, article_id):
    repeated = TEXT + " Residents should welcome the change."
    _revise(client, app, article_id, repeated)
    _revise(client, app, article_id, TEXT)  # one of the two copies goes away again
    claims = [c for c in _claims(app, article_id) if c.status != ClaimStatus.NEEDS_REANCHOR]
    spans = [(c.start, c.end) for c in claims]
    assert len(spans) == len(set(spans))  # no two claims share a span


def test_a_flagged_claim_is_anchored_again_by_its_new_words(app, client, article_id):
    changed = TEXT.replace("3.5 percent", "3.7 percent")
    _revise(client, app, article_id, changed)
    flagged = [c for c in _claims(app, article_id) if c.status == ClaimStatus.NEEDS_REANCHOR]
    assert len(flagged) == 1
    board = client.get(f"/editor/articles/{article_id}").get_data(as_text=True)
    assert f'id="mark-{flagged[0].id}"' not in board  # no stale highlight
    page = f"/editor/claims/{flagged[0].id}"
    assert "The article text changed under this claim" in client.get(page).get_data(
        as_text=True)
    words = "Unemployment fell to 3.7 percent in October"
    response = post_form(client, f"{page}/reanchor", {"quote": words, "occurrence": "1"},
                         page=page)
    assert response.status_code == 302
    claim = next(c for c in _claims(app, article_id) if c.id == flagged[0].id)
    assert claim.status == ClaimStatus.CANDIDATE and claim.text == words
    with app.app_context():
        assert db.session.get(Article, article_id).body[claim.start:claim.end] == words


def test_text_of_an_article_under_review_cannot_change(app, client, article_id, make_user):
    first = _claims(app, article_id)[0]
    with app.app_context():
        db.session.get(Claim, first.id).status = ClaimStatus.IN_REVIEW
        db.session.commit()
    response = _revise(client, app, article_id, TEXT + " More.")
    assert response.status_code == 409
    assert "under review" in response.get_data(as_text=True)


def test_merge_uses_text_order_after_a_move(app, client, article_id):
    claims = _claims(app, article_id)
    _press(client, article_id, f"/editor/claims/{claims[2].id}/move/up", version=1)
    _press(client, article_id, f"/editor/claims/{claims[0].id}/merge-next",
           version=claims[0].version)
    merged = next(c for c in _claims(app, article_id) if c.id == claims[0].id)
    with app.app_context():
        body = db.session.get(Article, article_id).body
    assert body[merged.start:merged.end] == merged.text
    assert merged.text.endswith("since 2019.")  # the claim that follows in the text
    assert "The mayor" not in merged.text


def test_split_needs_a_word_boundary_and_keeps_the_date(app, client, article_id):
    claim = _claims(app, article_id)[1]
    url = f"/editor/claims/{claim.id}"
    post_form(client, url, {"text": claim.text, "claimant": "", "claim_date": "2026-11-02",
                            "version": claim.version})
    claim = _claims(app, article_id)[1]
    inside_word = post_form(client, f"{url}/split", {"before": "ell to", "version":
                                                     claim.version}, page=url)
    assert inside_word.status_code == 422
    post_form(client, f"{url}/split", {"before": "the lowest", "version": claim.version},
              page=url)
    first, second = _claims(app, article_id)[1:3]
    assert first.claim_date == second.claim_date and second.claim_date.isoformat() == (
        "2026-11-02")


def test_a_missing_version_is_refused_not_assumed(app, client, article_id):
    claim = _claims(app, article_id)[0]
    url = f"/editor/claims/{claim.id}"
    token = csrf_token(client.get(url).get_data(as_text=True))
    response = client.post(url, data={"csrf_token": token, "text": "Sneaky rewording."})
    assert response.status_code == 400
    assert _claims(app, article_id)[0].text == claim.text


def test_claims_in_review_cannot_be_triaged(app, client, article_id):
    claim = _claims(app, article_id)[0]
    with app.app_context():
        db.session.get(Claim, claim.id).status = ClaimStatus.IN_REVIEW
        db.session.commit()
    claim = _claims(app, article_id)[0]
    response = _press(client, article_id, f"/editor/claims/{claim.id}/select",
                      version=claim.version)
    assert "cannot become" in client.get(response.headers["Location"]).get_data(as_text=True)
    assert _claims(app, article_id)[0].status == ClaimStatus.IN_REVIEW


STATUS_BUTTONS = {"select": "/select", "dismiss": "/dismiss", "restore": "/restore",
                  "merge": "/merge-next"}


def _buttons_of(html: str, claim_id: int) -> set[str]:
    """The triage buttons the board shows for one claim (by the address they post to)."""
    return {name for name, suffix in STATUS_BUTTONS.items()
            if f'action="/editor/claims/{claim_id}{suffix}"' in html}


def _force_status(app, claim_id: int, status: ClaimStatus) -> int:
    """Put a claim in `status` directly (as any workflow path could); its new version."""
    with app.app_context():
        claim = db.session.get(Claim, claim_id)
        claim.status = status
        db.session.add(claim)
        db.session.commit()
        return claim.version


@pytest.mark.parametrize("status", list(ClaimStatus))
def test_the_board_offers_exactly_the_triage_actions_that_succeed(app, client, article_id,
                                                                  status):
    """The buttons come from the workflow's rules: each one shown works, none hidden would."""
    first = _claims(app, article_id)[0]
    version = _force_status(app, first.id, status)
    shown = _buttons_of(_board(client, article_id), first.id)
    targets = {"select": ClaimStatus.SELECTED, "dismiss": ClaimStatus.DISMISSED,
               "restore": ClaimStatus.CANDIDATE}
    for action, target in targets.items():
        _press(client, article_id, f"/editor/claims/{first.id}/{action}", version=str(version))
        succeeded = _claims(app, article_id)[0].status == target != status
        assert succeeded == (action in shown), (status, action)
        if succeeded:  # put it back for the next action
            version = _force_status(app, first.id, status)
    triage = status in (ClaimStatus.CANDIDATE, ClaimStatus.SELECTED, ClaimStatus.DISMISSED)
    assert ("merge" in shown) == triage


def test_a_closed_report_offers_only_to_reopen_it(app, client, login_as):
    from factcheck.models import ReaderReport
    from factcheck.states import ReportStatus

    login_as(Role.EDITOR)
    with app.app_context():
        report = ReaderReport(message="The figure is wrong.", status=ReportStatus.CLOSED)
        db.session.add(report)
        db.session.commit()
        report_id = report.id
    html = client.get("/editor/reports").get_data(as_text=True)
    # Each button's address may carry the tab to come back to (?back=...).
    assert f'action="/editor/reports/{report_id}/new?' in html
    assert f'action="/editor/reports/{report_id}/triaged' not in html  # the workflow refuses
    assert f'action="/editor/reports/{report_id}/closed' not in html


@pytest.mark.parametrize(
    ("title", "body", "language", "direction"),
    [
        ("Dari", "وزیر گفت که بیکاری ۱۲ درصد کاهش یافته است. این خبر خوبی است.", None, "rtl"),
        ("Pashto", "وزیر وویل چې بېکاري ۱۲ سلنه کمه شوې ده.", "ps-AF", "rtl"),
        ("English", TEXT, None, "auto"),
    ],
)
def test_article_text_is_written_in_its_languages_direction(app, client, login_as, title, body,
                                                             language, direction):
    editor = login_as(Role.EDITOR)
    with app.app_context():
        article = import_article(db.session, title=title, body=body, language=language,
                                 actor=db.session.get(type(editor), editor.id))
        db.session.commit()
        article_id, lang = article.id, article.language  # detected when not given
    board = _board(client, article_id)
    assert f'<div class="article-text" lang="{lang}" dir="{direction}">' in board
    editing = client.get(f"/editor/articles/{article_id}/text").get_data(as_text=True)
    assert f'<textarea dir="{direction}" id="body"' in editing


def test_the_reasons_for_a_score_are_shown_in_the_desk_s_language(app, client, article_id):
    from factcheck.engine.splitting import checkworthy
    from factcheck.i18n import catalogue, in_locale
    from factcheck.web.score_reasons import reason_label

    stored = {name for claim in _claims(app, article_id) for name in claim.features}
    assert any(name.startswith("word: ") for name in stored)
    dari = client.get(f"/editor/articles/{article_id}",
                      headers={"Accept-Language": "fa-AF"}).get_data(as_text=True)
    numbers = catalogue("fa_AF").gettext("numbers")
    assert numbers != "numbers" and f"<li>{numbers}: " in dari
    assert "<li>numbers: " not in dari and "<li>word: " not in dari
    assert catalogue("fa_AF").gettext("word: {word}").replace("{word}", "percent") in dari
    # Every name the engine gives a reason is translated in both languages.
    names = {*checkworthy._WORD_NAMES.values(), *checkworthy._CUE_NAMES.values(),
             *checkworthy._COMBINATION_NAMES.values(), "punctuation", "kind: demand"}
    for locale in ("fa_AF", "ps"):
        with in_locale(locale):
            untranslated = {name for name in names if reason_label(name) == name}
        assert not untranslated, (locale, untranslated)
