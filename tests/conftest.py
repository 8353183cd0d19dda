"""Fixtures: a migrated database per test (SQLite or PostgreSQL), app, client, runner, users,
and `server_url` (the app over real HTTP).

Set FACTCHECK_TEST_DATABASE_URL=postgresql+psycopg:///factcheck_test to run the
suite on PostgreSQL; FACTCHECK_REQUIRE_DB=postgresql makes a run fail unless it
really did.
"""

from __future__ import annotations

import os
import shutil
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import suppress
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import create_engine, text
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session
from werkzeug.serving import WSGIRequestHandler, make_server

from factcheck import create_app
from factcheck.cli import cli
from factcheck.extensions import db
from factcheck.infra.migrate import upgrade
from factcheck.models import User
from factcheck.states import Role
from factcheck.workflow.accounts import create_user
from factcheck.workflow.scale_presets import seed_rating_scales

from .helpers import PASSWORD, login
from .mailbox import Mailbox
from .pg_reset import PostgresReset

TEST_DATABASE_URL = os.environ.get("FACTCHECK_TEST_DATABASE_URL", "")
TEST_SECRET_KEY = "test-secret-key-0123456789abcdef0123456789abcdef"


def pytest_report_header(config) -> str:
    return f"factcheck database: {TEST_DATABASE_URL or 'SQLite (temporary files)'}"


def pytest_sessionstart(session) -> None:
    required = os.environ.get("FACTCHECK_REQUIRE_DB")
    if required and not TEST_DATABASE_URL.startswith(required):
        raise pytest.UsageError(
            f"FACTCHECK_REQUIRE_DB={required} but FACTCHECK_TEST_DATABASE_URL is "
            f"{TEST_DATABASE_URL!r}"
        )


def pytest_collection_modifyitems(config, items) -> None:
    """Tests marked `sqlite_only` or `postgresql_only` run on that database's pass only.

    They are deselected, not skipped, on the other pass: CI fails on any skipped test, and
    it runs the suite once on each database, so every such test still runs in CI.
    """
    running = "postgresql_only" if _is_postgres() else "sqlite_only"
    keep, drop = [], []
    for item in items:
        only = {m.name for m in item.iter_markers()} & {"sqlite_only", "postgresql_only"}
        (drop if only and running not in only else keep).append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep


@pytest.fixture(autouse=True)
def _push_request_context():
    """Replace pytest-flask's autouse fixture that wraps each test in one request context.

    With it, every test-client request reuses that context: one DB session for the
    whole test and no teardown between requests, so tests pass that production fails.
    """
    yield


@pytest.fixture
def client(app: Flask):
    """A plain test client, replacing pytest-flask's, which is opened with `with`.

    A client used as a context manager keeps each request's app context pushed
    until its next request; any other client of the app then reuses that context
    (and its `g`, DB session and cached CSRF token) instead of getting its own.
    """
    return app.test_client()


def _is_postgres() -> bool:
    return TEST_DATABASE_URL.startswith("postgresql")


def _make_app(database_url: str, instance: Path, **overrides) -> Flask:
    config = {"TESTING": True, "DATABASE_URL": database_url, "SECRET_KEY": TEST_SECRET_KEY,
              # Tests change data behind the app's back; the stamp memory has its own test.
              "PUBLIC_STAMP_TTL": 0,
              # Still Argon2id, at a cost of 1 MiB instead of 19: every test signs people up
              # and in, and the production cost made hashing a sixth of the suite's time.
              "ARGON2_MEMORY_COST_KIB": 1024,
              # No worker of a test requests cited pages on its own; the link-check tests
              # turn the weekly job on where they test it.
              "LINK_CHECK_DAY": "off", "LINK_CHECK_PAUSE": 0,
              # Matching jobs only where a test asks for them (tests/web/test_claim_matches.py):
              # elsewhere an import would leave one more job in tests that count the queue.
              "CLAIM_MATCHING": False}
    config.update(overrides)
    previous = os.environ.get("FACTCHECK_INSTANCE_PATH")
    os.environ["FACTCHECK_INSTANCE_PATH"] = str(instance)
    try:
        return create_app(config)
    finally:
        if previous is None:
            del os.environ["FACTCHECK_INSTANCE_PATH"]
        else:
            os.environ["FACTCHECK_INSTANCE_PATH"] = previous


@pytest.fixture(scope="session")
def migrated_database(tmp_path_factory) -> str:
    """Migrate once per run: a template SQLite file, or the PostgreSQL test database."""
    if _is_postgres():
        engine = create_engine(TEST_DATABASE_URL)
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
            # Tests need what a commit shows, not that it survives a power cut: not waiting
            # for the disk at every commit makes the PostgreSQL pass much faster.
            with suppress(DBAPIError), conn.begin_nested():
                conn.execute(text(f'ALTER DATABASE "{engine.url.database}" '
                                  "SET synchronous_commit TO off"))
        engine.dispose()
        url = TEST_DATABASE_URL
    else:
        url = f"sqlite:///{tmp_path_factory.mktemp('template') / 'template.sqlite'}"
    app = _make_app(url, tmp_path_factory.mktemp("instance"))
    upgrade(app)
    db.dispose(app)
    _seed(url)
    return url


def _seed(url: str) -> None:
    """Reference data every installation has after `factcheck db upgrade`."""
    engine = create_engine(url)
    with Session(engine) as session:
        seed_rating_scales(session)
        session.commit()
    engine.dispose()


@pytest.fixture(scope="session")
def postgres_reset(migrated_database: str) -> Iterator[PostgresReset | None]:
    """Brings the PostgreSQL test database back to its seeded state (None on SQLite)."""
    if not _is_postgres():
        yield None
        return
    reset = PostgresReset(migrated_database)
    yield reset
    reset.dispose()


@pytest.fixture
def database_url(migrated_database: str, postgres_reset: PostgresReset | None,
                 tmp_path: Path) -> Iterator[str]:
    """A migrated, empty database for one test."""
    if postgres_reset is not None:
        postgres_reset.reset()
        yield migrated_database
        return
    template = Path(migrated_database.removeprefix("sqlite:///"))
    target = tmp_path / "test.sqlite"
    shutil.copyfile(template, target)
    yield f"sqlite:///{target}"


@pytest.fixture
def make_app(database_url: str, tmp_path: Path) -> Iterator[Callable[..., Flask]]:
    """Build extra apps on the test's database (e.g. with other config)."""
    apps: list[Flask] = []

    def factory(**overrides) -> Flask:
        app = _make_app(database_url, tmp_path / "instance", **overrides)
        apps.append(app)
        return app

    yield factory
    for app in apps:
        db.dispose(app)


@pytest.fixture
def app(make_app) -> Flask:
    return make_app()


@pytest.fixture
def mailbox() -> Iterator[Mailbox]:
    """A real SMTP server on 127.0.0.1 for this test (`mailbox.config` points an app at it)."""
    with Mailbox() as box:
        yield box


@pytest.fixture
def runner(app: Flask):
    """Invoke `factcheck` commands against the test app: runner.invoke(args)."""

    class Runner:
        def invoke(self, args: list[str], **kwargs):
            return app.test_cli_runner().invoke(cli, args, **kwargs)

    return Runner()


@pytest.fixture
def make_user(app: Flask) -> Callable[..., User]:
    """Create a user directly through the workflow; returns the detached user."""
    counter = iter(range(1, 10_000))

    def factory(
        role: Role = Role.REVIEWER,
        *,
        email: str | None = None,
        password: str | None = PASSWORD,
        name: str | None = None,
    ) -> User:
        n = next(counter)
        email = email or f"{role.value}{n}@example.org"
        with app.app_context():
            user = create_user(
                db.session,
                email=email,
                display_name=name or f"{role} {n}",
                role=role,
                password=password,
                actor=None,
            )
            db.session.commit()
            db.session.refresh(user)
            db.session.expunge(user)
            return user

    return factory


@pytest.fixture
def login_as(client, make_user) -> Callable[[Role], User]:
    """Create a user with `role` and sign the test client in as them."""

    def sign_in(role: Role) -> User:
        user = make_user(role)
        response = login(client, user.email)
        assert response.status_code == 302, response.get_data(as_text=True)
        return user

    return sign_in


_RESPONSE_KEY = "factcheck.tests.response"


def _remember_response(app: Flask) -> Callable:
    """`app` as a WSGI callable that leaves its response in the environ for the handler."""

    def wsgi(environ, start_response):
        response = app(environ, start_response)
        environ[_RESPONSE_KEY] = response
        return response

    return wsgi


class _ClosingRequestHandler(WSGIRequestHandler):
    """Werkzeug's handler, closing the response when the client dropped the connection.

    Werkzeug 3.1 drains the socket before it closes the response, and a reset while draining
    skips the close: the static file being sent stays open until it is collected, and its
    ResourceWarning (an error here) fails whichever test is running then.
    """

    def connection_dropped(self, error, environ=None) -> None:
        response = environ.get(_RESPONSE_KEY) if environ else None
        if response is not None and hasattr(response, "close"):
            response.close()  # closing twice is harmless: a file's close is idempotent


@pytest.fixture
def server_url(app: Flask) -> Iterator[str]:
    """The base URL of `app` served over real HTTP in a thread (browser and API tests)."""
    server = make_server("127.0.0.1", 0, _remember_response(app), threaded=True,
                         request_handler=_ClosingRequestHandler)
    thread = threading.Thread(target=server.serve_forever, name="test-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()  # stops serve_forever and waits for it
        server.server_close()  # closes the listening socket
        thread.join(timeout=10)
        assert not thread.is_alive(), "the test server thread did not stop"
        # Requests still being answered (a browser that left mid-download) hold database
        # connections: let them finish before the app's engines are disposed, or their
        # connections outlive the pool and are collected unclosed (a ResourceWarning later).
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and any(
                t.is_alive() and t.name.endswith("(process_request_thread)")
                for t in threading.enumerate()):
            time.sleep(0.02)
