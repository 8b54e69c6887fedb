"""Test data for the flagging tests: generated interactions with a known truth,
a model trained once per run, FlagModel and Flag rows."""

from __future__ import annotations

import io
import tempfile
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any

import pandas as pd
from sqlalchemy import insert

import flagging
from qa_app.demo import generator
from qa_app.extensions import db
from qa_app.flags import flagged
from qa_app.models import Flag, FlagModel, Interaction, User

# Cheap training for tests: one C, two folds, few text features.
FAST = {"c_grid": (0.3,), "n_splits": 2, "max_features": 300, "min_rows": 50, "min_positives": 5}
END = datetime(2026, 11, 1, tzinfo=UTC)
START = END - timedelta(weeks=8)


@lru_cache(maxsize=4)
def generated(n: int = 300, seed: int = 3) -> tuple:
    _teams, people = generator.generate_people(0)
    return tuple(generator.generate_interactions(people, n, seed=seed, start=START, end=END))


def load_interactions(
    agents: list[User], n: int = 300, seed: int = 3, **overrides: Any
) -> list[int]:
    """Insert ``n`` generated interactions spread over ``agents``; their ids, in order."""
    rows = []
    for number, item in enumerate(generated(n, seed)):
        agent = agents[number % len(agents)]
        row = {
            "source": "gen",
            "external_id": item.external_id,
            "channel": item.channel,
            "agent_id": agent.id,
            "team_id": agent.team_id,
            "started_at": item.started_at,
            "duration_seconds": item.duration_seconds,
            "customer_ref": item.customer_id,
            "transcript": item.turns,
            "csat": item.csat,
            "escalated": item.escalated,
            "meta": item.metadata,
        }
        row.update(overrides)
        rows.append(row)
    db.session.execute(insert(Interaction), rows)
    db.session.commit()
    return list(
        db.session.scalars(
            db.select(Interaction.id).where(Interaction.source == "gen").order_by(Interaction.id)
        )
    )


@lru_cache(maxsize=2)
def artefact(target: str = "escalation") -> bytes:
    """A model trained (once per run) on generated contacts, as stored bytes."""
    frame = pd.DataFrame(
        [
            {
                "channel": i.channel,
                "started_at": i.started_at,
                "duration_seconds": i.duration_seconds,
                "transcript": i.turns,
                "csat": i.csat,
                "customer_id": i.customer_id,
                "escalated": i.escalated,
                **i.metadata,
            }
            for i in generated()
        ]
    )
    model = flagging.train(frame, target, label_column="escalated", **FAST)
    with tempfile.TemporaryDirectory() as folder:
        return model.save(Path(folder) / "m.qaflag").read_bytes()


def metrics() -> dict[str, Any]:
    """A plausible ``Evaluation.to_dict()`` plus curves, for pages."""
    group = {"group": "Support", "rows": 60, "positives": 8, "flag_rate": 0.05,
             "precision": 0.67, "recall": 0.25, "pr_auc": 0.5, "roc_auc": 0.8}  # fmt: skip
    return {
        "target": "escalation", "budget": 0.05, "holdout_fraction": 0.2,
        "train_start": "2026-09-06T00:00:00+00:00", "train_end": "2026-10-20T00:00:00+00:00",
        "test_start": "2026-10-20T00:00:00+00:00", "test_end": "2026-10-31T00:00:00+00:00",
        "train_rows": 240, "test_rows": 60, "test_positives": 8, "base_rate": 0.133,
        "model": {"pr_auc": 0.48, "roc_auc": 0.85, "precision_at_budget": 0.67,
                  "recall_at_budget": 0.25, "flagged": 3},
        "baselines": {
            "keyword": {"pr_auc": 0.3, "roc_auc": 0.7, "precision_at_budget": 0.33,
                        "recall_at_budget": 0.12, "flagged": 3},
            "random": {"pr_auc": 0.133, "roc_auc": 0.5, "precision_at_budget": 0.133,
                       "recall_at_budget": 0.05, "flagged": 3, "expected": True},
        },
        "reliability": [{"low": 0.01, "high": 0.2, "mean_predicted": 0.1,
                         "observed_rate": 0.1, "count": 60}],
        "brier": 0.1, "per_team": [group], "fairness": {"team": [group], "tenure_band": []},
        "curves": {"model": [[0.125, 1.0], [0.5, 0.5], [1.0, 0.13]],
                   "keyword": [[0.125, 0.5], [1.0, 0.13]], "random": 0.133},
    }  # fmt: skip


def add_model(
    target: str = "escalation",
    version: int = 1,
    *,
    active: bool = True,
    data: bytes | None = None,
    status: str = "ready",
    threshold: float = 0.5,
    budget: float = 0.05,
) -> FlagModel:
    row = FlagModel(
        target=target,
        version=version,
        status=status,
        active=active,
        artefact=artefact() if data is None and status == "ready" else data,
        meta={"rows": 300, "positives": 40, "train_start": "2026-09-06T00:00:00+00:00",
              "train_end": "2026-10-31T00:00:00+00:00", "flag_threshold": threshold,
              "budget": budget},
        metrics=metrics() if status == "ready" else {},
        activated_at=END if active else None,
    )  # fmt: skip
    db.session.add(row)
    db.session.commit()
    return row


def add_flag(interaction: Interaction, model: FlagModel, probability: float, **fields: Any) -> Flag:
    flag = Flag(
        interaction_id=interaction.id,
        model_id=model.id,
        target=model.target,
        probability=probability,
        reasons=fields.pop(
            "reasons", [{"reason": "customer: manager", "feature": "w", "weight": 0.8}]
        ),
        **fields,
    )
    db.session.add(flag)
    db.session.flush()
    flagged.store_cut([model])  # as scoring does once its scores are stored
    db.session.commit()
    return flag


def day(text: str) -> date:
    return date.fromisoformat(text)


def csv_rows(text: str) -> list[list[str]]:
    import csv

    return list(csv.reader(io.StringIO(text)))
