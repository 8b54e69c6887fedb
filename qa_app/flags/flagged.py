"""What "flagged" means, defined once: the Flagged queue lists exactly these
interactions and the Operations report's flag precision counts exactly these.

Every active model scores every interaction (a ``Flag`` row holds the score), but
a score is only a *flag* when two things hold:

- its probability is at or above the model's threshold (``flag_threshold``, set at
  training so that the model's review budget, e.g. the top 5 %, of the training
  period would have been flagged), and
- it is within the review budget: of all the interactions the model has scored, at
  most ``ceil(budget x scored)``, the highest first. When contacts drift riskier
  than the training period, the threshold alone would flag more than a team can
  review; the budget caps it. Scores tied at the cut are all flags (same
  probability, same treatment), so the count can pass the cap by the ties.

Both together are one probability per active model (``Cut.probability``), so the
condition is a plain comparison the database evaluates with the indexes it has.

The budget's part (how many scores the model has, and the probability of the last
one the budget allows) is a count and an ``OFFSET`` over all of a model's scores:
too slow to run on every read of a million scores. It is measured where the scores
change and stored on the model's row (``store_cut``: after scoring, training,
activation), with the budget it was measured at; readers use the stored figures.
A row measured at another budget than the one in force now (``FLAG_BUDGET``
changed for a model trained without one), or never measured, is measured live by
each read, as before, until the next scoring run stores it again.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Iterable
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import ColumnElement, Table, and_, false, func, or_, select

from qa_app.extensions import db
from qa_app.models import Flag, FlagModel

DEFAULT_THRESHOLD = 0.5
"""For a model stored without a threshold (``flagging`` uses the same default)."""

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Cut:
    """Where flags start for one active model."""

    model_id: int
    target: str
    version: int
    threshold: float
    budget: float
    scored: int  # interactions this model has scored
    allowed: int  # the budget: ceil(budget x scored)
    probability: float | None  # the lowest probability that is a flag; None: none is


def cuts(target: str | None = None) -> list[Cut]:
    """The cut of each active, ready model (of ``target`` when given), from the
    figures stored on its row; measured live instead when they are not current."""
    query = select(FlagModel).where(FlagModel.active.is_(True), FlagModel.status == "ready")
    if target:
        query = query.where(FlagModel.target == target)
    return [_cut(row) for row in db.session.scalars(query.order_by(FlagModel.target))]


def budget_of(row: FlagModel) -> float:
    """The model's review budget: the one it was trained for, else ``FLAG_BUDGET``."""
    budget = (row.meta or {}).get("budget")
    return float(current_app.config.get("FLAG_BUDGET", 0.05) if budget is None else budget)


def allowed(budget: float, scored: int) -> int:
    """How many of ``scored`` scores the budget allows: ceil(budget x scored)."""
    return math.ceil(budget * scored - 1e-9)  # 5 % of 3,000 is 150, not 151


def is_current(row: FlagModel) -> bool:
    """The stored figures were measured (``store_cut``) at the budget in force now."""
    return row.cut_scored is not None and row.cut_budget == budget_of(row)


def store_cut(rows: Iterable[FlagModel]) -> None:
    """Measure the budget's part of each model's cut on its scores now and store it
    on the row (the caller commits). Every path that changes a model's scores or
    puts it to use calls this: scoring (``services._score``), training, activation.

    The row is locked first (``FOR UPDATE`` on PostgreSQL; SQLite has one writer),
    so of two scorers finishing together the later one's figures are stored."""
    for row in rows:
        locked = db.session.scalar(
            select(FlagModel).where(FlagModel.id == row.id).with_for_update()
        )
        if locked is None:  # deleted meanwhile: nothing to store
            continue
        budget = budget_of(locked)
        scored, at_budget = measure(locked.id, budget)
        locked.cut_scored, locked.cut_probability, locked.cut_budget = scored, at_budget, budget
        log.info("flag model %s: %d scored, probability at the budget %s",
                 locked.id, scored, at_budget)  # fmt: skip


def measure(model_id: int, budget: float) -> tuple[int, float | None]:
    """Live, on the scores: how many the model has, and the probability of the last
    score the budget allows (None when it allows none, or more than there are)."""
    scored = db.session.scalar(select(func.count()).where(Flag.model_id == model_id)) or 0
    count = allowed(budget, scored)
    if count <= 0:
        return scored, None
    at_budget = db.session.scalar(
        select(Flag.probability)
        .where(Flag.model_id == model_id)
        .order_by(Flag.probability.desc())
        .offset(count - 1)
        .limit(1)
    )
    return scored, at_budget


def _cut(row: FlagModel) -> Cut:
    meta = row.meta or {}
    threshold = meta.get("flag_threshold")
    threshold = DEFAULT_THRESHOLD if threshold is None else float(threshold)
    budget = budget_of(row)
    if is_current(row):
        scored, at_budget = row.cut_scored or 0, row.cut_probability
    else:
        # Never measured, or at another budget (FLAG_BUDGET changed): right now from
        # the scores, as every read did before; the next scoring run stores it. A
        # read does not write (report pages run read-only, without a transaction).
        scored, at_budget = measure(row.id, budget)
    count = allowed(budget, scored)
    probability = None
    if count > 0:
        probability = max(threshold, at_budget) if at_budget is not None else threshold
    return Cut(row.id, row.target, row.version, threshold, budget, scored, count, probability)


def condition(limits: list[Cut], flags: Table | None = None) -> ColumnElement[bool]:
    """SQL: this flag row is a flag (``limits`` from ``cuts``); on the ORM ``Flag`` or,
    for Core queries, the given ``flags`` table."""
    table = flags if flags is not None else Flag.__table__
    parts = [
        and_(table.c.model_id == cut.model_id, table.c.probability >= cut.probability)
        for cut in limits
        if cut.probability is not None
    ]
    return or_(*parts) if parts else false()
