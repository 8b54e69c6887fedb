"""Who may open which view: declared on every view, enforced in one place.

Every view declares its audience with ``@roles_required(...)`` or ``@public``.
A single ``before_request`` hook enforces the declaration and refuses any view
that forgot to declare one (deny by default), so a new route can never be
open by accident. The role-matrix test walks the URL map and checks both.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from flask import Flask, abort, current_app, redirect, request, url_for
from flask_login import current_user

from qa_app.models import ROLES

F = TypeVar("F", bound=Callable[..., Any])

PUBLIC = frozenset({"*public*"})
SIGNED_IN = frozenset(ROLES)


def roles_required(*roles: str) -> Callable[[F], F]:
    """Declare the roles allowed to open a view."""
    unknown = set(roles) - set(ROLES)
    if unknown or not roles:
        raise ValueError(f"unknown roles {sorted(unknown)}; choose from {ROLES}")

    def decorate(view: F) -> F:
        view.access = frozenset(roles)  # type: ignore[attr-defined]
        return view

    return decorate


def signed_in(view: F) -> F:
    """Any signed-in user, whatever the role."""
    view.access = SIGNED_IN  # type: ignore[attr-defined]
    return view


def public(view: F) -> F:
    """Open to visitors who are not signed in (sign-in page, health check)."""
    view.access = PUBLIC  # type: ignore[attr-defined]
    return view


def view_access(app: Flask, endpoint: str) -> frozenset[str] | None:
    view = app.view_functions.get(endpoint)
    if view is None:
        return None
    if endpoint == "static" or endpoint.endswith(".static"):
        return PUBLIC
    return getattr(view, "access", None)


def enforce() -> Any:
    """``before_request`` hook: apply the view's declared access rule."""
    if request.endpoint is None:  # 404/405: let Flask answer
        return None
    allowed = view_access(current_app, request.endpoint)
    if allowed is None:
        current_app.logger.error("view %s declares no access rule", request.endpoint)
        abort(403)
    if allowed is PUBLIC:
        return None
    if request.path.startswith("/api/"):
        from qa_app.api.auth import use_bearer_user

        use_bearer_user()  # 401 unless a valid token; the session is ignored
    if not current_user.is_authenticated:
        if request.path.startswith("/api/"):
            abort(401)
        return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
    if current_user.role not in allowed:
        abort(403)
    return None
