"""Each role signs in through a real browser and sees its own navigation."""

import pytest

from tests.qa_app.e2e.conftest import sign_in_page
from tests.qa_app.helpers import PASSWORD

pytestmark = pytest.mark.browser

NAVIGATION = {
    "admin": [
        "Home",
        "Review queue",
        "Flagged",
        "Interactions",
        "Sampling",
        "Scorecards",
        "Calibration",
        "Reports",
        "Models",
        "Jobs",
        "Users",
        "Teams",
        "Audit trail",
        "Retention",
    ],
    "executive": [
        "Home",
        "Review queue",
        "Flagged",
        "Interactions",
        "Sampling",
        "Scorecards",
        "Calibration",
        "Disputes",
        "Coaching",
        "Reports",
        "Models",
        "Jobs",
    ],
    "reviewer": [
        "Home",
        "Review queue",
        "Flagged",
        "Interactions",
        "Scorecards",
        "Calibration",
        "Disputes",
        "Coaching",
    ],
    "agent": ["Home", "My feedback", "Interactions", "Coaching"],
}


@pytest.mark.parametrize("role", list(NAVIGATION))
def test_role_sees_its_navigation(page, users, role):
    sign_in_page(page, users[role].email, PASSWORD)
    links = page.get_by_test_id("nav").get_by_role("link").all_inner_texts()
    assert links == NAVIGATION[role]
    assert page.get_by_test_id("role").inner_text() == role
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/auth/login")


def test_wrong_password_shows_the_generic_message(page, users):
    page.goto("/auth/login")
    page.get_by_label("E-mail").fill(users["agent"].email)
    page.get_by_label("Password").fill("wrong password")
    page.get_by_role("button", name="Sign in").click()
    assert page.get_by_role("alert").inner_text().startswith("E-mail or password is incorrect")
    page.console_errors.clear()  # the 401 answer itself


def test_agent_opening_an_admin_page_gets_the_403_page(page, users):
    sign_in_page(page, users["agent"].email, PASSWORD)
    response = page.goto("/admin/users")
    assert response.status == 403
    assert "Your role does not give access" in page.get_by_test_id("error-message").inner_text()
    assert page.console_errors == [
        "Failed to load resource: the server responded with a status of 403 (FORBIDDEN)"
    ]
    page.console_errors.clear()
