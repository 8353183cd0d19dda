"""Issue 17, viewing, in Chromium: the preserved original of a hostile page, framed on the
copies page, runs none of its scripts, fetches nothing (not its beacon image, not its style
sheet, not the address its script calls) and cannot reach the desk's page around it."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect
from sqlmodel import select

from factcheck.extensions import db
from factcheck.models import Claim, EvidenceCapture
from factcheck.states import CaptureStatus, ClaimStatus, Role
from factcheck.workflow.articles import import_article
from factcheck.workflow.evidence import add_evidence

from ..helpers import run_jobs
from ..web.test_evidence_capture import Page as Served
from ..web.test_evidence_capture import Site
from .conftest import sign_in

HOSTILE = """<!doctype html><html><head><title>October labour report</title>
<base href="http://127.0.0.1:{port}/base/">
<link rel="stylesheet" href="http://127.0.0.1:{port}/style.css">
<script>document.title = "script ran";
  fetch("http://127.0.0.1:{port}/script");
  try { parent.document.body.dataset.reached = "yes"; } catch (e) {}</script>
</head><body><article><h1>October labour report</h1>
<p onclick="document.title = 'handler ran'">The statistics office published its monthly
labour force survey on Friday morning, covering every province.</p>
<p>The unemployment rate was 3.5% in October, the lowest since 2019, the office said in
its report, adding that the figures are seasonally adjusted.</p>
<img src="http://127.0.0.1:{port}/beacon" alt="chart">
<img src="/relative-beacon" alt="chart">
<p style="background: url(http://127.0.0.1:{port}/background)">Economists had expected
3.7 percent.</p>
</article></body></html>"""


@pytest.fixture
def app(make_app):
    return make_app(URL_IMPORT_ALLOW_LOOPBACK=True)


@pytest.fixture
def site():
    served = Site()
    yield served
    served.close()


def test_the_framed_copy_runs_no_script_and_fetches_nothing(app, site, make_user, page: Page):
    site.pages["/hostile"] = Served(HOSTILE.replace("{port}", str(site.server.server_port))
                                    .encode())
    editor = make_user(Role.EDITOR, name="Eda Editor")
    with app.app_context():
        article = import_article(db.session, title="Jobs", actor=None,
                                 body="Unemployment fell to 3.5 percent in October.")
        claim = db.session.exec(select(Claim).where(Claim.article_id == article.id)).first()
        claim.status = ClaimStatus.SELECTED
        evidence = add_evidence(db.session, claim=claim, actor=db.session.merge(editor),
                                url=site.url("/hostile"), title="October labour report",
                                quote="The unemployment rate was 3.5% in October",
                                stance="supports")
        db.session.commit()
        evidence_id = evidence.id
    assert run_jobs(app) == 1
    with app.app_context():
        capture = db.session.exec(select(EvidenceCapture)).one()
        assert capture.status == CaptureStatus.PRESERVED
    assert site.requests == ["/hostile"]

    # Chromium reports the requests the page asked for, also those CSP then blocked: what
    # counts is that none got an answer, and that the site never heard of them.
    answered: list[str] = []
    page.on("response", lambda response: answered.append(response.url))
    sign_in(page, editor.email)
    page.goto(f"/review/evidence/{evidence_id}/copies")
    expect(page.get_by_role("heading", name="Preserved copies")).to_be_visible()
    expect(page.locator("mark")).to_have_text("The unemployment rate was 3.5% in October")
    frame_element = page.locator("iframe.preserved-page")
    assert frame_element.get_attribute("sandbox") == ""
    frame = frame_element.content_frame
    expect(frame.get_by_role("heading", name="October labour report")).to_be_visible()
    frame.get_by_text("The statistics office published").click()  # its handler may not run
    page.wait_for_timeout(500)  # time for a beacon, a fetch or a style sheet to go out

    assert site.requests == ["/hostile"]  # nothing of the page reached the original site
    port = f":{site.server.server_port}/"
    assert [url for url in answered if port in url] == []
    assert not any("beacon" in url or "background" in url for url in answered)
    assert page.title().startswith("Preserved copies")
    assert page.evaluate("document.body.dataset.reached") is None
    # Even a script run there by the browser's tools finds an opaque origin: the desk's
    # page around it is another origin, with no cookies of the frame's own.
    reached = frame_element.element_handle().content_frame().evaluate(
        "() => { try { return parent.document.title; } catch (e) { return e.name; } }")
    assert reached == "SecurityError"
    assert frame_element.element_handle().content_frame().evaluate(
        "() => { let cookie; try { cookie = document.cookie; } catch (e) { cookie = e.name; }"
        " return [document.title, window.origin, cookie]; }") == [
        "October labour report", "null", "SecurityError"]
    assert not re.search("ran", page.title())
