"""The navigation bar, built from entries each feature registers for its roles."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Flask, current_app, request, url_for
from flask_login import current_user
from markupsafe import Markup, escape


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


def links_for_current_user() -> Markup:
    """The bar's links, marking the current page's: the same for everyone of a
    role on a page, so built once per role, page and mount point of the app
    (every page carries them; building them per request cost about 0.3 ms of
    every page, a twentieth of a small report page's own time)."""
    if not current_user.is_authenticated:
        return Markup("")
    key = (current_user.role, request.endpoint, request.script_root)
    built = current_app.extensions.setdefault("qa_nav_links", {})
    links = built.get(key)
    if links is None:
        links = built[key] = Markup(
            "".join(_link(e, request.endpoint) for e in entries_for_current_user())
        )
    return links


def _link(entry: NavEntry, endpoint: str | None) -> str:
    """One entry's list item; the current page's is marked for the eye and screen readers."""
    here = entry.endpoint == endpoint
    attributes = 'class="nav-link active" aria-current="page"' if here else 'class="nav-link"'
    href = escape(url_for(entry.endpoint))
    return f'\n  <li class="nav-item"><a {attributes} href="{href}">{escape(entry.label)}</a></li>'
