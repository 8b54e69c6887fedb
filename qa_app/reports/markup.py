"""Small markup helpers for the reports' templates.

The figures' formats (``pct``, ``num``: the ``report_pct``/``report_num``
filters) live here, with the rows of the long tables written in Python: a
Jinja loop over hundreds of rows, each cell a filter call and an escape,
cost the Coaching tab more than its query. Every text goes through
``markupsafe.escape``; the output is the loop's, byte for byte.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import pandas as pd
from markupsafe import Markup, escape
from wtforms import Field
from wtforms.widgets import DateInput

from qa_app import display
from qa_app.reports.options import OptionListSelect, selected_value

# Flags a WTForms input turns into attributes: a field with any of them (or
# with render_kw) is rendered by WTForms itself.
ATTRIBUTE_FLAGS = ("required", "disabled", "readonly", "min", "max", "step", "maxlength")


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def pct(value: Any, digits: int = 1) -> str:
    """A 0..1 rate as a percentage (the pages' one rounding rule); undefined as n/a."""
    return "n/a" if _missing(value) else display.percent(100 * float(value), digits)


def num(value: Any, digits: int = 1, signed: bool = False) -> str:
    text = display.fixed(value, digits)
    return "+" + text if signed and text[0].isdigit() else text


def coaching_rows(table: pd.DataFrame) -> Markup:
    """The Coaching table's body rows."""
    cell = '<td class="text-end">'
    rows = [
        f'<tr data-testid="coaching-{escape(sid)}"><td>{escape(held)}</td><td>{escape(agent)}'
        f"</td><td>{escape(focus)}</td>\n    {cell}{escape(bn)}</td>{cell}{escape(pct(bp))}</td>"
        f"{cell}{escape(an)}</td>{cell}{escape(pct(ap))}</td></tr>"
        for sid, held, agent, focus, bn, bp, an, ap in zip(
            table["session_id"], table["held_on"], table["agent"], table["focus"],
            table["before_n"], table["before_pass"], table["after_n"], table["after_pass"],
            strict=True,
        )
    ]  # fmt: skip
    return Markup("".join(rows))


def filter_label(field: Field) -> Markup:
    """A filter's label, as ``field.label(class_="form-label small mb-0")``."""
    return Markup(
        f'<label class="form-label small mb-0" for="{escape(field.id)}">'
        f"{escape(field.label.text)}</label>"
    )


def filter_control(field: Field, css: str) -> Markup:
    """A filter's input, as ``field(class_=css)``: a plain date input or a select
    with its cached option list written here (WTForms builds and escapes their
    attributes one by one), anything else by WTForms."""
    plain = not field.render_kw and not any(getattr(field.flags, a, None) for a in ATTRIBUTE_FLAGS)
    if not plain:
        return field(class_=css)
    attributes = f'class="{escape(css)}" id="{escape(field.id)}" name="{escape(field.name)}"'
    if type(field.widget) is DateInput:
        return Markup(f'<input {attributes} type="date" value="{escape(field._value())}">')
    options = getattr(field, "option_list", None)
    if options is not None and type(field.widget) is OptionListSelect:
        return Markup(f"<select {attributes}>{options.selected(selected_value(field))}</select>")
    return field(class_=css)


def question_rows(table: list[list], link: Callable[[str], str]) -> Markup:
    """The Questions table's body rows (``figures.pareto_rows``); ``link(key)``:
    the drill-down URL of a question's failed answers."""
    end = '<td class="text-end">'
    rows = []
    for key, text, answered, failed, rate, cumulative in table:
        k = escape(key)
        failed_cell = f'<a href="{escape(link(key))}">{escape(failed)}</a>' if failed else "0"
        rows.append(
            f'\n  <tr data-testid="question-{k}"><td>{escape(text)}</td><td><code>{k}</code></td>'
            f"{end}{escape(answered)}</td>\n    {end}{failed_cell}</td>\n    "
            f"{end}{escape(pct(rate))}</td>{end}{escape(pct(cumulative))}</td></tr>\n  "
        )
    return Markup("".join(rows))
