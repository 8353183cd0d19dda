"""Unbound extension singletons; modules import them from here, never from the package."""

from flask_babel import Babel
from flask_wtf import CSRFProtect

from .db import Database

db = Database()
csrf = CSRFProtect()
# Templates use factcheck.i18n's _ and ngettext ({name} placeholders), not Flask-Babel's.
babel = Babel(configure_jinja=False)
