"""diff: what changed between two published versions, by key."""

import json

import scorecards
from scorecards import FieldChange, diff

V1 = {
    "name": "Support call",
    "channel": "call",
    "sections": [
        {
            "key": "opening",
            "title": "Opening",
            "questions": [
                {"key": "greeting", "text": "Greeted?", "kind": "yes_no", "points": 2},
                {"key": "verify", "text": "Verified?", "kind": "yes_no", "points": 3},
            ],
        },
        {
            "key": "closing",
            "title": "Closing",
            "questions": [
                {"key": "recap", "text": "Recap?", "kind": "yes_no", "points": 1},
                {"key": "old", "text": "Old question", "kind": "yes_no", "points": 1},
            ],
        },
    ],
}


def v2():
    data = json.loads(json.dumps(V1))
    data["name"] = "Support call v2"
    opening, closing = data["sections"]
    opening["title"] = "Opening and verification"
    opening["questions"][1].update(
        points=5, allow_na=True, critical={"scope": "scorecard", "fail_on": ["no"]}
    )
    closing["questions"] = [{"key": "recap", "text": "Recap?", "kind": "yes_no", "points": 1}]
    opening["questions"].insert(0, closing["questions"].pop())  # recap moves to opening
    closing["questions"] = [{"key": "thanks", "text": "Thanked?", "kind": "yes_no", "points": 1}]
    data["sections"].append(
        {
            "key": "wrap",
            "title": "Wrap-up",
            "questions": [{"key": "code", "text": "Code?", "kind": "yes_no", "points": 1}],
        }
    )
    return data


def test_diff_reports_added_removed_and_changed_by_key():
    result = diff(scorecards.from_dict(V1), scorecards.from_dict(v2()))
    assert result.card == (FieldChange("name", "Support call", "Support call v2"),)
    assert result.sections_added == ("wrap",)
    assert result.sections_removed == ()
    assert [(c.key, c.fields) for c in result.sections_changed] == [
        ("opening", (FieldChange("title", "Opening", "Opening and verification"),))
    ]
    assert result.questions_added == ("thanks", "code")
    assert result.questions_removed == ("old",)
    changed = {
        c.key: {f.field: (f.before, f.after) for f in c.fields} for c in result.questions_changed
    }
    assert changed == {
        "recap": {"section": ("closing", "opening")},
        "verify": {
            "points": (3, 5),
            "allow_na": (False, True),
            "critical": (None, {"scope": "scorecard", "fail_on": ["no"]}),
        },
    }
    assert not result.empty


def test_identical_and_reordered_versions_have_an_empty_diff():
    card = scorecards.from_dict(V1)
    assert diff(card, card).empty
    reordered = json.loads(json.dumps(V1))
    reordered["sections"].reverse()
    reordered["sections"][0]["questions"].reverse()
    assert diff(card, scorecards.from_dict(reordered)).empty


def test_diff_to_dict_is_json_safe():
    result = diff(scorecards.from_dict(V1), scorecards.from_dict(v2())).to_dict()
    assert json.loads(json.dumps(result)) == result
    assert result["card"] == {"name": ["Support call", "Support call v2"]}
    assert result["sections"]["added"] == ["wrap"]
    assert result["questions"]["removed"] == ["old"]
    assert {"key": "recap", "fields": {"section": ["closing", "opening"]}} in (
        result["questions"]["changed"]
    )


def test_weight_and_kind_changes():
    new = json.loads(json.dumps(V1))
    for section, weight in zip(new["sections"], (3, 1), strict=True):
        section["weight"] = weight
    new["sections"][0]["questions"][0] = {
        "key": "greeting",
        "text": "Greeted?",
        "kind": "scale",
        "points": 2,
    }
    result = diff(scorecards.from_dict(V1), scorecards.from_dict(new))
    assert [(c.key, c.fields) for c in result.sections_changed] == [
        ("opening", (FieldChange("weight", None, 3.0),)),
        ("closing", (FieldChange("weight", None, 1.0),)),
    ]
    (greeting,) = result.questions_changed
    assert {f.field for f in greeting.fields} == {"kind", "min", "max"}
