"""One definition of "flagged": above the active model's threshold, within its review
budget. The Flagged queue lists exactly these, Operations' flag precision counts them."""

from __future__ import annotations

import re
from datetime import date

from qa_app.flags import flagged
from qa_app.reports import queries
from qa_app.reports import services as reports
from tests.qa_app.flags.support import add_flag, add_model


def _order(html: str) -> list[str]:
    return re.findall(r'data-testid="flag-row" data-interaction="([^"]+)"', html)


def _thirty(users, make, model):
    """Thirty contacts scored 1/30 .. 30/30 by ``model``; the top one reviewed."""
    flags = [
        add_flag(make.interaction(users["agent"], external_id=f"c{n:02d}"), model, n / 30)
        for n in range(1, 31)
    ]
    for flag, review in (
        (flags[-1], "confirmed"),
        (flags[-2], "dismissed"),
        (flags[0], "confirmed"),
    ):
        flag.review, flag.reviewed_by_id = review, users["reviewer"].id
    return flags


def test_the_budget_caps_the_flags_when_the_threshold_would_flag_more(app, client_as, users, make):
    model = add_model(threshold=0.3, budget=0.1)  # 21 scores above 0.3; the budget is 3
    _thirty(users, make, model)
    [cut] = flagged.cuts()
    assert (cut.scored, cut.allowed, round(cut.probability, 3)) == (30, 3, 0.933)
    page = client_as("reviewer").get("/flags/").get_data(as_text=True)
    assert _order(page) == ["c30", "c29", "c28"]
    assert "3 flagged of 30 scored, review budget 10 %" in page
    assert "escalation threshold 0.300" in page


def test_the_threshold_holds_when_the_budget_would_allow_more(app, client_as, users, make):
    model = add_model(threshold=0.79, budget=0.5)  # budget 15; 7 scores reach 0.79
    _thirty(users, make, model)
    page = client_as("reviewer").get("/flags/").get_data(as_text=True)
    assert _order(page) == [f"c{n}" for n in range(30, 23, -1)]
    assert "7 flagged of 30 scored, review budget 50 %" in page
    assert "interaction(s)" not in page


def test_operations_counts_the_same_flags_as_the_queue(app, client_as, users, make):
    model = add_model(threshold=0.3, budget=0.1)
    _thirty(users, make, model)
    add_model(version=2, active=False, threshold=0.0, budget=1.0)  # scores nothing counted
    table = reports.flags(queries.Filters(date(2000, 1, 1), date(2100, 1, 1)))
    row = table.set_index("target").loc["escalation"]
    # c30 confirmed, c29 dismissed: flags; c01 (confirmed, far below the cut) is not one.
    assert (row["flags"], row["reviewed"], row["confirmed"]) == (3, 2, 1)
    assert row["precision"] == 0.5
    page = client_as("executive").get("/reports/operations?date_from=2000-01-01")
    cells = re.search(r'data-testid="flags-escalation">(.*?)</tr>', page.get_data(as_text=True))
    assert re.findall(r">(\d+)</td>", cells.group(1)) == ["3", "2", "1"]


def test_no_active_model_means_no_flags(app, users, make):
    model = add_model(active=False)
    add_flag(make.interaction(users["agent"]), model, 0.99)
    assert flagged.cuts() == []
    assert reports.flags(queries.Filters()).empty
