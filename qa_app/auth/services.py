"""Sign-in checks kept away from the routes so they are easy to test."""

from __future__ import annotations

from flask import current_app
from werkzeug.security import generate_password_hash

from qa_app.extensions import db
from qa_app.models import User

GENERIC_FAILURE = "E-mail or password is incorrect, or the account is not active."


def normalise_email(email: str) -> str:
    return email.strip().lower()


def authenticate(email: str, password: str) -> User | None:
    """Return the active user with these credentials, or None for any failure."""
    user = db.session.scalar(db.select(User).where(User.email == normalise_email(email)))
    if user is None or not user.password_hash:
        # Hashed anyway, so an unknown e-mail costs the same time as a wrong
        # password and response times do not reveal who has an account.
        generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"])
        return None
    if not user.check_password(password) or not user.active:
        return None
    return user


def password_problem(password: str, email: str | None = None) -> str | None:
    """Plain-language reason a new password is refused, or None.

    Length is what makes a password strong; the upper bound keeps hashing a
    bounded cost. The account's own e-mail is the first thing an attacker tries.
    """
    minimum = current_app.config["PASSWORD_MIN_LENGTH"]
    maximum = current_app.config["PASSWORD_MAX_LENGTH"]
    if len(password) < minimum:
        return f"Use at least {minimum} characters."
    if len(password) > maximum:
        return f"Use at most {maximum} characters."
    if email:
        address = normalise_email(email)
        if password.strip().lower() in (address, address.partition("@")[0]):
            return "Do not use your e-mail address as your password."
    return None


def change_password(user: User, new_password: str) -> None:
    """Set the password; every session of the account but the caller's ends."""
    user.set_password(new_password, method=current_app.config["PASSWORD_HASH_METHOD"])
    db.session.commit()
