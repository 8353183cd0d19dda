"""Password hashing (Argon2id at ASVS parameters) and the password policy."""

from __future__ import annotations

from functools import cache
from importlib import resources

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app

from .i18n import _


def _hasher() -> PasswordHasher:
    cfg = current_app.config
    return _hasher_for(
        cfg["ARGON2_TIME_COST"], cfg["ARGON2_MEMORY_COST_KIB"], cfg["ARGON2_PARALLELISM"]
    )


@cache
def _hasher_for(time_cost: int, memory_kib: int, parallelism: int) -> PasswordHasher:
    return PasswordHasher(time_cost=time_cost, memory_cost=memory_kib, parallelism=parallelism)


def hash_password(password: str) -> str:
    """Hash `password` with Argon2id at the configured cost."""
    return _hasher().hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    """True when `password` matches `password_hash`; never raises on a bad hash."""
    if not password_hash:
        return False
    try:
        return _hasher().verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    """True when the hash was made with weaker parameters than configured now."""
    return _hasher().check_needs_rehash(password_hash)


@cache
def _common_passwords() -> frozenset[str]:
    text = resources.files("factcheck.data").joinpath("common-passwords.txt").read_text()
    return frozenset(line.strip().lower() for line in text.splitlines() if line.strip())


def password_problems(password: str, *, email: str = "") -> list[str]:
    """Reasons `password` is refused (empty list when it is acceptable)."""
    cfg = current_app.config
    problems = []
    if len(password) < cfg["PASSWORD_MIN_LENGTH"]:
        problems.append(
            _(
                "Use at least {n} characters; a passphrase of several words works well.",
                n=cfg["PASSWORD_MIN_LENGTH"],
            )
        )
    if len(password) > cfg["PASSWORD_MAX_LENGTH"]:
        problems.append(_("Use at most {n} characters.", n=cfg["PASSWORD_MAX_LENGTH"]))
    lowered = password.lower()
    local_part = email.split("@", 1)[0].lower()
    if lowered in _common_passwords() or len(set(lowered)) < 4:
        problems.append(_("This password is too common or too easy to guess."))
    elif len(local_part) >= 4 and local_part in lowered:
        problems.append(_("The password must not contain your email address."))
    return problems
