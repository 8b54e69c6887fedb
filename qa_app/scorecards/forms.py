"""Forms of the scorecard editor, and their translation to the definition dict."""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    DecimalField,
    HiddenField,
    IntegerField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional, Regexp

KEY_RULE = Regexp(r"^[a-z][a-z0-9_]*$", message="Use lower-case letters, digits and _ only.")
CHANNEL_CHOICES = [SelectChoice(c, c.capitalize()) for c in ("any", "call", "chat", "email")]
KIND_CHOICES = [
    SelectChoice("yes_no", "Yes / No"),
    SelectChoice("scale", "Scale"),
    SelectChoice("choice", "Choice"),
    SelectChoice("text", "Comment only (no points)"),
]
SCOPE_CHOICES = [
    SelectChoice("", "Not critical"),
    SelectChoice("section", "Auto-fail the section"),
    SelectChoice("scorecard", "Auto-fail the whole evaluation"),
]
FAMILY_CHOICES = [
    SelectChoice("", "None"),
    SelectChoice("customer", "Customer-critical"),
    SelectChoice("business", "Business-critical"),
    SelectChoice("compliance", "Compliance-critical"),
]


class LockedForm(FlaskForm):
    """Every edit carries the draft's lock version: a stale page cannot
    overwrite someone else's newer edit."""

    lock_version = HiddenField()


class NewScorecardForm(FlaskForm):
    name = StringField("Name", validators=[DataRequired(), Length(max=200)])
    start = SelectField("Start from", validators=[DataRequired()])
    file = FileField("Or import a YAML/JSON file")


class CardForm(LockedForm):
    name = StringField("Name", validators=[DataRequired(), Length(max=200)])
    channel = SelectField("Channel", choices=CHANNEL_CHOICES)
    description = TextAreaField("Description", validators=[Length(max=4000)])
    weighted = BooleanField("Weight sections (total = weighted mean of section percentages)")


class SectionForm(LockedForm):
    key = StringField("Key", validators=[DataRequired(), Length(max=80), KEY_RULE])
    title = StringField("Title", validators=[DataRequired(), Length(max=200)])
    weight = DecimalField("Weight", validators=[Optional(), NumberRange(min=0)])


class AddSectionForm(LockedForm):
    title = StringField("New section title", validators=[DataRequired(), Length(max=200)])


class ImportForm(LockedForm):
    file = FileField("YAML or JSON file", validators=[FileRequired()])


class QuestionForm(LockedForm):
    section = SelectField("Section")
    key = StringField(
        "Key",
        validators=[DataRequired(), Length(max=80), KEY_RULE],
        description="Stable identity used by reports across versions.",
    )
    text = StringField("Question", validators=[DataRequired(), Length(max=500)])
    guidance = TextAreaField("Guidance for reviewers", validators=[Length(max=8000)])
    kind = SelectField("Kind", choices=KIND_CHOICES)
    points = DecimalField("Points", validators=[Optional()])
    allow_na = BooleanField("N/A allowed")
    required = BooleanField("Required", default=True)
    scale_min = IntegerField("Scale from", validators=[Optional()])
    scale_max = IntegerField("Scale to", validators=[Optional()])
    options = TextAreaField(
        "Options", description="One per line: key | label | points (choice questions)."
    )
    answer_points = TextAreaField(
        "Points per answer", description="Optional, one per line: answer = points."
    )
    critical_scope = SelectField("Critical", choices=SCOPE_CHOICES)
    fail_on = StringField("Failing answers", description="Comma-separated, e.g. no")
    error_family = SelectField("Critical-error family", choices=FAMILY_CHOICES)

    # Problem paths inside a question -> the form field that shows them.
    FIELD_OF = {
        "key": "key",
        "text": "text",
        "guidance": "guidance",
        "kind": "kind",
        "points": "points",
        "allow_na": "allow_na",
        "required": "required",
        "min": "scale_min",
        "max": "scale_max",
        "options": "options",
        "answer_points": "answer_points",
        "critical": "critical_scope",
        "error_family": "error_family",
    }

    def field_for(self, subpath: str):
        """The field a problem at ``subpath`` (e.g. ``critical.fail_on``) belongs to."""
        if subpath.startswith("critical.fail_on"):
            return self.fail_on
        head = subpath.split(".")[0].split("[")[0]
        return getattr(self, self.FIELD_OF.get(head, ""), None)

    def to_question(self) -> tuple[dict[str, Any], list[tuple[str, str]]]:
        """The definition dict for this question, and (field, message) parse errors."""
        errors: list[tuple[str, str]] = []
        q: dict[str, Any] = {
            "key": (self.key.data or "").strip(),
            "text": (self.text.data or "").strip(),
            "kind": self.kind.data,
        }
        if self.kind.data != "text":
            q["points"] = _number(self.points.data)
        if (self.guidance.data or "").strip():
            q["guidance"] = self.guidance.data.strip()
        if self.allow_na.data:
            q["allow_na"] = True
        q["required"] = bool(self.required.data)
        if self.kind.data == "scale":
            q["min"] = self.scale_min.data if self.scale_min.data is not None else 1
            q["max"] = self.scale_max.data if self.scale_max.data is not None else 5
        if self.kind.data == "choice":
            q["options"] = _options(self.options.data or "", errors)
            if q.get("points") is None and q["options"]:
                # A choice question is worth its best option unless told otherwise.
                q["points"] = max(o["points"] for o in q["options"])
        if (self.answer_points.data or "").strip():
            q["answer_points"] = _answer_points(self.answer_points.data, self.kind.data, errors)
        if self.critical_scope.data:
            fail_on = [
                _answer(a.strip(), self.kind.data)
                for a in (self.fail_on.data or "").split(",")
                if a.strip()
            ]
            q["critical"] = {"scope": self.critical_scope.data, "fail_on": fail_on}
        if self.error_family.data:
            q["error_family"] = self.error_family.data
        return q, errors

    def fill_from(self, question: dict[str, Any], section_key: str) -> None:
        self.section.data = section_key
        self.key.data, self.text.data = question.get("key", ""), question.get("text", "")
        self.kind.data = question.get("kind", "yes_no")
        self.guidance.data = question.get("guidance", "")
        self.points.data = question.get("points")
        self.allow_na.data = bool(question.get("allow_na"))
        self.required.data = question.get("required", question.get("kind") != "text")
        self.scale_min.data, self.scale_max.data = question.get("min"), question.get("max")
        self.options.data = "\n".join(
            f"{o.get('key')} | {o.get('label')} | {o.get('points')}"
            for o in question.get("options", [])
        )
        self.answer_points.data = "\n".join(
            f"{a} = {p}" for a, p in question.get("answer_points", {}).items()
        )
        critical = question.get("critical") or {}
        self.critical_scope.data = critical.get("scope", "")
        self.fail_on.data = ", ".join(str(a) for a in critical.get("fail_on", []))
        self.error_family.data = question.get("error_family") or ""


def _number(value: Any) -> int | float | None:
    if value is None:
        return None
    number = float(value)
    return int(number) if number.is_integer() else number


def _answer(text: str, kind: str) -> str | int:
    """Scale answers are integers in the definition; others stay strings."""
    if kind == "scale":
        try:
            return int(text)
        except ValueError:
            return text
    return text


def _options(text: str, errors: list[tuple[str, str]]) -> list[dict[str, Any]]:
    options = []
    for n, line in enumerate(filter(None, (ln.strip() for ln in text.splitlines())), 1):
        parts = [p.strip() for p in line.split("|")]
        if len(parts) != 3:
            errors.append(("options", f"line {n}: write key | label | points"))
            continue
        try:
            points = _number(parts[2])
        except ValueError:
            errors.append(("options", f"line {n}: points {parts[2]!r} is not a number"))
            continue
        options.append({"key": parts[0], "label": parts[1], "points": points})
    return options


def _answer_points(text: str, kind: str, errors: list[tuple[str, str]]) -> dict[str, Any]:
    mapping: dict[str, Any] = {}
    for n, line in enumerate(filter(None, (ln.strip() for ln in text.splitlines())), 1):
        answer, sep, points = (p.strip() for p in line.partition("="))
        if not sep:
            errors.append(("answer_points", f"line {n}: write answer = points"))
            continue
        try:
            mapping[str(_answer(answer, kind))] = _number(points)
        except ValueError:
            errors.append(("answer_points", f"line {n}: points {points!r} is not a number"))
    return mapping
