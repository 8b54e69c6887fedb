"""The scoring rule, worked by hand: one example per rule in DOMAIN.md.

Every expected number is computed in a comment so a reader can check it
without running anything.
"""

import gc
import json

import pytest

import scorecards
from scorecards import AnswerError, score, score_many


def card(*sections, **top):
    """A scorecard from compact section specs: (key, [questions], weight)."""
    data = {"name": "Worked example", "sections": []}
    for key, questions, *weight in sections:
        section = {"key": key, "title": key.title(), "questions": list(questions)}
        if weight:
            section["weight"] = weight[0]
        data["sections"].append(section)
    data.update(top)
    return scorecards.from_dict(data)


def yes_no(key, points, **extra):
    return {"key": key, "text": key, "kind": "yes_no", "points": points, **extra}


def scale(key, points, **extra):
    return {"key": key, "text": key, "kind": "scale", "points": points, **extra}


OUTCOME = {
    "key": "outcome",
    "text": "Outcome",
    "kind": "choice",
    "options": [
        {"key": "resolved", "label": "Resolved", "points": 3},
        {"key": "next_steps", "label": "Next steps", "points": 1},
        {"key": "unresolved", "label": "Unresolved", "points": 0},
    ],
}


def test_yes_earns_full_points_and_no_earns_zero():
    c = card(("a", [yes_no("q1", 2), yes_no("q2", 3)]))
    # yes + no = 2 of 5 = 40 %
    result = score(c, {"q1": "yes", "q2": "no"})
    assert result.total == pytest.approx(40.0)
    assert result.sections[0].earned == 2.0
    assert result.sections[0].possible == 5.0
    assert score(c, {"q1": "yes", "q2": "yes"}).total == 100.0
    assert score(c, {"q1": "no", "q2": "no"}).total == 0.0


@pytest.mark.parametrize(
    ("answer", "earned"),
    # points 4 on 1..5: (answer - 1) / 4 * 4
    [(1, 0.0), (2, 1.0), (3, 2.0), (4, 3.0), (5, 4.0)],
)
def test_scale_maps_linearly_from_min_to_max(answer, earned):
    c = card(("a", [scale("empathy", 4)]))
    result = score(c, {"empathy": answer})
    assert result.sections[0].earned == pytest.approx(earned)
    assert result.total == pytest.approx(earned / 4 * 100)


def test_scale_with_its_own_range():
    c = card(("a", [scale("nps", 5, min=0, max=10)]))
    # 7 on 0..10 for 5 points: 7 / 10 * 5 = 3.5 -> 70 %
    assert score(c, {"nps": 7}).total == pytest.approx(70.0)


def test_scale_with_explicit_points_per_value():
    c = card(("a", [scale("tone", 4, min=1, max=4, answer_points={1: 0, 2: 1, 3: 3, 4: 4})]))
    # 3 earns its explicit 3 of 4 = 75 %, not the linear 2/3 * 4 = 2.67
    assert score(c, {"tone": 3}).total == pytest.approx(75.0)
    assert score(c, {"tone": 2}).total == pytest.approx(25.0)


def test_explicit_points_may_name_only_some_values():
    c = card(("a", [scale("tone", 4, answer_points={2: 2})]))
    # 2 earns the explicit 2 (linear would be 1); 4 stays linear: 3 of 4
    assert score(c, {"tone": 2}).total == pytest.approx(50.0)
    assert score(c, {"tone": 4}).total == pytest.approx(75.0)


def test_yes_no_with_explicit_points_for_no():
    c = card(("a", [yes_no("partial", 4, answer_points={"no": 1})]))
    assert score(c, {"partial": "no"}).total == pytest.approx(25.0)


def test_choice_earns_its_options_points():
    c = card(("a", [OUTCOME]))
    # the best option (3) is the question's maximum
    assert score(c, {"outcome": "resolved"}).total == 100.0
    assert score(c, {"outcome": "next_steps"}).total == pytest.approx(100 / 3)
    assert score(c, {"outcome": "unresolved"}).total == 0.0


def test_scale_accepts_the_digit_string_a_form_sends():
    c = card(("a", [scale("empathy", 4)]))
    assert score(c, {"empathy": "3"}) == score(c, {"empathy": 3})


# The reference card for totals: two sections, every kind.
#   a: q_yes yes_no 2, q_scale scale 1..5 4 points, outcome choice (3 / 1 / 0)
#   b: q_b1 yes_no 5 (N/A allowed), q_b2 yes_no 1
SECTION_A = [yes_no("q_yes", 2), scale("q_scale", 4), OUTCOME]
SECTION_B = [yes_no("q_b1", 5, allow_na=True), yes_no("q_b2", 1)]
ANSWERS = {"q_yes": "yes", "q_scale": 4, "outcome": "next_steps", "q_b1": "na", "q_b2": "no"}


def test_na_removes_the_question_from_earned_and_possible():
    result = score(card(("a", SECTION_A), ("b", SECTION_B)), ANSWERS)
    # b: q_b1 is N/A, so b is 0 earned of 1 possible (not 0 of 6)
    assert result.sections[1].earned == 0.0
    assert result.sections[1].possible == 1.0
    assert result.sections[1].percent == 0.0


def test_unweighted_total_is_all_earned_over_all_possible():
    result = score(card(("a", SECTION_A), ("b", SECTION_B)), ANSWERS)
    # a: 2 (yes) + 3 (scale 4 -> 3/4 * 4) + 1 (next_steps) = 6 of 2 + 4 + 3 = 9 -> 66.67 %
    # b: 0 of 1 (q_b1 N/A)                                                     ->  0 %
    # total: (6 + 0) / (9 + 1) = 60 %  (section a's 9 points outweigh b's 1)
    assert result.sections[0].earned == pytest.approx(6.0)
    assert result.sections[0].percent == pytest.approx(200 / 3)
    assert result.total == pytest.approx(60.0)
    assert result.total_before_autofail == result.total


def test_weighted_total_is_the_weighted_mean_of_section_percentages():
    result = score(card(("a", SECTION_A, 1), ("b", SECTION_B, 3)), ANSWERS)
    # a 66.67 % weight 1, b 0 % weight 3: (66.67 * 1 + 0 * 3) / 4 = 16.67 %
    assert result.total == pytest.approx(200 / 3 / 4)


def test_weights_are_relative():
    a = score(card(("a", SECTION_A, 1), ("b", SECTION_B, 3)), ANSWERS)
    b = score(card(("a", SECTION_A, 25), ("b", SECTION_B, 75)), ANSWERS)
    assert a.total == pytest.approx(b.total)


def test_all_na_section_drops_out_of_the_weighted_mean():
    c = card(("a", SECTION_A, 1), ("b", [yes_no("q_b1", 5, allow_na=True)], 3))
    result = score(c, {"q_yes": "yes", "q_scale": 4, "outcome": "next_steps", "q_b1": "na"})
    # b has no possible points: percent undefined, and its weight 3 is not used,
    # so the total is a's 66.67 % alone (not (66.67 * 1 + 0 * 3) / 4)
    assert result.sections[1].percent is None
    assert result.sections[1].possible == 0.0
    assert result.total == pytest.approx(200 / 3)


def test_zero_weight_section_is_shown_but_does_not_count():
    c = card(("a", [yes_no("q1", 1)], 1), ("info", [yes_no("q2", 1)], 0))
    result = score(c, {"q1": "yes", "q2": "no"})
    assert result.sections[1].percent == 0.0
    assert result.total == 100.0
    # only the zero-weight section answered: nothing counts, the total is undefined
    assert score(c, {"q2": "yes"}).total is None


def test_everything_na_is_undefined_never_0_or_100():
    c = card(("a", [yes_no("q1", 1, allow_na=True), yes_no("q2", 2, allow_na=True)]))
    result = score(c, {"q1": "na", "q2": "na"})
    assert result.total is None
    assert result.total_before_autofail is None
    assert result.sections[0].percent is None
    assert result.complete  # N/A is an answer


def test_nothing_answered_is_undefined_and_incomplete():
    c = card(("a", [yes_no("q1", 1), yes_no("q2", 2)]), ("b", [yes_no("q3", 1)], None))
    result = score(c, {})
    assert result.total is None
    assert not result.complete
    assert result.missing_required == ("q1", "q2", "q3")


def test_unanswered_questions_are_left_out_so_drafts_show_a_running_score():
    c = card(("a", [yes_no("q1", 1), yes_no("q2", 3)]))
    # only q1 answered: 1 of 1 = 100 %, q2 is neither earned nor possible yet
    result = score(c, {"q1": "yes", "q2": None})
    assert result.total == 100.0
    assert result.missing_required == ("q2",)
    assert score(c, {"q1": "yes", "q2": ""}).missing_required == ("q2",)


def test_text_questions_carry_no_points_and_are_optional_by_default():
    notes = {"key": "notes", "text": "Notes", "kind": "text"}
    required_notes = {"key": "why", "text": "Why?", "kind": "text", "required": True}
    c = card(("a", [yes_no("q1", 2), notes, required_notes]))
    result = score(c, {"q1": "no", "notes": "Missed the greeting."})
    assert result.total == 0.0
    assert result.missing_required == ("why",)
    assert score(c, {"q1": "no", "why": "na"}).complete  # for text, "na" is just text


def test_section_scope_critical_zeroes_its_section_only():
    accurate = yes_no("accurate", 4, critical={"scope": "section", "fail_on": ["no"]})
    c = card(("a", [accurate, yes_no("q2", 4)]), ("b", [yes_no("q3", 2)]))
    result = score(c, {"accurate": "no", "q2": "yes", "q3": "yes"})
    # before: (0 + 4 + 2) / (4 + 4 + 2) = 60 %
    # after:  section a forced to 0 earned of 8: (0 + 2) / 10 = 20 %
    assert result.total_before_autofail == pytest.approx(60.0)
    assert result.total == pytest.approx(20.0)
    assert result.sections[0] == scorecards.SectionResult("a", 0.0, 8.0, 0.0, True)
    assert result.sections[1].auto_failed is False
    assert result.auto_failed is False  # the evaluation as a whole was not auto-failed
    assert result.auto_fail_questions == ("accurate",)


def test_section_scope_critical_in_a_weighted_card():
    accurate = yes_no("accurate", 4, critical={"scope": "section", "fail_on": ["no"]})
    c = card(("a", [accurate, yes_no("q2", 4)], 1), ("b", [yes_no("q3", 2)], 1))
    result = score(c, {"accurate": "no", "q2": "yes", "q3": "yes"})
    # before: (50 % + 100 %) / 2 = 75 %; after: (0 % + 100 %) / 2 = 50 %
    assert result.total_before_autofail == pytest.approx(75.0)
    assert result.total == pytest.approx(50.0)


def test_scorecard_scope_critical_zeroes_everything_and_keeps_the_score_before():
    identity = yes_no(
        "identity",
        2,
        critical={"scope": "scorecard", "fail_on": ["no"]},
        error_family="compliance",
    )
    c = card(("a", [identity, yes_no("q2", 3)]), ("b", [yes_no("q3", 5)]))
    result = score(c, {"identity": "no", "q2": "yes", "q3": "yes"})
    # before auto-fail: (0 + 3 + 5) / 10 = 80 %; after: 0
    assert result.total == 0.0
    assert result.total_before_autofail == pytest.approx(80.0)
    assert result.auto_failed is True
    assert result.auto_fail_questions == ("identity",)
    assert result.critical_families == frozenset({"compliance"})
    # sections keep their own numbers, for analysis
    assert result.sections[1].percent == 100.0
    passed = score(c, {"identity": "yes", "q2": "yes", "q3": "yes"})
    assert (passed.total, passed.auto_failed, passed.auto_fail_questions) == (100.0, False, ())


def test_critical_rule_on_a_scale_fails_on_the_listed_values():
    rating = scale("conduct", 4, critical={"scope": "scorecard", "fail_on": [1, 2]})
    c = card(("a", [rating, yes_no("q2", 4)]))
    assert score(c, {"conduct": 2, "q2": "yes"}).total == 0.0
    assert score(c, {"conduct": "2", "q2": "yes"}).auto_failed  # form string too
    # 3 is not a failing value: (2 + 4) / 8 = 75 %
    assert score(c, {"conduct": 3, "q2": "yes"}).total == pytest.approx(75.0)


def test_critical_families():
    c = card(
        (
            "a",
            [
                yes_no(
                    "identity",
                    2,
                    critical={"scope": "section", "fail_on": ["no"]},
                    error_family="compliance",
                ),
                scale("accuracy", 4, error_family="customer"),
                yes_no("refund", 2, allow_na=True, error_family="business"),
                yes_no("plain", 1),
            ],
        )
    )
    # identity passes, accuracy earns 3 of 4 (less than full: hit), refund N/A (never hit)
    result = score(c, {"identity": "yes", "accuracy": 4, "refund": "na", "plain": "no"})
    assert result.critical_families == frozenset({"customer"})
    # full marks everywhere: no family hit
    assert score(c, {"identity": "yes", "accuracy": 5, "refund": "yes"}).critical_families == (
        frozenset()
    )
    # a critical question counts only on its failing answer
    hit = score(c, {"identity": "no", "accuracy": 5, "refund": "no"})
    assert hit.critical_families == frozenset({"compliance", "business"})


def test_critical_question_with_a_family_is_hit_only_by_failing_answers():
    conduct = scale(
        "conduct", 4, critical={"scope": "section", "fail_on": [1]}, error_family="compliance"
    )
    c = card(("a", [conduct]))
    assert score(c, {"conduct": 3}).critical_families == frozenset()  # 2 of 4, not failing
    assert score(c, {"conduct": 1}).critical_families == frozenset({"compliance"})


def test_invalid_answers_are_all_reported_by_question_key():
    notes = {"key": "notes", "text": "Notes", "kind": "text"}
    c = card(("a", [yes_no("q1", 1), scale("q2", 4), OUTCOME, notes, yes_no("q3", 1)]))
    with pytest.raises(AnswerError) as info:
        score(
            c,
            {"q1": "maybe", "q2": 9, "outcome": "great", "notes": 5, "q3": "na", "typo": "yes"},
        )
    assert info.value.by_key == {
        "typo": ["not a question on this scorecard"],
        "q1": ['"maybe" is not an answer (one of yes, no)'],
        "q2": ["9 is not an answer (a whole number from 1 to 5)"],
        "outcome": ['"great" is not an answer (one of resolved, next_steps, unresolved)'],
        "notes": ["must be text"],
        "q3": ["N/A is not allowed for this question"],
    }
    assert isinstance(info.value, ValueError)
    assert "6 problems" in str(info.value)


@pytest.mark.parametrize("value", [True, 3.5, [3], {"v": 3}, "three", "3.0"])
def test_scale_rejects_values_that_are_not_whole_numbers(value):
    c = card(("a", [scale("q", 4, allow_na=True)]))
    with pytest.raises(AnswerError, match=r"or na\)"):
        score(c, {"q": value})


def test_score_many_gives_the_same_results_as_score():
    c = card(("a", SECTION_A, 1), ("b", SECTION_B, 3))
    evaluations = [ANSWERS, {}, {"q_yes": "no", "q_b1": "yes"}]
    assert score_many(c, evaluations) == [score(c, a) for a in evaluations]


def test_score_many_reports_invalid_evaluations_by_index():
    c = card(("a", [yes_no("q1", 1)]))
    with pytest.raises(AnswerError) as info:
        score_many(c, [{"q1": "yes"}, {"q1": "maybe"}, {"q2": "yes"}])
    assert [str(p) for p in info.value.problems] == [
        '[1].q1: "maybe" is not an answer (one of yes, no)',
        "[2].q2: not a question on this scorecard",
    ]


def test_result_to_dict_is_json_safe():
    c = card(("a", [yes_no("q1", 1, error_family="customer", allow_na=True)]))
    data = score(c, {"q1": "no"}).to_dict()
    assert json.loads(json.dumps(data)) == data
    assert data == {
        "total": 0.0,
        "total_before_autofail": 0.0,
        "sections": [
            {"key": "a", "earned": 0.0, "possible": 1.0, "percent": 0.0, "auto_failed": False}
        ],
        "auto_failed": False,
        "auto_fail_questions": [],
        "critical_families": ["customer"],
        "complete": True,
        "missing_required": [],
    }


def test_scoring_does_not_change_the_card():
    c = card(("a", [yes_no("q1", 1)]))
    copy = scorecards.from_dict(scorecards.to_dict(c))
    score(c, {"q1": "yes"})
    assert c == copy
    assert hash(c) == hash(copy)


def test_score_many_leaves_the_garbage_collector_as_it_found_it():
    c = card(("a", [yes_no("q1", 1)]))
    assert gc.isenabled()
    score_many(c, [{"q1": "yes"}])
    assert gc.isenabled()
    with pytest.raises(AnswerError):
        score_many(c, [{"q1": "maybe"}])
    assert gc.isenabled()
    gc.disable()
    try:
        score_many(c, [{"q1": "yes"}])
        assert not gc.isenabled()
    finally:
        gc.enable()
