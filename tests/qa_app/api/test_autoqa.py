"""/api/v1 AutoQA: an interaction's auto-answers (untrusted ones for the owner
only) and a scorecard's per-question agreement figures."""

from __future__ import annotations

import pytest

from qa_app.extensions import db
from qa_app.models import AutoQaModel
from tests.qa_app.autoqa.support import CARD, GOOD


@pytest.fixture
def scored(runner, make, users):
    card = make.scorecard(CARD)
    card.created_by_id = users["admin"].id
    for key, trusted in (("greet", True), ("close", False)):
        db.session.add(AutoQaModel(scorecard_id=card.id, question_key=key, source="rule",
                                   threshold=0.667, trusted=trusted, reason="r",
                                   figures={"rule": {"pairs": 60}}))  # fmt: skip
    db.session.commit()
    item = make.interaction(users["agent"], channel="chat", transcript=GOOD)
    assert runner.invoke(args=["autoqa", "run", "--all"]).exit_code == 0
    return card, item


def test_auto_answers_of_an_interaction(api_as, scored):
    _card, item = scored
    body = api_as("reviewer").get(f"/api/v1/interactions/{item.id}/auto-answers").get_json()
    assert [(a["question_key"], a["answer"], a["trusted"]) for a in body["answers"]] == [
        ("greet", "yes", True)
    ]
    evidence = body["answers"][0]["evidence"]
    assert evidence == {"turn": 0, "speaker": "agent", "start_s": 0.0,
                        "text": "Thank you for calling, this is Sam."}  # fmt: skip
    assert body["scores"][0]["questions"] == ["greet"] and body["scores"][0]["total"] == 100.0
    # The owner (and admins) also see the untrusted questions' answers, marked.
    owner = api_as("admin").get(f"/api/v1/interactions/{item.id}/auto-answers").get_json()
    close = next(a for a in owner["answers"] if a["question_key"] == "close")
    assert close["trusted"] is False
    assert api_as("agent").get(f"/api/v1/interactions/{item.id}/auto-answers").status_code == 403


def test_agreement_figures_per_question(api_as, scored):
    card, _ = scored
    response = api_as("executive").get(f"/api/v1/autoqa/scorecards/{card.id}/agreement")
    body = response.get_json()
    assert body["threshold"] == pytest.approx(0.667)
    by_key = {q["key"]: q for q in body["questions"]}
    assert by_key["greet"]["state"] == "trusted" and by_key["greet"]["figures"] == {"pairs": 60}
    assert by_key["close"]["figures"] is None  # not the owner
    assert by_key["empathy"]["state"] == "not trained"
    assert (
        api_as("reviewer").get(f"/api/v1/autoqa/scorecards/{card.id}/agreement").status_code == 403
    )
    assert api_as("admin").get("/api/v1/autoqa/scorecards/999/agreement").status_code == 404
