"""Access, exports, formula injection, the periodic review and empty data."""

from __future__ import annotations

import csv
import io
import re
from datetime import datetime

import pytest
from openpyxl import load_workbook

from qa_app.extensions import db
from tests.qa_app.reports.conftest import PERIOD, at, evaluate

PAGES = ["/reports/", "/reports/questions", "/reports/reviewers", "/reports/operations",
         "/reports/coaching", "/reports/evaluations", "/reports/review",
         "/reports/export/questions.csv"]  # fmt: skip


@pytest.mark.parametrize("role", ["agent", "reviewer"])
def test_agents_and_reviewers_cannot_open_reports(client_as, role):
    visitor = client_as(role)
    assert all(visitor.get(path).status_code == 403 for path in PAGES)


def test_empty_data_shows_no_data(client_as):
    executive = client_as("executive")
    for path in PAGES[:-1]:
        response = executive.get(path)
        assert response.status_code == 200, path
        text = response.get_data(as_text=True)
        assert "No data" in text or "No session" in text or "no agent" in text.lower(), path
    assert executive.get("/reports/export/agents.xlsx").status_code == 200


def _csv(response):
    text = response.get_data(as_text=True).lstrip("\ufeff")
    return list(csv.DictReader(io.StringIO(text)))


def test_exports_carry_the_page_numbers(data, client_as):
    executive = client_as("executive")
    rows = _csv(executive.get("/reports/export/questions.csv", query_string=PERIOD))
    assert [r["Key"] for r in rows] == ["polite", "greet", "verify", "resolve"]
    greet = rows[1]
    assert (greet["Answered"], greet["Failed"]) == ("6", "2")
    assert greet["Failure rate"] == "33.3%"  # as the page rounds it
    page = executive.get("/reports/questions", query_string=PERIOD).get_data(as_text=True)
    assert "33.3%" in page
    xlsx = executive.get("/reports/export/weekly.xlsx", query_string=PERIOD)
    assert xlsx.headers["Content-Disposition"].startswith('attachment; filename="weekly-')
    sheet = load_workbook(io.BytesIO(xlsx.data)).active
    values = list(sheet.values)
    assert values[0] == ("Week of", "Evaluations", "Undefined", "Mean score")
    assert values[1] == (datetime(2026, 11, 2), 3, 1, 87.5)
    listing = _csv(
        executive.get(
            "/reports/evaluations", query_string=PERIOD | {"question": "greet", "format": "csv"}
        )
    )
    assert {int(r["Evaluation"]) for r in listing} == {data.e2.id, data.e5.id}  # fmt: skip
    assert executive.get("/reports/export/nope.csv").status_code == 404


def test_each_failed_count_links_to_its_evaluations_under_the_same_filters(data, client_as):
    executive = client_as("executive")
    page = executive.get("/reports/questions", query_string=PERIOD).get_data(as_text=True)
    link = page[page.index('data-testid="question-greet"') :]
    href = link[link.index('href="') + 6 : link.index('">', link.index('href="'))]
    query = "date_from=2026-11-01&amp;date_to=2026-12-31&amp;question=greet"
    assert href == f"/reports/evaluations?{query}"
    drilled = executive.get(href.replace("&amp;", "&") + "&format=csv")
    assert {int(r["Evaluation"]) for r in _csv(drilled)} == {data.e2.id, data.e5.id}


def test_formula_injection_is_neutralised(data, client_as):
    data.a2.name = '=HYPERLINK("http://x","y")'
    data.a1.name = "@SUM(1)"
    db.session.commit()
    executive = client_as("executive")
    rows = _csv(executive.get("/reports/export/agents.csv", query_string=PERIOD))
    assert {r["Agent"] for r in rows} == {"'@SUM(1)", '\'=HYPERLINK("http://x","y")'}
    assert any(r["Change"].startswith("-") for r in rows)  # a signed figure, not text made safe
    book = load_workbook(io.BytesIO(executive.get("/reports/export/agents.xlsx",
                                                  query_string=PERIOD).data))  # fmt: skip
    cells = [c for row in book.active.iter_rows() for c in row if c.value == "@SUM(1)"]
    assert cells and all(c.data_type == "s" for c in cells)
    assert not any(c.data_type == "f" for row in book.active.iter_rows() for c in row)


def test_periodic_review_compares_with_the_previous_period(data, client_as):
    executive = client_as("executive")
    page = executive.get(f"/reports/review?team={data.support.id}&period=2026-12")
    html = page.get_data(as_text=True)
    assert "Quality review · Support · December 2026" in html
    # December: E5 66.7; November: E1 100, E2 75 (E9 undefined) = 87.5
    assert "66.7" in html and "87.5" in html and "▼" in html and "-20.8" in html
    assert 'class="qa-section qa-page-break"' in html and "data-print" in html
    november = executive.get("/reports/review?period=2026-11").get_data(as_text=True)
    assert "November calibration" in november and "0.42" in november
    assert f'data-testid="attention-{data.a2.id}"' in november  # mean 27.8 < 80
    assert "Greeted?" in november  # a top failing question
    custom = executive.get("/reports/review?date_from=2026-11-09&date_to=2026-11-15")
    assert "09 Nov 2026 - 15 Nov 2026" in custom.get_data(as_text=True)


def test_a_long_agent_ranking_shows_its_ends_and_exports_everyone(
    data, make, client_as, monkeypatch
):
    from qa_app.reports import services

    yes3 = {"greet": "yes", "verify": "yes", "resolve": "yes"}
    for name in ("Cy Agent", "Di Agent"):
        agent = make.user("agent", team=data.sales, name=name)
        evaluate(make, data.r1, agent, data.card, yes3, when=at("2026-11-20"))
    executive = client_as("executive")
    everyone = _csv(executive.get("/reports/export/agents.csv", query_string=PERIOD))
    assert len(everyone) == 4
    monkeypatch.setattr(services, "AGENTS_AT_EACH_END", 1)
    page = executive.get("/reports/", query_string=PERIOD).get_data(as_text=True)
    shown = re.findall(r'data-testid="agent-\d+"><td>(\d+)</td>', page)
    assert shown == [everyone[0]["#"], everyone[-1]["#"]] == ["1", "4"]  # first and last ranked
    assert f"{len(everyone) - 2} agents ranked between these" in page
    assert len(_csv(executive.get("/reports/export/agents.csv", query_string=PERIOD))) == len(
        everyone
    )


def test_exports_use_the_page_headings_rounding_and_typed_xlsx_cells(data, client_as):
    executive = client_as("executive")
    page = executive.get("/reports/", query_string=PERIOD).get_data(as_text=True)
    head = re.search(r'data-testid="agents">\s*<thead><tr>(.*?)</tr>', page, re.S)[1]
    headings = re.findall(r"<th[^>]*>([^<]*)</th>", head)
    assert headings == ["#", "Agent", "Evaluations", "Mean score", "Trend / week", "Change",
                        "Below threshold"]  # fmt: skip
    rows = _csv(executive.get("/reports/export/agents.csv", query_string=PERIOD))
    assert list(rows[0]) == headings
    # Agent 4: mean 80.5555..., trend -5.2083... points a week, 66.66...% below.
    first = rows[0]
    assert (first["Mean score"], first["Trend / week"], first["Below threshold"]) == (
        "80.6",
        "-5.21",
        "66.7%",
    )
    assert rows[1]["Trend / week"] == "n/a"  # undefined, as on the page
    assert "80.6" in page and "-5.21" in page

    book = load_workbook(io.BytesIO(
        executive.get("/reports/export/agents.xlsx", query_string=PERIOD).data
    ))  # fmt: skip
    sheet = book.active
    assert [c.value for c in sheet[1]] == headings and all(c.font.b for c in sheet[1])
    _rank, _name, n, mean, slope, _change, below = sheet[2]
    assert (n.data_type, n.value, n.number_format) == ("n", 4, "0")
    assert (mean.value, mean.number_format) == (80.6, "0.0")
    assert (slope.value, slope.number_format) == (-5.21, "+0.00;-0.00;0.00")
    assert (below.value, below.number_format) == (0.667, "0.0%")
    assert sheet[3][4].value is None  # undefined: an empty cell, not NaN or "n/a"

    listing = load_workbook(io.BytesIO(executive.get(
        "/reports/evaluations", query_string=PERIOD | {"format": "xlsx"}
    ).data)).active  # fmt: skip
    assert [c.value for c in listing[1]] == ["Evaluation", "Submitted", "Agent", "Reviewer",
        "Team", "Channel", "Scorecard", "Score", "Auto-fail"]  # fmt: skip
    submitted = listing[2][1]
    assert submitted.is_date and isinstance(submitted.value, datetime)
    assert submitted.number_format == "yyyy-mm-dd hh:mm"
    assert listing[2][7].number_format == "0.0" and listing[2][8].value in ("yes", "no")
    coaching = load_workbook(io.BytesIO(
        executive.get("/reports/export/coaching.xlsx", query_string=PERIOD).data
    )).active  # fmt: skip
    held = coaching[2][0]
    assert held.is_date and held.value == datetime(2026, 11, 4)
    assert held.number_format == "yyyy-mm-dd"
