"""The report tables and the filter bar as the templates write them: every name
escaped, the chosen filter the one option selected, long tables in pages that
keep the filters, exports with every row."""

from __future__ import annotations

import csv
import io
import re
from datetime import date

import pytest
from flask import render_template_string, request
from markupsafe import escape

from qa_app import paging
from qa_app.extensions import db
from qa_app.models import CoachingSession, Scorecard
from qa_app.reports.forms import FilterForm
from tests.qa_app.reports.conftest import PERIOD, at, evaluate


def hostile(tag: str) -> str:
    return f"<script>alert('{tag}')</script> & \"{tag}\" <b onclick=x>"


def _row(html: str, testid: str) -> str:
    """The table row with ``data-testid`` ``testid``."""
    start = html.index(f'<tr data-testid="{testid}"')
    return html[start : html.index("</tr>", start)]


def _select(html: str, name: str) -> str:
    return re.search(rf'<select[^>]*name="{name}"[^>]*>(.*?)</select>', html, re.S).group(1)


def test_hostile_names_are_text_in_every_table_and_filter(data, make, client_as):
    data.a1.name, data.r1.name = hostile("agent"), hostile("reviewer")
    data.support.name = hostile("team")
    db.session.get(Scorecard, data.card.id).name = hostile("card")
    db.session.commit()
    question = {"key": "bold", "text": hostile("question"), "kind": "yes_no", "points": 1}
    card = make.scorecard({"name": "Hostile", "sections": [
        {"key": "h", "title": "H", "questions": [question]}]})  # fmt: skip
    evaluate(make, data.r1, data.a1, card, {"bold": "no"}, when=at("2026-11-06"))
    executive = client_as("executive")
    query = PERIOD | {"agent": data.a1.id}
    pages = {
        path: executive.get(f"/reports/{path}", query_string=query).get_data(as_text=True)
        for path in ("questions", "coaching", "reviewers", "operations")
    }
    for html in pages.values():
        assert "<script>" not in html and "<b onclick" not in html
        assert f'<option selected value="{data.a1.id}">{escape(hostile("agent"))}</option>' in html
        for tag in ("team", "reviewer", "card"):
            assert f">{escape(hostile(tag))}</option>" in html
    assert f"<td>{escape(hostile('question'))}</td>" in _row(pages["questions"], "question-bold")
    session = db.session.scalar(db.select(CoachingSession.id))
    assert escape(hostile("agent")) in _row(pages["coaching"], f"coaching-{session}")
    assert escape(hostile("agent")) in _row(pages["operations"], f"coverage-{data.a1.id}")
    assert escape(hostile("reviewer")) in _row(pages["reviewers"], f"reviewer-{data.r1.id}")


def test_the_chosen_filters_are_the_only_options_selected(data, client_as):
    query = PERIOD | {"team": data.sales.id, "agent": data.a2.id, "channel": "chat"}
    html = client_as("executive").get("/reports/", query_string=query).get_data(as_text=True)
    chosen = {"team": str(data.sales.id), "agent": str(data.a2.id), "channel": "chat",
              "scorecard": "", "reviewer": ""}  # fmt: skip
    for name, value in chosen.items():
        options = re.findall(r"<option( selected)? value=\"([^\"]*)\">", _select(html, name))
        assert len(options) > 1, name
        assert [v for selected, v in options if selected] == [value], name
    assert 'value="2026-11-01"' in html and 'value="2026-12-31"' in html  # the dates too


def test_the_filter_bar_is_what_wtforms_writes(app, data, make):
    """The bar's macro writes the selects itself (a loop over the field's
    choices, a third of the widget's cost with a thousand agents): the same HTML."""
    make.team(hostile("team"))
    make.user("agent", name=hostile("agent"))
    url = f"/reports/?agent={data.a2.id}&channel=chat&team=x&date_from=2026-11-02"
    macro = '{% from "reports/_macros.html" import filter_field %}{{ filter_field(f) }}'
    with app.test_request_context(url):
        form = FilterForm(request.args)
        form.fill_choices()
        assert not form.validate() and form.team.errors  # "x" is no id: is-invalid
        for f in form:
            css = "form-select form-select-sm" if f.type == "SelectField" else "form-control"
            css += " form-control-sm" if f.type != "SelectField" else ""
            css += " is-invalid" if f.errors else ""
            wtforms = f"{f.label(class_='form-label small mb-0')}\n{f(class_=css)}"
            assert render_template_string(macro, f=f) == wtforms, f.name


def _csv_rows(response) -> int:
    return len(list(csv.DictReader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff")))))


TABLES = [  # page, the rows' test ids, the table's export
    ("questions", r"question-([a-z_]+)", "questions"),
    ("coaching", r"coaching-(\d+)", "coaching"),
    ("reviewers", r"reviewer-(\d+)", "reviewers"),
    ("operations", r"coverage-(\d+)", "coverage"),
]


@pytest.mark.parametrize(("path", "row", "export"), TABLES)
def test_long_tables_page_with_their_filters_and_export_every_row(
    data, client_as, monkeypatch, path, row, export
):
    held = date(2026, 11, 9)
    db.session.add(CoachingSession(agent_id=data.a2.id, coach_id=data.r1.id, held_on=held,
                                   focus_questions=["resolve"]))  # fmt: skip
    db.session.commit()
    monkeypatch.setattr(paging, "PER_PAGE", 1)
    executive = client_as("executive")
    query = PERIOD | {"scorecard": data.card.id}
    everyone = _csv_rows(executive.get(f"/reports/export/{export}.csv", query_string=query))
    assert everyone >= 2
    seen, url = [], f"/reports/{path}"
    html = executive.get(url, query_string=query).get_data(as_text=True)
    for number in range(1, everyone + 1):
        shown = re.findall(rf'<tr data-testid="{row}"', html)
        assert len(shown) == 1 and shown[0] not in seen
        seen += shown
        assert f"Page {number} of {everyone}" in html
        if number < everyone:
            nav = html[html.index('aria-label="Pages"') :]
            href = re.search(r'href="([^"]*)">Next', nav).group(1).replace("&amp;", "&")
            assert href.startswith(f"/reports/{path}?page={number + 1}&")
            assert f"&scorecard={data.card.id}" in href and "date_from=2026-11-01" in href
            html = executive.get(href).get_data(as_text=True)
    assert len(seen) == everyone


def test_a_page_past_the_last_shows_the_last_and_a_bad_page_is_refused(
    data, client_as, monkeypatch
):
    monkeypatch.setattr(paging, "PER_PAGE", 3)
    executive = client_as("executive")
    past = executive.get("/reports/questions", query_string=PERIOD | {"page": 99})
    html = past.get_data(as_text=True)
    assert past.status_code == 200 and "Page 2 of 2" in html
    assert re.findall(r'<tr data-testid="question-([a-z_]+)"', html) == ["resolve"]  # the 4th
    for bad in ("0", "-1", "two", "9" * 40):
        refused = executive.get("/reports/questions", query_string=PERIOD | {"page": bad})
        assert refused.status_code == 400 and "page" in refused.get_data(as_text=True), bad
