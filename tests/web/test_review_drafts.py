"""Nothing a reviewer types is lost by another action of the workspace: adding evidence
saves the verdict typed next to it as a draft, an error in one form keeps the other."""

from __future__ import annotations

from factcheck.models import Evidence, Review, ReviewEvidence
from factcheck.states import ReviewStatus

from ..helpers import EVIDENCE, csrf_token
from ..helpers import rows as _get
from .test_review import _assign, desk  # noqa: F401 (a fixture)

VERDICT = {"rating": "true", "rationale": "The October report says 3.5 percent.",
           "confidence": "high", "version": ""}


def _post(desk, path: str, data: dict, client=None):  # noqa: F811
    client = client or desk.first
    claim_id = desk.claims[0]
    page = client.get(f"/review/claims/{claim_id}").get_data(as_text=True)
    return client.post(f"/review/claims/{claim_id}/{path}",
                       data={"csrf_token": csrf_token(page), **data})


def test_adding_evidence_saves_the_verdict_as_a_draft_citing_it(desk):  # noqa: F811
    _assign(desk, "first")
    page = desk.first.get(f"/review/claims/{desk.claims[0]}").get_data(as_text=True)
    # One form owns both: the source's fields post with the verdict typed so far.
    assert 'form="verdict-form"' in page and 'id="verdict-form"' in page
    added = _post(desk, "evidence", {**EVIDENCE, "cite_new": "y", **VERDICT})
    assert added.status_code == 302
    [evidence] = _get(desk.app, Evidence, claim_id=desk.claims[0])
    [review] = _get(desk.app, Review, claim_id=desk.claims[0])
    assert review.status == ReviewStatus.DRAFT and review.rationale == VERDICT["rationale"]
    shown = desk.first.get(f"/review/claims/{desk.claims[0]}").get_data(as_text=True)
    assert VERDICT["rationale"] in shown
    assert [link.evidence_id for link in _get(desk.app, ReviewEvidence, review_id=review.id)
            ] == [evidence.id]
    # Blind: the colleague sees neither the draft nor its words.
    _assign(desk, "second")
    other = desk.second.get(f"/review/claims/{desk.claims[0]}").get_data(as_text=True)
    assert VERDICT["rationale"] not in other


def test_a_bad_source_keeps_the_verdict_and_the_source_typed(desk):  # noqa: F811
    _assign(desk, "first")
    refused = _post(desk, "evidence", {**EVIDENCE, "url": "javascript:alert(1)", **VERDICT})
    assert refused.status_code == 422
    page = refused.get_data(as_text=True)
    assert VERDICT["rationale"] in page and EVIDENCE["title"] in page
    assert _get(desk.app, Review, claim_id=desk.claims[0]) == []  # nothing half-written
    assert _get(desk.app, Evidence, claim_id=desk.claims[0]) == []


def test_saving_the_verdict_also_adds_the_source_typed_next_to_it(desk):  # noqa: F811
    _assign(desk, "first")
    saved = _post(desk, "review", {**EVIDENCE, "cite_new": "y", **VERDICT, "action": "submit"})
    assert saved.status_code == 302
    [evidence] = _get(desk.app, Evidence, claim_id=desk.claims[0])
    [review] = _get(desk.app, Review, claim_id=desk.claims[0])
    assert review.status == ReviewStatus.SUBMITTED and evidence.title == EVIDENCE["title"]
    # Without a source typed, the verdict form alone still needs its evidence to submit.
    _assign(desk, "second")
    refused = _post(desk, "review", {**VERDICT, "action": "submit"}, client=desk.second)
    assert refused.status_code == 422
    assert VERDICT["rationale"] in refused.get_data(as_text=True)


def test_a_conflicting_save_keeps_the_text_and_a_second_save_applies_it(desk):  # noqa: F811
    _assign(desk, "first")
    assert _post(desk, "review", {**VERDICT, "action": "draft"}).status_code == 302
    [review] = _get(desk.app, Review, claim_id=desk.claims[0])
    stale = {**VERDICT, "rationale": "Mine, typed meanwhile.", "version": str(
        review.version - 1 if review.version > 1 else 0)}
    conflict = _post(desk, "evidence", {**EVIDENCE, **stale})
    assert conflict.status_code == 409
    page = conflict.get_data(as_text=True)
    assert "Mine, typed meanwhile." in page and EVIDENCE["title"] in page
    assert _get(desk.app, Evidence, claim_id=desk.claims[0]) == []  # one step: nothing kept
    assert f'name="version" type="hidden" value="{review.version}"' in page


def test_removing_a_source_asks_first(desk):  # noqa: F811
    _assign(desk, "first")
    assert _post(desk, "evidence", {**EVIDENCE}).status_code == 302
    [evidence] = _get(desk.app, Evidence, claim_id=desk.claims[0])
    page = desk.first.get(f"/review/claims/{desk.claims[0]}").get_data(as_text=True)
    assert f'href="/review/evidence/{evidence.id}/delete"' in page  # a link, not a button
    question = desk.first.get(f"/review/evidence/{evidence.id}/delete")
    assert question.status_code == 200 and "Remove this source?" in question.get_data(
        as_text=True)
    assert _get(desk.app, Evidence, id=evidence.id)[0].removed_at is None  # asking only
    _assign(desk, "second")  # a colleague may not even be asked
    assert desk.second.get(f"/review/evidence/{evidence.id}/delete").status_code in (403, 404)
    removed = desk.first.post(f"/review/evidence/{evidence.id}/delete", data={
        "csrf_token": csrf_token(question.get_data(as_text=True))})
    assert removed.status_code == 302
    assert _get(desk.app, Evidence, id=evidence.id) == [] or _get(
        desk.app, Evidence, id=evidence.id)[0].removed_at is not None


def test_my_claims_filters_open_submitted_and_overdue_open_work_first(desk):  # noqa: F811
    _assign(desk, "first", desk.claims[:1], due="2020-01-01")  # long overdue
    _assign(desk, "first", desk.claims[1:2])
    assert _post(desk, "evidence", {**EVIDENCE}).status_code == 302
    # The second claim's verdict is in (citing the reviewer's own source).
    page = desk.first.get(f"/review/claims/{desk.claims[1]}").get_data(as_text=True)
    assert desk.first.post(f"/review/claims/{desk.claims[1]}/review", data={
        "csrf_token": csrf_token(page), **VERDICT, "action": "submit", **EVIDENCE,
        "cite_new": "y"}).status_code == 302
    page = desk.first.get("/review/").get_data(as_text=True)
    assert "Open (1)" in page and "Submitted (1)" in page and "Overdue (1)" in page
    overdue = desk.first.get("/review/?show=overdue").get_data(as_text=True)
    assert 'aria-current="page">Overdue (1)' in overdue
    assert overdue.count('href="/review/claims/') == 1
    # Open work first, whatever the due dates: the submitted claim comes last.
    shown = desk.first.get("/review/").get_data(as_text=True)
    first, second = (shown.index(f'href="/review/claims/{c}"') for c in desk.claims[:2])
    assert first < second
    submitted = desk.first.get("/review/?show=submitted").get_data(as_text=True)
    assert f'href="/review/claims/{desk.claims[1]}"' in submitted
    assert f'href="/review/claims/{desk.claims[0]}"' not in submitted
    assert desk.first.get("/review/?show=nonsense").status_code == 200


def test_previous_and_next_follow_my_queue_order(desk):  # noqa: F811
    _assign(desk, "first", desk.claims[1:2], due="2020-01-01")  # due first: first in the queue
    _assign(desk, "first", desk.claims[:1])
    first_in_queue, second_in_queue = desk.claims[1], desk.claims[0]
    top = desk.first.get(f"/review/claims/{first_in_queue}").get_data(as_text=True)
    assert f'href="/review/claims/{second_in_queue}" rel="next"' in top
    assert 'rel="prev"' not in top
    assert "Keyboard shortcuts" in top
    bottom = desk.first.get(f"/review/claims/{second_in_queue}").get_data(as_text=True)
    assert f'href="/review/claims/{first_in_queue}" rel="prev"' in bottom
    assert 'rel="next"' not in bottom
