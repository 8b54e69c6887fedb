"""Every figure against the hand-built data set (numbers worked out in conftest)."""

from __future__ import annotations

import math
from datetime import date

import pytest

from qa_app.reports import services
from qa_app.reports.queries import Drill, Filters
from tests.qa_app.reports.conftest import PERIOD

F = Filters(date_from=date(2026, 11, 1), date_to=date(2026, 12, 31))


def approx(value, expected):
    return value == pytest.approx(expected, abs=1e-6)


def test_quality_headline(data):
    head = services.quality(F)["head"]
    assert head["n"] == 7 and head["undefined"] == 1
    assert approx(head["mean"], 325 / 6)
    assert approx(head["auto_fail_rate"], 1 / 7)
    assert approx(head["below_share"], 5 / 6)  # 75, 0, 33.3, 66.7, 50 below 80
    assert approx(head["compliance_accuracy"], 4 / 5)  # E1..E5 on a card with the family
    assert approx(head["customer_accuracy"], 4 / 5)
    assert math.isnan(head["business_accuracy"]) and head["business_eligible"] == 0


def test_trends_by_week_and_month(data):
    q = services.quality(F)
    weekly = q["weekly"].set_index("period")
    assert list(weekly.index) == ["2026-11-02", "2026-11-09", "2026-11-30"]
    assert list(weekly["n"]) == [3, 3, 1] and list(weekly["undefined"]) == [1, 0, 0]
    assert approx(weekly.loc["2026-11-02", "mean"], 87.5)
    assert approx(weekly.loc["2026-11-09", "mean"], (0 + 100 / 3 + 50) / 3)
    monthly = q["monthly"].set_index("period")
    assert list(monthly["n"]) == [6, 1]
    assert approx(monthly.loc["2026-11-01", "mean"], (100 + 75 + 0 + 100 / 3 + 50) / 5)
    assert approx(monthly.loc["2026-12-01", "mean"], 200 / 3)


def test_teams_and_agents_ranked_with_trend(data):
    q = services.quality(F)
    teams = q["teams"].set_index("name")
    assert approx(teams.loc["Support", "mean"], (100 + 75 + 200 / 3) / 3)
    assert teams.loc["Support", "n"] == 4 and teams.loc["Sales", "n"] == 3
    agents = q["agents"]
    assert list(agents["agent_id"]) == [data.a1.id, data.a2.id]
    first = agents.iloc[0]
    assert first["rank"] == 1 and approx(first["mean"], (100 + 75 + 200 / 3) / 3)
    # weekly means 87.5 (11-02) then 66.7 (11-30): four weeks apart
    assert approx(first["slope"], (200 / 3 - 87.5) / 4)
    assert approx(first["change"], 200 / 3 - 87.5)
    assert math.isnan(agents.iloc[1]["slope"])  # one week only: undefined


def test_distribution(data):
    dist = services.quality(F)["distribution"]
    assert list(dist["n"]) == [1, 0, 0, 1, 0, 1, 1, 1, 0, 1]
    assert dist.iloc[9]["scores"] == "90-100"


def test_question_pareto(data):
    table = services.questions(F)
    assert list(table["question_key"]) == ["polite", "greet", "verify", "resolve"]
    rows = table.set_index("question_key")
    assert (rows.loc["greet", "answered"], rows.loc["greet", "failed"]) == (6, 2)
    assert (rows.loc["verify", "answered"], rows.loc["verify", "failed"]) == (3, 1)
    assert (rows.loc["resolve", "answered"], rows.loc["resolve", "failed"]) == (5, 1)
    assert approx(rows.loc["resolve", "failure_rate"], 0.2)
    assert [round(c, 6) for c in table["cumulative"]] == [0.2, 0.6, 0.8, 1.0]


def test_reviewers(data):
    table = services.reviewers(F).set_index("reviewer_id")
    r1, r2 = table.loc[data.r1.id], table.loc[data.r2.id]
    assert (r1["evaluations"], r2["evaluations"]) == (4, 3)
    assert approx(r1["per_day"], 1.0)
    assert approx(r1["median_minutes"], 10.0) and approx(r2["median_minutes"], 10.0)
    assert approx(r1["mean_score"], 50.0) and approx(r2["mean_score"], 62.5)
    # (+25 x 1 on T1/call/11-02, -33.3 x 2 on T2/chat/11-09) / 3
    assert approx(r1["leniency"], (25 - 2 * (50 - 50 / 3)) / 3) and r1["compared"] == 3
    assert approx(r2["leniency"], (-25 + (50 - 50 / 3)) / 2)
    assert approx(r1["dispute_rate"], 2 / 4) and approx(r1["overturn_rate"], 0.0)
    assert approx(r2["dispute_rate"], 1 / 3) and approx(r2["overturn_rate"], 1.0)
    assert approx(r1["calibration_deviation"], 12.5) and approx(r2["calibration_deviation"], 0)


def test_operations(data):
    cov = services.coverage(F).set_index("agent_id")
    assert (cov.loc[data.a1.id, "interactions"], cov.loc[data.a1.id, "reviewed"]) == (6, 4)
    assert (cov.loc[data.a2.id, "interactions"], cov.loc[data.a2.id, "reviewed"]) == (3, 3)
    assert approx(cov.loc[data.a1.id, "target"], 4 * 61 / 7)
    assert approx(cov.loc[data.a2.id, "target"], 4 * 61 / 7 + 1)
    assert not cov.loc[data.a1.id, "met"]
    backlog = dict(zip(services.backlog(F)["due"], services.backlog(F)["open"], strict=True))
    assert backlog == {"overdue": 1, "this week": 1, "later": 1, "no due date": 1}
    flags = services.flags(F).set_index("target")
    assert flags.loc["escalation", "flags"] == 3  # not the score below the threshold
    assert flags.loc["escalation", "reviewed"] == 2 and approx(
        flags.loc["escalation", "precision"], 0.5
    )


def test_coaching(data):
    table = services.coaching(F)
    assert len(table) == 1
    row = table.iloc[0]
    assert (row["before_n"], row["after_n"]) == (2, 1)
    assert approx(row["before_pass"], 0.5) and approx(row["after_pass"], 0.0)
    summary = services.coaching_summary(F, table)
    assert summary["held"] == 1 and summary["overdue"] == 1


def test_filters_combine(data):
    t1_call = services.quality(F.replace(team=data.support.id, channel="call"))["head"]
    assert t1_call["n"] == 3 and approx(t1_call["mean"], (100 + 75 + 200 / 3) / 3)
    only = services.quality(F.replace(team=data.sales.id, reviewer=data.r2.id))["head"]
    assert only["n"] == 1 and approx(only["mean"], 50)
    november = services.quality(F.replace(date_to=date(2026, 11, 30), scorecard=data.card.id))
    assert november["head"]["n"] == 4  # E1..E4
    assert services.quality(F.replace(agent=data.a2.id, channel="call"))["head"]["n"] == 0


def test_drill_down_lists_the_evaluations_behind_a_figure(data):
    def ids(**drill):
        rows, total = services.evaluation_rows(F, Drill(**drill), page=None)
        assert total == len(rows)
        return set(rows["evaluation_id"])

    assert ids(question="greet") == {data.e2.id, data.e5.id}
    assert ids(period="2026-11-09", grain="week") == {data.e3.id, data.e4.id, data.e6.id}
    assert ids(bin=7) == {data.e2.id}
    assert ids(auto_failed=True) == {data.e3.id}
    assert ids(family="customer") == {data.e4.id}
    assert ids(undefined=True) == {data.e9.id}
    assert ids(below=True) == {data.e2.id, data.e3.id, data.e4.id, data.e5.id, data.e6.id}
    assert ids(disputed=True, overturned=True) == {data.e2.id}


def test_dashboard_pages_show_the_numbers(data, client_as):
    executive = client_as("executive")
    page = executive.get("/reports/", query_string=PERIOD).get_data(as_text=True)
    assert 'data-testid="head-mean">54.2<' in page and 'data-testid="head-n">7<' in page
    assert "data-report-chart=" in page and "<script>" not in page
    drill = executive.get("/reports/evaluations", query_string=PERIOD | {"question": "greet"})
    html = drill.get_data(as_text=True)
    assert f'href="/reviews/evaluations/{data.e2.id}"' in html
    assert f'href="/reviews/evaluations/{data.e5.id}"' in html
    assert 'data-testid="drill-total">2<' in html
    for path in ("questions", "reviewers", "operations", "coaching"):
        response = executive.get(f"/reports/{path}", query_string=PERIOD)
        assert response.status_code == 200, path
    assert (
        executive.get("/reports/questions", query_string=PERIOD)
        .get_data(as_text=True)
        .count('data-testid="question-')
        == 4
    )


def test_periodic_review_against_the_previous_period(data):
    from qa_app.reports import review

    today = date(2027, 1, 15)
    december = review.build(data.support.id, review.period_of("2026-12", None, None, today))
    head = {h["key"]: h for h in december["headline"]}
    assert (head["n"]["now"], head["n"]["before"]) == (1, 3)  # E5; E1, E2, E9
    assert approx(head["mean"]["now"], 200 / 3) and approx(head["mean"]["before"], 87.5)
    assert approx(head["mean"]["delta"], 200 / 3 - 87.5) and head["mean"]["good"] is False
    november = review.build(None, review.period_of("2026-11", None, None, today))
    head = {h["key"]: h for h in november["headline"]}
    assert head["n"]["now"] == 6 and head["n"]["before"] == 0
    assert approx(head["mean"]["now"], (100 + 75 + 0 + 100 / 3 + 50) / 5)
    # R1: E1, E3 (upheld), E4 (open); R2: E2 (overturned), E6, E9
    table = november["reviewers"].set_index("reviewer_id")
    assert approx(table.loc[data.r1.id, "dispute_rate"], 2 / 3)
    assert approx(table.loc[data.r1.id, "overturn_rate"], 0.0)
    assert approx(table.loc[data.r2.id, "dispute_rate"], 1 / 3)
    assert approx(table.loc[data.r2.id, "overturn_rate"], 1.0)
    assert list(november["questions"]["question_key"])[:2] == ["polite", "verify"]  # 1/1, 1/3
