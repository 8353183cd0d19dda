"""`factcheck serve`: gunicorn with several workers, start-up checks, proxies, hosts, cookies."""

from __future__ import annotations

import subprocess
from urllib.parse import quote

import pytest
from flask import request

from factcheck.config import ConfigurationError
from factcheck.serve import default_workers, startup_warnings
from factcheck.states import Role

from ..helpers import PASSWORD, csrf_token
from ..serving import FACTCHECK, Browser, free_port, running_server, server_env

PRODUCTION_KEY = "production-key-" + "0123456789abcdef" * 3
ARTICLE = "The minister said unemployment fell by 4 percent last year. Critics disagree."


def _serve(tmp_path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    """Run `factcheck serve` expecting it to refuse before it starts listening."""
    instance = tmp_path / "instance"
    return subprocess.run(
        [str(FACTCHECK), "serve", "--bind", f"127.0.0.1:{free_port()}", *args],
        capture_output=True, text=True, timeout=30,
        env=server_env(instance, f"sqlite:///{instance / 'db.sqlite'}", env))


def _login_page(browser: Browser, path: str = "/login") -> str:
    reply = browser.get(path)
    assert reply.status == 200, reply.body
    return csrf_token(reply.body)


# --- several workers ----------------------------------------------------------------------


def test_a_session_and_its_csrf_tokens_work_across_two_workers(database_url, make_user,
                                                               tmp_path):
    editor = make_user(Role.EDITOR)
    with running_server(tmp_path, database_url=database_url) as server:
        browser = Browser(server)
        # The login form comes from one worker and is posted to the other.
        held = browser.hold("POST", "/login?probe=post")
        token = _login_page(browser, "/login?probe=form")
        reply = held.finish({"csrf_token": token, "email": editor.email, "password": PASSWORD})
        assert reply.status == 302, reply.body
        assert reply.headers["Location"].endswith("/dashboard")
        posted, = server.worker_pids("probe=post")
        formed, = server.worker_pids("probe=form")
        assert posted != formed

        # Signed in, each import form is fetched on one worker and posted on the other.
        for n in range(6):
            held = browser.hold("POST", f"/editor/articles/new?probe=import{n}")
            token = csrf_token(browser.get(f"/editor/articles/new?probe=page{n}").body)
            reply = held.finish({"csrf_token": token, "title": f"Served article {n}",
                                 "text": ARTICLE})
            assert reply.status == 302, reply.body
            assert server.worker_pids(f"probe=import{n}") != server.worker_pids(f"probe=page{n}")
        listing = browser.get("/editor/").body
        assert all(f"Served article {n}" in listing for n in range(6))
        assert len(set(server.worker_pids("/editor/"))) == 2
        assert '"GET /healthz HTTP/1.1" 200' in server.log()  # the access log is on


def test_login_throttling_counts_failures_on_every_worker(database_url, make_user, tmp_path):
    user = make_user(Role.REVIEWER)
    wrong = {"email": user.email, "password": "not the password"}
    env = {"FACTCHECK_LOGIN_FAILURES_PER_ACCOUNT": "4"}
    with running_server(tmp_path, database_url=database_url, env=env) as server:
        browser = Browser(server)
        wrong["csrf_token"] = _login_page(browser)
        for pair in range(2):  # two failures on each of the two workers
            held = browser.hold("POST", f"/login?probe=held{pair}")
            assert browser.post(f"/login?probe=free{pair}", wrong).status == 401
            assert held.finish(wrong).status == 401
            assert server.worker_pids(f"probe=held{pair}") != server.worker_pids(
                f"probe=free{pair}")
        right = {**wrong, "password": PASSWORD}
        reply = browser.post("/login", right)
        assert reply.status == 429, reply.body  # the 5th attempt, even with the password
        assert "Too many failed sign-in attempts" in reply.body


def test_oversized_request_heads_are_refused_by_gunicorn(tmp_path):
    with running_server(tmp_path) as server:
        browser = Browser(server)
        long_line = browser.get("/healthz?pad=" + "a" * 9000)
        many = browser.get("/healthz", headers={f"X-Filler-{n}": "x" for n in range(101)})
        big = browser.get("/healthz", headers={"X-Big": "x" * 9000})
        assert (long_line.status, many.status, big.status) == (414, 431, 431)
        assert browser.get("/healthz").status == 200
        # A reader's Dari sentence at the similar-claims search's limit gets through.
        dari = quote(("بیکاری در ماه اکتبر به چهار و نیم درصد کاهش یافت " * 25)[:1000])
        assert len(dari) > 4094
        assert browser.get(f"/search?mode=similar&q={dari}").status == 200


# --- refusing to start ----------------------------------------------------------------------


def test_production_refuses_a_generated_secret_key(tmp_path):
    generated = tmp_path / "instance" / "secret_key"
    generated.parent.mkdir()
    generated.write_text("k" * 64)  # left over from a development run: not good enough
    result = _serve(tmp_path, {"FACTCHECK_ENV": "production"})
    assert result.returncode != 0
    assert "Refusing to start" in result.stderr
    assert "FACTCHECK_SECRET_KEY" in result.stderr
    assert "Listening" not in result.stdout + result.stderr


def test_production_neither_generates_nor_uses_a_secret_key_file(tmp_path):
    result = _serve(tmp_path, {"FACTCHECK_ENV": "production"})
    assert result.returncode != 0
    assert "FACTCHECK_SECRET_KEY" in result.stderr
    assert not (tmp_path / "instance" / "secret_key").exists()


def test_production_refuses_a_short_secret_key(tmp_path):
    result = _serve(tmp_path, {"FACTCHECK_ENV": "production", "FACTCHECK_SECRET_KEY": "short"})
    assert result.returncode != 0
    assert "shorter than 32 characters" in result.stderr


@pytest.mark.parametrize("debug", [{"FLASK_DEBUG": "1"}, {"FACTCHECK_DEBUG": "true"}])
def test_serve_refuses_debug_mode(tmp_path, debug):
    env = {"FACTCHECK_ENV": "production", "FACTCHECK_SECRET_KEY": PRODUCTION_KEY, **debug}
    result = _serve(tmp_path, env)
    assert result.returncode != 0
    assert "Debug mode is on" in result.stderr
    assert "FACTCHECK_SECRET_KEY" not in result.stderr  # the key itself was fine


def _without_key(tmp_path, args: list[str], *, gunicorn: bool = False, key: str | None = None,
                 ) -> subprocess.CompletedProcess:
    """Start `factcheck ARGS` (or gunicorn with ARGS) in production; it must refuse."""
    instance = tmp_path / "instance"
    env = {"FACTCHECK_ENV": "production"}
    if key is not None:
        env["FACTCHECK_SECRET_KEY"] = key
    program = FACTCHECK.with_name("gunicorn") if gunicorn else FACTCHECK
    return subprocess.run([str(program), *args], capture_output=True, text=True, timeout=60,
                          env=server_env(instance, f"sqlite:///{instance / 'db.sqlite'}", env))


@pytest.mark.parametrize("command", [["run"], ["demo", "--no-serve"], ["db", "upgrade"]])
def test_every_command_refuses_production_without_a_secret_key_in_one_line(tmp_path, command):
    port = ["--port", str(free_port())] if command[0] != "db" else []
    result = _without_key(tmp_path, [*command, *port])
    assert result.returncode == 1, result.stdout + result.stderr
    assert result.stderr.count("\n") == 1, result.stderr  # one line, no traceback, no usage
    assert result.stderr.startswith("Error: Refusing to start: FACTCHECK_ENV=production")
    assert "FACTCHECK_SECRET_KEY" in result.stderr
    assert "Running on" not in result.stdout + result.stderr
    assert not (tmp_path / "instance" / "db.sqlite").exists()  # refused before touching it


def test_a_short_key_is_refused_by_every_command_too(tmp_path):
    result = _without_key(tmp_path, ["demo", "--no-serve"], key="short")
    assert result.returncode == 1
    assert "shorter than 32 characters" in result.stderr and "Traceback" not in result.stderr


def test_plain_gunicorn_refuses_production_without_a_secret_key(tmp_path):
    result = _without_key(tmp_path, ["--bind", f"127.0.0.1:{free_port()}", "--workers", "1",
                                     "factcheck:create_app()"], gunicorn=True)
    assert result.returncode != 0  # the worker fails to boot and the master gives up
    assert "Refusing to start: FACTCHECK_ENV=production" in result.stderr
    assert "Booting worker" in result.stderr  # it got as far as building the app


def test_create_app_refuses_production_without_a_secret_key(make_app):
    with pytest.raises(ConfigurationError, match="FACTCHECK_SECRET_KEY"):
        make_app(ENV="production", SECRET_KEY=None)
    assert make_app(ENV="production", SECRET_KEY=PRODUCTION_KEY).config["SECRET_KEY"]


# --- behind a reverse proxy, over HTTPS, with trusted hosts -----------------------------------

PROXY = {"X-Forwarded-Proto": "https", "Host": "factcheck.example.org"}


def _production(**extra: str) -> dict[str, str]:
    return {"FACTCHECK_ENV": "production", "FACTCHECK_SECRET_KEY": PRODUCTION_KEY,
            "FACTCHECK_TRUSTED_HOSTS": "factcheck.example.org, 127.0.0.1", **extra}


def test_behind_one_proxy_in_production(database_url, make_user, tmp_path):
    editor = make_user(Role.EDITOR)
    with running_server(tmp_path, database_url=database_url, args=["--proxies", "1"],
                        env=_production()) as server:
        browser = Browser(server)
        # HTTPS as reported by the proxy: HSTS, and the session in a __Host- Secure cookie.
        page = browser.get("/login", headers=PROXY)
        assert page.headers["Strict-Transport-Security"].startswith("max-age=")
        cookie = page.headers["Set-Cookie"]
        name, _, attributes = cookie.partition(";")
        assert name.startswith("__Host-factcheck_session=")
        flags = {part.strip().split("=")[0].lower() for part in attributes.split(";")}
        assert {"secure", "httponly", "path"} <= flags and "domain" not in flags
        assert "SameSite=Lax" in cookie and "Path=/" in cookie

        # The browser sends the cookie back over HTTPS: signing in works through the proxy.
        session = name.strip()
        form = {"csrf_token": csrf_token(page.body), "email": editor.email,
                "password": PASSWORD}
        # Over HTTPS, Flask-WTF also wants a same-origin Referer (browsers send it).
        secure_form = {**PROXY, "Cookie": session,
                       "Referer": "https://factcheck.example.org/login"}
        signed_in = browser.post("/login", form, headers=secure_form)
        assert signed_in.status == 302, signed_in.body
        session = signed_in.headers["Set-Cookie"].partition(";")[0]
        assert browser.get("/editor/", headers={**PROXY, "Cookie": session}).status == 200

        # Plain HTTP to the server itself: not secure, no HSTS.
        assert "Strict-Transport-Security" not in browser.get("/login").headers

        # Other host names get a plain 400 on every kind of page, never a 500.
        for path in ("/login", "/editor/", "/no-such-page", "/healthz"):
            reply = browser.get(path, headers={**PROXY, "Host": "evil.example"})
            assert reply.status == 400, (path, reply.body)


def test_x_forwarded_headers_are_ignored_without_a_configured_proxy(database_url, make_user,
                                                                    tmp_path):
    make_user()  # an installation with accounts shows the login form, not the setup page
    env = {"FACTCHECK_LOGIN_FAILURES_PER_ADDRESS": "2"}
    with running_server(tmp_path, database_url=database_url, env=env) as server:
        browser = Browser(server)
        reply = browser.get("/login", headers={"X-Forwarded-Proto": "https"})
        assert "Strict-Transport-Security" not in reply.headers
        assert "__Host-" not in reply.headers["Set-Cookie"]
        token = csrf_token(reply.body)
        # Every "client" is really 127.0.0.1: two failures block the third address too.
        for n, address in enumerate(("203.0.113.1", "203.0.113.2", "203.0.113.3")):
            status = browser.post("/login", {"csrf_token": token, "password": "wrong",
                                              "email": f"nobody{n}@example.org"},
                                  headers={"X-Forwarded-For": address}).status
            assert status == (429 if n == 2 else 401)


def test_client_addresses_come_from_the_trusted_proxy_only(database_url, make_user, tmp_path):
    make_user()
    env = {"FACTCHECK_LOGIN_FAILURES_PER_ADDRESS": "2", "FACTCHECK_PROXY_COUNT": "1"}
    with running_server(tmp_path, database_url=database_url, env=env) as server:
        browser = Browser(server)
        token = _login_page(browser)

        def attempt(forwarded_for: str, n: int) -> int:
            return browser.post("/login", {"csrf_token": token, "password": "wrong",
                                           "email": f"someone{n}@example.org"},
                                headers={"X-Forwarded-For": forwarded_for}).status

        # The client may prepend anything; only the address our proxy appended counts.
        assert attempt("198.51.100.7, 203.0.113.1", 1) == 401
        assert attempt("198.51.100.8, 203.0.113.1", 2) == 401
        assert attempt("203.0.113.1", 3) == 429
        assert attempt("203.0.113.2", 4) == 401  # another client is not blocked


# --- configuration, in-process --------------------------------------------------------------


def test_production_turns_https_cookies_on_by_default(make_app):
    production = make_app(ENV="production")
    assert production.config["HTTPS"] is True
    assert production.config["SESSION_COOKIE_SECURE"] is True
    assert production.config["SESSION_COOKIE_NAME"] == "__Host-factcheck_session"
    assert production.config["PREFERRED_URL_SCHEME"] == "https"
    plain = make_app(ENV="production", HTTPS=False)  # e.g. an intranet without TLS
    assert plain.config["SESSION_COOKIE_NAME"] == "factcheck_session"
    assert plain.config["SESSION_COOKIE_SECURE"] is False
    development = make_app()
    assert development.config["HTTPS"] is False
    assert development.config["SESSION_COOKIE_NAME"] == "factcheck_session"


def test_https_cookie_is_set_with_its_attributes(make_app, make_user):
    make_user()
    client = make_app(HTTPS=True).test_client()
    cookie = client.get("/login", base_url="https://localhost").headers["Set-Cookie"]
    assert cookie.startswith("__Host-factcheck_session=")
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Path=/" in cookie and "Domain" not in cookie


def test_trusted_hosts_from_a_comma_separated_setting(make_app, make_user, caplog):
    make_user()
    caplog.set_level("INFO", logger="factcheck.security")
    app = make_app(TRUSTED_HOSTS="factcheck.example.org, .newsroom.example")
    assert app.config["TRUSTED_HOSTS"] == ["factcheck.example.org", ".newsroom.example"]
    client = app.test_client()
    assert client.get("/login", headers={"Host": "factcheck.example.org"}).status_code == 200
    assert client.get("/login", headers={"Host": "desk.newsroom.example"}).status_code == 200
    refused = client.post("/login", headers={"Host": "evil.example"}, data={"email": "x"})
    assert refused.status_code == 400
    assert "does not answer to that host name" in refused.get_data(as_text=True)
    assert '"event":"request.untrusted_host"' in caplog.text and "evil.example" in caplog.text


def test_two_proxies_mean_the_second_address_from_the_right(make_app):
    client = make_app(PROXY_COUNT=2).test_client()
    forwarded = {"X-Forwarded-For": "10.9.9.9, 203.0.113.5, 10.0.0.2",
                 "X-Forwarded-Proto": "https, https"}
    with client:
        client.get("/healthz", headers=forwarded)
        assert request.remote_addr == "203.0.113.5"
        assert request.is_secure


@pytest.mark.parametrize("count", [-1, "two", True])
def test_a_proxy_count_must_be_a_whole_number(make_app, count):
    with pytest.raises(ValueError, match="PROXY_COUNT"):
        make_app(PROXY_COUNT=count)


def test_production_warns_about_no_proxy_and_no_trusted_hosts(make_app):
    bare = make_app(ENV="production", SECRET_KEY=PRODUCTION_KEY)
    assert len(startup_warnings(bare)) == 2
    configured = make_app(ENV="production", SECRET_KEY=PRODUCTION_KEY, PROXY_COUNT=1,
                          TRUSTED_HOSTS=["checks.example.org"])
    assert startup_warnings(configured) == []
    assert startup_warnings(make_app()) == []  # development: nothing to say


def test_sqlite_gets_fewer_default_workers_than_postgresql(monkeypatch):
    monkeypatch.setattr("os.sched_getaffinity", lambda _pid: set(range(8)))
    assert (default_workers(), default_workers(sqlite=True)) == (12, 4)
    monkeypatch.setattr("os.sched_getaffinity", lambda _pid: {0})
    assert (default_workers(), default_workers(sqlite=True)) == (3, 3)
