"""Out-of-range numbers and dates, and control characters, in query strings:
each answers 400 with a message naming the parameter (``qa_app.request_args``),
never a 500. Filter pages still render, with the refused filter named and left
out; other views answer the error page."""

from __future__ import annotations

import pytest

from qa_app.request_args import MAX_ID

HUGE = "99999999999999999999999"
REPORT_TABS = ["/reports/", "/reports/questions", "/reports/reviewers", "/reports/operations",
               "/reports/coaching", "/reports/evaluations"]  # fmt: skip
ID_RANGE = f"must be a whole number from 1 to {MAX_ID}"
DATE_RANGE = "must be a date from 1900-01-01 to 2999-12-31"


def _refused(response, message: str) -> None:
    assert response.status_code == 400, response.status_code
    assert message in response.get_data(as_text=True)


@pytest.mark.parametrize("tab", REPORT_TABS)
@pytest.mark.parametrize("query", [f"team={HUGE}", "agent=3000000000", "scorecard=2147483648",
                                   "reviewer=-1"])  # fmt: skip
def test_report_filters_with_an_id_out_of_range_are_named_and_left_out(client_as, tab, query):
    response = client_as("executive").get(f"{tab}?{query}")
    _refused(response, ID_RANGE)
    assert 'data-testid="filter-error"' in response.get_data(as_text=True)


@pytest.mark.parametrize("tab", [*REPORT_TABS, "/reports/review", "/interactions/", "/flags/"])
@pytest.mark.parametrize("name", ["date_to", "date_from"])
@pytest.mark.parametrize("value", ["9999-12-31", "0001-01-01"])
def test_filter_dates_beyond_the_calendars_safe_range_are_refused(client_as, tab, name, value):
    _refused(client_as("admin").get(f"{tab}?{name}={value}"), DATE_RANGE)


@pytest.mark.parametrize("query", ["period=9999-12", "period=0000-01", f"team={HUGE}"])
def test_the_periodic_review_refuses_a_month_or_team_out_of_range(client_as, query):
    _refused(client_as("executive").get(f"/reports/review?{query}"), "must be a")


@pytest.mark.parametrize("until", ["9999-12-31", "0001-01-01"])
def test_the_audit_trail_refuses_a_day_out_of_range(client_as, until):
    _refused(client_as("admin").get(f"/admin/audit/?until={until}"), DATE_RANGE)
    response = client_as("admin").get(f"/admin/audit/export.csv?since={until}")
    _refused(response, DATE_RANGE)


@pytest.mark.parametrize(
    ("role", "url"),
    [
        ("executive", "/reports/evaluations"),
        ("admin", "/admin/users"),
        ("agent", "/notifications/"),
        ("executive", "/jobs/"),
        ("reviewer", "/flags/"),
    ],
)
@pytest.mark.parametrize("page", [HUGE, "3000000000", "0", "-4", "two"])
def test_a_page_number_out_of_range_is_a_400_naming_it(client_as, role, url, page):
    response = client_as(role).get(f"{url}?page={page}")
    _refused(response, f"page: must be a whole number from 1 to {MAX_ID}")


def test_a_page_past_the_last_is_an_empty_page(client_as):
    assert client_as("admin").get("/admin/users?page=2147483647").status_code == 200


@pytest.mark.parametrize("query", [f"new={HUGE}", "new=3000000000", "old=3000000000&new=1"])
def test_the_scorecard_diff_refuses_a_version_number_out_of_range(client_as, make, query):
    card = make.scorecard()
    response = client_as("reviewer").get(f"/scorecards/{card.id}/diff?{query}")
    _refused(response, ID_RANGE)


def test_the_scorecard_diff_of_a_version_that_does_not_exist_is_not_found(client_as, make):
    card = make.scorecard()
    assert client_as("reviewer").get(f"/scorecards/{card.id}/diff?old=1&new=7").status_code == 404


@pytest.mark.parametrize(
    ("role", "url"),
    [
        ("executive", f"/reviews/?reviewer={HUGE}"),
        ("reviewer", f"/reviews/start?interaction_id={HUGE}"),
        ("reviewer", f"/feedback/coaching/new?agent_id={HUGE}"),
        ("reviewer", f"/feedback/coaching/new?evaluation_id={HUGE}"),
        ("admin", f"/account/tokens/all?user_id={HUGE}"),
        ("admin", f"/admin/audit/?entity_id={HUGE}"),
    ],
)
def test_other_ids_in_query_strings_are_checked_the_same_way(client_as, role, url):
    _refused(client_as(role).get(url), ID_RANGE)


@pytest.mark.parametrize(
    "url",
    [
        "/reports/?channel=%00",
        "/reports/evaluations?question=a%00b",
        "/reports/evaluations?family=%00&format=csv",
        "/interactions/?channel=call%00",
        "/admin/audit/?entity_type=%00",
        "/feedback/disputes?status=open%01",
        "/reports/?x%00y=1",
    ],
)
def test_a_control_character_in_a_query_string_is_refused(client_as, url):
    role = "executive" if url.startswith(("/reports", "/feedback")) else "admin"
    _refused(client_as(role).get(url), "contains a control character (such as NUL)")


def test_the_api_answers_the_same_refusal_as_json(client, users):
    from qa_app.api import tokens

    bearer = {"Authorization": f"Bearer {tokens.create(users['admin'], 'q').secret}"}
    response = client.get("/api/v1/interactions?channel=%00", headers=bearer)
    assert response.status_code == 400
    assert response.json["code"] == "bad_argument"
    assert response.json["message"].startswith("channel: contains a control character")
    response = client.get("/api/v1/interactions?started_before=9999-12-31T23:00:00-10:00",
                          headers=bearer)  # fmt: skip
    assert response.status_code == 422
    assert DATE_RANGE in str(response.json["errors"])


@pytest.mark.parametrize("url", ["/flags/?page=1", "/flags/?interaction_id=1",
                                 "/interactions/?reviewed=", "/reports/?page=1"])  # fmt: skip
def test_a_filter_page_refuses_nothing_it_was_not_given(client_as, url):
    response = client_as("executive").get(url)
    assert response.status_code == 200
    assert "(ignored)" not in response.get_data(as_text=True)
