"""Is the model worth a reviewer's time? A time-ordered holdout answers.

``evaluate`` trains on the earlier part of a frame (by time) and measures on the
later part, the way a model is used: trained on the past, applied to the next
weeks. It reports PR-AUC (average precision), ROC-AUC, precision and recall at
the review budget (the top 5 % by default) and a reliability table, for the model
and, on the same rows, for the keyword rule and for random sampling (its expected
values: PR-AUC = base rate, recall = share of rows reviewed). Per team and per
tenure band it reports flag rate, precision and recall: a model that flags one
team far more often for the same precision deserves a question.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, fields

import numpy as np
import pandas as pd
from sklearn.metrics import average_precision_score, roc_auc_score

from flagging.features import repeat_contacts, tenure_band
from flagging.frame import FlaggingError, check_columns, read_labels, to_utc
from flagging.keywords import keyword_scores
from flagging.model import FlagModel, train


def _safe(value: float | None) -> float | None:
    return None if value is None or not math.isfinite(value) else float(value)


def top_k(score: np.ndarray, budget: float) -> np.ndarray:
    """Boolean mask of the ceil(budget x n) highest scores (first rows win exact ties)."""
    n = len(score)
    k = min(n, max(1, math.ceil(budget * n))) if n else 0
    mask = np.zeros(n, dtype=bool)
    mask[np.argsort(-score, kind="stable")[:k]] = True
    return mask


def ranking_metrics(y: np.ndarray, score: np.ndarray, budget: float) -> dict:
    """PR-AUC, ROC-AUC, precision and recall at the budget (None when undefined)."""
    both = 0 < y.sum() < len(y)
    flagged = top_k(score, budget)
    hits = int(y[flagged].sum())
    return {
        "pr_auc": _safe(average_precision_score(y, score)) if both else None,
        "roc_auc": _safe(roc_auc_score(y, score)) if both else None,
        "precision_at_budget": hits / int(flagged.sum()) if flagged.any() else None,
        "recall_at_budget": hits / int(y.sum()) if y.sum() else None,
        "flagged": int(flagged.sum()),
    }


def random_metrics(y: np.ndarray, budget: float) -> dict:
    """Expected figures of random sampling with the same budget."""
    n = len(y)
    k = min(n, max(1, math.ceil(budget * n))) if n else 0
    base = float(y.mean()) if n else None
    return {
        "pr_auc": base,
        "roc_auc": 0.5,
        "precision_at_budget": base,
        "recall_at_budget": k / n if n else None,
        "flagged": k,
        "expected": True,
    }


def reliability_table(y: np.ndarray, probability: np.ndarray, bins: int = 10) -> list[dict]:
    """Equal-count bins of predicted probability: mean predicted vs observed rate.

    Equal-count (not equal-width) bins, because with a rare target most
    probabilities sit near 0 and equal-width bins would leave the top empty.
    """
    order = np.argsort(probability, kind="stable")
    table = []
    for chunk in np.array_split(order, min(bins, len(order))):
        if len(chunk):
            table.append(
                {
                    "low": float(probability[chunk].min()),
                    "high": float(probability[chunk].max()),
                    "mean_predicted": float(probability[chunk].mean()),
                    "observed_rate": float(y[chunk].mean()),
                    "count": len(chunk),
                }
            )
    return table


def group_table(y: np.ndarray, score: np.ndarray, groups: pd.Series, budget: float) -> list[dict]:
    """Per group: rows, positives, flag rate, precision, recall (flags = global top budget)."""
    flagged = top_k(score, budget)
    rows = []
    for name in sorted(groups.astype(str).unique()):
        mask = (groups.astype(str) == name).to_numpy()
        yg, fg = y[mask], flagged[mask]
        hits = int(yg[fg].sum())
        both = 0 < yg.sum() < len(yg)
        rows.append(
            {
                "group": name,
                "rows": int(mask.sum()),
                "positives": int(yg.sum()),
                "flag_rate": float(fg.mean()),
                "precision": hits / int(fg.sum()) if fg.any() else None,
                "recall": hits / int(yg.sum()) if yg.sum() else None,
                "pr_auc": _safe(average_precision_score(yg, score[mask])) if both else None,
                "roc_auc": _safe(roc_auc_score(yg, score[mask])) if both else None,
            }
        )
    return rows


@dataclass
class Evaluation:
    """Holdout figures; ``to_dict()`` is plain JSON (the trained model is left out)."""

    target: str
    budget: float
    holdout_fraction: float
    train_start: str
    train_end: str
    test_start: str
    test_end: str
    train_rows: int
    test_rows: int
    test_positives: int
    base_rate: float
    model: dict
    baselines: dict
    reliability: list[dict]
    brier: float
    per_team: list[dict]
    fairness: dict
    flag_model: FlagModel | None = field(default=None, repr=False, compare=False)

    def to_dict(self) -> dict:
        return {f.name: getattr(self, f.name) for f in fields(self) if f.name != "flag_model"}


def evaluate(
    frame: pd.DataFrame,
    target: str,
    *,
    label_column: str | None = None,
    time_column: str = "started_at",
    budget: float = 0.05,
    holdout_fraction: float = 0.2,
    seed: int = 0,
    bins: int = 10,
    **train_options: object,
) -> Evaluation:
    """Train on the earliest (1 - holdout_fraction) of rows by time, measure on the rest.

    Every training row is strictly earlier than every test row (ties at the cut go
    to the test side). Repeat contacts are counted on the whole frame first, since
    a test contact's earlier contacts may lie in the training period.
    """
    check_columns(frame, (time_column,))
    if not 0 < holdout_fraction < 1:
        raise FlaggingError(f"holdout_fraction must be between 0 and 1, got {holdout_fraction}")
    frame = frame.copy()
    if "customer_id" in frame.columns:
        computed = repeat_contacts(frame["customer_id"], frame[time_column])
        given = frame.get("prior_contacts_30d", pd.Series(np.nan, index=frame.index))
        frame["prior_contacts_30d"] = pd.to_numeric(given, errors="coerce").fillna(
            pd.Series(computed, index=frame.index)
        )
    times = to_utc(frame[time_column])
    cut = times.sort_values(kind="stable").iloc[int(len(frame) * (1 - holdout_fraction))]
    train_part, test_part = frame[(times < cut).to_numpy()], frame[(times >= cut).to_numpy()]
    if train_part.empty:
        raise FlaggingError("no rows before the holdout period: every row has the same time")
    model = train(
        train_part,
        target,
        label_column=label_column,
        time_column=time_column,
        budget=budget,
        **train_options,
    )
    labels = read_labels(test_part, target, label_column)
    test_part = test_part[labels.notna().to_numpy()]
    y = labels.dropna().to_numpy(dtype=int)
    if len(y) == 0:
        raise FlaggingError("the holdout period has no labelled rows")
    probability = model.predict_proba(test_part)
    keyword = keyword_scores(test_part, seed=seed)
    model_figures = ranking_metrics(y, probability, budget)
    tenure = test_part.get("tenure_months", pd.Series(np.nan, index=test_part.index))
    teams = test_part.get("team", pd.Series("(none)", index=test_part.index)).fillna("(none)")
    test_times = to_utc(test_part[time_column])
    result = Evaluation(
        target=target,
        budget=budget,
        holdout_fraction=holdout_fraction,
        train_start=model.metadata["train_start"],
        train_end=model.metadata["train_end"],
        test_start=test_times.min().isoformat(),
        test_end=test_times.max().isoformat(),
        train_rows=model.metadata["rows"],
        test_rows=len(y),
        test_positives=int(y.sum()),
        base_rate=float(y.mean()),
        model=model_figures,
        baselines={
            "keyword": ranking_metrics(y, keyword, budget),
            "random": random_metrics(y, budget),
        },
        reliability=reliability_table(y, probability, bins),
        brier=float(np.mean((probability - y) ** 2)),
        per_team=group_table(y, probability, teams, budget),
        fairness={
            "team": group_table(y, probability, teams, budget),
            "tenure_band": group_table(y, probability, tenure_band(tenure), budget),
        },
        flag_model=model,
    )
    model.metadata["metrics"] = {
        "holdout": model_figures,
        "test_rows": len(y),
        "test_start": result.test_start,
        "test_end": result.test_end,
    }
    return result
