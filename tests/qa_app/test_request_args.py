"""The one way ids, pages, dates and text are read from a request."""

from __future__ import annotations

from datetime import date

import pytest
from werkzeug.datastructures import MultiDict
from wtforms import Form, SelectChoice

from qa_app import request_args
from qa_app.request_args import (
    MAX_DATE,
    MAX_ID,
    MIN_DATE,
    ArgumentError,
    BadArgument,
    DateField,
    IdSelectField,
)


@pytest.mark.parametrize(("text", "value"), [(None, None), ("", None), (" 7 ", 7), ("+7", 7),
                                             (str(MAX_ID), MAX_ID)])  # fmt: skip
def test_an_id_is_a_whole_number_within_the_integer_column(text, value):
    assert request_args.to_id(text) == value


@pytest.mark.parametrize(
    "text", ["0", "-1", str(MAX_ID + 1), "9" * 23, "1" * 5000, "1.0", "1e3", "abc", "٣", "0x10"]
)
def test_anything_else_is_refused_with_the_range(text):
    with pytest.raises(ArgumentError, match=f"whole number from 1 to {MAX_ID}"):
        request_args.to_id(text)


def test_a_page_defaults_to_one_and_is_bounded():
    assert request_args.to_page(None) == request_args.to_page("") == 1
    assert request_args.to_page("3") == 3
    for text in ("0", "-2", "99999999999999999999999", "two"):
        with pytest.raises(ArgumentError, match="whole number from 1 to"):
            request_args.to_page(text)


def test_an_offset_counts_from_zero_and_is_bounded():
    assert request_args.to_offset(None) == request_args.to_offset("") == 0
    assert request_args.to_offset("0") == 0 and request_args.to_offset("12") == 12
    for text in ("-1", str(MAX_ID + 1), "9" * 5000, "x"):
        with pytest.raises(ArgumentError, match=f"whole number from 0 to {MAX_ID}"):
            request_args.to_offset(text)


def test_a_date_is_iso_and_far_enough_from_the_calendars_ends():
    assert request_args.to_date("2026-11-26") == date(2026, 11, 26)
    assert request_args.to_date(MIN_DATE.isoformat()) == MIN_DATE
    assert request_args.to_date(MAX_DATE.isoformat()) == MAX_DATE
    assert request_args.to_date("") is None
    for text in ("9999-12-31", "0001-01-01", "1899-12-31", "3000-01-01"):
        with pytest.raises(ArgumentError, match="must be a date from 1900-01-01 to 2999-12-31"):
            request_args.to_date(text)
    with pytest.raises(ArgumentError, match="must be a date like 2026-11-26, not '26/11/2026'"):
        request_args.to_date("26/11/2026")


@pytest.mark.parametrize("text", ["a\x00b", "\x01", "x\x1by", "\x7f"])
def test_text_with_a_control_character_is_refused(text):
    with pytest.raises(ArgumentError, match="control character"):
        request_args.check_text(text)


def test_ordinary_text_passes_untouched():
    assert request_args.check_text("Billing <script> \t é 😀") == "Billing <script> \t é 😀"


def test_json_from_outside_fails_with_a_message_never_another_exception():
    assert request_args.parse_json('{"a": [1, -2, 3.5]}') == {"a": [1, -2, 3.5]}
    cases = {
        '{"n": ' + "1" * 5000 + "}": "a number has more than 4,300 digits",
        '{"n": -' + "1" * 5000 + "}": "a number has more than 4,300 digits",
        "[" * 100_000 + "]" * 100_000: "nested too deeply",
        "{": "Not valid JSON: Expecting property name",
        b"\xff\xfe\x00": "Not valid JSON",
    }
    for body, message in cases.items():
        with pytest.raises(ArgumentError, match=message):
            request_args.parse_json(body)


def test_a_bad_query_value_is_a_400_naming_the_parameter(app):
    with app.test_request_context("/?team=3000000000&page=2&day=9999-12-31"):
        with pytest.raises(BadArgument) as caught:
            request_args.id_arg("team")
        assert caught.value.code == 400
        assert caught.value.description.startswith("team: must be a whole number from 1 to")
        assert request_args.page_arg() == 2
        with pytest.raises(BadArgument, match="day: must be a date from"):
            request_args.date_arg("day")


def test_the_query_string_hook_refuses_a_control_character_in_a_name_or_a_value(app):
    for query in ("x=a%00", "a%01=1", "ok=1&x=%7F"):
        with app.test_request_context(f"/?{query}"), pytest.raises(BadArgument):
            request_args.refuse_control_characters()
    with app.test_request_context("/?q=caf%C3%A9+%3Cb%3E&tab=a%09b"):
        request_args.refuse_control_characters()


class _Filters(Form):
    team = IdSelectField("Team", choices=[SelectChoice("", "All"), SelectChoice("1", "One")])
    since = DateField("Since")


def test_filter_fields_carry_the_problem_and_leave_the_value_out():
    form = _Filters(MultiDict({"team": "99999999999999999999999", "since": "9999-12-31"}))
    assert not form.validate()
    assert form.team.data is None and form.since.data is None
    assert form.team.errors == [f"must be a whole number from 1 to {MAX_ID}, "
                                "not '99999999999999999999999'."]  # fmt: skip
    assert form.since.errors == ["must be a date from 1900-01-01 to 2999-12-31."]
    good = _Filters(MultiDict({"team": "1", "since": "2026-01-02"}))
    assert good.validate() and good.team.data == 1 and good.since.data == date(2026, 1, 2)
    assert _Filters(MultiDict({"team": ""})).team.data is None


def test_path_ids_beyond_the_column_are_not_found(client_as):
    admin = client_as("admin")
    assert admin.get(f"/admin/users/{MAX_ID + 1}").status_code == 404
    assert admin.get(f"/admin/users/{'9' * 30}").status_code == 404
