"""Validation: every mistake reported, with its path, and junk never raises."""

import copy
from pathlib import Path

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

import scorecards
from scorecards import Problem, ScorecardError, validate
from tests.fuzzing import budget

FIXTURE = Path(__file__).parent / "fixtures" / "ten_mistakes.yaml"


def test_ten_mistakes_are_all_reported_with_their_paths():
    problems = validate(yaml.safe_load(FIXTURE.read_text()))
    assert [str(p) for p in problems] == [
        'channel: "phone" is not one of: call, chat, email, any',
        'sections[0].questions[0].guidence: unknown field (did you mean "guidance"?)',
        "sections[0].questions[1].points: must be greater than 0",
        'sections[0].questions[2].key: duplicate question key "greeting"'
        " (also at sections[0].questions[0])",
        'sections[1].questions[0].kind: unknown kind "multiple_choice"'
        " (use yes_no, scale, choice, text)",
        "sections[1].questions[1].min: must be less than max (1)",
        'sections[1].questions[2].options[1].key: duplicate option key "resolved"'
        " (also at sections[1].questions[2].options[0])",
        'sections[1].questions[3].critical.fail_on: "maybe" is not an answer this question'
        " can take",
        "sections[1].questions[4].points: text questions carry no points",
        "sections[2].questions: a section needs at least one question",
    ]


def test_load_raises_scorecard_error_listing_every_problem():
    with pytest.raises(ScorecardError) as info:
        scorecards.load(FIXTURE)
    assert len(info.value.problems) == 10
    assert isinstance(info.value, ValueError)
    message = str(info.value)
    assert message.startswith("invalid scorecard (10 problems):")
    assert "sections[0].questions[0].guidence: unknown field" in message


def base():
    return {
        "name": "Base",
        "channel": "call",
        "sections": [
            {
                "key": "s1",
                "title": "One",
                "questions": [
                    {"key": "yn", "text": "Yes or no?", "kind": "yes_no", "points": 2},
                    {"key": "sc", "text": "Scale?", "kind": "scale", "points": 4},
                    {
                        "key": "ch",
                        "text": "Choice?",
                        "kind": "choice",
                        "options": [
                            {"key": "good", "label": "Good", "points": 3},
                            {"key": "bad", "label": "Bad", "points": 0},
                        ],
                    },
                    {"key": "tx", "text": "Notes", "kind": "text"},
                ],
            },
            {
                "key": "s2",
                "title": "Two",
                "questions": [{"key": "yn2", "text": "?", "kind": "yes_no", "points": 1}],
            },
        ],
    }


def test_base_card_is_valid():
    assert validate(base()) == []


YN = "sections[0].questions[0]"
SC = "sections[0].questions[1]"
CH = "sections[0].questions[2]"
TX = "sections[0].questions[3]"


def at(path):
    """A setter for a dotted path with [i] indexes into the base card."""

    def setter(data, value):
        node = data
        parts = path.replace("[", ".").replace("]", "").split(".")
        for part in parts[:-1]:
            node = node[int(part)] if part.isdigit() else node[part]
        last = parts[-1]
        if value is DELETE:
            del node[int(last) if last.isdigit() else last]
        else:
            node[int(last) if last.isdigit() else last] = value

    return setter


DELETE = object()

CASES = [
    # (what to set, value, expected path, expected message)
    ("name", DELETE, "name", "required"),
    ("name", "  ", "name", "must not be empty"),
    ("name", 5, "name", "must be text"),
    ("description", ["x"], "description", "must be text"),
    ("colour", "blue", "colour", "unknown field"),
    ("sections", [], "sections", "a scorecard needs at least one section"),
    ("sections", {"a": 1}, "sections", "must be a list, not a mapping"),
    ("sections", None, "sections", "required"),
    ("sections.0.key", "has space", "sections[0].key", "must be letters, digits"),
    ("sections.1.key", "s1", "sections[1].key", 'duplicate section key "s1" (also at sections[0])'),
    ("sections.0.title", DELETE, "sections[0].title", "required"),
    ("sections.0.weight", -1, "sections[0].weight", "must be a number of 0 or more"),
    ("sections.0.weight", 2, "sections[1].weight", "missing: give every section a weight, or none"),
    ("sections.0.questions.0", "yn", YN, "a question must be a mapping of fields, not text"),
    (f"{YN}.pionts", 2, f"{YN}.pionts", 'unknown field (did you mean "points"?)'),
    (f"{YN}.kind", DELETE, f"{YN}.kind", "required"),
    (f"{YN}.kind", ["yes_no"], f"{YN}.kind", "unknown kind this value"),
    (f"{YN}.text", DELETE, f"{YN}.text", "required"),
    (f"{YN}.points", DELETE, f"{YN}.points", "required for yes_no questions"),
    (f"{YN}.points", -1, f"{YN}.points", "must be greater than 0"),
    (f"{YN}.points", "2", f"{YN}.points", "must be a number"),
    (f"{YN}.points", True, f"{YN}.points", "must be a number"),
    (f"{YN}.points", float("nan"), f"{YN}.points", "must be a number"),
    (f"{YN}.allow_na", "yes", f"{YN}.allow_na", "must be true or false"),
    (f"{YN}.required", 1, f"{YN}.required", "must be true or false"),
    (f"{YN}.error_family", "legal", f"{YN}.error_family", '"legal" is not one of'),
    (f"{YN}.error_family", {}, f"{YN}.error_family", "this value is not one of"),
    (f"{YN}.min", 1, f"{YN}.min", "only scale questions have a min"),
    (f"{YN}.options", [], f"{YN}.options", "only choice questions have options"),
    (f"{YN}.answer_points", [1], f"{YN}.answer_points", "must be a mapping of answer to points"),
    (f"{YN}.answer_points", {"maybe": 1}, f"{YN}.answer_points", '"maybe" is not an answer this'),
    (f"{YN}.answer_points", {"no": 3}, f"{YN}.answer_points.no", "must be a number from 0 to 2"),
    (
        f"{YN}.answer_points",
        {"yes": 1},
        f"{YN}.answer_points",
        "the best answer must earn the full points (2)",
    ),
    (
        f"{YN}.answer_points",
        {"yes": 1, "no": 2},
        f"{YN}.answer_points",
        "must not go down as the answer improves (yes < no)",
    ),
    (f"{YN}.answer_points", {"no": 1, False: 1}, f"{YN}.answer_points", "False is given twice"),
    (f"{YN}.critical", "no", f"{YN}.critical", "critical must be a mapping of fields"),
    (
        f"{YN}.critical",
        {"fail_on": ["no"]},
        f"{YN}.critical.scope",
        'required ("section" or "scorecard")',
    ),
    (
        f"{YN}.critical",
        {"scope": "team", "fail_on": ["no"]},
        f"{YN}.critical.scope",
        '"team" is not one of: section, scorecard',
    ),
    (
        f"{YN}.critical",
        {"scope": "section", "fail_on": []},
        f"{YN}.critical.fail_on",
        "must list at least one answer",
    ),
    (
        f"{YN}.critical",
        {"scope": "section", "fail_on": ["na"]},
        f"{YN}.critical.fail_on",
        "N/A cannot fail a question",
    ),
    (
        f"{YN}.critical",
        {"scope": "section", "fail_on": ["no", False]},
        f"{YN}.critical.fail_on",
        "False is listed twice",
    ),
    (
        f"{YN}.critical",
        {"scope": "section", "fail_on": ["no", "yes"]},
        f"{YN}.critical.fail_on",
        "would fail on every answer",
    ),
    (
        f"{YN}.critical",
        {"scope": "section", "fail_on": ["no"], "when": 1},
        f"{YN}.critical.when",
        "unknown field",
    ),
    (f"{SC}.min", 1.5, f"{SC}.min", "must be a whole number"),
    (f"{SC}.max", "5", f"{SC}.max", "must be a whole number"),
    (f"{SC}.max", 1, f"{SC}.min", "must be less than max (1)"),
    (f"{SC}.max", 500, f"{SC}.max", "a scale can span at most 100 steps"),
    (
        f"{SC}.answer_points",
        {9: 1},
        f"{SC}.answer_points",
        "9 is not an answer this question can take",
    ),
    (f"{SC}.answer_points", {3: 1, "3": 1}, f"{SC}.answer_points", '"3" is given twice'),
    (
        f"{SC}.answer_points",
        {5: 3},
        f"{SC}.answer_points",
        "the best answer must earn the full points (4)",
    ),
    (
        f"{SC}.answer_points",
        {2: 3},
        f"{SC}.answer_points",
        "must not go down as the answer improves (3 < 2)",
    ),
    (f"{SC}.answer_points", {2: -1}, f"{SC}.answer_points.2", "must be a number from 0 to 4"),
    (
        f"{SC}.critical",
        {"scope": "section", "fail_on": [0]},
        f"{SC}.critical.fail_on",
        "0 is not an answer",
    ),
    (f"{CH}.options", DELETE, f"{CH}.options", "required"),
    (f"{CH}.options", [], f"{CH}.options", "a choice question needs at least one option"),
    (f"{CH}.options.0", "good", f"{CH}.options[0]", "an option must be a mapping of fields"),
    (f"{CH}.options.0.points", DELETE, f"{CH}.options[0].points", "required"),
    (f"{CH}.options.0.points", -3, f"{CH}.options[0].points", "must be a number of 0 or more"),
    (f"{CH}.options.0.points", 0, f"{CH}.options", "at least one option must earn points"),
    (f"{CH}.options.0.label", DELETE, f"{CH}.options[0].label", "required"),
    (
        f"{CH}.options.0.key",
        True,
        f"{CH}.options[0].key",
        "must be text (quote it: YAML reads yes/no/on/off as true/false)",
    ),
    (f"{CH}.options.0.pts", 1, f"{CH}.options[0].pts", "unknown field"),
    (f"{CH}.points", 5, f"{CH}.points", "must equal the best option's points (3)"),
    (f"{CH}.points", 0, f"{CH}.points", "must be greater than 0"),
    (f"{CH}.answer_points", {"good": 1}, f"{CH}.answer_points", "not used by choice questions"),
    (
        f"{CH}.critical",
        {"scope": "scorecard", "fail_on": ["awful"]},
        f"{CH}.critical.fail_on",
        '"awful" is not an answer',
    ),
    (f"{TX}.points", 3, f"{TX}.points", "text questions carry no points"),
    (
        f"{TX}.critical",
        {"scope": "section", "fail_on": ["x"]},
        f"{TX}.critical",
        "text questions cannot have a critical rule",
    ),
    (
        f"{TX}.error_family",
        "customer",
        f"{TX}.error_family",
        "text questions cannot have an error family",
    ),
    (f"{TX}.answer_points", {"x": 1}, f"{TX}.answer_points", "not used by text questions"),
]


@pytest.mark.parametrize(("target", "value", "path", "message"), CASES)
def test_each_mistake_is_reported_where_it_is(target, value, path, message):
    data = base()
    at(target)(data, value)
    problems = validate(data)
    assert any(p.path == path and message in p.message for p in problems), problems
    with pytest.raises(ScorecardError):
        scorecards.from_dict(data)


def test_weights_must_add_up_to_more_than_zero():
    data = base()
    data["sections"][0]["weight"] = 0
    data["sections"][1]["weight"] = 0
    assert validate(data) == [Problem("sections", "weights must add up to more than 0")]


def test_text_points_of_zero_are_accepted():
    data = base()
    data["sections"][0]["questions"][3]["points"] = 0
    assert validate(data) == []


def test_yaml_booleans_mean_yes_and_no_in_yes_no_questions():
    # Unquoted `no` is False in YAML 1.1; authors should not have to know that.
    data = yaml.safe_load(
        """
        name: Gotcha
        sections:
          - key: s
            title: S
            questions:
              - key: q
                text: Q?
                kind: yes_no
                points: 2
                answer_points: {no: 1}
                critical: {scope: section, fail_on: [no]}
        """
    )
    card = scorecards.from_dict(data)
    question = card.question("q")
    assert question.critical.fail_on == ("no",)
    assert question.answer_points == (("no", 1.0),)


@pytest.mark.parametrize(
    "junk",
    [None, 0, 1.5, "text", [], [1, 2], {}, {"sections": None}, {"sections": [[]]},
     {"sections": [{"questions": [[], None, {"kind": None}]}]}, b"bytes", {1: 2, None: 3},
     {"name": "x", "sections": [{"key": "a", "title": "A", "weight": "heavy",
      "questions": [{"key": "q", "text": "q", "kind": "choice", "options": "abc"}]}]}],
)  # fmt: skip
def test_junk_gives_problems_not_exceptions(junk):
    problems = validate(junk)
    assert problems
    assert all(isinstance(p, Problem) for p in problems)


JSONISH = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=5)
    | st.sampled_from(["yes", "no", "na", "scale", "choice", "text", "yes_no", "section"]),
    lambda children: st.lists(children, max_size=4)
    | st.dictionaries(
        st.sampled_from(
            ["name", "sections", "key", "title", "weight", "questions", "kind", "points",
             "options", "label", "min", "max", "answer_points", "critical", "scope",
             "fail_on", "allow_na", "required", "error_family", "text", "x", 1]
        ),
        children,
        max_size=6,
    ),
    max_leaves=30,
)  # fmt: skip


@budget(300)
@given(JSONISH)
def test_arbitrary_junk_never_raises(junk):
    problems = validate(junk)
    assert isinstance(problems, list)
    if not problems:  # whatever validates must also load and score
        scorecards.score(scorecards.from_dict(junk), {})


@budget(300)
@given(st.data())
def test_damaging_a_valid_card_anywhere_never_raises(data):
    card = base()
    # walk to a random node and replace one of its fields or items with junk
    node = card
    for _ in range(data.draw(st.integers(0, 6))):
        children = list(node.items()) if isinstance(node, dict) else list(enumerate(node))
        children = [(k, v) for k, v in children if isinstance(v, dict | list) and v]
        if not children:
            break
        node = data.draw(st.sampled_from(children))[1]
    keys = list(node) if isinstance(node, dict) else list(range(len(node)))
    target = data.draw(st.sampled_from(keys)) if keys else None
    if target is not None:
        node[target] = data.draw(JSONISH)
    snapshot = copy.deepcopy(card)
    problems = validate(card)
    assert card == snapshot  # validate never mutates its input
    if not problems:
        scorecards.score(scorecards.from_dict(card), {})
