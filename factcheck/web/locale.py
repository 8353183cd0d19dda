"""The interface language of each request: who asked for which, and how pages show it.

Order: the signed-in user's setting, then the language a reader picked on the site
(a cookie), then the browser's Accept-Language, then the organisation's default.
"""

from __future__ import annotations

import time
from datetime import UTC, date, datetime

from babel import Locale
from babel import dates as babel_dates
from babel import numbers as babel_numbers
from flask import (
    Blueprint,
    Flask,
    current_app,
    flash,
    has_request_context,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import get_locale, refresh
from sqlalchemy.exc import SQLAlchemyError
from wtforms.fields import SelectChoice

from ..extensions import babel, db
from ..i18n import (
    DEFAULT_LOCALE,
    LANGUAGES,
    _,
    current_locale,
    local_digits,
    ngettext,
    use_locale_source,
)
from ..queries.settings import get_setting
from ..workflow.accounts import set_language
from .access import current_user, require_login, safe_next
from .forms import LanguageForm
from .steps import view_step

COOKIE = "factcheck_lang"
COOKIE_MAX_AGE = 365 * 24 * 3600

bp = Blueprint("locale", __name__)


def select_locale() -> str:
    """The locale of the current request (Flask-Babel's locale selector)."""
    if has_request_context():
        user = current_user()
        if user is not None and user.locale in LANGUAGES:
            return user.locale
        picked = request.cookies.get(COOKIE)
        if picked in LANGUAGES:
            return picked
        accepted = request.accept_languages.best_match(_accept_keys())
        if accepted:
            return _ACCEPT_KEYS[accepted]
    return default_locale()


_ACCEPT_KEYS = {"en": "en", "fa-AF": "fa_AF", "fa": "fa_AF", "prs": "fa_AF", "ps": "ps",
                "ps-AF": "ps"}


def _accept_keys() -> list[str]:
    return list(_ACCEPT_KEYS)


_defaults: dict[str, tuple[float, str]] = {}


def default_locale() -> str:
    """The organisation's default interface language, remembered briefly per worker.

    A reader's conditional request for a verdict page is answered without touching the
    database (web/page_cache.py); reading this setting must not undo that, nor fail the
    error page of a database outage.
    """
    if not has_request_context():
        return DEFAULT_LOCALE
    key = current_app.config["DATABASE_URL"]
    now = time.monotonic()
    cached = _defaults.get(key)
    if cached is not None and cached[0] > now:
        return cached[1]
    try:
        chosen = get_setting(db.session, "default_locale")
    except SQLAlchemyError:
        return DEFAULT_LOCALE
    chosen = chosen if chosen in LANGUAGES else DEFAULT_LOCALE
    _defaults[key] = (now + current_app.config["PUBLIC_STAMP_TTL"], chosen)
    return chosen


def forget_default_locale() -> None:
    """Read the organisation's default language again on the next request of this worker."""
    _defaults.clear()


def _babel_code() -> str | None:
    try:
        locale = get_locale()
    except RuntimeError:  # no application context: nothing chose a language
        return None
    return str(locale) if locale is not None else None


def html_lang(locale: str | None = None) -> str:
    """The BCP 47 tag of a locale for `lang` attributes ("fa-AF")."""
    return (locale or current_locale()).replace("_", "-")


def text_direction_of(locale: str | None = None) -> str:
    """"rtl" for right-to-left interface languages, else "ltr"."""
    parsed = Locale.parse(locale or current_locale())
    return "rtl" if parsed.character_order == "right-to-left" else "ltr"


def format_day(value: date | datetime | None, format: str = "medium") -> str:
    """A date as the current locale writes it, in its digits."""
    if value is None:
        return ""
    code = current_locale()
    day = value.date() if isinstance(value, datetime) else value
    return local_digits(babel_dates.format_date(day, format, locale=code), code)


def format_moment(value: datetime | None, seconds: bool = False) -> str:
    """A date and time (UTC) as the current locale writes them, in its digits."""
    if value is None:
        return ""
    code = current_locale()
    moment = value if value.tzinfo else value.replace(tzinfo=UTC)
    day = babel_dates.format_date(moment.date(), "medium", locale=code)
    clock = babel_dates.format_time(moment, "medium" if seconds else "short", tzinfo=UTC,
                                    locale=code)
    return local_digits(f"{day} {clock} UTC", code)


def format_number(value: int | float | None, decimals: int | None = None) -> str:
    """A number with the current locale's separators and digits (and exactly `decimals`
    decimal places when given)."""
    if value is None:
        return ""
    code = current_locale()
    pattern = f"#,##0.{'0' * decimals}" if decimals else None
    return local_digits(babel_numbers.format_decimal(value, format=pattern, locale=code), code)


@bp.route("/language/<code>")
def switch(code: str):
    """Remember the language a reader picked and go back to where they were."""
    target = safe_next(request.args.get("next"), "/")
    response = redirect(target)
    if code in LANGUAGES:
        response.set_cookie(COOKIE, code, max_age=COOKIE_MAX_AGE, httponly=True,
                            samesite="Lax", secure=request.is_secure)
    return response


def _vary_on_language(response):
    # Public pages are cached by browsers and proxies: the language is part of the answer.
    response.vary.add("Accept-Language")
    response.vary.add("Cookie")
    return response


def init_locale(app: Flask) -> None:
    """Plug Flask-Babel's per-request locale into the translation layer and the templates."""
    babel.init_app(app, locale_selector=select_locale, default_locale=DEFAULT_LOCALE)
    use_locale_source(_babel_code)
    app.register_blueprint(bp)
    app.after_request(_vary_on_language)
    app.jinja_env.globals.update(
        ngettext=ngettext, html_lang=html_lang, html_dir=text_direction_of,
        languages=LANGUAGES, current_locale=current_locale)
    app.jinja_env.filters.update(day=format_day, moment=format_moment, number=format_number)


@bp.route("/account/language", methods=["GET", "POST"])
def account_language():
    """A signed-in user's interface language, saved with their account."""
    require_login()
    user = current_user()
    form = LanguageForm()
    form.locale.choices = [SelectChoice("", _("As my browser asks")),
                           *(SelectChoice(code, name) for code, name in LANGUAGES.items())]
    if form.validate_on_submit():
        chosen = form.locale.data if form.locale.data in LANGUAGES else None
        with view_step(form) as step:
            changed = set_language(db.session, user=user, locale=chosen)
        if step.ok:
            if changed:
                refresh()  # the next page, and this message, in the new language
            flash(_("Your language is saved.") if changed
                  else _("Nothing changed in your language setting."), "success")
            return redirect(url_for("locale.account_language"))
    elif not form.is_submitted():
        asked = request.args.get("code")
        form.locale.data = asked if asked in LANGUAGES else (user.locale or "")
    return (render_template("main/language.html", form=form), 422 if form.errors else 200)
