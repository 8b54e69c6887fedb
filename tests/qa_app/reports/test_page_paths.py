"""The reports' fast paths give what the plain ones give: option markup built
once per list, and the pages' merged statements, on the hand-built data set."""

from __future__ import annotations

from markupsafe import escape

from qa_app.extensions import db
from qa_app.reports import options
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
