"""Issue 17, optional Save Page Now: with FACTCHECK_WAYBACK_SAVE=1 a preserved page is also
sent to the Internet Archive and the snapshot's address (or why there is none) is recorded
on the capture, shown on the copies page and in the API's `preservation`.

The Internet Archive is never contacted: `FakeSavePageNow` is a local fake of Save Page
Now 2's HTTP interface (POST /save answering a job id, GET /save/status/<job> answering
pending, then success with a timestamp, or error) served on 127.0.0.1 for each test.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

import pytest

from factcheck.models import Job
from factcheck.states import JobStatus, Role
from factcheck.workflow import captures as captures_flow

from ..helpers import retry_from_the_jobs_page, rows, run_jobs, run_jobs_through_retries
from . import test_evidence_capture as capturing
from .test_evidence_capture import Page, add, captures, preservation

site, _assigned = capturing.site, capturing._assigned

TIMESTAMP = "20261206093000"


class FakeSavePageNow:
    """A local stand-in for web.archive.org's Save Page Now 2 interface (never the real one).

    `mode`: "ok" (pending once, then success), "error" (the job ends in an error),
    "refuse" (POST answers 429 with a message), "legacy" (POST names the snapshot in
    Content-Location at once).
    """

    def __init__(self) -> None:
        self.mode = "ok"
        self.saved: list[str] = []  # the URLs asked for
        self.authorizations: list[str | None] = []
        self.polls = 0
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def _answer(self, status: int, body: dict, headers: dict | None = None) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                for name, value in (headers or {}).items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(data)

            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                form = parse_qs(self.rfile.read(length).decode())
                if self.path != "/save" or "url" not in form:
                    return self._answer(400, {"message": "bad request"})
                url = form["url"][0]
                fake.saved.append(url)
                fake.authorizations.append(self.headers.get("Authorization"))
                if fake.mode == "refuse":
                    return self._answer(429, {"status": "error", "message":
                                              "You have already reached the limit."})
                if fake.mode == "legacy":
                    return self._answer(200, {}, {"Content-Location":
                                                  f"/web/{TIMESTAMP}/{url}"})
                return self._answer(200, {"url": url, "job_id": "spn2-0123abcd"})

            def do_GET(self):
                if self.path != "/save/status/spn2-0123abcd":
                    return self._answer(404, {"message": "no such job"})
                fake.polls += 1
                if fake.polls == 1:
                    return self._answer(200, {"status": "pending", "job_id": "spn2-0123abcd"})
                if fake.mode == "error":
                    return self._answer(200, {"status": "error", "status_ext":
                                              "error:blocked-url",
                                              "message": "This URL is in the Wayback "
                                                         "Machine's exclusion list."})
                return self._answer(200, {"status": "success", "timestamp": TIMESTAMP,
                                          "original_url": fake.saved[-1],
                                          "job_id": "spn2-0123abcd"})

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        self.base = f"http://127.0.0.1:{self.server.server_port}"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join()


@pytest.fixture
def spn() -> Iterator[FakeSavePageNow]:
    fake = FakeSavePageNow()
    yield fake
    fake.close()


@pytest.fixture
def app(make_app, spn):
    """The desk fetches from 127.0.0.1 and sends preserved pages to the local fake SPN."""
    return make_app(URL_IMPORT_ALLOW_LOOPBACK=True, WAYBACK_SAVE=1, WAYBACK_URL=spn.base,
                    WAYBACK_POLL_SECONDS=0.01)


def test_a_preserved_page_gets_a_wayback_snapshot_shown_in_the_api_and_viewer(
        desk, app, site, spn):
    added = add(desk, "r1", site.url("/article"))
    assert added["preservation"]["wayback"] is None  # not asked before the page is kept
    run_jobs(app)  # the capture, then the Save Page Now job it asked for
    kept = preservation(desk, added["id"])
    snapshot = f"{spn.base}/web/{TIMESTAMP}/{site.url('/article')}"
    assert kept["status"] == "preserved"
    assert kept["wayback"] == {"status": "saved", "url": snapshot, "reason": ""}
    assert spn.saved == [site.url("/article")] and spn.polls == 2
    assert spn.authorizations == [None]  # no keys configured
    [capture] = captures(app, added["id"])
    assert capture.wayback_url == snapshot
    status, page = desk["r1"].page(f"/review/evidence/{added['id']}/copies")
    assert status == 200 and f'href="{snapshot}"' in page
    assert "snapshot in the Wayback Machine" in page


def test_the_reason_is_recorded_when_the_archive_refuses(desk, app, site, spn):
    spn.mode = "error"
    added = add(desk, "r1", site.url("/article"))
    run_jobs(app)
    wayback = preservation(desk, added["id"])["wayback"]
    assert wayback["status"] == "failed" and wayback["url"] is None
    assert "exclusion list" in wayback["reason"]
    status, page = desk["r1"].page(f"/review/evidence/{added['id']}/copies")
    assert status == 200 and "exclusion list" in page


def test_a_snapshot_whose_job_crashes_every_time_fails_and_an_admin_retries_it(
        desk, app, site, spn, make_user, monkeypatch):
    def crash(*_args, **_options):
        raise RuntimeError("the worker's TLS library exploded")

    with monkeypatch.context() as patched:
        patched.setattr(captures_flow, "save_page_now", crash)
        added = add(desk, "r1", site.url("/article"))
        run_jobs_through_retries(app, captures_flow.ATTEMPTS)
    [job] = rows(app, Job, kind=captures_flow.WAYBACK_KIND)
    assert job.status == JobStatus.FAILED
    wayback = preservation(desk, added["id"])["wayback"]
    assert wayback == {"status": "failed", "url": None,
                       "reason": "The background job asking the Internet Archive failed."}
    assert retry_from_the_jobs_page(app, make_user(Role.ADMIN).email, job.id)  # asked again
    run_jobs(app)
    assert preservation(desk, added["id"])["wayback"]["status"] == "saved"
    assert spn.saved == [site.url("/article")]


def test_an_http_refusal_is_recorded_with_its_message(desk, app, site, spn):
    spn.mode = "refuse"
    added = add(desk, "r1", site.url("/article"))
    run_jobs(app)
    wayback = preservation(desk, added["id"])["wayback"]
    assert wayback == {"status": "failed", "url": None,
                       "reason": "You have already reached the limit."}


def test_a_snapshot_named_at_once_is_taken_and_keys_are_sent(make_app, desk, site, spn):
    keyed = make_app(URL_IMPORT_ALLOW_LOOPBACK=True, WAYBACK_SAVE=1, WAYBACK_URL=spn.base,
                     WAYBACK_ACCESS_KEY="access", WAYBACK_SECRET_KEY="secret")
    spn.mode = "legacy"
    added = add(desk, "r1", site.url("/article"))
    run_jobs(keyed)
    wayback = preservation(desk, added["id"])["wayback"]
    assert wayback["url"] == f"{spn.base}/web/{TIMESTAMP}/{site.url('/article')}"
    assert spn.authorizations == ["LOW access:secret"]


def test_an_unreachable_archive_is_a_reason_not_an_error(make_app, desk, site, spn):
    spn.close()  # nobody listens there any more
    gone = make_app(URL_IMPORT_ALLOW_LOOPBACK=True, WAYBACK_SAVE=1, WAYBACK_URL=spn.base)
    spn.close = lambda: None  # (the fixture's close)
    added = add(desk, "r1", site.url("/article"))
    run_jobs(gone)
    kept = preservation(desk, added["id"])
    assert kept["status"] == "preserved"  # the copy itself does not depend on the Archive
    assert kept["wayback"]["status"] == "failed"
    assert kept["wayback"]["reason"] == "Save Page Now could not be reached."


def test_pages_not_preserved_are_not_sent(desk, app, site, spn):
    site.pages["/gone"] = Page(b"missing", "text/plain", 404)
    added = add(desk, "r1", site.url("/gone"))
    run_jobs(app)
    kept = preservation(desk, added["id"])
    assert kept["status"] == "failed" and kept["wayback"] is None and spn.saved == []


def test_off_by_default_nothing_is_sent(make_app, desk, site, spn):
    default = make_app(URL_IMPORT_ALLOW_LOOPBACK=True, WAYBACK_URL=spn.base)
    added = add(desk, "r1", site.url("/article"))
    run_jobs(default)
    kept = preservation(desk, added["id"])
    assert kept["status"] == "preserved" and kept["wayback"] is None and spn.saved == []
    status, page = desk["r1"].page(f"/review/evidence/{added['id']}/copies")
    assert status == 200 and "Internet Archive" not in page
