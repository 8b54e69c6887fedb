"""Interaction rows -> the DataFrame the ``flagging`` core expects.

The frame is in the import format (``flagging/frame.py``): channel, started_at,
duration_seconds, transcript, csat, customer_id, tenure_months (from the agent's
hire date at the time of the contact), team (for the per-team tables only; never a
feature), the interaction's scalar metadata (hold_seconds, ...) and
``prior_contacts_30d`` counted over the whole table, so a chunk scored on its own
sees the same repeat contacts as the training frame did.

Rows are read in keyset-ordered chunks of plain columns (no ORM objects), so a
million-row table streams in constant memory.

Labels (column ``escalated`` for escalation, ``coaching`` for coaching):

- escalation: ``Interaction.escalated``; unknown (NULL) is left out;
- coaching: the latest submitted counted evaluation (standard or consensus) of the
  interaction: 1 when it has a critical error (a critical family or an auto-fail)
  or a total below ``COACHING_THRESHOLD``, else 0; interactions without one are left
  out (an evaluation whose total is undefined and has no critical error, too);
- reviewers' answers on flags of that target override or add a label: confirmed
  -> 1, dismissed -> 0 (the latest answer wins). A reviewer looked at the contact
  for exactly this question, so their answer is the better label.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator
from datetime import date, datetime, timedelta
from typing import Any

import numpy as np
import pandas as pd
from flask import current_app
from sqlalchemy import and_, exists, or_, select

from qa_app.extensions import db
from qa_app.models import Evaluation, Flag, Interaction, Team, User

CHUNK = 2000
LABEL_COLUMNS = {"escalation": "escalated", "coaching": "coaching"}
REPEAT_WINDOW = timedelta(days=30)
# The import's optional measures with columns of their own (they went into the
# metadata before they had one): features like any scalar metadata value.
MEASURES = ("topic", "region", "hold_seconds", "wrap_seconds", "transferred",
            "resolved_first_contact")  # fmt: skip
BASE_COLUMNS = (
    "interaction_id",
    "external_id",
    "channel",
    "started_at",
    "duration_seconds",
    "transcript",
    "csat",
    "customer_id",
    "tenure_months",
    "team",
    "prior_contacts_30d",
    "escalated",
    "coaching",
)


def _base_query():
    return (
        select(
            Interaction.id,
            Interaction.external_id,
            Interaction.channel,
            Interaction.started_at,
            Interaction.duration_seconds,
            Interaction.transcript,
            Interaction.csat,
            Interaction.customer_ref,
            Interaction.meta,
            Interaction.escalated,
            User.hired_on,
            Team.name,
            *(getattr(Interaction, name) for name in MEASURES),
        )
        .join(User, User.id == Interaction.agent_id)
        .outerjoin(Team, Team.id == Interaction.team_id)
    )


def _tenure_months(hired_on: date | None, started_at: datetime) -> float:
    if hired_on is None:
        return math.nan
    return max((started_at.date() - hired_on).days, 0) / 30.4


def _rows_to_frame(rows: list[Any]) -> pd.DataFrame:
    records = []
    for row in rows:
        iid, ext, channel, started, duration, transcript, csat, customer, meta, esc = row[:10]
        hired, team = row[10:12]
        record: dict[str, Any] = {
            key: value
            for key, value in (meta or {}).items()
            if key not in BASE_COLUMNS and (value is None or isinstance(value, str | int | float))
        }
        record.update(
            (name, float(value) if isinstance(value, bool) else value)
            for name, value in zip(MEASURES, row[12:], strict=True)
            if value is not None
        )
        prior = (meta or {}).get("prior_contacts_30d")
        record.update(
            interaction_id=iid,
            external_id=ext,
            channel=channel,
            started_at=started,
            duration_seconds=duration,
            transcript=transcript or [],
            csat=math.nan if csat is None else float(csat),
            customer_id=customer,
            tenure_months=_tenure_months(hired, started),
            team=team or "(none)",
            prior_contacts_30d=prior if isinstance(prior, int | float) else math.nan,
            escalated=math.nan if esc is None else float(esc),
        )
        records.append(record)
    frame = pd.DataFrame.from_records(records)
    if frame.empty:
        frame = pd.DataFrame(columns=list(BASE_COLUMNS[:-1]))
    frame["started_at"] = pd.to_datetime(frame["started_at"], utc=True)
    frame.index = pd.Index(frame["interaction_id"].to_numpy())
    return frame


def _fill_repeat_contacts(frame: pd.DataFrame) -> None:
    """Contacts of the same customer in the 30 days before each row, from the whole
    table (strictly earlier, so no look-ahead), where the metadata gave none."""
    missing = frame["prior_contacts_30d"].isna() & frame["customer_id"].notna()
    if not missing.any():
        frame["prior_contacts_30d"] = frame["prior_contacts_30d"].fillna(0.0)
        return
    customers = sorted(set(frame.loc[missing, "customer_id"]))
    low = frame.loc[missing, "started_at"].min().to_pydatetime() - REPEAT_WINDOW
    high = frame.loc[missing, "started_at"].max().to_pydatetime()
    earlier: dict[str, list[np.datetime64]] = {}
    for start in range(0, len(customers), 500):
        batch = customers[start : start + 500]
        for ref, when in db.session.execute(
            select(Interaction.customer_ref, Interaction.started_at).where(
                Interaction.customer_ref.in_(batch),
                Interaction.started_at >= low,
                Interaction.started_at < high,
            )
        ):
            earlier.setdefault(ref, []).append(pd.Timestamp(when).to_datetime64())
    ordered = {ref: np.sort(np.asarray(times)) for ref, times in earlier.items()}
    window = np.timedelta64(int(REPEAT_WINDOW.total_seconds()), "s")
    counts = []
    for ref, when in zip(
        frame.loc[missing, "customer_id"], frame.loc[missing, "started_at"], strict=True
    ):
        times = ordered.get(ref)
        if times is None:
            counts.append(0.0)
            continue
        t = when.tz_convert(None).to_datetime64().astype(times.dtype)
        counts.append(float(np.searchsorted(times, t) - np.searchsorted(times, t - window)))
    frame.loc[missing, "prior_contacts_30d"] = counts
    frame["prior_contacts_30d"] = frame["prior_contacts_30d"].fillna(0.0)


def _coaching_labels(ids: list[int]) -> dict[int, float]:
    """Latest submitted counted evaluation per interaction -> 1/0 (see module doc)."""
    threshold = float(current_app.config.get("COACHING_THRESHOLD", 80.0))
    labels: dict[int, float] = {}
    rows = db.session.execute(
        select(
            Evaluation.interaction_id,
            Evaluation.total,
            Evaluation.auto_failed,
            Evaluation.critical_families,
        )
        .where(
            Evaluation.interaction_id.in_(ids),
            Evaluation.counted,
        )
        .order_by(Evaluation.submitted_at, Evaluation.id)
    )
    for iid, total, auto_failed, families in rows:
        if auto_failed or families:
            labels[iid] = 1.0
        elif total is not None:
            labels[iid] = 1.0 if total < threshold else 0.0
        else:
            labels.pop(iid, None)
    return labels


def review_labels(target: str, ids: Iterable[int]) -> dict[int, float]:
    """Reviewers' answers on flags of ``target``: confirmed 1, dismissed 0, latest wins."""
    labels: dict[int, float] = {}
    rows = db.session.execute(
        select(Flag.interaction_id, Flag.review)
        .where(Flag.target == target, Flag.review.is_not(None), Flag.interaction_id.in_(list(ids)))
        .order_by(Flag.reviewed_at, Flag.id)
    )
    for iid, review in rows:
        labels[iid] = 1.0 if review == "confirmed" else 0.0
    return labels


def _add_labels(frame: pd.DataFrame, target: str | None) -> int:
    """Fill the label columns; returns how many labels came from reviewers."""
    ids = frame["interaction_id"].tolist()
    frame["coaching"] = math.nan
    if target is None or frame.empty:
        return 0
    if target == "coaching":
        frame["coaching"] = frame["interaction_id"].map(_coaching_labels(ids)).astype(float)
    column = LABEL_COLUMNS[target]
    reviewed = review_labels(target, ids)
    if reviewed:
        overrides = frame["interaction_id"].map(reviewed)
        frame[column] = overrides.where(overrides.notna(), frame[column]).astype(float)
    return len(reviewed)


def _labelled_condition(target: str):
    reviewed = exists().where(
        and_(
            Flag.interaction_id == Interaction.id,
            Flag.target == target,
            Flag.review.is_not(None),
        )
    )
    if target == "escalation":
        return or_(Interaction.escalated.is_not(None), reviewed)
    evaluated = exists().where(
        and_(Evaluation.interaction_id == Interaction.id, Evaluation.counted)
    )
    return or_(evaluated, reviewed)


def stream(
    *,
    ids: Iterable[int] | None = None,
    since: datetime | None = None,
    target: str | None = None,
    labelled_only: bool = False,
    where: Any = None,
    chunk: int = CHUNK,
) -> Iterator[pd.DataFrame]:
    """Yield frames of at most ``chunk`` interactions, in id order.

    ``ids`` restricts to those interactions; ``since`` to contacts started on or
    after it; ``target`` adds its labels; ``labelled_only`` keeps only rows that may
    carry one (the label may still be unknown, e.g. an evaluation with no total);
    ``where`` is an extra SQL condition on Interaction.
    """
    if ids is not None:
        wanted = sorted(set(ids))
        for start in range(0, len(wanted), chunk):
            batch = wanted[start : start + chunk]
            query = _base_query().where(Interaction.id.in_(batch)).order_by(Interaction.id)
            yield _finish(db.session.execute(query).all(), target)
        return
    last = 0
    while True:
        query = _base_query().where(Interaction.id > last)
        if since is not None:
            query = query.where(Interaction.started_at >= since)
        if labelled_only and target is not None:
            query = query.where(_labelled_condition(target))
        if where is not None:
            query = query.where(where)
        rows = db.session.execute(query.order_by(Interaction.id).limit(chunk)).all()
        if not rows:
            return
        last = rows[-1][0]
        yield _finish(rows, target)
        if len(rows) < chunk:
            return


def _finish(rows: list[Any], target: str | None) -> pd.DataFrame:
    frame = _rows_to_frame(rows)
    if not frame.empty:
        _fill_repeat_contacts(frame)
    frame.attrs["review_labels"] = _add_labels(frame, target)
    return frame


def training_frame(target: str, since: datetime | None = None) -> tuple[pd.DataFrame, int]:
    """All interactions that may carry a ``target`` label (time-ordered) and the
    number of labels that came from reviewers' answers."""
    parts = list(stream(since=since, target=target, labelled_only=True))
    from_reviews = sum(p.attrs.get("review_labels", 0) for p in parts)
    frames = [p for p in parts if not p.empty]
    if not frames:
        return _rows_to_frame([]).assign(coaching=math.nan), 0
    frame = pd.concat(frames) if len(frames) > 1 else frames[0]
    frame.attrs = {}
    return frame.sort_values(["started_at", "interaction_id"], kind="stable"), from_reviews
