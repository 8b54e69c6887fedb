"""The filter form's option lists, built once per distinct list of names.

Every report page carries selects of every team, agent, reviewer and
scorecard (hundreds of options). WTForms renders each option generically
(a choice object, its selection test, its attributes escaped one by one),
which cost a small page more than its main query. Here each distinct list
(the rows read from the database for this request, so never stale) is
turned into choices and escaped option markup once per process; a request
then only marks its selected option.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from markupsafe import Markup, escape
from wtforms import SelectChoice
from wtforms.widgets import Select, html_params

LIMIT = 64  # distinct lists kept per process (each a few tens of kB)


@dataclass(frozen=True)
class OptionList:
    """A select's choices and their option markup (labels and values escaped)."""

    choices: tuple[SelectChoice, ...]
    markup: str

    def selected(self, value: str | None) -> Markup:
        """The options with ``value``'s marked selected (none if absent)."""
        if value is None:
            return Markup(self.markup)
        plain = f'<option value="{escape(value)}">'
        return Markup(self.markup.replace(plain, f'<option selected value="{escape(value)}">', 1))


_BUILT: dict[tuple, OptionList] = {}


def option_list(first: str, rows: Iterable[tuple[Any, str]]) -> OptionList:
    """``first`` (the empty "All ..." choice), then ``rows`` (id, name) by name.

    Keyed by the rows themselves: a renamed, added or removed entry is a new
    list, so what a page shows is always what it read.
    """
    ordered = tuple(sorted(rows, key=lambda row: (row[1].lower(), row[0])))
    key = (first, ordered)
    found = _BUILT.get(key)
    if found is None:
        pairs = [("", first), *ordered]  # choices keep the ids as read (ints)
        choices = tuple(SelectChoice(value, label) for value, label in pairs)
        markup = "".join(
            f'<option value="{escape(value)}">{escape(label)}</option>' for value, label in pairs
        )
        found = OptionList(choices, markup)
        if len(_BUILT) >= LIMIT:
            _BUILT.clear()
        _BUILT[key] = found
    return found


class OptionListSelect(Select):
    """A select rendering the field's ``option_list`` (same HTML as WTForms'
    Select); a field without one is rendered by WTForms."""

    def __call__(self, field: Any, **kwargs: Any) -> Markup:
        options: OptionList | None = getattr(field, "option_list", None)
        if options is None:
            return super().__call__(field, **kwargs)
        kwargs.setdefault("id", field.id)
        params = html_params(name=field.name, **kwargs)
        inner = options.selected(selected_value(field))
        return Markup(f"<select {params}>") + inner + Markup("</select>")


def selected_value(field: Any) -> str | None:
    """The value WTForms would mark selected: the one coercing to the field's data."""
    value = "" if field.data is None else str(field.data)
    coerce: Callable[[str], Any] = field.coerce
    try:
        return value if coerce(value) == field.data else None
    except (TypeError, ValueError):
        return None
