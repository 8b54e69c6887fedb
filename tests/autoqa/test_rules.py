"""Auto-answers from ``auto:`` rules on hand-written transcripts, each with
the turn that decided it."""

from __future__ import annotations

import pytest

import scorecards
from autoqa import answer


def question(rules: list[dict], kind: str = "yes_no", **extra) -> scorecards.Question:
    q = {"key": "q", "text": "Q", "kind": kind, "points": 5, "auto": rules, **extra}
    card = {"name": "C", "channel": "call",
            "sections": [{"key": "s", "title": "S", "questions": [q]}]}  # fmt: skip
    return scorecards.from_dict(card).question("q")


def turn(speaker: str, text: str, start: float | None = None, end: float | None = None) -> dict:
    out = {"speaker": speaker, "text": text, "start_s": start}
    if end is not None:
        out["end_s"] = end
    return out


CALL = [
    turn("agent", "Good morning, thank you for calling Acme.", 0.0, 3.0),
    turn("customer", "Hi, my parcel never arrived.", 4.0, 6.0),
    turn("agent", "I'm sorry to hear that. Let me check.", 7.0, 9.0),
    turn("agent", "I have found it, it is at the depot.", 52.0, 55.0),
    turn("customer", "Thanks a lot.", 56.0, 57.0),
    turn("agent", "Is there anything else? Have a great day.", 58.0, 61.0),
]


def test_a_phrase_in_the_first_agent_turns_answers_with_that_turn() -> None:
    got = answer(question([{"answer": "yes", "says": "thank you for calling",
                            "in": {"first": 1}}, {"otherwise": "no"}]), CALL)  # fmt: skip
    assert (got.answer, got.rule, got.source, got.confidence) == ("yes", 0, "rule", 1.0)
    assert (got.evidence.turn, got.evidence.start_s) == (0, 0.0)
    assert "thank you for calling" in got.evidence.text.lower()


def test_outside_the_window_the_phrase_does_not_count() -> None:
    rules = [{"answer": "yes", "says": "have a great day", "in": {"first": 2}},
             {"otherwise": "no"}]  # fmt: skip
    got = answer(question(rules), CALL)
    assert got.answer == "no" and got.evidence.turn is None and got.rule == 1
    last = [{"answer": "yes", "says": "have a great day", "in": {"last": 1}}]
    assert answer(question(last), CALL).evidence.turn == 5


def test_phrases_match_whole_words_in_any_case_and_spacing() -> None:
    rules = [{"answer": "yes", "says": ["thank  YOU for calling"]}]
    assert answer(question(rules), CALL).answer == "yes"
    assert answer(question([{"answer": "yes", "says": "arriv"}]), CALL) is None  # not a word


def test_absence_holds_when_no_turn_matches_and_names_what_was_missing() -> None:
    rules = [{"answer": "no", "says": ["apologise", "my apologies"], "absent": True},
             {"otherwise": "yes"}]  # fmt: skip
    got = answer(question(rules), CALL)
    assert got.answer == "no" and got.evidence.turn is None
    assert '"apologise"' in got.evidence.text
    sorry = [{"answer": "no", "says": "sorry", "absent": True}, {"otherwise": "yes"}]
    assert answer(question(sorry), CALL).answer == "yes"


def test_after_and_before_narrow_to_turns_around_another_match() -> None:
    after = [{"answer": "yes", "says": "sorry",
              "after": {"speaker": "customer", "says": "never arrived"}}]  # fmt: skip
    assert answer(question(after), CALL).evidence.turn == 2
    before = [{"answer": "yes", "says": "sorry",
               "before": {"speaker": "customer", "says": "never arrived"}}]  # fmt: skip
    assert answer(question(before), CALL) is None


def test_count_and_speaker_and_pattern() -> None:
    twice = [{"answer": "yes", "speaker": "agent", "pattern": r"\b(found|check)\b", "count": 2}]
    assert answer(question(twice), CALL).evidence.turn == 2
    thrice = [{"answer": "yes", "pattern": r"\b(found|check)\b", "count": 3}]
    assert answer(question(thrice), CALL) is None
    customer = [{"answer": "yes", "speaker": "customer", "says": "thanks a lot"}]
    assert answer(question(customer), CALL).evidence.speaker == "customer"


def test_a_silence_between_turns_longer_than_the_limit() -> None:
    got = answer(question([{"answer": "no", "silence_over": 30}, {"otherwise": "yes"}]), CALL)
    assert got.answer == "no" and got.evidence.turn == 3  # 9 s -> 52 s: 43 s of silence
    assert got.evidence.text.startswith("43 s without a turn")
    assert answer(question([{"answer": "no", "silence_over": 45}]), CALL) is None
    measured = {"longest_silence_s": 12.0, "longest_silence_at_s": 10.0}
    assert answer(question([{"answer": "no", "silence_over": 30}]), CALL, measured) is None


def test_first_response_time_in_a_chat() -> None:
    chat = [turn("customer", "Hello?", 0.0), turn("agent", "Hi, how can I help?", 150.0)]
    got = answer(question([{"answer": "no", "first_response_over": 120}]), chat)
    assert got.evidence.turn == 1 and "150 s" in got.evidence.text
    assert answer(question([{"answer": "no", "first_response_over": 200}]), chat) is None


def test_a_hold_without_asking_needs_the_recordings_holds() -> None:
    rules = [{"answer": "no", "hold_without_asking": ["may I place you on hold"]},
             {"otherwise": "yes"}]  # fmt: skip
    holds = {"holds": [(10.0, 50.0)]}
    assert answer(question(rules), CALL, holds).answer == "no"
    asked = [*CALL[:3], turn("agent", "May I place you on hold for a moment?", 9.5), *CALL[3:]]
    assert answer(question(rules), asked, holds).answer == "yes"
    assert answer(question(rules), CALL).answer == "yes"  # no recording: the rule cannot hold


@pytest.mark.parametrize(("kind", "value"), [("scale", 2), ("choice", "partly")])
def test_rules_answer_scales_and_choices(kind: str, value) -> None:
    extra = ({"min": 1, "max": 5} if kind == "scale" else
             {"options": [{"key": "solved", "label": "Solved", "points": 5},
                          {"key": "partly", "label": "Partly", "points": 2}]})  # fmt: skip
    extra.pop("points", None)
    rules = [{"answer": value, "speaker": "customer", "says": "never arrived"}]
    q = question(rules, kind=kind, **extra)
    assert answer(q, CALL).answer == value


def test_a_question_without_rules_has_no_auto_answer() -> None:
    plain = scorecards.from_dict({"name": "C", "channel": "call", "sections": [
        {"key": "s", "title": "S", "questions": [
            {"key": "q", "text": "Q", "kind": "yes_no", "points": 1}]}]})  # fmt: skip
    assert answer(plain.question("q"), CALL) is None


def test_customer_sentiment_at_the_end_of_the_contact() -> None:
    angry = [*CALL[:4], turn("customer", "This is useless, I am furious and cancelling.", 56.0)]
    rules = [{"answer": "no", "customer_sentiment": {"at": "end", "below": -0.5}},
             {"otherwise": "yes"}]  # fmt: skip
    got = answer(question(rules), angry)  # VADER: -0.81 over the last two customer turns
    assert got.answer == "no" and got.evidence.turn == 4
    assert "customer sentiment -0.81" in got.evidence.text
    assert answer(question(rules), CALL).answer == "yes"  # -0.34: "never arrived", "thanks"
    pleased = [*CALL[:4], turn("customer", "Oh wonderful, that is great news!", 56.0),
               turn("customer", "Brilliant, thank you so much.", 58.0)]  # fmt: skip
    happy = [{"answer": "yes", "customer_sentiment": {"at": "end", "above": 0.3}}]
    assert answer(question(happy), pleased).answer == "yes"
    assert answer(question(happy), CALL) is None


def test_spelling_counts_the_agents_written_words_allowing_product_words() -> None:
    chat = [turn("customer", "My Zentrix modem is brokn"),
            turn("agent", "I recieve your mesage about the Zentrix modem.")]  # fmt: skip
    rules = [{"answer": "no", "spelling_errors_over": 1}, {"otherwise": "yes"}]
    got = answer(question(rules), chat, channel="chat")
    assert got.answer == "no" and got.evidence.turn == 1
    assert "3 misspelt words" in got.evidence.text  # recieve, mesage, Zentrix
    allowed = answer(question(rules), chat, channel="chat", allowed_words=frozenset({"zentrix"}))
    assert allowed.answer == "no" and "2 misspelt words" in allowed.evidence.text
    assert answer(question(rules), chat, channel="call").answer == "yes"  # speech: no spelling


def test_without_end_times_silence_runs_from_one_turn_start_to_the_next() -> None:
    chat = [turn("customer", "Hello?", 0.0), turn("agent", "Hi!", 10.0),
            turn("customer", "Where is it?", 15.0), turn("agent", "Found it.", 95.0)]  # fmt: skip
    got = answer(question([{"answer": "no", "silence_over": 60}]), chat)
    assert got.evidence.turn == 3 and got.evidence.text.startswith("80 s without a turn")
