"""Feedback workflow: who may see what, acknowledgement and disputes.

Visibility is answered with 404, never 403, when the thing belongs to someone
else: an agent probing ids learns nothing, not even that the id exists. The
one 403 is deliberate: the original reviewer asking to resolve a dispute of
their own evaluation is told why they may not.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from flask import abort, current_app
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

import scorecards
from qa_app import audit
from qa_app.extensions import db
from qa_app.models import Dispute, DisputeItem, Evaluation, User, utcnow
from qa_app.notifications import notify
from qa_app.reports import rollups
from qa_app.reviews import evaluations, policy
from qa_app.webhooks import payloads
from qa_app.webhooks.events import emit

RESOLVERS = ("executive", "reviewer")


class FeedbackError(ValueError):
    """A request the workflow refuses; ``message`` is shown to the person,
    ``errors`` maps form fields to their problems."""

    def __init__(self, message: str, errors: Mapping[str, str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.errors = dict(errors or {})


class OwnDisputeError(PermissionError):
    """The original reviewer may not see or resolve a dispute of their own work."""

    message = (
        "You scored this evaluation, so another reviewer or an executive resolves its dispute."
    )


class StaleDisputeError(RuntimeError):
    """Someone else resolved (or the agent withdrew) the dispute meanwhile."""


class MissingLockError(FeedbackError):
    """A resolution that does not say which version of the dispute it decided."""

    def __init__(self) -> None:
        super().__init__(
            "lock_version is missing: send the lock_version of the dispute as it was "
            "loaded (the page's hidden field), so another resolver's decision is never "
            "overwritten.",
            {"lock_version": "Required."},
        )


# --- visibility ---------------------------------------------------------------


def visible_evaluation(user: User, evaluation_id: int) -> Evaluation:
    """A submitted, counted evaluation ``user`` may read on the feedback pages;
    404 for anything else (another agent's, a draft, a calibration answer)."""
    evaluation = db.session.get(Evaluation, evaluation_id)
    if evaluation is None or not evaluation.counted or not policy.can_view(user, evaluation):
        abort(404)
    return evaluation


def own_evaluation(agent: User, evaluation_id: int) -> Evaluation:
    """The agent's own evaluation (for acknowledging and disputing), else 404."""
    evaluation = visible_evaluation(agent, evaluation_id)
    if evaluation.agent_id != agent.id:
        abort(404)
    return evaluation


def visible_dispute(user: User, dispute_id: int) -> Dispute:
    """The agent's own dispute; for resolvers any dispute except one of an
    evaluation they scored themselves (``OwnDisputeError``)."""
    dispute = db.session.get(Dispute, dispute_id)
    if dispute is None:
        abort(404)
    if user.role == "agent":
        if dispute.agent_id != user.id:
            abort(404)
        return dispute
    if user.role not in RESOLVERS or not policy.can_view(user, dispute.evaluation):
        abort(404)
    if dispute.evaluation.reviewer_id == user.id:
        raise OwnDisputeError
    return dispute


# --- acknowledgement ----------------------------------------------------------


def acknowledge(agent: User, evaluation: Evaluation, comment: str = "") -> bool:
    """Record that the agent has read the evaluation. Idempotent: the first
    acknowledgement's time and comment stay. Returns True when this call made
    the acknowledgement.

    A guarded UPDATE rather than an ORM change: two clicks cannot both win,
    and the evaluation's lock version is not bumped, so a reviewer editing
    the evaluation at the same moment is not told their page is stale.
    """
    done = db.session.execute(
        db.update(Evaluation)
        .where(Evaluation.id == evaluation.id, Evaluation.acknowledged_at.is_(None))
        .values(acknowledged_at=utcnow(), acknowledgement_comment=(comment or "").strip())
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    db.session.expire(evaluation)
    return done.rowcount == 1


# --- disputes -----------------------------------------------------------------


def window_closes(evaluation: Evaluation) -> datetime:
    days = int(current_app.config.get("DISPUTE_WINDOW_DAYS", 7))
    return (evaluation.submitted_at or utcnow()) + timedelta(days=days)


def open_dispute_of(evaluation: Evaluation) -> Dispute | None:
    return db.session.scalar(
        db.select(Dispute).where(Dispute.evaluation_id == evaluation.id, Dispute.status == "open")
    )


def dispute_refusal(evaluation: Evaluation) -> str | None:
    """Why the agent cannot dispute this evaluation now, or None if they can."""
    existing = open_dispute_of(evaluation)
    if existing is not None:
        return (
            "This evaluation already has an open dispute "
            f"(raised {existing.created_at:%d %b %Y}); wait for its outcome."
        )
    closes = window_closes(evaluation)
    if utcnow() > closes:
        return f"The dispute window for this evaluation closed on {closes:%d %b %Y}."
    return None


@dataclass(frozen=True)
class DisputeRequest:
    """What the agent contests: the whole evaluation (``reason``) and/or
    questions (``questions``: key -> reason)."""

    whole: bool
    reason: str
    questions: Mapping[str, str]


def open_dispute(agent: User, evaluation: Evaluation, request: DisputeRequest) -> Dispute:
    refusal = dispute_refusal(evaluation)
    if refusal:
        raise FeedbackError(refusal)
    card = evaluations.card_for(evaluation.scorecard_version)
    scored = {q.key for q in card.questions() if q.kind != "text"}
    errors: dict[str, str] = {}
    reason = request.reason.strip()
    if request.whole and not reason:
        errors["reason"] = "Say why you dispute the whole evaluation."
    for key, text in request.questions.items():
        if key not in scored:
            errors[f"reason-{key}"] = "This question cannot be disputed."
        elif not text.strip():
            errors[f"reason-{key}"] = "Give a reason for this question."
    if not request.whole and not request.questions:
        errors["reason"] = "Choose the whole evaluation or at least one question."
    if errors:
        raise FeedbackError("Please correct the dispute.", errors)
    answers = evaluation.answer_map()
    dispute = Dispute(
        evaluation_id=evaluation.id,
        agent_id=agent.id,
        whole_evaluation=request.whole,
        reason=reason,
        total_before=evaluation.total,
    )
    if request.whole:
        dispute.items.append(DisputeItem(question_key=None, reason=reason, old_value=answers))
    for key in (q.key for q in card.questions() if q.key in request.questions):
        dispute.items.append(
            DisputeItem(
                question_key=key,
                reason=request.questions[key].strip(),
                old_value=answers.get(key),
            )
        )
    db.session.add(dispute)
    try:
        db.session.flush()
        audit.record(agent, "dispute.opened", "dispute", dispute.id, None, _summary(dispute))
        emit("dispute.opened", payloads.dispute(dispute))
        db.session.commit()
    except IntegrityError as exc:  # lost the race to a second tab: one open dispute only
        db.session.rollback()
        raise FeedbackError(dispute_refusal(evaluation) or "A dispute is already open.") from exc
    return dispute


def withdraw(agent: User, dispute: Dispute) -> None:
    if dispute.agent_id != agent.id:
        abort(404)
    if dispute.status != "open":
        raise FeedbackError("Only an open dispute can be withdrawn.")
    dispute.status = "withdrawn"
    audit.record(agent, "dispute.withdrawn", "dispute", dispute.id, None, None)
    try:
        db.session.commit()
    except StaleDataError as exc:
        db.session.rollback()
        raise FeedbackError("This dispute was resolved in the meantime.") from exc


def queue(user: User, status: str = "open") -> list[Dispute]:
    """Disputes ``user`` may resolve or review: never those of their own work."""
    query = (
        db.select(Dispute)
        .join(Evaluation, Evaluation.id == Dispute.evaluation_id)
        .where(Dispute.status == status, Evaluation.reviewer_id != user.id)
        .order_by(Dispute.created_at, Dispute.id)
        .limit(200)
    )
    return list(db.session.scalars(query))


@dataclass(frozen=True)
class Decision:
    """A resolver's decision on one dispute item. ``answers`` carries the new
    answer(s): ``{question_key: value}`` (for a whole-evaluation item, every
    answer of the re-scored evaluation)."""

    decision: str
    answers: Mapping[str, Any]
    note: str = ""


def resolve(
    resolver: User,
    dispute: Dispute,
    decisions: Mapping[int, Decision],
    *,
    note: str,
    lock_version: int | str | None,
) -> Dispute:
    """Decide every item, re-score through the evaluation service, record the
    outcome, the audit event and the notifications, all in one transaction.

    ``lock_version`` is required (``MissingLockError``). A resolution that
    finds the dispute already resolved, or loses the race to resolve it, is a
    conflict (``StaleDisputeError``) unless it repeats exactly the resolution
    that won, by the same resolver (a double click): then it answers as that
    one did.
    """
    if dispute.evaluation.reviewer_id == resolver.id:
        raise OwnDisputeError
    if lock_version is None or str(lock_version).strip() == "":
        raise MissingLockError
    if dispute.status != "open" or str(dispute.lock_version) != str(lock_version).strip():
        if _repeats(resolver, dispute, decisions, note):
            return dispute
        raise StaleDisputeError
    evaluation = dispute.evaluation
    card = evaluations.card_for(evaluation.scorecard_version)
    answers = evaluation.answer_map()
    changes, errors = _apply_decisions(card, dispute, decisions, answers)
    if errors:
        db.session.rollback()  # forget the half-applied decisions
        raise FeedbackError("Please correct the decisions marked below.", errors)
    rollup = rollups.track(db.session, [evaluation])  # before the re-score
    before = evaluations.snapshot(evaluation)
    comments = {a.question_key: a.comment for a in evaluation.answers if a.comment}
    try:
        evaluations.apply_answers(evaluation, answers, comments)
    except scorecards.AnswerError as exc:  # defensive: values were checked above
        db.session.rollback()
        raise FeedbackError(str(exc)) from exc
    overturned = sum(1 for item in dispute.items if item.decision == "overturned")
    dispute.outcome = (
        "upheld"
        if overturned == 0
        else "overturned"
        if overturned == len(dispute.items)
        else "partly_overturned"
    )
    dispute.status, dispute.resolved_at, dispute.resolved_by_id = "resolved", utcnow(), resolver.id
    dispute.resolution_note = note.strip()
    dispute.total_before, dispute.total_after = before["total"], evaluation.total
    after = evaluations.snapshot(evaluation)
    audit.record(
        resolver,
        "dispute.resolved",
        "evaluation",
        evaluation.id,
        before | {"dispute_id": dispute.id},
        after | {"dispute_id": dispute.id, "outcome": dispute.outcome, "changed": changes},
    )
    emit("dispute.decided", payloads.dispute(dispute))
    title = f"Your dispute was {dispute.outcome.replace('_', ' ')}"
    link = f"/feedback/evaluations/{evaluation.id}"
    notify(dispute.agent_id, "dispute", title, link=link, body=_totals(dispute))
    notify(
        evaluation.reviewer_id,
        "dispute",
        f"A dispute of your evaluation #{evaluation.id} was {dispute.outcome.replace('_', ' ')}",
        link=link,
        body=_totals(dispute),
    )
    try:
        rollup.settle()  # the re-score reaches the report roll-ups
        db.session.commit()
    except StaleDataError as exc:  # another resolver (or an edit) won the race
        db.session.rollback()
        if _repeats(resolver, dispute, decisions, note):
            return dispute
        raise StaleDisputeError from exc
    return dispute


def _repeats(
    resolver: User, dispute: Dispute, decisions: Mapping[int, Decision], note: str
) -> bool:
    """True when ``dispute`` is resolved by ``resolver`` exactly as these
    decisions say: each item's decision, note and corrected answer(s), and
    the resolution note."""
    if dispute.status != "resolved" or dispute.resolved_by_id != resolver.id:
        return False
    if dispute.resolution_note != note.strip():
        return False
    card = evaluations.card_for(dispute.evaluation.scorecard_version)
    answers = dispute.evaluation.answer_map()
    for item in dispute.items:
        decision = decisions.get(item.id)
        if decision is None or (decision.decision, decision.note.strip()) != (
            item.decision,
            item.note,
        ):
            return False
        if decision.decision != "overturned":
            continue
        keys = (
            [item.question_key]
            if item.question_key
            else [q.key for q in card.questions() if q.kind != "text"]
        )
        for key in keys:
            problem, value = _checked(card.question(key), decision.answers.get(key))
            if problem or value != answers.get(key):
                return False
    return True


def _apply_decisions(
    card: scorecards.Scorecard,
    dispute: Dispute,
    decisions: Mapping[int, Decision],
    answers: dict[str, Any],
) -> tuple[list[str], dict[str, str]]:
    """Validate each decision against its question and fold the new answers
    into ``answers``. Returns the changed keys and the errors by field."""
    errors: dict[str, str] = {}
    changed: list[str] = []
    for item in dispute.items:
        decision = decisions.get(item.id)
        field = f"decision-{item.id}"
        if decision is None or decision.decision not in ("upheld", "overturned"):
            errors[field] = "Choose upheld or overturned."
            continue
        item.decision, item.note = decision.decision, decision.note.strip()
        if decision.decision == "upheld":
            item.new_value = None
            continue
        keys = (
            [item.question_key]
            if item.question_key
            else [q.key for q in card.questions() if q.kind != "text"]
        )
        new: dict[str, Any] = {}
        failed = False
        for key in keys:
            problem, value = _checked(card.question(key), decision.answers.get(key))
            if problem:
                failed = True
                errors[f"value-{item.id}" if item.question_key else f"answer-{key}"] = problem
            elif value != answers.get(key):
                new[key] = value
        if not new and not failed:
            errors[f"value-{item.id}"] = "Choose a different answer, or uphold."
        for key, value in new.items():
            if value is None:
                answers.pop(key, None)
            else:
                answers[key] = value
            changed.append(key)
        item.new_value = new.get(item.question_key) if item.question_key else new
    return changed, errors


def _checked(question: scorecards.Question, raw: Any) -> tuple[str | None, Any]:
    """(problem, value) for a new answer to ``question``."""
    if raw is None or raw == "":
        if question.kind == "text" or not question.required:
            return None, None
        return "Choose the corrected answer.", None
    if question.kind == "text":
        return None, str(raw)
    if raw == "na":
        return (None, "na") if question.allow_na else ("N/A is not allowed here.", None)
    valid = {str(a): a for a in question.answers()}
    if str(raw) not in valid:
        return "That is not an answer this question takes.", None
    return None, valid[str(raw)]


def _summary(dispute: Dispute) -> dict[str, Any]:
    return {
        "evaluation_id": dispute.evaluation_id,
        "whole": dispute.whole_evaluation,
        "questions": [i.question_key for i in dispute.items if i.question_key],
    }


def _totals(dispute: Dispute) -> str:
    def fmt(value: float | None) -> str:
        return "n/a" if value is None else f"{value:.1f}"

    return f"Score {fmt(dispute.total_before)} -> {fmt(dispute.total_after)}"
