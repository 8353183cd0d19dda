"""No lost or half-done writes under load and faults, through the real `factcheck serve`.

Each test runs gunicorn with several workers on the test's database (SQLite or
PostgreSQL, as the suite runs) and drives it over HTTP from several threads.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import re
import signal
import sqlite3
import threading
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from sqlmodel import func, select

from factcheck.extensions import db
from factcheck.models import Article, AuditEvent, Claim, Evidence
from factcheck.states import Role

from ..helpers import PASSWORD, api_token, csrf_token
from ..serving import Browser, running_server

TEXT = "Unemployment fell to 3.5 percent in October. The council approved a budget."


def call(base: str, method: str, path: str, token: str, body=None) -> tuple[int, dict]:
    """One JSON API request; returns the status and the decoded body."""
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(  # noqa: S310 (our own http:// test server)
        f"{base}/api/v1{path}", data=data, method=method,
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310
            return response.status, json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as error:
        with error:
            return error.code, json.loads(error.read() or b"{}")


def _selected_claim(base: str, token: str) -> dict:
    status, article = call(base, "POST", "/articles", token, {"title": "Jobs", "text": TEXT})
    assert status == 201, article
    claim = article["claims"][0]
    status, claim = call(base, "PATCH", f"/claims/{claim['id']}", token,
                         {"version": claim["version"], "status": "selected"})
    assert status == 200, claim
    return claim


def _count(app, model, *where) -> int:
    with app.app_context():
        return db.session.exec(select(func.count()).select_from(model).where(*where)).one()


def test_twenty_simultaneous_edits_one_winner_nineteen_clean_409s(app, database_url, runner,
                                                                  make_user, tmp_path):
    token = api_token(runner, make_user(Role.EDITOR).email)
    with running_server(tmp_path, database_url=database_url, workers=4) as server:
        claim = _selected_claim(server, token)
        barrier = threading.Barrier(20)

        def edit(n: int) -> tuple[int, dict]:
            barrier.wait()
            return call(server, "PATCH", f"/claims/{claim['id']}", token,
                        {"version": claim["version"], "text": f"Edit number {n}."})

        with ThreadPoolExecutor(20) as pool:
            results = list(pool.map(edit, range(20)))
    statuses = sorted(status for status, _body in results)
    assert statuses == [200] + [409] * 19, results
    winner = next(body for status, body in results if status == 200)
    for status, body in results:
        if status == 409:
            assert body["error"]["code"] == "stale_version"
            assert body["current"]["text"] in (claim["text"], winner["text"])
    with app.app_context():
        stored = db.session.get(Claim, claim["id"])
        assert (stored.text, stored.version) == (winner["text"], claim["version"] + 1)
    assert _count(app, AuditEvent, AuditEvent.action == "claim.edit") == 1


def _sign_in(server: str, email: str) -> Browser:
    browser = Browser(server)
    page = browser.get("/login").body
    reply = browser.post("/login", {"csrf_token": csrf_token(page), "email": email,
                                    "password": PASSWORD})
    assert reply.status == 302, reply.body
    return browser


def test_simultaneous_form_edits_keep_one_and_answer_409(app, database_url, runner, make_user,
                                                        tmp_path):
    editors = [make_user(Role.EDITOR) for _ in range(6)]
    token = api_token(runner, editors[0].email)
    with running_server(tmp_path, database_url=database_url, workers=3) as server:
        claim = _selected_claim(server, token)
        browsers = [_sign_in(server, editor.email) for editor in editors]
        path = f"/editor/claims/{claim['id']}"
        forms = []
        for browser in browsers:  # every editor opens the form at the same version
            page = browser.get(path).body
            version = re.search(r'name="version" type="hidden" value="(\d+)"', page).group(1)
            forms.append({"csrf_token": csrf_token(page), "version": version})
        barrier = threading.Barrier(len(browsers))

        def submit(n: int) -> int:
            barrier.wait()
            return browsers[n].post(path, {**forms[n], "text": f"Reworded by editor {n}."}
                                    ).status

        with ThreadPoolExecutor(len(browsers)) as pool:
            statuses = sorted(pool.map(submit, range(len(browsers))))
    assert statuses == [302] + [409] * (len(browsers) - 1), statuses
    assert _count(app, AuditEvent, AuditEvent.action == "claim.edit") == 1


def test_a_form_clicked_four_times_at_once_imports_one_article(app, database_url, make_user,
                                                              tmp_path):
    editor = make_user(Role.EDITOR)
    with running_server(tmp_path, database_url=database_url, workers=4) as server:
        browser = _sign_in(server, editor.email)
        page = browser.get("/editor/articles/new").body
        form = {"csrf_token": csrf_token(page), "text": TEXT, "title": "Jobs",
                "form_token": re.search(r'name="form_token" value="([^"]+)"', page).group(1)}
        barrier = threading.Barrier(4)

        def submit(_n: int) -> tuple[int, str]:
            barrier.wait()
            reply = browser.post("/editor/articles/new", form)
            return reply.status, reply.headers.get("Location", "")

        with ThreadPoolExecutor(4) as pool:
            replies = list(pool.map(submit, range(4)))
    assert _count(app, Article) == 1, replies
    # Every click is answered with the article the first one created.
    assert {status for status, _location in replies} == {302}, replies
    assert len({location for _status, location in replies}) == 1, replies
    assert re.search(r"/editor/articles/\d+$", replies[0][1]), replies


def test_an_api_retry_storm_with_one_idempotency_key_imports_one_article(
        app, database_url, runner, make_user, tmp_path):
    token = api_token(runner, make_user(Role.EDITOR).email)
    body = json.dumps({"title": "Jobs", "text": TEXT}).encode()
    with running_server(tmp_path, database_url=database_url, workers=4) as server:
        barrier = threading.Barrier(8)

        def send(_n: int) -> tuple[int, dict, str | None]:
            barrier.wait()
            request = urllib.request.Request(  # noqa: S310 (our own http:// test server)
                f"{server}/api/v1/articles", data=body, method="POST",
                headers={"Authorization": f"Bearer {token}", "Idempotency-Key": "retry-1",
                         "Content-Type": "application/json"})
            try:
                with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310
                    return (response.status, json.loads(response.read()),
                            response.headers.get("Idempotent-Replayed"))
            except urllib.error.HTTPError as error:
                with error:
                    return error.code, json.loads(error.read()), None

        with ThreadPoolExecutor(8) as pool:
            replies = list(pool.map(send, range(8)))
        log = server.log()[-4000:]
    assert _count(app, Article) == 1, (replies, log)
    assert {status for status, _body, _replayed in replies} == {201}, (replies, log)
    assert len({body["id"] for _status, body, _replayed in replies}) == 1
    assert sorted(replayed or "" for _s, _b, replayed in replies) == [""] + ["true"] * 7


def test_four_writers_two_hundred_writes_each_lose_nothing(app, database_url, runner,
                                                          make_user, tmp_path):
    token = api_token(runner, make_user(Role.EDITOR).email)
    writes = int(os.environ.get("FACTCHECK_LOAD_WRITES", "200"))
    with running_server(tmp_path, database_url=database_url, workers=4) as server:
        claim = _selected_claim(server, token)

        def writer(n: int) -> tuple[int, int]:
            """Alternate an insert (evidence) and a read-modify-write of the claim."""
            added = edited = 0
            for i in range(writes):
                if i % 2 == 0:
                    status, _body = call(server, "POST", f"/claims/{claim['id']}/evidence",
                                         token, {"url": f"https://example.org/{n}/{i}",
                                                 "stance": "context", "title": f"{n}-{i}"})
                    assert status == 201, _body
                    added += 1
                    continue
                while True:  # retry on 409, as a client should: read, change, write
                    _status, article = call(server, "GET", f"/articles/{claim['article_id']}",
                                            token)
                    current = next(c for c in article["claims"] if c["id"] == claim["id"])
                    status, _body = call(server, "PATCH", f"/claims/{claim['id']}", token,
                                         {"version": current["version"],
                                          "text": f"Writer {n}, edit {i}."})
                    if status == 200:
                        edited += 1
                        break
                    assert status == 409, _body
            return added, edited

        with ThreadPoolExecutor(4) as pool:
            done = list(pool.map(writer, range(4)))
    added, edited = (sum(column) for column in zip(*done, strict=True))
    assert added + edited == 4 * writes
    assert _count(app, Evidence, Evidence.claim_id == claim["id"]) == added
    assert _count(app, AuditEvent, AuditEvent.action == "claim.edit") == edited
    with app.app_context():
        assert db.session.get(Claim, claim["id"]).version == claim["version"] + edited


def _kill_everything(process) -> None:
    """SIGKILL the gunicorn master and its workers: no clean shutdown for anyone."""
    children = Path(f"/proc/{process.pid}/task/{process.pid}/children").read_text().split()
    for pid in [process.pid, *map(int, children)]:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    process.wait()


def test_acknowledged_writes_survive_sigkill(app, database_url, runner, make_user, tmp_path):
    token = api_token(runner, make_user(Role.EDITOR).email)
    acknowledged: list[int] = []
    with running_server(tmp_path / "first", database_url=database_url, workers=2) as server:
        claim = _selected_claim(server, token)
        stop = threading.Event()

        def stream(n: int) -> None:
            i = 0
            while not stop.is_set():
                try:
                    status, body = call(server, "POST", f"/claims/{claim['id']}/evidence",
                                        token, {"url": f"https://example.org/{n}/{i}",
                                                "stance": "context", "title": f"{n}-{i}"})
                except (OSError, http.client.HTTPException):
                    return  # the server died mid-request: this write was not acknowledged
                if status == 201:
                    acknowledged.append(body["id"])
                i += 1

        threads = [threading.Thread(target=stream, args=(n,)) for n in range(4)]
        for thread in threads:
            thread.start()
        deadline = time.monotonic() + 120
        while len(acknowledged) < 100:
            assert any(t.is_alive() for t in threads), "every writer stopped early"
            assert time.monotonic() < deadline, f"only {len(acknowledged)} writes in 120 s"
            time.sleep(0.01)
        _kill_everything(server.process)
        stop.set()
        for thread in threads:
            thread.join(timeout=60)
    if database_url.startswith("sqlite"):
        path = database_url.removeprefix("sqlite:///")
        with sqlite3.connect(path) as connection:
            assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    with running_server(tmp_path / "second", database_url=database_url) as server:
        status, body = call(server, "GET", f"/claims/{claim['id']}", token)
    assert status == 200, body
    stored = {e["id"] for e in body["evidence"]}
    assert set(acknowledged) <= stored, sorted(set(acknowledged) - stored)[:10]
    assert len(stored) == _count(app, Evidence, Evidence.claim_id == claim["id"])
