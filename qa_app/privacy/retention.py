"""Transcript retention: after ``TRANSCRIPT_RETENTION_DAYS`` an interaction's
transcript is emptied; its evaluations, scores, flags and metadata stay, so
reports and histories are unchanged.

``purge_transcripts(now, dry_run)`` is the one entry point: the CLI calls it
(dry run first, then ``--yes``) and a background job can wrap it as it is.
A real purge is one UPDATE plus one audit event in the same transaction.
"""

from __future__ import annotations

import getpass
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from typing import Any

from flask import current_app
from sqlalchemy import func, update

from qa_app import audit
from qa_app.extensions import db
from qa_app.models import Interaction, Team, User, utcnow


@dataclass
class Group:
    team: str
    channel: str
    count: int
    oldest: datetime
    newest: datetime


@dataclass
class PurgeReport:
    """What a purge would remove (dry run) or removed."""

    days: int | None
    cutoff: datetime | None
    dry_run: bool
    groups: list[Group] = field(default_factory=list)
    purged: int = 0

    @property
    def count(self) -> int:
        return sum(g.count for g in self.groups)

    @property
    def oldest(self) -> datetime | None:
        return min((g.oldest for g in self.groups), default=None)

    @property
    def newest(self) -> datetime | None:
        return max((g.newest for g in self.groups), default=None)

    def facts(self) -> dict[str, Any]:
        """JSON-ready summary for the audit event."""
        return {
            "retention_days": self.days,
            "cutoff": _iso(self.cutoff),
            "transcripts": self.count,
            "oldest": _iso(self.oldest),
            "newest": _iso(self.newest),
            "by_team_channel": [
                asdict(g) | {"oldest": _iso(g.oldest), "newest": _iso(g.newest)}
                for g in self.groups
            ],
        }


def retention_days() -> int | None:
    """The configured period; ``None`` (the default) keeps transcripts forever."""
    value = current_app.config.get("TRANSCRIPT_RETENTION_DAYS")
    if value in (None, "", "none", "None"):
        return None
    days = int(value)
    if days < 1:
        raise ValueError(f"TRANSCRIPT_RETENTION_DAYS must be 1 or more, not {value!r}.")
    return days


def purge_transcripts(
    now: datetime | None = None,
    dry_run: bool = True,
    *,
    actor: User | None = None,
    via: str = "job",
) -> PurgeReport:
    """Report (``dry_run``) or empty the transcripts older than the retention period.

    ``via`` says who ran it when there is no signed-in actor ("cli", "job");
    it goes into the audit event with the counts.
    """
    now = now or utcnow()
    days = retention_days()
    if days is None:
        return PurgeReport(None, None, dry_run)
    cutoff = now - timedelta(days=days)
    report = PurgeReport(days, cutoff, dry_run, _groups(cutoff))
    if dry_run or not report.count:
        return report
    result = db.session.execute(
        update(Interaction)
        .where(*_due(cutoff))
        .values(transcript=[], purged_at=now)
        .execution_options(synchronize_session=False)
    )
    report.purged = result.rowcount
    audit.record(
        actor,
        "retention.purged",
        "interaction",
        None,
        report.facts(),
        {"purged": report.purged, "purged_at": now.isoformat(), "via": _who(via)},
    )
    db.session.commit()
    db.session.expire_all()
    return report


def _due(cutoff: datetime) -> tuple[Any, ...]:
    return (Interaction.started_at < cutoff, Interaction.purged_at.is_(None))


def _groups(cutoff: datetime) -> list[Group]:
    query = (
        db.select(
            func.coalesce(Team.name, "(no team)"),
            Interaction.channel,
            func.count(),
            func.min(Interaction.started_at),
            func.max(Interaction.started_at),
        )
        .select_from(Interaction)
        .outerjoin(Team, Team.id == Interaction.team_id)
        .where(*_due(cutoff))
        .group_by(Team.name, Interaction.channel)
        .order_by(Team.name, Interaction.channel)
    )
    return [Group(*(_aware(v) for v in row)) for row in db.session.execute(query).all()]


def _aware(value: Any) -> Any:
    """min/max come back naive on SQLite; the column type is not applied to them."""
    from datetime import UTC

    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            return value
    if isinstance(value, datetime) and value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value


def _who(via: str) -> str:
    if via != "cli":
        return via
    try:
        return f"cli ({getpass.getuser()})"
    except (KeyError, OSError):  # no login name in a container
        return "cli"


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None
