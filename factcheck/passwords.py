"""Password hashing (Argon2id at ASVS parameters) and the password policy."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from .i18n import _


@dataclass(frozen=True)
class PasswordPolicy:
    """The hashing cost and the length rules; the defaults are those of factcheck/config.py."""

    time_cost: int = 2
    memory_kib: int = 19 * 1024
    parallelism: int = 1
    min_length: int = 12
    max_length: int = 256


_policy = PasswordPolicy()


def configure_passwords(policy: PasswordPolicy) -> None:
    """Set the policy once at start-up (create_app), so callers need no application."""
    global _policy
    _policy = policy


def _hasher() -> PasswordHasher:
    return _hasher_for(_policy.time_cost, _policy.memory_kib, _policy.parallelism)


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
    problems = []
    if len(password) < _policy.min_length:
        problems.append(
            _(
                "Use at least {n} characters; a passphrase of several words works well.",
                n=_policy.min_length,
            )
        )
    if len(password) > _policy.max_length:
        problems.append(_("Use at most {n} characters.", n=_policy.max_length))
    lowered = password.lower()
    local_part = email.split("@", 1)[0].lower()
    if lowered in _common_passwords() or len(set(lowered)) < 4:
        problems.append(_("This password is too common or too easy to guess."))
    elif len(local_part) >= 4 and local_part in lowered:
        problems.append(_("The password must not contain your email address."))
    return problems
