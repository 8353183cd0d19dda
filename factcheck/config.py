"""Configuration layers: code defaults, instance/config.py, FACTCHECK_* environment, test_config."""

from __future__ import annotations

import os
import re
import secrets
from collections.abc import Mapping
from datetime import timedelta
from pathlib import Path

from flask import Config, Flask

from .i18n import _
from .states import weekday_number

ENV_PREFIX = "FACTCHECK"
MIN_SECRET_KEY_LENGTH = 32
SECRET_KEY_FILE = "secret_key"  # noqa: S105 (a file name, not a secret)
HOST_COOKIE_PREFIX = "__Host-"


class ConfigurationError(RuntimeError):
    """The configuration cannot be served; the message says what to change."""


class Defaults:
    """Settings every installation starts from; override them in instance/config.py or env."""

    # "production": no generated secret key, HTTPS on, and `factcheck serve` checks the set-up.
    ENV = "development"
    SECRET_KEY: str | None = None
    DATABASE_URL: str | None = None  # None: SQLite file in the instance folder
    SQLITE_FILENAME = "factcheck.sqlite"
    # Uploads carry an article of up to ARTICLE_MAX_BYTES plus form overhead.
    ARTICLE_MAX_BYTES = 1_000_000
    # A ClaimReview feed uploaded on the admin page (a 10 MB feed holds about 14,000 checks);
    # larger feeds go through `factcheck import-claimreview`, which streams any size.
    CLAIMREVIEW_UPLOAD_MAX_BYTES = 32 * 1024 * 1024
    MAX_CONTENT_LENGTH = 4 * 1024 * 1024
    MAX_FORM_MEMORY_SIZE = 4 * 1024 * 1024
    SESSION_COOKIE_NAME = "factcheck_session"
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False
    # Served over HTTPS: Secure `__Host-` session cookie, https URLs. None: on in production.
    HTTPS: bool | None = None
    # Reverse proxies in front whose X-Forwarded-For/-Proto are believed (0: none, direct).
    PROXY_COUNT = 0
    # Host names the site answers to (".example.org" admits subdomains); None: any.
    TRUSTED_HOSTS: list[str] | None = None
    # Absolute lifetime of a login, and how long it survives without activity.
    PERMANENT_SESSION_LIFETIME = timedelta(hours=12)
    SESSION_IDLE_TIMEOUT = timedelta(hours=2)
    # CSRF tokens live as long as the session: a long review must not fail on submit.
    WTF_CSRF_TIME_LIMIT = None
    # URL import: web pages may be larger than their text; private addresses are refused.
    URL_IMPORT_MAX_BYTES = 5 * 1024 * 1024
    # Seconds for the whole fetch (connect, headers, body, redirects), not per read: a
    # page that trickles a byte now and then must not hold a worker.
    URL_IMPORT_TIMEOUT = 10.0
    URL_IMPORT_ALLOW_LOOPBACK = False
    URL_IMPORT_ALLOW_PRIVATE = False
    # Seconds a webhook receiver has for one attempt (connect, send, answer), in all. The
    # URL import's two settings above also let webhooks reach loopback or private addresses.
    WEBHOOK_TIMEOUT = 10.0
    # Preserved copies of evidence pages: the largest body kept, and seconds for the whole
    # fetch (every hop). Loopback and private addresses follow the URL import's settings.
    ARCHIVE_MAX_BYTES = 10 * 1024 * 1024
    ARCHIVE_TIMEOUT = 20.0
    # Where preserved copies are kept: "" in the database (compressed WARC files in their
    # rows), "file:///var/lib/factcheck/archive" a directory, "s3://bucket/prefix" an
    # S3-compatible bucket (the AWS_* variables). Copies made before a change still open.
    ARCHIVE_STORAGE = ""
    # Seconds the signed address of a preserved page's frame stays valid (the copies page
    # mints a new one each time it is shown; the frame itself reads no cookie).
    COPY_FRAME_MAX_AGE = 600
    # Also ask the Internet Archive's Save Page Now for a snapshot of every preserved page
    # (off by default: it tells the Archive what the desk cites). WAYBACK_URL is the
    # service's address; with an account's S3-style keys the Archive's limits are higher.
    # WAYBACK_TIMEOUT bounds asking and waiting for the snapshot, polled every
    # WAYBACK_POLL_SECONDS.
    WAYBACK_SAVE = False
    WAYBACK_URL = "https://web.archive.org"
    WAYBACK_ACCESS_KEY: str | None = None
    WAYBACK_SECRET_KEY: str | None = None
    WAYBACK_TIMEOUT = 120.0
    WAYBACK_POLL_SECONDS = 5.0
    # Seconds a worker may reuse a published check's version stamp before asking the database.
    PUBLIC_STAMP_TTL = 2.0
    INVITATION_MAX_AGE = timedelta(days=7)
    # The site's address as readers reach it ("https://factcheck.example.org/"): links in
    # mail, webhooks and feeds are built on it. None: the address a page was asked on
    # (background work: http://127.0.0.1:5000/).
    PUBLIC_URL: str | None = None
    # Origins whose browser scripts may call the API (CORS); empty: none. "*" allows any.
    API_CORS_ORIGINS: list[str] = []
    # Argon2id parameters: OWASP/ASVS minimum (t=2, m=19 MiB, p=1).
    ARGON2_TIME_COST = 2
    ARGON2_MEMORY_COST_KIB = 19 * 1024
    ARGON2_PARALLELISM = 1
    # Failed sign-ins allowed per account and per client address within the window.
    LOGIN_FAILURES_PER_ACCOUNT = 10
    LOGIN_FAILURES_PER_ADDRESS = 50
    LOGIN_THROTTLE_WINDOW = timedelta(minutes=15)
    PASSWORD_MIN_LENGTH = 12
    PASSWORD_MAX_LENGTH = 256
    # E-mail: off (notifications in the app only) until MAIL_SERVER is set. Port default:
    # 465 with MAIL_USE_SSL, 587 with MAIL_USE_TLS (STARTTLS), else 25.
    MAIL_SERVER: str | None = None
    MAIL_PORT: int | None = None
    MAIL_USE_TLS = False
    MAIL_USE_SSL = False
    MAIL_USERNAME: str | None = None
    MAIL_PASSWORD: str | None = None
    MAIL_DEFAULT_SENDER: str | None = None  # None: factcheck@<MAIL_SERVER>
    # The daily digest of notifications goes out after this hour (UTC).
    MAIL_DIGEST_HOUR = 7
    # "Forgot password": a link valid this long and once; requests counted per address and
    # per account (without saying whether the account exists).
    PASSWORD_RESET_MAX_AGE = timedelta(hours=1)
    PASSWORD_RESETS_PER_ACCOUNT = 3
    PASSWORD_RESETS_PER_ADDRESS = 20
    PASSWORD_RESET_WINDOW = timedelta(hours=1)
    # Background jobs: "" keeps the queue in instance/jobs.sqlite (one machine); a
    # redis:// URL shares it between servers. The job rows themselves are in the database.
    JOBS_URL = ""
    # Match every imported article's claims (and reworded claims) against earlier checks
    # and other open work, in a background job (factcheck/workflow/claim_matches.py).
    CLAIM_MATCHING = True
    JOBS_THREADS = 2  # jobs a worker runs at once
    # A worker records that it is alive this often; after JOBS_STALE_SECONDS of silence its
    # running jobs are given to another worker (or to itself once restarted).
    JOBS_HEARTBEAT_SECONDS = 10.0
    JOBS_STALE_SECONDS = 60.0
    # Hour of the day (0-23, UTC) from which the worker sends the day's due-date reminders
    # (factcheck send-reminders does the same from cron); once a day whatever the hour.
    REMINDERS_HOUR = 7
    # Link health: once a week, from this day and hour (UTC), the worker re-requests every
    # cited page of published checks (`factcheck check-links` does the same from cron).
    # "off" (or "") never runs it in the worker. Requests to one host are spaced by
    # LINK_CHECK_PAUSE seconds; each has LINK_CHECK_TIMEOUT seconds in all, and bodies are
    # compared up to ARCHIVE_MAX_BYTES.
    LINK_CHECK_DAY = "sunday"
    LINK_CHECK_HOUR = 3
    LINK_CHECK_TIMEOUT = 20.0
    LINK_CHECK_PAUSE = 1.0
    # Finished jobs and webhook deliveries, read notifications, superseded link checks and
    # ended device sessions are deleted this many days later (daily, from 04:00 UTC, or by
    # `factcheck prune`); 0 keeps them all. Never the audit log or any editorial record.
    RETENTION_DAYS = 90


# Daily jobs start at these hours (UTC); a wrong value would silently never run them.
_HOUR_SETTINGS = ("REMINDERS_HOUR", "MAIL_DIGEST_HOUR", "LINK_CHECK_HOUR")


def load_config(app: Flask, test_config: dict | None) -> None:
    """Apply the configuration layers in order, then fill in derived values."""
    app.config.from_object(Defaults)
    app.config.from_pyfile("config.py", silent=True)
    app.config.from_prefixed_env(ENV_PREFIX)
    if test_config:
        app.config.from_mapping(test_config)
    if not app.config.get("DATABASE_URL"):
        db_path = Path(app.instance_path) / app.config["SQLITE_FILENAME"]
        app.config["DATABASE_URL"] = f"sqlite:///{db_path}"
    # Production keys come from config: a generated file would differ between machines.
    if not app.config.get("SECRET_KEY") and not is_production(app.config):
        app.config["SECRET_KEY"] = instance_secret_key(Path(app.instance_path))
    problem = secret_key_problem(app.config)
    if problem:
        # Refused here, not only by `factcheck serve`: `run`, `demo` and a bare gunicorn
        # would otherwise start and answer 500 to every request that needs a session.
        raise ConfigurationError(_("Refusing to start: {problem}", problem=problem))
    for name in _HOUR_SETTINGS:
        hour = app.config.get(name)
        # bool is an int too; FACTCHECK_REMINDERS_HOUR=true must not mean 1 o'clock.
        if not isinstance(hour, int) or isinstance(hour, bool) or not 0 <= hour <= 23:
            raise ConfigurationError(_(
                "Refusing to start: {name} must be an hour of the day from 0 to 23 (UTC), "
                "not {value}.", name=name, value=repr(hour)))
    days = app.config.get("RETENTION_DAYS")
    if not isinstance(days, int) or isinstance(days, bool) or days < 0:
        raise ConfigurationError(_(
            "Refusing to start: RETENTION_DAYS must be a whole number of days, 0 or more (0 "
            "keeps everything), not {value}.", value=repr(days)))
    try:
        weekday_number(app.config.get("LINK_CHECK_DAY"))
    except ValueError:
        raise ConfigurationError(_(
            "Refusing to start: LINK_CHECK_DAY must be a day of the week (monday to sunday) "
            "or off, not {value}.", value=repr(app.config.get("LINK_CHECK_DAY")))) from None
    hosts = app.config.get("TRUSTED_HOSTS")
    if isinstance(hosts, str):  # FACTCHECK_TRUSTED_HOSTS="a.example, b.example"
        app.config["TRUSTED_HOSTS"] = [h for h in re.split(r"[\s,]+", hosts) if h]
    _apply_https(app.config)


def secret_key_problem(config: Mapping) -> str | None:
    """Why the secret key is unusable in production, or None when it is fine."""
    if not is_production(config):
        return None
    key = config.get("SECRET_KEY")
    if not key:
        return _("FACTCHECK_ENV=production needs a secret key from the configuration: set "
                 "FACTCHECK_SECRET_KEY (or SECRET_KEY in instance/config.py), the same for "
                 "every server. The key generated into instance/secret_key is not used in "
                 "production. Make one with: python3 -c 'import secrets; "
                 "print(secrets.token_hex(32))'")
    if len(str(key)) < MIN_SECRET_KEY_LENGTH:
        return _("The secret key is shorter than {n} characters.", n=MIN_SECRET_KEY_LENGTH)
    return None


def is_production(config: Mapping) -> bool:
    """True when the configuration declares a production installation (ENV=production)."""
    return str(config.get("ENV", "")).strip().lower() == "production"


def _apply_https(config: Config) -> None:
    if config.get("HTTPS") is None:
        config["HTTPS"] = is_production(config)
    if not config["HTTPS"]:
        return
    config["SESSION_COOKIE_SECURE"] = True
    config["PREFERRED_URL_SCHEME"] = "https"
    # Browsers keep a __Host- cookie only if Secure, for path / and without Domain, so no
    # plain-HTTP page or sibling subdomain can plant or overwrite the session.
    config["SESSION_COOKIE_DOMAIN"] = None
    config["SESSION_COOKIE_PATH"] = "/"
    name = config["SESSION_COOKIE_NAME"]
    if not name.startswith(HOST_COOKIE_PREFIX):
        config["SESSION_COOKIE_NAME"] = HOST_COOKIE_PREFIX + name


def instance_secret_key(instance_path: Path) -> str:
    """Read the instance's generated secret key, creating it once if missing.

    Every worker and every restart must share one key, or sessions and CSRF
    tokens fail at random; an atomic link() makes concurrent first starts agree.
    """
    target = instance_path / SECRET_KEY_FILE
    if not target.exists():
        instance_path.mkdir(parents=True, exist_ok=True)
        tmp = instance_path / f".{SECRET_KEY_FILE}.{os.getpid()}.{secrets.token_hex(4)}"
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_hex(32))
        try:
            os.link(tmp, target)
        except FileExistsError:
            pass  # another process won the race; use its key
        finally:
            tmp.unlink()
    key = target.read_text().strip()
    if len(key) < 32:
        raise RuntimeError(f"{target} holds no usable secret key; delete it to regenerate")
    return key
