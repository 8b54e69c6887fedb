"""Reading interactions for the list and detail pages.

The list pages by keyset (``started_at``, ``id``), newest first, so page 1,000 of
a million rows costs what page 1 costs: every filter combination walks one of the
``ix_interactions_*_started`` indexes backwards from the cursor.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from flask import abort
from sqlalchemy import exists, tuple_

from qa_app.extensions import db
from qa_app.models import Evaluation, Interaction, Team, User
from qa_app.reviews import policy

PER_PAGE = 50
IMPORTERS = ("admin", "executive")  # who may import interactions (pages and API)


class CursorError(ValueError):
    """A page link that does not decode: edited by hand or from another version."""


@dataclass
class Filters:
    team_id: int | None = None
    agent_id: int | None = None
    channel: str | None = None
    date_from: date | None = None
    date_to: date | None = None
    csat_max: int | None = None
    escalated: str | None = None  # "yes" | "no" | "unknown"
    reviewed: str | None = None  # "yes" | "no"
    started_after: datetime | None = None  # inclusive (the API's precise window)
    started_before: datetime | None = None  # exclusive


@dataclass
class Page:
    rows: list[Any]
    reviewed_ids: set[int]
    older: str | None = None  # cursor for ?after=
    newer: str | None = None  # cursor for ?before=
    at_start: bool = True


def encode_cursor(started_at: datetime, id_: int) -> str:
    raw = f"{_micros(started_at)}.{id_}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[datetime, int]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode("ascii")
        micros, id_ = raw.split(".")
        moment = datetime(1970, 1, 1, tzinfo=UTC) + timedelta(microseconds=int(micros))
        return moment, int(id_)
    except (binascii.Error, UnicodeDecodeError, ValueError, OverflowError) as exc:
        raise CursorError("That page link is not valid; showing the newest interactions.") from exc


def _micros(moment: datetime) -> int:
    delta = moment.astimezone(UTC) - datetime(1970, 1, 1, tzinfo=UTC)
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds


def reviewed_clause() -> Any:
    """True for an interaction with a counted evaluation (``Evaluation.counted``)."""
    return exists().where(Evaluation.interaction_id == Interaction.id, Evaluation.counted)


def _where(viewer: User, filters: Filters) -> list[Any]:
    conditions = []
    if viewer.role == "agent":  # forced: an agent sees only their own contacts
        conditions.append(Interaction.agent_id == viewer.id)
    else:
        if filters.agent_id is not None:
            conditions.append(Interaction.agent_id == filters.agent_id)
        if filters.team_id is not None:
            conditions.append(Interaction.team_id == filters.team_id)
    if filters.channel:
        conditions.append(Interaction.channel == filters.channel)
    if filters.date_from:
        start = datetime.combine(filters.date_from, time(), UTC)
        conditions.append(Interaction.started_at >= start)
    if filters.date_to:
        end = datetime.combine(filters.date_to + timedelta(days=1), time(), UTC)
        conditions.append(Interaction.started_at < end)
    if filters.started_after is not None:
        conditions.append(Interaction.started_at >= filters.started_after)
    if filters.started_before is not None:
        conditions.append(Interaction.started_at < filters.started_before)
    if filters.csat_max is not None:
        conditions.append(Interaction.csat <= filters.csat_max)
    if filters.escalated == "yes":
        conditions.append(Interaction.escalated.is_(True))
    elif filters.escalated == "no":
        conditions.append(Interaction.escalated.is_(False))
    elif filters.escalated == "unknown":
        conditions.append(Interaction.escalated.is_(None))
    if filters.reviewed == "yes":
        conditions.append(reviewed_clause())
    elif filters.reviewed == "no":
        conditions.append(~reviewed_clause())
    return conditions


def list_page(
    viewer: User,
    filters: Filters,
    *,
    after: str | None = None,
    before: str | None = None,
    per_page: int = PER_PAGE,
) -> Page:
    """One page of interactions, newest first; ``after``/``before`` are cursors
    from a previous page (older / newer rows). Raises ``CursorError``."""
    key = tuple_(Interaction.started_at, Interaction.id)
    query = (
        db.select(
            Interaction.id,
            Interaction.source,
            Interaction.external_id,
            Interaction.channel,
            Interaction.agent_id,
            Interaction.team_id,
            Interaction.started_at,
            Interaction.duration_seconds,
            Interaction.csat,
            Interaction.escalated,
            User.name.label("agent_name"),
            Team.name.label("team_name"),
        )
        .join(User, User.id == Interaction.agent_id)
        .outerjoin(Team, Team.id == Interaction.team_id)
        .where(*_where(viewer, filters))
        .limit(per_page + 1)
    )
    if before:
        query = query.where(key > decode_cursor(before)).order_by(
            Interaction.started_at.asc(), Interaction.id.asc()
        )
        rows = list(db.session.execute(query))
        more_newer = len(rows) > per_page
        rows = rows[:per_page][::-1]
        page = Page(rows, set(), at_start=not more_newer)
        page.newer = _cursor(rows[0]) if more_newer and rows else None
        page.older = _cursor(rows[-1]) if rows else None
    else:
        if after:
            query = query.where(key < decode_cursor(after))
        query = query.order_by(Interaction.started_at.desc(), Interaction.id.desc())
        rows = list(db.session.execute(query))
        more_older = len(rows) > per_page
        rows = rows[:per_page]
        page = Page(rows, set(), at_start=not after)
        page.older = _cursor(rows[-1]) if more_older else None
        page.newer = _cursor(rows[0]) if after and rows else None
    page.reviewed_ids = _reviewed([row.id for row in rows])
    return page


def _cursor(row: Any) -> str:
    return encode_cursor(row.started_at, row.id)


def _reviewed(ids: list[int]) -> set[int]:
    if not ids:
        return set()
    query = db.select(Evaluation.interaction_id).where(
        Evaluation.interaction_id.in_(ids), Evaluation.counted
    )
    return set(db.session.scalars(query))


def team_choices() -> list[tuple[int, str]]:
    return list(db.session.execute(db.select(Team.id, Team.name).order_by(Team.name)).all())


def agent_choices() -> list[tuple[int, str]]:
    query = db.select(User.id, User.name).where(User.role == "agent").order_by(User.name, User.id)
    return list(db.session.execute(query).all())


def interaction_for(viewer: User, interaction_id: int) -> Interaction:
    """The interaction, or 404 when it does not exist or is another agent's."""
    item = db.session.get(Interaction, interaction_id)
    if item is None or (viewer.role == "agent" and item.agent_id != viewer.id):
        abort(404)
    return item


def evaluations_for(viewer: User, item: Interaction) -> list[Any]:
    """Submitted evaluations of the interaction the viewer may open.

    Exactly ``reviews.policy.can_view``, so every row's link works and
    calibration work stays sealed until its session's reveal (for executives
    and admins too): agents see the standard and consensus ones (their
    feedback); others those, their own, and revealed calibration work
    (reviewers: of the sessions they took part in).
    """
    reviewer = db.aliased(User)
    query = (
        db.select(
            Evaluation.id,
            Evaluation.kind,
            Evaluation.total,
            Evaluation.submitted_at,
            reviewer.name.label("reviewer_name"),
        )
        .join(reviewer, reviewer.id == Evaluation.reviewer_id)
        .where(
            Evaluation.interaction_id == item.id,
            Evaluation.status == "submitted",
            policy.visible_clause(viewer),
        )
        .order_by(Evaluation.submitted_at.desc(), Evaluation.id.desc())
    )
    return list(db.session.execute(query))
