"""The scoring page pre-fills trusted auto-answers, marked with their evidence;
an untrusted question is never pre-filled; nothing is submitted by itself."""

from __future__ import annotations

import re
from types import SimpleNamespace

import pytest

from qa_app.extensions import db
from qa_app.models import AutoQaModel, Evaluation
from qa_app.reviews import evaluations
from tests.qa_app.autoqa.support import CARD, GOOD


def checked(page: str, key: str) -> list[str]:
    return re.findall(rf'name="answer_{key}" type="radio" value="([^"]+)" checked', page)


@pytest.fixture
def draft(runner, make, users):
    card = make.scorecard(CARD)
    for key, trusted in (("greet", True), ("close", False)):
        db.session.add(AutoQaModel(scorecard_id=card.id, question_key=key, source="rule",
                                   threshold=0.667, trusted=trusted))  # fmt: skip
    db.session.commit()
    item = make.interaction(users["agent"], channel="chat", transcript=GOOD)
    assert runner.invoke(args=["autoqa", "run", "--all"]).exit_code == 0
    return evaluations.start(users["reviewer"], item, card.versions[0])


def test_trusted_answers_are_prefilled_with_their_evidence(client_as, draft):
    page = client_as("reviewer").get(f"/reviews/evaluations/{draft.id}/score").get_data(True)
    assert checked(page, "greet") == ["yes"]
    mark = page.split('data-testid="auto-suggestion-greet"')[1].split("</div>")[0]
    assert "auto: yes" in mark and "Thank you for calling, this is Sam." in mark
    assert f"/interactions/{draft.interaction_id}#turn-1" in mark and "Agent at 00:00" in mark


def test_an_untrusted_question_is_never_prefilled(client_as, draft):
    page = client_as("reviewer").get(f"/reviews/evaluations/{draft.id}/score").get_data(True)
    # The closing rule answered "yes" too, but the gate has not let it through.
    assert checked(page, "close") == []
    assert 'data-testid="auto-suggestion-close"' not in page
    # ... nor any question without a model row (never trained).
    assert 'data-testid="auto-suggestion-apology"' not in page


def test_the_reviewers_own_answer_wins_and_nothing_is_saved_by_itself(client_as, draft, users):
    evaluations.save(users["reviewer"], draft, {"greet": "no"}, lock_version=draft.lock_version)
    page = client_as("reviewer").get(f"/reviews/evaluations/{draft.id}/score").get_data(True)
    assert checked(page, "greet") == ["no"]
    assert "auto: yes" in page  # still shown beside it, with its evidence
    db.session.expire_all()
    stored = db.session.get(Evaluation, draft.id)
    assert stored.status == "draft" and stored.answer_map() == {"greet": "no"}


def test_a_calibration_or_submitted_evaluation_gets_no_suggestions(draft):
    from qa_app.autoqa import services

    card = evaluations.card_for(draft.scorecard_version)
    fields = {k: getattr(draft, k) for k in ("status", "kind", "calibration_session_id",
                                             "interaction_id", "scorecard_version_id")}  # fmt: skip
    assert services.suggestions(SimpleNamespace(**fields), card)  # the draft gets them
    blind = SimpleNamespace(**fields | {"kind": "calibration", "calibration_session_id": 1})
    assert services.suggestions(blind, card) == {}
    done = SimpleNamespace(**fields | {"status": "submitted"})
    assert services.suggestions(done, card) == {}
