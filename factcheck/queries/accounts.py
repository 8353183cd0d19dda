"""Reads about accounts: finding one by email, whether any exists, a user's API tokens."""

from __future__ import annotations

from sqlmodel import Session, col, func, select

from ..models import ApiToken, User


def normalise_email(email: str) -> str:
    """Emails are compared case-insensitively and without surrounding blanks."""
    return email.strip().lower()


def find_user_by_email(session: Session, email: str) -> User | None:
    """The user with this email, if any."""
    return session.exec(select(User).where(User.email == normalise_email(email))).first()


def needs_setup(session: Session) -> bool:
    """True on a fresh installation that has no user yet."""
    return session.exec(select(func.count()).select_from(User)).one() == 0


def tokens_of(session: Session, user: User) -> list[ApiToken]:
    """The user's tokens, newest first."""
    query = select(ApiToken).where(ApiToken.user_id == user.id).order_by(
        col(ApiToken.id).desc())
    return list(session.exec(query).all())
