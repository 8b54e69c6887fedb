"""The navigation bar, built from entries each feature registers for its roles."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Flask, current_app
from flask_login import current_user


@dataclass(frozen=True)
class NavEntry:
    label: str
    endpoint: str
    roles: frozenset[str]
    order: int = 50


def register(
    app: Flask, label: str, endpoint: str, roles: tuple[str, ...], order: int = 50
) -> None:
    app.extensions.setdefault("qa_nav", []).append(
        NavEntry(label, endpoint, frozenset(roles), order)
    )


def entries_for_current_user() -> list[NavEntry]:
    if not current_user.is_authenticated:
        return []
    entries = current_app.extensions.get("qa_nav", [])
    visible = [e for e in entries if current_user.role in e.roles]
    return sorted(visible, key=lambda e: (e.order, e.label))
