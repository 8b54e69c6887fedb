"""The navigation bar: each role's entries, the current page marked, built
once per role and page but never shared across roles."""

from __future__ import annotations

import re

import pytest

from qa_app import nav


def _links(html: str) -> list[tuple[str, str, bool]]:
    bar = html.split('data-testid="nav">', 1)[1].split("</ul>", 1)[0]
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
