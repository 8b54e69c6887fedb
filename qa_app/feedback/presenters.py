"""What the feedback pages show, gathered from the models: an evaluation
question by question, its change history, and the agent's home page lists."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import scorecards
from qa_app.extensions import db
from qa_app.feedback.coaching import WITH_CONTACT
from qa_app.models import (
    AuditEvent,
    CoachingItem,
    CoachingSession,
    Dispute,
    Evaluation,
    User,
)
from qa_app.reviews import evaluations

HISTORY_ACTIONS = ("evaluation.edited", "dispute.resolved")


def answer_label(question: scorecards.Question, value: Any) -> str:
    """An answer as a person reads it."""
    if value is None or value == "":
        return "—"
    if value == "na":
        return "N/A"
    if question.kind == "yes_no":
        return str(value).capitalize()
    if question.kind == "scale":
        lo, hi = question.scale_range
        return f"{value} (of {lo} to {hi})"
    if question.kind == "choice":
        return next((o.label for o in question.options if o.key == value), str(value))
    return str(value)


@dataclass
class Row:
    question: scorecards.Question
    value: Any
    label: str
    earned: float | None
    possible: float | None
    comment: str
    was: str | None = None  # the answer before a dispute changed it


@dataclass
class SectionView:
    title: str
    percent: float | None
    auto_failed: bool
    rows: list[Row] = field(default_factory=list)
    key: str = ""
    earned: float = 0.0
    possible: float = 0.0


def sections(evaluation: Evaluation, changed: dict[str, Any] | None = None) -> list[SectionView]:
    """The evaluation section by section; ``changed`` maps question keys to
    their original answer where a dispute changed it."""
    card = evaluations.card_for(evaluation.scorecard_version)
    result = evaluations.card_result(evaluation)
    by_key = {a.question_key: a for a in evaluation.answers}
    changed = changed or {}
    out = []
    for section, sr in zip(card.sections, result.sections, strict=True):
        view = SectionView(
            section.title, sr.percent, sr.auto_failed, [], section.key, sr.earned, sr.possible
        )
        for q in section.questions:
            answer = by_key.get(q.key)
            value = answer.value if answer else None
            view.rows.append(
                Row(
                    q,
                    value,
                    answer_label(q, value),
                    answer.earned if answer else None,
                    answer.possible if answer else None,
                    answer.comment if answer else "",
                    answer_label(q, changed[q.key]) if q.key in changed else None,
                )
            )
        out.append(view)
    return out


@dataclass(frozen=True)
class CriticalView:
    """One critical error as a page names it: the question, its answer, the
    family it hit and the auto-fail it fired (scope, None when none)."""

    question: scorecards.Question
    section: str
    label: str
    family: str | None
    auto_fail: str | None


def critical(evaluation: Evaluation) -> list[CriticalView]:
    """The questions behind the evaluation's critical errors and auto-fails,
    by the scoring rule itself (``scorecards.critical_errors``)."""
    card = evaluations.card_for(evaluation.scorecard_version)
    answers = {a.question_key: a.value for a in evaluation.answers if a.value is not None}
    titles = {q.key: s.title for s in card.sections for q in s.questions}
    return [
        CriticalView(
            card.question(e.key),
            titles[e.key],
            answer_label(card.question(e.key), answers.get(e.key)),
            e.family,
            e.auto_fail,
        )
        for e in scorecards.critical_errors(card, answers)
    ]


@dataclass
class Change:
    at: datetime
    actor: str
    action: str
    total_before: float | None
    total_after: float | None
    rows: list[tuple[str, str, str]]  # question text, before, after
    outcome: str | None = None


def history(evaluation: Evaluation) -> list[Change]:
    """Every audited change of the submitted evaluation: edits and dispute
    resolutions, each with the answers before and after."""
    card = evaluations.card_for(evaluation.scorecard_version)
    events = db.session.scalars(
        db.select(AuditEvent)
        .where(
            AuditEvent.entity_type == "evaluation",
            AuditEvent.entity_id == evaluation.id,
            AuditEvent.action.in_(HISTORY_ACTIONS),
        )
        .order_by(AuditEvent.at, AuditEvent.id)
    ).all()
    names = _names({e.actor_id for e in events if e.actor_id})
    out = []
    for event in events:
        before = (event.before or {}).get("answers", {})
        after = (event.after or {}).get("answers", {})
        rows = []
        for q in card.questions():
            if before.get(q.key) != after.get(q.key):
                rows.append(
                    (q.text, answer_label(q, before.get(q.key)), answer_label(q, after.get(q.key)))
                )
        out.append(
            Change(
                event.at,
                names.get(event.actor_id, "system"),
                event.action,
                (event.before or {}).get("total"),
                (event.after or {}).get("total"),
                rows,
                (event.after or {}).get("outcome"),
            )
        )
    return out


def original_answers(evaluation: Evaluation) -> dict[str, Any]:
    """Question key -> answer before the first dispute resolution changed it."""
    originals: dict[str, Any] = {}
    events = db.session.scalars(
        db.select(AuditEvent)
        .where(
            AuditEvent.entity_type == "evaluation",
            AuditEvent.entity_id == evaluation.id,
            AuditEvent.action == "dispute.resolved",
        )
        .order_by(AuditEvent.at, AuditEvent.id)
    ).all()
    for event in events:
        before = (event.before or {}).get("answers", {})
        after = (event.after or {}).get("answers", {})
        for key in set(before) | set(after):
            if before.get(key) != after.get(key):
                originals.setdefault(key, before.get(key))
    return originals


def disputes_of(evaluation: Evaluation) -> list[Dispute]:
    return list(
        db.session.scalars(
            db.select(Dispute)
            .where(Dispute.evaluation_id == evaluation.id)
            .order_by(Dispute.created_at, Dispute.id)
        )
    )


def _names(ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    return dict(db.session.execute(db.select(User.id, User.name).where(User.id.in_(ids))).all())


def awaiting_acknowledgement(agent: User) -> list[Evaluation]:
    return list(
        db.session.scalars(
            db.select(Evaluation)
            .where(
                Evaluation.agent_id == agent.id,
                Evaluation.counted,
                Evaluation.acknowledged_at.is_(None),
            )
            .order_by(Evaluation.submitted_at, Evaluation.id)
            .limit(50)
            .options(WITH_CONTACT)
        )
    )


def open_items(agent: User) -> list[tuple[CoachingItem, CoachingSession]]:
    rows = db.session.execute(
        db.select(CoachingItem, CoachingSession)
        .join(CoachingSession, CoachingSession.id == CoachingItem.session_id)
        .where(
            CoachingSession.agent_id == agent.id,
            CoachingSession.status == "open",
            CoachingItem.done_at.is_(None),
        )
        .order_by(CoachingItem.due_on.is_(None), CoachingItem.due_on, CoachingItem.id)
    ).all()
    return [(item, session) for item, session in rows]


def open_disputes(evaluation_ids: list[int]) -> set[int]:
    """Which of these evaluations have an open dispute."""
    if not evaluation_ids:
        return set()
    return set(
        db.session.scalars(
            db.select(Dispute.evaluation_id).where(
                Dispute.evaluation_id.in_(evaluation_ids), Dispute.status == "open"
            )
        )
    )
