"""Configuration layers, the generated secret key and the default SQLite database."""

from __future__ import annotations

import stat

import pytest

from factcheck import create_app
from factcheck.config import ConfigurationError
from factcheck.extensions import db


def _app(monkeypatch, instance, test_config=None):
    monkeypatch.setenv("FACTCHECK_INSTANCE_PATH", str(instance))
    app = create_app(test_config)
    db.dispose(app)
    return app


def test_layers_apply_in_order(monkeypatch, tmp_path):
    instance = tmp_path / "instance"
    instance.mkdir()
    (instance / "config.py").write_text(
        "ARTICLE_MAX_BYTES = 111\nSESSION_COOKIE_SECURE = True\nPASSWORD_MIN_LENGTH = 14\n"
    )
    monkeypatch.setenv("FACTCHECK_ARTICLE_MAX_BYTES", "222")
    monkeypatch.setenv("FACTCHECK_SECRET_KEY", "k" * 40)
    app = _app(monkeypatch, instance, {"PASSWORD_MIN_LENGTH": 16})
    assert app.config["SESSION_COOKIE_SECURE"] is True  # instance/config.py over defaults
    assert app.config["ARTICLE_MAX_BYTES"] == 222  # environment over instance/config.py
    assert app.config["PASSWORD_MIN_LENGTH"] == 16  # test_config over everything
    assert app.config["SECRET_KEY"] == "k" * 40
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"  # defaults fill the rest


def test_default_database_is_sqlite_in_the_instance_folder(monkeypatch, tmp_path):
    monkeypatch.delenv("FACTCHECK_DATABASE_URL", raising=False)
    app = _app(monkeypatch, tmp_path / "inst")
    assert app.config["DATABASE_URL"] == f"sqlite:///{tmp_path / 'inst' / 'factcheck.sqlite'}"


def test_database_url_from_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("FACTCHECK_DATABASE_URL", f"sqlite:///{tmp_path}/other.sqlite")
    app = _app(monkeypatch, tmp_path / "inst")
    assert app.config["DATABASE_URL"] == f"sqlite:///{tmp_path}/other.sqlite"


def test_secret_key_is_generated_once_and_shared(monkeypatch, tmp_path):
    monkeypatch.delenv("FACTCHECK_SECRET_KEY", raising=False)
    instance = tmp_path / "inst"
    first = _app(monkeypatch, instance)
    second = _app(monkeypatch, instance)
    key_file = instance / "secret_key"
    assert len(first.config["SECRET_KEY"]) >= 32
    assert first.config["SECRET_KEY"] == second.config["SECRET_KEY"] == key_file.read_text()
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert [p.name for p in instance.iterdir()] == ["secret_key"]  # no temp files left


def test_a_session_signed_by_one_worker_is_accepted_by_another(monkeypatch, make_app, make_user):
    from ..helpers import login

    monkeypatch.delenv("FACTCHECK_SECRET_KEY", raising=False)
    worker_a = make_app(SECRET_KEY=None)
    worker_b = make_app(SECRET_KEY=None)
    user = make_user()
    client = worker_a.test_client()
    login(client, user.email)
    other = worker_b.test_client()
    other.set_cookie("factcheck_session", client.get_cookie("factcheck_session").value)
    assert other.get("/review/").status_code == 200


def test_security_defaults(app):
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"
    assert app.config["MAX_CONTENT_LENGTH"] > app.config["ARTICLE_MAX_BYTES"]
    assert app.config["WTF_CSRF_ENABLED"] is True


def test_the_password_policy_comes_from_the_app_that_was_built(make_app):
    """Passwords are configured once at start-up; the workflow reads no Flask config."""
    from factcheck.cli import cli

    runner = make_app(PASSWORD_MIN_LENGTH=20).test_cli_runner()
    refused = runner.invoke(cli, ["create-user", "short@example.org", "--role", "editor",
                                         "--password-stdin"], input="violet-lantern-42x\n")
    assert refused.exit_code != 0 and "at least 20 characters" in refused.output
    accepted = runner.invoke(cli, ["create-user", "long@example.org", "--role", "editor",
                                   "--password-stdin"], input="violet-lantern-42x-harbour\n")
    assert accepted.exit_code == 0, accepted.output


@pytest.mark.parametrize("value", ["24", "-1", '"seven"', "true", "7.5"])
def test_a_daily_job_hour_outside_the_day_refuses_to_start(monkeypatch, tmp_path, value):
    instance = tmp_path / "instance"
    instance.mkdir()
    monkeypatch.setenv("FACTCHECK_REMINDERS_HOUR", value)
    with pytest.raises(ConfigurationError, match="REMINDERS_HOUR must be an hour of the day"):
        _app(monkeypatch, instance)


def test_daily_job_hours_from_the_environment_are_numbers(monkeypatch, tmp_path):
    instance = tmp_path / "instance"
    instance.mkdir()
    monkeypatch.setenv("FACTCHECK_MAIL_DIGEST_HOUR", "0")
    monkeypatch.setenv("FACTCHECK_REMINDERS_HOUR", "23")
    app = _app(monkeypatch, instance)
    assert (app.config["MAIL_DIGEST_HOUR"], app.config["REMINDERS_HOUR"]) == (0, 23)
