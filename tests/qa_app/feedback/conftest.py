"""Fixtures for the feedback tests: a small scorecard and submitted
evaluations built through the evaluation service, as reviewers make them."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from qa_app.extensions import db
from qa_app.reports import rollups
from qa_app.reviews import evaluations
from tests.qa_app.rollup_check import rollups_equal_rebuild  # noqa: F401  (autouse)

CARD = {
    "name": "Mini",
    "channel": "call",
    "sections": [
        {
            "key": "a",
            "title": "Opening",
            "questions": [
                {
                    "key": "greet",
                    "text": "Greeted the customer?",
                    "kind": "yes_no",
                    "points": 2,
                    "guidance": "Say your name and the company's.",
                },
                {
                    "key": "verify",
                    "text": "Verified identity?",
                    "kind": "yes_no",
                    "points": 2,
                    "allow_na": True,
                    "critical": {"scope": "scorecard", "fail_on": ["no"]},
                    "error_family": "compliance",
                },
                {"key": "tone", "text": "Tone", "kind": "scale", "points": 4, "min": 1, "max": 5},
                {"key": "notes", "text": "Notes", "kind": "text", "required": False},
            ],
        },
    ],
}
GOOD = {"greet": "yes", "verify": "yes", "tone": "5"}
MISSED_GREETING = {"greet": "no", "verify": "yes", "tone": "5"}  # 6 of 8 = 75 %


@pytest.fixture
def card(make):
    return make.scorecard(CARD)


@pytest.fixture
def submit(make, users, card):
    """``submit(answers, agent=, reviewer=, started_at=, submitted_at=, comments=)``:
    a submitted evaluation made by the evaluation service."""

    def build(
        answers=None,
        *,
        agent=None,
        reviewer=None,
        started_at=None,
        submitted_at=None,
        comments=None,
    ):
        agent = agent or users["agent"]
        reviewer = reviewer or users["reviewer"]
        fields = {"started_at": started_at} if started_at else {}
        interaction = make.interaction(agent, **fields)
        draft = evaluations.start(reviewer, interaction, card.versions[0])
        saved = evaluations.save(
            reviewer,
            draft,
            answers or MISSED_GREETING,
            comments=comments,
            lock_version=draft.lock_version,
            submit=True,
        ).evaluation
        if submitted_at:
            rollup = rollups.track(db.session, [saved])  # backdated: so are its roll-ups
            saved.submitted_at = submitted_at
            rollup.settle()
            db.session.commit()
        return saved

    return build


def day(d: int, month: int = 11) -> datetime:
    return datetime(2026, month, d, 10, 0, tzinfo=UTC)
