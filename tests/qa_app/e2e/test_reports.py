"""An executive reads the dashboard, filters to a team, drills into a failing
question and exports the table, in a real browser."""

from pathlib import Path

import pytest

from tests.qa_app.e2e.conftest import nav_to, sign_in_page
from tests.qa_app.helpers import PASSWORD
from tests.qa_app.reports.conftest import data  # noqa: F401  (fixture)

pytestmark = pytest.mark.browser


def test_executive_filters_drills_and_exports(page, users, data):  # noqa: F811
    sign_in_page(page, users["executive"].email, PASSWORD)
    nav_to(page, "Reports")
    page.wait_for_url("**/reports/")
    page.get_by_label("From", exact=True).fill("2026-11-01")
    page.get_by_label("To", exact=True).fill("2026-12-31")
    page.get_by_label("Team", exact=True).select_option(label="Sales")
    page.get_by_role("button", name="Apply").click()
    assert page.get_by_test_id("head-n").inner_text() == "3"  # E3, E4, E6
    assert page.locator("canvas[data-report-chart]").count() >= 3
    page.get_by_test_id("report-tabs").get_by_role("link", name="Questions").click()
    row = page.get_by_test_id("question-resolve")
    assert "50.0%" in row.inner_text()  # Sales: E3 yes, E4 no
    row.get_by_role("link", name="1").click()
    assert page.get_by_test_id("drill-total").inner_text() == "1"
    assert page.get_by_role("link", name=str(data.e4.id), exact=True).is_visible()
    with page.expect_download() as download:
        page.get_by_test_id("export-evaluations").get_by_role("link", name="CSV").click()
    text = Path(download.value.path()).read_text(encoding="utf-8-sig")
    # The page's headings, as its table shows them.
    heads = page.get_by_test_id("evaluations").locator("thead th").all_inner_texts()
    assert text.splitlines()[0] == ",".join(heads) and str(data.e4.id) in text
    assert heads[:2] == ["Evaluation", "Submitted"] and heads[-2:] == ["Score", "Auto-fail"]
