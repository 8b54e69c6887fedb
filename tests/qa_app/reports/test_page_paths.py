"""The reports' fast paths give what the plain ones give: the pages' merged
statements, on the hand-built data set."""

from __future__ import annotations

import math
from datetime import date

import pandas as pd
import pytest

from qa_app.reports import review, review_scan, services
from qa_app.reports.queries import Filters, dialect


def _same(fast, plain):
    """Equal, NaN equal to NaN (frames, dicts, lists, numbers)."""
    if isinstance(fast, pd.DataFrame):
        pd.testing.assert_frame_equal(fast.reset_index(drop=True), plain.reset_index(drop=True))
    elif isinstance(fast, dict):
        assert fast.keys() == plain.keys()
        for key in fast:
            _same(fast[key], plain[key])
    elif isinstance(fast, list | tuple):
        assert len(fast) == len(plain)
        for a, b in zip(fast, plain, strict=True):
            _same(a, b)
    elif isinstance(fast, float) and math.isnan(fast):
        assert isinstance(plain, float) and math.isnan(plain)
    else:
        assert fast == plain


@pytest.mark.parametrize(("month", "team"), [("2026-11", None), ("2026-12", "support")])
def test_review_scan_gives_the_plain_queries_figures(data, monkeypatch, month, team):
    period = review.period_of(month, None, None, date(2027, 1, 15))
    team_id = getattr(data, team).id if team else None
    now = Filters(date_from=period.start, date_to=period.end, team=team_id)
    previous = period.previous()
    before = now.replace(date_from=previous.start, date_to=previous.end)
    scanned = review_scan.scan(now, before, services.thresholds())
    assert (scanned is not None) == (dialect() == "postgresql")
    fast = review.build(team_id, period)
    monkeypatch.setattr(review_scan, "scan", lambda *args: None)
    plain = review.build(team_id, period)
    assert fast["headline"][1]["now"] > 0
    if month == "2026-11":  # E2 overturned (R2), E3 upheld and E4 open (R1)
        assert (fast["reviewers"]["dispute_rate"] > 0).all()
    for key in ("headline", "questions", "attention", "reviewers", "sessions", "charts"):
        _same(fast[key], plain[key])


def test_review_scan_needs_the_period_just_before(data):
    now = Filters(date_from=date(2026, 12, 1), date_to=date(2026, 12, 31))
    gap = now.replace(date_from=date(2026, 10, 1), date_to=date(2026, 10, 31))
    other_team = now.replace(date_from=date(2026, 11, 1), date_to=date(2026, 11, 30), team=1)
    assert review_scan.scan(now, gap, services.thresholds()) is None
    assert review_scan.scan(now, other_team, services.thresholds()) is None


def test_coaching_statement_gives_the_plain_queries_figures(data, monkeypatch):
    from qa_app.reports import coaching_queries

    f = Filters(date_from=date(2026, 11, 1), date_to=date(2026, 12, 31))
    fast, overdue = services.coaching_page(f)
    assert overdue == (1 if dialect() == "postgresql" else None)
    monkeypatch.setattr(coaching_queries, "read", lambda *args: None)
    plain, _ = services.coaching_page(f)
    _same(fast, plain)
    assert (fast["before_n"].iloc[0], fast["after_n"].iloc[0]) == (2, 1)
    assert services.coaching_summary(f, fast, overdue)["overdue"] == 1
