"""A reviewer's journey in the browser: queue, score, draft, reload, submit."""

import pytest

from qa_app.extensions import db
from qa_app.models import Assignment, Evaluation
from tests.qa_app.e2e.conftest import nav_to, sign_in_page
from tests.qa_app.helpers import PASSWORD

pytestmark = pytest.mark.browser

CARD = {
    "name": "Support call",
    "channel": "any",
    "sections": [
        {
            "key": "main",
            "title": "Main",
            "questions": [
                {
                    "key": "greet",
                    "text": "Did the agent greet the customer?",
                    "kind": "yes_no",
                    "points": 2,
                },
                {
                    "key": "verify",
                    "text": "Was identity verified?",
                    "kind": "yes_no",
                    "points": 2,
                    "allow_na": True,
                },
                {
                    "key": "tone",
                    "text": "How was the tone?",
                    "kind": "scale",
                    "points": 4,
                    "min": 1,
                    "max": 5,
                },
            ],
        }
    ],
}


def test_reviewer_scores_from_the_queue(page, users, make):
    card = make.scorecard(CARD)
    item = make.interaction(users["agent"])
    db.session.add(
        Assignment(
            interaction_id=item.id,
            reviewer_id=users["reviewer"].id,
            scorecard_version_id=card.versions[0].id,
        )
    )
    db.session.commit()

    sign_in_page(page, users["reviewer"].email, PASSWORD)
    nav_to(page, "Review queue")
    page.get_by_test_id("queue").get_by_role("button", name="Score").click()
    assert "My parcel is late." in page.get_by_test_id("transcript").inner_text()

    page.get_by_role("radiogroup", name="Did the agent greet the customer?").get_by_text(
        "Yes"
    ).click()
    page.get_by_role("radiogroup", name="Was identity verified?").get_by_text("N/A").click()
    page.locator("#question-greet").get_by_text("Comment").click()
    page.get_by_label("Comment on greet").fill("Friendly and quick")
    # The engine's running score arrives through autosave.
    page.get_by_text("Draft saved at").wait_for()
    assert page.locator("#running-total").inner_text() == "100.0"

    # Submitting with the tone unanswered points at it and keeps the rest.
    page.get_by_role("button", name="Submit").click()
    page.get_by_test_id("missing-tone").wait_for()
    page.reload()
    assert page.get_by_label("Comment on greet").input_value() == "Friendly and quick"
    assert page.locator("#answer_verify-2").is_checked()  # N/A survived the reload

    page.get_by_role("radiogroup", name="How was the tone?").get_by_text("4").click()
    page.get_by_role("button", name="Submit").click()
    page.get_by_text("Evaluation submitted.").wait_for()
    assert page.get_by_test_id("total").inner_text() == "83.3"
    breakdown = page.get_by_test_id("breakdown-main").inner_text()
    assert "N/A" in breakdown and "Friendly and quick" in breakdown and "3 / 4" in breakdown

    db.session.expire_all()
    evaluation = db.session.scalar(db.select(Evaluation))
    assert evaluation.status == "submitted" and evaluation.time_spent_seconds >= 1
    assert db.session.scalar(db.select(Assignment)).status == "done"
