"""Issue 17, first step: a preserved copy of every cited page, fetched in the background
from a real local web server, stored as a WARC with its hash and text, shown on the API
and the review page, asked for again by whoever may edit the source."""

from __future__ import annotations

import contextlib
import hashlib
import io
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from sqlalchemy import update
from warcio.archiveiterator import ArchiveIterator

from factcheck.dbtypes import utcnow
from factcheck.extensions import db
from factcheck.intake import fetch
from factcheck.models import EvidenceCapture, Job
from factcheck.states import CaptureStatus, JobStatus, Role
from factcheck.worker import hand_over
from factcheck.workflow import captures as captures_flow
from factcheck.workflow import jobs as job_flow
from factcheck.workflow.captures import KIND, run_capture
from factcheck.workflow.settings import set_setting

from ..helpers import retry_from_the_jobs_page, rows, run_jobs, run_jobs_through_retries
from .test_blind_review_attacks import Desk

ARTICLE = """<!doctype html><html><head><title>October labour report</title></head><body>
<nav><a href="/">Home</a> <a href="/about">About</a></nav>
<article><h1>October labour report</h1>
<p>The statistics office published its monthly labour force survey on Friday morning,
covering every province and both urban and rural households.</p>
<p>The unemployment rate was 3.5% in October, the lowest since 2019, the office said in
its report, adding that the figures are seasonally adjusted.</p>
<p>Economists had expected a rate of 3.7 percent, according to a survey of analysts
carried out by the national news agency earlier in the week.</p>
</article><footer>Copyright the statistics office</footer></body></html>""".encode()  # noqa: UP012
QUOTE = "\u201cThe unemployment rate was\n3.5% in October,\u201d"


@dataclass
class Page:
    body: bytes = ARTICLE
    type: str = "text/html; charset=utf-8"
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    length: bool = True  # send Content-Length (else the body ends when the connection does)


class Site:
    """A real web server on a loopback address, serving `pages` by path."""

    def __init__(self, host: str = "127.0.0.1") -> None:
        self.pages: dict[str, Page] = {"/article": Page()}
        self.requests: list[str] = []
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                site.requests.append(self.path)
                page = site.pages.get(self.path, Page(b"missing", "text/plain", 404))
                time.sleep(page.delay)
                self.send_response(page.status)
                self.send_header("Content-Type", page.type)
                if page.length:
                    self.send_header("Content-Length", str(len(page.body)))
                for name, value in page.headers.items():
                    self.send_header(name, value)
                self.end_headers()
                with contextlib.suppress(OSError):  # the client gave up (the deadline)
                    self.wfile.write(page.body)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer((host, 0), Handler)
        self.server.daemon_threads = True
        self.server.block_on_close = False
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        self.base = f"http://{host}:{self.server.server_port}"

    def url(self, path: str) -> str:
        return self.base + path

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join()


@pytest.fixture
def site() -> Iterator[Site]:
    served = Site()
    yield served
    served.close()


@pytest.fixture
def app(make_app):
    """The desk may fetch pages from the test's server on 127.0.0.1."""
    return make_app(URL_IMPORT_ALLOW_LOOPBACK=True)


@pytest.fixture(autouse=True)
def _assigned(desk) -> None:
    """Both reviewers are assigned to the desk's claim."""
    assert desk.assign("r1").status_code == 201 and desk.assign("r2").status_code == 201


def add(desk: Desk, name: str, url: str, quote: str = QUOTE, **extra):
    response = desk[name].api("POST", f"/claims/{desk.claim_id}/evidence", {
        "url": url, "stance": "supports", "title": "October labour report", "quote": quote,
        **extra})
    assert response.status_code == 201, response.json
    return response.json


def preservation(desk: Desk, evidence_id: int, name: str = "editor") -> dict:
    claim = desk[name].api("GET", f"/claims/{desk.claim_id}")
    assert claim.status_code == 200, claim.json
    return next(e for e in claim.json["evidence"] if e["id"] == evidence_id)["preservation"]


def captures(app, evidence_id: int) -> list[EvidenceCapture]:
    return sorted(rows(app, EvidenceCapture, evidence_id=evidence_id), key=lambda c: c.id)


# --- A page preserved, its WARC readable, the quote found -------------------------------------


def test_an_html_page_is_preserved_as_a_warc_with_its_hash_and_the_quote(desk, app, site):
    added = add(desk, "r1", site.url("/article"))
    assert added["preservation"] == {
        "status": "pending", "reason": "", "captured_at": None, "final_url": None,
        "http_status": None, "sha256": None, "quote_found": None, "copies": 0,
        "wayback": None}
    assert site.requests == []  # fetched by the worker, not in the request
    assert run_jobs(app) == 1

    kept = preservation(desk, added["id"])
    digest = hashlib.sha256(ARTICLE).hexdigest()
    assert kept["status"] == "preserved" and kept["reason"] == ""
    assert (kept["http_status"], kept["sha256"], kept["quote_found"], kept["copies"]) == (
        200, digest, True, 1)
    assert kept["final_url"] == site.url("/article") and kept["captured_at"]

    [capture] = captures(app, added["id"])
    assert capture.content_type == "text/html" and capture.size == len(ARTICLE)
    assert capture.title == "October labour report"
    assert "Copyright" not in capture.text  # the main text, not the page's furniture
    found = capture.text[capture.quote_start:capture.quote_end]
    assert " ".join(found.split()) == "The unemployment rate was 3.5% in October,"

    records = {}
    for record in ArchiveIterator(io.BytesIO(capture.warc)):
        records[record.rec_type] = (record.rec_headers.get_header("WARC-Target-URI"),
                                    record.http_headers, record.content_stream().read())
    assert set(records) == {"request", "response"}
    uri, request_headers, _empty = records["request"]
    assert uri == site.url("/article")
    assert request_headers.protocol == "GET" and "/article" in request_headers.statusline
    assert request_headers.get_header("User-Agent").startswith("factcheck/")
    uri, response_headers, body = records["response"]
    assert uri == site.url("/article") and response_headers.get_statuscode() == "200"
    assert response_headers.get_header("Content-Type") == "text/html; charset=utf-8"
    assert hashlib.sha256(body).hexdigest() == digest == capture.sha256


def test_a_quote_missing_from_the_page_is_flagged_on_the_review_page(desk, app, site):
    added = add(desk, "r1", site.url("/article"), quote="Unemployment rose to 9 percent.")
    status, page = desk.workspace("r1")
    assert status == 200 and "Capture pending" in page
    run_jobs(app)
    kept = preservation(desk, added["id"])
    assert (kept["status"], kept["quote_found"]) == ("preserved", False)
    [capture] = captures(app, added["id"])
    assert capture.quote_start is None and capture.quote_end is None
    status, page = desk.workspace("r1")
    assert "Preserved " in page and "Quote not found in the preserved page" in page


def test_no_quote_or_no_text_leaves_quote_found_null(desk, app, site):
    site.pages["/chart.png"] = Page(b"\x89PNG\r\n\x1a\nnot really", "image/png")
    site.pages["/plain"] = Page(b"The unemployment rate was 3.5% in October, the office said.",
                                "text/plain")
    image = add(desk, "r1", site.url("/chart.png"))
    untitled = add(desk, "r1", site.url("/article"), quote="", title="Report")
    plain = add(desk, "r1", site.url("/plain"))
    run_jobs(app)
    assert preservation(desk, image["id"])["status"] == "preserved"
    assert preservation(desk, image["id"])["quote_found"] is None
    assert captures(app, image["id"])[0].text == ""
    assert preservation(desk, untitled["id"])["quote_found"] is None
    assert preservation(desk, plain["id"])["quote_found"] is True


# --- What is not preserved, and why --------------------------------------------------------------


@pytest.fixture
def public_loopback(monkeypatch):
    """127.0.0.1 counts as a public address (the "outside" site); other addresses, such as
    127.0.0.2 or 10.1.2.3, are judged by the real rules."""
    real = fetch.address_allowed

    def allowed(address: str, **allow: bool) -> bool:
        return address == "127.0.0.1" or real(address, **allow)

    monkeypatch.setattr(fetch, "address_allowed", allowed)


@pytest.mark.parametrize("target", ["http://10.1.2.3/secret", "http://127.0.0.2:{port}/inside"])
def test_a_redirect_to_a_private_or_local_address_is_refused(make_app, desk, site,
                                                             public_loopback, target):
    strict = make_app()  # neither private nor loopback addresses allowed
    inside = Site("127.0.0.2")
    try:
        site.pages["/moved"] = Page(b"", status=302, headers={
            "Location": target.format(port=inside.server.server_port)})
        added = add(desk, "r1", site.url("/moved"))
        run_jobs(strict)
        kept = preservation(desk, added["id"])
        assert kept["status"] == "not_preserved" and kept["copies"] == 0
        assert "is a private or local address" in kept["reason"]
        assert inside.requests == []
    finally:
        inside.close()


def test_a_redirect_to_a_loopback_address_is_followed_with_the_setting(make_app, desk, site,
                                                                        public_loopback):
    allowed = make_app(URL_IMPORT_ALLOW_LOOPBACK=True)
    inside = Site("127.0.0.2")
    try:
        site.pages["/moved"] = Page(b"", status=301, headers={"Location": inside.url("/article")})
        added = add(desk, "r1", site.url("/moved"))
        run_jobs(allowed)
        kept = preservation(desk, added["id"])
        assert kept["status"] == "preserved" and kept["final_url"] == inside.url("/article")
        assert inside.requests == ["/article"] and site.requests == ["/moved"]
    finally:
        inside.close()


@pytest.mark.parametrize("declared", [True, False])
def test_a_body_over_the_limit_is_not_preserved(make_app, desk, site, declared):
    small = make_app(URL_IMPORT_ALLOW_LOOPBACK=True, ARCHIVE_MAX_BYTES=1000)
    site.pages["/big"] = Page(b"x" * 5000, "text/plain", length=declared)
    added = add(desk, "r1", site.url("/big"))
    run_jobs(small)
    kept = preservation(desk, added["id"])
    assert kept["status"] == "not_preserved" and kept["sha256"] is None
    assert kept["reason"] == ("The page is larger than 1,000 bytes, the most that is "
                              "preserved.")
    assert captures(app=small, evidence_id=added["id"])[0].warc is None


def test_an_unsupported_type_is_not_preserved(desk, app, site):
    site.pages["/data.zip"] = Page(b"PK\x03\x04", "application/zip")
    added = add(desk, "r1", site.url("/data.zip"))
    run_jobs(app)
    kept = preservation(desk, added["id"])
    assert kept["status"] == "not_preserved" and kept["http_status"] == 200
    assert kept["reason"] == ("The page is application/zip; only web pages, plain text, PDF "
                              "files and images are preserved.")
    assert "Not preserved: The page is application/zip" in desk.workspace("r1")[1]


def test_a_slow_server_is_cut_off_at_the_deadline(make_app, desk, site):
    hasty = make_app(URL_IMPORT_ALLOW_LOOPBACK=True, ARCHIVE_TIMEOUT=0.5)
    site.pages["/slow"] = Page(delay=3.0)
    added = add(desk, "r1", site.url("/slow"))
    started = time.monotonic()
    run_jobs(hasty)
    assert time.monotonic() - started < 2.5
    kept = preservation(desk, added["id"])
    assert kept["status"] == "failed"
    assert kept["reason"] == (f"The page at {site.url('/slow')} took longer than 0.5 seconds "
                              "to load.")
    [job] = [j for j in rows(hasty, Job) if j.kind == KIND]
    assert job.status == "done"  # recorded on the capture: a person asks again


def test_a_name_lookup_that_hangs_fails_the_capture_at_the_deadline(make_app, desk, site,
                                                                    monkeypatch):
    from factcheck.intake import fetch

    released = threading.Event()
    monkeypatch.setattr(fetch.socket, "getaddrinfo",
                        lambda *args, **kwargs: released.wait(30) and [])
    hasty = make_app(URL_IMPORT_ALLOW_LOOPBACK=True, ARCHIVE_TIMEOUT=0.5)
    added = add(desk, "r1", "https://stalled.example/report")
    try:
        run_jobs(hasty)
        kept = preservation(desk, added["id"])
    finally:
        released.set()
    # A fetch that failed (the page may be captured later), not a page refused by rule.
    assert kept["status"] == "failed"
    assert kept["reason"] == ("The address stalled.example could not be looked up in time; "
                              "try again later.")


def test_an_http_error_fails_the_capture(desk, app, site):
    added = add(desk, "r1", site.url("/gone"))
    run_jobs(app)
    kept = preservation(desk, added["id"])
    assert (kept["status"], kept["http_status"]) == ("failed", 404)
    assert kept["reason"] == f"The page at {site.url('/gone')} answered with HTTP 404."


# --- Copies kept, one per request, whatever the queue does ---------------------------------------


def test_capturing_again_keeps_every_copy(desk, app, site):
    added = add(desk, "r1", site.url("/article"))
    run_jobs(app)
    again = desk["r1"].api("POST", f"/evidence/{added['id']}/capture")
    assert again.status_code == 202, again.json
    assert again.json["status"] == "pending" and again.json["copies"] == 1
    twice = desk["r1"].api("POST", f"/evidence/{added['id']}/capture")
    assert twice.status_code == 202  # still pending: the same copy, not a second fetch
    run_jobs(app)
    kept = preservation(desk, added["id"])
    assert (kept["status"], kept["copies"]) == ("preserved", 2)
    assert [c.status for c in captures(app, added["id"])] == [CaptureStatus.PRESERVED] * 2
    assert site.requests == ["/article", "/article"]


def test_a_copy_whose_worker_died_on_every_attempt_fails_and_can_be_asked_again(desk, app,
                                                                                 site):
    added = add(desk, "r1", site.url("/article"))
    [job] = [j for j in rows(app, Job) if j.kind == KIND]
    with app.app_context():  # a worker took the job on its last attempt and was killed
        db.session.exec(update(Job).where(Job.id == job.id).values(attempts=job.max_attempts))
        assert job_flow.claim(db.session, job.id, worker="dead-host:1:abc") is not None
        assert job_flow.recover_abandoned(
            db.session, stale_before=utcnow() + timedelta(seconds=5)) == []
    assert rows(app, Job, id=job.id)[0].status == JobStatus.FAILED
    kept = preservation(desk, added["id"])
    assert kept["status"] == "failed"  # not "pending" for ever
    assert kept["reason"] == ("The copy could not be made: the background job fetching the "
                              "page failed. Ask for a new copy to try again.")
    again = desk["r1"].api("POST", f"/evidence/{added['id']}/capture")
    assert again.status_code == 202 and again.json["status"] == "pending"
    run_jobs(app)
    assert preservation(desk, added["id"])["status"] == "preserved"
    assert [c.status for c in captures(app, added["id"])] == [CaptureStatus.FAILED,
                                                               CaptureStatus.PRESERVED]
    assert site.requests == ["/article"]


def test_a_copy_whose_job_crashes_every_time_fails_and_an_admin_retries_it(
        desk, app, site, make_user, monkeypatch):
    def crash(*_args, **_options):
        raise MemoryError("the page was too much for the worker")

    with monkeypatch.context() as patched:
        patched.setattr(captures_flow, "capture_page", crash)
        added = add(desk, "r1", site.url("/article"))
        run_jobs_through_retries(app, captures_flow.ATTEMPTS)
    [job] = [j for j in rows(app, Job) if j.kind == KIND]
    assert (job.status, job.last_error) == (
        JobStatus.FAILED, "MemoryError: the page was too much for the worker")
    assert preservation(desk, added["id"])["status"] == "failed"
    # Retry on the jobs page fetches that copy again (not a job that finds nothing to do).
    assert f"Job {job.id} will be tried again." in retry_from_the_jobs_page(
        app, make_user(Role.ADMIN).email, job.id)
    run_jobs(app)
    assert preservation(desk, added["id"])["status"] == "preserved"
    assert [c.status for c in captures(app, added["id"])] == [CaptureStatus.PRESERVED]


def test_retrying_the_job_of_a_superseded_copy_is_refused(desk, app, site, make_user,
                                                          monkeypatch):
    with monkeypatch.context() as patched:
        patched.setattr(captures_flow, "capture_page", lambda *_a, **_o: 1 / 0)
        added = add(desk, "r1", site.url("/article"))
        run_jobs_through_retries(app, captures_flow.ATTEMPTS)
    [job] = [j for j in rows(app, Job) if j.kind == KIND]
    assert desk["r1"].api("POST", f"/evidence/{added['id']}/capture").status_code == 202
    run_jobs(app)
    page = retry_from_the_jobs_page(app, make_user(Role.ADMIN).email, job.id)
    assert "A newer copy of this page was asked for since" in page
    assert rows(app, Job, id=job.id)[0].status == JobStatus.FAILED
    assert [c.status for c in captures(app, added["id"])] == [CaptureStatus.FAILED,
                                                               CaptureStatus.PRESERVED]


def test_the_job_run_twice_makes_one_copy(desk, app, site):
    added = add(desk, "r1", site.url("/article"))
    [job] = [j for j in rows(app, Job) if j.kind == KIND]
    hand_over(app, [job.id])  # the queue hands the same job over twice
    run_jobs(app)
    with app.app_context():
        assert run_capture(db.session, dict(job.payload)) == {"status": "preserved"}
    assert len(captures(app, added["id"])) == 1 and site.requests == ["/article"]
    assert len([j for j in rows(app, Job) if j.kind == KIND]) == 1


def test_changing_the_address_preserves_the_new_page(desk, app, site):
    site.pages["/other"] = Page()
    added = add(desk, "r1", site.url("/article"))
    run_jobs(app)
    edit = {"url": site.url("/other"), "title": "October labour report",
            "publisher": "", "published_on": "", "accessed_on": "", "quote": QUOTE,
            "stance": "supports", "archive_url": "", "note": "", "version": added["version"]}
    edited = desk["r1"].post(f"/review/evidence/{added['id']}", edit)
    assert edited.status_code == 302, edited.get_data(as_text=True)
    assert preservation(desk, added["id"])["status"] == "pending"
    run_jobs(app)
    first, second = captures(app, added["id"])
    assert (first.url, second.url) == (site.url("/article"), site.url("/other"))
    assert preservation(desk, added["id"])["copies"] == 2
    # An edit that keeps the address asks for no new copy.
    kept_address = {**edit, "note": "Checked again.", "version": added["version"] + 1}
    assert desk["r1"].post(f"/review/evidence/{added['id']}", kept_address).status_code == 302
    assert len(captures(app, added["id"])) == 2


def test_editing_the_quote_finds_the_new_words_in_the_copies_already_kept(desk, app, site):
    added = add(desk, "r1", site.url("/article"), quote="Unemployment rose to 9 percent.")
    run_jobs(app)
    assert preservation(desk, added["id"])["quote_found"] is False
    edit = {"url": site.url("/article"), "title": "October labour report", "publisher": "",
            "published_on": "", "accessed_on": "", "quote": QUOTE, "stance": "supports",
            "archive_url": "", "note": "", "version": added["version"]}
    assert desk["r1"].post(f"/review/evidence/{added['id']}", edit).status_code == 302
    assert run_jobs(app) == 0  # found in the copy kept: no page is fetched again
    assert preservation(desk, added["id"])["quote_found"] is True
    [capture] = captures(app, added["id"])
    found = capture.text[capture.quote_start:capture.quote_end]
    assert " ".join(found.split()) == "The unemployment rate was 3.5% in October,"
    status, page = desk.workspace("r1")
    assert status == 200
    assert "Quote not found in the preserved page" not in page
    # Words left out ("…") are allowed; words the page does not hold are flagged again; no
    # quote at all, nothing to find.
    for quote, found_now in (("The unemployment rate \u2026 the lowest since 2019", True),
                             ("Unemployment rose to 9 percent.", False), ("", None)):
        edit = {**edit, "quote": quote, "version": edit["version"] + 1}
        assert desk["r1"].post(f"/review/evidence/{added['id']}", edit).status_code == 302
        assert preservation(desk, added["id"])["quote_found"] is found_now
    assert captures(app, added["id"])[0].quote_start is None


def test_a_quote_edited_while_the_page_is_fetched_is_the_one_looked_for(desk, app, site):
    site.pages["/slow"] = Page(delay=1.5)
    added = add(desk, "r1", site.url("/slow"), quote="Unemployment rose to 9 percent.")
    worker = threading.Thread(target=run_jobs, args=(app,))
    worker.start()
    try:
        while not site.requests:  # the worker is fetching the page
            time.sleep(0.02)
        edit = {"url": site.url("/slow"), "title": "October labour report", "publisher": "",
                "published_on": "", "accessed_on": "", "quote": QUOTE, "stance": "supports",
                "archive_url": "", "note": "", "version": added["version"]}
        assert desk["r1"].post(f"/review/evidence/{added['id']}", edit).status_code == 302
    finally:
        worker.join(30)
    kept = preservation(desk, added["id"])
    assert (kept["status"], kept["quote_found"]) == ("preserved", True)


# --- Who may ask for a copy ----------------------------------------------------------------------


def test_only_who_may_edit_the_source_may_ask_for_a_copy(desk, app, site):
    added = add(desk, "r1", site.url("/article"))
    run_jobs(app)
    path = f"/evidence/{added['id']}/capture"
    assert desk["r2"].api("POST", path).status_code == 403  # a colleague's source
    assert desk["editor"].api("POST", path).status_code == 202  # an editor not reviewing
    assert desk["r1"].api("POST", path).status_code == 202
    assert desk["r1"].api("POST", "/evidence/999999/capture").status_code == 404

    # On the review page: the button for the author, none for the colleague.
    button = f'action="/review/evidence/{added["id"]}/capture"'
    assert button in desk.workspace("r1")[1]
    status, page = desk.workspace("r2")
    assert status == 200 and added["title"] in page and button not in page
    web = desk["r2"].post(f"/review/evidence/{added['id']}/capture")
    assert web.status_code == 403
    mine = desk["r1"].post(f"/review/evidence/{added['id']}/capture")
    assert mine.status_code == 302
    # Without the CSRF token, nothing is asked for.
    before = len(captures(app, added["id"]))
    refused = desk["r1"].web.post(f"/review/evidence/{added['id']}/capture")
    assert refused.status_code == 400 and len(captures(app, added["id"])) == before


def test_a_hidden_source_answers_as_one_that_does_not_exist(desk, app, site):
    with app.app_context():
        set_setting(db.session, key="evidence_visibility", value="after_submitting",
                    actor=None)
        db.session.commit()
    added = add(desk, "r1", site.url("/article"))
    hidden = desk["r2"].api("POST", f"/evidence/{added['id']}/capture")
    missing = desk["r2"].api("POST", "/evidence/999999/capture")
    assert hidden.status_code == missing.status_code == 404
    assert hidden.json == missing.json
    assert desk["r2"].post(f"/review/evidence/{added['id']}/capture").status_code == 404
    assert len(captures(app, added["id"])) == 1  # only the one asked for when it was added


def test_the_capture_endpoint_is_in_the_openapi_document(app, client):
    document = client.get("/api/v1/openapi.json").get_json()
    operation = document["paths"]["/evidence/{evidence_id}/capture"]["post"]
    assert set(operation["responses"]) >= {"202", "403", "404"}
    evidence = document["components"]["schemas"]["Evidence"]
    assert "preservation" in evidence["required"]
    assert set(document["components"]["schemas"]["Preservation"]["required"]) == {
        "status", "reason", "captured_at", "final_url", "http_status", "sha256",
        "quote_found", "copies", "wayback"}
