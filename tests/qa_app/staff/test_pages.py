"""The staff review pages: the review, its XLSX export, the agent drill-down,
and what bad query strings get (400 with the reason, never a 500)."""

import io
import re

import pytest
from openpyxl import load_workbook

from qa_app.staff.definitions import METRICS


def test_the_review_page_shows_each_agent_with_definitions_and_greys_small_n(october, client_as):
    page = client_as("executive").get("/reports/staff?period=2026-10")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    ann = re.search(rf'data-testid="agent-{october.ann.id}">(.*?)</tr>', html, re.S)[1]
    csat = re.search(r'data-metric="csat_mean"(.*?)</td>', ann, re.S)[1]
    assert 'data-enough="no"' in csat and "(n=2)" in csat and "text-body-secondary" in csat
    assert 'data-testid="rank"' not in csat  # never ranked
    ben = re.search(rf'data-testid="agent-{october.ben.id}">(.*?)</tr>', html, re.S)[1]
    assert "70.0%" in ben and 'data-testid="outlier"' in ben  # AHT below the team's
    definitions = re.search(r'data-testid="definitions">(.*?)</section>', html, re.S)[1]
    assert "within 7 days" in definitions and "wrap-up" in definitions
    for dimension in ("team", "channel", "topic", "region"):
        assert f'data-testid="summary-{dimension}"' in html


def test_sort_links_toggle_and_filters_narrow(october, client_as):
    client = client_as("admin")
    html = client.get("/reports/staff?period=2026-10&sort=aht").get_data(as_text=True)
    assert "sort=-aht" in html
    names = re.findall(r'data-testid="agent-(\d+)"', html)
    assert names == [str(october.ben.id), str(october.cat.id), str(october.ann.id)]
    sales = client.get(f"/reports/staff?period=2026-10&team={october.sales.id}")
    assert re.findall(r'data-testid="agent-(\d+)"', sales.get_data(as_text=True)) == [
        str(october.cat.id)
    ]


def test_a_quarter_is_a_period_too(october, client_as):
    page = client_as("executive").get("/reports/staff?period=2026-Q4")
    assert page.status_code == 200 and b"compared with 2026-Q3" in page.data


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("period=2026-13", "period: &#39;2026-13&#39; is not a period; give a month like 2026-10"),
        ("period=last", "or a quarter like 2026-Q3"),
        ("period=2026-10&sort=height", "sort: Cannot sort by &#39;height&#39;"),
        ("period=2026-10&channel=fax", "channel: Unknown channel &#39;fax&#39;"),
        ("period=2026-10&team=abc", "team"),
    ],
)
def test_bad_query_strings_are_a_400_saying_why(users, client_as, query, message):
    page = client_as("executive").get(f"/reports/staff?{query}")
    assert page.status_code == 400
    assert message in page.get_data(as_text=True)


def test_the_xlsx_export_has_typed_cells_and_the_definitions(october, client_as):
    response = client_as("executive").get("/reports/staff.xlsx?period=2026-10")
    assert response.status_code == 200
    assert "staff-review-2026-10.xlsx" in response.headers["Content-Disposition"]
    book = load_workbook(io.BytesIO(response.data))
    sheet = book["Staff 2026-10"]
    heads = [c.value for c in sheet[1]]
    rows = {
        r[0]: dict(zip(heads, r, strict=True)) for r in sheet.iter_rows(min_row=2, values_only=True)
    }
    ann = rows["Ann Agent"]
    assert (ann["AHT"], ann["AHT median"], ann["AHT n"], ann["Volume"]) == (305, 300, 4, 4)
    assert ann["QA"] == 85.0
    assert ann["CSAT top-2"] == 0.5 and ann["CSAT top-2 rank in team"] is None
    top2 = heads.index("CSAT top-2") + 1
    assert sheet.cell(row=2, column=top2).number_format == "0.0%"
    assert rows["Ben Agent"]["AHT outlier"] == "below"
    definitions = {r[0]: r[1] for r in book["Definitions"].iter_rows(min_row=2, values_only=True)}
    assert set(definitions) >= {m.label for m in METRICS.values()}


def test_the_agent_drill_down_has_a_monthly_line_per_metric(october, users, client_as):
    client = client_as("executive")
    page = client.get(f"/reports/staff/agent/{october.ann.id}?period=2026-10")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    aht = re.search(r'data-testid="trend-aht">(.*?)</tr>', html, re.S)[1]
    cells = re.findall(r"<td[^>]*>(.*?)</td>", aht)
    assert len(cells) == 12 and cells[-2:] == ["1 min 40 s", "5 min 05 s"]  # Sep 100 s, Oct 305 s
    for key in METRICS:
        assert f'data-testid="chart-{key}"' in html
    assert client.get("/reports/staff/agent/999999").status_code == 404
    not_an_agent = client.get(f"/reports/staff/agent/{users['reviewer'].id}")
    assert not_an_agent.status_code == 404


@pytest.mark.parametrize("role", ["reviewer", "agent"])
def test_reviewers_and_agents_may_not_open_the_review(users, client_as, role):
    client = client_as(role)
    for path in ("/reports/staff?period=2026-10", "/reports/staff.xlsx", "/reports/targets"):
        assert client.get(path).status_code == 403
