"""Draft edits are pure dict operations that never touch the original."""

import pytest

import scorecards
from qa_app.scorecards import drafts


def _draft():
    draft = drafts.blank("Chat QA", "chat")
    draft, _ = drafts.add_section(draft, "Closing")
    return drafts.put_question(
        draft,
        "section_1",
        None,
        {"key": "greet", "text": "Greeted?", "kind": "yes_no", "points": 1},
    )


def test_add_section_derives_a_unique_key_from_the_title():
    draft, key = drafts.add_section(_draft(), "Closing")
    assert key == "closing_2"
    assert [s["key"] for s in draft["sections"]] == ["section_1", "closing", "closing_2"]


def test_edits_return_a_new_draft_and_leave_the_old_one_alone():
    original = _draft()
    moved = drafts.move_section(original, "closing", -1)
    assert [s["key"] for s in moved["sections"]] == ["closing", "section_1"]
    assert [s["key"] for s in original["sections"]] == ["section_1", "closing"]


def test_moving_past_the_end_is_refused():
    with pytest.raises(drafts.DraftError, match="cannot move"):
        drafts.move_section(_draft(), "section_1", -1)


def test_put_question_can_move_a_question_to_another_section():
    question = {"key": "greet", "text": "Greeted warmly?", "kind": "yes_no", "points": 2}
    draft = drafts.put_question(_draft(), "closing", "greet", question)
    assert draft["sections"][0]["questions"] == []
    assert draft["sections"][1]["questions"] == [question]


def test_weighting_adds_and_removes_weights_on_every_section():
    weighted = drafts.set_card(
        _draft(), name="Chat QA", channel="chat", description="", weighted=True
    )
    assert all(s["weight"] == 1 for s in weighted["sections"])
    plain = drafts.set_card(
        weighted, name="Chat QA", channel="chat", description="", weighted=False
    )
    assert not any("weight" in s for s in plain["sections"])


def test_problems_are_grouped_under_what_they_concern():
    draft = _draft()
    draft["sections"][0]["questions"][0]["points"] = -1
    grouped = drafts.problems_by_place(scorecards.validate(draft), draft)
    assert "question:greet" in grouped
    assert any("greater than 0" in p.message for p in grouped["question:greet"])
    assert "section:closing" in grouped  # an empty section is a problem of its own


def test_unknown_keys_raise():
    with pytest.raises(drafts.DraftError):
        drafts.remove_question(_draft(), "nope")
    with pytest.raises(drafts.DraftError):
        drafts.find_section(_draft(), "nope")
