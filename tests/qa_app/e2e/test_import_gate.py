"""The import page's Import button: usable only once the ticked options let
every row in, with the reason shown while it waits."""

from __future__ import annotations

import pytest
from sqlalchemy import func

from qa_app.extensions import db
from qa_app.models import Interaction
from tests.qa_app.e2e.conftest import sign_in_page
from tests.qa_app.helpers import PASSWORD
from tests.qa_app.interactions.support import csv_bytes, row

pytestmark = pytest.mark.browser


def _upload(page, tmp_path, rows) -> None:
    path = tmp_path / "calls.csv"
    path.write_bytes(csv_bytes(rows))
    page.goto("/interactions/import")
    page.get_by_label("CSV or JSON Lines file").set_input_files(str(path))
    page.get_by_role("button", name="Upload and check").click()
    page.get_by_role("heading", name="Import calls.csv").wait_for()


def test_import_waits_for_partial_when_a_row_cannot_be_saved(page, users, tmp_path):
    sign_in_page(page, users["admin"].email, PASSWORD)
    _upload(page, tmp_path, [row(1), row(2, csat="9")])
    button = page.get_by_role("button", name="Import", exact=True)
    reason = page.get_by_test_id("import-blocked")
    assert button.is_disabled() and "no option fixes" in reason.inner_text()
    page.get_by_label("Create missing agents").check()
    assert button.is_disabled()  # no option saves a CSAT of 9
    page.get_by_label("Import the good rows").check()
    assert button.is_enabled() and not reason.is_visible()
    page.get_by_label("Import the good rows").uncheck()
    assert button.is_disabled() and reason.is_visible()
    page.get_by_label("Import the good rows").check()
    button.click()
    assert "created 1, updated 0, rejected 1" in page.get_by_test_id("import-summary").inner_text()
    assert db.session.scalar(db.select(func.count()).select_from(Interaction)) == 1


def test_import_waits_for_the_options_a_missing_agent_and_team_need(page, users, tmp_path):
    sign_in_page(page, users["admin"].email, PASSWORD)
    _upload(page, tmp_path, [row(1, agent_email="new@example.test", team="Nights")])
    button = page.get_by_role("button", name="Import", exact=True)
    assert button.is_disabled()
    page.get_by_label("Create missing agents").check()
    assert button.is_disabled()
    page.get_by_label("Create missing teams").check()
    assert button.is_enabled()
