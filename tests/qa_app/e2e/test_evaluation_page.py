"""The submitted evaluation as a reviewer reads it: answers by their labels,
critical errors named by question, and whether an auto-fail applied."""

import pytest

from qa_app.reviews import evaluations
from tests.qa_app.e2e.conftest import sign_in_page
from tests.qa_app.helpers import PASSWORD

pytestmark = pytest.mark.browser

CARD = {
    "name": "Critical call",
    "channel": "any",
    "sections": [
        {
            "key": "opening",
            "title": "Opening",
            "questions": [
                {
                    "key": "identity",
                    "text": "Was identity verified?",
                    "kind": "yes_no",
                    "points": 2,
                    "critical": {"scope": "scorecard", "fail_on": ["no"]},
                    "error_family": "compliance",
                },
                {"key": "greet", "text": "Greeted the customer?", "kind": "yes_no", "points": 2},
            ],
        },
        {
            "key": "close",
            "title": "Resolution",
            "questions": [
                {
                    "key": "outcome",
                    "text": "How did the call end?",
                    "kind": "choice",
                    "error_family": "customer",
                    "options": [
                        {"key": "resolved", "label": "Resolved", "points": 4},
                        {"key": "next_steps", "label": "Next steps agreed", "points": 2},
                    ],
                },
            ],
        },
    ],
}


def _submitted(make, users, answers):
    card = make.scorecard(CARD)
    item = make.interaction(users["agent"])
    reviewer = users["reviewer"]
    evaluation = evaluations.start(reviewer, item, card.versions[0])
    evaluations.save(
        reviewer, evaluation, answers, lock_version=evaluation.lock_version, submit=True
    )
    return evaluation.id


def test_family_error_without_auto_fail_names_the_question_and_says_the_score_stands(
    page, users, make
):
    evaluation_id = _submitted(
        make, users, {"identity": "yes", "greet": "yes", "outcome": "next_steps"}
    )
    sign_in_page(page, users["reviewer"].email, PASSWORD)
    page.goto(f"/reviews/evaluations/{evaluation_id}")
    # The option's label, as the agent's page shows it, not its key.
    assert page.get_by_test_id("question-outcome").get_by_test_id("answer").inner_text() == (
        "Next steps agreed"
    )
    assert page.get_by_test_id("question-identity").get_by_test_id("answer").inner_text() == "Yes"
    assert page.get_by_test_id("critical-outcome").inner_text() == (
        "How did the call end? (answered Next steps agreed): customer-critical error; "
        "no auto-fail rule"
    )
    assert page.get_by_test_id("auto-fail-summary").inner_text() == (
        "No auto-fail applied: none of these questions has an auto-fail rule, "
        "so the score of 75.0% stands."
    )
    assert page.get_by_test_id("total").inner_text() == "75.0"


def test_scorecard_auto_fail_names_its_question_and_the_score_before(page, users, make):
    evaluation_id = _submitted(
        make, users, {"identity": "no", "greet": "yes", "outcome": "resolved"}
    )
    sign_in_page(page, users["reviewer"].email, PASSWORD)
    page.goto(f"/reviews/evaluations/{evaluation_id}")
    assert page.get_by_test_id("critical-identity").inner_text() == (
        "Was identity verified? (answered No): compliance-critical error; "
        "auto-fail: the whole evaluation scores 0"
    )
    # 6 of 8 points before the auto-fail.
    assert page.get_by_test_id("auto-fail-summary").inner_text() == (
        "Auto-fail: the whole evaluation scores 0 (question “Was identity verified?”); "
        "before auto-fail it scored 75.0%."
    )
    assert page.get_by_test_id("total").inner_text() == "0.0"
    assert page.get_by_test_id("critical-outcome").count() == 0
