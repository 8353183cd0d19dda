"""Issue 17, viewing: editors and reviewers open the preserved copy of a source: the list
of captures, the extracted text with the quote marked, the WARC file, and the original page
in a sandboxed frame whose scripts never run and which fetches nothing."""

from __future__ import annotations

import io
import re

import pytest
from warcio.archiveiterator import ArchiveIterator

from factcheck.extensions import db
from factcheck.states import Role
from factcheck.workflow.settings import set_setting

from ..helpers import login, run_jobs
from . import test_evidence_capture as capturing
from .test_blind_review_attacks import Person
from .test_evidence_capture import ARTICLE, Page, add, captures

# The capture tests' fixtures: the app may fetch from 127.0.0.1, a real local web server,
# both reviewers assigned.
app, site, _assigned = capturing.app, capturing.site, capturing._assigned

HOSTILE = """<!doctype html><html><head><title>Report &amp; figures</title>
<base href="http://127.0.0.1:{port}/elsewhere/">
<meta http-equiv="refresh" content="0; url=http://127.0.0.1:{port}/refresh">
<link rel="stylesheet" href="http://127.0.0.1:{port}/style.css">
<script>document.title = "pwned"; fetch("http://127.0.0.1:{port}/script");</script>
</head><body><article><h1>October labour report</h1>
<p>The statistics office published its monthly labour force survey on Friday morning,
covering every province and both urban and rural households &lt;b&gt;bold&lt;/b&gt;.</p>
<p>The unemployment rate was 3.5% in October, the lowest since 2019, the office said in
its report, adding that the figures are seasonally adjusted.</p>
<img src="http://127.0.0.1:{port}/beacon" alt="chart">
<p><a href="http://127.0.0.1:{port}/link">More</a></p>
</article></body></html>"""
QUOTE = "The unemployment rate was 3.5% in October"


def hostile(site) -> str:
    """A page with a script, a beacon image, a base, a refresh and a style sheet."""
    site.pages["/hostile"] = Page(HOSTILE.replace("{port}", str(site.server.server_port))
                                  .encode())
    return site.url("/hostile")


def preserved(desk, app, url: str, *, by: str = "r1", quote: str = QUOTE) -> tuple[int, int]:
    """(evidence id, capture id) of a source added by `by` and preserved."""
    added = add(desk, by, url, quote=quote)
    assert run_jobs(app) == 1
    [capture] = captures(app, added["id"])
    assert capture.status == "preserved"
    return added["id"], capture.id


def test_the_copies_page_shows_the_text_with_the_quote_marked_and_escaped(desk, app, site):
    evidence_id, capture_id = preserved(desk, app, hostile(site))
    status, page = desk["r1"].page(f"/review/evidence/{evidence_id}/copies")
    assert status == 200
    assert "<mark>The unemployment rate was 3.5% in October</mark>" in page
    # The page's text is text: escaped, never markup.
    assert "&lt;b&gt;bold&lt;/b&gt;" in page and "<b>bold</b>" not in page
    [frame] = re.findall(r"<iframe[^>]*>", page)
    assert re.search(r"\bsandbox(?=[\s>])", frame) and "allow-" not in frame
    assert f'src="/copy-frame/{capture_id}/' in frame  # off the session's path
    assert f'href="/review/evidence/{evidence_id}/copies/{capture_id}/warc"' in page
    [row] = captures(app, evidence_id)
    assert row.sha256 in page and "Images inside" not in page
    assert site.requests == ["/hostile"]  # only the capture itself fetched the page


def test_the_review_page_links_to_the_preserved_copy(desk, app, site):
    evidence_id, _capture = preserved(desk, app, site.url("/article"))
    status, page = desk.workspace("r1")
    assert status == 200 and "Open the preserved copy" in page
    assert f'href="/review/evidence/{evidence_id}/copies"' in page


def test_a_quote_not_found_is_said_and_nothing_is_marked(desk, app, site):
    evidence_id, _capture = preserved(desk, app, site.url("/article"),
                                      quote="Unemployment rose to 9 percent.")
    status, page = desk["r1"].page(f"/review/evidence/{evidence_id}/copies")
    assert status == 200 and "Quote not found in the preserved page" in page
    assert "<mark>" not in page and "seasonally adjusted" in page


def frame_src(person, evidence_id: int) -> str:
    """The address of the frame the copies page shows `person` (with its signed token)."""
    status, page = person.page(f"/review/evidence/{evidence_id}/copies")
    assert status == 200
    [src] = re.findall(r'<iframe[^>]* src="([^"]+)"', page)
    return src.replace("&amp;", "&")


def test_the_framed_original_runs_nothing_and_fetches_nothing(desk, app, site):
    evidence_id, _capture_id = preserved(desk, app, hostile(site))
    response = app.test_client().get(frame_src(desk["r1"], evidence_id))
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/html; charset=utf-8"
    csp = response.headers["Content-Security-Policy"]
    directives = [part.strip() for part in csp.split(";")]
    assert directives[0] == "sandbox" and "default-src 'none'" in directives
    assert "script-src" not in csp and "allow-" not in csp
    assert "frame-ancestors 'self'" in directives
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Cache-Control"] == "private, no-store"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert response.headers["Cross-Origin-Resource-Policy"] == "same-origin"
    body = response.get_data(as_text=True)
    assert "October labour report" in body and "seasonally adjusted" in body
    for gone in ("<base", "<script", "http-equiv", "<link"):
        assert gone not in body.lower(), gone
    assert 'target="_blank"' in body  # links open nothing in a sandbox without popups
    assert site.requests == ["/hostile"]


def test_a_page_in_another_charset_is_decoded_per_its_header(desk, app, site):
    site.pages["/latin"] = Page("<html><body><p>Caf\u00e9 prices rose in October, "
                                "the office said.</p></body></html>".encode("latin-1"),
                                "text/html; charset=iso-8859-1")
    evidence_id, _capture_id = preserved(desk, app, site.url("/latin"), quote="")
    body = app.test_client().get(frame_src(desk["r1"], evidence_id)).get_data(as_text=True)
    assert "Caf\u00e9 prices" in body


def test_plain_text_is_framed_as_text_and_a_pdf_is_downloaded(desk, app, site):
    site.pages["/plain"] = Page(b"<script>alert(1)</script> The unemployment rate was 3.5% "
                                b"in October.", "text/plain")
    site.pages["/report.pdf"] = Page(b"%PDF-1.4 not really", "application/pdf")
    plain_id, plain_capture = preserved(desk, app, site.url("/plain"))
    pdf_id, pdf_capture = preserved(desk, app, site.url("/report.pdf"), quote="")

    text = app.test_client().get(frame_src(desk["r1"], plain_id))
    assert text.headers["Content-Type"] == "text/plain; charset=utf-8"
    assert text.headers["Content-Security-Policy"].startswith("sandbox;")
    assert "Content-Disposition" not in text.headers
    assert text.get_data() == site.pages["/plain"].body
    # On the session's path the same copy is only ever a download, never rendered.
    download = desk["r1"].web.get(f"/review/evidence/{plain_id}/copies/{plain_capture}/original")
    assert download.headers["Content-Disposition"] == (
        f'attachment; filename="evidence-{plain_id}-copy-{plain_capture}.txt"')
    assert download.get_data() == site.pages["/plain"].body

    status, page = desk["r1"].page(f"/review/evidence/{pdf_id}/copies")
    assert status == 200 and "<iframe" not in page
    assert f"/review/evidence/{pdf_id}/copies/{pdf_capture}/original" in page
    pdf = desk["r1"].web.get(f"/review/evidence/{pdf_id}/copies/{pdf_capture}/original")
    assert pdf.headers["Content-Type"] == "application/pdf"
    assert pdf.headers["Content-Disposition"] == (
        f'attachment; filename="evidence-{pdf_id}-copy-{pdf_capture}.pdf"')
    assert pdf.headers["Content-Security-Policy"].startswith("sandbox;")
    assert pdf.get_data() == b"%PDF-1.4 not really"


def test_the_warc_file_downloads_and_parses(desk, app, site):
    evidence_id, capture_id = preserved(desk, app, site.url("/article"))
    response = desk["editor"].web.get(f"/review/evidence/{evidence_id}/copies/{capture_id}/warc")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/warc"
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="evidence-{evidence_id}-copy-{capture_id}.warc.gz"')
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    records = {record.rec_type: record.content_stream().read()
               for record in ArchiveIterator(io.BytesIO(response.get_data()))}
    assert set(records) == {"request", "response"} and records["response"] == ARTICLE


def test_every_capture_is_listed_and_an_earlier_copy_can_be_chosen(desk, app, site):
    evidence_id, first = preserved(desk, app, site.url("/article"))
    assert desk["r1"].api("POST", f"/evidence/{evidence_id}/capture").status_code == 202
    site.pages["/article"] = Page(b"gone", "text/plain", 404)
    run_jobs(app)
    old, failed = captures(app, evidence_id)
    assert failed.status == "failed"
    status, page = desk["r1"].page(f"/review/evidence/{evidence_id}/copies")
    assert status == 200 and "Failed" in page and "answered with HTTP 404" in page
    assert old.sha256 in page and "<mark>" in page  # the latest preserved copy is shown
    assert desk["r1"].page(f"/review/evidence/{evidence_id}/copies/{first}")[0] == 200
    # A failed capture has no copy to show, frame or download.
    for path in (f"/copies/{failed.id}", f"/copies/{failed.id}/original",
                 f"/copies/{failed.id}/warc"):
        assert desk["r1"].page(f"/review/evidence/{evidence_id}{path}")[0] == 404, path


def test_a_source_never_preserved_has_an_empty_list(desk, app, site):
    added = add(desk, "r1", site.url("/article"))  # the job has not run
    status, page = desk["r1"].page(f"/review/evidence/{added['id']}/copies")
    assert status == 200 and "Pending" in page and "<iframe" not in page


# --- Who may open a copy: exactly who may see the source ---------------------------------------


def paths(evidence_id: int, capture_id: int) -> list[str]:
    base = f"/review/evidence/{evidence_id}/copies"
    return [base, f"{base}/{capture_id}", f"{base}/{capture_id}/original",
            f"{base}/{capture_id}/warc"]


def same_page(html: str) -> str:
    """The page without its one-time form tokens (new on every page)."""
    return re.sub(r'value="[A-Za-z0-9_.-]{16,}"', 'value=""', html)


def test_a_colleagues_hidden_source_answers_as_an_unknown_one(desk, app, site):
    with app.app_context():
        set_setting(db.session, key="evidence_visibility", value="after_submitting",
                    actor=None)
        db.session.commit()
    evidence_id, capture_id = preserved(desk, app, site.url("/article"))
    for path, unknown in zip(paths(evidence_id, capture_id), paths(999999, 999999),
                             strict=True):
        hidden = desk["r2"].page(path)
        missing = desk["r2"].page(unknown)
        assert hidden[0] == missing[0] == 404, path
        assert same_page(hidden[1]) == same_page(missing[1])
        assert desk["r1"].web.get(path).status_code == 200, path
        assert desk["editor"].web.get(path).status_code == 200, path
    # A capture of another source is not reachable through this one.
    other_id, other_capture = preserved(desk, app, site.url("/article"), by="editor")
    assert desk["r1"].page(
        f"/review/evidence/{other_id}/copies/{capture_id}/original")[0] == 404
    assert desk["r1"].page(
        f"/review/evidence/{evidence_id}/copies/{other_capture}/warc")[0] == 404


def test_an_unassigned_reviewer_and_a_recused_editor_are_refused(desk, app, site, make_user):
    evidence_id, capture_id = preserved(desk, app, site.url("/article"))
    stranger = make_user(Role.REVIEWER, name="Una Assigned")
    client = app.test_client()
    assert login(client, stranger.email).status_code == 302
    outsider = Person(stranger, client, "", "")
    declared = desk["editor"].post(f"/review/claims/{desk.claim_id}/conflict",
                                   {"reason": "My sister wrote the report.",
                                    "whole_article": "y"})
    assert declared.status_code == 302
    for path in paths(evidence_id, capture_id):
        assert outsider.web.get(path).status_code == 403, path
        status, html = desk["editor"].page(path)
        assert status == 403 and "seasonally" not in html, path
        assert desk["editor2"].web.get(path).status_code == 200, path
        assert desk["r2"].web.get(path).status_code == 200, path  # evidence shared on this desk


@pytest.mark.parametrize("suffix", ["/copies", "/copies/1/original", "/copies/1/warc"])
def test_signed_out_visitors_are_sent_to_sign_in(client, suffix):
    response = client.get(f"/review/evidence/1{suffix}")
    assert response.status_code in (302, 401)


# --- Making a preserved page inert (no app needed) ---------------------------------------------


def test_framable_html_takes_away_what_would_point_elsewhere():
    from factcheck.intake.capture import framable_html

    page = (b'<HTML><HEAD><BASE HREF="http://x.example/"><META HTTP-EQUIV="Refresh" '
            b'CONTENT="0; url=http://x.example/"><LINK REL="dns-prefetch" HREF="//x.example">'
            b'</HEAD><BODY><svg><script>alert(1)</script></svg><A HREF="http://x.example/a" '
            b'PING="http://x.example/ping" TARGET="_self">a</A><img srcset="http://x.example/i '
            b'2x" alt=""><p>kept</p></BODY></HTML>')
    inert = framable_html(page, None).decode("utf-8").lower()
    for gone in ("<base", "refresh", "<link", "<script", "ping=", "srcset", "_self"):
        assert gone not in inert, gone
    assert 'href="http://x.example/a" target="_blank"' in inert and "<p>kept</p>" in inert
    assert inert.startswith("<!doctype html>")
    assert framable_html(b"", None) == b""


def test_a_page_without_a_charset_header_is_read_per_its_meta_charset():
    from factcheck.intake.capture import decode_body, framable_html

    dari = "بودجه شهر کابل"  # in letters windows-1256 has
    body = f'<html><head><meta charset="windows-1256"></head><body><p>{dari}</p>'.encode(
        "cp1256")
    assert dari in decode_body(body, None, html=True)
    assert dari in framable_html(body, None).decode("utf-8")
    assert decode_body(b"caf\xc3\xa9", "no-such-charset") == "caf\u00e9"
