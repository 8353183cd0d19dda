"""Hostile and malformed input through the web forms: never a 500, never stored XSS,
never a half-saved request."""

from __future__ import annotations

import io
import json
import re
from html.parser import HTMLParser

import pytest
from sqlalchemy import func
from sqlmodel import select

from factcheck.extensions import db
from factcheck.models import (
    Article,
    Assignment,
    Claim,
    Comment,
    Decision,
    Evidence,
    Publication,
    ReaderReport,
    Review,
    User,
)
from factcheck.states import ClaimStatus, Role
from factcheck.workflow.articles import import_article
from factcheck.workflow.assignments import assign_claims

from ..helpers import (
    EVIDENCE,
    PASSWORD,
    add_evidence_form,
    csrf_token,
    login,
    post_form,
    review_form,
    rows,
    share_evidence,
)
from ..web.test_feeds import JOBS, parse_xml, publish_check

PAYLOAD = '<script>alert(1)</script> "><img src=x onerror=alert(1)> </script><script></textarea>'
TEXT = ("The ministry said that unemployment fell to 3.5 percent in October, the lowest rate "
        "since 2019. The council approved a budget of $4.2 million on Tuesday. "
        "Critics say the {payload} plan is unfair.")
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "poster", "data"}
SCRIPT_SCHEMES = ("javascript:", "data:", "vbscript:")


def evil(field: str) -> str:
    """The payload, tagged with the field it was typed into."""
    return f"[{field}] {PAYLOAD}"


class _Page(HTMLParser):
    """What a browser would run or follow in a page, and what it would show as text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self.shown: list[str] = []  # text and attribute values, unescaped
        self.json_ld: list[str] = []
        self._in_json_ld = False

    def handle_starttag(self, tag: str, attrs: list) -> None:
        attributes = dict(attrs)
        for name, value in attrs:
            value = value or ""
            self.shown.append(value)
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}>")
            compact = re.sub(r"[\x00-\x20]", "", value).lower()
            if name in URL_ATTRIBUTES and compact.startswith(SCRIPT_SCHEMES):
                self.problems.append(f"<{tag} {name}={value!r}>")
        if tag == "script":
            if attributes.get("type") == "application/ld+json" and "src" not in attributes:
                self._in_json_ld = True
                self.json_ld.append("")
            elif not (attributes.get("src") or "").startswith("/static/"):  # ours, not input
                self.problems.append(f"<script {attributes}>")
        if tag in ("img", "iframe", "embed", "object") and attributes.get("src") == "x":
            self.problems.append(f"<{tag} src=x>")

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_json_ld = False

    def handle_data(self, data: str) -> None:
        if self._in_json_ld:
            self.json_ld[-1] += data
        else:
            self.shown.append(data)


def assert_inert(response, *fields: str) -> _Page:
    """The page answered, runs no injected script, and shows each field's payload as text."""
    assert response.status_code == 200, (response.request.path, response.status_code)
    html = response.get_data(as_text=True)
    page = _Page()
    page.feed(html)
    page.close()
    assert not page.problems, (response.request.path, page.problems)
    for block in page.json_ld:
        assert "<" not in block, block  # so no "</script" can end the element early
        json.loads(block)
    shown = "\n".join(page.shown)
    for field in fields:
        assert evil(field) in shown, (response.request.path, field)
    return page


def count(app, model, **where) -> int:
    """How many rows of `model` match `where`."""
    with app.app_context():
        query = select(func.count()).select_from(model).filter_by(**where)
        return db.session.exec(query).one()


def hidden(html: str, name: str) -> str:
    """The value of the first hidden input called `name`."""
    match = re.search(rf'<input[^>]*name="{name}"[^>]*value="([^"]*)"', html)
    assert match, f"no {name} field"
    return match.group(1)


# --- Payloads in every text field, rendered everywhere they appear ---------------------------


@pytest.fixture
def hostile(app, make_user):
    """A check published through the forms with the payload in every text field."""
    share_evidence(app)  # the second reviewer cites the first one's source
    admin = app.test_client()
    assert login(admin, make_user(Role.ADMIN).email).status_code == 302
    response = post_form(admin, "/admin/organisation", {
        "org_name": evil("org"), "org_url": "", "org_logo_url": "", "org_contact": "",
        "methodology": "", "corrections_policy": ""})
    assert response.status_code == 302
    emails = {"editor": "eda@example.org", "first": "rui@example.org", "second": "sam@example.org"}
    for who, email in emails.items():
        role = "editor" if who == "editor" else "reviewer"
        response = post_form(admin, "/admin/users/new", {
            "display_name": evil(f"name-{who}"), "email": email, "role": role,
            "password": PASSWORD})
        assert response.status_code == 302, response.get_data(as_text=True)
    clients = {"admin": admin}
    for who, email in emails.items():
        clients[who] = app.test_client()
        assert login(clients[who], email).status_code == 302
    editor = clients["editor"]

    response = post_form(editor, "/editor/articles/new", {
        "text": TEXT.format(payload=evil("text")), "title": evil("title"),
        "outlet": evil("outlet"), "author": evil("author"), "url": "",
        "source_url": "https://news.example.org/jobs", "published_on": "", "language": ""})
    assert response.status_code == 302, response.get_data(as_text=True)
    article_id = int(response.headers["Location"].rsplit("/", 1)[1])
    board = f"/editor/articles/{article_id}"
    claims = sorted(rows(app, Claim, article_id=article_id), key=lambda c: c.position)
    checked, critics = claims[0], claims[-1]
    assert evil("text") in critics.text

    page = editor.get(f"/editor/claims/{checked.id}").get_data(as_text=True)
    response = editor.post(f"/editor/claims/{checked.id}", data={
        "csrf_token": csrf_token(page), "version": hidden(page, "version"),
        "text": f"Unemployment fell to 3.5 percent {evil('claim')}",
        "claimant": evil("claimant"), "claim_date": ""})
    assert response.status_code == 302, response.get_data(as_text=True)
    for claim in (checked, critics):
        version = rows(app, Claim, id=claim.id)[0].version
        response = post_form(editor, f"/editor/claims/{claim.id}/select",
                             {"version": version}, page=board)
        assert response.status_code == 302
    for who in ("first", "second"):
        reviewer = rows(app, User, email=emails[who])[0]
        response = post_form(editor, f"{board}/assign", {
            "reviewer": reviewer.id, "claims": [checked.id, critics.id], "due_on": ""},
            page=board)
        assert response.status_code == 302, response.get_data(as_text=True)

    first, second = clients["first"], clients["second"]
    response = add_evidence_form(first, checked.id, title=evil("ev-title"),
                                 quote=evil("ev-quote"), note=evil("ev-note"),
                                 publisher=evil("ev-publisher"))
    assert response.status_code == 302, response.get_data(as_text=True)
    response = post_form(first, f"/review/claims/{checked.id}/comments",
                         {"body": evil("comment")}, page=f"/review/claims/{checked.id}")
    assert response.status_code == 302
    for who, client in (("first", first), ("second", second)):
        response = review_form(client, checked.id, rationale=evil(f"rationale-{who}"))
        assert response.status_code == 302, response.get_data(as_text=True)

    page = editor.get(f"/editor/claims/{checked.id}/decide").get_data(as_text=True)
    response = editor.post(f"/editor/claims/{checked.id}/decide", data={
        "csrf_token": csrf_token(page), "version": hidden(page, "version"), "rating": "true",
        "summary": evil("summary"), "correction_note": ""})
    assert response.status_code == 302, response.get_data(as_text=True)
    response = post_form(editor, f"{board}/publish", {"include_open": "y", "confirm": "y"},
                         page=board)
    assert response.status_code == 302
    slug = rows(app, Article, id=article_id)[0].slug

    reader = app.test_client()
    response = post_form(reader, f"/checks/{slug}/report",
                         {"claim": "", "message": evil("report"), "contact": ""})
    assert response.status_code == 302, response.get_data(as_text=True)
    evidence = rows(app, Evidence, claim_id=checked.id)[0]
    return {"clients": clients, "article_id": article_id, "slug": slug, "claim": checked.id,
            "open_claim": critics.id, "evidence": evidence.id}


def test_editor_pages_show_every_payload_as_text(hostile):
    editor, claim = hostile["clients"]["editor"], hostile["claim"]
    board = f"/editor/articles/{hostile['article_id']}"
    assert_inert(editor.get("/editor/"), "title")
    assert_inert(editor.get(board), "title", "outlet", "author", "text", "claim", "claimant",
                 "name-first", "name-second")
    assert_inert(editor.get(f"{board}/text"), "text")
    assert_inert(editor.get(f"/editor/claims/{claim}"), "claim", "claimant")
    assert_inert(editor.get(f"/editor/claims/{claim}/decide"), "claim", "ev-title", "ev-quote",
                 "rationale-first", "rationale-second", "summary", "name-first")
    assert_inert(editor.get("/editor/reports"), "report", "title")
    assert_inert(editor.get("/search?q=unemployment"))


def test_reviewer_pages_show_every_payload_as_text(hostile):
    first, claim = hostile["clients"]["first"], hostile["claim"]
    assert_inert(first.get("/review/"), "claim", "title")
    assert_inert(first.get(f"/review/claims/{claim}"), "claim", "claimant", "title", "ev-title",
                 "ev-quote", "ev-note", "ev-publisher", "rationale-first", "comment",
                 "name-first", "text")
    assert_inert(first.get(f"/review/evidence/{hostile['evidence']}"), "ev-title", "ev-quote",
                 "ev-note", "ev-publisher")
    assert_inert(first.get(f"/review/claims/{hostile['open_claim']}"), "text")


def test_admin_pages_show_every_payload_as_text(hostile):
    admin = hostile["clients"]["admin"]
    assert_inert(admin.get("/admin/users"), "name-editor", "name-first", "name-second")
    assert_inert(admin.get("/admin/organisation"), "org")


def test_public_pages_and_their_markup_keep_every_payload_inert(app, hostile):
    reader, slug = app.test_client(), hostile["slug"]
    page = assert_inert(reader.get(f"/checks/{slug}"), "title", "outlet", "author", "text",
                        "claim", "claimant", "summary", "ev-title", "ev-quote", "org")
    markup = json.loads(page.json_ld[0])
    review = markup[0] if isinstance(markup, list) else markup
    assert review["claimReviewed"].startswith("Unemployment fell to 3.5 percent [claim] <script>")
    assert review["author"]["name"] == evil("org")
    assert review["itemReviewed"]["author"]["name"] == evil("claimant")
    assert_inert(reader.get("/"), "title")
    assert_inert(reader.get(f"/checks/{slug}/report"), "title")
    assert_inert(reader.get("/search?q=unemployment"))
    assert_inert(reader.get("/corrections"))
    feed = reader.get("/feed.atom").get_data(as_text=True)
    assert "<script" not in feed and "&lt;script&gt;" in feed


# --- A desk to post to: an editor, a reviewer, an article with selected, assigned claims ----


@pytest.fixture
def desk(app, make_user):
    """Signed-in editor and reviewer clients; the article's claims are assigned to both."""
    editor, reviewer = make_user(Role.EDITOR), make_user(Role.REVIEWER)
    with app.app_context():
        article = import_article(db.session, title="Jobs", body=TEXT.format(payload="new"),
                                 actor=None)
        claims = db.session.exec(select(Claim).where(Claim.article_id == article.id)
                                 .order_by(Claim.position)).all()
        for claim in claims:
            claim.status = ClaimStatus.SELECTED
        db.session.flush()
        for user in (reviewer, editor):
            assign_claims(db.session, claims=claims, reviewer=db.session.get(User, user.id),
                          due_on=None, actor=db.session.get(User, editor.id))
        db.session.commit()
        ids, article_id = [c.id for c in claims], article.id
    clients = {}
    for name, user in (("editor", editor), ("reviewer", reviewer)):
        clients[name] = app.test_client()
        assert login(clients[name], user.email).status_code == 302
    return {"editor": clients["editor"], "reviewer": clients["reviewer"], "claims": ids,
            "article_id": article_id, "board": f"/editor/articles/{article_id}",
            "reviewer_id": reviewer.id}


def _import(client, **fields):
    data = {"text": "", "title": "", "outlet": "", "author": "", "url": "", "source_url": "",
            "published_on": "", "language": "", **fields}
    return post_form(client, "/editor/articles/new", data)


# --- Script addresses -------------------------------------------------------------------------

SCRIPT_URLS = ["javascript:alert(1)", "JaVaScRiPt:alert(1)", " javascript:alert(1)",
               "java\tscript:alert(1)", "javascript://example.org/%0Aalert(1)",
               "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
               "vbscript:msgbox(1)", "//evil.example.org/x", "https:alert(1)"]


@pytest.mark.parametrize("url", SCRIPT_URLS)
def test_script_and_data_addresses_are_refused_for_evidence(app, desk, url):
    claim = desk["claims"][0]
    for field in ("url", "archive_url"):
        response = add_evidence_form(desk["reviewer"], claim, **{field: url})
        assert response.status_code == 422, (field, response.status_code)
        assert "http:// or https://" in response.get_data(as_text=True)
    assert count(app, Evidence) == 0


@pytest.mark.parametrize("url", SCRIPT_URLS)
def test_script_and_data_addresses_are_refused_for_articles_and_the_organisation(
        app, desk, make_user, url):
    for field in ("source_url", "url"):
        text = "" if field == "url" else TEXT.format(payload="new")
        response = _import(desk["editor"], title="Other", text=text, **{field: url})
        assert response.status_code == 422, (field, response.status_code)
        assert "http:// or https://" in response.get_data(as_text=True)
    assert count(app, Article) == 1
    admin = app.test_client()
    login(admin, make_user(Role.ADMIN).email)
    for field in ("org_url", "org_logo_url"):
        data = {"org_name": "Desk", "org_url": "", "org_logo_url": "", "org_contact": "",
                "methodology": "", "corrections_policy": "", field: url}
        assert post_form(admin, "/admin/organisation", data).status_code == 422
    assert "javascript" not in admin.get("/admin/organisation").get_data(as_text=True).lower()


# --- Sizes ------------------------------------------------------------------------------------


def _multipart(fields: dict[str, bytes], boundary: str = "b0undary") -> bytes:
    """A multipart/form-data body with raw bytes as given (the test client would encode)."""
    parts = []
    for name, value in fields.items():
        filename = '; filename="a.txt"' if name == "file" else ""
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"'
                     f'{filename}\r\n\r\n'.encode() + value + b"\r\n")
    return b"".join(parts) + f"--{boundary}--\r\n".encode()


def test_oversized_bodies_are_answered_413_and_save_nothing(app, desk):
    editor = desk["editor"]
    token = csrf_token(editor.get("/editor/articles/new").get_data(as_text=True))
    huge = "word " * (1024 * 1024)  # 5 MiB, over MAX_CONTENT_LENGTH
    response = editor.post("/editor/articles/new",
                           data={"csrf_token": token, "title": "Huge", "text": huge})
    assert response.status_code == 413 and "Too large" in response.get_data(as_text=True)
    response = editor.post("/editor/articles/new", data=_multipart({
        "csrf_token": token.encode(), "title": b"Huge", "file": huge.encode()}),
        content_type="multipart/form-data; boundary=b0undary")
    assert response.status_code == 413
    response = post_form(desk["reviewer"], f"/review/claims/{desk['claims'][0]}/comments",
                         {"body": huge}, page=f"/review/claims/{desk['claims'][0]}")
    assert response.status_code == 413
    assert (count(app, Article), count(app, Comment)) == (1, 0)


def test_text_over_the_article_limit_is_refused_with_the_limit(app, desk):
    response = _import(desk["editor"], title="Long", text="word " * 300_000)  # 1.5 MB
    assert response.status_code == 422
    assert "the limit is 1,000,000 bytes" in response.get_data(as_text=True)
    assert count(app, Article) == 1


# --- Encodings and control characters ---------------------------------------------------------


def test_invalid_utf8_in_form_fields_is_stored_as_valid_text(app, desk):
    editor = desk["editor"]
    token = csrf_token(editor.get("/editor/articles/new").get_data(as_text=True))
    body = (b"csrf_token=" + token.encode() + b"&title=Bad%FF%FEtitle&text=The+budget+"
            b"rose+by+4+percent+%C0%AF+in+2020+and+the+council+approved+it.")
    response = editor.post("/editor/articles/new", data=body,
                           content_type="application/x-www-form-urlencoded")
    assert response.status_code == 302
    response = editor.post("/editor/articles/new", content_type="multipart/form-data; "
                           "boundary=b0undary", data=_multipart({
                               "csrf_token": token.encode(), "title": b"Raw \xff\xfe title",
                               "text": b"The budget \xc0\xaf rose by 4 percent in 2021."}))
    assert response.status_code == 302
    for article in rows(app, Article):
        article.title.encode("utf-8")  # nothing undecodable was stored
        article.body.encode("utf-8")
        assert_inert(editor.get(f"/editor/articles/{article.id}"))


@pytest.mark.parametrize(("name", "data"), [
    ("a.txt", b"The budget \xff\xfe rose by 4 percent in 2020."),
    ("a.md", b"# Budget\n\nThe budget \xc3\x28 rose by 4 percent in 2020."),
    ("a.html", b"<html><body><p>The budget \xff rose by 4 percent in 2020 and so on.</p>"
               b"</body></html>"),
    ("a.txt", b"The budget \x00 rose by 4 percent in 2020."),
])
def test_uploads_that_are_not_utf8_text_are_refused_clearly(app, desk, name, data):
    editor = desk["editor"]
    token = csrf_token(editor.get("/editor/articles/new").get_data(as_text=True))
    response = editor.post("/editor/articles/new", content_type="multipart/form-data", data={
        "csrf_token": token, "title": "Upload", "file": (io.BytesIO(data), name)})
    assert response.status_code == 422
    assert re.search(r"not UTF-8|not a text file", response.get_data(as_text=True))
    assert count(app, Article) == 1


def test_nul_characters_are_refused_clearly_and_save_nothing(app, desk, make_user):
    editor, reviewer, claim = desk["editor"], desk["reviewer"], desk["claims"][0]
    admin = app.test_client()
    login(admin, make_user(Role.ADMIN).email)
    before = {model: count(app, model) for model in (Article, Comment, User, Evidence)}
    version = rows(app, Claim, id=claim)[0].version
    attempts = [
        _import(editor, title="Nul\x00title", text=TEXT.format(payload="x")),
        _import(editor, title="Nul text", text=TEXT.format(payload="\x00")),
        post_form(editor, f"/editor/claims/{claim}",
                  {"text": "A\x00B", "claimant": "", "claim_date": "", "version": version}),
        post_form(reviewer, f"/review/claims/{claim}/comments", {"body": "a\x00b"},
                  page=f"/review/claims/{claim}"),
        add_evidence_form(reviewer, claim, quote="a\x00b"),
        post_form(admin, "/admin/users/new", {"display_name": "N\x00ul",
                                              "email": "nul@example.org", "role": "reviewer",
                                              "password": PASSWORD}),
        login(app.test_client(), "a\x00b@example.org"),
        app.test_client().get("/checks/a%00b"),
        editor.get("/editor/articles/1%00"),
    ]
    for response in attempts:
        assert response.status_code == 400, (response.request.path, response.status_code)
        assert "NUL character" in response.get_data(as_text=True)
    assert {model: count(app, model) for model in before} == before
    assert rows(app, Claim, id=claim)[0].version == version
    assert app.test_client().get("/search?q=a%00b&rating=%00&outlet=%00&claimant=%00"
                                 ).status_code == 200


CONTROL = "\x01\x07\x08\x0b\x0c\x1b[31m\x7f\u0085\u2028\u2029\ufeff\u200b"


def test_other_control_characters_are_stored_faithfully_and_pages_still_work(app, desk):
    editor = desk["editor"]
    title = f"Budget{CONTROL}report"
    text = TEXT.format(payload=CONTROL)
    response = _import(editor, title=title, text=text)
    assert response.status_code == 302, response.get_data(as_text=True)
    article_id = int(response.headers["Location"].rsplit("/", 1)[1])
    article = rows(app, Article, id=article_id)[0]
    assert (article.title, article.body) == (title, text)
    claims = sorted(rows(app, Claim, article_id=article_id), key=lambda c: c.position)
    response = post_form(editor, f"/editor/claims/{claims[0].id}", {
        "text": f"Unemployment{CONTROL}fell", "claimant": f"The{CONTROL}ministry",
        "claim_date": "", "version": claims[0].version})
    assert response.status_code == 302
    assert rows(app, Claim, id=claims[0].id)[0].claimant == f"The{CONTROL}ministry"
    assert_inert(editor.get(f"/editor/articles/{article_id}"))
    _decide_and_publish(app, article_id, claims[0].id)
    reader = app.test_client()
    assert_inert(reader.get(f"/checks/{article.slug}"))
    parse_xml(reader.get("/feed.atom").data)  # still well-formed XML


def _decide_and_publish(app, article_id: int, claim_id: int) -> None:
    from factcheck.workflow.publishing import publish_article

    with app.app_context():
        claim = db.session.get(Claim, claim_id)
        claim.status = ClaimStatus.DECIDED
        editor = db.session.exec(select(User).where(User.role == Role.EDITOR)).first()
        db.session.add(Decision(claim_id=claim_id, editor_id=editor.id, summary="Checked."))
        db.session.flush()
        publish_article(db.session, article=db.session.get(Article, article_id), editor=editor,
                        include_open=True)
        db.session.commit()


def test_right_to_left_override_is_stored_faithfully_and_kept_in_its_element(app, desk):
    editor = desk["editor"]
    title = "Budget report \u202egnp.exe"
    response = _import(editor, title=title, text=TEXT.format(payload="\u202eevil"))
    assert response.status_code == 302
    article_id = int(response.headers["Location"].rsplit("/", 1)[1])
    article = rows(app, Article, id=article_id)[0]
    assert article.title == title and article.slug == "budget-report-gnp-exe"
    claim = sorted(rows(app, Claim, article_id=article_id), key=lambda c: c.position)[0]
    response = post_form(editor, f"/editor/claims/{claim.id}", {
        "text": "Unemployment fell \u202e5.3", "claimant": "", "claim_date": "",
        "version": claim.version})
    assert response.status_code == 302
    assert rows(app, Claim, id=claim.id)[0].text == "Unemployment fell \u202e5.3"
    assert_inert(editor.get(f"/editor/articles/{article_id}"))
    _decide_and_publish(app, article_id, claim.id)
    page = app.test_client().get(f"/checks/{article.slug}")
    assert_inert(page)
    # An element with `dir` isolates its text: the override cannot reorder what follows.
    assert f'<h1 dir="auto">{title}</h1>' in page.get_data(as_text=True)


# --- Numbers out of range ---------------------------------------------------------------------

HUGE = "99999999999999999999"


@pytest.mark.parametrize("number", [HUGE, "2147483648", "9" * 5000])
def test_ids_too_large_for_the_database_are_404_not_500(app, make_user, number):
    client = app.test_client()
    login(client, make_user(Role.ADMIN).email)
    for path in [f"/editor/claims/{number}", f"/editor/articles/{number}",
                 f"/editor/articles/{number}/text", f"/editor/claims/{number}/decide",
                 f"/review/claims/{number}", f"/review/evidence/{number}",
                 f"/admin/users/{number}", f"/admin/scales/{number}",
                 f"/admin/scales/1/labels/{number}"]:
        assert client.get(path).status_code == 404, path
    token = csrf_token(client.get("/account/tokens").get_data(as_text=True))
    for path in [f"/editor/claims/{number}/select", f"/editor/claims/{number}/move/up",
                 f"/editor/reports/{number}/closed", f"/account/tokens/{number}/revoke",
                 f"/account/sessions/{number}/end",
                 f"/editor/assignments/{number}/remove", f"/editor/articles/{number}/publish",
                 f"/review/claims/{number}/comments"]:
        response = client.post(path, data={"csrf_token": token, "version": "1", "body": "x"})
        assert response.status_code == 404, path


def test_version_fields_out_of_range_or_not_numbers_change_nothing(app, desk):
    editor, reviewer, claim = desk["editor"], desk["reviewer"], desk["claims"][0]
    assert add_evidence_form(reviewer, claim).status_code == 302
    evidence = rows(app, Evidence, claim_id=claim)[0]
    stored = rows(app, Claim, id=claim)[0]
    for version in (HUGE, "-1", "abc", "1.5", "1e3", ""):
        response = post_form(editor, f"/editor/claims/{claim}", {
            "text": "Changed", "claimant": "", "claim_date": "", "version": version})
        assert response.status_code in (400, 409), (version, response.status_code)
        response = post_form(editor, f"/editor/claims/{claim}/select", {"version": version},
                             page=desk["board"])
        assert response.status_code in (400, 409), (version, response.status_code)
        response = post_form(reviewer, f"/review/evidence/{evidence.id}",
                             {**EVIDENCE, "title": "Changed", "version": version})
        assert response.status_code in (400, 409), (version, response.status_code)
    for version in ("abc", "1.5", "1e3"):
        response = review_form(reviewer, claim, version=version)
        assert response.status_code == 400, (version, response.status_code)
    assert rows(app, Claim, id=claim)[0].text == stored.text
    assert rows(app, Evidence, id=evidence.id)[0].title == evidence.title
    assert count(app, Review) == 0


def test_numbers_and_dates_out_of_range_in_fields_are_refused(app, desk):
    editor, reviewer, claim, board = (desk["editor"], desk["reviewer"], desk["claims"][0],
                                      desk["board"])
    before = {model: count(app, model) for model in (Assignment, Claim, Evidence, Review)}
    refused = [
        post_form(editor, f"{board}/assign", {"reviewer": HUGE, "claims": [claim],
                                              "due_on": ""}, page=board),
        post_form(editor, f"{board}/assign", {"reviewer": desk["reviewer_id"],
                                              "claims": [HUGE], "due_on": ""}, page=board),
        post_form(editor, f"{board}/assign", {"reviewer": desk["reviewer_id"],
                                              "claims": [claim], "due_on": "99999-01-01"},
                  page=board),
        post_form(editor, f"{board}/claims", {"quote": "Unemployment", "occurrence": HUGE},
                  page=board),
        post_form(editor, f"/editor/claims/{claim}", {
            "text": "x", "claimant": "", "claim_date": "99999-01-01", "version": "1"}),
        add_evidence_form(reviewer, claim, published_on="99999-12-31"),
        add_evidence_form(reviewer, claim, accessed_on="0000-01-01"),
        review_form(reviewer, claim, evidence=[HUGE]),
        review_form(reviewer, claim, evidence=["-1"]),
        _import(editor, title="Dated", text=TEXT.format(payload="x"),
                published_on="99999-01-01"),
    ]
    refused += [post_form(editor, f"{board}/select-by-score", {"min_score": score}, page=board)
                for score in ("sNaN", "NaN", "-Infinity", "1e999999999", "2")]
    for response in refused:
        assert response.status_code == 422, (response.request.path, response.status_code)
    assert {model: count(app, model) for model in before} == before


def test_reader_report_about_a_claim_that_is_not_there_is_refused(app, make_user):
    check = publish_check(app, make_user(Role.EDITOR), title="Jobs", claims=JOBS)
    reader = app.test_client()
    for claim in ("abc", HUGE, "-1", "\u0661", "3"):
        response = post_form(reader, f"/checks/{check['slug']}/report",
                             {"claim": claim, "message": "Wrong", "contact": ""})
        assert response.status_code == 422, (claim, response.status_code)
    assert count(app, ReaderReport) == 0


# --- The same form posted twice ---------------------------------------------------------------


def _twice(client, url: str, data: dict, page: str | None = None):
    """POST the same form twice with one CSRF token, as a double click does."""
    token = csrf_token(client.get(page or url).get_data(as_text=True))
    data = {**data, "csrf_token": token}
    return client.post(url, data=data), client.post(url, data=data)


def test_adding_evidence_or_a_comment_twice_keeps_one_and_answers_409(app, desk):
    reviewer, claim = desk["reviewer"], desk["claims"][0]
    workspace = f"/review/claims/{claim}"
    first, second = _twice(reviewer, f"{workspace}/evidence", EVIDENCE, page=workspace)
    assert (first.status_code, second.status_code) == (302, 409)
    assert "already in the claim&#39;s evidence" in second.get_data(as_text=True)
    first, second = _twice(reviewer, f"{workspace}/comments", {"body": "Look at page 3."},
                           page=workspace)
    assert (first.status_code, second.status_code) == (302, 409)
    assert (count(app, Evidence), count(app, Comment)) == (1, 1)
    # The same source with another quote is new evidence, and a repeated remark after
    # someone else spoke is a new comment.
    assert add_evidence_form(reviewer, claim, quote="Another passage.").status_code == 302
    assert post_form(desk["editor"], f"{workspace}/comments", {"body": "Agreed."},
                     page=workspace).status_code == 302
    assert post_form(reviewer, f"{workspace}/comments", {"body": "Look at page 3."},
                     page=workspace).status_code == 302
    assert (count(app, Evidence), count(app, Comment)) == (2, 3)


def test_importing_the_same_article_twice_keeps_one(app, desk):
    data = {"text": TEXT.format(payload="twice"), "title": "Twice", "outlet": "", "author": "",
            "url": "", "source_url": "", "published_on": "", "language": ""}
    first, second = _twice(desk["editor"], "/editor/articles/new", data)
    assert (first.status_code, second.status_code) == (302, 422)
    assert "a moment ago; it is already on the list" in second.get_data(as_text=True)
    assert count(app, Article, title="Twice") == 1


def test_someone_else_may_import_the_same_article_again(app, desk, client, login_as):
    data = {"text": TEXT.format(payload="again"), "title": "Again", "outlet": "",
            "author": "", "url": "", "source_url": "", "published_on": "", "language": ""}
    assert post_form(desk["editor"], "/editor/articles/new", data).status_code == 302
    login_as(Role.EDITOR)  # a colleague re-imports the same wire copy on purpose
    assert post_form(client, "/editor/articles/new", data).status_code == 302
    assert count(app, Article, title="Again") == 2


def test_versioned_actions_posted_twice_answer_409_the_second_time(app, desk):
    editor, reviewer, claim = desk["editor"], desk["reviewer"], desk["claims"][0]
    version = rows(app, Claim, id=claim)[0].version
    first, second = _twice(editor, f"/editor/claims/{claim}", {
        "text": "Reworded once.", "claimant": "", "claim_date": "", "version": version})
    assert (first.status_code, second.status_code) == (302, 409)
    assert rows(app, Claim, id=claim)[0].version == version + 1
    assert add_evidence_form(reviewer, desk["claims"][1]).status_code == 302
    workspace = f"/review/claims/{desk['claims'][1]}"
    evidence = rows(app, Evidence, claim_id=desk["claims"][1])[0].id
    data = {"rating": "true", "rationale": "Matches.", "confidence": "high",
            "action": "submit", "version": "", "evidence": [evidence]}
    first, second = _twice(reviewer, f"{workspace}/review", data, page=workspace)
    assert (first.status_code, second.status_code) == (302, 409)
    assert count(app, Review) == 1


def test_assigning_reporting_and_publishing_twice_add_nothing_the_second_time(app, desk):
    editor, board, claim = desk["editor"], desk["board"], desk["claims"][0]
    first, second = _twice(editor, f"{board}/assign", {
        "reviewer": desk["reviewer_id"], "claims": [claim], "due_on": ""}, page=board)
    assert (first.status_code, second.status_code) == (302, 302)
    assert count(app, Assignment, claim_id=claim) == 2  # the fixture's two, no more
    _decide_and_publish(app, desk["article_id"], claim)
    first, second = _twice(editor, f"{board}/publish", {"include_open": "y", "confirm": "y"})
    assert (first.status_code, second.status_code) == (302, 302)
    assert count(app, Publication) == 1
    slug = rows(app, Article, id=desk["article_id"])[0].slug
    reader = app.test_client()
    first, second = _twice(reader, f"/checks/{slug}/report",
                           {"claim": "", "message": "The date is wrong.", "contact": ""})
    assert (first.status_code, second.status_code) == (302, 302)
    assert count(app, ReaderReport) == 1
