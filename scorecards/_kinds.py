"""Kind-specific checks of one question (yes_no, scale, choice, text).

Split from ``validate.py`` to keep both readable; ``normalize_answer`` is also
used by ``io.py`` so that validation and loading agree on what an answer is.
"""

from __future__ import annotations

import math
import re
import reprlib
from typing import TYPE_CHECKING, Any

from scorecards.model import DEFAULT_SCALE, NA, SCOPES

if TYPE_CHECKING:  # pragma: no cover
    from scorecards.validate import Checker

OPTION_FIELDS = ("key", "label", "points")
CRITICAL_FIELDS = ("scope", "fail_on")
MAX_SCALE_SPAN = 100
_INT = re.compile(r"-?\d+")


def normalize_answer(kind: str, value: Any) -> Any:
    """An answer written in a definition, as scoring sees it.

    YAML 1.1 reads unquoted ``yes``/``no`` as booleans, so for yes_no
    questions True/False mean "yes"/"no". Scale keys may be JSON strings ("3").
    """
    if kind == "yes_no" and isinstance(value, bool):
        return "yes" if value else "no"
    if kind == "scale" and isinstance(value, str) and _INT.fullmatch(value):
        return int(value)
    return value


def is_answer(kind: str, value: Any, answers: tuple) -> bool:
    """True when ``value`` (normalized) is one of ``answers`` with the right type."""
    wanted = int if kind == "scale" else str
    return type(value) is wanted and value in answers


def num(x: float) -> str:
    return f"{x:g}"


def is_number(value: Any) -> bool:
    """True for finite ints and floats; booleans are not numbers here."""
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


_SHOW = reprlib.Repr()
_SHOW.maxstring = _SHOW.maxother = 80
_SHOW.maxlevel = 3


def show(value: Any) -> str:
    """A value as the author wrote it, for messages: strings quoted.

    Bounded: a huge string, or a YAML alias bomb whose full ``repr`` would take
    gigabytes, is shown abbreviated."""
    if isinstance(value, str):
        return f'"{value}"' if len(value) <= 80 else f'"{value[:77]}..."'
    return _SHOW.repr(value)


def check(c: Checker, data: dict, path: str, kind: str) -> tuple | None:
    """Report everything wrong with the kind-specific fields of one question;
    the answers it can take (None when they are themselves wrong)."""
    _misplaced(c, data, path, kind)
    if kind == "text":
        return ()
    points = _points(c, data, path, kind)
    if kind == "yes_no":
        answers: tuple | None = ("yes", "no")
    elif kind == "scale":
        answers = _scale(c, data, path)
    else:
        answers, points = _choice(c, data, path, points)
    if answers is None:
        return None
    if kind in ("yes_no", "scale") and data.get("answer_points") is not None:
        _answer_points(c, data, path, kind, answers, points)
    if data.get("critical") is not None:
        _critical(c, data["critical"], f"{path}.critical", kind, answers)
    return answers


def _misplaced(c: Checker, data: dict, path: str, kind: str) -> None:
    def present(field: str) -> bool:
        return data.get(field) is not None

    for field in ("min", "max"):
        if kind != "scale" and present(field):
            c.add(f"{path}.{field}", f"only scale questions have a {field}")
    if kind != "choice" and present("options"):
        c.add(f"{path}.options", "only choice questions have options")
    if kind in ("choice", "text") and present("answer_points"):
        why = "each option carries its own points" if kind == "choice" else "it carries no points"
        c.add(f"{path}.answer_points", f"not used by {kind} questions ({why})")
    if kind == "text":
        if present("points") and data["points"] != 0:
            c.add(f"{path}.points", "text questions carry no points")
        if present("critical"):
            c.add(f"{path}.critical", "text questions cannot have a critical rule (no points)")
        if present("error_family"):
            c.add(f"{path}.error_family", "text questions cannot have an error family (no points)")


def _points(c: Checker, data: dict, path: str, kind: str) -> float | None:
    value = data.get("points")
    if value is None:
        if kind != "choice":  # choice questions take the best option's points
            c.add(f"{path}.points", f"required for {kind} questions")
        return None
    if not is_number(value):
        c.add(f"{path}.points", "must be a number")
    elif value <= 0:
        c.add(f"{path}.points", "must be greater than 0")
    else:
        return float(value)
    return None


def _scale(c: Checker, data: dict, path: str) -> tuple | None:
    bounds = []
    for field, default in zip(("min", "max"), DEFAULT_SCALE, strict=True):
        value = data.get(field)
        value = default if value is None else value
        if type(value) is not int:
            c.add(f"{path}.{field}", "must be a whole number")
            return None
        bounds.append(value)
    lo, hi = bounds
    if lo >= hi:
        c.add(f"{path}.min", f"must be less than max ({hi})")
    elif hi - lo > MAX_SCALE_SPAN:
        c.add(f"{path}.max", f"a scale can span at most {MAX_SCALE_SPAN} steps")
    else:
        return tuple(range(lo, hi + 1))
    return None


def _choice(c: Checker, data: dict, path: str, points: float | None) -> tuple:
    options = c.items(data, path, "options", "a choice question needs at least one option")
    seen: dict[str, str] = {}
    values: list[float] = []
    for i, option in enumerate(options):
        opath = f"{path}.options[{i}]"
        if not c.mapping(option, opath, "an option"):
            continue
        c.unknown(option, opath, OPTION_FIELDS)
        c.unique(c.key(option, opath), opath, seen, "option")
        c.text(option, opath, "label", required=True)
        value = option.get("points")
        if value is None:
            c.add(f"{opath}.points", "required")
        elif not (is_number(value) and value >= 0):
            c.add(f"{opath}.points", "must be a number of 0 or more")
        else:
            values.append(float(value))
    if options and len(values) == len(options):
        best = max(values)
        if best <= 0:
            c.add(f"{path}.options", "at least one option must earn points")
        elif points is not None and points != best:
            c.add(f"{path}.points", f"must equal the best option's points ({num(best)})")
        points = best
    return (tuple(seen) if options else None), points


def _answer_points(
    c: Checker, data: dict, path: str, kind: str, answers: tuple, points: float | None
) -> None:
    where = f"{path}.answer_points"
    given = data["answer_points"]
    if not isinstance(given, dict):
        c.add(where, "must be a mapping of answer to points")
        return
    table: dict[Any, float] = {}
    top = "any number" if points is None else f"a number from 0 to {num(points)}"
    for raw, value in given.items():
        answer = normalize_answer(kind, raw)
        if not is_answer(kind, answer, answers):
            c.add(where, f"{show(raw)} is not an answer this question can take")
        elif answer in table:
            c.add(where, f"{show(raw)} is given twice")
        elif not is_number(value) or value < 0 or (points is not None and value > points):
            c.add(f"{where}.{raw}", f"must be {top}")
        else:
            table[answer] = float(value)
    if points is None or len(table) != len(given):
        return
    # The effective points, worst answer first: explicit where given, default otherwise.
    default = (
        [0.0, points]
        if kind == "yes_no"
        else [points * ((a - answers[0]) / (answers[-1] - answers[0])) for a in answers]
    )
    ordered = ("no", "yes") if kind == "yes_no" else answers
    effective = [table.get(a, d) for a, d in zip(ordered, default, strict=True)]
    for worse, better, p_worse, p_better in zip(
        ordered, ordered[1:], effective, effective[1:], strict=False
    ):
        if p_better < p_worse:
            c.add(where, f"points must not go down as the answer improves ({better} < {worse})")
            return
    if effective[-1] != points:
        c.add(where, f"the best answer must earn the full points ({num(points)})")


def _critical(c: Checker, rule: Any, where: str, kind: str, answers: tuple) -> None:
    if not c.mapping(rule, where, "critical"):
        return
    c.unknown(rule, where, CRITICAL_FIELDS)
    if rule.get("scope") is None:
        c.add(f"{where}.scope", 'required ("section" or "scorecard")')
    c.choose(rule, where, "scope", SCOPES)
    fail_on = c.items(rule, where, "fail_on", "must list at least one answer")
    found = set()
    for raw in fail_on:
        answer = normalize_answer(kind, raw)
        if answer == NA:
            c.add(f"{where}.fail_on", "N/A cannot fail a question (it removes it from the score)")
        elif not is_answer(kind, answer, answers):
            c.add(f"{where}.fail_on", f"{show(raw)} is not an answer this question can take")
        elif answer in found:
            c.add(f"{where}.fail_on", f"{show(raw)} is listed twice")
        else:
            found.add(answer)
    if answers and found == set(answers):
        c.add(f"{where}.fail_on", "would fail on every answer")
