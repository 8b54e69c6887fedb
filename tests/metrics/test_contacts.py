"""First-contact resolution and handle time on hand-built contacts."""

from __future__ import annotations

import pandas as pd
import pytest

from metrics import first_contact_resolved, handle_seconds

AS_OF = pd.Timestamp("2026-11-30", tz="UTC")


def contacts(*rows) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["customer", "started_at", "topic"])


def test_a_repeat_within_the_window_unresolves_the_first_contact() -> None:
    frame = contacts(
        ("c1", "2026-11-01 09:00", "billing"),
        ("c1", "2026-11-05 09:00", "billing"),  # 4 days later: the first was not resolved
        ("c2", "2026-11-01 09:00", "billing"),
        ("c2", "2026-11-08 09:00", "billing"),  # exactly 7 days: still inside the window
        ("c3", "2026-11-01 09:00", "billing"),
        ("c3", "2026-11-08 09:01", "billing"),  # just past 7 days: the first was resolved
    )
    got = first_contact_resolved(frame, as_of=AS_OF)
    assert got.tolist() == [False, True, False, True, True, True]


def test_the_window_is_a_setting() -> None:
    frame = contacts(("c1", "2026-11-01", "x"), ("c1", "2026-11-05", "x"))
    assert first_contact_resolved(frame, window_days=3, as_of=AS_OF).tolist() == [True, True]
    assert first_contact_resolved(frame, window_days=7, as_of=AS_OF).tolist() == [False, True]


def test_same_topic_counts_only_a_repeat_about_the_same_thing() -> None:
    frame = contacts(("c1", "2026-11-01", "billing"), ("c1", "2026-11-03", "delivery"))
    assert first_contact_resolved(frame, as_of=AS_OF).tolist() == [False, True]
    assert first_contact_resolved(frame, same_topic=True, as_of=AS_OF).tolist() == [True, True]


def test_a_contact_whose_window_is_still_open_is_unknown_unless_a_repeat_came() -> None:
    frame = contacts(
        ("c1", "2026-11-27", "x"),  # 3 days before as_of: window open, no repeat yet
        ("c2", "2026-11-26", "x"),
        ("c2", "2026-11-28", "x"),  # repeat already came: known unresolved
    )
    got = first_contact_resolved(frame, as_of=AS_OF)
    assert got.isna().tolist() == [True, False, True]
    assert bool(got.iloc[1]) is False


def test_an_unknown_customer_is_unknown_and_the_explicit_column_wins() -> None:
    frame = contacts(("c1", "2026-11-01", "x"), (None, "2026-11-01", "x"),
                     ("c1", "2026-11-02", "x"))  # fmt: skip
    frame["resolved_first_contact"] = pd.array([True, pd.NA, pd.NA], dtype="boolean")
    got = first_contact_resolved(frame, as_of=AS_OF)
    assert got.iloc[0] == True  # noqa: E712 (explicit wins over the inferred repeat)
    assert pd.isna(got.iloc[1])
    assert got.iloc[2] == True  # noqa: E712


def test_channels_mix_a_call_after_a_chat_is_a_repeat() -> None:
    frame = contacts(("c1", "2026-11-01", "x"), ("c1", "2026-11-02", "x"))
    frame["channel"] = ["chat", "call"]
    assert first_contact_resolved(frame, as_of=AS_OF).tolist() == [False, True]


def test_the_result_keeps_the_input_order_and_index() -> None:
    frame = contacts(("c1", "2026-11-05", "x"), ("c1", "2026-11-01", "x")).set_axis([10, 20])
    got = first_contact_resolved(frame, as_of=AS_OF)
    assert list(got.index) == [10, 20] and got.tolist() == [True, False]


def test_missing_columns_are_refused_by_name() -> None:
    with pytest.raises(ValueError, match="customer"):
        first_contact_resolved(pd.DataFrame({"started_at": []}))


def test_handle_time_adds_hold_and_wrap_when_given() -> None:
    frame = pd.DataFrame({"duration_seconds": [300, 200, None],
                          "hold_seconds": [60, None, 10], "wrap_seconds": [30, 15, 5]})  # fmt: skip
    assert handle_seconds(frame).tolist()[:2] == [390.0, 215.0]
    assert pd.isna(handle_seconds(frame).iloc[2])
    assert handle_seconds(frame[["duration_seconds"]]).tolist()[:2] == [300.0, 200.0]
