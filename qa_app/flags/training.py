"""Training a flagging model into a FlagModel row (used by the CLI and the page).

One run: read the labelled interactions (``frames.training_frame``), measure with
``flagging.evaluate`` (trained on the earlier 80 %, scored on the later 20 %, with
the keyword rule and random sampling as baselines on the same rows), then train the
model that is stored on *all* labelled rows. The stored model is therefore not the
one the metrics were measured on: it is the same recipe with the most recent
weeks added, which is what a team wants in production; the holdout figures are
the honest estimate of how that recipe does on contacts it has not seen.

Progress goes to ``meta["progress"]`` of the row (committed at each stage) so the
registry page can show it while a background thread trains.
"""

from __future__ import annotations

import math
import tempfile
from collections.abc import Callable
from datetime import datetime
from importlib import metadata as importlib_metadata
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

import flagging
from qa_app import audit
from qa_app.extensions import db
from qa_app.flags import flagged, frames
from qa_app.models import FlagModel, User, utcnow

Progress = Callable[[str, int], None]
LIBRARIES = ("scikit-learn", "numpy", "pandas", "scipy", "skops")
CURVE_POINTS = 60


def new_model_row(target: str, actor: User | None, since: datetime | None) -> FlagModel:
    """A FlagModel row in status ``training`` with the next version of ``target``."""
    for _attempt in range(3):
        version = (
            db.session.scalar(select(func.max(FlagModel.version)).where(FlagModel.target == target))
            or 0
        ) + 1
        row = FlagModel(
            target=target,
            version=version,
            status="training",
            created_by_id=actor.id if actor else None,
            meta={
                "since": since.isoformat() if since else None,
                "progress": _progress_value("queued", 0),
            },
            metrics={},
        )
        db.session.add(row)
        try:
            db.session.commit()
        except IntegrityError:  # another run took this version number meanwhile
            db.session.rollback()
            continue
        return row
    raise RuntimeError("could not allocate a model version; try again")


def _progress_value(stage: str, percent: int) -> dict[str, Any]:
    return {"stage": stage, "percent": percent, "updated_at": utcnow().isoformat()}


def set_progress(row: FlagModel, stage: str, percent: int) -> None:
    row.meta = {**(row.meta or {}), "progress": _progress_value(stage, percent)}
    db.session.commit()


def train_options() -> dict[str, Any]:
    """Options for ``flagging.train``/``evaluate``; FLAG_TRAIN_OPTIONS (a dict, not
    in the defaults) lets tests and small deployments make training cheaper."""
    return {"budget": budget(), **(current_app.config.get("FLAG_TRAIN_OPTIONS") or {})}


def budget() -> float:
    return float(current_app.config.get("FLAG_BUDGET", 0.05))


def run(row: FlagModel, progress: Progress | None = None) -> FlagModel:
    """Train into ``row`` (status training): ready with artefact and metrics, or
    failed with the reason. FlaggingError is a clear, expected failure (one class,
    too few labels) and is not raised; anything else is recorded and re-raised."""

    def step(stage: str, percent: int) -> None:
        set_progress(row, stage, percent)
        if progress:
            progress(stage, percent)

    try:
        since = row.meta.get("since")
        step("reading interactions", 5)
        frame, from_reviews = frames.training_frame(
            row.target, datetime.fromisoformat(since) if since else None
        )
        options = train_options()
        label = frames.LABEL_COLUMNS[row.target]
        if frame.empty or frame[label].notna().sum() == 0:
            where = "submitted evaluations" if row.target == "coaching" else "escalated true/false"
            raise flagging.FlaggingError(
                f"no labelled rows for target {row.target!r} ({where}, or reviewers' answers "
                "on flags); training needs both positive and negative examples"
            )
        step(f"measuring on a holdout period ({len(frame)} interactions)", 20)
        evaluation = flagging.evaluate(frame, row.target, label_column=label, **options)
        curves = _curves(frame, label, evaluation)
        step("training on all labelled interactions", 60)
        model = flagging.train(frame, row.target, label_column=label, **options)
        step("saving", 90)
        artefact = _artefact_bytes(model)
    except flagging.FlaggingError as exc:
        _fail(row, str(exc))
        if progress:
            progress("failed", 100)
        return row
    except Exception as exc:
        db.session.rollback()
        _fail(row, f"unexpected error: {type(exc).__name__}: {exc}")
        raise
    labels = frame[label]
    row.artefact = artefact
    row.metrics = json_safe({**evaluation.to_dict(), "curves": curves})
    row.meta = {
        **row.meta,
        "progress": _progress_value("done", 100),
        "train_start": model.metadata.get("train_start"),
        "train_end": model.metadata.get("train_end"),
        "rows": int(model.metadata.get("rows", labels.notna().sum())),
        "positives": int(model.metadata.get("positives", (labels == 1).sum())),
        "interactions_read": len(frame),
        "unlabelled": int(labels.isna().sum()),
        "labels_from_reviews": from_reviews,
        "flag_threshold": model.metadata.get("flag_threshold"),
        "budget": options["budget"],
        "options": json_safe({k: v for k, v in options.items() if k != "budget"}),
        "libraries": library_versions(),
        "format_version": flagging.FORMAT_VERSION,
    }
    row.status = "ready"
    row.error = ""
    flagged.store_cut([row])  # nothing scored yet: flags nothing until scoring
    _auto_activate(row)
    db.session.commit()
    if progress:
        progress("done", 100)
    return row


def json_safe(value: Any) -> Any:
    """NaN and infinities -> None (PostgreSQL's JSONB refuses them), numpy -> Python."""
    if isinstance(value, dict):
        return {str(k): json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [json_safe(v) for v in value]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def _fail(row: FlagModel, message: str) -> None:
    row.status = "failed"
    row.error = message
    row.meta = {**(row.meta or {}), "progress": _progress_value("failed", 100)}
    db.session.commit()


def _auto_activate(row: FlagModel) -> None:
    """The first ready model of a target becomes active by itself (nothing to
    compare it with); later versions wait for someone to activate them."""
    active = db.session.scalar(
        select(FlagModel.id).where(FlagModel.target == row.target, FlagModel.active.is_(True))
    )
    if active is None:
        row.active = True
        row.activated_at = utcnow()
        actor = db.session.get(User, row.created_by_id) if row.created_by_id else None
        audit.record(
            actor,
            "flag_model.activated",
            "flag_model",
            row.id,
            {"target": row.target, "active_version": None},
            {"target": row.target, "active_version": row.version, "automatic": True},
        )


def _artefact_bytes(model: flagging.FlagModel) -> bytes:
    with tempfile.TemporaryDirectory(prefix="qa-flag-") as folder:
        path = Path(folder) / "model.qaflag"
        model.save(path)
        return path.read_bytes()


def library_versions() -> dict[str, str]:
    versions = {}
    for name in LIBRARIES:
        try:
            versions[name] = importlib_metadata.version(name)
        except importlib_metadata.PackageNotFoundError:
            versions[name] = "not installed"
    return versions


def _curves(frame: pd.DataFrame, label: str, evaluation: flagging.Evaluation) -> dict:
    """Precision-recall curves on the holdout rows, for the model and the keyword
    rule (random sampling is a flat line at the base rate).

    ``evaluate`` keeps the scores to itself; its holdout rows are exactly the
    labelled rows at or after ``test_start`` (every training row is earlier)."""
    model = evaluation.flag_model
    if model is None:
        return {}
    times = pd.to_datetime(frame["started_at"], utc=True)
    test = frame[(times >= pd.Timestamp(evaluation.test_start)) & frame[label].notna()]
    if test.empty:
        return {}
    y = test[label].to_numpy(dtype=int)
    return {
        "model": pr_curve(y, model.predict_proba(test)),
        "keyword": pr_curve(y, flagging.keyword_scores(test, seed=0)),
        "random": float(y.mean()),
    }


def pr_curve(y: np.ndarray, score: np.ndarray, points: int = CURVE_POINTS) -> list[list[float]]:
    """[[recall, precision], ...] reviewing the top k for k = 1..n, thinned."""
    positives = int(y.sum())
    if positives == 0:
        return []
    order = np.argsort(-score, kind="stable")
    hits = np.cumsum(y[order])
    k = np.arange(1, len(y) + 1)
    keep = np.unique(np.linspace(0, len(y) - 1, min(points, len(y))).round().astype(int))
    return [
        [round(float(hits[i] / positives), 4), round(float(hits[i] / k[i]), 4)]
        for i in keep
        if not math.isnan(hits[i])
    ]
