"""One way to read ids, page numbers, dates and text from a request.

Every value a client puts in a URL or a body is checked here against the
ranges the database and the date arithmetic can hold, so that no view hands
an overflowing number or an impossible date to SQLAlchemy or ``timedelta``
(each of which answered 500). The rules, the same everywhere:

- An id is a whole number from 1 to ``MAX_ID`` (ids are 32-bit INTEGER
  columns). In a path (``<int:...>``, ``IdConverter``) a number outside that
  range names nothing: 404. In a query string it is a bad argument: 400 with
  a message naming the parameter.
- A page number is a whole number from 1 to ``MAX_PAGE``; past the last page
  is an empty page, outside the range a 400.
- A date is ISO (2026-11-26) from ``MIN_DATE`` to ``MAX_DATE``: far enough
  from the calendar's ends that a period, the period before it, and the day
  after its end can all be computed.
- Text in a query string holds no control character (NUL and the like):
  ``refuse_control_characters`` answers 400 for any parameter that does,
  before a view runs.

Views read values with ``id_arg``, ``page_arg`` and ``date_arg``
(400 ``BadArgument`` on a bad value). GET filter forms use ``IdSelectField``
and ``DateField`` from here: a bad value is the field's error, named on the
page, that filter is left out and the page answers 400 (``filter_status``);
a download, with no page to name it on, is refused (``refuse``). JSON bodies
from outside are decoded by ``parse_json`` (the API's ``BodyParser``).
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Callable, Mapping
from datetime import date
from typing import Any, NoReturn, TypeVar

from flask import request
from werkzeug.exceptions import BadRequest
from werkzeug.routing import IntegerConverter
from wtforms import DateField as _WTFormsDateField
from wtforms import Form, SelectField

MAX_ID = 2**31 - 1  # PostgreSQL INTEGER; SQLite would take more, the same rule holds
MAX_PAGE = 2**31 - 1  # times any page size, an OFFSET well inside 64 bits
MIN_DATE = date(1900, 1, 1)
MAX_DATE = date(2999, 12, 31)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
T = TypeVar("T")


class ArgumentError(ValueError):
    """A value that cannot be used; the message says why, for a person."""


class BadArgument(BadRequest):
    """400 naming the parameter and what is wrong with it. The error pages
    show ``description``; API errors carry it as ``message``."""

    def __init__(self, name: str, problem: str) -> None:
        super().__init__(f"{name}: {problem}")
        self.data = {
            "code": "bad_argument",
            "message": self.description,
            "errors": {name: [problem]},
        }


# --- values ---------------------------------------------------------------------------


def _whole(text: str, low: int, high: int) -> int:
    digits = text.strip()
    body = digits[1:] if digits[:1] in "+-" else digits
    fits = body.isascii() and body.isdigit() and len(body) <= len(str(high))
    if not fits or not low <= int(digits) <= high:  # int() only of a short number
        raise ArgumentError(f"must be a whole number from {low} to {high}, not {text[:40]!r}.")
    return int(digits)


def to_id(text: str | None) -> int | None:
    """An id, or None for an empty value."""
    if text is None or not text.strip():
        return None
    return _whole(text, 1, MAX_ID)


def to_page(text: str | None) -> int:
    """A page number; 1 for an empty value."""
    if text is None or not text.strip():
        return 1
    return _whole(text, 1, MAX_PAGE)


def to_offset(text: str | None) -> int:
    """A position counted from 0 (a transcript turn, a character in it); 0 for
    an empty value."""
    if text is None or not text.strip():
        return 0
    return _whole(text, 0, MAX_ID)


def check_date(value: date) -> date:
    """``value`` if within ``MIN_DATE``..``MAX_DATE``."""
    if not MIN_DATE <= value <= MAX_DATE:
        raise ArgumentError(
            f"must be a date from {MIN_DATE.isoformat()} to {MAX_DATE.isoformat()}."
        )
    return value


def to_date(text: str | None) -> date | None:
    """An ISO date (2026-11-26) within range, or None for an empty value."""
    if text is None or not text.strip():
        return None
    try:
        value = date.fromisoformat(text.strip())
    except ValueError:
        raise ArgumentError(f"must be a date like 2026-11-26, not {text[:40]!r}.") from None
    return check_date(value)


def check_text(text: str) -> str:
    """``text`` if it holds no control character (tab, newline and return pass)."""
    if _CONTROL.search(text):
        raise ArgumentError("contains a control character (such as NUL); remove it.")
    return text


def parse_json(data: str | bytes) -> Any:
    """``json.loads`` for a body from outside: every failure is an
    ``ArgumentError`` with a message (a number of more than Python's
    4,300 digits raises ValueError, deep nesting RecursionError)."""
    try:
        return json.loads(data, parse_int=_json_int)
    except json.JSONDecodeError as exc:
        raise ArgumentError(f"Not valid JSON: {exc.msg} at character {exc.colno}.") from None
    except UnicodeDecodeError:
        raise ArgumentError("Not valid JSON: the body is not UTF-8 text.") from None
    except RecursionError:
        raise ArgumentError("Not valid JSON: nested too deeply.") from None


def _json_int(text: str) -> int:
    limit = sys.get_int_max_str_digits() or 4300
    if len(text.lstrip("-")) > limit:
        raise ArgumentError(f"Not valid JSON: a number has more than {limit:,} digits.")
    return int(text)


# --- the request's query string ---------------------------------------------------------


def arg(name: str, convert: Callable[[str | None], T], args: Mapping[str, str] | None = None) -> T:
    """``convert`` applied to the query-string value ``name``; 400 if it fails."""
    source = request.args if args is None else args
    try:
        return convert(source.get(name))
    except ArgumentError as exc:
        raise BadArgument(name, str(exc)) from None


def id_arg(name: str) -> int | None:
    return arg(name, to_id)


def page_arg(name: str = "page") -> int:
    return arg(name, to_page)


def offset_arg(name: str) -> int:
    return arg(name, to_offset)


def date_arg(name: str) -> date | None:
    return arg(name, to_date)


def refuse_control_characters() -> None:
    """Before every request: no query-string name or value may hold a control
    character. PostgreSQL cannot compare a text holding NUL (the driver
    raises), and no filter or link of this site means one."""
    for name, value in request.args.items(multi=True):
        for text in (name, value):
            try:
                check_text(text)
            except ArgumentError as exc:
                raise BadArgument(name[:40] if name.isprintable() else "?", str(exc)) from None


def filter_status(form: Form) -> int:
    """A GET filter page's status: 400 when a value was refused (the page names
    it, and the rest of the filters still apply), else 200."""
    return 400 if form.errors else 200


def refuse(form: Form) -> NoReturn:
    """400 for the first refused value: a download has no page to name it on."""
    name, problems = next(iter(form.errors.items()))
    raise BadArgument(str(name), " ".join(map(str, problems)))


# --- paths and forms --------------------------------------------------------------------


class IdConverter(IntegerConverter):
    """``<int:...>`` with the ids' ceiling: a larger number names nothing
    (404), and past 2**63 SQLite's driver would raise (a 500)."""

    def __init__(self, map: Any, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)


def id_or_none(value: object) -> int | None:
    """Coerce for id selects' choices: an id, or None for anything else."""
    try:
        return to_id(str(value)) if value is not None else None
    except ArgumentError:
        return None


class IdSelectField(SelectField):
    """A GET filter select of ids: empty is None ("all"); an id out of range or
    not a number is the field's error, with ``data`` None."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("coerce", id_or_none)
        kwargs.setdefault("validate_choice", False)
        super().__init__(*args, **kwargs)
        self.type = "SelectField"  # templates style it as any select

    def process_formdata(self, valuelist: list[str]) -> None:
        if valuelist:
            self.data = None
            self.data = to_id(valuelist[0])  # ArgumentError is a ValueError: a field error


class DateField(_WTFormsDateField):
    """WTForms' DateField within ``MIN_DATE``..``MAX_DATE``."""

    def process_formdata(self, valuelist: list[str]) -> None:
        super().process_formdata(valuelist)
        if self.data is not None:
            value, self.data = self.data, None
            self.data = check_date(value)
