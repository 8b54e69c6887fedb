"""The ``auto:`` block of a question: every problem listed with its path, and
a valid block survives a round trip through the definition format."""

from __future__ import annotations

import scorecards
from scorecards import io
from scorecards.validate import validate


def card(questions: list[dict]) -> dict:
    return {"name": "Auto", "channel": "call",
            "sections": [{"key": "s", "title": "S", "questions": questions}]}  # fmt: skip


GREETING = {
    "key": "greet", "text": "Greeted?", "kind": "yes_no", "points": 5,
    "auto": [
        {"answer": "yes", "says": ["thank you for calling", "welcome to"], "in": {"first": 2}},
        {"answer": "no", "says": "sorry", "speaker": "customer", "absent": True,
         "after": {"speaker": "agent", "pattern": r"\bhold\b"}, "count": 1},
        {"answer": "no", "silence_over": 30},
        {"answer": "no", "hold_without_asking": ["may I place you on hold"]},
        {"answer": "no", "customer_sentiment": {"at": "end", "below": -0.3}},
        {"answer": "no", "spelling_errors_over": 2},
        {"otherwise": True},  # YAML's unquoted yes
    ],
}  # fmt: skip


def test_a_valid_block_loads_and_round_trips() -> None:
    assert validate(card([GREETING])) == []
    loaded = io.from_dict(card([GREETING]))
    rules = loaded.question("greet").auto
    assert [r.condition for r in rules] == [
        "says", "says", "silence_over", "hold_without_asking", "customer_sentiment",
        "spelling_errors_over", "otherwise",
    ]  # fmt: skip
    assert rules[0].first == 2 and rules[0].match.says == ("thank you for calling", "welcome to")
    assert rules[1].absent and rules[1].after.pattern == r"\bhold\b"
    assert (rules[4].at, rules[4].below, rules[5].errors) == ("end", -0.3, 2)
    assert rules[6].answer == "yes"
    again = io.from_dict(io.to_dict(loaded))
    assert again == loaded
    assert io.load_text(io.dump(loaded)) == loaded


def test_every_problem_of_a_block_is_listed_with_its_path() -> None:
    bad = {
        "key": "tone", "text": "Tone", "kind": "scale", "min": 1, "max": 5, "points": 5,
        "auto": [
            {"answer": 7, "says": ["great"]},
            {"answer": 3},
            {"answer": 2, "says": ["x"], "silence_over": 10},
            {"answer": 2, "pattern": "(unclosed"},
            {"answer": 2, "says": ["ok"], "in": {"middle": 2}, "count": 0, "colour": "red"},
            {"otherwise": 4, "answer": 4},
            {"answer": 1, "silence_over": -5, "speaker": "agent"},
            {"answer": 1, "customer_sentiment": {"at": "middle", "below": -2, "above": 0.5}},
        ],
    }  # fmt: skip
    problems = {(p.path, p.message) for p in validate(card([bad]))}
    base = "sections[0].questions[0].auto"
    expected = {
        (f"{base}[0].answer", "7 is not an answer this question can take"),
        (f"{base}[1]", "needs a condition: one of says, pattern, silence_over, "
                       "first_response_over, hold_without_asking, customer_sentiment, "
                       "spelling_errors_over"),
        (f"{base}[2]", "has more than one condition (says, silence_over); give one per rule"),
        (f"{base}[5]", "otherwise stands alone: the answer when no rule above holds"),
        (f"{base}[5]", "otherwise must be the last rule"),
        (f"{base}[4].in", "must be {first: N} or {last: N}"),
        (f"{base}[4].count", "must be a whole number of 1 or more"),
        (f"{base}[6].silence_over", "must be a number of seconds greater than 0"),
        (f"{base}[6].speaker", "only applies to a says or pattern rule"),
        (f"{base}[7].customer_sentiment.at", 'required: "start" or "end"'),
        (f"{base}[7].customer_sentiment", "give one of below or above"),
        (f"{base}[7].customer_sentiment.below",
         "must be a number from -1 to 1 (VADER's compound score)"),
    }  # fmt: skip
    assert expected <= problems, expected - problems
    assert any(p == f"{base}[3].pattern" and "not a valid regular expression" in m
               for p, m in problems)  # fmt: skip
    assert any(p == f"{base}[4].colour" and "unknown field" in m for p, m in problems)


def test_text_questions_and_empty_blocks_are_refused() -> None:
    note = {"key": "note", "text": "Notes", "kind": "text", "auto": [{"otherwise": "x"}]}
    empty = {"key": "q", "text": "Q", "kind": "yes_no", "points": 1, "auto": []}
    problems = {(p.path, p.message) for p in validate(card([note, empty]))}
    assert ("sections[0].questions[0].auto",
            "text questions are not answered automatically") in problems  # fmt: skip
    assert ("sections[0].questions[1].auto", "must be a list of rules (at least one)") in problems


def test_a_question_without_a_block_has_no_rules() -> None:
    plain = {"key": "q", "text": "Q", "kind": "yes_no", "points": 1}
    assert scorecards.from_dict(card([plain])).question("q").auto == ()
    assert "auto" not in io.to_dict(scorecards.from_dict(card([plain])))["sections"][0][
        "questions"][0]  # fmt: skip
