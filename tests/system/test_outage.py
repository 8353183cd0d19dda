"""Database outages: friendly 503s while the database is away, service back on its own."""

from __future__ import annotations

import os

import pytest
from sqlalchemy import create_engine, make_url, text

from factcheck.cli import cli
from factcheck.extensions import db
from factcheck.states import Role

from ..helpers import login, post_form

UNREACHABLE = {
    "sqlite-missing-directory": "sqlite:////nonexistent-directory/factcheck.sqlite",
    # A port nothing listens on: what the app sees while PostgreSQL is stopped.
    "postgresql-not-answering":
        "postgresql+psycopg://factcheck@127.0.0.1:1/factcheck?connect_timeout=2",
}


def _assert_unavailable_page(response) -> None:
    assert response.status_code == 503
    page = response.get_data(as_text=True)
    assert "<h1>Unavailable</h1>" in page
    assert "The service is temporarily unavailable." in page
    assert "Traceback" not in page and "Error" not in page  # no driver message leaks out
    assert response.headers["Retry-After"] == "30"
    assert response.headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize("url", UNREACHABLE.values(), ids=UNREACHABLE.keys())
def test_pages_answer_503_while_the_database_is_unreachable(make_app, url):
    client = make_app(DATABASE_URL=url, WTF_CSRF_ENABLED=False).test_client()
    for path in ("/", "/login", "/search?q=unemployment", "/checks/some-check", "/feed.atom"):
        _assert_unavailable_page(client.get(path))
    _assert_unavailable_page(client.post("/login", data={"email": "a@example.org",
                                                         "password": "whatever it is"}))
    health = client.get("/healthz")
    assert health.status_code == 503
    assert health.json["database"] == "unreachable"


def test_a_file_that_is_not_a_database_answers_503_until_a_database_returns(make_app, tmp_path):
    live = tmp_path / "live" / "factcheck.sqlite"
    live.parent.mkdir()
    live.write_bytes(b"this is not an SQLite database\n" * 200)
    app = make_app(DATABASE_URL=f"sqlite:///{live}")
    client = app.test_client()
    _assert_unavailable_page(client.get("/"))
    assert client.get("/healthz").status_code == 503

    # Meanwhile an operator rebuilds the database elsewhere and moves it into place.
    spare = tmp_path / "spare.sqlite"
    other = make_app(DATABASE_URL=f"sqlite:///{spare}")
    runner = other.test_cli_runner()
    assert runner.invoke(cli, ["db", "upgrade"]).exit_code == 0
    created = runner.invoke(cli, ["create-user", "ed@example.org", "--role", "editor",
                                  "--name", "Ed Back", "--password-stdin"],
                            input="a good long passphrase\n")
    assert created.exit_code == 0, created.output
    db.dispose(other)  # the last connection checkpoints the WAL into the file
    os.replace(spare, live)

    # The same app, never restarted, serves again.
    assert client.get("/healthz").json["database"] == "ok"
    assert client.get("/").status_code == 200
    signed_in = login(client, "ed@example.org", "a good long passphrase", follow_redirects=True)
    assert "Ed Back" in signed_in.get_data(as_text=True)


def test_api_answers_json_503_while_the_database_is_unreachable(make_app):
    client = make_app(DATABASE_URL=UNREACHABLE["sqlite-missing-directory"]).test_client()
    response = client.get("/api/v1/checks")
    assert response.status_code == 503
    assert response.json["error"]["code"] == "unavailable"
    assert response.json["error"]["message"]
    assert response.headers["Retry-After"] == "30"
    assert response.headers["Cache-Control"] == "no-store"


def test_a_query_bug_is_a_server_error_not_an_outage(make_app, monkeypatch):
    from factcheck.web import main

    def broken(*_args, **_kwargs):
        db.session.exec(text("SELECT no_such_column FROM no_such_table"))

    app = make_app(TESTING=False, PROPAGATE_EXCEPTIONS=False)
    monkeypatch.setattr(main, "latest_checks", broken)
    response = app.test_client().get("/")
    assert response.status_code == 500


# --- PostgreSQL: connections dropped by the server -------------------------------------------

APPLICATION_NAME = "factcheck-outage-test"


@pytest.fixture
def postgres_url(database_url: str) -> str:
    """The PostgreSQL test database: for tests marked postgresql_only."""
    assert database_url.startswith("postgresql")
    return database_url


def _terminate_app_connections(database_url: str) -> int:
    """Kill the server side of every connection the app under test holds, as a restart does."""
    engine = create_engine(database_url)
    try:
        with engine.begin() as conn:
            # With a timeout, pg_terminate_backend waits until the process has gone.
            killed = conn.execute(text(
                "SELECT pg_terminate_backend(pid, 10000) FROM pg_stat_activity "
                "WHERE application_name = :name AND pid <> pg_backend_pid()"),
                {"name": APPLICATION_NAME}).scalars().all()
    finally:
        engine.dispose()
    assert killed and all(killed)
    return len(killed)


@pytest.mark.postgresql_only
def test_service_resumes_after_postgresql_drops_every_connection(make_app, make_user,
                                                                   postgres_url):
    url = make_url(postgres_url).update_query_dict({"application_name": APPLICATION_NAME})
    app = make_app(DATABASE_URL=url.render_as_string(hide_password=False))
    editor = make_user(Role.EDITOR, name="Ed Steady")
    client = app.test_client()
    assert login(client, editor.email).status_code == 302
    assert "Ed Steady" in client.get("/editor/").get_data(as_text=True)

    _terminate_app_connections(postgres_url)

    # The very next requests succeed on fresh connections, still signed in; writes too.
    page = client.get("/editor/")
    assert page.status_code == 200
    assert "Ed Steady" in page.get_data(as_text=True)
    assert client.get("/healthz").json["database"] == "ok"
    _terminate_app_connections(postgres_url)
    created = post_form(client, "/account/tokens", {"name": "after the outage"})
    assert created.status_code in (200, 302), created.get_data(as_text=True)
    assert "after the outage" in client.get("/account/tokens").get_data(as_text=True)
