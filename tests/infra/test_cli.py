"""The `factcheck` command: create-user, demo, db, run, and the health check."""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from importlib import resources
from pathlib import Path

import pytest
from sqlmodel import select

from factcheck.cli import DEMO_ARTICLE_TITLE
from factcheck.extensions import db
from factcheck.models import Article, Job, Notification, User
from factcheck.passwords import verify_password
from factcheck.states import Role

from ..helpers import csrf_token, login

FACTCHECK = Path(sys.executable).with_name("factcheck")


def _users(app) -> dict[str, User]:
    with app.app_context():
        users = db.session.exec(select(User)).all()
        for user in users:
            db.session.expunge(user)
        return {u.email: u for u in users}


def test_create_user_reads_the_password_from_stdin(app, runner):
    result = runner.invoke(
        ["create-user", "Ed@Example.org", "--role", "editor", "--name", "Ed", "--password-stdin"],
        input="a good long passphrase\n",
    )
    assert result.exit_code == 0, result.output
    assert "Created editor ed@example.org" in result.output
    user = _users(app)["ed@example.org"]
    assert (user.role, user.display_name) == (Role.EDITOR, "Ed")
    with app.app_context():
        assert verify_password(user.password_hash, "a good long passphrase")


def test_create_user_prompts_twice_without_stdin_flag(app, runner):
    result = runner.invoke(
        ["create-user", "rev@example.org", "--role", "reviewer"],
        input="a good long passphrase\na good long passphrase\n",
    )
    assert result.exit_code == 0, result.output
    assert "rev@example.org" in _users(app)


@pytest.mark.parametrize(
    ("args", "stdin", "message"),
    [
        (["--role", "owner"], "a good long passphrase\n", "'owner' is not one of"),
        (["--role", "editor"], "short\n", "at least 12 characters"),
        (["--role", "editor"], "password1234\n", "too common"),
    ],
)
def test_create_user_refuses_bad_input_with_a_clear_message(app, runner, args, stdin, message):
    result = runner.invoke(["create-user", "x@example.org", *args, "--password-stdin"], input=stdin)
    assert result.exit_code != 0
    assert message in result.output
    assert _users(app) == {}


def test_create_user_refuses_duplicate_emails(app, runner, make_user):
    user = make_user(Role.REVIEWER)
    result = runner.invoke(
        ["create-user", user.email.upper(), "--role", "admin", "--password-stdin"],
        input="a good long passphrase\n",
    )
    assert result.exit_code == 1
    assert "already exists" in result.output
    assert _users(app)[user.email].role == Role.REVIEWER


def test_demo_creates_accounts_and_imports_the_sample_article_verbatim(app, runner):
    result = runner.invoke(["demo", "--no-serve"])
    assert result.exit_code == 0, result.output
    credentials = dict(re.findall(r"^\s+\w+\s+(\S+@example\.org)\s+(\S+)$", result.output, re.M))
    assert set(credentials) == {
        "admin@example.org",
        "editor@example.org",
        "reviewer1@example.org",
        "reviewer2@example.org",
    }
    client = app.test_client()
    assert (
        login(
            client, "editor@example.org", credentials["editor@example.org"], follow_redirects=True
        ).request.path
        == "/editor/"
    )
    sample = resources.files("factcheck.data").joinpath("national-consensus.txt").read_text()
    with app.app_context():
        article = db.session.exec(select(Article)).one()
        assert article.title == DEMO_ARTICLE_TITLE
        assert article.body == sample  # verbatim, trailing blank lines included
    assert DEMO_ARTICLE_TITLE in client.get("/editor/").get_data(as_text=True)

    again = runner.invoke(["demo", "--no-serve"])
    assert again.exit_code == 0
    with app.app_context():
        assert len(db.session.exec(select(Article)).all()) == 1
    # Passwords are new at every start; the old ones stop working.
    assert (
        login(
            app.test_client(), "editor@example.org", credentials["editor@example.org"]
        ).status_code
        == 401
    )


def test_demo_publishes_nothing(app, runner):
    runner.invoke(["demo", "--no-serve"])
    assert "No checks have been published yet." in app.test_client().get("/").get_data(as_text=True)


def test_healthz_reports_a_reachable_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok", "database": "ok", "jobs": {
        "pending": 0, "failed": 0, "oldest_pending_seconds": None,
        "worker_last_seen_seconds": None}}


@pytest.mark.parametrize(
    "url",
    [
        "sqlite:////nonexistent-directory/factcheck.sqlite",
        "postgresql+psycopg://factcheck@127.0.0.1:1/factcheck?connect_timeout=2",
    ],
)
def test_healthz_answers_503_when_the_database_is_unreachable(make_app, url):
    response = make_app(DATABASE_URL=url).test_client().get("/healthz")
    assert response.status_code == 503
    assert response.json["database"] == "unreachable"
    assert "cannot be reached" in response.json["message"]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _environment(database_url: str, instance: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("FACTCHECK_")}
    env.update(FACTCHECK_DATABASE_URL=database_url, FACTCHECK_INSTANCE_PATH=str(instance))
    return env


def test_console_script_upgrade_create_user_and_demo_server(database_url, tmp_path):
    env = _environment(database_url, tmp_path / "instance")

    def factcheck(*args: str, stdin: str = "") -> subprocess.CompletedProcess:
        return subprocess.run(
            [str(FACTCHECK), *args],
            input=stdin,
            env=env,
            text=True,
            capture_output=True,
            timeout=120,
        )

    assert factcheck("db", "upgrade").returncode == 0
    created = factcheck(
        "create-user",
        "cli@example.org",
        "--role",
        "admin",
        "--password-stdin",
        stdin="a good long passphrase\n",
    )
    assert created.returncode == 0, created.stderr
    assert "--port" in factcheck("run", "--help").stdout

    port = _free_port()
    server = subprocess.Popen(
        [str(FACTCHECK), "demo", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    output = ""
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz") as response:
                    assert response.status == 200
                    break
            except OSError:
                assert server.poll() is None, server.stdout.read()
                assert time.monotonic() < deadline, "demo server did not start"
                time.sleep(0.2)
        while True:  # a job worker runs beside the demo: its heartbeat shows in /healthz
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz") as response:
                if json.load(response)["jobs"]["worker_last_seen_seconds"] is not None:
                    break
            assert time.monotonic() < deadline, "no job worker beside the demo"
            time.sleep(0.2)
        output = _sign_in_over_http(port, server)
    finally:
        server.terminate()
        output += server.stdout.read()  # not communicate(): it would skip readline's buffer
        server.stdout.close()
        server.wait(30)
    assert f"http://127.0.0.1:{port}/login" in output
    assert "editor@example.org" in output
    assert "Background jobs run in this process too" in output


def _sign_in_over_http(port: int, server: subprocess.Popen) -> str:
    """Sign in to the running demo as its editor: the server must accept writes."""
    import http.cookiejar
    import urllib.parse

    base = f"http://127.0.0.1:{port}"
    opener = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
    with opener.open(f"{base}/login") as response:
        token = csrf_token(response.read().decode())
    output = server.stdout.readline() + server.stdout.readline()  # article + heading lines
    for _ in range(4):
        output += server.stdout.readline()
    password = re.search(r"editor@example\.org\s+(\S+)", output)[1]
    data = urllib.parse.urlencode({"csrf_token": token, "email": "editor@example.org",
                                   "password": password}).encode()
    with opener.open(f"{base}/login", data=data, timeout=20) as response:
        assert response.url == f"{base}/editor/"
        assert "Afghan political leaders" in response.read().decode()
    return output


def test_demo_opens_with_assigned_claims_and_notifications_with_mail_off(app, runner):
    """The demo shows the coordination layer working without a mail server: both demo
    reviewers have the most check-worthy claims assigned and are told so in the app."""
    result = runner.invoke(["demo", "--no-serve"])
    assert result.exit_code == 0, result.output
    credentials = dict(re.findall(r"^\s+\w+\s+(\S+@example\.org)\s+(\S+)$", result.output, re.M))
    client = app.test_client()
    login(client, "reviewer1@example.org", credentials["reviewer1@example.org"])
    inbox = client.get("/notifications").get_data(as_text=True)
    assert inbox.count('id="notification-') == 3
    assert "Demo Editor assigned you the claim" in inbox
    assert 'class="count-badge"' in client.get("/review/").get_data(as_text=True)
    with app.app_context():
        assert [job.kind for job in db.session.exec(select(Job)).all()] == []  # mail is off
    again = runner.invoke(["demo", "--no-serve"])  # a second start assigns nothing twice
    assert again.exit_code == 0
    with app.app_context():
        assert len(db.session.exec(select(Notification)).all()) == 6
