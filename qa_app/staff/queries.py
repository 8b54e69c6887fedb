"""The staff review's reads: one query each for the contacts, the counted
evaluations and the disputes of a time span, as DataFrames."""

from __future__ import annotations

from datetime import datetime

import pandas as pd

from qa_app.extensions import db
from qa_app.models import Dispute, Evaluation, Interaction, User
from qa_app.models.evaluation import counted_clause


def contacts(since: datetime, until: datetime, agent_id: int | None = None) -> pd.DataFrame:
    """Every contact started in [since, until), with its agent's name and team.

    With ``agent_id``: that agent's contacts and every contact of their
    customers (a repeat handled by a colleague still makes a repeat)."""
    i = Interaction
    query = (
        db.select(
            i.id,
            i.agent_id,
            User.name.label("agent"),
            User.team_id,
            i.channel,
            i.started_at,
            i.duration_seconds,
            i.hold_seconds,
            i.wrap_seconds,
            i.customer_ref.label("customer"),
            i.csat,
            i.escalated,
            i.transferred,
            i.resolved_first_contact,
            i.topic,
            i.region,
        )
        .join(User, User.id == i.agent_id)
        .where(i.started_at >= since, i.started_at < until)
    )
    if agent_id is not None:
        theirs = db.select(i.customer_ref).where(
            i.agent_id == agent_id,
            i.customer_ref.is_not(None),
            i.started_at >= since,
            i.started_at < until,
        )
        query = query.where((i.agent_id == agent_id) | i.customer_ref.in_(theirs))
    rows = db.session.connection().execute(query).all()  # Core rows: no ORM loading
    frame = pd.DataFrame(rows, columns=list(query.selected_columns.keys()))
    frame["started_at"] = pd.to_datetime(frame["started_at"], utc=True)
    return _teams_as_ints(frame)


def evaluations(since: datetime, until: datetime, agent_id: int | None = None) -> pd.DataFrame:
    """Counted evaluations submitted in [since, until), with their contact's dimensions."""
    e = Evaluation
    query = (
        db.select(
            e.agent_id,
            User.name.label("agent"),
            User.team_id,
            e.total,
            e.submitted_at,
            Interaction.channel,
            Interaction.topic,
            Interaction.region,
        )
        .join(Interaction, Interaction.id == e.interaction_id)
        .join(User, User.id == e.agent_id)
        .where(counted_clause(e), e.submitted_at >= since, e.submitted_at < until)
    )
    if agent_id is not None:
        query = query.where(e.agent_id == agent_id)
    rows = db.session.connection().execute(query).all()  # Core rows: no ORM loading
    frame = pd.DataFrame(rows, columns=list(query.selected_columns.keys()))
    frame["submitted_at"] = pd.to_datetime(frame["submitted_at"], utc=True)
    return _teams_as_ints(frame)


def disputes(since: datetime, until: datetime, agent_id: int | None = None) -> pd.DataFrame:
    query = (
        db.select(
            Dispute.agent_id,
            User.team_id,
            Dispute.created_at,
            Interaction.channel,
            Interaction.topic,
            Interaction.region,
        )
        .join(Evaluation, Evaluation.id == Dispute.evaluation_id)
        .join(Interaction, Interaction.id == Evaluation.interaction_id)
        .join(User, User.id == Dispute.agent_id)
        .where(Dispute.created_at >= since, Dispute.created_at < until)
    )
    if agent_id is not None:
        query = query.where(Dispute.agent_id == agent_id)
    rows = db.session.connection().execute(query).all()  # Core rows: no ORM loading
    frame = pd.DataFrame(rows, columns=list(query.selected_columns.keys()))
    frame["created_at"] = pd.to_datetime(frame["created_at"], utc=True)
    return _teams_as_ints(frame)


def _teams_as_ints(frame: pd.DataFrame) -> pd.DataFrame:
    """An agent without a team has team 0 (ids start at 1), so groups and
    filters compare whole numbers, never None."""
    frame["team_id"] = frame["team_id"].fillna(0).astype(int)
    return frame
