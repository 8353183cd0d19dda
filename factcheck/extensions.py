"""Unbound extension singletons; modules import them from here, never from the package."""

from flask_wtf import CSRFProtect

from .db import Database

db = Database()
csrf = CSRFProtect()
