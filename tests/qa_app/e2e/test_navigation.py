"""Each role signs in through a real browser and sees its own navigation."""

import pytest

from tests.qa_app.e2e.conftest import nav_to, sign_in_page
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
        "Staff review",
        "Targets",
        "Models",
        "AutoQA",
        "Jobs",
        "Users",
        "Teams",
        "Audit trail",
        "Retention",
        "Outgoing e-mail",
        "Webhooks",
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
        "Staff review",
        "Targets",
        "Models",
        "AutoQA",
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


# The bar itself: links of their own, then one menu per job.
BAR = {
    "admin": ["Home", "Review", "Calibrate", "Report", "Admin"],
    "executive": ["Home", "Review", "Calibrate", "Coach", "Report"],
    "reviewer": ["Home", "Review", "Calibrate", "Coach"],
    "agent": ["Home", "My feedback", "Interactions", "Coaching"],
}
LONG_NAME = "Alexandra Featherstone-Wilson"


def _bar_items(page) -> list[str]:
    return page.get_by_test_id("nav").locator(":scope > li > .nav-link").all_inner_texts()


def _inside(page, locator, width: int) -> bool:
    box = locator.bounding_box()
    return box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width


@pytest.mark.parametrize("role", list(NAVIGATION))
def test_role_sees_its_navigation(page, users, role):
    sign_in_page(page, users[role].email, PASSWORD)
    links = page.get_by_test_id("nav").locator("a").all_text_contents()
    assert links == NAVIGATION[role]
    assert _bar_items(page) == BAR[role]
    assert page.get_by_test_id("role").inner_text() == role
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/auth/login")


@pytest.mark.parametrize("role", list(NAVIGATION))
def test_the_bar_fits_a_1280_px_screen_with_every_entry_reachable(page, users, role):
    """Issue #20.1: at 1366 px the executive's and admin's bars ran off the
    screen (user name, API tokens, role and Sign out unreachable)."""
    from qa_app.extensions import db

    users[role].name = LONG_NAME
    db.session.commit()
    page.set_viewport_size({"width": 1280, "height": 800})
    sign_in_page(page, users[role].email, PASSWORD)
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280
    for item in page.get_by_test_id("nav").locator(":scope > li > .nav-link").all():
        assert _inside(page, item, 1280), item.inner_text()
    user_menu = page.get_by_test_id("user-menu").locator(".dropdown-toggle")
    assert LONG_NAME in user_menu.inner_text() and _inside(page, user_menu, 1280)
    sign_out = page.get_by_role("button", name="Sign out")
    assert _inside(page, sign_out, 1280)
    assert sign_out.evaluate("b => b.getBoundingClientRect().height") < 40  # one line
    for label in NAVIGATION[role]:
        nav_to(page, label)
        page.wait_for_load_state()
        current = page.get_by_test_id("nav").locator('[aria-current="page"]')
        assert current.text_content() == label
    user_menu.click()
    tokens = page.get_by_test_id("api-tokens")
    assert _inside(page, tokens, 1280)
    tokens.click()
    page.wait_for_url("**/account/tokens/")


@pytest.mark.parametrize("role", ["executive", "agent"])
def test_the_phone_menu_opens_and_leads_to_every_page(page, users, role):
    page.set_viewport_size({"width": 390, "height": 844})
    page.emulate_media(reduced_motion="reduce")
    sign_in_page(page, users[role].email, PASSWORD)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert not page.get_by_test_id("nav").is_visible()
    for label in NAVIGATION[role]:
        nav_to(page, label)  # opens the phone menu, then the job's menu
        page.wait_for_load_state()
        current = page.get_by_test_id("nav").locator('[aria-current="page"]')
        assert current.text_content() == label
    page.locator(".navbar-toggler").click()
    sign_out = page.get_by_role("button", name="Sign out")
    assert _inside(page, sign_out, 390)
    sign_out.click()
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
