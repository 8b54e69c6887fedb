"""Audit events about calibration work keep who and when, and keep what the
participant wrote sealed until the reveal: on the page, its filters, the CSV
export and a person's data export alike."""

import csv
import io
import json

import pytest

from qa_app.extensions import db
from qa_app.models import AuditEvent
from tests.qa_app.calibration.sealing import MARK_A, MARK_KEY, MARKERS, build_sealed
from tests.qa_app.helpers import post_form


@pytest.fixture
def sealed(make, users):
    return build_sealed(make, users)


def _pages(client, evaluation_id: int) -> dict[str, str]:
    by_entity = f"entity_type=evaluation&entity_id={evaluation_id}"
    urls = (
        "/admin/audit/",
        f"/admin/audit/?{by_entity}",
        "/admin/audit/?action=evaluation.edited",
        "/admin/audit/export.csv",
        f"/admin/audit/export.csv?{by_entity}",
    )
    out = {}
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        out[url] = response.get_data(as_text=True)
    return out


def _edits(csv_text: str) -> list[dict[str, str]]:
    """The CSV's evaluation edits, keyed by short names for its page headings."""
    names = {"When (UTC)": "at", "Actor": "actor", "Action": "action", "Object": "object_type",
             "Before → after": "changes", "Before (full record)": "before",
             "After (full record)": "after"}  # fmt: skip
    rows = csv.DictReader(io.StringIO(csv_text.lstrip("\ufeff")))
    rows = [{names.get(k, k): v for k, v in row.items()} for row in rows]
    return [row for row in rows if row["action"] == "evaluation.edited"]


def test_before_the_reveal_the_trail_shows_who_and_when_but_not_what(sealed, client_as):
    pages = _pages(client_as("admin"), sealed.mine.id)
    for url, body in pages.items():
        for marker in MARKERS:
            assert marker not in body, f"{marker} leaked on {url}"
    page = pages[f"/admin/audit/?entity_type=evaluation&entity_id={sealed.mine.id}"]
    assert "<code>evaluation.edited</code>" in page and sealed.a.email in page
    assert 'data-testid="sealed"' in page and "Sealed until the reveal" in page
    edits = _edits(pages["/admin/audit/export.csv"])
    assert {row["actor"] for row in edits} == {sealed.a.email, sealed.calib.facilitator.email}
    for row in edits:
        assert row["at"] and row["object_type"] == "evaluation"
        assert row["changes"] == "sealed until the reveal"
        assert row["before"] == row["after"] == ""


def test_after_the_reveal_the_trail_shows_the_content(sealed, client_as):
    sealed.reveal()
    pages = _pages(client_as("admin"), sealed.mine.id)
    by_entity = pages[f"/admin/audit/?entity_type=evaluation&entity_id={sealed.mine.id}"]
    assert f"{MARK_A}-comment-1" in by_entity and f"{MARK_A}-comment-2" in by_entity
    assert 'data-testid="sealed"' not in by_entity
    by_entity_csv = f"/admin/audit/export.csv?entity_type=evaluation&entity_id={sealed.mine.id}"
    (row,) = _edits(pages[by_entity_csv])
    assert f"{MARK_A}-overall-1" in row["before"] and f"{MARK_A}-overall-2" in row["after"]
    assert f"{MARK_A}-note-1 -> {MARK_A}-note-2" in row["changes"]


def test_the_stored_event_still_holds_the_history(sealed):
    """Sealing is a reading rule: the append-only event keeps the whole edit,
    so nothing needs to be rewritten at the reveal."""
    event = db.session.scalar(
        db.select(AuditEvent).where(
            AuditEvent.entity_type == "evaluation", AuditEvent.entity_id == sealed.mine.id
        )
    )
    assert event.before["comment"] == f"{MARK_A}-overall-1"
    assert event.after["comment"] == f"{MARK_A}-overall-2"


def test_the_author_reads_their_own_events_unsealed(sealed, client_as, users):
    """An admin who facilitates scores the benchmark: their own edits are theirs to read."""
    from qa_app.audit_trail import services
    from qa_app.models import User

    admin = users["admin"]
    facilitator = db.session.get(User, sealed.calib.facilitator.id)
    rows = services.page(services.parse({})).rows
    by_facilitator = services.shown(facilitator, rows)
    by_admin = services.shown(admin, rows)
    key_events = [r for r in by_facilitator if r.event.entity_id == sealed.key.id]
    assert key_events and all(not r.sealed for r in key_events)
    assert any(MARK_KEY in c.after for r in key_events for c in r.changes)
    assert all(r.sealed and not r.changes for r in by_admin if r.event.entity_id == sealed.key.id)


def test_a_persons_data_export_seals_their_calibration_edits(sealed, client_as):
    """An admin downloads a participant's data: the participant's audit events
    are in it, without what they wrote before the reveal."""
    admin = client_as("admin")
    url = f"/privacy/users/{sealed.a.id}/export"
    before = post_form(admin, url, {})
    assert before.status_code == 200
    data = json.loads(before.get_data(as_text=True))
    edits = [e for e in data["audit_events"] if e["action"] == "evaluation.edited"]
    assert edits and all(e["before"] is None and e["after"] is None for e in edits)
    assert all(e["sealed"] == "sealed until the reveal" for e in edits)
    assert MARK_A not in before.get_data(as_text=True)
    sealed.reveal()
    after = post_form(admin, url, {}).get_data(as_text=True)
    assert f"{MARK_A}-overall-2" in after
