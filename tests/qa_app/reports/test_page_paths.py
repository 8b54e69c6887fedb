"""The reports' fast paths give what the plain ones give: option markup built
once per list, rows and links built in Python, on the hand-built data set."""

from __future__ import annotations

from datetime import date

import pytest
from flask import request
from markupsafe import escape
from wtforms.widgets import Select

from qa_app.extensions import db
from qa_app.reports import markup, options
from qa_app.reports.forms import FilterForm
from qa_app.reports.queries import Filters
from tests.qa_app.reports.conftest import PERIOD


def test_option_markup_is_escaped_marked_and_never_stale(make, client_as):
    hostile = make.user("agent", name='<script>alert("x")</script> & Co')
    executive = client_as("executive")
    page = executive.get("/reports/questions", query_string=PERIOD | {"agent": hostile.id})
    html = page.get_data(as_text=True)
    assert "<script>alert" not in html
    assert f'<option selected value="{hostile.id}">{escape(hostile.name)}</option>' in html
    assert '<option selected value="">All teams</option>' in html
    hostile.name = "Renamed Agent"
    db.session.commit()
    html = executive.get("/reports/questions", query_string=PERIOD).get_data(as_text=True)
    assert f'<option value="{hostile.id}">Renamed Agent</option>' in html
    assert "alert" not in html


def test_option_lists_are_keyed_by_their_rows():
    first = options.option_list("All", [(2, "b"), (1, "A")])
    assert [c.label for c in first.choices] == ["All", "A", "b"]
    assert options.option_list("All", [(1, "A"), (2, "b")]) is first
    renamed = options.option_list("All", [(1, "A"), (2, "c")])
    assert renamed is not first and "c</option>" in renamed.markup
    assert 'selected value="2"' in renamed.selected("2")
    assert "selected" not in renamed.selected("9") and "selected" not in renamed.selected(None)


def test_filter_controls_are_what_wtforms_writes(app, make):
    make.team('Billing & "Refunds"')
    agent = make.user("agent", name="<b>Bold</b> O'Neil")
    url = f"/reports/questions?agent={agent.id}&channel=chat&date_from=2026-11-02"
    with app.test_request_context(url):
        form = FilterForm(request.args)
        form.fill_choices()
        form.validate()
        for field in form:
            css = "form-control form-control-sm x&y"
            fast = markup.filter_control(field, css)
            assert fast == field(class_=css)
            if field.type == "SelectField":  # WTForms' own widget, not the cached lists
                assert fast == Select()(field, class_=css)
    assert f'<option selected value="{agent.id}">&lt;b&gt;Bold' in markup.filter_control(
        form.agent, "c"
    )


def test_coaching_rows_are_escaped_as_the_template_did(data, client_as):
    data.a1.name = '<b onclick="x">A&B</b>'
    db.session.commit()
    html = (
        client_as("executive").get("/reports/coaching", query_string=PERIOD).get_data(as_text=True)
    )
    assert "<b onclick" not in html and str(escape(data.a1.name)) in html
    assert '<td class="text-end">50.0%</td>' in html and "n/a" not in html.split("<tbody>")[1]


def test_question_rows_escape_texts_keys_and_links():
    from qa_app.reports import figures, markup

    table = figures.pareto_rows([("k<1>", 4, 1), ("ok", 3, 0)], {"k<1>": "<i>Q</i>"})
    html = str(markup.question_rows(table, lambda key: f"/drill?question={key}&x=1"))
    assert "<i>" not in html and "&lt;i&gt;Q&lt;/i&gt;" in html
    assert 'data-testid="question-k&lt;1&gt;"' in html
    assert 'href="/drill?question=k&lt;1&gt;&amp;x=1">1</a>' in html
    assert '<td class="text-end">0</td>' in html and "25.0%" in html


@pytest.mark.parametrize(
    "filters",
    [Filters(), Filters(date(2026, 11, 1), date(2026, 11, 30), team=3, channel="chat")],
)
@pytest.mark.parametrize("name", ["question", "team", "agent"])
def test_row_links_are_the_general_links(app, filters, name):
    from qa_app.reports.routes import report_url, report_url_of

    with app.test_request_context("/reports/questions"):
        link = report_url_of("reports.evaluations", filters, name)
        for value in ["greet", "q 1&2=3/ü", 7, None]:
            assert link(value) == report_url("reports.evaluations", filters, **{name: value})
