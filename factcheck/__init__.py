"""factcheck: claim-by-claim fact-checking of news articles."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the text engine imports this package without needing Flask
    from flask import Flask

PACKAGE_DIR = Path(__file__).resolve().parent


def _template_folder() -> Path:
    # A wheel ships the templates inside the package; a checkout keeps them at the top.
    packaged = PACKAGE_DIR / "templates"
    return packaged if packaged.is_dir() else PACKAGE_DIR.parent / "templates"


def _instance_path() -> str | None:
    configured = os.environ.get("FACTCHECK_INSTANCE_PATH")
    return str(Path(configured).resolve()) if configured else None


def create_app(test_config: dict | None = None) -> Flask:
    """Build the application: config, extensions, blueprints, CLI, error handlers."""
    from flask import Flask

    from . import api
    from .config import load_config
    from .extensions import csrf, db
    from .infra.proxies import trust_proxies
    from .infra.security_log import configure_security_log
    from .web import (
        access,
        admin,
        auth,
        claim_matches,
        claimants,
        display,
        editor,
        errors,
        feeds,
        frames,
        imported_checks,
        locale,
        mail,
        mail_settings,
        main,
        notifications,
        page_cache,
        public,
        repeats,
        review,
        sources,
        webhooks,
    )
    from .web.converters import RecordIdConverter
    from .web.jobs import bp as jobs_bp
    from .web.jobs import register_retention
    from .web.search import bp as search_bp
    from .web.uploads import SiteRequest
    from .worker import init_queue
    from .workflow.publishing import CHANGED_CHECKS

    app = Flask(
        __name__,
        template_folder=str(_template_folder()),
        instance_path=_instance_path(),
        instance_relative_config=True,
    )
    app.request_class = SiteRequest  # per-view body limits (uploads)
    load_config(app, test_config)
    _configure_accounts(app.config)
    trust_proxies(app)
    frames.register_frames(app)  # before any request: /copy-frame/ reads no cookie
    configure_security_log()

    db.init_app(app)
    db.after_commit(CHANGED_CHECKS, page_cache.forget_checks)
    csrf.init_app(app)
    display.register_template_helpers(app)
    locale.init_locale(app)
    app.before_request(access.load_current_user)

    app.url_map.converters["int"] = RecordIdConverter  # before any route uses it
    for blueprint in (main.bp, public.bp, auth.bp, editor.bp, review.bp, admin.bp, feeds.bp,
                      api.bp, search_bp, jobs_bp, notifications.bp, mail_settings.bp,
                      webhooks.bp, claimants.bp, imported_checks.bp, sources.bp, frames.bp,
                      claim_matches.bp):
        app.register_blueprint(blueprint)

    errors.register_error_handlers(app)
    errors.register_input_checks(app)
    errors.register_refusal_log(app)
    errors.register_security_headers(app)
    repeats.register_form_tokens(app)  # after the input checks: a refused form spends nothing
    init_queue(app)
    mail.init_mail(app)
    webhooks.register_webhooks(app)
    review.register_captures(app)
    sources.register_link_checks(app)
    claim_matches.register_matching(app)
    register_retention(app)
    return app


def _configure_accounts(config: dict) -> None:
    # Passwords and invitations are used by the workflow, which knows no Flask app.
    from .invitations import configure_invitations
    from .passwords import PasswordPolicy, configure_passwords

    configure_passwords(PasswordPolicy(
        time_cost=config["ARGON2_TIME_COST"], memory_kib=config["ARGON2_MEMORY_COST_KIB"],
        parallelism=config["ARGON2_PARALLELISM"], min_length=config["PASSWORD_MIN_LENGTH"],
        max_length=config["PASSWORD_MAX_LENGTH"]))
    configure_invitations(secret_key=config["SECRET_KEY"], max_age=config["INVITATION_MAX_AGE"],
                          reset_max_age=config["PASSWORD_RESET_MAX_AGE"])
