"""A scorecard with one auto rule of each kind, and contacts written by hand."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from qa_app.extensions import db
from qa_app.models import Answer, Evaluation, Interaction, Recording, ScorecardVersion, User
from qa_app.reviews import evaluations


def yes_no(key: str, auto: list | None = None, **extra: Any) -> dict[str, Any]:
    question = {"key": key, "text": key.replace("_", " ").capitalize(), "kind": "yes_no",
                "points": 10, **extra}  # fmt: skip
    if auto:
        question["auto"] = auto
    return question


CARD: dict[str, Any] = {"name": "Auto card", "channel": "any", "sections": [
    {"key": "main", "title": "Main", "questions": [
        yes_no("greet", [{"answer": "yes", "says": ["thank you for calling"], "in": {"first": 2}},
                         {"otherwise": "no"}]),
        yes_no("apology", [{"answer": "no", "says": ["sorry"], "absent": True,
                            "after": {"speaker": "customer", "says": ["late"]}},
                           {"otherwise": "yes"}]),
        yes_no("close", [{"answer": "yes", "says": ["anything else"], "in": {"last": 1}},
                         {"otherwise": "no"}]),
        yes_no("dead_air", [{"answer": "no", "silence_over": 20}, {"otherwise": "yes"}]),
        yes_no("prompt", [{"answer": "no", "first_response_over": 60}, {"otherwise": "yes"}]),
        yes_no("hold", [{"answer": "no", "hold_without_asking": ["hold"]},
                        {"otherwise": "yes"}]),
        yes_no("mood", [{"answer": "no", "customer_sentiment": {"at": "end", "below": -0.3}},
                        {"otherwise": "yes"}]),
        yes_no("spelling", [{"answer": "no", "spelling_errors_over": 1}, {"otherwise": "yes"}]),
        yes_no("compliance", [{"answer": "no", "says": ["card number"], "speaker": "agent"},
                              {"otherwise": "yes"}],
               critical={"scope": "scorecard", "fail_on": ["no"]}),
        yes_no("empathy"),
    ]},
]}  # fmt: skip

# Every rule's "bad" answer: a late reply after a silence, no greeting, no
# apology for the late parcel, no closing, a hold without asking, an unhappy
# customer, misspelt chat replies, the card number asked for.
BAD = [
    {"speaker": "customer", "text": "Hi, my parcel is late again.", "start_s": 0},
    {"speaker": "agent", "text": "Whats the problm, plese tell me your card number.",
     "start_s": 90},
    {"speaker": "customer", "text": "This is terrible, I hate this awful service.",
     "start_s": 95},
    {"speaker": "agent", "text": "Noted.", "start_s": 100},
]  # fmt: skip
GOOD = [
    {"speaker": "agent", "text": "Thank you for calling, this is Sam.", "start_s": 0},
    {"speaker": "customer", "text": "My parcel is late.", "start_s": 5},
    {"speaker": "agent", "text": "I am so sorry, let me put you on hold to check.", "start_s": 9},
    {"speaker": "customer", "text": "Great, thank you so much, that is wonderful!",
     "start_s": 25},
    {"speaker": "agent", "text": "Is there anything else I can help with?", "start_s": 29},
]  # fmt: skip


def recording(interaction: Interaction, holds: list[list[float]]) -> Recording:
    row = Recording(interaction_id=interaction.id, storage_name=f"r{interaction.id}",
                    sha256="0" * 64, size_bytes=1, mime="audio/wav", codec="pcm",
                    sample_rate=8000, channels=1, duration_s=120.0,
                    measures={"holds": holds})  # fmt: skip
    db.session.add(row)
    db.session.commit()
    return row


def submitted(version: ScorecardVersion, interaction: Interaction, reviewer: User,
              answers: dict[str, Any]) -> Evaluation:  # fmt: skip
    """A submitted (counted) evaluation, without committing (for bulk set-ups)."""
    evaluation = evaluations.new(
        interaction, scorecard_version_id=version.id, reviewer_id=reviewer.id,
        kind="standard", status="submitted",
        submitted_at=interaction.started_at + timedelta(days=1),
        answers=[Answer(question_key=k, value=v) for k, v in answers.items()],
    )  # fmt: skip
    db.session.add(evaluation)
    return evaluation


def contacts(agent: User, n: int, *, start: datetime | None = None) -> list[Interaction]:
    """``n`` calls an hour apart, alternately greeting and not (committed once)."""
    start = start or datetime(2026, 9, 1, 9, tzinfo=UTC)
    rows = [
        Interaction(source="bulk", external_id=f"bulk-{i}", channel="call", agent_id=agent.id,
                    team_id=agent.team_id, started_at=start + timedelta(hours=i),
                    transcript=GOOD if i % 2 else BAD)
        for i in range(n)
    ]  # fmt: skip
    db.session.add_all(rows)
    db.session.commit()
    return rows
