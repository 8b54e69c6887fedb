"""A reviewer signs in and their home says what today holds, with links."""

import pytest

from tests.qa_app.e2e.conftest import sign_in_page
from tests.qa_app.helpers import PASSWORD
from tests.qa_app.main.test_home import build_day

pytestmark = pytest.mark.browser


def test_reviewer_home_shows_todays_work_and_leads_to_it(page, users, make):
    day = build_day(make, users)
    sign_in_page(page, users["reviewer"].email, PASSWORD)
    assert (
        page.get_by_test_id("week-progress")
        .inner_text()
        .startswith("2 of 100 evaluations submitted since Monday")
    )
    assert "1 overdue, 0 due today, 1 later." in page.get_by_test_id("today-due").inner_text()
    assert "December calibration" in page.get_by_test_id("today-calibration").inner_text()
    assert f"Dispute #{day['dispute'].id}" in page.get_by_test_id("today-disputes").inner_text()
    assert "CALL-FLAGGED" in page.get_by_test_id("today-flags").inner_text()
    page.get_by_test_id("today-drafts").get_by_role("link", name="CALL-DRAFT").click()
    page.wait_for_url(f"**/reviews/evaluations/{day['draft'].id}/score")


def test_reviewer_with_nothing_to_do_is_told_so(page, users):
    sign_in_page(page, users["reviewer"].email, PASSWORD)
    assert page.get_by_test_id("today-empty").inner_text().startswith("Nothing is waiting for you")
    page.get_by_test_id("today-empty").get_by_role("link", name="review queue").click()
    page.wait_for_url("**/reviews/")
