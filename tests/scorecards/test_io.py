"""Loading and saving: paths, YAML/JSON text, dicts; canonical, lossless round trips."""

import json

import pytest

import scorecards
from scorecards import Critical, Option, Question, Scorecard, ScorecardError, Section

YAML_TEXT = """
name: Small
channel: chat
description: |
  Two lines
  of description.
sections:
  - key: s1
    title: First
    weight: 2
    questions:
      - key: greet
        text: Greeted?
        kind: yes_no
        points: 1.5
        allow_na: true
        guidance: |
          Company name,
          own name.
      - key: tone
        text: Tone
        kind: scale
        points: 4
        min: 0
        max: 4
        answer_points: {"0": 0, 2: 3}
        critical: {scope: scorecard, fail_on: ["0"]}
        error_family: customer
  - key: s2
    title: Second
    weight: 1
    questions:
      - key: outcome
        text: Outcome
        kind: choice
        required: false
        options:
          - {key: fixed, label: Fixed, points: 2}
          - {key: not_fixed, label: Not fixed, points: 0}
      - key: notes
        text: Notes
        kind: text
        required: true
"""

EXPECTED = Scorecard(
    name="Small",
    channel="chat",
    description="Two lines\nof description.\n",
    sections=(
        Section(
            key="s1",
            title="First",
            weight=2.0,
            questions=(
                Question(
                    key="greet",
                    text="Greeted?",
                    kind="yes_no",
                    points=1.5,
                    allow_na=True,
                    guidance="Company name,\nown name.\n",
                ),
                Question(
                    key="tone",
                    text="Tone",
                    kind="scale",
                    points=4.0,
                    min=0,
                    max=4,
                    answer_points=((0, 0.0), (2, 3.0)),
                    critical=Critical("scorecard", (0,)),
                    error_family="customer",
                ),
            ),
        ),
        Section(
            key="s2",
            title="Second",
            weight=1.0,
            questions=(
                Question(
                    key="outcome",
                    text="Outcome",
                    kind="choice",
                    points=2.0,
                    required=False,
                    options=(Option("fixed", "Fixed", 2.0), Option("not_fixed", "Not fixed", 0.0)),
                ),
                Question(key="notes", text="Notes", kind="text", required=True),
            ),
        ),
    ),
)


def test_load_yaml_text_builds_the_model():
    assert scorecards.load(YAML_TEXT) == EXPECTED


def test_to_dict_is_compact_canonical_and_json_safe():
    data = scorecards.to_dict(EXPECTED)
    assert json.loads(json.dumps(data)) == data
    assert data["sections"][0]["questions"][1] == {
        "key": "tone",
        "text": "Tone",
        "kind": "scale",
        "points": 4,
        "min": 0,
        "max": 4,
        "answer_points": {"0": 0, "2": 3},  # JSON object keys are strings
        "critical": {"scope": "scorecard", "fail_on": [0]},
        "error_family": "customer",
    }
    assert data["sections"][0]["questions"][0]["points"] == 1.5
    # defaults are left out, non-defaults kept
    assert "required" not in data["sections"][0]["questions"][0]
    assert data["sections"][1]["questions"][0]["required"] is False
    assert data["sections"][1]["questions"][1] == {
        "key": "notes",
        "text": "Notes",
        "kind": "text",
        "required": True,
    }


def test_round_trips():
    data = scorecards.to_dict(EXPECTED)
    assert scorecards.from_dict(data) == EXPECTED
    assert scorecards.to_dict(scorecards.from_dict(data)) == data
    assert scorecards.load(scorecards.dump(EXPECTED)) == EXPECTED
    assert scorecards.load(json.dumps(data)) == EXPECTED


def test_dump_is_readable_yaml():
    text = scorecards.dump(EXPECTED)
    assert text.startswith("name: Small\nchannel: chat\n")
    assert "guidance: |\n" in text  # multi-line guidance as a block
    assert "points: 4\n" in text  # whole numbers without .0


def test_load_from_paths(tmp_path):
    yaml_path = tmp_path / "card.yaml"
    yaml_path.write_text(YAML_TEXT, encoding="utf-8")
    json_path = tmp_path / "card.JSON"
    json_path.write_text(json.dumps(scorecards.to_dict(EXPECTED)), encoding="utf-8")
    assert scorecards.load(yaml_path) == EXPECTED
    assert scorecards.load(str(yaml_path)) == EXPECTED
    assert scorecards.load(json_path) == EXPECTED
    with pytest.raises(FileNotFoundError):
        scorecards.load(str(tmp_path / "missing.yml"))


def test_unparsable_text_is_a_scorecard_error():
    with pytest.raises(ScorecardError) as info:
        scorecards.load("name: [unclosed\nsections: x")
    assert info.value.problems[0].path == ""
    assert info.value.problems[0].message.startswith("not valid YAML or JSON")
    # broken JSON falls back to YAML, which reports it
    with pytest.raises(ScorecardError, match="not valid YAML or JSON"):
        scorecards.load('{"name": "x", "sections": [}')


def test_a_key_given_twice_is_an_error_naming_it_and_its_lines():
    """PyYAML and json keep the last of two equal keys: ``points: 1`` then
    ``points: 5`` would have been published as 5 without a word."""
    text = YAML_TEXT.replace("    points: 4\n", "    points: 1\n        points: 4\n", 1)
    assert text != YAML_TEXT
    with pytest.raises(ScorecardError, match=r"the key 'points' appears twice in one mapping"):
        scorecards.load_text(text)
    as_json = '{"name": "a", "name": "b", "sections": []}'
    with pytest.raises(ScorecardError, match=r"the key 'name' appears twice .*\(line 1\)"):
        scorecards.load_text(as_json)


def test_merge_keys_may_still_be_overridden():
    text = """
name: M
sections:
  - key: s
    title: S
    questions:
      - &yn {key: a, text: A, kind: yes_no, points: 1}
      - <<: *yn
        key: b
"""
    card = scorecards.load_text(text)
    assert [q.key for q in card.sections[0].questions] == ["a", "b"]


def test_aliases_that_expand_to_millions_of_values_are_refused_quickly():
    """16 kB of aliases stood for 4,000,000 questions: validating them never ended."""
    question = "{key: q, text: Q, kind: yes_no, points: 1}"
    text = (f"name: X\nq: &q {question}\nqs: &qs [{', '.join(['*q'] * 2000)}]\n"
            f"s: &s {{key: s, title: S, questions: *qs}}\n"
            f"sections: [{', '.join(['*s'] * 2000)}]\n")  # fmt: skip
    with pytest.raises(ScorecardError) as info:
        scorecards.load_text(text)
    assert info.value.problems[0].message == (
        "the text expands to more than 200,000 values (aliases)"
    )


@pytest.mark.parametrize("source", ["just a sentence", "- a\n- list\n", "42", None, [1]])
def test_load_of_something_that_is_not_a_card(source):
    with pytest.raises(ScorecardError) as info:
        scorecards.load(source)
    assert info.value.problems


def test_json_with_tabs_loads():
    text = json.dumps(scorecards.to_dict(EXPECTED), indent="\t")
    assert scorecards.load(text) == EXPECTED


def test_model_helpers():
    assert EXPECTED.weighted
    assert [q.key for q in EXPECTED.questions()] == ["greet", "tone", "outcome", "notes"]
    assert EXPECTED.question("tone").answers() == (0, 1, 2, 3, 4)
    assert EXPECTED.question("notes").answers() == ()
    assert EXPECTED.question("outcome").points_for("fixed") == 2.0
    assert EXPECTED.question("notes").points_for("anything") == 0.0
    with pytest.raises(KeyError):
        EXPECTED.question("nope")
