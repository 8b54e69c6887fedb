"""Properties of scoring that must hold for every valid card and every answer set.

Cards are generated as dicts (the storage format), so each example also
exercises validation and loading.
"""

import json
import math

from hypothesis import assume, given
from hypothesis import strategies as st

import scorecards
from scorecards import score, score_many
from tests.fuzzing import budget

SETTINGS = budget(200)
POINTS = st.sampled_from([0.5, 1, 2, 3, 4, 5, 10, 2.5])
MISSING = object()


@st.composite
def question_dicts(draw, key):
    kind = draw(st.sampled_from(["yes_no", "yes_no", "scale", "choice", "text"]))
    q = {"key": key, "text": f"Question {key}?", "kind": kind}
    if kind == "text":
        q["required"] = draw(st.booleans())
        return q
    q["allow_na"] = draw(st.booleans())
    q["required"] = draw(st.booleans())
    if kind == "yes_no":
        q["points"] = points = draw(POINTS)
        answers = ["yes", "no"]
        if draw(st.booleans()):
            q["answer_points"] = {"no": draw(st.sampled_from([0, points / 4, points / 2]))}
    elif kind == "scale":
        q["points"] = points = draw(POINTS)
        q["min"] = lo = draw(st.integers(-2, 3))
        q["max"] = hi = lo + draw(st.integers(1, 6))
        answers = list(range(lo, hi + 1))
        if draw(st.booleans()):  # explicit, non-decreasing points ending at full
            steps = sorted(draw(st.lists(st.sampled_from([0, 0.25, 0.5, 0.75, 1]),
                                         min_size=hi - lo, max_size=hi - lo)))  # fmt: skip
            q["answer_points"] = {str(a): s * points for a, s in zip(answers, steps, strict=False)}
            q["answer_points"][str(hi)] = points
    else:
        n = draw(st.integers(1, 4))
        values = draw(st.lists(st.sampled_from([0, 1, 2, 3, 4.5]), min_size=n, max_size=n))
        assume(max(values) > 0)
        q["options"] = [
            {"key": f"o{i}", "label": f"Option {i}", "points": v} for i, v in enumerate(values)
        ]
        answers = [f"o{i}" for i in range(n)]
    if len(answers) > 1 and draw(st.booleans()):
        fail = draw(st.lists(st.sampled_from(answers), min_size=1, max_size=len(answers) - 1,
                             unique=True))  # fmt: skip
        q["critical"] = {"scope": draw(st.sampled_from(["section", "scorecard"])), "fail_on": fail}
    if draw(st.booleans()):
        q["error_family"] = draw(st.sampled_from(["customer", "business", "compliance"]))
    return q


@st.composite
def card_dicts(draw):
    n_sections = draw(st.integers(1, 3))
    weighted = draw(st.booleans())
    sections = []
    counter = 0
    for s in range(n_sections):
        questions = []
        for _ in range(draw(st.integers(1, 4))):
            questions.append(draw(question_dicts(f"q{counter}")))
            counter += 1
        section = {"key": f"s{s}", "title": f"Section {s}", "questions": questions}
        if weighted:
            section["weight"] = draw(st.sampled_from([0, 1, 2, 3, 0.5]))
        sections.append(section)
    if weighted and not any(s["weight"] for s in sections):
        sections[0]["weight"] = 1
    return {"name": "Generated", "channel": draw(st.sampled_from(["call", "any"])),
            "sections": sections}  # fmt: skip


@st.composite
def answer_sets(draw, card):
    answers = {}
    for q in card.questions():
        choices = list(q.answers()) or ["free text"]
        choices += ["na"] * q.allow_na + [MISSING]
        value = draw(st.sampled_from(choices))
        if value is not MISSING:
            answers[q.key] = value
    return answers


@st.composite
def cards_and_answers(draw):
    data = draw(card_dicts())
    card = scorecards.from_dict(data)
    return data, card, draw(answer_sets(card))


def close(a, b):
    return (a is None and b is None) or (
        a is not None and b is not None and math.isclose(a, b, abs_tol=1e-9)
    )


def same(a, b, *, sections=True):
    """Two results agree on everything (up to float summation order)."""
    assert close(a.total, b.total), (a.total, b.total)
    assert close(a.total_before_autofail, b.total_before_autofail)
    assert a.auto_failed == b.auto_failed
    assert set(a.auto_fail_questions) == set(b.auto_fail_questions)
    assert a.critical_families == b.critical_families
    assert a.complete == b.complete
    assert set(a.missing_required) == set(b.missing_required)
    if sections:
        by_key = {s.key: s for s in b.sections}
        for s in a.sections:
            t = by_key[s.key]
            assert close(s.earned, t.earned) and close(s.possible, t.possible)
            assert close(s.percent, t.percent) and s.auto_failed == t.auto_failed


@SETTINGS
@given(cards_and_answers())
def test_totals_are_percentages_or_undefined(case):
    _, card, answers = case
    result = score(card, answers)
    for value in (result.total, result.total_before_autofail):
        assert value is None or 0.0 <= value <= 100.0
    for section in result.sections:
        assert section.percent is None or 0.0 <= section.percent <= 100.0
        assert 0.0 <= section.earned <= section.possible + 1e-9
    if result.auto_failed:
        assert result.total == 0.0


@SETTINGS
@given(cards_and_answers(), st.data())
def test_na_is_the_same_as_removing_the_question(case, data):
    raw, card, answers = case
    na_able = [q.key for q in card.questions() if q.allow_na]
    assume(na_able)
    key = data.draw(st.sampled_from(na_able))
    answers = {**answers, key: "na"}
    for section in raw["sections"]:
        section["questions"] = [q for q in section["questions"] if q["key"] != key]
    raw["sections"] = [s for s in raw["sections"] if s["questions"]]
    assume(not scorecards.validate(raw))  # e.g. the only weighted section removed
    without = scorecards.from_dict(raw)
    with_na = score(card, answers)
    removed = score(without, {k: v for k, v in answers.items() if k != key})
    same(with_na, removed, sections=False)
    # sections still present agree; a section left empty by the removal shows
    # as undefined (no possible points) on the card with the N/A
    kept = {s.key: s for s in removed.sections}
    for section in with_na.sections:
        if section.key in kept:
            t = kept[section.key]
            assert close(section.percent, t.percent) and close(section.earned, t.earned)
        else:
            assert section.possible == 0.0 and section.percent is None


@SETTINGS
@given(cards_and_answers(), st.randoms(use_true_random=False))
def test_order_of_sections_and_questions_changes_nothing(case, rng):
    raw, card, answers = case
    rng.shuffle(raw["sections"])
    for section in raw["sections"]:
        rng.shuffle(section["questions"])
    same(score(card, answers), score(scorecards.from_dict(raw), answers))


@SETTINGS
@given(cards_and_answers(), st.data())
def test_failing_a_scorecard_critical_gives_zero_and_keeps_the_score_before(case, data):
    raw, _, answers = case
    located = [(q, raw_q) for s in raw["sections"] for raw_q in s["questions"]
               if (q := scorecards.from_dict(raw).question(raw_q["key"])).kind != "text"
               and len(q.answers()) > 1]  # fmt: skip
    assume(located)
    question, raw_q = data.draw(st.sampled_from(located))
    failing = data.draw(st.sampled_from(question.answers()))
    raw_q.pop("critical", None)
    plain = scorecards.from_dict(raw)
    raw_q["critical"] = {"scope": "scorecard", "fail_on": [failing]}
    strict = scorecards.from_dict(raw)
    answers = {**answers, question.key: failing}
    failed = score(strict, answers)
    assert failed.total == 0.0
    assert failed.auto_failed
    assert question.key in failed.auto_fail_questions
    assert close(failed.total_before_autofail, score(plain, answers).total_before_autofail)


@SETTINGS
@given(cards_and_answers(), st.data())
def test_a_better_answer_never_lowers_the_score(case, data):
    _, card, answers = case
    scored = [q for q in card.questions() if q.kind != "text" and answers.get(q.key, "na") != "na"]
    assume(scored)
    question = data.draw(st.sampled_from(scored))
    current = question.points_for(answers[question.key])
    better = [a for a in question.answers() if question.points_for(a) > current]
    if question.kind in ("yes_no", "scale"):  # by position: yes over no, scale upwards
        order = ("no", "yes") if question.kind == "yes_no" else question.answers()
        better = list(order[order.index(answers[question.key]) + 1 :])
    assume(better)
    raised = {**answers, question.key: data.draw(st.sampled_from(better))}
    before, after = score(card, answers), score(card, raised)
    if before.total_before_autofail is not None:
        assert after.total_before_autofail >= before.total_before_autofail - 1e-9
    if question.critical is None and before.total is not None:
        assert after.total >= before.total - 1e-9


@SETTINGS
@given(card_dicts(), st.data())
def test_score_many_equals_score(raw, data):
    card = scorecards.from_dict(raw)
    evaluations = data.draw(st.lists(answer_sets(card), max_size=8))
    assert score_many(card, evaluations) == [score(card, a) for a in evaluations]


@SETTINGS
@given(card_dicts())
def test_generated_cards_round_trip(raw):
    card = scorecards.from_dict(raw)
    data = scorecards.to_dict(card)
    assert scorecards.from_dict(data) == card
    assert scorecards.to_dict(scorecards.from_dict(data)) == data
    assert scorecards.from_dict(json.loads(json.dumps(data))) == card
    assert scorecards.load(scorecards.dump(card)) == card
    assert scorecards.diff(card, scorecards.load(scorecards.dump(card))).empty
