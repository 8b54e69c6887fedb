"""A reviewer's day on one page: what is due, what is half done, what waits
for them, and how the week is going against their goal.

Each part is read through the service that owns its page (the review queue,
calibration, disputes, the flagged queue), so the home page counts exactly
what those pages list.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from flask import current_app
from sqlalchemy import func

from qa_app.calibration.services import pending_for
from qa_app.extensions import db
from qa_app.feedback import services as disputes
from qa_app.flags import queue as flag_queue
from qa_app.models import CalibrationSession, Dispute, Evaluation, User, utcnow
from qa_app.reviews import cycles
from qa_app.reviews import services as reviews

SHOWN = 5  # items listed per part; the count and the link cover the rest


@dataclass(frozen=True)
class Week(cycles.Progress):
    """Submitted evaluations since Monday 00:00 UTC against the weekly goal."""

    start: datetime
    done: int
    goal: int


@dataclass(frozen=True)
class Today:
    due: list[Any]  # open assignments due today or overdue (review queue rows)
    overdue: int
    due_today: int
    later: int
    drafts: list[Evaluation]
    calibrations: list[tuple[CalibrationSession, int]]  # session, interactions left
    disputes: list[Dispute]
    flags: flag_queue.Page
    week: Week
    # Goals of the review cycles the reviewer is in; where there are any, they
    # replace the weekly goal on the page.
    cycles: list[cycles.CycleGoal]

    @property
    def empty(self) -> bool:
        """Nothing waits: the page says so instead of listing empty parts."""
        return not (
            self.due or self.drafts or self.calibrations or self.disputes or self.flags.total
        )


def week_start(now: datetime) -> datetime:
    """Monday 00:00 UTC of ``now``'s week."""
    return (now - timedelta(days=now.weekday())).replace(hour=0, minute=0, second=0, microsecond=0)


def week(user: User, now: datetime) -> Week:
    """This week's counted evaluations (those agents see and reports count) against
    REVIEWER_WEEKLY_GOAL, until goals per review cycle exist."""
    start = week_start(now)
    done = db.session.scalar(
        db.select(func.count())
        .select_from(Evaluation)
        .where(
            Evaluation.reviewer_id == user.id,
            Evaluation.counted,
            Evaluation.submitted_at >= start,
        )
    )
    return Week(start, int(done or 0), int(current_app.config["REVIEWER_WEEKLY_GOAL"]))


def today(user: User, now: datetime | None = None) -> Today:
    """The reviewer's (or executive's) work for today, each part as its page lists it."""
    now = now or utcnow()
    assignments = reviews.queue(user.id)
    counts = reviews.counts(assignments, now)
    # The queue is ordered by due date, so what ``counts`` calls overdue or due
    # today comes first: no second definition of "due today".
    due = assignments[: counts.overdue + counts.due_today]
    open_disputes = disputes.queue(user) if user.role in disputes.RESOLVERS else []
    return Today(
        due=due[:SHOWN],
        overdue=counts.overdue,
        due_today=counts.due_today,
        later=counts.later,
        drafts=list(reviews.my_drafts(user.id)),
        calibrations=pending_for(user),
        disputes=open_disputes,
        flags=flag_queue.queue(flag_queue.Filters(unreviewed=True), per_page=SHOWN),
        week=week(user, now),
        cycles=cycles.goals_for(user, now),
    )
