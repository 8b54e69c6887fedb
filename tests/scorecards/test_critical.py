"""Which question is behind each critical error: the same rule as the score."""

from scorecards import CriticalError, critical_errors, score
from tests.scorecards.test_scoring_examples import card, scale, yes_no

CARD = card(
    (
        "open",
        [
            yes_no(
                "identity",
                2,
                critical={"scope": "scorecard", "fail_on": ["no"]},
                error_family="compliance",
            ),
            yes_no("greet", 1),
        ],
    ),
    (
        "resolve",
        [
            yes_no("refund", 2, critical={"scope": "section", "fail_on": ["no"]}),
            scale("accuracy", 4, error_family="customer"),
            yes_no("upsell", 2, allow_na=True, error_family="business"),
        ],
    ),
)


def test_each_failing_critical_question_with_its_family_and_auto_fail_scope():
    answers = {"identity": "no", "greet": "no", "refund": "no", "accuracy": 4, "upsell": "na"}
    found = critical_errors(CARD, answers)
    assert found == (
        CriticalError("identity", "compliance", "scorecard"),
        CriticalError("refund", None, "section"),  # auto-fails, belongs to no family
        CriticalError("accuracy", "customer", None),  # lost a point, no auto-fail rule
    )
    # The same questions the score names, the same families it counts.
    result = score(CARD, answers)
    assert tuple(e.key for e in found if e.auto_fail) == result.auto_fail_questions
    assert {e.family for e in found if e.family} == result.critical_families


def test_full_marks_na_and_unanswered_are_never_critical():
    assert critical_errors(CARD, {"identity": "yes", "refund": "yes", "accuracy": 5}) == ()
    assert critical_errors(CARD, {"upsell": "na", "accuracy": None, "refund": ""}) == ()
    assert critical_errors(CARD, {"accuracy": "3"}) == (
        CriticalError("accuracy", "customer", None),
    )
