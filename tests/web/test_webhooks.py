"""Issue 13, outgoing webhooks: signed deliveries to a real local receiver for every event,
retries, refusals, the admin pages, and blind review kept in every body."""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import socket
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from sqlalchemy import update
from sqlmodel import select

from factcheck.dbtypes import utcnow
from factcheck.extensions import db
from factcheck.models import (
    Article,
    AuditEvent,
    Claim,
    Job,
    Review,
    User,
    Webhook,
    WebhookDelivery,
)
from factcheck.states import ClaimStatus, DeliveryStatus, JobStatus, Role, WebhookEvent
from factcheck.worker import hand_over, queue_of
from factcheck.workflow import WorkflowError
from factcheck.workflow import assignments as assignment_flow
from factcheck.workflow import evidence as evidence_flow
from factcheck.workflow import webhook_delivery as delivery_flow
from factcheck.workflow.articles import import_article
from factcheck.workflow.settings import set_setting
from factcheck.workflow.webhook_delivery import deliver
from factcheck.workflow.webhooks import create_webhook, send_ping

from ..helpers import csrf_token, login, post_form, retry_from_the_jobs_page, rows, run_jobs
from .test_blind_review_attacks import Desk
from .test_notifications import decide, publish, submit_both

PUBLIC = "https://checks.example.org/"
ALL_EVENTS = [str(e) for e in WebhookEvent]
DOCS = Path(__file__).resolve().parents[2] / "docs" / "webhooks.md"


# --- The receiver: a real HTTP server that checks signatures as a CMS would ---------------------


def verify(secret: str, body: bytes, header: str, tolerance: int = 300) -> bool:
    """The receiver's check, written here independently of factcheck's signing code."""
    parts = [p.partition("=") for p in header.split(",")]
    stamps = [v for k, _, v in parts if k == "t"]
    signatures = [v for k, _, v in parts if k == "v1"]
    if len(stamps) != 1 or not stamps[0].isdigit():
        return False
    if abs(time.time() - int(stamps[0])) > tolerance:
        return False
    expected = hmac.new(secret.encode(), f"{stamps[0]}.".encode() + body,
                        hashlib.sha256).hexdigest()
    return any(hmac.compare_digest(expected, s) for s in signatures)


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes
    verified: bool

    @property
    def json(self) -> dict:
        return json.loads(self.body)

    @property
    def event(self) -> str:
        return self.headers["X-Factcheck-Event"]


@dataclass
class Receiver:
    """Records every POST; answers 401 to a bad signature, else the next queued answer."""

    base: str = ""
    secrets: dict[str, str] = field(default_factory=dict)  # path -> the webhook's secret
    answers: list[tuple[int, str]] = field(default_factory=list)
    requests: list[Received] = field(default_factory=list)
    delay: float = 0.0  # seconds before answering
    lock: threading.Lock = field(default_factory=threading.Lock)

    def to(self, path: str) -> list[Received]:
        return [r for r in self.requests if r.path == path]


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    state = Receiver()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers["Content-Length"]))
            time.sleep(state.delay)
            secret = state.secrets.get(self.path)
            signed = secret is not None and verify(
                secret, body, self.headers.get("X-Factcheck-Signature", ""))
            with state.lock:
                state.requests.append(Received(self.path, dict(self.headers), body, signed))
                status, text = (state.answers.pop(0) if state.answers
                                else (200, "thanks") if signed else (401, "bad signature"))
            reply = text.encode()
            self.send_response(status)
            self.send_header("Content-Type", "text/plain; charset=utf-8")
            self.send_header("Content-Length", str(len(reply)))
            self.end_headers()
            self.wfile.write(reply)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    state.base = f"http://127.0.0.1:{server.server_port}"
    yield state
    server.shutdown()
    server.server_close()
    thread.join()


@pytest.fixture(autouse=True)
def _no_evidence_captures(monkeypatch):
    """These tests count the desk's jobs and queue: adding evidence asks for no copy of its
    page here (captures have their own tests, tests/web/test_evidence_capture.py)."""
    monkeypatch.setattr(evidence_flow, "request_capture", lambda session, **_kwargs: None)


@pytest.fixture
def app(make_app):
    """The test app may reach the receiver on 127.0.0.1 and links on a public address."""
    return make_app(URL_IMPORT_ALLOW_LOOPBACK=True, PUBLIC_URL=PUBLIC)


@pytest.fixture
def add_hook(app, make_user, receiver) -> Callable[..., int]:
    """Register a webhook through the workflow, its receiver path knowing its secret."""
    admin = make_user(Role.ADMIN)

    def register(name: str, events=ALL_EVENTS, *, format="json", active=True) -> int:
        with app.app_context():
            hook = create_webhook(db.session, actor=db.session.get(User, admin.id),
                                  url=f"{receiver.base}/{name}", events=events,
                                  format=format, active=active, name=name,
                                  allow={"allow_loopback": True})
            db.session.commit()
            receiver.secrets[f"/{name}"] = hook.secret
            return hook.id

    return register


def deliveries(app, **where) -> list[WebhookDelivery]:
    return sorted(rows(app, WebhookDelivery, **where), key=lambda d: d.id)


def article_of(desk: Desk) -> Article:
    return rows(desk.app, Article, id=desk.claim().article_id)[0]


def send_report(app, slug: str, message: str, contact: str = ""):
    reader = app.test_client()
    page = reader.get(f"/checks/{slug}/report").get_data(as_text=True)
    return reader.post(f"/checks/{slug}/report", data={
        "csrf_token": csrf_token(page), "claim": "1", "message": message, "contact": contact})


def every_event(desk: Desk) -> None:
    """Ready for decision, published, corrected, a reader report, unpublished, in order."""
    submit_both(desk)
    decide(desk)
    publish(desk)
    decide(desk, "editor", rating="half-true", version=1, correction_note="Rounded wrongly.")
    article = article_of(desk)
    assert send_report(desk.app, article.slug, "READER-MESSAGE is wrong.",
                       "reader@example.net").status_code == 302
    unpublished = desk["editor"].api("POST", f"/articles/{article.id}/unpublish", {})
    assert unpublished.status_code == 200, unpublished.json


# --- Each event, to its subscribers only --------------------------------------------------------


def test_each_event_reaches_the_webhooks_subscribed_to_it_signed(desk, app, receiver,
                                                                  add_hook):
    for event in ALL_EVENTS:
        add_hook(event.replace(".", "-"), [event])
    add_hook("everything")
    add_hook("switched-off", active=False)
    every_event(desk)
    assert receiver.requests == []  # nothing is sent from the request itself
    run_jobs(app)

    for event in ALL_EVENTS:
        got = receiver.to("/" + event.replace(".", "-"))
        assert [r.event for r in got] == [event], event
    everything = receiver.to("/everything")
    assert [r.event for r in everything] == [
        "claim.ready_for_decision", "check.published", "check.corrected", "report.received",
        "check.unpublished"]
    assert receiver.to("/switched-off") == []
    for request in receiver.requests:
        assert request.verified, request.path
        body = request.json
        assert body["event"] == request.event
        assert body["id"] == request.headers["X-Factcheck-Delivery"]
        assert request.headers["Content-Type"] == "application/json"
        assert request.headers["User-Agent"].startswith("factcheck/")
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", body["created_at"])
    assert {d.status for d in deliveries(app)} == {DeliveryStatus.DELIVERED}

    claim, article = desk.claim(), article_of(desk)
    ready, published, corrected, report, unpublished = (r.json["data"] for r in everything)
    assert ready == {
        "claim": {"id": claim.id, "number": 1, "text": claim.text,
                  "url": f"{PUBLIC}editor/claims/{claim.id}/decide"},
        "article": {"id": article.id, "title": "Jobs",
                    "url": f"{PUBLIC}editor/articles/{article.id}"}}
    check_url = f"{PUBLIC}checks/{article.slug}"
    assert published["check"]["url"] == check_url and published["check"]["version"] == 1
    [shown] = published["check"]["claims"]
    assert shown["verdict"]["name"] == "Mostly true" and shown["decided"] is True
    assert shown["summary"] == "Close to the figures." and shown["url"] == f"{check_url}#claim-1"
    assert corrected["claim"]["verdict"]["name"] == "Half true"
    assert corrected["corrections"][0] | {"created_at": None} == {
        "kind": "verdict", "before": "Mostly true", "after": "Half true",
        "note": "Rounded wrongly.", "created_at": None}
    assert corrected["check"]["version"] == 2
    assert report["report"]["url"] == f"{PUBLIC}editor/reports#report-{report['report']['id']}"
    assert report["check"]["url"] == check_url
    assert unpublished == {"check": {"article_id": article.id, "title": "Jobs",
                                     "slug": article.slug, "url": check_url}}
    for request in receiver.requests:  # the reader's words and address stay in the inbox
        assert b"READER-MESSAGE" not in request.body and b"reader@example.net" not in request.body


def test_nothing_is_written_or_sent_without_a_subscriber(desk, app, receiver, add_hook):
    add_hook("reports-only", [str(WebhookEvent.REPORT_RECEIVED)])
    submit_both(desk)
    decide(desk)
    publish(desk)
    assert deliveries(app) == [] and rows(app, Job) == []
    assert run_jobs(app) == 0 and receiver.requests == []


# --- Signatures ----------------------------------------------------------------------------------


def test_the_signature_verifies_and_a_tampered_body_does_not(desk, app, receiver, add_hook):
    add_hook("cms", [str(WebhookEvent.CLAIM_READY_FOR_DECISION)])
    submit_both(desk)
    run_jobs(app)
    [request] = receiver.to("/cms")
    secret, header = receiver.secrets["/cms"], request.headers["X-Factcheck-Signature"]
    assert request.verified and verify(secret, request.body, header)
    assert re.fullmatch(r"t=\d+,v1=[0-9a-f]{64}", header)
    assert not verify(secret, request.body.replace(b"Jobs", b"Jabs"), header)
    assert not verify(secret, request.body + b" ", header)
    assert not verify(secret + "x", request.body, header)
    stamp = int(header.split(",")[0][2:])
    forged = header.replace(f"t={stamp}", f"t={stamp + 1}")  # a new time needs a new signature
    assert not verify(secret, request.body, forged)


def test_the_documented_snippet_verifies_real_deliveries(desk, app, receiver, add_hook):
    code = re.search(r"```python\n(.*?)```", DOCS.read_text(), re.DOTALL).group(1)
    documented: dict = {}
    exec(compile(code, str(DOCS), "exec"), documented)  # noqa: S102 (our own documentation)
    add_hook("cms", [str(WebhookEvent.CLAIM_READY_FOR_DECISION)])
    submit_both(desk)
    run_jobs(app)
    [request] = receiver.to("/cms")
    header, secret = request.headers["X-Factcheck-Signature"], receiver.secrets["/cms"]
    assert documented["verify"](secret, request.body, header)
    assert not documented["verify"](secret, request.body[:-1] + b" ", header)
    assert not documented["verify"]("whsec_wrong", request.body, header)


def test_a_rotated_secret_signs_beside_the_old_one_for_a_day(app, client, make_user, receiver,
                                                              add_hook):
    hook_id = add_hook("cms", [str(WebhookEvent.REPORT_RECEIVED)])
    old = receiver.secrets["/cms"]
    login(client, make_user(Role.ADMIN).email)
    page = f"/admin/webhooks/{hook_id}"
    assert post_form(client, f"{page}/rotate", {}, page=page).status_code == 302
    [hook] = rows(app, Webhook, id=hook_id)
    assert hook.secret != old and hook.secret.startswith("whsec_")
    assert hook.secret in client.get(page).get_data(as_text=True)
    assert post_form(client, f"{page}/ping", {}, page=page).status_code == 302
    run_jobs(app)
    [request] = receiver.to("/cms")
    header = request.headers["X-Factcheck-Signature"]
    assert header.count("v1=") == 2
    assert verify(old, request.body, header) and verify(hook.secret, request.body, header)
    with app.app_context():  # a day later only the new secret signs
        db.session.exec(update(Webhook).values(previous_secret_until=utcnow()))
        db.session.commit()
    assert post_form(client, f"{page}/ping", {}, page=page).status_code == 302
    run_jobs(app)
    header = receiver.to("/cms")[1].headers["X-Factcheck-Signature"]
    assert header.count("v1=") == 1 and not verify(old, receiver.to("/cms")[1].body, header)
    actions = [a.action for a in rows(app, AuditEvent) if a.object_type == "webhooks"]
    assert actions == ["webhook.create", "webhook.rotate_secret", "webhook.ping",
                       "webhook.ping"]
    assert not any(old in json.dumps(a.details) or hook.secret in json.dumps(a.details)
                   for a in rows(app, AuditEvent))


# --- Transactions, retries, refusals -------------------------------------------------------------


def test_a_rolled_back_request_sends_nothing(desk, app, receiver, add_hook, monkeypatch):
    add_hook("cms", [str(WebhookEvent.CLAIM_READY_FOR_DECISION)])
    real_emit = assignment_flow.emit

    def emit_then_fail(session, event, **subject):
        assert real_emit(session, event, **subject) == 1  # the delivery and job are written
        raise WorkflowError("Something later in the request went wrong.", code="conflict")

    monkeypatch.setattr(assignment_flow, "emit", emit_then_fail)
    assert desk.assign("r1").status_code == 201 and desk.assign("r2").status_code == 201
    source = desk.evidence("r2", "october")
    assert desk.submit("r2", "Two.", [source]).status_code == 201
    assert desk.submit("r1", "One.", [source], rating="true").status_code == 409
    assert deliveries(app) == [] and rows(app, Job) == []
    assert queue_of(app)[0].pending_count() == 0
    assert run_jobs(app) == 0 and receiver.requests == []


def _due_now(app) -> list[int]:
    with app.app_context():
        db.session.exec(update(Job).values(run_after=utcnow()))
        db.session.commit()
        return list(db.session.exec(select(Job.id).where(Job.status == JobStatus.PENDING)).all())


def test_a_500_is_retried_and_delivered_once_under_the_same_id(desk, app, receiver, add_hook):
    add_hook("cms", [str(WebhookEvent.CLAIM_READY_FOR_DECISION)])
    receiver.answers = [(500, "database down"), (503, "still down")]
    submit_both(desk)
    run_jobs(app)
    [delivery] = deliveries(app)
    assert (delivery.status, delivery.attempts, delivery.response_status) == (
        DeliveryStatus.PENDING, 1, 500)
    assert delivery.response_excerpt == "database down"
    [job] = rows(app, Job)
    assert job.status == JobStatus.PENDING and job.run_after > utcnow() + timedelta(seconds=5)
    hand_over(app, _due_now(app))
    run_jobs(app)
    assert deliveries(app)[0].response_status == 503
    hand_over(app, _due_now(app))
    run_jobs(app)
    [delivery] = deliveries(app)
    assert (delivery.status, delivery.attempts, delivery.response_status) == (
        DeliveryStatus.DELIVERED, 3, 200)
    sent = receiver.to("/cms")
    assert len(sent) == 3 and len({r.body for r in sent}) == 1
    assert {r.headers["X-Factcheck-Delivery"] for r in sent} == {delivery.uuid}
    hand_over(app, [job.id])  # the queue hands the job over again, or a worker re-runs it
    run_jobs(app)
    with app.app_context():
        assert deliver(db.session, {"delivery_id": delivery.id}) == {"status": 200}
    assert len(receiver.to("/cms")) == 3


def test_a_receiver_down_for_good_fails_after_six_attempts(desk, app, receiver, add_hook):
    add_hook("cms", [str(WebhookEvent.CLAIM_READY_FOR_DECISION)])
    receiver.answers = [(502, "bad gateway")] * 6
    submit_both(desk)
    for _attempt in range(6):
        run_jobs(app)
        hand_over(app, _due_now(app))
    [delivery] = deliveries(app)
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.FAILED, 6)
    assert delivery.error == "The receiver answered HTTP 502."
    assert rows(app, Job)[0].status == JobStatus.FAILED
    assert len(receiver.to("/cms")) == 6


def test_a_delivery_whose_job_crashes_every_time_fails_and_is_sent_again(desk, app, client,
                                                                         make_user, receiver,
                                                                         add_hook, monkeypatch):
    hook_id = add_hook("cms", [str(WebhookEvent.CLAIM_READY_FOR_DECISION)])
    admin = make_user(Role.ADMIN)
    login(client, admin.email)
    page = f"/admin/webhooks/{hook_id}"

    def crash(*_args, **_options):
        raise RuntimeError("TLS library exploded")

    with monkeypatch.context() as patched:
        patched.setattr(delivery_flow, "post_json", crash)
        submit_both(desk)
        for _attempt in range(6):
            run_jobs(app)
            hand_over(app, _due_now(app))
        [delivery] = deliveries(app)
        [job] = rows(app, Job)
        assert job.status == JobStatus.FAILED
        # Failed with the job's reason, not "pending" for ever: it can be sent again.
        assert (delivery.status, delivery.error) == (DeliveryStatus.FAILED,
                                                     "RuntimeError: TLS library exploded")
        row = client.get(page).get_data(as_text=True).split(f'id="delivery-{delivery.id}"')[1]
        assert "Redeliver" in row[:row.index("</tr>")]
        redeliver = f"{page}/deliveries/{delivery.id}/redeliver"
        assert post_form(client, redeliver, {}, page=page).status_code == 302
        for _attempt in range(6):
            run_jobs(app)
            hand_over(app, _due_now(app))
        assert deliveries(app)[0].status == DeliveryStatus.FAILED
    # Retry on the jobs page puts the delivery back to pending, as Redeliver does.
    assert retry_from_the_jobs_page(app, admin.email, job.id)
    assert deliveries(app)[0].status == DeliveryStatus.PENDING
    run_jobs(app)
    assert deliveries(app)[0].status == DeliveryStatus.DELIVERED
    [sent] = receiver.to("/cms")
    assert sent.verified and sent.headers["X-Factcheck-Delivery"] == delivery.uuid


def test_a_slow_receiver_is_cut_off_at_the_deadline_and_retried(make_app, make_user,
                                                                 receiver):
    app = make_app(URL_IMPORT_ALLOW_LOOPBACK=True, WEBHOOK_TIMEOUT=0.5)
    with app.app_context():
        hook = create_webhook(db.session, actor=db.session.get(User, make_user(Role.ADMIN).id),
                              url=f"{receiver.base}/slow", events=ALL_EVENTS, format="json",
                              allow={"allow_loopback": True})
        send_ping(db.session, webhook=hook, actor=db.session.get(User, hook.created_by_id))
        db.session.commit()
    receiver.delay = 3.0
    started = time.monotonic()
    run_jobs(app)
    assert time.monotonic() - started < 2.5
    [delivery] = deliveries(app)
    assert (delivery.status, delivery.attempts, delivery.response_status) == (
        DeliveryStatus.PENDING, 1, None)
    assert delivery.error == "127.0.0.1 did not answer within 0.5 seconds."
    assert rows(app, Job)[0].status == JobStatus.PENDING


@pytest.mark.parametrize(("status", "error"), [
    (404, "The receiver answered HTTP 404."),
    (301, "The receiver answered with a redirect (HTTP 301)")])
def test_a_redirect_or_a_refusal_fails_at_once(desk, app, receiver, add_hook, status, error):
    add_hook("cms", [str(WebhookEvent.CLAIM_READY_FOR_DECISION)])
    receiver.answers = [(status, "no")]
    submit_both(desk)
    run_jobs(app)
    [delivery] = deliveries(app)
    assert (delivery.status, delivery.attempts, delivery.response_status) == (
        DeliveryStatus.FAILED, 1, status)
    assert delivery.error.startswith(error)
    assert rows(app, Job)[0].status == JobStatus.FAILED


@pytest.fixture
def cms_on_loopback(monkeypatch, receiver) -> str:
    """cms.example.org resolves to 127.0.0.1, the receiver (a name, not an IP literal)."""
    real = socket.getaddrinfo

    def resolve(host, port, *args, **kwargs):
        return real("127.0.0.1" if host == "cms.example.org" else host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", resolve)
    return receiver.base.replace("127.0.0.1", "cms.example.org")


def test_a_private_address_is_refused_without_the_setting(make_app, make_user, receiver,
                                                           cms_on_loopback):
    strict = make_app(PUBLIC_URL=PUBLIC)  # neither loopback nor private allowed
    client = strict.test_client()
    login(client, make_user(Role.ADMIN).email)
    form = {"name": "Intranet CMS", "url": f"{receiver.base}/cms", "format": "json",
            "active": "y", "events": [str(WebhookEvent.CHECK_PUBLISHED)]}
    refused = post_form(client, "/admin/webhooks/new", form)
    assert refused.status_code == 422
    assert "Webhooks to 127.0.0.1 are not allowed" in refused.get_data(as_text=True)
    for private in ("http://10.1.2.3/hook", "http://[::1]/hook", "http://localhost:8080/"):
        page = post_form(client, "/admin/webhooks/new", {**form, "url": private})
        assert page.status_code == 422 and "are not allowed" in page.get_data(as_text=True)
    assert rows(strict, Webhook) == []

    # A host name is only known to be private once resolved: at delivery, refused at once.
    saved = post_form(client, "/admin/webhooks/new", {**form, "url": f"{cms_on_loopback}/cms"})
    assert saved.status_code == 302
    [hook] = rows(strict, Webhook)
    receiver.secrets["/cms"] = hook.secret
    page = f"/admin/webhooks/{hook.id}"
    assert post_form(client, f"{page}/ping", {}, page=page).status_code == 302
    run_jobs(strict)
    [delivery] = deliveries(strict)
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.FAILED, 1)
    assert "Webhooks to cms.example.org are not allowed" in delivery.error
    assert receiver.requests == []

    # With the setting, the same delivery goes through when sent again.
    allowed = make_app(PUBLIC_URL=PUBLIC, URL_IMPORT_ALLOW_LOOPBACK=True)
    admin = allowed.test_client()
    login(admin, make_user(Role.ADMIN).email)
    again = post_form(admin, f"{page}/deliveries/{delivery.id}/redeliver", {}, page=page)
    assert again.status_code == 302
    run_jobs(allowed)
    [request] = receiver.requests
    assert request.verified and request.headers["Host"].startswith("cms.example.org:")
    assert request.headers["X-Factcheck-Delivery"] == delivery.uuid
    assert deliveries(allowed)[0].status == DeliveryStatus.DELIVERED


# --- The admin pages ----------------------------------------------------------------------------


@pytest.fixture
def admin(client, make_user) -> User:
    user = make_user(Role.ADMIN)
    login(client, user.email)
    return user


@pytest.mark.parametrize("url", ["ftp://cms.example.org/hook", "javascript:alert(1)",
                                 "file:///etc/passwd", "http://", "cms.example.org/hook",
                                 "https://user:pw@cms.example.org/hook"])
def test_only_http_addresses_are_accepted_and_nothing_typed_is_lost(app, client, admin, url):
    response = post_form(client, "/admin/webhooks/new", {
        "name": "CMS-NAME-TYPED", "url": url, "format": "slack", "active": "y",
        "events": [str(WebhookEvent.CHECK_CORRECTED), str(WebhookEvent.REPORT_RECEIVED)]})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'value="CMS-NAME-TYPED"' in page
    assert re.search(r'value="check.corrected"[^>]*checked|checked[^>]*value="check.corrected"',
                     page)
    assert not re.search(r'value="check.published"[^>]*checked', page)
    assert re.search(r'<option selected value="slack">|<option value="slack" selected', page)
    assert rows(app, Webhook) == []


def test_an_admin_adds_edits_and_deletes_a_webhook(app, client, admin, receiver):
    assert 'href="/admin/webhooks"' in client.get("/").get_data(as_text=True)
    added = post_form(client, "/admin/webhooks/new", {
        "name": "Desk channel", "url": f"{receiver.base}/slack", "format": "slack",
        "active": "y", "events": [str(WebhookEvent.CLAIM_READY_FOR_DECISION)]})
    assert added.status_code == 302
    [hook] = rows(app, Webhook)
    assert added.headers["Location"] == f"/admin/webhooks/{hook.id}"
    assert (hook.events, hook.format, hook.active, hook.created_by_id) == (
        ["claim.ready_for_decision"], "slack", True, admin.id)
    assert "Desk channel" in client.get("/admin/webhooks").get_data(as_text=True)
    edit = f"/admin/webhooks/{hook.id}/edit"
    form = client.get(edit).get_data(as_text=True)
    assert 'value="claim.ready_for_decision" checked' in form or re.search(
        r'checked[^>]*value="claim.ready_for_decision"', form)
    saved = post_form(client, edit, {
        "name": "Desk channel", "url": f"{receiver.base}/slack2", "format": "json",
        "events": ["check.published", "check.unpublished"], "version": str(hook.version)})
    assert saved.status_code == 302
    [hook] = rows(app, Webhook)
    assert (hook.url, hook.events, hook.format, hook.active) == (
        f"{receiver.base}/slack2", ["check.published", "check.unpublished"], "json", False)
    stale = post_form(client, edit, {
        "name": "MY-EDIT", "url": f"{receiver.base}/mine", "format": "json",
        "events": ["check.published"], "active": "y", "version": "1"})
    page = stale.get_data(as_text=True)
    assert stale.status_code == 409 and "Someone else changed this webhook" in page
    assert 'value="MY-EDIT"' in page and rows(app, Webhook)[0].url.endswith("/slack2")
    page = f"/admin/webhooks/{hook.id}"
    deleted = post_form(client, f"{page}/delete", {}, page=page)
    assert deleted.status_code == 302 and deleted.headers["Location"] == "/admin/webhooks"
    assert rows(app, Webhook) == []
    actions = [a.action for a in rows(app, AuditEvent) if a.object_type == "webhooks"]
    assert actions == ["webhook.create", "webhook.update", "webhook.delete"]


def test_the_webhook_page_lists_deliveries_with_responses_and_redelivers(desk, app, client,
                                                                          admin, receiver,
                                                                          add_hook):
    hook_id = add_hook("cms", [str(WebhookEvent.CLAIM_READY_FOR_DECISION)])
    receiver.answers = [(410, "RECEIVER-GONE-TODAY"), (202, "RECEIVER-ACCEPTED")]
    submit_both(desk)
    run_jobs(app)
    [delivery] = deliveries(app)
    page = client.get(f"/admin/webhooks/{hook_id}").get_data(as_text=True)
    row = page[page.index(f'id="delivery-{delivery.id}"'):]
    row = row[:row.index("</tr>")]
    for shown in ("claim.ready_for_decision", "Failed", "410", "RECEIVER-GONE-TODAY",
                  "The receiver answered HTTP 410.", "Redeliver", delivery.uuid):
        assert shown in row, shown
    redeliver = (f"/admin/webhooks/{hook_id}/deliveries/{delivery.id}/redeliver")
    assert post_form(client, redeliver, {}, page=f"/admin/webhooks/{hook_id}"
                     ).status_code == 302
    assert rows(app, WebhookDelivery)[0].status == DeliveryStatus.PENDING
    run_jobs(app)
    [delivery] = deliveries(app)
    assert (delivery.status, delivery.attempts, delivery.response_status) == (
        DeliveryStatus.DELIVERED, 2, 202)
    first, second = receiver.to("/cms")
    assert first.body == second.body and second.verified
    page = client.get(f"/admin/webhooks/{hook_id}").get_data(as_text=True)
    assert "RECEIVER-ACCEPTED" in page and "Delivered" in page
    again = post_form(client, redeliver, {}, page=f"/admin/webhooks/{hook_id}")
    assert "Only a failed delivery can be sent again." in client.get(
        again.headers["Location"]).get_data(as_text=True)
    assert "Delivered" in client.get("/admin/webhooks").get_data(as_text=True)


def test_only_the_latest_twenty_deliveries_are_listed(app, client, admin, receiver, add_hook):
    hook_id = add_hook("cms", [str(WebhookEvent.REPORT_RECEIVED)])
    page = f"/admin/webhooks/{hook_id}"
    for _n in range(22):
        assert post_form(client, f"{page}/ping", {}, page=page).status_code == 302
    ids = [d.id for d in deliveries(app)]
    shown = [int(n) for n in re.findall(r'id="delivery-(\d+)"',
                                         client.get(page).get_data(as_text=True))]
    assert shown == sorted(ids, reverse=True)[:20]


def test_non_admins_get_403_on_every_webhook_route(app, make_user, receiver, add_hook):
    hook_id = add_hook("cms")
    with app.app_context():
        delivery = WebhookDelivery(webhook_id=hook_id, event="ping", uuid="u-1", body="{}",
                                   status=DeliveryStatus.FAILED)
        db.session.add(delivery)
        db.session.commit()
        delivery_id = delivery.id
    rules = [r for r in app.url_map.iter_rules() if r.endpoint.startswith("webhooks.")]
    assert len(rules) == 8
    for role in (None, Role.REVIEWER, Role.EDITOR):
        client = app.test_client()
        if role is not None:
            login(client, make_user(role).email)
        form_page = "/login" if role is None else "/account/password"
        token = csrf_token(client.get(form_page).get_data(as_text=True))
        for rule in rules:
            url = rule.build({"webhook_id": hook_id, "delivery_id": delivery_id},
                             append_unknown=False)[1]
            method = "GET" if "GET" in rule.methods else "POST"
            response = client.open(url, method=method, data={"csrf_token": token})
            if role is None:
                assert response.status_code == 302, url
                assert response.headers["Location"].startswith("/login"), url
            else:
                assert response.status_code == 403, (role, url)
    [hook] = rows(app, Webhook)
    assert hook.version == 1 and rows(app, WebhookDelivery)[0].status == "failed"


def test_the_action_buttons_need_the_csrf_token(app, client, admin, add_hook):
    hook_id = add_hook("cms")
    for action in ("rotate", "ping", "delete"):
        assert client.post(f"/admin/webhooks/{hook_id}/{action}").status_code == 400
    assert rows(app, WebhookDelivery) == [] and len(rows(app, Webhook)) == 1


# --- Slack ---------------------------------------------------------------------------------------

LONG_TITLE = "Afghan leaders & elders agree on a national consensus for the peace talks in Doha"
ARTICLE = ("The minister said unemployment fell to 3.5 percent in October. "
           "Exports rose by 12 percent last year. "
           "Inflation reached 9 percent in March, the highest rate since 2019.")


def test_slack_format_says_which_claim_is_ready_for_decision(desk, app, receiver, add_hook):
    add_hook("slack", [str(WebhookEvent.CLAIM_READY_FOR_DECISION)], format="slack")
    with app.app_context():
        article = import_article(db.session, title=LONG_TITLE, body=ARTICLE, actor=None)
        claims = db.session.exec(select(Claim).where(Claim.article_id == article.id)
                                 .order_by(Claim.position)).all()
        third = claims[2]
        assert third.text.startswith("Inflation")
        third.status = ClaimStatus.SELECTED
        db.session.commit()
        claim_id = third.id
    other = Desk(app, desk.people, claim_id)
    submit_both(other)
    run_jobs(app)
    [request] = receiver.to("/slack")
    assert request.verified and request.event == "claim.ready_for_decision"
    assert request.json == {"text": (
        "Claim 3 of 'Afghan leaders &amp; elders agree on a national consensus for…' "
        f"is ready for decision: {PUBLIC}editor/claims/{claim_id}/decide")}


# --- Blind review --------------------------------------------------------------------------------

SECRET_RATING = "False and ridiculous"  # the name of the unpublished claim's review rating
SECRET_RATIONALE = "SECRET-RATIONALE-B the figure is made up"
SECRET_DRAFT = "SECRET-DRAFT-B still reading"
SECRET_PUBLISHED_RATIONALE = "SECRET-RATIONALE-A"  # a published claim's: the page shows it,
# but bodies carry no reviewer's reasoning at all


def test_no_webhook_reveals_a_review_of_an_unpublished_claim(desk, app, receiver, add_hook):
    """Claim A is decided and published (with claim B "still being checked"), corrected,
    reported and unpublished; claim B, never published, is submitted by r2 (ready for
    decision) while editor2 holds a draft. No body of any event, in either format, holds
    B's rating, rationale or draft."""
    add_hook("json")
    add_hook("slack", format="slack")
    article_id = desk.claim().article_id
    with app.app_context():
        set_setting(db.session, key="reviews_required", value=1,
                    actor=db.session.get(User, desk["editor"].user.id))
        article = db.session.get(Article, article_id)
        second = Claim(article_id=article.id, start=0, end=len(article.body), position=1,
                       text="Unemployment was the lowest since 2019.",
                       status=ClaimStatus.SELECTED)
        db.session.add(second)
        db.session.commit()
        b_id, slug = second.id, article.slug
    b = Desk(app, desk.people, b_id)
    assert b.assign("editor2").status_code == 201 and b.assign("r2").status_code == 201
    source = b.evidence("r2", "october")
    assert b.draft("editor2", SECRET_DRAFT, [source]).status_code == 302
    assert b.submit("r2", SECRET_RATIONALE, [source],
                    rating="false-ridiculous").status_code == 201  # B ready for decision

    assert desk.assign("r1").status_code == 201
    a_source = desk.evidence("r1", "november")
    assert desk.submit("r1", SECRET_PUBLISHED_RATIONALE, [a_source],
                       rating="true").status_code == 201  # A ready for decision
    decide(desk)
    response = desk["decider"].api("POST", f"/articles/{article_id}/publish",
                                   {"include_open": True})
    assert response.status_code == 200, response.json
    decide(desk, "editor", rating="half-true", version=1, correction_note="Rounded.")
    assert send_report(app, slug, "Claim 2 is wrong.").status_code == 302
    assert desk["decider"].api("POST", f"/articles/{article_id}/unpublish", {}
                               ).status_code == 200
    with app.app_context():  # the markers are really stored, waiting to leak
        texts = [r.rationale for r in db.session.exec(select(Review)).all()]
        assert SECRET_RATIONALE in texts and SECRET_DRAFT in texts
    run_jobs(app)

    by_event: dict[str, list[Received]] = {}
    for request in receiver.requests:
        assert request.verified
        by_event.setdefault(request.event, []).append(request)
    assert set(by_event) == set(ALL_EVENTS)
    ready = [r.json["data"]["claim"]["id"] for r in by_event["claim.ready_for_decision"]
             if "data" in r.json]
    assert sorted(ready) == sorted([b_id, desk.claim_id])
    [published] = [r.json for r in by_event["check.published"] if "data" in r.json]
    open_claim = [c for c in published["data"]["check"]["claims"] if c["id"] == b_id]
    assert open_claim and open_claim[0]["decided"] is False and open_claim[0]["verdict"] is None
    secrets = (SECRET_RATING, SECRET_RATIONALE, SECRET_DRAFT, SECRET_PUBLISHED_RATIONALE,
               "false-ridiculous")
    for event in ALL_EVENTS:
        for request in by_event[event]:
            readable = json.dumps(request.json, ensure_ascii=False)
            for secret in secrets:
                assert secret.encode() not in request.body, (event, secret)
                assert secret not in readable, (event, secret)
    assert {d.status for d in deliveries(app)} == {DeliveryStatus.DELIVERED}
