"""`factcheck serve`: the app under gunicorn, with production defaults and start-up checks."""

from __future__ import annotations

import os
from typing import Any

import click
from flask import Flask, current_app
from flask.cli import with_appcontext

from .config import is_production
from .extensions import db
from .i18n import _

DEFAULT_BIND = "127.0.0.1:8000"
MAX_DEFAULT_WORKERS = 12
MAX_SQLITE_WORKERS = 4

# gunicorn settings every `factcheck serve` runs with; --bind and --workers are added.
GUNICORN_DEFAULTS: dict[str, Any] = {
    "proc_name": "factcheck",
    # A URL import may wait URL_IMPORT_TIMEOUT for the remote site and then split a large
    # article; a worker silent for longer than this is stuck and gets replaced.
    "timeout": 60,
    "graceful_timeout": 30,
    # Request head limits: a longer request line gets 414, more or longer header fields
    # 431, before the app sees them; bodies: MAX_CONTENT_LENGTH. The line is gunicorn's
    # largest, not its default (4094): the similar-claims search is a GET form taking 1,000
    # characters, and Dari or Pashto ones are 6 bytes each once percent-encoded.
    "limit_request_line": 8190,
    "limit_request_fields": 100,
    "limit_request_field_size": 8190,
    # Replace workers now and then so a slow leak cannot grow without bound.
    "max_requests": 5000,
    "max_requests_jitter": 500,
    "accesslog": "-",
    "errorlog": "-",
    # Combined log format plus the duration and the worker's process id.
    "access_log_format": '%(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s" '
                         "%(M)sms pid=%(p)s",
    # Only PROXY_COUNT (ProxyFix in the app) decides whom to believe about the client's
    # scheme and address; gunicorn would otherwise trust X-Forwarded-Proto from localhost.
    "forwarded_allow_ips": "",
    "secure_scheme_headers": {},
    # gunicorn's control socket lives at one path per user: several servers would collide.
    "control_socket_disable": True,
}


def default_workers(*, sqlite: bool = False) -> int:
    """Two workers per available CPU plus one, capped: more only queue on the database."""
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    # SQLite takes one writer at a time: more workers than this only wait for its lock.
    return min(2 * (cpus or 1) + 1, MAX_SQLITE_WORKERS if sqlite else MAX_DEFAULT_WORKERS)


def startup_problems(app: Flask) -> list[str]:
    """Why `app` must not be served as configured; empty when it may be."""
    problems = []
    if app.debug:
        problems.append(_("Debug mode is on (FLASK_DEBUG or FACTCHECK_DEBUG): it shows code "
                          "and data in error pages. Turn it off to serve."))
    # A missing or short secret key in production: create_app has refused already.
    return problems


def startup_warnings(app: Flask) -> list[str]:
    """Production settings that are allowed but usually a mistake."""
    if not is_production(app.config):
        return []
    warnings = []
    if not app.config.get("PROXY_COUNT"):
        warnings.append(_("No reverse proxy is trusted (--proxies 0): behind nginx every "
                          "client has the proxy's address, so the per-address login limit "
                          "becomes one limit for everyone."))
    if not app.config.get("TRUSTED_HOSTS"):
        warnings.append(_("TRUSTED_HOSTS is not set: a forged Host header can change the "
                          "absolute links in feeds, ClaimReview markup and invitations."))
    return warnings


def gunicorn_options(*, bind: str, workers: int) -> dict[str, Any]:
    """The full gunicorn settings of one `factcheck serve`."""
    return {**GUNICORN_DEFAULTS, "bind": [bind], "workers": workers}


def run_gunicorn(options: dict[str, Any], overrides: dict[str, Any]) -> None:
    """Run gunicorn in this process until it is stopped; each worker builds its own app."""
    from gunicorn.app.base import BaseApplication

    class FactcheckServer(BaseApplication):
        def load_config(self) -> None:
            for name, value in options.items():
                # An older gunicorn lacks some settings (the control socket): nothing to turn off.
                if name in self.cfg.settings:
                    self.cfg.set(name, value)

        def load(self):
            # Called in each worker after the fork: its own app, engine and connections.
            from . import create_app

            return create_app(overrides or None)

    FactcheckServer(prog="factcheck serve").run()


@click.command("serve")
@click.option("--bind", default=DEFAULT_BIND, show_default=True, metavar="HOST:PORT",
              help="Address to listen on (or unix:PATH).")
@click.option("--workers", type=click.IntRange(min=1), default=None,
              help=f"Worker processes. [default: 2 per CPU + 1, at most {MAX_DEFAULT_WORKERS}]")
@click.option("--proxies", type=click.IntRange(min=0), default=None,
              help="Reverse proxies in front whose X-Forwarded-For/-Proto to believe. "
                   "[default: PROXY_COUNT, 0]")
@with_appcontext
def serve_command(bind: str, workers: int | None, proxies: int | None) -> None:
    """Serve the app with gunicorn (production); refuses an unsafe configuration."""
    from . import create_app

    overrides = {} if proxies is None else {"PROXY_COUNT": proxies}
    # Check an app built exactly as each worker will build it: the command's own app has
    # had its debug flag reset from FLASK_DEBUG alone by the Flask CLI.
    app = create_app(overrides or None)
    db.dispose(app)
    problems = startup_problems(app)
    if problems:
        raise click.ClickException(
            _("Refusing to start:") + "".join(f"\n  - {problem}" for problem in problems))
    for warning in startup_warnings(app):
        click.echo(_("Warning: {warning}", warning=warning), err=True)
    # The workers open their own connections; none may be inherited from this process.
    db.close_session()
    db.dispose(current_app)
    # Load the claim engine (scikit-learn, the check-worthiness model) once, before the
    # workers fork: each inherits it, so no worker's first import pays seconds for it.
    from .engine.splitting import split_claims

    split_claims("The engine is ready.")
    workers = workers or default_workers(sqlite=app.config["DATABASE_URL"].startswith("sqlite"))
    click.echo(_("Serving factcheck on {bind} with {workers} workers (trusting {proxies} "
                 "proxies).", bind=bind, workers=workers, proxies=app.config["PROXY_COUNT"]))
    run_gunicorn(gunicorn_options(bind=bind, workers=workers), overrides)
