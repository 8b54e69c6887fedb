"""Evaluations: the one place where answers are saved and scores computed.

Every page, report, export and API gets its numbers through ``apply_answers``,
which calls ``scorecards.score`` on the pinned scorecard version. Nothing a
reviewer submitted is lost: concurrent saves are refused (optimistic lock),
double submits are idempotent, and changes after submission are audited with
the previous answers.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload, selectinload
from sqlalchemy.orm.exc import StaleDataError

import scorecards
from qa_app import audit
from qa_app.extensions import db
from qa_app.models import (
    Answer,
    Assignment,
    CalibrationSession,
    Evaluation,
    Interaction,
    ScorecardVersion,
    User,
    utcnow,
)
from qa_app.notifications import notify
from qa_app.reports import rollups
from qa_app.reviews import payload
from qa_app.webhooks import payloads
from qa_app.webhooks.events import emit


class StaleEvaluationError(RuntimeError):
    """Someone saved this evaluation since the page was loaded."""


class MissingLockError(ValueError):
    """A save that does not say which version of the evaluation it was made
    on: without it the optimistic lock cannot protect anyone's work."""

    def __init__(self) -> None:
        super().__init__(
            "lock_version is missing: send the lock_version of the evaluation as it "
            "was loaded (the scoring page's hidden field), so a newer save is never "
            "overwritten."
        )


class ClosedError(RuntimeError):
    """This evaluation no longer takes answers (calibration revealed, or closed)."""


class SupersededError(ClosedError):
    """The draft was closed because its assignment went to someone else."""


SUPERSEDED = (
    "This draft was closed: its assignment went to another reviewer. It is kept but not counted."
)


class IncompleteError(ValueError):
    def __init__(self, missing: tuple[str, ...]) -> None:
        super().__init__(f"{len(missing)} required question(s) unanswered")
        self.missing = missing


@dataclass(frozen=True)
class Saved:
    evaluation: Evaluation
    result: scorecards.Result
    # The optimistic-lock counter as written: read before the commit expires
    # the evaluation, so answering with it costs no reload.
    lock_version: int


def card_for(version: ScorecardVersion) -> scorecards.Scorecard:
    """The parsed scorecard of a version.

    Parsed on every call (0.1 ms for 10 questions, 0.2 ms for 30): a cache
    would save less than a tenth of any page's budget (bench/caches.py)."""
    return scorecards.from_dict(version.definition)


def _scoring_options(page: bool) -> list[Any]:
    shown = (Interaction.external_id, Interaction.csat, Interaction.transcript) if page else ()
    interaction = joinedload(Evaluation.interaction).load_only(
        Interaction.channel, Interaction.started_at, Interaction.agent_id, *shown
    )
    if page:
        interaction = interaction.joinedload(Interaction.agent).load_only(User.name)
    return [
        interaction,
        joinedload(Evaluation.scorecard_version).load_only(
            ScorecardVersion.scorecard_id,
            ScorecardVersion.number,
            ScorecardVersion.published_at,
            ScorecardVersion.definition,
        ),
        selectinload(Evaluation.answers),
    ]


# Built once: loader options are immutable, and building the statement with
# them was a fifth of the ORM's work on every scoring request.
_SCORING = {
    page: sa.select(Evaluation)
    .options(*_scoring_options(page))
    .where(Evaluation.id == sa.bindparam("evaluation_id"))
    for page in (True, False)
}


def get_for_scoring(evaluation_id: int, *, page: bool = True) -> Evaluation | None:
    """The evaluation with everything a scoring request reads, in two queries
    rather than six: the interaction and its agent, the pinned version and the
    answers, each with only the columns used (the transcript only when a
    ``page`` shows it). Anything else is still loaded on first access."""
    rows = db.session.execute(_SCORING[page], {"evaluation_id": evaluation_id})
    return rows.scalars().first()


def new(interaction: Any, **fields: Any) -> Evaluation:
    """A new evaluation of ``interaction`` (anything with its ``id``,
    ``agent_id``, ``team_id`` and ``channel``: the model or a row), not yet added.

    Every evaluation is created here, so the columns copied from its
    interaction are always set: the agent, and the evaluation's team and
    channel, which are its interaction's (the contact's team at the time).
    ``follow_interactions`` keeps them so when an import moves the interaction.
    """
    return Evaluation(
        interaction_id=interaction.id,
        agent_id=interaction.agent_id,
        team_id=interaction.team_id,
        channel=interaction.channel,
        **fields,
    )


def moved(
    evaluations: Any = Evaluation.__table__.c, interactions: Any = Interaction.__table__.c
) -> Any:
    """SQL: the evaluation's team or channel is not its interaction's (the two
    tables joined on ``interaction_id``). Never true once ``new`` and
    ``follow_interactions`` have done their work."""
    return sa.or_(
        evaluations.team_id.is_distinct_from(interactions.team_id),
        evaluations.channel != interactions.channel,
    )


def follow_interactions(conn: sa.Connection, source: str, external_ids: list[str]) -> None:
    """After a bulk write of interactions (an import may move one to another
    team or channel): their evaluations take the new team and channel.

    Call inside ``rollups.interactions_rewritten``, so the roll-ups move with them.
    """
    evals, inters = Evaluation.__table__, Interaction.__table__
    conn.execute(
        evals.update()
        .where(
            inters.c.source == source,
            inters.c.external_id.in_(external_ids),
            inters.c.id == evals.c.interaction_id,
            moved(evals.c, inters.c),
        )
        # Not an edit of the evaluation: its ``updated_at`` (and, this being
        # Core, its lock version) stay as they were.
        .values(team_id=inters.c.team_id, channel=inters.c.channel, updated_at=evals.c.updated_at)
    )


def start(
    reviewer: User,
    interaction: Interaction,
    version: ScorecardVersion,
    *,
    kind: str = "standard",
    assignment: Assignment | None = None,
    calibration_session_id: int | None = None,
) -> Evaluation:
    """The reviewer's draft for this interaction, created if there is none.

    Two clicks racing on "start" both land on the same draft: the database's
    partial unique index refuses the second insert and we return the first.
    """
    existing = _existing(reviewer.id, interaction.id, kind, calibration_session_id)
    if existing is not None:
        return existing
    evaluation = new(
        interaction,
        scorecard_version_id=version.id,
        reviewer_id=reviewer.id,
        kind=kind,
        assignment_id=assignment.id if assignment else None,
        calibration_session_id=calibration_session_id,
    )
    db.session.add(evaluation)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        existing = _existing(reviewer.id, interaction.id, kind, calibration_session_id)
        if existing is None:
            raise
        return existing
    return evaluation


def _existing(
    reviewer_id: int, interaction_id: int, kind: str, calibration_session_id: int | None
) -> Evaluation | None:
    query = db.select(Evaluation).where(
        Evaluation.reviewer_id == reviewer_id,
        Evaluation.interaction_id == interaction_id,
        Evaluation.kind == kind,
    )
    if calibration_session_id is None:
        query = query.where(
            Evaluation.calibration_session_id.is_(None), Evaluation.status == "draft"
        )
    else:
        query = query.where(Evaluation.calibration_session_id == calibration_session_id)
    return db.session.scalars(query.order_by(Evaluation.id).limit(1)).first()


def snapshot(evaluation: Evaluation) -> dict[str, Any]:
    """Answers, comments and score of an evaluation, for the audit trail."""
    return {
        "answers": {a.question_key: a.value for a in evaluation.answers},
        "comments": {a.question_key: a.comment for a in evaluation.answers if a.comment},
        "comment": evaluation.comment,
        "total": evaluation.total,
        "status": evaluation.status,
    }


def apply_answers(
    evaluation: Evaluation, answers: Mapping[str, Any], comments: Mapping[str, str] | None = None
) -> scorecards.Result:
    """Score ``answers`` on the pinned version and store answers and score.

    Raises ``scorecards.AnswerError`` (nothing changed) when an answer is not
    one the question can take.
    """
    card = card_for(evaluation.scorecard_version)
    result = scorecards.score(card, answers)  # raises before anything changes
    rows = payload.as_stored(card, answers, comments)
    by_key = {a.question_key: a for a in evaluation.answers}
    for question in card.questions():
        answer = by_key.get(question.key)
        if question.key not in rows:
            if answer is not None:
                evaluation.answers.remove(answer)
            continue
        if answer is None:
            answer = Answer(question_key=question.key)
            evaluation.answers.append(answer)
        value, note = rows[question.key]
        answer.value, answer.comment = value, note
        if value is None or value == "na" or question.kind == "text":
            answer.earned = answer.possible = None
        else:
            answer.earned, answer.possible = question.points_for(value), question.points
    evaluation.total = result.total
    evaluation.total_before_autofail = result.total_before_autofail
    evaluation.auto_failed = result.auto_failed
    evaluation.critical_families = sorted(result.critical_families)
    return result


def save(actor: User, evaluation: Evaluation, answers: Mapping[str, Any], **options: Any) -> Saved:
    """Save a draft, or submit, or edit a submitted evaluation (audited).

    Keyword options: ``comments``, ``comment``, ``lock_version`` (required:
    ``MissingLockError`` without it), ``seconds``, ``submit``.

    A post whose ``lock_version`` is stale is a conflict
    (``StaleEvaluationError``, nothing changed) unless everything it carries
    is what is stored: then it is a repeat of a save that already happened (a
    double click) and answers as that save did. Losing a race with another
    save at a flush or the commit is judged the same way, on the winner's
    state. A draft closed because its assignment went to someone else raises
    ``SupersededError`` with the reason.
    """
    if options.get("lock_version") is None or str(options["lock_version"]).strip() == "":
        raise MissingLockError
    for attempt in (1, 2):
        try:
            return _save(actor, evaluation, answers, **options)
        except StaleDataError as exc:
            db.session.rollback()  # expires the evaluation: the retry reads the winner's state
            if attempt == 2:
                raise StaleEvaluationError from exc
        except _AssignmentGoneError as gone:
            db.session.rollback()  # nothing of the refused submit is written
            _supersede(actor, evaluation, gone.reason)
            try:
                db.session.commit()
            except StaleDataError:  # closed meanwhile by the reassignment itself
                db.session.rollback()
            raise SupersededError(gone.reason) from None
    raise AssertionError("unreachable")


def _save(
    actor: User,
    evaluation: Evaluation,
    answers: Mapping[str, Any],
    *,
    comments: Mapping[str, str] | None = None,
    comment: str | None = None,
    lock_version: int | str,
    seconds: int = 0,
    submit: bool = False,
) -> Saved:
    if evaluation.calibration_session_id is not None:
        session = db.session.get(CalibrationSession, evaluation.calibration_session_id)
        if session is None or session.status != "open":
            raise ClosedError("This calibration session has been revealed; answers are closed.")
    if evaluation.status == "superseded":
        raise SupersededError(evaluation.closed_reason or SUPERSEDED)
    if str(evaluation.lock_version) != str(lock_version).strip():
        if not _same(evaluation, answers, comments, comment):
            raise StaleEvaluationError
        if not submit or evaluation.status == "submitted":
            # A repeat of a save that already happened: answer as it did.
            return Saved(evaluation, card_result(evaluation), evaluation.lock_version)
        # Submitting exactly what the stored draft holds: nothing of anyone's
        # is overwritten, so the submit goes ahead on the current version.
    rollup = rollups.track(db.session, [evaluation])  # before anything changes
    was_submitted = evaluation.status == "submitted"
    before = snapshot(evaluation) if was_submitted else None
    result = apply_answers(evaluation, answers, comments)
    if comment is not None:
        evaluation.comment = comment.strip()
    evaluation.time_spent_seconds += max(0, min(int(seconds), 4 * 3600))
    if not result.complete and was_submitted:
        db.session.rollback()  # a submitted evaluation never becomes incomplete
        raise IncompleteError(result.missing_required)
    if not result.complete and submit:
        db.session.commit()  # keep the reviewer's work as a draft, then say what is missing
        raise IncompleteError(result.missing_required)
    if submit and not was_submitted:
        _mark_submitted(evaluation)
    if was_submitted:
        audit.record(
            actor, "evaluation.edited", "evaluation", evaluation.id, before, snapshot(evaluation)
        )
    rollup.settle()  # flushes (a lost race raises here as at commit), then the report roll-ups
    lock_version = evaluation.lock_version
    db.session.commit()
    return Saved(evaluation, result, lock_version)


def _same(
    evaluation: Evaluation,
    answers: Mapping[str, Any],
    comments: Mapping[str, str] | None,
    comment: str | None,
) -> bool:
    stored = {a.question_key: (a.value, a.comment or "") for a in evaluation.answers}
    card = card_for(evaluation.scorecard_version)
    return payload.same(card, stored, evaluation.comment, answers, comments, comment)


def _mark_submitted(evaluation: Evaluation) -> None:
    evaluation.status = "submitted"
    evaluation.submitted_at = utcnow()
    if evaluation.assignment_id is not None:
        # One UPDATE, sent before the flush that writes the evaluation and
        # its report roll-ups, so the roll-up rows (shared by every reviewer
        # of the team that day) stay locked only from there to the commit.
        # It completes the assignment only if it is still open and still this
        # reviewer's: one assignment counts once, so a draft whose assignment
        # was reassigned or done meanwhile is closed instead of submitted.
        with db.session.no_autoflush:
            done = db.session.execute(
                sa.update(Assignment)
                .where(
                    Assignment.id == evaluation.assignment_id,
                    Assignment.status == "open",
                    Assignment.reviewer_id == evaluation.reviewer_id,
                )
                .values(status="done", completed_at=utcnow()),
                execution_options={"synchronize_session": False},
            )
            if done.rowcount != 1:
                raise _AssignmentGoneError(_gone_reason(evaluation.assignment_id))
    emit("evaluation.submitted", payloads.evaluation(evaluation))
    if evaluation.counted:
        notify(
            evaluation.agent_id,
            "evaluation",
            f"New evaluation of your {evaluation.interaction.channel} "
            f"of {evaluation.interaction.started_at:%d %b}",
            link=f"/feedback/evaluations/{evaluation.id}",
        )


class _AssignmentGoneError(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _gone_reason(assignment_id: int) -> str:
    with db.session.no_autoflush:
        assignment = db.session.get(Assignment, assignment_id)
    if assignment is None or assignment.status == "cancelled":
        return "This draft was closed: its assignment was cancelled. It is kept but not counted."
    if assignment.status == "done":
        return (
            "This draft was closed: its assignment was already completed by another "
            "evaluation, and an assignment counts once. It is kept but not counted."
        )
    return (
        f"This draft was closed: its assignment was reassigned to {assignment.reviewer.name}. "
        "It is kept but not counted."
    )


def _supersede(actor: User, evaluation: Evaluation, reason: str) -> None:
    """Close a draft (kept, visible, never counted) and tell its author why."""
    if evaluation.status != "draft":
        return
    evaluation.status = "superseded"
    evaluation.closed_reason = reason
    audit.record(
        actor,
        "evaluation.superseded",
        "evaluation",
        evaluation.id,
        {"status": "draft"},
        {"status": "superseded", "reason": reason},
    )
    _tell_closed(evaluation.reviewer_id, evaluation.id, reason)


def _tell_closed(reviewer_id: int, evaluation_id: int, reason: str) -> None:
    notify(
        reviewer_id,
        "evaluation",
        f"Your draft evaluation #{evaluation_id} was closed",
        link=f"/reviews/evaluations/{evaluation_id}",
        body=reason,
    )


def supersede_drafts(assignment: Assignment, reason: str, *, everyone: bool = False) -> list[int]:
    """Close the drafts started on ``assignment`` by anyone but its current
    reviewer (after a reassignment), or by anyone at all (``everyone``: the
    assignment was cancelled or swapped), telling each author why; returns
    their ids. The caller commits.

    One UPDATE that also moves the lock on, so a save racing it (the author's
    page still open) is refused as superseded rather than taking the
    assignment's count. Drafts contribute nothing to the report roll-ups, and
    neither do superseded ones, so this write needs no roll-up change.
    """
    closed = db.session.execute(
        sa.update(Evaluation)
        .where(
            Evaluation.assignment_id == assignment.id,
            Evaluation.status == "draft",
            sa.true() if everyone else Evaluation.reviewer_id != assignment.reviewer_id,
        )
        .values(
            status="superseded",
            closed_reason=reason,
            lock_version=Evaluation.lock_version + 1,
            updated_at=utcnow(),
        )
        .returning(Evaluation.id, Evaluation.reviewer_id),
        execution_options={"synchronize_session": False},
    ).all()
    for evaluation_id, reviewer_id in closed:
        _tell_closed(reviewer_id, evaluation_id, reason)
    return [evaluation_id for evaluation_id, _ in closed]


def card_result(evaluation: Evaluation) -> scorecards.Result:
    """Re-score an evaluation from its stored answers (for display)."""
    card = card_for(evaluation.scorecard_version)
    return scorecards.score(
        card, {a.question_key: a.value for a in evaluation.answers if a.value is not None}
    )
