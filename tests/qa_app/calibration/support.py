"""Shared by the calibration tests: a four-question scorecard, three
interactions, three invited reviewers, the executive as facilitator."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from qa_app.calibration import services
from qa_app.models import CalibrationSession, Interaction, User
from qa_app.reviews import evaluations

CARD = {
    "name": "Calibration card",
    "channel": "call",
    "sections": [
        {
            "key": "main",
            "title": "Main",
            "questions": [
                {"key": "greet", "text": "Greeted the customer?", "kind": "yes_no", "points": 2},
                {
                    "key": "verify",
                    "text": "Verified identity?",
                    "kind": "yes_no",
                    "points": 2,
                    "allow_na": True,
                },
                {"key": "tone", "text": "Tone", "kind": "scale", "points": 4, "min": 1, "max": 5},
                {
                    "key": "outcome",
                    "text": "Outcome",
                    "kind": "choice",
                    "points": 4,
                    "options": [
                        {"key": "solved", "label": "Solved", "points": 4},
                        {"key": "partly", "label": "Partly solved", "points": 2},
                        {"key": "not", "label": "Not solved", "points": 0},
                    ],
                },
                {"key": "notes", "text": "Notes", "kind": "text"},
            ],
        }
    ],
}


@dataclass
class Calib:
    session: CalibrationSession
    interactions: list[Interaction]
    reviewers: list[User]
    facilitator: User
    agent: User

    def submit(self, user: User, n: int, answers: dict[str, Any], **kw: Any):
        evaluation = services.start(user, self.session, self.interactions[n].id, "calibration")
        return evaluations.save(
            user, evaluation, answers, lock_version=evaluation.lock_version, submit=True, **kw
        ).evaluation

    def benchmark(self, n: int, answers: dict[str, Any]):
        evaluation = services.start(
            self.facilitator, self.session, self.interactions[n].id, "benchmark"
        )
        return evaluations.save(
            self.facilitator, evaluation, answers, lock_version=evaluation.lock_version, submit=True
        ).evaluation


def build(
    make, users, *, items: int = 3, blind: bool = True, reviewers: int = 3, card=None
) -> Calib:
    card = make.scorecard(card or CARD)
    interactions = [make.interaction(users["agent"]) for _ in range(items)]
    invited = [
        make.user("reviewer", name=f"Reviewer {chr(65 + n)}", email=f"r{n}@example.test")
        for n in range(reviewers)
    ]
    session = services.create(
        users["executive"],
        title="November calibration",
        version_id=card.versions[0].id,
        interaction_ids=[i.id for i in interactions],
        external_ids="",
        reviewer_ids=[u.id for u in invited],
        deadline=None,
        blind=blind,
    )
    return Calib(session, interactions, invited, users["executive"], users["agent"])


ALL_YES = {"greet": "yes", "verify": "yes", "tone": "4", "outcome": "solved"}
