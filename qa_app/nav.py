"""The navigation bar, built from entries each feature registers for its roles.

Entries are grouped by job (Review, Calibrate, Coach, Report, Admin), each
group a menu of the bar, so that every role's bar fits a 1280 px screen; a
group holding one entry for a role is shown as a plain link.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import Flask, current_app, get_template_attribute, request
from flask_login import current_user
from markupsafe import Markup

# The bar's menus, in the order they appear.
GROUPS = ("Review", "Calibrate", "Coach", "Report", "Admin")


@dataclass(frozen=True)
class NavEntry:
    label: str
    endpoint: str
    roles: frozenset[str]
    order: int = 50
    group: str | None = None  # one of GROUPS; None: a link of its own on the bar


@dataclass(frozen=True)
class NavItem:
    """One place on the bar for one role: a link (one entry) or a menu (several)."""

    label: str
    entries: tuple[NavEntry, ...]

    @property
    def is_menu(self) -> bool:
        return len(self.entries) > 1


def register(
    app: Flask,
    label: str,
    endpoint: str,
    roles: tuple[str, ...],
    order: int = 50,
    group: str | None = None,
) -> None:
    if group is not None and group not in GROUPS:
        raise ValueError(f"nav group {group!r} is not one of {GROUPS}")
    app.extensions.setdefault("qa_nav", []).append(
        NavEntry(label, endpoint, frozenset(roles), order, group)
    )


def entries_for_current_user() -> list[NavEntry]:
    if not current_user.is_authenticated:
        return []
    entries = current_app.extensions.get("qa_nav", [])
    visible = [e for e in entries if current_user.role in e.roles]
    return sorted(visible, key=lambda e: (e.order, e.label))


def items_for(entries: list[NavEntry]) -> list[NavItem]:
    """The bar's items: links of their own first, then each group's menu in
    GROUPS order; a group with a single entry becomes that entry's link."""
    single = [NavItem(e.label, (e,)) for e in entries if e.group is None]
    grouped = []
    for name in GROUPS:
        members = tuple(e for e in entries if e.group == name)
        if members:
            grouped.append(NavItem(name if len(members) > 1 else members[0].label, members))
    return single + grouped


def links_for_current_user() -> Markup:
    """The bar's links and menus, marking the current page's. Built per page
    (0.2 ms), so nothing is kept between requests."""
    if not current_user.is_authenticated:
        return Markup("")
    bar = get_template_attribute("_nav.html", "bar")  # a macro: no context processors
    return Markup(bar(items_for(entries_for_current_user()), request.endpoint))
