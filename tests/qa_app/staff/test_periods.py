"""Review periods: months and quarters, their previous period, and refusals."""

from datetime import date

import pytest

from qa_app.staff.periods import PeriodError, last_complete_month, parse


def test_a_month_and_the_month_before_it():
    october = parse("2026-10")
    assert (october.start, october.end, october.label) == (
        date(2026, 10, 1),
        date(2026, 11, 1),
        "2026-10",
    )
    assert parse("2026-01").previous().label == "2025-12"


def test_a_quarter_and_the_quarter_before_it():
    q3 = parse("2026-Q3")
    assert (q3.start, q3.end, q3.label) == (date(2026, 7, 1), date(2026, 10, 1), "2026-Q3")
    assert parse("2026-q1").previous().label == "2025-Q4"
    assert parse("2026-Q4").end == date(2027, 1, 1)


@pytest.mark.parametrize("text", ["2026-13", "2026-00", "2026-Q5", "October", "", "2026-10-01"])
def test_anything_else_is_refused_with_the_accepted_forms(text):
    with pytest.raises(PeriodError, match="give a month like 2026-10 or a quarter like 2026-Q3"):
        parse(text)


def test_the_default_is_the_last_complete_month():
    assert last_complete_month(date(2026, 12, 8)).label == "2026-11"
    assert last_complete_month(date(2027, 1, 31)).label == "2026-12"
