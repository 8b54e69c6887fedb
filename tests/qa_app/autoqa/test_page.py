"""The AutoQA page: every question with its source, figures, threshold and
state; untrusted figures only for the scorecard's owner; the threshold re-judges
the stored figures at once."""

from __future__ import annotations

from dataclasses import asdict

import pytest

from calibration import Interval, Stat
from qa_app.extensions import db
from qa_app.models import AuditEvent, AutoQaModel
from tests.qa_app.autoqa.support import CARD
from tests.qa_app.helpers import post_form


def figures(alpha: float, pairs: int = 80) -> dict:
    def stat(value: float) -> dict:
        return asdict(Stat(value, None, pairs, 2, "x", None))

    iv = asdict(Interval(alpha - 0.1, alpha + 0.05, 0.95, 100))
    return {"question": "q", "pairs": pairs, "percent": stat(0.9), "percent_interval": iv,
            "alpha": stat(alpha), "alpha_interval": iv, "gwet": stat(0.85),
            "gwet_interval": iv, "paradox": None, "trusted": alpha >= 0.667,
            "reason": "stored"}  # fmt: skip


@pytest.fixture
def card(make, users):
    card = make.scorecard(CARD)
    card.created_by_id = users["admin"].id  # the executive is not the owner
    for key, alpha in (("greet", 0.91), ("close", 0.6)):
        db.session.add(AutoQaModel(
            scorecard_id=card.id, question_key=key, source="rule", threshold=0.667,
            trusted=alpha >= 0.667, figures={"rule": figures(alpha)},
            reason="trusted" if alpha >= 0.667 else "not reliable yet: alpha 0.600 is below",
            disagreements=[{"interaction_id": 7, "reviewer_id": 1, "human": "no", "auto": "yes",
                            "evidence": {"turn": 2, "speaker": "agent", "start_s": 65.0,
                                         "text": "Thanks for calling"}}],
        ))  # fmt: skip
    db.session.commit()
    return card


def test_the_page_lists_every_question_with_its_state(client_as, card):
    html = client_as("executive").get(f"/autoqa/?scorecard={card.id}").get_data(as_text=True)
    assert 'data-testid="question-greet"' in html and 'data-testid="question-empathy"' in html
    greet = html.split('data-testid="question-greet"')[1].split("</tr>")[0]
    assert "trusted" in greet and "0.910" in greet and "80" in greet
    assert "(0.810\u20130.960)" in greet  # the bootstrap interval
    close = html.split('data-testid="question-close"')[1].split("</tr>")[0]
    # Not the owner: the state, never the untrusted figures or disagreements.
    assert "not reliable yet" in close and "0.600" not in close
    assert 'data-testid="disagreements-close"' not in html
    assert "not trained" in html.split('data-testid="question-empathy"')[1].split("</tr>")[0]
    # The trusted question's disagreements, with the quoted turn linked to the transcript.
    assert "/interactions/7#turn-3" in html and "Agent at 01:05" in html


def test_the_owner_sees_untrusted_figures(client_as, card, users):
    card.created_by_id = users["executive"].id
    db.session.commit()
    html = client_as("executive").get(f"/autoqa/?scorecard={card.id}").get_data(as_text=True)
    close = html.split('data-testid="question-close"')[1].split("</tr>")[0]
    assert "not reliable yet" in close and "0.600" in close
    assert 'data-testid="disagreements-close"' in html


@pytest.mark.parametrize("role", ["reviewer", "agent"])
def test_reviewers_and_agents_cannot_open_it(client_as, card, role):
    assert client_as(role).get("/autoqa/").status_code == 403


def test_lowering_the_threshold_trusts_what_now_passes(client_as, card):
    client = client_as("executive")
    response = post_form(client, f"/autoqa/{card.id}/threshold", {"threshold": "0.55"})
    assert response.status_code == 302
    db.session.expire_all()
    close = db.session.scalars(db.select(AutoQaModel).filter_by(question_key="close")).one()
    assert close.trusted and close.threshold == pytest.approx(0.55)
    assert card.autoqa_threshold == pytest.approx(0.55)
    event = db.session.scalars(db.select(AuditEvent).filter_by(action="autoqa.threshold_changed"))
    assert event.one().after == {"threshold": 0.55}


@pytest.mark.parametrize("value", ["1.5", "-0.1", "lots", ""])
def test_a_bad_threshold_is_refused_and_nothing_changes(client_as, card, value):
    response = post_form(client_as("executive"), f"/autoqa/{card.id}/threshold",
                         {"threshold": value})  # fmt: skip
    assert response.status_code == 422
    assert 'data-testid="threshold-error"' in response.get_data(as_text=True)
    db.session.expire_all()
    assert card.autoqa_threshold == pytest.approx(0.667)
