"""Reading the audit trail: filters from the query string, keyset pages, a
readable diff of before/after, and a CSV export safe to open in a spreadsheet.
Both show an event's before/after only when ``audit.sealed`` allows the
viewer: calibration work keeps who and when, and its content waits for the reveal.

Read-only by design: nothing here (or anywhere in the application) updates or
deletes an event; the model and a database trigger refuse it as well.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, NamedTuple

from sqlalchemy import func

from qa_app import audit
from qa_app.extensions import db
from qa_app.models import AuditEvent, User
from qa_app.request_args import ArgumentError, to_date, to_id
from qa_app.reviews.policy import SEALED
from qa_app.spreadsheet import neutralise

PAGE_SIZE = 50
SYSTEM = "system"  # the actor filter for events without a person (CLI, jobs)


@dataclass
class Filters:
    actor: str = ""
    action: str = ""
    entity_type: str = ""
    entity_id: int | None = None
    since: date | None = None
    until: date | None = None
    before: int | None = None  # keyset cursor: show events with a smaller id
    errors: dict[str, str] = field(default_factory=dict)

    def args(self, **changes: Any) -> dict[str, Any]:
        """Query-string values of these filters (for links and the export)."""
        values = {
            "actor": self.actor,
            "action": self.action,
            "entity_type": self.entity_type,
            "entity_id": self.entity_id,
            "since": self.since.isoformat() if self.since else None,
            "until": self.until.isoformat() if self.until else None,
        } | changes
        return {k: v for k, v in values.items() if v not in (None, "")}


def parse(args: Mapping[str, str]) -> Filters:
    """Filters from a query string; each bad value is named in ``errors``."""
    f = Filters(
        actor=args.get("actor", "").strip()[:254],
        action=args.get("action", "").strip()[:60],
        entity_type=args.get("entity_type", "").strip()[:40],
    )
    f.entity_id = _value(args, "entity_id", "Object id", to_id, f.errors)
    f.before = _value(args, "before", "Page cursor", to_id, f.errors)
    f.since = _value(args, "since", "From", to_date, f.errors)
    f.until = _value(args, "until", "To", to_date, f.errors)
    if f.since and f.until and f.since > f.until:
        f.errors["until"] = "The end date is before the start date."
    return f


def _value(args: Mapping[str, str], key: str, label: str, convert, errors: dict[str, str]):
    """``convert`` (``request_args``) of one value; its problem goes to ``errors``."""
    try:
        return convert(args.get(key))
    except ArgumentError as exc:
        errors[key] = f"{label} {exc}"
        return None


def _query(f: Filters) -> Any:
    query = db.select(AuditEvent, User).outerjoin(User, User.id == AuditEvent.actor_id)
    if f.actor == SYSTEM:
        query = query.where(AuditEvent.actor_id.is_(None))
    elif f.actor:
        query = query.where(func.lower(User.email) == f.actor.lower())
    if f.action:
        query = query.where(AuditEvent.action == f.action)
    if f.entity_type:
        query = query.where(AuditEvent.entity_type == f.entity_type)
    if f.entity_id is not None:
        query = query.where(AuditEvent.entity_id == f.entity_id)
    if f.since:
        query = query.where(AuditEvent.at >= datetime.combine(f.since, time(), UTC))
    if f.until:
        end = datetime.combine(f.until + timedelta(days=1), time(), UTC)
        query = query.where(AuditEvent.at < end)
    return query.order_by(AuditEvent.id.desc())


@dataclass
class Page:
    rows: list[tuple[AuditEvent, User | None]]
    next_before: int | None


def page(f: Filters, size: int | None = None) -> Page:
    """One page, newest first; ``next_before`` is the cursor of the next page.

    Keyset (``id < cursor``) rather than OFFSET: page 1,000 costs what page 1 does,
    and an event written meanwhile never shifts a row onto the next page twice.
    """
    size = size or PAGE_SIZE
    query = _query(f)
    if f.before is not None:
        query = query.where(AuditEvent.id < f.before)
    rows = [tuple(r) for r in db.session.execute(query.limit(size + 1)).all()]
    more = len(rows) > size
    rows = rows[:size]
    return Page(rows, rows[-1][0].id if more else None)  # type: ignore[misc]


def choices() -> tuple[list[str], list[str]]:
    """The actions and object types that occur, for the filter lists."""
    actions = db.session.scalars(db.select(AuditEvent.action).distinct().order_by("action"))
    types = db.session.scalars(db.select(AuditEvent.entity_type).distinct().order_by("entity_type"))
    return list(actions), list(types)


@dataclass(frozen=True)
class Change:
    key: str
    before: str
    after: str
    kind: str  # "changed" | "added" | "removed" | "same"


def diff(before: Any, after: Any) -> list[Change]:
    """Before and after flattened to dotted keys, each with what happened to it."""
    old, new = _flatten(before), _flatten(after)
    out = []
    for key in sorted(old.keys() | new.keys()):
        if key not in old:
            out.append(Change(key, "", _show(new[key]), "added"))
        elif key not in new:
            out.append(Change(key, _show(old[key]), "", "removed"))
        else:
            kind = "same" if old[key] == new[key] else "changed"
            out.append(Change(key, _show(old[key]), _show(new[key]), kind))
    return out


class Shown(NamedTuple):
    """One event as ``viewer`` may read it: no changes when sealed."""

    event: AuditEvent
    actor: User | None
    changes: list[Change]
    sealed: bool


def shown(viewer: User, rows: Sequence[tuple[AuditEvent, User | None]]) -> list[Shown]:
    """The rows of a page as ``viewer`` may read them (see ``audit.sealed``)."""
    hidden = audit.sealed(viewer, [event for event, _ in rows])
    return [
        Shown(e, actor, [] if e.id in hidden else diff(e.before, e.after), e.id in hidden)
        for e, actor in rows
    ]


def _flatten(value: Any, prefix: str = "") -> dict[str, Any]:
    if isinstance(value, dict) and value:
        flat: dict[str, Any] = {}
        for key, inner in value.items():
            flat |= _flatten(inner, f"{prefix}.{key}" if prefix else str(key))
        return flat
    if value in (None, {}) and not prefix:
        return {}
    return {prefix or "(value)": value}


def _show(value: Any) -> str:
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


# The page's headings (the object split into its type and number; the full
# before and after records last, for whoever needs more than the changes).
CSV_HEADER = [
    *("Event", "When (UTC)", "Actor", "Action", "Object", "Object #"),
    *("Before → after", "Before (full record)", "After (full record)"),
]
WHEN = "%Y-%m-%d %H:%M:%S"  # as the page prints it


def csv_chunks(f: Filters, viewer: User, batch: int = 1000) -> Iterator[str]:
    """The filtered trail as CSV text, newest first, read in keyset batches;
    a sealed event's content cells say so instead (``audit.sealed``)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    yield "\ufeff" + _drain(buffer)
    cursor = None  # the export covers every filtered event, not the page on screen
    while True:
        query = _query(f)
        if cursor is not None:
            query = query.where(AuditEvent.id < cursor)
        rows = db.session.execute(query.limit(batch)).all()
        for event, actor, changed, sealed in shown(viewer, rows):
            text = "; ".join(
                f"{c.key}: {c.before} -> {c.after}" for c in changed if c.kind != "same"
            )
            content = (
                [SEALED, "", ""] if sealed else [text, _json(event.before), _json(event.after)]
            )
            cells = [
                event.id,
                event.at.strftime(WHEN),
                actor.email if actor else SYSTEM,
                event.action,
                event.entity_type,
                "" if event.entity_id is None else event.entity_id,
                *content,
            ]
            writer.writerow([neutralise(c) for c in cells])
        yield _drain(buffer)
        if len(rows) < batch:
            return
        cursor = rows[-1][0].id


def _json(value: Any) -> str:
    return "" if value is None else _show(value)


def _drain(buffer: io.StringIO) -> str:
    text = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    return text
