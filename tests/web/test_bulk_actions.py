"""Bulk actions on ticked claims: select, dismiss with one reason, decide unanimous ones."""

from __future__ import annotations

import re

from sqlmodel import select

from factcheck.extensions import db
from factcheck.models import AuditEvent, Claim, Decision, RatingLabel, Review
from factcheck.states import ClaimStatus, ReviewStatus, Role
from factcheck.workflow.articles import import_article

from ..helpers import csrf_token, login, rows

TEXT = ("The ministry said that unemployment fell to 3.5 percent in October. "
        "The council approved a budget of $4.2 million on Tuesday. "
        "Exports rose by 12 percent last year, the agency said.")


def _desk(app, make_user, ratings=(("true", "true"), ("true", "false"))):
    editor = make_user(Role.EDITOR)
    first, second = make_user(Role.REVIEWER), make_user(Role.REVIEWER)
    with app.app_context():
        article = import_article(db.session, title="Numbers", body=TEXT, actor=None)
        claims = db.session.exec(select(Claim).where(Claim.article_id == article.id)
                                 .order_by(Claim.start)).all()
        key = {lab.key: lab.id for lab in db.session.exec(select(RatingLabel)).all()}
        for claim, pair in zip(claims[:2], ratings, strict=True):
            claim.status = ClaimStatus.REVIEWED
            for person, rating in zip((first, second), pair, strict=True):
                db.session.add(Review(claim_id=claim.id, reviewer_id=person.id,
                                      rating_id=key[rating], status=ReviewStatus.SUBMITTED,
                                      rationale=f"Rationale of {person.display_name}."))
        db.session.commit()
        return editor, article.id, [c.id for c in claims]


def test_unanimous_claims_are_decided_and_the_others_left_alone_with_why(
        app, client, make_user):
    editor, article_id, ids = _desk(app, make_user)
    login(client, editor.email)
    board = f"/editor/articles/{article_id}"
    token = csrf_token(client.get(board).get_data(as_text=True))
    page = client.post(f"{board}/bulk-decide", data={"csrf_token": token, "claims": ids})
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "✔ True" in html and "2 unanimous verdicts" in html
    assert "The submitted verdicts do not all agree." in html  # the split claim
    assert "It is candidate, not waiting for a decision." in html
    assert rows(app, Decision) == []  # nothing decided before the confirmation
    # The public reasoning starts from the rationales, as on the single decision page.
    reasoning = html.split(f'name="reasoning-{ids[0]}"')[1].split("</textarea>")[0]
    assert "Rationale of" in reasoning
    done = client.post(f"{board}/bulk-decide", data={
        "csrf_token": token, "claims": ids, "confirm": "y",
        f"summary-{ids[0]}": "Matches the data.", f"reasoning-{ids[0]}": "Official data."})
    assert done.status_code == 302
    decisions = rows(app, Decision)
    assert [(d.claim_id, d.summary, d.public_reasoning) for d in decisions] == [
        (ids[0], "Matches the data.", "Official data.")]
    assert [c.status for c in sorted(rows(app, Claim), key=lambda c: c.start)] == [
        ClaimStatus.DECIDED, ClaimStatus.REVIEWED, ClaimStatus.CANDIDATE]
    assert [e.object_id for e in rows(app, AuditEvent, action="claim.decide")] == [ids[0]]


def test_bulk_decide_keeps_the_rules_and_what_was_typed(app, client, make_user):
    editor, article_id, ids = _desk(app, make_user)
    login(client, editor.email)
    board = f"/editor/articles/{article_id}"
    token = csrf_token(client.get(board).get_data(as_text=True))
    empty = client.post(f"{board}/bulk-decide", data={
        "csrf_token": token, "claims": [ids[0]], "confirm": "y",
        f"summary-{ids[0]}": "", f"reasoning-{ids[0]}": "Kept text."})
    assert empty.status_code == 422 and "Kept text." in empty.get_data(as_text=True)
    assert rows(app, Decision) == []


def test_bulk_select_and_dismiss_with_one_reason(app, client, make_user):
    editor, article_id, ids = _desk(app, make_user)
    login(client, editor.email)
    board = f"/editor/articles/{article_id}"
    token = csrf_token(client.get(board).get_data(as_text=True))
    assert client.post(f"{board}/bulk/dismiss", data={
        "csrf_token": token, "claims": [ids[2]], "bulk_reason": "Opinion."}).status_code == 302
    claim = rows(app, Claim, id=ids[2])[0]
    assert (claim.status, claim.dismissal_reason) == (ClaimStatus.DISMISSED, "Opinion.")
    client.post(f"{board}/bulk/select", data={"csrf_token": token, "claims": [ids[2]]})
    assert "A claim that is dismissed cannot become selected" in client.get(board).get_data(
        as_text=True)


def test_each_bulk_conclusion_field_is_named_after_its_claim(app, client, make_user):
    editor, article_id, ids = _desk(app, make_user, ratings=(("true", "true"),) * 2)
    login(client, editor.email)
    board = f"/editor/articles/{article_id}"
    page = client.get(board).get_data(as_text=True)
    html = client.post(f"{board}/bulk-decide", data={
        "csrf_token": csrf_token(page), "claims": ids[:2]}).get_data(as_text=True)
    names = re.findall(r'<label for="summary-\d+">Conclusion for readers'
                       r'<span class="visually-hidden">: ([^<]+)</span></label>', html)
    assert len(names) == 2 and len(set(names)) == 2, names
    assert names[0].startswith("The ministry said that unemployment fell"), names
