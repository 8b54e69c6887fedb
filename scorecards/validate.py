"""Check a scorecard definition (plain dicts/lists, as from YAML or JSON).

``validate`` never raises, whatever it is given: it walks the document and
returns *every* problem with its path, e.g.
``sections[1].questions[3].points: must be greater than 0``. Checks that depend
on the question kind live in ``_kinds.py``; this module holds the structure
and the cross-cutting rules (unique keys, weights).
"""

from __future__ import annotations

import difflib
import re
from typing import Any

from scorecards import _kinds, auto
from scorecards._kinds import is_number, show
from scorecards.errors import Problem
from scorecards.model import CHANNELS, FAMILIES, KINDS

CARD_FIELDS = ("name", "channel", "description", "sections")
SECTION_FIELDS = ("key", "title", "weight", "questions")
QUESTION_FIELDS = (
    "key", "text", "guidance", "kind", "points", "allow_na", "required",
    "min", "max", "options", "answer_points", "critical", "error_family", "auto",
)  # fmt: skip
KEY_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
MISSING = object()


def validate(data: Any) -> list[Problem]:
    """Every problem in a scorecard definition; an empty list means it is valid."""
    checker = Checker()
    checker.card(data)
    return checker.problems


def kind_of(value: Any) -> str:
    """A YAML author's name for a value's type."""
    names = {
        bool: "true/false",
        int: "a number",
        float: "a number",
        str: "text",
        list: "a list",
        dict: "a mapping",
    }
    return "empty" if value is None else names.get(type(value), type(value).__name__)


def join(path: str, field: object) -> str:
    return f"{path}.{field}" if path else str(field)


class Checker:
    """Collects problems while walking one definition."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def add(self, path: str, message: str) -> None:
        self.problems.append(Problem(path, message))

    def mapping(self, value: Any, path: str, what: str) -> bool:
        if isinstance(value, dict):
            return True
        self.add(path, f"{what} must be a mapping of fields, not {kind_of(value)}")
        return False

    def unknown(self, data: dict, path: str, allowed: tuple[str, ...]) -> None:
        for field in data:
            if field in allowed:
                continue
            close = difflib.get_close_matches(str(field), allowed, n=1)
            hint = f' (did you mean "{close[0]}"?)' if close else ""
            self.add(join(path, field), f"unknown field{hint}")

    def text(self, data: dict, path: str, field: str, required: bool = False) -> str | None:
        value = data.get(field, MISSING)
        where = join(path, field)
        if value is MISSING or value is None:
            if required:
                self.add(where, "required")
            return None
        if not isinstance(value, str):
            hint = " (quote it: YAML reads yes/no/on/off as true/false)"
            self.add(where, "must be text" + (hint if isinstance(value, bool) else ""))
            return None
        if required and not value.strip():
            self.add(where, "must not be empty")
            return None
        return value

    def boolean(self, data: dict, path: str, field: str) -> None:
        value = data.get(field)
        if value is not None and not isinstance(value, bool):
            self.add(join(path, field), "must be true or false")

    def key(self, data: dict, path: str) -> str | None:
        key = self.text(data, path, "key", required=True)
        if key is not None and not KEY_RE.match(key):
            self.add(
                join(path, "key"),
                "must be letters, digits, '_', '-' or '.' (at most 64), e.g. \"greeting\"",
            )
            return None
        return key

    def choose(self, data: dict, path: str, field: str, allowed: tuple[str, ...]) -> None:
        value = data.get(field)
        if value is not None and value not in allowed:
            names = ", ".join(allowed)
            shown = show(value) if isinstance(value, str | int | float) else "this value"
            self.add(join(path, field), f"{shown} is not one of: {names}")

    def items(self, data: dict, path: str, field: str, empty: str) -> list:
        """A required, non-empty list field; [] (after reporting) otherwise."""
        value = data.get(field, MISSING)
        where = join(path, field)
        if value is MISSING or value is None:
            self.add(where, "required")
        elif not isinstance(value, list):
            self.add(where, f"must be a list, not {kind_of(value)}")
        elif not value:
            self.add(where, empty)
        else:
            return value
        return []

    # -- the document -------------------------------------------------------

    def card(self, data: Any) -> None:
        if not self.mapping(data, "", "a scorecard"):
            return
        self.unknown(data, "", CARD_FIELDS)
        self.text(data, "", "name", required=True)
        self.choose(data, "", "channel", CHANNELS)
        self.text(data, "", "description")
        sections = self.items(data, "", "sections", "a scorecard needs at least one section")
        section_keys: dict[str, str] = {}
        question_keys: dict[str, str] = {}
        weights: list[tuple[str, Any]] = []
        for i, section in enumerate(sections):
            path = f"sections[{i}]"
            if not self.mapping(section, path, "a section"):
                continue
            self.unique(self.key(section, path), path, section_keys, "section")
            weights.append((path, section.get("weight")))
            for j, question in enumerate(self.section(section, path)):
                qpath = f"{path}.questions[{j}]"
                if self.mapping(question, qpath, "a question"):
                    self.unique(self.question(question, qpath), qpath, question_keys, "question")
        self.weights(weights)

    def unique(self, key: str | None, path: str, seen: dict[str, str], what: str) -> None:
        if key is None:
            return
        if key in seen:
            self.add(join(path, "key"), f'duplicate {what} key "{key}" (also at {seen[key]})')
        else:
            seen[key] = path

    def section(self, data: dict, path: str) -> list:
        self.unknown(data, path, SECTION_FIELDS)
        self.text(data, path, "title", required=True)
        weight = data.get("weight")
        if weight is not None and not (is_number(weight) and weight >= 0):
            self.add(join(path, "weight"), "must be a number of 0 or more")
        return self.items(data, path, "questions", "a section needs at least one question")

    def weights(self, weights: list[tuple[str, Any]]) -> None:
        given = [w for _, w in weights if w is not None]
        if not given:
            return
        if len(given) < len(weights):
            for path, w in weights:
                if w is None:
                    self.add(join(path, "weight"), "missing: give every section a weight, or none")
        elif all(is_number(w) and w >= 0 for w in given) and sum(given) <= 0:
            self.add("sections", "weights must add up to more than 0")

    def question(self, data: dict, path: str) -> str | None:
        self.unknown(data, path, QUESTION_FIELDS)
        key = self.key(data, path)
        self.text(data, path, "text", required=True)
        self.text(data, path, "guidance")
        self.boolean(data, path, "allow_na")
        self.boolean(data, path, "required")
        self.choose(data, path, "error_family", FAMILIES)
        kind = data.get("kind", MISSING)
        if kind is MISSING or kind is None:
            self.add(join(path, "kind"), "required")
        elif kind not in KINDS:
            shown = show(kind) if isinstance(kind, str | int | float) else "this value"
            self.add(join(path, "kind"), f"unknown kind {shown} (use {', '.join(KINDS)})")
        else:
            answers = _kinds.check(self, data, path, kind)
            if data.get("auto") is not None and answers is not None:
                auto.check(self, data["auto"], join(path, "auto"), kind, answers)
        return key
