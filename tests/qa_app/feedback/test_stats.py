"""Dispute and overturn rates per reviewer and per question, on a hand-built
example, and the executives' page that shows them."""

import pytest

from qa_app.feedback import services, stats
from tests.qa_app.feedback.conftest import MISSED_GREETING


def _dispute(agent, evaluation, *keys):
    request = services.DisputeRequest(False, "", {k: "disagree" for k in keys})
    return services.open_dispute(agent, evaluation, request)


def _resolve(resolver, dispute, **decisions):
    chosen = {}
    for item in dispute.items:
        decision = decisions[item.question_key]
        chosen[item.id] = services.Decision(
            "overturned" if decision else "upheld", {item.question_key: decision}
        )
    services.resolve(resolver, dispute, chosen, note="", lock_version=dispute.lock_version)


@pytest.fixture
def example(submit, users, make):
    a, b = make.user("reviewer", name="Ann"), make.user("reviewer", name="Bob")
    agent, executive = users["agent"], users["executive"]
    ann = [submit(reviewer=a) for _ in range(4)]
    bob = [submit(reviewer=b) for _ in range(2)]
    submit(reviewer=users["reviewer"])  # Reviewer 3: never disputed
    _resolve(executive, _dispute(agent, ann[0], "greet"), greet="yes")  # overturned
    _resolve(executive, _dispute(agent, ann[1], "greet"), greet=None)  # upheld
    services.withdraw(agent, _dispute(agent, ann[2], "greet"))  # withdrawn: not counted
    _resolve(executive, _dispute(agent, bob[0], "greet", "tone"), greet="yes", tone=None)
    _dispute(agent, bob[1], "tone")  # open, undecided
    return a, b


def test_rates_per_reviewer(example, users):
    rows = {r["reviewer"]: r for r in stats.dispute_rates_by_reviewer()}
    ann, bob, other = rows["Ann"], rows["Bob"], rows[users["reviewer"].name]
    assert (ann["evaluations"], ann["disputed"], ann["resolved"], ann["overturned"]) == (4, 2, 2, 1)
    assert (ann["dispute_rate"], ann["overturn_rate"]) == (0.5, 0.5)
    # Bob: 2 of 2 evaluations disputed; 1 resolved, partly overturned
    assert (bob["evaluations"], bob["disputed"], bob["resolved"], bob["overturned"]) == (2, 2, 1, 1)
    assert (bob["dispute_rate"], bob["overturn_rate"]) == (1.0, 1.0)
    assert (other["dispute_rate"], other["overturn_rate"]) == (0, None)  # undefined, not 0


def test_rates_per_question(example):
    rows = {r["question_key"]: r for r in stats.dispute_rates_by_question()}
    greet, tone = rows["greet"], rows["tone"]
    assert (greet["answers"], greet["disputed"], greet["decided"], greet["overturned"]) == (
        7,
        3,
        3,
        2,
    )
    assert greet["dispute_rate"] == pytest.approx(3 / 7)
    assert greet["overturn_rate"] == pytest.approx(2 / 3)
    assert (tone["disputed"], tone["decided"], tone["overturned"]) == (2, 1, 0)
    assert tone["overturn_rate"] == 0
    assert set(rows) == {"greet", "tone"}


def test_the_page_is_for_executives(example, client_as):
    html = client_as("executive").get("/feedback/disputes/stats").text
    assert "Ann" in html and "50%" in html and "67%" in html
    assert client_as("reviewer").get("/feedback/disputes/stats").status_code == 403
    assert client_as("agent").get("/feedback/disputes/stats").status_code == 403


def test_no_data_gives_empty_tables(app, users):
    assert stats.dispute_rates_by_reviewer() == []
    assert stats.dispute_rates_by_question() == []
    assert stats.agent_trend(users["agent"]) == []
    assert stats.missed_questions(users["agent"]) == []


def test_missed_questions_rank_by_misses(submit, users):
    submit(MISSED_GREETING)
    submit({"greet": "no", "verify": "yes", "tone": "4"})
    (greet, tone) = stats.missed_questions(users["agent"])
    assert (greet["key"], greet["missed"], greet["answered"]) == ("greet", 2, 2)
    assert greet["guidance"] == "Say your name and the company's."
    assert (tone["key"], tone["missed"], tone["answered"]) == ("tone", 1, 2)
