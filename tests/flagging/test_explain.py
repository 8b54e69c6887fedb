"""Reasons a reviewer can act on: the quoted turn with its speaker, number and time,
the behaviour when known, facts in words; never a stop word or a word fragment."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import flagging
from flagging import explain
from flagging.behaviours import behaviour, quote, reason_terms
from tests.flagging.test_flagging import FAST, make_frame


def test_only_phrases_a_reviewer_can_act_on_may_be_shown():
    terms = ["me", "to me", "ll need", "don know", "_name_ thanks", "order 12345",
             "supervisor", "not good", "good", "third time"]  # fmt: skip
    assert reason_terms(terms).tolist() == [False] * 6 + [True] * 4


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ("Could you put your team leader on the line?", "asked for a supervisor"),
        ("I need this escalating today.", "asked for a supervisor"),
        ("My solicitor will be hearing about this.", "mentioned legal action or a regulator"),
        ("I'd like to lodge a complaint.", "complained"),
        ("I'm going to take my business elsewhere.", "talked about cancelling"),
        ("This is the fourth time I've rung about it.", "mentioned contacting you before"),
        ("I already phoned on Monday and nothing happened.", "mentioned contacting you before"),
        ("I just want my money back.", "asked for a refund"),
        ("Honestly I'm sick of this.", "sounded frustrated"),
        ("Sorry, could you say that again?", None),
        ("Thanks, that's everything.", None),
        ("I'll need to check with my partner.", None),
    ],
)
def test_behaviours_are_named_from_general_phrasings(text, named):
    assert behaviour(text) == named


def test_a_short_turn_is_quoted_whole_and_a_long_one_around_its_phrase():
    assert (
        quote("  Can I speak to   a supervisor? ", "supervisor") == "Can I speak to a supervisor?"
    )
    long = " ".join(["filler"] * 40) + " I want a refund now " + " ".join(["more"] * 40)
    quoted = quote(long, "want refund", limit=60)
    assert quoted.startswith("…") and quoted.endswith("…") and "I want a refund now" in quoted
    assert len(quoted) <= 62 and " filler" in quoted and not quoted[1:].startswith(" ")


def test_facts_are_named_in_words_and_absences_are_no_reason():
    row = {"hold_s": 420.0, "hold_over_3min": 1.0, "csat": 1.0, "csat_missing": 0.0,
           "csat_low": 1.0, "repeat_contacts": 3.0, "longest_gap_s": 0.0,
           "timing_missing": 1.0, "duration_s": 95.0}  # fmt: skip
    said = {
        ("hold_s", "hold_s", True): "long hold: 7 min",
        ("hold_over_3min", "hold_over_3min", True): "long hold: 7 min",
        ("csat", "csat", False): "CSAT 1 of 5",
        ("csat_low", "csat_low", True): "CSAT 1 of 5",
        ("repeat_contacts", "repeat_contacts", True): "3 earlier contacts in 30 days",
        ("duration_s", "duration_s", False): "short contact: 2 min",
        ("topic", "billing", True): "topic: billing",
        ("longest_gap_s", "longest_gap_s", False): None,
        ("timing_missing", "timing_missing", True): None,
        ("csat_missing", "csat_missing", False): None,
        ("topic", "(none)", True): None,
        ("tenure_band", "unknown", True): None,
    }
    for (kind, detail, above), expected in said.items():
        assert explain.fact_text(kind, detail, row, above) == expected, kind
    assert explain.fact_text("hold_s", "hold_s", row | {"hold_s": 0.0}, False) is None


def test_a_signal_carried_only_by_stop_words_is_scored_but_never_quoted():
    frame = make_frame(word="")
    positive = frame["escalated"].to_numpy()
    frame["transcript"] = [
        [*turns[:2], {"speaker": "customer", "text": "Me and you.", "start_s": 30.0}, *turns[2:]]
        if yes
        else turns
        for turns, yes in zip(frame["transcript"], positive, strict=True)
    ]
    model = flagging.train(frame.iloc[:280], "escalation", **FAST)
    columns = model.pipeline.named_steps["columns"]
    terms = list(columns.named_transformers_["customer_words"].get_feature_names_out())
    coef = model.pipeline.named_steps["classifier"].coef_[0][
        columns.output_indices_["customer_words"]
    ]
    assert coef[terms.index("me and")] > 0  # the model uses it ...
    out = model.predict(frame.iloc[280:][positive[280:]])
    quoted = [r for reasons in out["reasons"] for r in reasons if r["kind"] == "turn"]
    assert all("Me and you" not in r["quote"] for r in quoted)  # ... no reason shows it
    assert all(reason_terms([r["phrase"]])[0] for r in quoted)


def test_turns_are_numbered_over_the_whole_transcript_and_untimed_turns_have_no_time():
    frame = make_frame()
    model = flagging.train(frame.iloc[:280], "escalation", **FAST)
    text = "Agent: hello\nCustomer: sure\nCustomer: please frobnicate my account\nAgent: ok"
    one = pd.DataFrame({"channel": ["chat"], "started_at": [pd.Timestamp("2024-03-01", tz="UTC")],
                        "duration_seconds": [60], "transcript": [text]})  # fmt: skip
    [reasons] = model.predict(one)["reasons"]
    [turn] = [r for r in reasons if r["kind"] == "turn"]
    assert (turn["turn"], turn["start_s"], turn["speaker"]) == (3, None, "customer")
    assert turn["quote"] == "please frobnicate my account"
    assert np.isfinite(turn["weight"]) and "coef" not in turn
