"""Per-contact operational metrics: first-contact resolution and handle time.

Input is one row per contact (interaction) with at least ``customer`` and
``started_at`` (UTC timestamps); output is a Series aligned with the input.
"""

from __future__ import annotations

from datetime import datetime

import numpy as np
import pandas as pd

FCR_WINDOW_DAYS = 7


def first_contact_resolved(
    contacts: pd.DataFrame,
    *,
    window_days: int = FCR_WINDOW_DAYS,
    same_topic: bool = False,
    as_of: datetime | pd.Timestamp | None = None,
) -> pd.Series:
    """Whether each contact resolved the customer's need at the first contact.

    A contact is resolved when the same customer (and, with ``same_topic``, on
    the same ``topic``) does not contact again within ``window_days`` after it.
    It is unknown (<NA>) while its window is still open at ``as_of`` and no
    repeat has come yet, and when the customer is not known. An explicit
    ``resolved_first_contact`` value (where the column exists and is not null)
    wins over the inference.

    Returns a nullable boolean Series with the input's index.
    """
    missing = {"customer", "started_at"} - set(contacts.columns)
    if missing:
        raise ValueError(f"contacts need column(s) {', '.join(sorted(missing))}")
    if window_days < 1:
        raise ValueError("window_days must be at least 1")
    if same_topic and "topic" not in contacts.columns:
        raise ValueError("same_topic needs a 'topic' column")
    window = pd.Timedelta(days=window_days)
    started = pd.to_datetime(contacts["started_at"], utc=True)
    frame = pd.DataFrame({"customer": contacts["customer"], "started": started})
    keys = ["customer"]
    if same_topic:
        frame["topic"] = contacts["topic"]
        keys.append("topic")
    frame["position"] = np.arange(len(frame))
    known = frame[keys].notna().all(axis=1) & frame["started"].notna()
    ordered = frame.loc[known].sort_values([*keys, "started", "position"])
    following = ordered.groupby(keys, sort=False)["started"].shift(-1)
    repeated = (following - ordered["started"]) <= window
    out = pd.Series(pd.NA, index=frame.index, dtype="boolean")
    out.loc[repeated.index[repeated]] = False
    horizon = pd.Timestamp(as_of if as_of is not None else pd.Timestamp.now(tz="UTC"))
    horizon = horizon.tz_localize("UTC") if horizon.tzinfo is None else horizon
    closed = ~repeated & (ordered["started"] + window <= horizon)
    out.loc[closed.index[closed]] = True
    if "resolved_first_contact" in contacts.columns:
        explicit = contacts["resolved_first_contact"].astype("boolean")
        out = explicit.where(explicit.notna(), out)
    return out.set_axis(contacts.index)


def handle_seconds(contacts: pd.DataFrame) -> pd.Series:
    """Handle time: talk (``duration_seconds``) plus hold and wrap-up when given.

    A missing hold or wrap-up counts as zero (not every source records them);
    a missing duration leaves the handle time unknown.
    """
    total = pd.to_numeric(contacts["duration_seconds"], errors="coerce").astype(float)
    for extra in ("hold_seconds", "wrap_seconds"):
        if extra in contacts.columns:
            total = total + pd.to_numeric(contacts[extra], errors="coerce").fillna(0.0)
    return total
