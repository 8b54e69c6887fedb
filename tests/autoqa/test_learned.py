"""Learned auto-answers: a planted signal is learned, judged on the latest
contacts only, and the agent's identity is never a feature."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import calibration
from autoqa.learned import predict, split_turns, train

FILLER = ["let me check that", "one moment please", "I can see your account",
          "the order is on its way", "thanks for waiting", "is there anything else"]  # fmt: skip


def contacts(n: int, seed: int = 0) -> pd.DataFrame:
    """Empathy "yes" when the agent apologises or acknowledges feelings; the
    human label follows that signal with 5 % noise."""
    rng = np.random.default_rng(seed)
    rows = []
    for unit in range(n):
        kind = rng.random() < 0.7
        agent = " ".join(rng.choice(FILLER, 3))
        if kind:
            agent += " " + rng.choice(["I am so sorry about this", "I understand how frustrating "
                                       "that is", "I apologise for the trouble"])  # fmt: skip
        label = "yes" if (kind if rng.random() > 0.05 else not kind) else "no"
        rows.append({
            "unit": unit, "at": pd.Timestamp("2026-01-01", tz="UTC") + pd.Timedelta(hours=unit),
            "agent_text": agent, "customer_text": "my parcel is late again",
            "channel": rng.choice(["call", "chat"]), "hold_s": rng.normal(30, 10),
            "agent_id": unit % 7, "answer": label,
        })  # fmt: skip
    return pd.DataFrame(rows)


def test_a_planted_signal_is_learned_and_judged_on_the_latest_contacts() -> None:
    frame = contacts(600)
    trained = train("empathy", frame, measures=["hold_s"])
    assert trained is not None and trained.calibrated
    assert trained.trained_on == 480
    assert set(trained.held_out["unit"]) == set(range(480, 600))  # the latest fifth only
    held = trained.held_out
    long = pd.concat([
        pd.DataFrame({"unit": held["unit"], "rater": "auto", "value": held["predicted"]}),
        pd.DataFrame({"unit": held["unit"], "rater": "human", "value": held["human"]}),
    ])  # fmt: skip
    assert calibration.krippendorff_alpha(long).value > 0.75
    assert held["confidence"].between(0.5, 1.0).all()


def test_the_agents_identity_is_never_a_feature() -> None:
    trained = train("empathy", contacts(300), measures=["hold_s"])
    names = trained.model.named_steps["features"].get_feature_names_out()
    assert not any("agent_id" in name for name in names)
    assert any(name.startswith("agent_text__") for name in names)
    # Shuffling the agent ids changes nothing the model says.
    frame = contacts(50, seed=9)
    shuffled = frame.assign(agent_id=frame["agent_id"].sample(frac=1, random_state=1).to_numpy())
    assert predict(trained.model, frame).equals(predict(trained.model, shuffled))


def test_too_few_examples_of_an_answer_give_no_model() -> None:
    frame = contacts(40)
    frame.loc[frame.index[:30], "answer"] = "yes"
    frame.loc[frame.index[30:], "answer"] = "na"  # N/A is left out, leaving one answer
    assert train("empathy", frame) is None


def test_confidences_are_calibrated_on_held_out_data() -> None:
    """Mean confidence on the held-out rows is close to the share answered right."""
    trained = train("empathy", contacts(1500, seed=4))
    held = trained.held_out
    right = (held["predicted"] == held["human"]).mean()
    assert held["confidence"].mean() == pytest.approx(right, abs=0.08)


def test_split_turns_reads_each_side() -> None:
    turns = [{"speaker": "agent", "text": "Hello"}, {"speaker": "customer", "text": "Hi"},
             {"speaker": "Agent", "text": "How can I help?"}]  # fmt: skip
    assert split_turns(turns) == ("Hello How can I help?", "Hi")
