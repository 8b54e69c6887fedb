"""Choosing C without looking at the future: time-ordered cross-validation.

Folds come from ``TimeSeriesSplit`` on rows sorted by time, so each fold's model is
trained on earlier contacts and scored on later ones, as in production. The
column transformer (vocabulary and its selection by the labels, scaling) is fitted
once per fold, on that fold's training rows and labels only, and shared by every C,
which keeps the search cheap.
The out-of-fold scores of the chosen C also feed the Platt calibration.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
from sklearn.base import clone
from sklearn.compose import ColumnTransformer
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import average_precision_score
from sklearn.model_selection import TimeSeriesSplit


def fit_classifier(classifier: LogisticRegression, x: object, y: np.ndarray) -> list[str]:
    """Fit, turning a convergence warning into a note instead of an error."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ConvergenceWarning)
        classifier.fit(x, y)
    notes = []
    for w in caught:
        if issubclass(w.category, ConvergenceWarning):
            notes.append(str(w.message).splitlines()[0])
        else:  # anything else is not ours to swallow
            warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
    return notes


def time_cv(
    inputs: pd.DataFrame,
    y: np.ndarray,
    columns: ColumnTransformer,
    c_grid: tuple[float, ...],
    n_splits: int,
    classifier: LogisticRegression | None = None,
) -> tuple[dict, dict, list[str]]:
    """Average precision per C over TimeSeriesSplit folds, and out-of-fold scores."""
    scores: dict[float, list[float]] = {c: [] for c in c_grid}
    oof: dict[float, list[tuple[np.ndarray, np.ndarray]]] = {c: [] for c in c_grid}
    notes: list[str] = []
    template = classifier if classifier is not None else LogisticRegression(max_iter=3000)
    for train_idx, test_idx in TimeSeriesSplit(n_splits=n_splits).split(inputs):
        if len(set(y[train_idx])) < 2 or y[test_idx].sum() == 0:
            continue  # a fold without both classes says nothing about C
        fold_columns = clone(columns)
        x_train = fold_columns.fit_transform(inputs.iloc[train_idx], y[train_idx])
        x_test = fold_columns.transform(inputs.iloc[test_idx])
        for c in c_grid:
            model = clone(template).set_params(C=c)
            notes += fit_classifier(model, x_train, y[train_idx])
            decision = model.decision_function(x_test)
            scores[c].append(float(average_precision_score(y[test_idx], decision)))
            oof[c].append((decision, y[test_idx]))
    return scores, oof, notes
