"""A report page's figures are stored for at most ``REPORT_MAX_AGE`` seconds and
the page says how fresh they are; the filter lists for ``REPORT_FILTER_LIST_SECONDS``.
The tests' configuration turns both off; these turn them on."""

from __future__ import annotations

import csv
import html
import io
import re
from datetime import UTC, datetime, timedelta

import pytest

from qa_app.extensions import db
from qa_app.reports import results
from tests.qa_app.reports.conftest import PERIOD, at, evaluate

YES3 = {"greet": "yes", "verify": "yes", "resolve": "yes"}
START = datetime(2027, 1, 4, 14, 5, tzinfo=UTC)


@pytest.fixture
def clock(monkeypatch) -> list[datetime]:
    """The stored results' clock, moved by the test."""
    now = [START]
    monkeypatch.setattr(results, "utcnow", lambda: now[0])
    return now


@pytest.fixture
def storing(app, clock):
    app.config["REPORT_MAX_AGE"] = 300
    return clock


def _n(client, path: str = "/reports/", **args) -> int:
    page = client.get(path, query_string=PERIOD | args)
    assert page.status_code == 200
    return int(re.search(r'data-testid="head-n">(\d+)<', page.get_data(as_text=True))[1])


def _freshness(client, path: str, **args) -> str:
    page = client.get(path, query_string=PERIOD | args).get_data(as_text=True)
    found = re.search(r'data-testid="report-freshness">(.*?)</p>', page, re.S)
    return " ".join(re.sub(r"<[^>]+>", "", html.unescape(found[1])).split())


def _exported_n(client) -> int:
    body = client.get("/reports/export/weekly.csv", query_string=PERIOD).get_data(as_text=True)
    return sum(
        int(row["Evaluations"]) for row in csv.DictReader(io.StringIO(body.lstrip("\ufeff")))
    )


def _one_more(make, data, day: str = "2026-11-20") -> None:
    evaluate(make, data.r1, data.a1, data.card, YES3, when=at(day))


def test_a_figure_changes_only_after_its_maximum_age_or_on_refresh(data, make, client_as, storing):
    executive, admin = client_as("executive"), client_as("admin")
    assert _n(executive) == 7
    assert _freshness(executive, "/reports/") == (
        "Figures as of 14:05 UTC, at most 5 minutes old. Refresh"
    )
    _one_more(make, data)
    assert _n(executive) == 7
    assert _exported_n(executive) == 7  # the export carries the page's stored figures
    assert _n(admin) == 7  # the same stored figures for everyone
    storing[0] += timedelta(seconds=299)
    assert _n(executive) == 7
    storing[0] += timedelta(seconds=2)
    assert _n(executive) == 8 and _exported_n(executive) == 8
    assert _freshness(executive, "/reports/").startswith("Figures as of 14:10 UTC")
    _one_more(make, data)
    assert _n(executive, refresh="1") == 9
    assert _n(executive) == 9  # stored by the refresh
    refresh = re.search(
        r'data-testid="report-refresh" href="([^"]+)"',
        executive.get("/reports/reviewers", query_string=PERIOD).get_data(as_text=True),
    )[1]
    assert html.unescape(refresh) == (
        "/reports/reviewers?date_from=2026-11-01&date_to=2026-12-31&refresh=1"
    )


def test_different_filters_and_pages_never_share_a_stored_result(data, client_as, storing):
    executive = client_as("executive")
    assert _n(executive, team=data.support.id) == 4
    assert _n(executive, team=data.sales.id) == 3
    assert _n(executive) == 7
    assert _n(executive, channel="chat") == 3
    assert _n(executive, date_to="2026-11-30") == 6
    for tab in ("reviewers", "questions", "operations", "coaching"):
        first = executive.get(f"/reports/{tab}", query_string=PERIOD).get_data(as_text=True)
        assert 'data-testid="head-n"' not in first and "at most 5 minutes old" in first
        assert executive.get(f"/reports/{tab}", query_string=PERIOD).get_data(as_text=True) == first
    assert data.r1.name in executive.get("/reports/reviewers", query_string=PERIOD).get_data(
        as_text=True
    )
    november = executive.get("/reports/review?period=2026-11").get_data(as_text=True)
    december = executive.get("/reports/review?period=2026-12").get_data(as_text=True)
    assert "November 2026" in november and "December 2026" in december
    assert "November calibration" in november and "November calibration" not in december
    assert "at most 5 minutes old" in november


def test_a_maximum_age_of_zero_computes_every_page(data, make, client_as, clock):
    executive = client_as("executive")
    assert _n(executive) == 7
    _one_more(make, data)
    assert _n(executive) == 8 and _exported_n(executive) == 8
    assert _freshness(executive, "/reports/") == "Figures as of 14:05 UTC, computed for this page."


def test_a_stored_report_is_still_refused_to_agents_and_reviewers(data, client_as, storing):
    assert _n(client_as("executive")) == 7  # stored now
    for role in ("agent", "reviewer"):
        visitor = client_as(role)
        for path, extra in (("/reports/", {}), ("/reports/", {"refresh": "1"}),
                            ("/reports/export/weekly.csv", {})):  # fmt: skip
            response = visitor.get(path, query_string=PERIOD | extra)
            assert response.status_code == 403, (role, path)


def _teams(executive) -> set[str]:
    """The Team select's options, bar "All teams" and the signed-in users' own team."""
    page = executive.get("/reports/questions").get_data(as_text=True)
    select = re.search(r'<select[^>]*name="team"[^>]*>(.*?)</select>', page, re.S)[1]
    names = {html.unescape(n) for n in re.findall(r"<option[^>]*>([^<]*)</option>", select)}
    return names - {"All teams", "Support"}


def test_a_renamed_team_shows_after_the_filter_lists_maximum_age(app, client_as, make, clock):
    team = make.team("Billing")
    executive = client_as("executive")
    app.config["REPORT_FILTER_LIST_SECONDS"] = 30
    assert _teams(executive) == {"Billing"}
    team.name = "Refunds"
    db.session.commit()
    clock[0] += timedelta(seconds=29)
    assert _teams(executive) == {"Billing"}
    clock[0] += timedelta(seconds=2)
    assert _teams(executive) == {"Refunds"}
    app.config["REPORT_FILTER_LIST_SECONDS"] = 0
    team.name = "Delivery"
    db.session.commit()
    assert _teams(executive) == {"Delivery"}
