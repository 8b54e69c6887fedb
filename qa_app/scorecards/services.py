"""The scorecard workflow: drafts, publishing immutable versions, archiving."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import func
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

import scorecards
from qa_app import audit
from qa_app.extensions import db
from qa_app.models import Scorecard, ScorecardVersion, User
from qa_app.scorecards import drafts


class StaleDraftError(RuntimeError):
    """The draft changed since the editor loaded it."""


class PublishError(ValueError):
    def __init__(self, problems: list[scorecards.Problem]) -> None:
        super().__init__(f"{len(problems)} problem(s) left")
        self.problems = problems


@dataclass(frozen=True)
class Summary:
    scorecard: Scorecard
    versions: int
    latest: int | None


def summaries(include_archived: bool = True) -> list[Summary]:
    counts = (
        db.select(
            ScorecardVersion.scorecard_id,
            func.count().label("n"),
            func.max(ScorecardVersion.number).label("latest"),
        )
        .group_by(ScorecardVersion.scorecard_id)
        .subquery()
    )
    query = (
        db.select(Scorecard, counts.c.n, counts.c.latest)
        .outerjoin(counts, counts.c.scorecard_id == Scorecard.id)
        .order_by(Scorecard.status == "archived", Scorecard.name)
    )
    if not include_archived:
        query = query.where(Scorecard.status != "archived")
    return [Summary(card, n or 0, latest) for card, n, latest in db.session.execute(query)]


def starting_points() -> list[tuple[str, str]]:
    """Choices for a new scorecard: blank, each library card, each existing card."""
    choices = [("blank", "Blank scorecard")]
    choices += [
        (f"library:{slug}", f"Library: {name} ({channel})")
        for slug, name, channel in scorecards.list_library()
    ]
    for card in db.session.scalars(db.select(Scorecard).order_by(Scorecard.name)):
        choices.append((f"clone:{card.id}", f"Copy of: {card.name}"))
    return choices


def _latest_definition(card: Scorecard) -> dict[str, Any] | None:
    version = latest_version(card)
    return None if version is None else version.definition


def initial_definition(start: str, name: str) -> dict[str, Any]:
    if start.startswith("library:"):
        try:
            definition = scorecards.to_dict(scorecards.load_library(start.split(":", 1)[1]))
        except KeyError as exc:
            raise ValueError("That library scorecard does not exist.") from exc
    elif start.startswith("clone:"):
        source = db.session.get(Scorecard, _int(start.split(":", 1)[1]))
        if source is None:
            raise ValueError("That scorecard does not exist.")
        definition = source.draft_definition or _latest_definition(source)
        if definition is None:
            raise ValueError("That scorecard has nothing to copy yet.")
    elif start == "blank":
        return drafts.blank(name)
    else:
        raise ValueError("Choose where to start from.")
    return {**definition, "name": name}


def _int(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        return -1


def create(actor: User, definition: dict[str, Any]) -> Scorecard:
    card = Scorecard(
        name=str(definition.get("name", "Untitled"))[:200],
        channel=_channel(definition),
        description=str(definition.get("description", "")),
        status="draft",
        draft_definition=definition,
        created_by_id=actor.id,
    )
    db.session.add(card)
    db.session.flush()
    audit.record(actor, "scorecard.created", "scorecard", card.id, None, {"name": card.name})
    db.session.commit()
    return card


def _channel(definition: dict[str, Any]) -> str:
    channel = definition.get("channel", "any")
    return channel if channel in ("any", "call", "chat", "email") else "any"


def parse_upload(text: str) -> tuple[dict[str, Any] | None, list[scorecards.Problem]]:
    """A definition from an uploaded YAML/JSON text, or every problem in it."""
    try:
        card = scorecards.load_text(text)  # never a path on this server
    except scorecards.ScorecardError as exc:
        return None, exc.problems
    return scorecards.to_dict(card), []


def editable_draft(card: Scorecard) -> dict[str, Any]:
    """The draft to edit; starts from the latest version when none is pending."""
    if card.draft_definition is not None:
        return card.draft_definition
    return _latest_definition(card) or drafts.blank(card.name)


def save_draft(
    actor: User, card: Scorecard, definition: dict[str, Any], lock_version: str | int | None
) -> None:
    """Store a new draft unless someone saved another one since the page loaded.

    ``definition`` is the post's change applied to the draft as stored; when
    that is exactly the stored draft, a stale post changes nothing anyone saved
    (a double click repeating the save that just succeeded) and succeeds as
    that one did, without writing. Anything else stale is ``StaleDraftError``.
    """
    if card.status == "archived":
        raise ValueError("Restore this scorecard before editing it.")
    if str(card.lock_version) != str(lock_version):
        if definition == card.draft_definition:
            return
        raise StaleDraftError
    card.draft_definition = definition
    card.name = str(definition.get("name", card.name))[:200]
    card.channel = _channel(definition)
    card.description = str(definition.get("description", ""))
    try:
        db.session.commit()
    except StaleDataError as exc:  # lost the race: a repeat of the winner is no conflict
        db.session.rollback()
        if definition != card.draft_definition:
            raise StaleDraftError from exc


def discard_draft(actor: User, card: Scorecard) -> None:
    if not card.versions:
        raise ValueError("A scorecard that was never published has only its draft.")
    card.draft_definition = None
    db.session.commit()


def latest_version(card: Scorecard) -> ScorecardVersion | None:
    return db.session.scalar(
        db.select(ScorecardVersion)
        .where(ScorecardVersion.scorecard_id == card.id)
        .order_by(ScorecardVersion.number.desc())
        .limit(1)
    )


def version(card: Scorecard, number: int) -> ScorecardVersion | None:
    return db.session.scalar(
        db.select(ScorecardVersion).where(
            ScorecardVersion.scorecard_id == card.id, ScorecardVersion.number == number
        )
    )


@dataclass(frozen=True)
class PublishPreview:
    """What publishing the draft now would do, for the confirmation step."""

    number: int
    latest: ScorecardVersion | None
    changes: scorecards.ScorecardDiff | None


def _check_publishable(card: Scorecard, lock_version: str | int | None) -> None:
    if card.status == "archived":
        raise ValueError("Restore this scorecard before publishing it.")
    if card.draft_definition is None:
        raise ValueError("There are no draft changes to publish.")
    if str(card.lock_version) != str(lock_version):
        raise StaleDraftError
    problems = scorecards.validate(card.draft_definition)
    if problems:
        raise PublishError(problems)


def publish_preview(card: Scorecard, lock_version: str | int | None) -> PublishPreview:
    """The version number the draft would get and its changes from the latest
    version; raises as ``publish`` would, so the confirmation is never shown
    for a draft that could not be published."""
    _check_publishable(card, lock_version)
    latest = latest_version(card)
    changes = None
    if latest is not None:
        changes = scorecards.diff(
            scorecards.from_dict(latest.definition), scorecards.from_dict(card.draft_definition)
        )
    return PublishPreview((latest.number + 1) if latest else 1, latest, changes)


def publish(actor: User, card: Scorecard, lock_version: str | int | None) -> ScorecardVersion:
    """Freeze the draft as version n+1. Refused while any problem is left."""
    _check_publishable(card, lock_version)
    canonical = scorecards.to_dict(scorecards.from_dict(card.draft_definition))
    latest = latest_version(card)
    before = {"status": card.status, "version": latest.number if latest else None}
    new = ScorecardVersion(
        scorecard_id=card.id,
        number=(latest.number + 1) if latest else 1,
        definition=canonical,
        published_by_id=actor.id,
    )
    db.session.add(new)
    card.status, card.draft_definition = "published", None
    card.name, card.channel = canonical["name"], canonical["channel"]
    try:
        db.session.flush()
    except (IntegrityError, StaleDataError) as exc:  # a concurrent publish won
        db.session.rollback()
        raise StaleDraftError from exc
    audit.record(
        actor,
        "scorecard.published",
        "scorecard",
        card.id,
        before,
        {
            "status": "published",
            "version": new.number,
            "questions": len(scorecards.from_dict(canonical).questions()),
        },
    )
    db.session.commit()
    return new


def set_archived(actor: User, card: Scorecard, archived: bool) -> None:
    before = card.status
    if archived:
        card.status = "archived"
    else:
        card.status = "published" if card.versions else "draft"
    audit.record(
        actor,
        "scorecard.archived" if archived else "scorecard.restored",
        "scorecard",
        card.id,
        {"status": before},
        {"status": card.status},
    )
    db.session.commit()


def export_yaml(definition: dict[str, Any]) -> str:
    return scorecards.dump(scorecards.from_dict(definition))


def compare(old: ScorecardVersion, new: ScorecardVersion) -> scorecards.ScorecardDiff:
    return scorecards.diff(
        scorecards.from_dict(old.definition), scorecards.from_dict(new.definition)
    )
