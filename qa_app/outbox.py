"""What e-mail and webhook deliveries share: rows that say what is due, claimed
one at a time by whichever worker gets there first, retried later with a
doubling delay.

A delivery moves queued -> sending -> sent | failed; a temporary failure puts
it back to queued with a later ``next_attempt_at``. ``claim`` is one UPDATE
guarded by the status, so two workers (or a kick and the periodic sweep) never
send the same row twice. A worker that died while sending leaves the row
"sending"; after ``STUCK`` it is queued again (sent at least once, not lost).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import or_, select, update

from qa_app.extensions import db

STUCK = timedelta(minutes=15)
BATCH = 100


def due_ids(model: Any, now: datetime, *extra: Any) -> Sequence[int]:
    """Ids of rows ready to be tried now (and stuck ones), oldest first."""
    ready = (model.status == "queued") & (model.next_attempt_at <= now)
    stuck = (model.status == "sending") & (model.claimed_at < now - STUCK)
    query = select(model.id).where(or_(ready, stuck), *extra).order_by(model.id).limit(BATCH)
    ids = db.session.scalars(query).all()
    db.session.commit()  # end the read before each claim opens its own transaction
    return ids


def claim(model: Any, row_id: int, now: datetime) -> Any | None:
    """The row, now "sending" and with one more attempt, if this worker won it."""
    ready = (model.status == "queued") & (model.next_attempt_at <= now)
    stuck = (model.status == "sending") & (model.claimed_at < now - STUCK)
    won = db.session.execute(
        update(model)
        .where(model.id == row_id, or_(ready, stuck))
        .values(status="sending", attempts=model.attempts + 1, claimed_at=now),
        execution_options={"synchronize_session": False},
    )
    db.session.commit()
    if won.rowcount != 1:
        return None
    row = db.session.get(model, row_id)
    db.session.refresh(row)
    return row


def retry_or_fail(row: Any, now: datetime, reason: str, max_attempts: int, base: float) -> None:
    """After a temporary failure: queued again after ``base * 2**(attempts-1)``
    seconds while attempts remain, else failed for good. The caller commits."""
    row.error = reason
    if row.attempts < max_attempts:
        row.status = "queued"
        row.next_attempt_at = now + timedelta(seconds=base * 2 ** (row.attempts - 1))
    else:
        row.status = "failed"
        row.error = f"Failed after {row.attempts} attempt(s): {reason}"
