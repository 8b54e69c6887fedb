"""An executive reads the model registry; a reviewer sends the riskiest
flagged interaction to review, reads why it was flagged and opens the turn."""

import re

import pytest
from sqlalchemy import select

from qa_app.extensions import db
from qa_app.flags import services
from qa_app.models import Assignment
from tests.qa_app.e2e.conftest import nav_to, sign_in_page
from tests.qa_app.flags.support import add_flag, add_model, load_interactions
from tests.qa_app.helpers import PASSWORD

pytestmark = pytest.mark.browser


def test_executive_reads_the_model_registry(page, users):
    model = add_model(version=1)
    add_model(version=2, active=False)
    sign_in_page(page, users["executive"].email, PASSWORD)
    nav_to(page, "Models")
    versions = page.get_by_test_id("versions-escalation")
    assert "Roll back to v1" not in versions.inner_text()
    assert versions.get_by_role("button", name="Activate v2").is_visible()
    page.get_by_role("link", name="v1", exact=True).click()
    page.wait_for_url(f"**/flags/models/{model.id}")
    assert "0.480" in page.get_by_test_id("baselines").inner_text()
    assert page.get_by_test_id("per-team").inner_text().count("Support") == 1
    chart = page.get_by_test_id("pr-chart")
    page.wait_for_function("document.querySelector('canvas[data-flag-chart]').width > 0")
    assert chart.is_visible()


def test_reviewer_sends_the_top_flagged_interaction_to_review(page, users, make):
    card = make.scorecard()
    model = add_model()
    add_flag(make.interaction(users["agent"], external_id="calm"), model, 0.1)
    add_flag(make.interaction(users["agent"], external_id="angry"), model, 0.93)
    sign_in_page(page, users["reviewer"].email, PASSWORD)
    nav_to(page, "Flagged")
    rows = page.get_by_test_id("flag-row")
    assert rows.first.get_attribute("data-interaction") == "angry"
    top = page.get_by_test_id("send-angry")
    top.get_by_label("Scorecard for angry").select_option(str(card.id))
    top.get_by_role("button", name="Send to review").click()
    assert "Interaction angry sent to" in page.get_by_role("alert").inner_text()
    assert page.get_by_test_id("flag-row").first.get_by_test_id("assigned").is_visible()
    assignment = db.session.scalar(select(Assignment))
    assert assignment.reason == "flagged" and assignment.reviewer_id == users["reviewer"].id


def test_the_flagged_page_shows_no_filter_error_on_load_or_after_confirm_and_dismiss(
    page, users, make
):
    model = add_model()
    add_flag(make.interaction(users["agent"], external_id="angry"), model, 0.93)
    sign_in_page(page, users["reviewer"].email, PASSWORD)
    nav_to(page, "Flagged")
    filters = page.get_by_test_id("flag-filters")
    assert "Not a valid choice" not in filters.inner_text()
    for button in ("Confirm", "Dismiss"):
        page.get_by_role("button", name=f"{button} the escalation flag").click()
        assert "used as a label at the next training" in page.get_by_role("alert").inner_text()
        assert "Not a valid choice" not in page.get_by_test_id("flag-filters").inner_text()


def test_a_reviewer_reads_why_an_interaction_is_flagged_and_opens_the_turn(page, users):
    ids = load_interactions([users["agent"]], n=200)
    add_model(threshold=0.0, budget=0.05)
    services.score_interactions(ids)
    sign_in_page(page, users["reviewer"].email, PASSWORD)
    nav_to(page, "Flagged")
    assert (
        "10 flagged of 200 scored, review budget 5 %"
        in page.get_by_test_id("flag-total").inner_text()
    )
    assert page.get_by_test_id("flag-row").count() == 10
    queue = page.get_by_test_id("flag-queue")
    assert "(+" not in queue.inner_text()  # a strength word, never a coefficient
    reason = (
        queue.get_by_test_id("flag-reason").filter(has=page.get_by_test_id("reason-turn")).first
    )
    link = reason.get_by_test_id("reason-turn")
    assert re.fullmatch(r"\d\d:\d\d|turn \d+", link.inner_text())
    quoted = reason.get_by_test_id("reason-quote").inner_text()
    assert len(quoted) > 10 and re.match(r"(Customer|Agent) ", reason.inner_text())
    anchor = link.get_attribute("href").split("#")[1]
    link.click()
    page.wait_for_url(f"**/interactions/*#{anchor}")
    turn = page.locator(f"#{anchor}")
    assert turn.is_visible() and quoted.strip("…")[:20] in turn.inner_text()
