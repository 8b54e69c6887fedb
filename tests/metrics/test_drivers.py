"""Drivers: a planted effect is found with its sign; a null one and a topic's
confounding are not ranked."""

from __future__ import annotations

import numpy as np
import pandas as pd

from metrics import drivers

OUTCOMES = {"csat": 1.0, "escalated": 0.2}


def contacts(seed: int, n: int = 4000) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    topic = rng.choice(["easy", "hard"], n, p=[0.7, 0.3])
    channel = rng.choice(["call", "chat"], n)
    hard = topic == "hard"
    empathy = rng.random(n) > 0.2  # passed 80 %
    # Greeting fails far more on hard topics, which have low CSAT, but does
    # not itself move CSAT: a confounder only.
    greeting = rng.random(n) > np.where(hard, 0.6, 0.1)
    csat = 4.2 - 1.2 * hard - 0.8 * ~empathy + rng.normal(0, 0.7, n)
    escalated = (rng.random(n) < 0.05 + 0.10 * hard).astype(float)
    return pd.DataFrame({"empathy": empathy, "greeting": greeting, "csat": csat,
                         "escalated": escalated, "channel": channel, "topic": topic})  # fmt: skip


def by(found, question, outcome):
    return next(d for d in found if d.question == question and d.outcome == outcome)


def test_a_planted_driver_is_ranked_first_with_its_sign() -> None:
    found = drivers(contacts(1), ["empathy", "greeting"], OUTCOMES)
    first = found[0]
    assert (first.question, first.outcome, first.state) == ("empathy", "csat", "ranked")
    assert first.low < -0.8 < first.high  # failing empathy costs 0.8 CSAT points


def test_a_confounding_topic_does_not_pass_for_a_driver() -> None:
    frame = contacts(2)
    naive = drivers(frame, ["greeting"], OUTCOMES, strata=())
    assert by(naive, "greeting", "csat").state == "ranked"  # pooled: looks harmful
    stratified = by(drivers(frame, ["greeting"], OUTCOMES), "greeting", "csat")
    assert stratified.state == "no clear effect"
    assert stratified.low <= 0 <= stratified.high


def test_a_null_question_is_not_ranked() -> None:
    found = drivers(contacts(3), ["greeting"], {"escalated": 0.2})
    assert by(found, "greeting", "escalated").state != "ranked"


def test_too_few_contacts_is_not_enough_data() -> None:
    small = contacts(4, n=30)
    found = by(drivers(small, ["empathy"], {"csat": 0.3}), "empathy", "csat")
    assert found.state == "not enough data"
    empty = drivers(small.assign(empathy=True), ["empathy"], OUTCOMES)
    assert all(d.state == "not enough data" and d.difference is None for d in empty)
