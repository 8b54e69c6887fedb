"""How numbers and durations read on a page: one rule for every template and
for the scoring page's script (static/js/numbers.js follows the same rule).

Rounding: half away from zero, on the value as stored. Python's own
formatting rounds a tie to even ("%.0f" % 62.5 == "62") while the browser's
``toFixed`` rounds it up ("63"), so the live score and the submitted page
disagreed on 62.5 %; both now use the rule of ``toFixed``.
"""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from flask import Flask


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def fixed(value: Any, digits: int = 1, signed: bool = False) -> str:
    """``value`` with ``digits`` decimals, ties away from zero (as JavaScript's
    ``Number.prototype.toFixed``); undefined reads "n/a". ``signed``: a change,
    read with its sign ("+1.5", "-1.5", "+0.0")."""
    if _missing(value):
        return "n/a"
    if signed:
        text = fixed(value, digits)
        return "+" + text if text[0].isdigit() else text
    number = float(value)
    scaled = abs(number) * 10**digits
    if scaled - math.floor(scaled) != 0.5:  # not a tie: Python's formatting agrees
        text = f"{number:.{digits}f}"
    else:  # a tie, or near one: decide on the stored binary value, as toFixed does
        exact = Decimal(number).quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)
        text = f"{exact:f}"
    return text[1:] if text.startswith("-") and not text.strip("-0.") else text


def percent(value: Any, digits: int = 0) -> str:
    """A 0..100 percentage: ``62.5`` -> ``63%``; undefined reads "n/a"."""
    return "n/a" if _missing(value) else f"{fixed(value, digits)}%"


def rate(value: Any, digits: int = 1) -> str:
    """A 0..1 share as a percentage: ``0.3333`` -> ``33.3%``; undefined reads "n/a"."""
    return "n/a" if _missing(value) else percent(100 * float(value), digits)


def duration(seconds: Any) -> str:
    """A contact's length in its two largest units: ``4 min 05 s``,
    ``2 h 29 min``, ``6 d 5 h`` (an e-mail thread can last days; "8969:01" did
    not read as one). Under a minute: ``45 s``; unknown: empty."""
    if seconds is None or isinstance(seconds, bool):
        return ""
    whole = max(0, int(float(seconds)))
    days, rest = divmod(whole, 86_400)
    hours, rest = divmod(rest, 3_600)
    minutes, secs = divmod(rest, 60)
    if days:
        return f"{days} d {hours} h"
    if hours:
        return f"{hours} h {minutes} min"
    if minutes:
        return f"{minutes} min {secs:02d} s"
    return f"{secs} s"


def init_app(app: Flask) -> None:
    app.add_template_filter(fixed, "fixed")
    app.add_template_filter(percent, "percent")
    app.add_template_filter(rate, "rate")
    app.add_template_filter(duration, "duration")
