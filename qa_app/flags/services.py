"""Flagging workflow: the model registry (train, activate, load), scoring
interactions with the active models, and what the interaction page shows.

The queue, send-to-review and reviewers' answers live in ``queue.py``; the
training run itself in ``training.py``; the background runner in ``jobs.py``.
"""

from __future__ import annotations

import hashlib
import tempfile
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

import flagging
from qa_app import audit
from qa_app.extensions import db
from qa_app.flags import flagged, frames, training
from qa_app.interactions.transcript import clock
from qa_app.models import Flag, FlagModel, Interaction, User, utcnow
from qa_app.models.flags import FLAG_TARGETS
from qa_app.webhooks import payloads
from qa_app.webhooks.events import emit

TARGETS = FLAG_TARGETS
SCORE_CHUNK = 1000

# Loaded flagging models, kept in this process rather than in the app's cache
# (``qa_app.extensions.cache``, for data): a loaded scikit-learn pipeline cannot
# leave the process, and loading one again from its artefact is the cost
# this saves: 70-110 ms per model, so every import (an API upsert of 10 contacts,
# both targets active) would pay 180 ms or more (bench/caches.py). Maximum age:
# the life of the process, and never stale: the key is the artefact's content,
# so a retrained or damaged artefact is a new entry. At most _LOADED_SIZE models
# (two targets, each with room for a version being activated), least recently
# used dropped first.
_LOADED: OrderedDict[tuple[int, str], flagging.FlagModel] = OrderedDict()
_LOADED_LOCK = threading.Lock()
_LOADED_SIZE = 4


class FlagServiceError(ValueError):
    """A clear, user-facing reason why a flagging action cannot be done."""


# --- registry ---------------------------------------------------------------


def train(target: str, *, since: datetime | None = None, actor: User | None = None,
          progress: training.Progress | None = None) -> FlagModel:  # fmt: skip
    """Train a new version of ``target`` now (in this thread); see ``training``.

    Returns the row, ready or failed (``row.error`` says why)."""
    if target not in TARGETS:
        raise FlagServiceError(f"unknown target {target!r}; choose from {', '.join(TARGETS)}")
    return training.run(training.new_model_row(target, actor, since), progress)


def versions(target: str) -> list[FlagModel]:
    return db.session.scalars(
        select(FlagModel).where(FlagModel.target == target).order_by(FlagModel.version.desc())
    ).all()


def active_models(target: str | None = None) -> list[FlagModel]:
    query = select(FlagModel).where(FlagModel.active.is_(True), FlagModel.status == "ready")
    if target:
        query = query.where(FlagModel.target == target)
    return db.session.scalars(query.order_by(FlagModel.target)).all()


def load_model(row: FlagModel) -> flagging.FlagModel:
    """The stored artefact as a usable model (kept in ``_LOADED``); FlagServiceError
    with the reason when it is missing or unreadable (corrupted, other version)."""
    data = row.artefact
    if row.status != "ready" or not data:
        raise FlagServiceError(f"{row.target} model v{row.version} has no trained artefact.")
    key = (row.id, hashlib.sha256(data).hexdigest())
    with _LOADED_LOCK:
        if key in _LOADED:
            _LOADED.move_to_end(key)
            return _LOADED[key]
    with tempfile.TemporaryDirectory(prefix="qa-flag-") as folder:
        path = Path(folder) / f"{row.target}-v{row.version}.qaflag"
        path.write_bytes(data)
        try:
            model = flagging.load(path)
        except flagging.FlaggingError as exc:
            raise FlagServiceError(
                f"{row.target} model v{row.version} cannot be used: {exc}"
            ) from exc
    with _LOADED_LOCK:
        _LOADED[key] = model
        while len(_LOADED) > _LOADED_SIZE:
            _LOADED.popitem(last=False)
    return model


def activate(actor: User | None, row: FlagModel) -> FlagModel | None:
    """Make ``row`` the active model of its target (a rollback when it is older
    than the active one). Refused unless its artefact loads. Returns the model it
    replaced. Audited as ``flag_model.activated`` with the versions before/after."""
    if row.status != "ready":
        raise FlagServiceError(f"Version {row.version} is {row.status}; only ready models.")
    load_model(row)  # refuse a corrupted artefact before it replaces a working one
    siblings = db.session.scalars(
        select(FlagModel).where(FlagModel.target == row.target).with_for_update()
    ).all()
    previous = next((m for m in siblings if m.active), None)
    if previous is not None and previous.id == row.id:
        raise FlagServiceError(f"Version {row.version} is already active.")
    for model in siblings:
        model.active = model.id == row.id
    row.activated_at = utcnow()
    flagged.store_cut([row])  # its scores may predate a change of FLAG_BUDGET
    audit.record(
        actor,
        "flag_model.activated",
        "flag_model",
        row.id,
        {"target": row.target, "active_version": previous.version if previous else None},
        {
            "target": row.target,
            "active_version": row.version,
            # Going back to an older version is a rollback; said so in the trail.
            "rollback": previous is not None and row.version < previous.version,
        },
    )
    db.session.commit()
    return previous


# --- scoring ----------------------------------------------------------------


def score_interactions(
    ids: Iterable[int],
    *,
    target: str | None = None,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Score the given interactions with the active model(s), in chunks; one Flag
    per (interaction, model), updated in place when it exists (a reviewer's answer
    on it is kept). Returns the number of interactions scored: 0 when no model is
    active (so an import can always call it); FlagServiceError when an active
    model's artefact cannot be loaded."""
    if not active_models(target):
        return 0
    return _score(frames.stream(ids=list(ids), chunk=SCORE_CHUNK), target, progress)


def score(
    *,
    all_interactions: bool = False,
    since: datetime | None = None,
    target: str | None = None,
    progress: Callable[[int], None] | None = None,
) -> int:
    """The CLI's selection: ``all``, or contacts since a date, or (default) those
    some active model has not scored yet."""
    where = None if all_interactions or since else _unscored(target)
    chunks = frames.stream(since=since, where=where, chunk=SCORE_CHUNK)
    return _score(chunks, target, progress)


def count_to_score(*, all_interactions: bool = False, since: datetime | None = None,
                   target: str | None = None) -> int:  # fmt: skip
    query = select(func.count()).select_from(Interaction)
    if since is not None:
        query = query.where(Interaction.started_at >= since)
    if not (all_interactions or since):
        query = query.where(_unscored(target))
    return db.session.scalar(query) or 0


def _unscored(target: str | None) -> Any:
    ids = [m.id for m in active_models(target)]
    scored_by = (
        select(func.count())
        .select_from(Flag)
        .where(Flag.interaction_id == Interaction.id, Flag.model_id.in_(ids))
        .correlate(Interaction)
        .scalar_subquery()
    )
    return scored_by < len(ids)


# A prediction at least this likely is a raised flag for webhook receivers.
RAISED_AT = 0.5


def _emit_raised(row: FlagModel, ids: Iterable[Any], probabilities: Iterable[float]) -> None:
    raised = [{"interaction_id": int(i), "probability": round(float(p), 4)}
              for i, p in zip(ids, probabilities, strict=True) if p >= RAISED_AT]  # fmt: skip
    if raised:
        emit("flag.raised", payloads.flags(row.target, row.version, raised))


def _score(chunks: Iterator, target: str | None, progress: Callable[[int], None] | None) -> int:
    rows = active_models(target)
    if not rows:
        raise FlagServiceError(
            "No active model" + (f" for {target}" if target else "") + ": train and activate one."
        )
    models = [(row, load_model(row)) for row in rows]
    ids = [row.id for row in rows]
    try:
        scored = _score_chunks(chunks, models, progress)
    except BaseException:
        db.session.rollback()  # the chunk being written is lost; those committed count
        _store_cuts(ids)
        raise
    _store_cuts(ids)
    return scored


def _store_cuts(ids: list[int]) -> None:
    """The cut moves with the scores: measured once per run, at its end (also when
    it stopped part-way), on every chunk it stored (``flagged.store_cut``)."""
    flagged.store_cut(db.session.scalars(select(FlagModel).where(FlagModel.id.in_(ids))).all())
    db.session.commit()


def _score_chunks(chunks: Iterator, models: list, progress: Callable[[int], None] | None) -> int:
    scored = 0
    for frame in chunks:
        if frame.empty:
            continue
        for row, model in models:
            predictions = model.predict(frame, top=3)
            _upsert(
                [
                    {
                        "interaction_id": int(iid),
                        "model_id": row.id,
                        "target": row.target,
                        "probability": min(1.0, max(0.0, float(p))),
                        "reasons": training.json_safe(list(reasons)),
                    }
                    for iid, p, reasons in zip(
                        frame["interaction_id"],
                        predictions["probability"],
                        predictions["reasons"],
                        strict=True,
                    )
                ]
            )
            _emit_raised(row, frame["interaction_id"], predictions["probability"])
        db.session.commit()
        scored += len(frame)
        if progress:
            progress(len(frame))
    return scored


def _upsert(rows: list[dict[str, Any]]) -> None:
    """INSERT .. ON CONFLICT (interaction_id, model_id) DO UPDATE: one statement per
    chunk, and safe when two scorers race on the same interaction."""
    if not rows:
        return
    dialect = db.session.get_bind().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    elif dialect == "sqlite":
        from sqlalchemy.dialects.sqlite import insert
    else:  # pragma: no cover - the project runs on these two
        raise FlagServiceError(f"scoring needs PostgreSQL or SQLite, not {dialect}")
    statement = insert(Flag).values(rows)
    statement = statement.on_conflict_do_update(
        index_elements=["interaction_id", "model_id"],
        set_={
            "probability": statement.excluded.probability,
            "reasons": statement.excluded.reasons,
        },
    )
    db.session.execute(statement)


# --- the interaction page and exports -----------------------------------------


def flags_for(interaction_id: int) -> list[Flag]:
    """The active models' flags of one interaction (highest probability first).

    For the interaction page (``flags/_flags.html``'s ``flag_list``); the macro shows
    nothing to agents: a flag is a triage hint for QA, not a verdict on the agent."""
    return db.session.scalars(
        select(Flag)
        .join(FlagModel, FlagModel.id == Flag.model_id)
        .where(Flag.interaction_id == interaction_id, FlagModel.active.is_(True))
        .order_by(Flag.probability.desc())
    ).all()


EXPORT_HEADER = ("external_id", "target", "probability", "model_version", "reasons")


def export_rows(target: str, version: int | None = None) -> Iterator[list[Any]]:
    """Header then one row per score of the active (or given) version of
    ``target`` (every interaction it scored, not only its flags), highest
    probability first; streamed."""
    query = select(FlagModel).where(FlagModel.target == target)
    query = query.where(FlagModel.version == version) if version else query.where(FlagModel.active)
    row = db.session.scalar(query)
    if row is None:
        which = f"version {version}" if version else "active model"
        raise FlagServiceError(f"{target} has no {which}.")
    yield list(EXPORT_HEADER)
    flags = db.session.execute(
        select(Interaction.external_id, Flag.probability, Flag.reasons)
        .join(Interaction, Interaction.id == Flag.interaction_id)
        .where(Flag.model_id == row.id)
        .order_by(Flag.probability.desc(), Flag.id)
        .execution_options(yield_per=1000)
    )
    for external_id, probability, reasons in flags:
        yield [external_id, target, round(probability, 6), row.version, reasons_text(reasons)]


def reasons_text(reasons: list[dict[str, Any]] | None) -> str:
    """The reasons as one line, as the pages say them: the behaviour or speaker, the
    turn's time and its quote, or the fact; no coefficients."""
    return "; ".join(reason_line(r) for r in reasons or [])


def reason_line(reason: dict[str, Any]) -> str:
    """One reason in words (``flagging.explain``); a reason stored in an older form
    (no ``kind``) as its text."""
    if reason.get("kind") != "turn":
        return str(reason.get("reason", ""))
    start = reason.get("start_s")
    where = f"at {clock(start)}" if start is not None else f"in turn {reason.get('turn')}"
    who = f"{str(reason.get('speaker', '')).capitalize()} {reason.get('behaviour') or 'said'}"
    return f'{who} {where}: "{reason.get("quote", "")}"'
