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
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import ColumnElement, Table, and_, false, func, or_, select

from qa_app.extensions import db
from qa_app.models import Flag, FlagModel

DEFAULT_THRESHOLD = 0.5
"""For a model stored without a threshold (``flagging`` uses the same default)."""


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
    """The cut of each active, ready model (of ``target`` when given)."""
    query = select(FlagModel).where(FlagModel.active.is_(True), FlagModel.status == "ready")
    if target:
        query = query.where(FlagModel.target == target)
    return [_cut(row) for row in db.session.scalars(query.order_by(FlagModel.target))]


def _cut(row: FlagModel) -> Cut:
    meta = row.meta or {}
    threshold = meta.get("flag_threshold")
    threshold = DEFAULT_THRESHOLD if threshold is None else float(threshold)
    budget = meta.get("budget")
    budget = float(current_app.config.get("FLAG_BUDGET", 0.05) if budget is None else budget)
    scored = db.session.scalar(select(func.count()).where(Flag.model_id == row.id)) or 0
    allowed = math.ceil(budget * scored - 1e-9)  # 5 % of 3,000 is 150, not 151
    probability = None
    if allowed > 0:
        last_allowed = db.session.scalar(
            select(Flag.probability)
            .where(Flag.model_id == row.id)
            .order_by(Flag.probability.desc())
            .offset(allowed - 1)
            .limit(1)
        )
        probability = max(threshold, last_allowed) if last_allowed is not None else threshold
    return Cut(row.id, row.target, row.version, threshold, budget, scored, allowed, probability)


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
