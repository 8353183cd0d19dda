"""Every page sends the same number of SQL statements whatever the amount of data.

The same desk is built twice in one database: once small, once three times larger (more
articles, claims, assignments, evidence, reviews, comments, conflicts, reports, users,
published claims). The reviewer's journey and the editors' pages are then walked for
each, counting statements per request; the two counts must be equal page by page.
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlmodel import select

from factcheck.extensions import db
from factcheck.models import (
    Claim,
    ConflictDeclaration,
    Correction,
    Decision,
    Evidence,
    RatingLabel,
    ReaderReport,
    ReportReply,
    User,
)
from factcheck.states import ClaimStatus, Confidence, ReportStatus, Role
from factcheck.workflow.articles import create_article
from factcheck.workflow.assignments import assign_claims
from factcheck.workflow.evidence import add_evidence
from factcheck.workflow.publishing import publish_article
from factcheck.workflow.reviews import add_comment, save_review

from ..helpers import count_queries, csrf_token, login, share_evidence

SENTENCE = "In {year} the ministry reported {n} new schools in district {d}."


def _article(session, actor, title: str, claims: int, status: ClaimStatus):
    sentences = [SENTENCE.format(year=2000 + k, n=k * 3, d=k) for k in range(claims)]
    article = create_article(session, title=title, body=" ".join(sentences), actor=actor)
    offset, made = 0, []
    for position, sentence in enumerate(sentences):
        claim = Claim(article_id=article.id, position=position, start=offset,
                      end=offset + len(sentence), text=sentence, status=status)
        offset += len(sentence) + 1
        session.add(claim)
        made.append(claim)
    session.flush()
    return article, made


def _desk(app, make_user, tag: str, n: int) -> dict:
    """A desk whose every list holds about `n` times a base amount of rows."""
    admin = make_user(Role.ADMIN, email=f"admin-{tag}@example.org")
    me = make_user(Role.REVIEWER, email=f"me-{tag}@example.org")
    others = [make_user(Role.REVIEWER, email=f"r{k}-{tag}@example.org", password=None)
              for k in range(2 * n)]
    share_evidence(app)  # the reviewers cite one another's sources
    with app.app_context():
        session = db.session
        actor = session.get(User, admin.id)
        reviewers = [session.get(User, u.id) for u in others]
        for k in range(n):
            _article(session, actor, f"Archive {tag} {k}", 3, ClaimStatus.CANDIDATE)
        board, claims = _article(session, actor, f"Board {tag}", 4 * n, ClaimStatus.SELECTED)
        soon = date.today() + timedelta(days=3)
        for person in [session.get(User, me.id), *reviewers]:
            half = len(claims) // 2  # the queue has claims with and without a due date
            assign_claims(session, claims=claims[:half], reviewer=person, due_on=soon,
                          actor=actor)
            assign_claims(session, claims=claims[half:], reviewer=person, due_on=None,
                          actor=actor)
        focus = claims[0]
        evidence = [add_evidence(session, claim=focus, actor=reviewers[0],
                                 url=f"https://stats.example.org/{tag}/{k}",
                                 title=f"Table {k}", quote="The table.", stance="supports")
                    for k in range(2 * n)]
        for person in reviewers:
            save_review(session, claim=focus, reviewer=person, rating_key="true",
                        rationale="The tables agree.", confidence=Confidence.HIGH,
                        evidence_ids=[e.id for e in evidence], submit=True,
                        expected_version=None)
        for k in range(n):
            # The last reviewer: the first n declare conflicts here, and recusal now
            # closes the discussion to them (issue 12).
            add_comment(session, claim=focus, author=reviewers[-1], body=f"Note {k}.")
            session.add(ConflictDeclaration(reviewer_id=reviewers[k].id, article_id=board.id,
                                            reason="Former employer."))
        published, decided = _article(session, actor, f"Published {tag}", 3 * n,
                                      ClaimStatus.DECIDED)
        label = session.exec(select(RatingLabel).where(RatingLabel.key == "false")).first()
        for claim in decided:
            session.add(Decision(claim_id=claim.id, editor_id=actor.id, rating_id=label.id,
                                 summary="The records say otherwise."))
            session.add(Evidence(claim_id=claim.id, url="https://records.example.org/",
                                 title="Records", stance="refutes"))
        session.flush()
        publish_article(session, article=published, editor=actor, include_open=False)
        reports = []
        for k in range(3 * n):  # every section of the inbox has reports
            reports.append(ReaderReport(article_id=published.id, claim_id=decided[0].id,
                                        message=f"Report {k}.", contact="reader@example.org",
                                        status=list(ReportStatus)[k % 3]))
            session.add(reports[-1])
            session.add(Correction(article_id=published.id, claim_id=decided[0].id,
                                   note=f"Correction {k}.", before="True", after="False"))
        session.flush()
        for k in range(2 * n):  # the first report's thread: replies by editors
            session.add(ReportReply(report_id=reports[0].id, author_id=actor.id,
                                    subject="Re", body=f"Reply {k}."))
        session.commit()
        return {"admin": admin.email, "me": me.email, "board": board.id, "focus": focus.id,
                "slug": published.slug, "report": reports[0].id}


def _counted(app, request) -> tuple[int, int]:
    """(statements sent, status) for one request made by `request()`."""
    with count_queries(app) as statements:
        response = request()
    return len(statements), response.status_code


def _walk(app, desk: dict) -> dict[str, tuple[int, int]]:
    """Statements per request of the reviewer's journey and the editors' pages."""
    counts = {}
    reviewer = app.test_client()
    login(reviewer, desk["me"])
    claim_page = f"/review/claims/{desk['focus']}"
    counts["reviewer queue"] = _counted(app, lambda: reviewer.get("/review/"))
    counts["open the claim"] = _counted(app, lambda: reviewer.get(claim_page))
    token = csrf_token(reviewer.get(claim_page).get_data(as_text=True))
    counts["add evidence"] = _counted(app, lambda: reviewer.post(
        f"{claim_page}/evidence", data={"csrf_token": token, "url": "https://e.example.org/",
                                        "title": "Mine", "stance": "supports"}))
    with app.app_context():
        cited = db.session.exec(select(Evidence.id).where(
            Evidence.claim_id == desk["focus"])).all()
    counts["submit the verdict"] = _counted(app, lambda: reviewer.post(
        f"{claim_page}/review", data={"csrf_token": token, "rating": "true", "action": "submit",
                                      "rationale": "Agreed.", "confidence": "high",
                                      "evidence": cited, "version": ""}))
    counts["claim after submitting"] = _counted(app, lambda: reviewer.get(claim_page))

    editor = app.test_client()
    login(editor, desk["admin"])
    for name, path in (
        ("dashboard", "/editor/"),
        ("article board", f"/editor/articles/{desk['board']}"),
        ("claim page", f"/editor/claims/{desk['focus']}"),
        ("decision page", f"/editor/claims/{desk['focus']}/decide"),
        ("reports inbox", "/editor/reports"),
        ("new reports", "/editor/reports?status=new"),
        ("one report", f"/editor/reports/{desk['report']}"),
        ("admin users", "/admin/users"),
        ("search", "/search?q=ministry"),
        ("front page", "/"),
        ("verdict page", f"/checks/{desk['slug']}"),
        ("corrections", "/corrections"),
    ):
        counts[name] = _counted(app, lambda path=path: editor.get(path))
    decide = f"/editor/claims/{desk['focus']}/decide"
    token = csrf_token(editor.get(decide).get_data(as_text=True))
    counts["submit the decision"] = _counted(app, lambda: editor.post(decide, data={
        "csrf_token": token, "rating": "true", "summary": "True.", "version": "0"}))
    return counts


def test_statements_per_page_do_not_grow_with_the_data(app, make_user):
    small = _walk(app, _desk(app, make_user, "small", 1))
    large = _walk(app, _desk(app, make_user, "large", 3))
    statuses = {name: status for name, (_n, status) in small.items()}
    assert statuses == {name: status for name, (_n, status) in large.items()}
    assert all(status in (200, 302) for status in statuses.values()), statuses
    assert statuses["submit the verdict"] == statuses["submit the decision"] == 302
    assert {name: n for name, (n, _s) in large.items()} == {
        name: n for name, (n, _s) in small.items()}
