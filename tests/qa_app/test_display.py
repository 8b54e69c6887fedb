"""How numbers and durations read: one rounding rule for the pages and the
scoring page's script, durations in their two largest units."""

import pytest

from qa_app import display

# The same cases run through static/js/numbers.js in the browser
# (tests/qa_app/e2e/test_layout_and_a11y.py): both must agree.
ROUNDING = [
    (62.5, 0, "63"),  # a tie: Python's "%.0f" said 62, the browser 63
    (2.5, 0, "3"),
    (0.5, 0, "1"),
    (-2.5, 0, "-3"),  # away from zero, as toFixed
    (62.25, 1, "62.3"),
    (0.15, 1, "0.1"),  # stored as 0.1499...: not a tie
    (1.005, 2, "1.00"),  # stored as 1.00499...
    (-0.04, 1, "0.0"),  # never "-0.0"
    (99.95, 1, "100.0"),
    (63.2417, 1, "63.2"),
]


@pytest.mark.parametrize(("value", "digits", "text"), ROUNDING)
def test_fixed_rounds_ties_away_from_zero_on_the_stored_value(value, digits, text):
    assert display.fixed(value, digits) == text


@pytest.mark.parametrize("value", [None, float("nan")])
def test_undefined_reads_n_a(value):
    assert display.fixed(value) == "n/a"
    assert display.percent(value) == "n/a"


def test_percent_adds_the_sign():
    assert display.percent(62.5) == "63%"
    assert display.percent(62.5, 1) == "62.5%"


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (538_141, "6 d 5 h"),  # read "8969:01" in the interactions list
        (8_969, "2 h 29 min"),
        (3_600, "1 h 0 min"),
        (245, "4 min 05 s"),
        (45, "45 s"),
        (0, "0 s"),
        (None, ""),
    ],
)
def test_duration_reads_in_its_two_largest_units(seconds, text):
    assert display.duration(seconds) == text


def test_the_filters_are_there_for_every_template(app):
    template = app.jinja_env.from_string(
        "{{ 62.5|fixed(0) }} {{ 62.5|percent }} {{ 538141|duration }}"
    )
    assert template.render() == "63 63% 6 d 5 h"


def test_a_rate_reads_as_a_percentage_with_one_decimal():
    assert [display.rate(v) for v in (1 / 3, 0.5, 0.0005, 1)] == [
        "33.3%",
        "50.0%",
        "0.1%",
        "100.0%",
    ]
    assert display.rate(2 / 3, 0) == "67%" and display.rate(float("nan")) == "n/a"


@pytest.mark.parametrize(
    ("value", "digits", "text"),
    [
        (1.25, 2, "+1.25"),
        (-1.25, 1, "-1.3"),
        (0.0, 1, "+0.0"),
        (-0.04, 1, "+0.0"),
        (None, 1, "n/a"),
    ],
)
def test_a_change_reads_with_its_sign(value, digits, text):
    assert display.fixed(value, digits, signed=True) == text


def test_the_report_filters_read_as_the_rules(app):
    template = app.jinja_env.from_string(
        "{{ 0.625|rate }} {{ 0.625|rate(0) }} {{ -2|fixed(1, true) }}"
    )
    assert template.render() == "62.5% 63% -2.0"
