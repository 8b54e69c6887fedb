"""The admins' audit page: filters, keyset pages, a readable diff, a CSV safe to
open in a spreadsheet, and no way to change an event."""

import csv
import io
import re
from datetime import UTC, datetime

import pytest

from qa_app import audit
from qa_app.audit_trail import services
from qa_app.extensions import db
from qa_app.models import AuditEvent


@pytest.fixture
def trail(users):
    admin, executive = users["admin"], users["executive"]
    audit.record(admin, "user.role_changed", "user", 7, {"role": "agent"}, {"role": "reviewer"})
    audit.record(executive, "scorecard.published", "scorecard", 3, {"version": 1}, {"version": 2})
    audit.record(None, "retention.purged", "interaction", None, {"transcripts": 4}, {"purged": 4})
    audit.record(
        executive,
        "dispute.resolved",
        "evaluation",
        9,
        {"total": 75.0, "answers": {"greet": "no", "tone": 5}},
        {"total": 100.0, "answers": {"greet": "yes", "tone": 5}, "outcome": "overturned"},
    )
    db.session.commit()


def shown(html: str) -> list[str]:
    import re

    return re.findall(r"<code>([\w.]+)</code>", html)


def test_the_page_lists_events_newest_first_with_a_readable_diff(trail, client_as):
    html = client_as("admin").get("/admin/audit/").get_data(as_text=True)
    assert shown(html) == [
        "dispute.resolved",
        "retention.purged",
        "scorecard.published",
        "user.role_changed",
    ]
    assert '<tr class="audit-changed">' in html
    assert "answers.greet</th>" in html and "<del>no</del>" in html and "<ins>yes</ins>" in html
    assert '<tr class="audit-added">' in html and "<ins>overturned</ins>" in html
    assert '<tr class="audit-same">' in html  # answers.tone kept, shown once
    assert ">system</td>" in html


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("actor=exec@example.test", []),
        ("actor=EXECUTIVE@example.test", ["dispute.resolved", "scorecard.published"]),
        ("actor=system", ["retention.purged"]),
        ("action=user.role_changed", ["user.role_changed"]),
        ("entity_type=evaluation&entity_id=9", ["dispute.resolved"]),
        ("entity_type=evaluation&entity_id=10", []),
        ("since=2000-01-01&until=2999-12-31", None),
        ("until=2000-01-01", []),
    ],
)
def test_filters(trail, client_as, query, expected):
    html = client_as("admin").get(f"/admin/audit/?{query}").get_data(as_text=True)
    if expected is None:
        assert len(shown(html)) == 4
    else:
        assert shown(html) == expected


def test_a_date_range_is_inclusive_of_both_days(users):
    for day in (1, 2, 3):
        event = audit.record(users["admin"], f"x.day{day}", "x", day)
        event.at = datetime(2026, 11, day, 23, 59, tzinfo=UTC)
    db.session.commit()
    f = services.parse({"since": "2026-11-02", "until": "2026-11-02"})
    assert [e.action for e, _ in services.page(f).rows] == ["x.day2"]


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("entity_id=abc", "Object id must be a whole number from 1 to 2147483647, not &#39;abc"),
        ("since=26/11/2026", "From must be a date like 2026-11-26, not &#39;26/11/2026&#39;."),
        ("since=2026-11-27&until=2026-11-26", "The end date is before the start date."),
        ("before=-1", "Page cursor must be a whole number"),
    ],
)
def test_bad_filters_are_a_clear_400(trail, client_as, query, message):
    response = client_as("admin").get(f"/admin/audit/?{query}")
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    csv_response = client_as("admin").get(f"/admin/audit/export.csv?{query}")
    assert csv_response.status_code == 400


def test_keyset_pages_show_every_event_once(users):
    for n in range(7):
        audit.record(users["admin"], f"test.e{n}", "x", n)
    db.session.commit()
    seen, cursor = [], None
    while True:
        f = services.parse({"before": str(cursor)} if cursor else {})
        result = services.page(f, size=3)
        seen += [e.entity_id for e, _ in result.rows]
        if result.next_before is None:
            break
        cursor = result.next_before
    assert seen == [6, 5, 4, 3, 2, 1, 0]


def test_the_page_links_to_older_events_keeping_the_filters(users, client_as, monkeypatch):
    monkeypatch.setattr(services, "PAGE_SIZE", 2)
    for n in range(3):
        audit.record(users["admin"], "test.same", "x", n)
    db.session.commit()
    html = client_as("admin").get("/admin/audit/?action=test.same").get_data(as_text=True)
    assert 'href="/admin/audit/?action=test.same&amp;before=2"' in html


def test_the_csv_export_neutralises_formulas(users, client_as):
    admin = users["admin"]
    audit.record(admin, "user.updated", "user", 1, {"name": "Ann"}, {"name": "=HYPERLINK(1)"})
    audit.record(admin, "user.updated", "user", 2, None, {"name": "@SUM(A1)"})
    audit.record(admin, "=cmd|' /C calc'!A0", "+x", 3, None, None)
    db.session.commit()
    response = client_as("admin").get("/admin/audit/export.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert list(rows[0]) == services.CSV_HEADER and "When (UTC)" in services.CSV_HEADER
    assert [r["Object #"] for r in rows] == ["3", "2", "1"]
    assert (rows[0]["Action"], rows[0]["Object"]) == ("'=cmd|' /C calc'!A0", "'+x")
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", rows[0]["When (UTC)"])  # as the page
    rows = rows[1:]
    assert rows[0]["Before → after"] == "name:  -> @SUM(A1)"
    assert rows[1]["Before → after"] == "name: Ann -> =HYPERLINK(1)"
    assert rows[0]["After (full record)"] == '{"name": "@SUM(A1)"}'
    for row in rows:
        for value in row.values():
            assert not value.startswith(("=", "+", "-", "@"))
    assert services.neutralise("-1+2") == "'-1+2" and services.neutralise(5) == 5


def test_there_is_no_route_that_writes_to_the_trail(app, client_as, trail):
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/admin/audit"):
            assert rule.methods <= {"GET", "HEAD", "OPTIONS"}, rule
    admin = client_as("admin")
    for method in ("post", "put", "delete", "patch"):
        assert getattr(admin, method)("/admin/audit/").status_code in (400, 405)
    assert db.session.scalar(db.select(db.func.count()).select_from(AuditEvent)) == 4


def test_hostile_values_are_shown_as_text(users, client_as):
    audit.record(users["admin"], "user.updated", "user", 1, None, {"name": "<script>x()</script>"})
    db.session.commit()
    html = client_as("admin").get("/admin/audit/").get_data(as_text=True)
    assert "<script>x()" not in html and "&lt;script&gt;x()&lt;/script&gt;" in html


def test_only_admins_see_the_audit_trail_in_the_navigation(users, client_as):
    assert 'href="/admin/audit/"' in client_as("admin").get("/").get_data(as_text=True)
    for role in ("executive", "reviewer", "agent"):
        html = client_as(role).get("/").get_data(as_text=True)
        assert 'href="/admin/audit/"' not in html
