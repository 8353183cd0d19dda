"""Reader reports that editors can act on: the report form names each claim by its words,
the editors' inbox links to the claim, the correction and the verdict page, counts the
new (unread) reports in the navigation, and editors reply by e-mail through the job queue
to a real SMTP server on 127.0.0.1."""

from __future__ import annotations

import html
import re

import pytest
from sqlmodel import select

from factcheck.dbtypes import utcnow
from factcheck.engine.claimreview import clip_words
from factcheck.extensions import db
from factcheck.models import Article, AuditEvent, Job, ReaderReport, ReportReply, Review
from factcheck.states import JobStatus, ReportStatus, ReviewStatus, Role
from factcheck.worker import hand_over
from factcheck.workflow.jobs import enqueue
from factcheck.workflow.mail import REPORT_REPLY_MAIL
from factcheck.workflow.reports import set_report_status, submit_report

from ..helpers import csrf_token, login, rows, run_jobs
from ..mailbox import html_of, text_of
from .test_public import TEXT, _publish, checked  # noqa: F401 (a fixture)

PUBLIC = "https://desk.example.org/"
FIRST = ("The ministry said that unemployment fell to 3.5 percent in October, the lowest "
         "rate since 2019.")
SECOND = "The council approved a budget of $4.2 million on Tuesday."
SECRET_DRAFT = "Draft verdict nobody may see yet"


@pytest.fixture
def app(make_app, mailbox):
    """Mail goes to the test's SMTP server; links are on PUBLIC."""
    return make_app(**mailbox.config, PUBLIC_URL=PUBLIC)


@pytest.fixture
def published(app, checked):  # noqa: F811 (the fixture imported above)
    """The check published (claims 1 and 2 decided, 3 still being checked) and its editor's
    signed-in client."""
    editor, response = _publish(app, checked)
    assert "Published." in response.get_data(as_text=True)
    return {**checked, "client": editor}


def _report(app, published, *, claim_index: int | None = 0, message="The rate was 3.6%.",
            contact="reader@example.org", address="192.0.2.1") -> int:
    with app.app_context():
        claim_id = published["claims"][claim_index] if claim_index is not None else None
        report = submit_report(db.session, article=db.session.get(Article,
                                                                  published["article_id"]),
                               claim_id=claim_id, message=message, contact=contact,
                               address=address)
        db.session.commit()
        return report.id


def _options(page: str) -> list[tuple[str, str, str]]:
    """(value, label, the rest of the tag) of each option of the claim choice."""
    select_html = re.search(r'<select[^>]*name="claim".*?</select>', page, re.S).group(0)
    found = []
    for m in re.finditer(r"<option([^>]*)>(.*?)</option>", select_html, re.S):
        value = re.search(r'value="([^"]*)"', m.group(1)).group(1)
        found.append((value, html.unescape(m.group(2)).strip(), m.group(1)))
    return found


# --- The reader's form -------------------------------------------------------------------


def test_report_form_names_each_claim_by_its_words(app, published):
    page = app.test_client().get(f"/checks/{published['slug']}/report").get_data(as_text=True)
    options = _options(page)
    assert [value for value, _label, _rest in options] == ["", "1", "2", "3"]
    assert options[0][1] == "The whole check"
    # Long: cut at a word with an ellipsis, the whole text as the option's title.
    assert options[1][1] == f"1. {clip_words(FIRST, 90)}"
    assert options[1][1].endswith("…") and len(options[1][1]) < len(FIRST)
    assert f'title="{FIRST}"' in options[1][2]
    # Short: whole, no ellipsis and no title.
    assert options[2][1] == f"2. {SECOND}" and "title=" not in options[2][2]
    assert "Claim 1" not in page


def test_a_claims_card_links_to_the_form_with_that_claim_chosen(app, published):
    reader = app.test_client()
    verdict = reader.get(f"/checks/{published['slug']}").get_data(as_text=True)
    for number in (1, 2, 3):
        assert f'href="/checks/{published["slug"]}/report?claim={number}"' in verdict
    assert verdict.count("Report an error in this claim") == 3
    page = reader.get(f"/checks/{published['slug']}/report?claim=2").get_data(as_text=True)
    selected = [value for value, _label, rest in _options(page) if "selected" in rest]
    assert selected == ["2"]
    # A number not on the check chooses nothing (the check as a whole).
    page = reader.get(f"/checks/{published['slug']}/report?claim=9").get_data(as_text=True)
    assert [v for v, _l, rest in _options(page) if "selected" in rest] in ([], [""])


def test_the_chosen_claim_is_stored_and_a_forged_one_refused(app, published):
    reader = app.test_client()
    url = f"/checks/{published['slug']}/report"
    token = csrf_token(reader.get(url).get_data(as_text=True))
    for forged in ("4", "99", "0", "-1", "x", "1.0"):
        response = reader.post(url, data={"csrf_token": token, "claim": forged,
                                          "message": "Forged.", "contact": ""})
        assert response.status_code == 422, forged
        assert "Forged." in response.get_data(as_text=True)  # what they wrote is kept
    assert rows(app, ReaderReport) == []
    response = reader.post(url, data={"csrf_token": token, "claim": "2",
                                      "message": "The budget was 4.4 million.", "contact": ""})
    assert response.status_code == 302
    [report] = rows(app, ReaderReport)
    assert report.claim_id == published["claims"][1]


# --- The editors' inbox ------------------------------------------------------------------


def test_inbox_links_to_claim_page_correction_and_verdict_page_anchor(app, published):
    claim_id = published["claims"][0]
    _report(app, published, claim_index=0)
    _report(app, published, claim_index=None, message="The headline is misleading.",
            address="192.0.2.2")
    page = published["client"].get("/editor/reports").get_data(as_text=True)
    assert f'href="/editor/claims/{claim_id}/board"' in page  # the claim's editor page
    assert f'href="/editor/claims/{claim_id}#correction_note"' in page  # write a correction
    assert f'href="/checks/{published["slug"]}#claim-1"' in page  # where readers see it
    assert "Write a correction" in page and "Claim page" in page
    # Its verdict is published: a correction of the verdict, on the decision page.
    decide = f"/editor/claims/{claim_id}/decide#correction_note"
    assert f'href="{decide}"' in page
    assert 'id="correction_note"' in published["client"].get(
        decide.split("#")[0]).get_data(as_text=True)
    # A report about the check as a whole: the board and the verdict page, no anchor.
    assert f'href="/editor/articles/{published["article_id"]}"' in page
    assert f'href="/checks/{published["slug"]}"' in page
    # The links lead somewhere real: the correction note field is on the claim page.
    claim_page = published["client"].get(f"/editor/claims/{claim_id}")
    assert 'id="correction_note"' in claim_page.get_data(as_text=True)
    assert published["client"].get(f"/editor/claims/{claim_id}/board").status_code == 302


def test_inbox_tabs_filter_by_status_with_counts(app, published):
    ids = [_report(app, published, message=f"Report {n}", address=f"192.0.2.{n}")
           for n in range(3)]
    with app.app_context():
        editor = db.session.get(type(published["editor"]), published["editor"].id)
        set_report_status(db.session, report=db.session.get(ReaderReport, ids[1]),
                          status=ReportStatus.TRIAGED, actor=editor)
        set_report_status(db.session, report=db.session.get(ReaderReport, ids[2]),
                          status=ReportStatus.CLOSED, actor=editor)
        db.session.commit()
    client = published["client"]
    page = client.get("/editor/reports").get_data(as_text=True)
    for label, n in (("New", 1), ("Triaged", 1), ("Closed", 1), ("All", 3)):
        assert f"{label} ({n})" in page
    assert all(f"Report {n}" in page for n in range(3))
    for status, shown in (("new", 0), ("triaged", 1), ("closed", 2)):
        page = client.get(f"/editor/reports?status={status}").get_data(as_text=True)
        assert [n for n in range(3) if f"Report {n}" in page] == [shown]
        assert '<strong aria-current="page">' in page
    assert client.get("/editor/reports?status=bogus").status_code == 200


def _nav_count(page: str) -> int | None:
    match = re.search(r'Reader reports <span class="count-badge" aria-hidden="true">(\d+)</span>',
                      page)
    return int(match.group(1)) if match else None


def test_navigation_counts_new_reports_until_triaged_or_closed(app, published):
    client = published["client"]
    assert _nav_count(client.get("/editor/").get_data(as_text=True)) is None
    first = _report(app, published, message="One", address="192.0.2.1")
    second = _report(app, published, message="Two", address="192.0.2.2")
    for page in ("/editor/", "/review/", "/editor/reports"):  # on every page
        assert _nav_count(client.get(page).get_data(as_text=True)) == 2
    inbox = client.get("/editor/reports").get_data(as_text=True)
    assert "<title>Reader reports (2 new) · factcheck</title>" in inbox
    token = csrf_token(inbox)
    client.post(f"/editor/reports/{first}/triaged?back=new", data={"csrf_token": token})
    assert _nav_count(client.get("/editor/").get_data(as_text=True)) == 1
    response = client.post(f"/editor/reports/{second}/closed?back=all",
                           data={"csrf_token": token})
    assert response.headers["Location"].endswith("/editor/reports?status=all")
    page = client.get("/editor/reports").get_data(as_text=True)
    assert _nav_count(page) is None and "<title>Reader reports · factcheck</title>" in page


# --- Replying by e-mail ------------------------------------------------------------------


def _reply_page(client, report_id: int) -> str:
    return client.get(f"/editor/reports/{report_id}").get_data(as_text=True)


def test_editor_replies_by_mail_once_through_the_job_queue(app, published, mailbox):
    report_id = _report(app, published)
    client = published["client"]
    page = _reply_page(client, report_id)
    assert 'value="Re: your report about Jobs &lt;b&gt;report&lt;/b&gt;"' in page
    assert "To: reader@example.org" in page
    response = client.post(f"/editor/reports/{report_id}/reply", data={
        "csrf_token": csrf_token(page), "subject": "Re: your report about Jobs report",
        "body": "Thank you: you are right, the rate was 3.6%.\r\n\r\nWe corrected the check."})
    assert response.status_code == 302
    assert mailbox.messages == []  # nothing is sent inside the request
    [reply] = rows(app, ReportReply)
    assert reply.sent_at is None and reply.author_id == published["editor"].id
    assert "waiting to be sent" in _reply_page(client, report_id)
    with app.app_context():
        assert db.session.get(ReaderReport, report_id).status == ReportStatus.TRIAGED
        [audit] = db.session.exec(select(AuditEvent).where(
            AuditEvent.action == "report.reply")).all()
        assert audit.actor_id == published["editor"].id
    [job] = [j for j in rows(app, Job) if j.kind == REPORT_REPLY_MAIL]
    assert job.key == f"mail:report_reply:{reply.id}"
    run_jobs(app)
    [message] = mailbox.to("reader@example.org")  # (the editors' notification aside)
    assert message["To"] == "reader@example.org"
    assert message["From"] == "Fact-check desk <desk@factcheck.example>"
    assert message["Subject"] == "Re: your report about Jobs report"
    assert "List-Unsubscribe" not in message
    text, body_html = text_of(message), html_of(message)
    assert "you are right, the rate was 3.6%." in text and "We corrected the check." in text
    assert "<p style=\"white-space: pre-wrap;\">We corrected the check.</p>" in body_html
    assert "Fact-check desk" in text
    assert "You receive this mail because you reported an error about" in text
    assert "left this address for a reply" in body_html
    assert "> The rate was 3.6%." in text  # their own report, quoted
    assert f"{PUBLIC}checks/{published['slug']}" in text
    [reply] = rows(app, ReportReply)
    assert reply.sent_at is not None
    page = _reply_page(client, report_id)
    assert "you are right, the rate was 3.6%." in page and "waiting to be sent" not in page
    # The job running again (asked for twice, or retried after a crash) sends nothing more.
    with app.app_context():
        assert enqueue(db.session, REPORT_REPLY_MAIL, {"id": reply.id},
                       key=f"mail:report_reply:{reply.id}") is None  # one job per reply
        enqueue(db.session, REPORT_REPLY_MAIL, {"id": reply.id})
        db.session.commit()
    run_jobs(app)
    assert len(mailbox.to("reader@example.org")) == 1


def test_reply_mail_and_report_pages_keep_blind_review(app, published, mailbox, make_user):
    reviewer = make_user(Role.REVIEWER)
    with app.app_context():
        db.session.add(Review(claim_id=published["claims"][2], reviewer_id=reviewer.id,
                              rationale=SECRET_DRAFT, status=ReviewStatus.DRAFT))
        db.session.commit()
    report_id = _report(app, published, claim_index=2)
    client = published["client"]
    page = _reply_page(client, report_id)
    inbox = client.get("/editor/reports").get_data(as_text=True)
    client.post(f"/editor/reports/{report_id}/reply", data={
        "csrf_token": csrf_token(page), "subject": "Re", "body": "We are still checking."})
    run_jobs(app)
    [message] = mailbox.to("reader@example.org")
    for seen in (page, inbox, text_of(message), html_of(message)):
        assert SECRET_DRAFT not in seen and "Because true." not in seen


def test_no_mail_server_no_reply(make_app, app, published):
    report_id = _report(app, published)
    plain = make_app()  # the same database, no mail server
    client = plain.test_client()
    login(client, published["editor"].email)
    page = _reply_page(client, report_id)
    assert "Replies cannot be sent: no mail server is configured." in page
    assert re.search(r'<button type="submit" disabled>Send reply</button>', page)
    response = client.post(f"/editor/reports/{report_id}/reply", data={
        "csrf_token": csrf_token(page), "subject": "Re", "body": "Kept text."})
    assert response.status_code == 409
    assert "Kept text." in response.get_data(as_text=True)
    assert rows(app, ReportReply) == []
    assert [j for j in rows(app, Job) if j.kind == REPORT_REPLY_MAIL] == []


@pytest.mark.parametrize("contact", ["", "not an address", "reader@", "a b@example.org"])
def test_no_reply_form_without_a_valid_address(app, published, contact):
    report_id = _report(app, published, contact=contact)
    client = published["client"]
    page = _reply_page(client, report_id)
    assert "Send reply" not in page and "Reply by e-mail" not in page
    response = client.post(f"/editor/reports/{report_id}/reply", data={
        "csrf_token": csrf_token(page), "subject": "Re", "body": "Hello."})
    assert response.status_code == 409
    assert rows(app, ReportReply) == []


def test_reviewers_cannot_see_reports_or_reply(app, published, make_user):
    report_id = _report(app, published)
    reviewer = make_user(Role.REVIEWER)
    client = app.test_client()
    login(client, reviewer.email)
    token = csrf_token(client.get("/account/password").get_data(as_text=True))
    assert client.get("/editor/reports").status_code == 403
    assert client.get(f"/editor/reports/{report_id}").status_code == 403
    assert client.post(f"/editor/reports/{report_id}/reply", data={
        "csrf_token": token, "subject": "Re", "body": "Hello."}).status_code == 403
    assert "Reader reports" not in client.get("/review/").get_data(as_text=True)
    assert rows(app, ReportReply) == []


def test_reply_without_csrf_token_is_refused(app, published):
    report_id = _report(app, published)
    response = published["client"].post(f"/editor/reports/{report_id}/reply",
                                         data={"subject": "Re", "body": "Hello."})
    assert response.status_code == 400
    assert rows(app, ReportReply) == []


def test_a_refused_reply_keeps_what_the_editor_typed(app, published, mailbox):
    report_id = _report(app, published)
    client = published["client"]
    page = _reply_page(client, report_id)
    typed = "A long answer <with> words & more that must not be lost."
    response = client.post(f"/editor/reports/{report_id}/reply", data={
        "csrf_token": csrf_token(page), "subject": "", "body": typed})
    assert response.status_code == 422
    answer = response.get_data(as_text=True)
    assert html.escape(typed, quote=False) in answer
    assert re.search(r'id="subject-error"', answer)
    response = client.post(f"/editor/reports/{report_id}/reply", data={
        "csrf_token": csrf_token(page), "subject": "My subject", "body": "   "})
    assert response.status_code == 422
    answer = response.get_data(as_text=True)
    assert 'value="My subject"' in answer and 'id="body-error"' in answer
    assert rows(app, ReportReply) == [] and mailbox.to("reader@example.org") == []
    with app.app_context():
        assert db.session.get(ReaderReport, report_id).status == ReportStatus.NEW


def test_the_text_fixture_is_the_public_one():
    assert FIRST in TEXT and SECOND in TEXT


def test_a_refused_reply_is_retried_and_the_thread_says_where_it_stands(app, published,
                                                                        mailbox):
    report_id = _report(app, published)
    run_jobs(app)  # the editors' notification of the report goes first
    client = published["client"]
    page = _reply_page(client, report_id)
    mailbox.refuse_next(1)
    client.post(f"/editor/reports/{report_id}/reply", data={
        "csrf_token": csrf_token(page), "subject": "Re", "body": "Thank you."})
    run_jobs(app)
    [job] = [j for j in rows(app, Job) if j.kind == REPORT_REPLY_MAIL]
    assert job.status == JobStatus.PENDING and "451" in job.last_error
    assert mailbox.to("reader@example.org") == []
    assert "waiting to be sent" in _reply_page(client, report_id)
    with app.app_context():  # the back-off has passed
        db.session.get(Job, job.id).run_after = utcnow()
        db.session.commit()
    hand_over(app, [job.id])
    run_jobs(app)
    assert len(mailbox.to("reader@example.org")) == 1
    assert rows(app, Job, id=job.id)[0].status == JobStatus.DONE
    # A reply whose job gave up says so in the thread.
    with app.app_context():
        db.session.get(ReportReply, rows(app, ReportReply)[0].id).sent_at = None
        db.session.get(Job, job.id).status = JobStatus.FAILED
        db.session.commit()
    assert "could not be sent" in _reply_page(client, report_id)
    with app.app_context():  # housekeeping deleted the failed job: still not "waiting"
        db.session.delete(db.session.get(Job, job.id))
        db.session.commit()
    page = _reply_page(client, report_id)
    assert "could not be sent" in page and "waiting to be sent" not in page
