"""Run the real `factcheck serve` (gunicorn, several workers) for a test, and talk to it.

    from .serving import Browser, running_server

    def test_something(database_url, make_user, tmp_path):
        user = make_user(Role.EDITOR)          # on the same database as the server
        with running_server(tmp_path, database_url=database_url) as server:
            browser = Browser(server)           # `server` is the base URL, a str
            assert browser.get("/healthz").status == 200
            server.log()                         # gunicorn's output so far (access log too)

`running_server` starts `factcheck serve --workers 2` as a subprocess on a free port,
with its own instance folder under `workdir` and the given migrated database (the
`database_url` fixture: a SQLite copy, or FACTCHECK_TEST_DATABASE_URL's PostgreSQL
database); without one it migrates a new SQLite file in the instance folder. It waits
until /healthz answers 200 and stops the server (SIGTERM, then SIGKILL) on exit.
`server.process` is the gunicorn master (its children are the workers), for tests that
signal or kill it.

`Browser.hold()` sends the head of a request without finishing it: a sync worker then
waits on it, so every request sent meanwhile is served by another worker, and `finish()`
has the held request served by the waiting one. That is how a test makes two requests of
one session land on two different workers, with no timing involved.
"""

from __future__ import annotations

import http.client
import http.cookiejar
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from email.message import Message
from pathlib import Path

FACTCHECK = Path(sys.executable).with_name("factcheck")
LOG_NAME = "server.log"
START_TIMEOUT = 60.0  # seconds until /healthz must answer
REQUEST_TIMEOUT = 30.0  # a request that waits longer has nobody to serve it


class Server(str):
    """The base URL of a running server (``http://127.0.0.1:PORT``), with its process."""

    process: subprocess.Popen
    instance: Path
    log_path: Path

    def log(self) -> str:
        """Everything the server wrote so far: start-up messages, errors, access log."""
        return self.log_path.read_text(errors="replace")

    def worker_pids(self, marker: str = "", *, at_least: int = 1) -> list[int]:
        """The worker process id of each access-log line containing `marker`, in order.

        A worker writes the line just after sending the response, so this waits (up to
        REQUEST_TIMEOUT) until `at_least` such lines are there.
        """
        deadline = time.monotonic() + REQUEST_TIMEOUT
        while True:
            pids = [int(pid) for line in self.log().splitlines() if marker in line
                    for pid in re.findall(r" pid=<?(\d+)>?$", line)]
            if len(pids) >= at_least or time.monotonic() > deadline:
                return pids
            time.sleep(0.05)


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def server_env(instance: Path, database_url: str, env: Mapping[str, str] | None) -> dict:
    """The server's environment: ours without FACTCHECK_*/FLASK_* settings, plus its own."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("FACTCHECK_", "FLASK_"))}
    return {**clean, "FACTCHECK_INSTANCE_PATH": str(instance),
            "FACTCHECK_DATABASE_URL": database_url, **(env or {})}


@contextmanager
def running_server(
    workdir: Path,
    *,
    database_url: str | None = None,
    workers: int = 2,
    args: Sequence[str] = (),
    env: Mapping[str, str] | None = None,
) -> Iterator[Server]:
    """Run `factcheck serve` until the block ends; yields its base URL (a `Server`).

    `args` are extra `factcheck serve` options (e.g. ``["--proxies", "1"]``); `env` adds
    or overrides environment variables (e.g. ``{"FACTCHECK_TRUSTED_HOSTS": "..."}``).
    """
    instance = workdir / "instance"
    instance.mkdir(parents=True, exist_ok=True)
    if database_url is None:
        database_url = f"sqlite:///{instance / 'factcheck.sqlite'}"
        upgrade = subprocess.run([str(FACTCHECK), "db", "upgrade"], capture_output=True,
                                 text=True, env=server_env(instance, database_url, env))
        assert upgrade.returncode == 0, upgrade.stderr
    port = free_port()
    log_path = workdir / LOG_NAME
    command = [str(FACTCHECK), "serve", "--bind", f"127.0.0.1:{port}",
               "--workers", str(workers), *args]
    with log_path.open("w") as log:
        process = subprocess.Popen(command, env=server_env(instance, database_url, env),
                                   cwd=workdir, stdout=log, stderr=subprocess.STDOUT)
    server = Server(f"http://127.0.0.1:{port}")
    server.process, server.instance, server.log_path = process, instance, log_path
    try:
        _wait_until_healthy(server)
        yield server
    finally:
        stop(process)


def _wait_until_healthy(server: Server) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while True:
        try:
            with urllib.request.urlopen(f"{server}/healthz", timeout=5) as response:  # noqa: S310
                if response.status == 200:
                    return
        except OSError:
            pass
        if server.process.poll() is not None:
            raise AssertionError(f"factcheck serve exited:\n{server.log()}")
        if time.monotonic() > deadline:
            raise AssertionError(f"factcheck serve did not become healthy:\n{server.log()}")
        time.sleep(0.1)


def stop(process: subprocess.Popen) -> None:
    """Stop gunicorn gracefully (SIGTERM), or kill it if it does not stop in time."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@dataclass
class Reply:
    """One HTTP response, read completely."""

    status: int
    headers: Message
    body: str


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # a test looks at the 302 itself


class Browser:
    """A client with a cookie jar for a running server; redirects are not followed."""

    def __init__(self, base_url: str, headers: Mapping[str, str] | None = None) -> None:
        self.base_url = base_url.rstrip("/")
        self.headers = dict(headers or {})
        self.cookies = http.cookiejar.CookieJar()
        self._opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.cookies), _NoRedirects())

    def request(self, method: str, path: str, data: Mapping[str, str] | None = None,
                headers: Mapping[str, str] | None = None) -> Reply:
        """Send one request; form `data` is URL-encoded."""
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        request = urllib.request.Request(  # noqa: S310 (our own http:// base URL)
            self.base_url + path, data=body, method=method,
            headers={**self.headers, **(headers or {})})
        try:
            with self._opener.open(request, timeout=REQUEST_TIMEOUT) as response:
                return Reply(response.status, response.headers, response.read().decode())
        except urllib.error.HTTPError as error:  # 4xx/5xx, and 3xx not followed
            with error:
                return Reply(error.code, error.headers, error.read().decode())

    def get(self, path: str, **kwargs) -> Reply:
        """GET `path`."""
        return self.request("GET", path, **kwargs)

    def post(self, path: str, data: Mapping[str, str], **kwargs) -> Reply:
        """POST form `data` to `path`."""
        return self.request("POST", path, data, **kwargs)

    def hold(self, method: str, path: str) -> HeldRequest:
        """Start a request and keep one worker waiting for the rest of it."""
        return HeldRequest(self, method, path)


class HeldRequest:
    """A request whose first line is sent; `finish()` sends the rest and reads the reply."""

    def __init__(self, browser: Browser, method: str, path: str) -> None:
        self.browser, self.method, self.url = browser, method, browser.base_url + path
        parts = urllib.parse.urlsplit(self.url)
        self._sock = socket.create_connection((parts.hostname, parts.port),
                                              timeout=REQUEST_TIMEOUT)
        target = parts.path + (f"?{parts.query}" if parts.query else "")
        self._sock.sendall(f"{method} {target} HTTP/1.1\r\n".encode())

    def finish(self, data: Mapping[str, str] | None = None,
               headers: Mapping[str, str] | None = None) -> Reply:
        """Send the headers (with the browser's cookies) and the form `data`; read the reply."""
        body = urllib.parse.urlencode(data).encode() if data is not None else b""
        request = urllib.request.Request(self.url, method=self.method)  # noqa: S310
        self.browser.cookies.add_cookie_header(request)
        fields = {"Host": urllib.parse.urlsplit(self.url).netloc, "Connection": "close",
                  "Content-Length": str(len(body)), **self.browser.headers,
                  **dict(request.unredirected_hdrs), **(headers or {})}
        if data is not None:
            fields["Content-Type"] = "application/x-www-form-urlencoded"
        head = "".join(f"{name}: {value}\r\n" for name, value in fields.items())
        try:
            self._sock.sendall(head.encode("latin-1") + b"\r\n" + body)
            response = http.client.HTTPResponse(self._sock, method=self.method)
            response.begin()
            reply = Reply(response.status, response.msg, response.read().decode())
            self.browser.cookies.extract_cookies(response, request)
            return reply
        finally:
            self._sock.close()
