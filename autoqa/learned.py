"""Learned auto-answers: one model per question key, from people's answers.

Trained on the submitted human answers to a question key (across scorecard
versions, by key), in time order: the latest ``held_out_share`` of contacts
are never trained on; the model's answers there are what the agreement gate
judges. Features: the agent's words, the customer's words, the channel and,
for calls with a recording, the call measures. The agent's identity is never
a feature (only the columns named here are read).

A TF-IDF per side feeds a logistic regression with balanced class weights (a
"no" on a mostly-"yes" question counts as much as it matters), its
probabilities calibrated (Platt, 3-fold) when every answer has enough
examples, so a confidence of 0.9 means right about nine times in ten.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from sklearn.calibration import CalibratedClassifierCV
from sklearn.compose import ColumnTransformer
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

from autoqa.gate import held_out

TEXT = ("agent_text", "customer_text")
CALIBRATION_FOLDS = 3
MIN_PER_ANSWER = 5  # fewer examples of an answer: no model for the question


@dataclass(frozen=True)
class Trained:
    question: str
    model: Pipeline
    answers: tuple  # the answers it can give
    trained_on: int
    held_out: pd.DataFrame  # unit, human, predicted, confidence (time-ordered, never trained on)
    calibrated: bool


def split_turns(turns: Sequence[dict]) -> tuple[str, str]:
    """(agent words, customer words) of a transcript."""
    sides: dict[str, list[str]] = {"agent": [], "customer": []}
    for turn in turns:
        speaker = str(turn.get("speaker", "")).lower()
        if speaker in sides:
            sides[speaker].append(str(turn.get("text") or ""))
    return " ".join(sides["agent"]), " ".join(sides["customer"])


def train(
    question: str,
    frame: pd.DataFrame,
    *,
    measures: Sequence[str] = (),
    held_out_share: float = 0.2,
    seed: int = 0,
) -> Trained | None:
    """A model for ``question`` from ``frame``: unit, at (time), agent_text,
    customer_text, channel, the ``measures`` columns and ``answer`` (the
    human's; N/A rows are left out). None when an answer has fewer than
    ``MIN_PER_ANSWER`` training examples or only one answer occurs."""
    data = frame.loc[frame["answer"].notna() & (frame["answer"] != "na")].copy()
    if data.empty:
        return None
    late = held_out(data["at"], held_out_share)
    train_rows, test_rows = data.loc[~late], data.loc[late]
    counts = train_rows["answer"].value_counts()
    if len(counts) < 2 or counts.min() < MIN_PER_ANSWER:
        return None
    calibrated = counts.min() >= 2 * CALIBRATION_FOLDS
    model = _pipeline(list(measures), calibrated, seed)
    model.fit(train_rows, train_rows["answer"].astype(str))
    found = predict(model, test_rows)
    held = pd.DataFrame({"unit": test_rows["unit"].to_numpy(),
                         "human": test_rows["answer"].astype(str).to_numpy(),
                         "predicted": found["answer"].to_numpy(),
                         "confidence": found["confidence"].to_numpy()})  # fmt: skip
    return Trained(question, model, tuple(model.classes_), len(train_rows), held, calibrated)


def predict(model: Pipeline, frame: pd.DataFrame) -> pd.DataFrame:
    """answer and confidence (the probability of that answer) per row."""
    if frame.empty:
        return pd.DataFrame({"answer": [], "confidence": []})
    probabilities = model.predict_proba(frame)
    best = probabilities.argmax(axis=1)
    return pd.DataFrame({"answer": np.asarray(model.classes_)[best],
                         "confidence": probabilities.max(axis=1)}, index=frame.index)  # fmt: skip


def _pipeline(measures: list[str], calibrated: bool, seed: int) -> Pipeline:
    parts = [
        (
            side,
            TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True, max_features=20_000),
            side,
        )
        for side in TEXT
    ]
    parts.append(("channel", OneHotEncoder(handle_unknown="ignore"), ["channel"]))
    if measures:
        numbers = make_pipeline(SimpleImputer(strategy="median"), StandardScaler())
        parts.append(("measures", numbers, measures))
    features = ColumnTransformer(parts, remainder="drop")
    linear = LogisticRegression(class_weight="balanced", max_iter=2000, random_state=seed)
    classifier = (
        CalibratedClassifierCV(linear, method="sigmoid", cv=CALIBRATION_FOLDS)
        if calibrated
        else linear
    )
    return Pipeline([("features", features), ("classifier", classifier)])
