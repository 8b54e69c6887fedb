"""From an interaction frame to model inputs.

Two stages, so explanations can quote readable values:

- ``build_features(frame)``: one row per interaction with readable values (agent and
  customer text, turn counts, seconds of hold and silence, CSAT, repeat contacts,
  tenure band, channel).
- ``model_inputs(features)``: the same, with skewed counts log-scaled, ready for the
  ColumnTransformer in ``model.py``.

``InteractionFeatures`` chains both as the first step of the scikit-learn Pipeline.
The agent's identity (``agent_email``) and ``team`` are deliberately not features:
the model must flag the interaction, not the person or the team (fairness is
measured per team in ``evaluate.py`` instead). Tenure is allowed, as a band. Nor is
the agent's name in the text: the n-gram vectoriser masks proper names first
(``mask_names``), or "my name is Priya" would identify the agent all the same.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import scipy.sparse as sp
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.preprocessing import StandardScaler

from flagging.frame import CHANNELS, TurnTable, check_columns, to_utc

REPEAT_WINDOW_S = 30 * 24 * 3600

TENURE_BANDS: tuple[str, ...] = ("under 6 months", "6-23 months", "2 years or more", "unknown")
CHANNEL_VALUES: tuple[str, ...] = (*CHANNELS, "other")

TEXT_SPEAKERS: dict[str, int] = {"customer_text": 1, "agent_text": 0}
"""Each text column and the ``TurnTable`` speaker code of its turns."""
TEXT_COLUMNS: tuple[str, ...] = tuple(TEXT_SPEAKERS)
"""The customer's and the agent's turns, one words block each. A third block of the
customer's last two turns lowered average precision in time-ordered cross-validation
on the demo training period and cost a third more scoring time, so it was dropped."""
LOG_COLUMNS: tuple[str, ...] = (
    "turns",
    "duration_s",
    "hold_s",
    "longest_gap_s",
)
"""Counts and durations are right-skewed: log1p keeps one 2-hour call from dominating."""
PLAIN_COLUMNS: tuple[str, ...] = (
    "hold_over_3min",
    "repeat_contacts",
    "agent_turn_ratio",
    "csat",
    "csat_missing",
    "csat_low",
    "timing_missing",
)
NUMERIC_COLUMNS: tuple[str, ...] = LOG_COLUMNS + PLAIN_COLUMNS
CATEGORY_COLUMNS: tuple[str, ...] = ("channel", "tenure_band")
METADATA_COLUMNS: tuple[str, ...] = ("topic", "queue")
"""Optional import-format metadata used as categories when present (else "(none)");
values unseen in training are ignored by the encoder."""


NAME_TOKEN = "_name_"
"""What a proper name becomes before n-grams: one token that no ordinary word equals."""
TURN_SEPARATOR = "\x00"
"""Separates turns when a batch is masked in one call (never part of a name's context)."""
_UPPER, _LOWER = "A-ZÀ-ÖØ-Þ", "a-zß-öø-ÿ"
_NAME = re.compile(
    # A capitalised word (the first character is matched first: the regex engine then
    # only stops at capitals) ...
    rf"[{_UPPER}]"
    # ... inside a sentence (after a space that follows neither a sentence end nor the
    # start of the turn), glued to a word by a dot ("Priya.Shah"), or starting a line
    # within the turn that holds only capitalised words (an e-mail signature) ...
    rf"(?:(?<=[^\s.!?\x00][ \t].)|(?<=\w\..)"
    rf"|(?<=\n.)(?=\w*(?:[ \t]+[{_UPPER}]\w*)*[ \t]*(?:\n|\x00|$)))"
    # ... and lower case to its end.
    rf"[{_LOWER}]+(?!\w)"
)


def mask_names(text: str) -> str:
    """`text` (one turn, or turns joined by TURN_SEPARATOR) with proper names replaced
    by NAME_TOKEN.

    Agents introduce themselves ("my name is Priya", "Kind regards, Priya"): left in,
    names would let the model learn *who* handled a contact, and the agent's identity
    is not a feature. No name list exists for real data, so a name is recognised by its
    shape: a capitalised word that does not start a sentence, or a signature line.
    Words capitalised only because they start a sentence are kept; other proper nouns
    (months, products, the company) are masked too, which costs little. One compiled
    regex over a whole batch keeps this cheap at scoring time.
    """
    return _NAME.sub(NAME_TOKEN, text)


def tenure_band(months: pd.Series) -> pd.Series:
    """Tenure in months -> one of TENURE_BANDS (missing -> "unknown")."""
    values = pd.to_numeric(months, errors="coerce").to_numpy(dtype=float)
    bands = np.select(
        [np.isnan(values), values < 6, values < 24],
        [TENURE_BANDS[3], TENURE_BANDS[0], TENURE_BANDS[1]],
        default=TENURE_BANDS[2],
    )
    return pd.Series(bands, index=months.index, dtype=object)


def repeat_contacts(customer_ids: pd.Series, started_at: pd.Series) -> np.ndarray:
    """Contacts of the same customer in the 30 days before each row, within the frame.

    Strictly earlier rows only, so the count is known at the time of the contact
    (no look-ahead). Rows without a customer id count 0.
    """
    n = len(customer_ids)
    if n == 0:
        return np.zeros(0)
    codes, _ = pd.factorize(customer_ids, use_na_sentinel=True)
    times = to_utc(started_at)
    seconds = ((times - pd.Timestamp(0, tz="UTC")) // pd.Timedelta(1, "s")).to_numpy(np.int64)
    seconds = seconds - seconds.min()
    span = int(seconds.max()) + 1
    # One sortable int64 key per row: customer code, then time. Guard the overflow.
    if (int(codes.max()) + 1) * span >= 2**62:
        raise ValueError("too many customers over too long a period for repeat_contacts")
    keys = codes.astype(np.int64) * span + seconds
    ordered = np.sort(keys)
    window_start = codes.astype(np.int64) * span + np.maximum(seconds - REPEAT_WINDOW_S, 0)
    counts = np.searchsorted(ordered, keys, "left") - np.searchsorted(ordered, window_start, "left")
    counts[codes < 0] = 0
    return counts.astype(float)


def with_repeat_counts(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame with ``prior_contacts_30d`` filled from the frame itself where missing
    (a copy; the frame itself when nothing is missing), so that scoring it in chunks
    counts each customer's earlier contacts across the whole frame."""
    given = _numeric(frame, "prior_contacts_30d")
    if not np.isnan(given).any() or "customer_id" not in frame.columns:
        return frame
    computed = repeat_contacts(frame["customer_id"], frame["started_at"])
    return frame.assign(prior_contacts_30d=np.where(np.isnan(given), computed, given))


def _numeric(frame: pd.DataFrame, column: str) -> np.ndarray:
    if column not in frame.columns:
        return np.full(len(frame), np.nan)
    return pd.to_numeric(frame[column], errors="coerce").to_numpy(dtype=float, copy=True)


def build_features(frame: pd.DataFrame, turns: TurnTable | None = None) -> pd.DataFrame:
    """Readable features, one row per interaction, in the frame's order and index.

    Hold time comes from ``hold_seconds`` when present, otherwise from the silences
    over 20 s found in the transcript timestamps. Repeat contacts come from
    ``prior_contacts_30d`` when present, otherwise from the frame itself. Given the
    frame's parsed `turns`, the text columns are left out (the scoring fast path
    takes the text from `turns` directly, see ``FlagModel.decision_function``).
    """
    check_columns(frame)
    with_text = turns is None
    if turns is None:
        turns = TurnTable.parse(frame["transcript"])  # each transcript is parsed once
    longest, silence = turns.silences()
    parts = pd.DataFrame(
        {
            "agent_turns": turns.counts(0),
            "customer_turns": turns.counts(1),
            "longest_gap_s": longest,
            "silence_s": silence,
        },
        index=frame.index,
    )
    out = pd.DataFrame(index=frame.index)
    # Text blocks hold each contact's turns as lists (the vectoriser works per turn).
    for column, speaker in TEXT_SPEAKERS.items():
        if with_text:
            out[column] = pd.Series(turns.lines(speaker), index=frame.index, dtype=object)
    agent = parts["agent_turns"].to_numpy(dtype=float)
    customer = parts["customer_turns"].to_numpy(dtype=float)
    out["turns"] = agent + customer
    out["agent_turn_ratio"] = agent / np.maximum(customer, 1.0)
    out["duration_s"] = np.nan_to_num(_numeric(frame, "duration_seconds"), nan=0.0).clip(0)
    silence = parts["silence_s"].to_numpy(dtype=float)
    hold = _numeric(frame, "hold_seconds")
    hold = np.where(np.isnan(hold), silence, hold)
    out["hold_s"] = np.nan_to_num(hold, nan=0.0).clip(0)
    # Holds past about 3 minutes are where customers' patience breaks (a step, not a slope).
    out["hold_over_3min"] = (out["hold_s"] > 180).astype(float)
    longest = parts["longest_gap_s"].to_numpy(dtype=float)
    out["longest_gap_s"] = np.nan_to_num(longest, nan=0.0).clip(0)
    out["timing_missing"] = np.isnan(longest).astype(float)
    csat = _numeric(frame, "csat")
    csat[(csat < 1) | (csat > 5)] = np.nan
    out["csat_missing"] = np.isnan(csat).astype(float)
    # A missing CSAT is set to the neutral 3; the indicator carries the missingness.
    out["csat"] = np.nan_to_num(csat, nan=3.0)
    out["csat_low"] = (csat <= 2).astype(float)
    prior = _numeric(frame, "prior_contacts_30d")
    if np.isnan(prior).any():
        if "customer_id" in frame.columns:
            computed = repeat_contacts(frame["customer_id"], frame["started_at"])
        else:
            computed = np.zeros(len(frame))
        prior = np.where(np.isnan(prior), computed, prior)
    # Linear (each repeat adds the same risk), capped so a data error cannot dominate.
    out["repeat_contacts"] = prior.clip(0, 10)
    channel = frame["channel"].astype(str).str.strip().str.lower()
    out["channel"] = channel.where(channel.isin(CHANNELS), "other").astype(object)
    tenure = frame["tenure_months"] if "tenure_months" in frame.columns else None
    out["tenure_band"] = tenure_band(
        tenure if tenure is not None else pd.Series(np.nan, frame.index)
    )
    for column in METADATA_COLUMNS:
        if column in frame.columns:
            values = frame[column].astype(object).where(frame[column].notna(), "(none)")
            out[column] = values.astype(str).str.strip().str.lower()
        else:
            out[column] = "(none)"
    return out


def model_inputs(features: pd.DataFrame) -> pd.DataFrame:
    """Readable features -> model inputs (log1p on the skewed columns)."""
    out = features.copy(deep=False)  # the log columns are replaced, never written into
    for column in LOG_COLUMNS:
        out[column] = np.log1p(out[column].to_numpy(dtype=float))
    return out


class InteractionFeatures(TransformerMixin, BaseEstimator):
    """Stateless first Pipeline step: interaction frame -> model input frame."""

    def __sklearn_is_fitted__(self) -> bool:
        return True  # stateless

    def fit(self, frame: pd.DataFrame, y: object = None) -> InteractionFeatures:
        check_columns(frame)
        return self

    def transform(self, frame: pd.DataFrame) -> pd.DataFrame:
        return model_inputs(build_features(frame))

    def get_feature_names_out(self, input_features: object = None) -> np.ndarray:
        return np.asarray(
            [*TEXT_COLUMNS, *NUMERIC_COLUMNS, *CATEGORY_COLUMNS, *METADATA_COLUMNS], dtype=object
        )


class SparseStandardScaler(StandardScaler):
    """StandardScaler returning CSR, so the ColumnTransformer can stack all blocks as CSR
    (scipy's fast path) instead of converting everything through COO."""

    def transform(self, X: object, copy: bool | None = None) -> sp.csr_matrix:  # noqa: N803
        return sp.csr_matrix(super().transform(X, copy=copy))
