"""The navigation bar: each role's entries, the current page marked, never
another role's."""

from __future__ import annotations

import re

import pytest

from qa_app import nav


def _bar(html: str) -> str:
    return html.split('data-testid="nav">', 1)[1].split('data-testid="user-bar"', 1)[0]


def _links(html: str) -> list[tuple[str, str, bool]]:
    bar = _bar(html)
    return [
        (href, label, "aria-current" in attrs)
        for attrs, href, label in re.findall(r'<a ([^>]*)href="([^"]*)">([^<]*)</a>', bar)
    ]


def _expected(app, role: str) -> list[str]:
    entries = sorted(app.extensions["qa_nav"], key=lambda e: (e.order, e.label))
    return [e.label for e in entries if role in e.roles]


@pytest.mark.parametrize("role", ["admin", "executive", "reviewer", "agent"])
def test_each_role_sees_its_entries_marked_on_their_page(app, client_as, role):
    expected = _expected(app, role)
    client = client_as(role)
    links = _links(client.get("/").get_data(as_text=True))
    assert [label for _, label, _ in links] == expected
    assert [label for _, label, current in links if current] == ["Home"]
    reports = [(href, label) for href, label, _ in links if label == "Reports"]
    if role in ("admin", "executive"):
        assert reports == [("/reports/", "Reports")]
        page = _links(client.get("/reports/").get_data(as_text=True))
        assert [label for _, label, current in page if current] == ["Reports"]
    else:
        assert reports == []


MENUS = {
    "admin": {"Review": 4, "Calibrate": 2, "Report": 6, "Admin": 6},
    "executive": {"Review": 4, "Calibrate": 2, "Coach": 2, "Report": 6},
    "reviewer": {"Review": 3, "Calibrate": 2, "Coach": 2},
    "agent": {},
}


@pytest.mark.parametrize("role", list(MENUS))
def test_entries_are_grouped_into_menus_by_job(client_as, role):
    """Menus per job keep every role's bar within a 1280 px screen; a group with
    one entry for a role (the agent's Interactions, Coaching) is a plain link."""
    bar = _bar(client_as(role).get("/").get_data(as_text=True))
    menus = re.findall(r'data-testid="nav-menu-(\w+)"(.*?)</ul>', bar, re.S)
    assert {name.title(): body.count("dropdown-item") for name, body in menus} == MENUS[role]


def test_the_menu_holding_the_current_page_is_marked(client_as):
    bar = _bar(client_as("executive").get("/flags/models").get_data(as_text=True))
    report = bar.split('data-testid="nav-menu-report"', 1)[1].split("</li>", 1)[0]
    assert "dropdown-toggle active" in report
    assert 'aria-current="page" href="/flags/models"' in bar


def test_an_unknown_group_is_refused(app):
    with pytest.raises(ValueError, match="nav group 'Misc'"):
        nav.register(app, "Odd", "main.home", ("agent",), 99, "Misc")


def test_built_links_are_not_shared_across_roles(app, client_as):
    admin = _links(client_as("admin").get("/").get_data(as_text=True))
    agent = _links(client_as("agent").get("/").get_data(as_text=True))
    assert [label for _, label, _ in admin] == _expected(app, "admin")
    assert [label for _, label, _ in agent] == _expected(app, "agent")
    assert "Users" not in _expected(app, "agent")


def test_labels_are_escaped(app, client_as):
    app.extensions["qa_nav"].append(
        nav.NavEntry("<b>Odd & co</b>", "main.home", frozenset({"agent"}), 99)
    )
    html = client_as("agent").get("/").get_data(as_text=True)
    assert "&lt;b&gt;Odd &amp; co&lt;/b&gt;" in html and "<b>Odd" not in html


def test_signed_out_pages_have_no_entries(client):
    html = client.get("/auth/login").get_data(as_text=True)
    assert 'data-testid="nav"' not in html


def test_links_follow_the_mount_point(client_as):
    client = client_as("executive")
    plain = dict((label, href) for href, label, _ in _links(client.get("/").get_data(as_text=True)))
    mounted = client.get("/", base_url="http://localhost/qa/").get_data(as_text=True)
    under = dict((label, href) for href, label, _ in _links(mounted))
    assert plain["Reports"] == "/reports/" and under["Reports"] == "/qa/reports/"
