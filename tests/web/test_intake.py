"""Article intake through the web form and the CLI: pasted text, files, URLs, bad input."""

from __future__ import annotations

import io
import re
import socket
import ssl
import subprocess
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from pathlib import Path

import pytest
from sqlmodel import select

from factcheck.engine.splitting import split_sentences
from factcheck.extensions import db
from factcheck.models import Article, AuditEvent, Claim
from factcheck.states import ClaimStatus, Role

from ..helpers import post_form, run_jobs

DATA = Path(__file__).resolve().parents[1] / "data"
SAMPLE = resources.files("factcheck.data").joinpath("national-consensus.txt").read_text()
PERSIAN = (DATA / "persian-article.txt").read_text()


def _articles(app) -> list[tuple[Article, list[Claim]]]:
    with app.app_context():
        out = []
        for article in db.session.exec(select(Article)).all():
            claims = db.session.exec(select(Claim).where(Claim.article_id == article.id)
                                     .order_by(Claim.position)).all()
            for obj in (article, *claims):
                db.session.expunge(obj)
            out.append((article, list(claims)))
        return out


def _import(client, **data):
    """Post the import form; a web address is fetched by a job, run here on the real queue,
    and the answer is then the job's page (its article, or why it failed)."""
    fields = {"text": "", "url": "", "title": "", "outlet": "", "author": "", "source_url": "",
              "published_on": "", "language": ""}
    fields.update(data)
    response = post_form(client, "/editor/articles/new", fields)
    if response.status_code == 302 and "/editor/imports/" in response.location:
        run_jobs(client.application)
        return client.get(response.location)
    return response


def _assert_anchored(article: Article, claims: list[Claim]) -> None:
    assert claims, "no claims"
    for claim in claims:
        assert article.body[claim.start:claim.end] == claim.text
        assert claim.text == claim.text.strip()
        assert 0.0 <= claim.score <= 1.0
        assert claim.status == ClaimStatus.CANDIDATE


class _Pages(BaseHTTPRequestHandler):
    routes: dict[str, tuple[int, str, bytes, dict]] = {}

    def do_GET(self):
        status, ctype, body, headers = self.routes.get(
            self.path, (404, "text/html", b"<h1>Not here</h1>", {}))
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def site() -> Iterator[tuple[str, dict]]:
    """A web server on 127.0.0.1 serving saved pages: yields (base URL, routes)."""
    routes: dict = {}
    handler = type("Pages", (_Pages,), {"routes": routes})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}", routes
    server.shutdown()
    server.server_close()
    thread.join()


@pytest.fixture
def no_outside_connections(monkeypatch):
    """Fail the test if anything tries to connect anywhere but loopback."""
    real = socket.create_connection

    def guarded(address, *args, **kwargs):
        assert address[0] in ("127.0.0.1", "::1"), f"tried to connect to {address}"
        return real(address, *args, **kwargs)

    monkeypatch.setattr(socket, "create_connection", guarded)


@pytest.fixture
def loopback_editor(make_app, make_user):
    """An app that may import from 127.0.0.1, and a client signed in as an editor there."""
    from ..helpers import login

    app = make_app(URL_IMPORT_ALLOW_LOOPBACK=True)
    client = app.test_client()
    login(client, make_user(Role.EDITOR).email)
    return app, client


@pytest.fixture
def editor(login_as):
    return login_as(Role.EDITOR)


def test_pasted_sample_article_becomes_28_sentences_of_anchored_typed_claims(app, client, editor):
    response = _import(client, text=SAMPLE, title="National Consensus", outlet="Kabul Review")
    assert response.status_code == 302
    [(article, claims)] = _articles(app)
    assert response.headers["Location"] == f"/editor/articles/{article.id}"
    assert article.body == SAMPLE.replace("\r\n", "\n")
    assert len(split_sentences(article.body)) == 28
    _assert_anchored(article, claims)
    assert len(claims) >= 28
    assert {c.kind for c in claims} >= {"factual", "attributed"}
    assert any(c.claimant for c in claims)
    assert article.language == "en"
    assert article.slug == "national-consensus"
    board = client.get(response.headers["Location"]).get_data(as_text=True)
    # The text marks each sentence's claim; its sub-claims are listed inside its card.
    sentences = [c for c in claims if c.parent_id is None]
    assert len(sentences) < len(claims)
    assert board.count('class="claim-mark') == len(sentences)
    assert f"{len(sentences)} candidate claims found" in board


def test_line_endings_are_normalised_and_nothing_else_changes(app, client, editor):
    _import(client, text="First line.\r\nSecond  line,  spaced.\r\n", title="Endings")
    [(article, _claims)] = _articles(app)
    assert article.body == "First line.\nSecond  line,  spaced.\n"


def test_persian_article_splits_at_its_real_boundaries(app, client, editor):
    _import(client, text=PERSIAN, title="گفتگوهای بین‌الافغانی")
    [(article, claims)] = _articles(app)
    assert article.language == "fa"
    assert [s.text[-1] for s in split_sentences(article.body)] == [".", ".", "؟", "."]
    _assert_anchored(article, claims)
    assert any(c.kind == "question" for c in claims)


@pytest.mark.parametrize(("filename", "content"), [
    ("article.txt", SAMPLE.encode()),
    ("article.md", ("# Heading\n\n" + SAMPLE.replace("Taliban", "**Taliban**")).encode()),
    ("article.html", (DATA / "national-consensus.html").read_bytes()),
    ("with-bom.txt", b"\xef\xbb\xbf" + SAMPLE.encode()),
])
def test_file_upload(app, client, editor, filename, content):
    response = _import(client, file=(io.BytesIO(content), filename), title="Upload")
    assert response.status_code == 302, response.get_data(as_text=True)
    [(article, claims)] = _articles(app)
    _assert_anchored(article, claims)
    assert "**" not in article.body and "<p>" not in article.body
    assert "Most read" not in article.body and "All rights reserved" not in article.body
    assert article.body.lstrip().startswith(("A broad coalition", "Heading"))


def test_html_upload_takes_title_outlet_author_and_date_from_the_page(app, client, editor):
    html = (DATA / "national-consensus.html").read_bytes()
    _import(client, file=(io.BytesIO(html), "page.html"))
    [(article, _claims)] = _articles(app)
    assert article.title == "Afghan leaders call for UN-supervised intra-Afghan talks"
    assert (article.outlet, article.author) == ("Kabul Review", "Staff Reporter")
    assert article.published_on == date(2026, 11, 18)


@pytest.mark.parametrize(("data", "message"), [
    ({"text": "   \n  "}, "exactly one way"),
    ({}, "exactly one way"),
    ({"text": "Some text.", "url": "https://example.org/a"}, "exactly one way"),
    ({"file": (io.BytesIO("Café olé.".encode("latin-1")), "a.txt")}, "not UTF-8"),
    ({"file": (io.BytesIO(b"\x89PNG\r\n\x1a\n\x00\x00"), "a.txt")}, "not a text file"),
    ({"file": (io.BytesIO(b"%PDF-1.7"), "a.pdf")}, "Upload a text, Markdown or HTML file"),
    ({"file": (io.BytesIO(b"<html><body><nav>Menu</nav></body></html>"), "a.html")},
     "No article text could be found"),
    ({"url": "ftp://example.org/article"}, "http:// or https://"),
    ({"url": "javascript:alert(1)"}, "Invalid URL"),
    ({"text": "A fine article.", "title": ""}, "needs a title"),
])
def test_bad_input_gets_a_clear_message_and_saves_nothing(app, client, editor, data, message):
    data.setdefault("title", "Title")
    response = _import(client, **data)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert _articles(app) == []


def test_text_over_the_size_limit_is_refused_and_kept_in_the_form(make_app, make_user):
    app = make_app(ARTICLE_MAX_BYTES=1000)
    client = app.test_client()
    from ..helpers import login

    login(client, make_user(Role.EDITOR).email)
    long_text = "A sentence of forty characters or so. " * 40
    response = _import(client, text=long_text, title="Long")
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "the limit is 1,000 bytes" in html
    assert long_text.strip()[:100] in html  # nothing lost
    assert _articles(app) == []


def test_a_file_whose_metadata_is_missing_is_kept_as_text(app, client, editor):
    response = _import(client, file=(io.BytesIO(b"An article without a title line."), "a.txt"))
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "needs a title" in html
    assert "An article without a title line." in html  # moved into the text box


def test_url_import_extracts_text_and_metadata_from_a_local_server(
        loopback_editor, site, no_outside_connections):
    base, routes = site
    html = (DATA / "national-consensus.html").read_bytes()
    routes["/story"] = (200, "text/html; charset=utf-8", html, {})
    routes["/old-link"] = (301, "text/html", b"", {"Location": "/story"})
    app, client = loopback_editor
    response = _import(client, url=f"{base}/old-link")
    assert response.status_code == 302, response.get_data(as_text=True)
    [(article, claims)] = _articles(app)
    assert article.title == "Afghan leaders call for UN-supervised intra-Afghan talks"
    assert article.source_url == f"{base}/story"
    assert article.outlet == "Kabul Review"
    assert len(split_sentences(article.body)) == 28
    _assert_anchored(article, claims)


@pytest.mark.parametrize(("path", "route", "message"), [
    ("/missing", None, "answered with HTTP 404"),
    ("/image", (200, "image/png", b"\x89PNG", {}), "not a web page"),
    ("/empty", (200, "text/html", b"<html><body><nav>Home</nav></body></html>", {}),
     "No article text could be found"),
])
def test_url_import_problems_are_explained(loopback_editor, site, path, route, message):
    base, routes = site
    if route:
        routes[path] = route
    _app, client = loopback_editor
    response = _import(client, url=base + path, title="T")
    assert response.status_code == 200  # the import's page says why it failed
    assert message in response.get_data(as_text=True)
    again = client.get(re.search(r'href="(/editor/articles/new\?from_import=\d+)"',
                                 response.get_data(as_text=True)).group(1))
    assert f'value="{base}{path}"' in again.get_data(as_text=True)  # kept, to fix and retry
    assert 'value="T"' in again.get_data(as_text=True)


@contextmanager
def trickling_server(instant: bytes, trickled: bytes, tls: ssl.SSLContext | None = None,
                     ) -> Iterator[str]:
    """A server on 127.0.0.1 that sends `instant` at once, then `trickled` 8 bytes every 0.1 s.

    Every single read gets data well within any per-read timeout; only a deadline on the
    whole fetch stops it. It gives up after 30 s, so a fetch without one fails slowly.
    """
    stop = threading.Event()
    listener = socket.create_server(("127.0.0.1", 0))

    def trickle() -> None:
        conn, _addr = listener.accept()
        if tls is not None:
            conn = tls.wrap_socket(conn, server_side=True)
        with conn:
            conn.recv(65536)  # the request
            try:
                conn.sendall(instant)
                for start in range(0, len(trickled), 8):
                    if stop.wait(0.1):
                        return
                    conn.sendall(trickled[start:start + 8])
            except OSError:
                return  # the client gave up: what the test wants

    thread = threading.Thread(target=trickle, daemon=True)
    thread.start()
    try:
        scheme, host = ("https", "localhost") if tls else ("http", "127.0.0.1")
        yield f"{scheme}://{host}:{listener.getsockname()[1]}/slow"
    finally:
        stop.set()
        listener.close()
        thread.join(5)


@pytest.mark.parametrize("slow_part", ["body", "headers"])
def test_url_import_has_one_deadline_for_the_whole_fetch(make_app, make_user, slow_part):
    from ..helpers import login

    app = make_app(URL_IMPORT_ALLOW_LOOPBACK=True, URL_IMPORT_TIMEOUT=1)
    client = app.test_client()
    login(client, make_user(Role.EDITOR).email)
    body = b"<html><body><p>" + b"Unemployment fell by 4 percent. " * 30 + b"</p></body></html>"
    head = (b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nX-Padding: " + b"p" * 300
            + f"\r\nContent-Length: {len(body)}\r\n\r\n".encode())
    # The head at once and the body 8 bytes at a time, or the head 8 bytes at a time too.
    instant, trickled = (head, body) if slow_part == "body" else (b"", head + body)
    with trickling_server(instant, trickled) as url:
        response = _import(client, url=url, title="Slow")
    page = response.get_data(as_text=True)
    assert response.status_code == 200  # the import's page says why it failed
    assert "took longer than 1 seconds to load" in page
    assert _articles(app) == []


def test_the_deadline_holds_over_https_too(loopback_editor, tmp_path, monkeypatch):
    from factcheck.intake import fetch

    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                    "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost",
                    "-keyout", str(key), "-out", str(cert)], check=True, capture_output=True)
    server_side = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server_side.load_cert_chain(cert, key)
    default_context = ssl.create_default_context

    def trusting_the_test_certificate(*args, **kwargs):
        context = default_context(*args, **kwargs)
        context.load_verify_locations(cert)
        return context

    monkeypatch.setattr(fetch.ssl, "create_default_context", trusting_the_test_certificate)
    app, client = loopback_editor
    app.config["URL_IMPORT_TIMEOUT"] = 1
    page = b"<html><body><p>" + b"Unemployment fell by 4 percent. " * 30 + b"</p></body></html>"
    head = f"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: {len(page)}\r\n\r\n"
    with trickling_server(head.encode() + page, b"", tls=server_side) as url:
        assert _import(client, url=url, title="Fast").status_code == 302  # TLS itself works
    with trickling_server(head.encode(), page, tls=server_side) as url:
        response = _import(client, url=url, title="Slow")
    assert response.status_code == 200  # the import's page says why it failed
    assert "took longer than 1 seconds to load" in response.get_data(as_text=True)


def test_the_deadline_holds_while_the_name_lookup_hangs(loopback_editor, monkeypatch):
    """A resolver that does not answer (the system's waits tens of seconds) costs no more
    than the fetch's deadline; the lookup is left to finish on its own."""
    from factcheck.intake import fetch

    released, asked, returned = threading.Event(), threading.Event(), threading.Event()
    system_lookup = socket.getaddrinfo

    def hanging_lookup(host, *args, **kwargs):
        if host == "unknown.example":
            raise socket.gaierror("no such name")
        if host != "stalled.example":
            return system_lookup(host, *args, **kwargs)
        asked.set()
        released.wait(30)
        returned.set()
        raise socket.gaierror("no answer")

    monkeypatch.setattr(fetch.socket, "getaddrinfo", hanging_lookup)
    app, client = loopback_editor
    app.config["URL_IMPORT_TIMEOUT"] = 1
    try:
        response = _import(client, url="http://stalled.example/report", title="Stalled")
        # The import's page answered while the lookup was still hanging.
        assert asked.is_set() and not returned.is_set()
    finally:
        released.set()
    assert response.status_code == 200
    assert "took longer than 1 seconds to load" in response.get_data(as_text=True)
    # A name that fails at once is still "could not be found".
    assert "could not be found" in _import(
        client, url="http://unknown.example/", title="T").get_data(as_text=True)


def test_a_lookup_thread_that_cannot_start_gives_its_slot_back(monkeypatch):
    from factcheck.intake import fetch

    class Unstartable(threading.Thread):
        def start(self):
            raise RuntimeError("can't start new thread")

    monkeypatch.setattr(fetch.threading, "Thread", Unstartable)
    for _attempt in range(20):  # more than the lookups allowed at once
        with pytest.raises(RuntimeError):
            fetch.fetch_page("http://127.0.0.1:9/", max_bytes=100, timeout=5,
                             allow_loopback=True)
    monkeypatch.undo()
    with pytest.raises(fetch.FetchError, match="could not be reached"):
        fetch.fetch_page("http://127.0.0.1:9/", max_bytes=100, timeout=5, allow_loopback=True)


def test_unreachable_url_is_explained(loopback_editor):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # closed once the block ends
    _app, client = loopback_editor
    response = _import(client, url=f"http://127.0.0.1:{port}/", title="T")
    assert response.status_code == 200  # the import's page says why it failed
    assert "could not be reached" in response.get_data(as_text=True)


def test_loopback_is_refused_by_default(client, editor, site, no_outside_connections):
    base, routes = site
    routes["/story"] = (200, "text/html", (DATA / "national-consensus.html").read_bytes(), {})
    response = _import(client, url=f"{base}/story", title="T")
    assert response.status_code == 200  # the import's page says why it failed
    assert "private or local address" in response.get_data(as_text=True)


# Addresses to refuse, not to bind to.
UNSAFE_ADDRESSES = ["10.0.0.7", "192.168.1.1", "169.254.169.254", "::1", "fd00::1",
                    "100.64.0.1", "0.0.0.0", "::", "224.0.0.1", "fec0::1",  # noqa: S104
                    "64:ff9b::a00:1", "2002:7f00:1::", "::127.0.0.1", "::ffff:10.0.0.1"]


@pytest.mark.parametrize("address", UNSAFE_ADDRESSES)
def test_private_and_link_local_addresses_are_refused_without_connecting(
        client, editor, monkeypatch, no_outside_connections, address):
    family = socket.AF_INET6 if ":" in address else socket.AF_INET
    monkeypatch.setattr(socket, "getaddrinfo", lambda *a, **k: [
        (family, socket.SOCK_STREAM, 6, "", (address, 80))])
    response = _import(client, url="http://news.example.org/story", title="T")
    assert response.status_code == 200  # the import's page says why it failed
    assert "private or local address" in response.get_data(as_text=True)


def test_redirect_to_a_private_address_is_refused(
        loopback_editor, site, monkeypatch, no_outside_connections):
    base, routes = site
    routes["/jump"] = (302, "text/html", b"", {"Location": "http://intranet.example/"})
    real = socket.getaddrinfo

    def resolve(host, *args, **kwargs):
        if host == "intranet.example":
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("10.1.2.3", 80))]
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", resolve)
    _app, client = loopback_editor
    response = _import(client, url=f"{base}/jump", title="T")
    assert response.status_code == 200  # the import's page says why it failed
    assert "intranet.example is not allowed" in response.get_data(as_text=True)


@pytest.mark.parametrize(("route", "url_suffix", "message"), [
    (None, "/caf\u00e9-story", "answered with HTTP 404"),  # non-ASCII path is encoded, no 500
    ((301, "text/html", b"", {"Location": "http://127.0.0.1:99999/"}), "/jump",
     "invalid port"),
    ((200, "text/plain; charset=x-bogus", b"Plain \xff text.", {}), "/plain", "not UTF-8"),
])
def test_awkward_urls_and_pages_are_explained_not_crashed(loopback_editor, site, route,
                                                          url_suffix, message):
    base, routes = site
    if route:
        routes[url_suffix] = route
    _app, client = loopback_editor
    response = _import(client, url=base + url_suffix, title="T")
    assert response.status_code == 200  # the import's page says why it failed
    assert message in response.get_data(as_text=True)


def test_import_is_audited(app, client, editor):
    _import(client, text=SAMPLE, title="Audited")
    with app.app_context():
        actions = db.session.exec(select(AuditEvent.action)).all()
    assert "article.create" in actions and "article.split" in actions


def test_cli_import_article_from_a_file_and_from_stdin(app, runner, tmp_path):
    path = tmp_path / "story.txt"
    path.write_text(SAMPLE)
    result = runner.invoke(["import-article", str(path), "--title", "From a file",
                            "--outlet", "Kabul Review", "--published", "2026-11-18"])
    assert result.exit_code == 0, result.output
    [(article, claims)] = _articles(app)
    assert f"Imported article {article.id}" in result.output
    sentences = [c for c in claims if c.parent_id is None]
    assert f"with {len(sentences)} claims and {len(claims) - len(sentences)} sub-claims." \
        in result.output
    assert (article.outlet, article.published_on) == ("Kabul Review", date(2026, 11, 18))
    result = runner.invoke(["import-article", "-", "--title", "From stdin"], input=PERSIAN)
    assert result.exit_code == 0, result.output
    assert len(_articles(app)) == 2


def test_cli_import_article_html_and_errors(app, runner, tmp_path):
    page = tmp_path / "page.html"
    page.write_bytes((DATA / "national-consensus.html").read_bytes())
    result = runner.invoke(["import-article", str(page)])
    assert result.exit_code == 0, result.output
    empty = tmp_path / "empty.txt"
    empty.write_text("  \n")
    result = runner.invoke(["import-article", str(empty), "--title", "Empty"])
    assert result.exit_code == 1 and "The article text is empty." in result.output
    notitle = tmp_path / "notitle.txt"
    notitle.write_text("Some text here.")
    result = runner.invoke(["import-article", str(notitle)])
    assert result.exit_code == 1 and "needs a title" in result.output
    assert len(_articles(app)) == 1


def test_a_url_import_waits_for_a_worker_and_its_progress_is_on_the_articles_page(
        loopback_editor, site, no_outside_connections):
    base, _routes = site
    app, client = loopback_editor
    asked = post_form(client, "/editor/articles/new", {"url": f"{base}/gone", "title": "Gone"})
    assert asked.status_code == 302 and "/editor/imports/" in asked.location
    waiting = client.get(asked.location).get_data(as_text=True)
    assert "Waiting for a worker" in waiting and 'http-equiv="refresh"' in waiting
    assert "No background worker has been seen" in waiting
    assert "waiting for a worker…" in client.get("/editor/").get_data(as_text=True)
    assert _articles(app) == []  # nothing fetched inside the request
    run_jobs(app)
    failed = client.get(asked.location).get_data(as_text=True)
    assert "answered with HTTP 404" in failed and 'http-equiv="refresh"' not in failed
    listing = client.get("/editor/").get_data(as_text=True)
    assert "failed" in listing and "answered with HTTP 404" in listing
