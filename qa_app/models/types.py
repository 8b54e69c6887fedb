"""Column types and vocabularies shared by the models."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import JSON, DateTime, TypeDecorator
from sqlalchemy.dialects.postgresql import JSONB

ROLES = ("admin", "executive", "reviewer", "agent")
CHANNELS = ("call", "chat", "email")
SCORECARD_STATUSES = ("draft", "published", "archived")
EVALUATION_KINDS = ("standard", "calibration", "benchmark", "consensus")
# "superseded": a draft closed because its work went to someone else (its
# assignment was reassigned or done); kept and visible, never counted.
EVALUATION_STATUSES = ("draft", "submitted", "superseded")

# JSONB on PostgreSQL (indexable, compact), plain JSON text on SQLite.
JSONType = JSON().with_variant(JSONB(), "postgresql")


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """A timezone-aware timestamp on every backend.

    SQLite has no time zone type and hands back naive values; storing UTC and
    re-attaching UTC on the way out keeps comparisons and arithmetic safe.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; attach a time zone")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def check_in(column: str, values: tuple[str, ...]) -> str:
    """SQL text for a CHECK constraint limiting a column to a vocabulary."""
    quoted = ", ".join(f"'{v}'" for v in values)
    return f"{column} IN ({quoted})"
