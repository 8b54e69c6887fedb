"""User and team administration, with an audit event for every role change."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask import current_app
from sqlalchemy.exc import IntegrityError
from wtforms import SelectChoice

from qa_app import audit
from qa_app.api import tokens
from qa_app.auth import oidc
from qa_app.auth.services import normalise_email, password_problem
from qa_app.extensions import db
from qa_app.models import ROLES, Team, User


class AdminError(ValueError):
    """A refused change, with the form field it concerns."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


@dataclass
class UserData:
    email: str
    name: str
    role: str
    team_id: int | None = None
    active: bool = True
    hired_on: date | None = None
    password: str | None = None


def _snapshot(user: User) -> dict:
    return {
        "email": user.email,
        "name": user.name,
        "role": user.role,
        "team_id": user.team_id,
        "active": user.active,
    }


def _check(data: UserData, existing: User | None) -> None:
    if data.role not in ROLES:
        raise AdminError("role", f"Unknown role {data.role!r}.")
    if data.team_id is not None and db.session.get(Team, data.team_id) is None:
        raise AdminError("team_id", "That team does not exist.")
    clash = db.session.scalar(db.select(User).where(User.email == data.email))
    if clash is not None and clash is not existing:
        raise AdminError("email", "Another account already uses this e-mail.")
    if data.password and (problem := password_problem(data.password, data.email)):
        raise AdminError("password", problem)


def create_user(actor: User | None, data: UserData) -> User:
    data.email = normalise_email(data.email)
    _check(data, None)
    if not data.password and data.active and not oidc.configured():
        raise AdminError("password", "Set a password for an account that may sign in.")
    user = User(
        email=data.email,
        name=data.name.strip(),
        role=data.role,
        team_id=data.team_id,
        active=data.active,
        hired_on=data.hired_on,
    )
    if data.password:
        user.set_password(data.password, method=current_app.config["PASSWORD_HASH_METHOD"])
    db.session.add(user)
    try:
        db.session.flush()
    except IntegrityError as exc:  # a concurrent request took the e-mail
        db.session.rollback()
        raise AdminError("email", "Another account already uses this e-mail.") from exc
    audit.record(actor, "user.created", "user", user.id, None, _snapshot(user))
    db.session.commit()
    return user


def update_user(actor: User, user: User, data: UserData) -> User:
    data.email = normalise_email(data.email)
    _check(data, user)
    if user.id == actor.id and (data.role != "admin" or not data.active):
        raise AdminError("role", "You cannot remove your own admin rights or deactivate yourself.")
    if data.active and not data.password and not user.password_hash and not oidc.configured():
        raise AdminError("password", "Set a password before activating this account.")
    before = _snapshot(user)
    if user.active and not data.active:
        # Refusing an inactive account at sign-in is not enough: reactivating
        # it must not bring back the sessions, cookies and API tokens it had.
        user.end_sessions()
        tokens.revoke_all_of(actor, user)
    user.email, user.name, user.role = data.email, data.name.strip(), data.role
    user.team_id, user.active, user.hired_on = data.team_id, data.active, data.hired_on
    if data.password:
        user.set_password(data.password, method=current_app.config["PASSWORD_HASH_METHOD"])
    after = _snapshot(user)
    if before != after or data.password:
        action = "user.role_changed" if before["role"] != after["role"] else "user.updated"
        audit.record(actor, action, "user", user.id, before, after)
    try:
        db.session.commit()
    except IntegrityError as exc:
        db.session.rollback()
        raise AdminError("email", "Another account already uses this e-mail.") from exc
    return user


def create_team(actor: User | None, name: str) -> Team:
    name = name.strip()
    if db.session.scalar(db.select(Team).where(Team.name == name)) is not None:
        raise AdminError("name", "A team with this name already exists.")
    team = Team(name=name)
    db.session.add(team)
    db.session.flush()
    audit.record(actor, "team.created", "team", team.id, None, {"name": name})
    db.session.commit()
    return team


def team_choices() -> list[SelectChoice]:
    teams = db.session.scalars(db.select(Team).order_by(Team.name))
    return [SelectChoice(0, "— none —"), *(SelectChoice(t.id, t.name) for t in teams)]
