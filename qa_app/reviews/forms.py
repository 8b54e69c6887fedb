"""Forms of the review workflow. The scoring form is built per scorecard
version, so WTForms checks every answer against what the question allows."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import time
from typing import Any

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

import scorecards
from qa_app.reviews import recurrence

CHANNEL_CHOICES = [SelectChoice("", "Any channel")] + [
    SelectChoice(c, c.capitalize()) for c in ("call", "chat", "email")
]


class ScoringBase(FlaskForm):
    lock_version = HiddenField()
    comment = TextAreaField("Overall comment", validators=[Length(max=8000)])
    seconds = HiddenField()  # time spent since the last save, sent by the page

    def answers(self, card: scorecards.Scorecard) -> dict[str, Any]:
        return {q.key: getattr(self, f"answer_{q.key}").data or None for q in card.questions()}

    def comments(self, card: scorecards.Scorecard) -> dict[str, str]:
        return {q.key: getattr(self, f"comment_{q.key}").data or "" for q in card.questions()}

    def seconds_spent(self) -> int:
        try:
            return max(0, int(float(self.seconds.data or 0)))
        except ValueError:
            return 0


def _choices(question: scorecards.Question) -> list[SelectChoice]:
    values = [str(v) for v in question.answers()]
    if question.allow_na:
        values.append("na")
    return [SelectChoice(v, v) for v in values]


def scoring_form_class(card: scorecards.Scorecard) -> type[ScoringBase]:
    """The form class of a scorecard version: a radio field (or a text area)
    and a comment per question. Built per request: 0.05 ms for 10 questions,
    0.15 ms for 30, nothing worth keeping against the page's 100 ms."""
    fields: dict[str, Any] = {}
    for q in card.questions():
        if q.kind == "text":
            fields[f"answer_{q.key}"] = TextAreaField(q.text, validators=[Length(max=8000)])
        else:
            # Optional here: a draft may be incomplete; "required" is enforced
            # on submit by the scoring engine's ``missing_required``.
            fields[f"answer_{q.key}"] = RadioField(
                q.text, choices=_choices(q), validators=[Optional()], validate_choice=True
            )
        fields[f"comment_{q.key}"] = TextAreaField("Comment", validators=[Length(max=4000)])
    return type("ScoringForm", (ScoringBase,), fields)


def scoring_form(card: scorecards.Scorecard, **kwargs: Any) -> ScoringBase:
    return scoring_form_class(card)(**kwargs)


def radio_choices(card: scorecards.Scorecard) -> dict[str, tuple[tuple[str, str], ...]]:
    """Question key -> (value, label) of each radio button, in the form's order
    (the n-th is ``answer_<key>-<n>``, as WTForms numbers them).

    The scoring page writes its inputs from this instead of rendering ~100
    WTForms widgets per request: the form still validates every post.
    """
    labels: dict[str, tuple[tuple[str, str], ...]] = {}
    for q in card.questions():
        if q.kind == "text":
            continue
        named = {str(o.key): o.label for o in q.options} if q.kind == "choice" else {}
        labels[q.key] = tuple(
            (c.value, "N/A" if c.value == "na" else named.get(c.value, c.value.capitalize()))
            for c in _choices(q)
        )
    return labels


class RuleForm(FlaskForm):
    name = StringField("Name", validators=[DataRequired(), Length(max=200)])
    scorecard_id = SelectField("Scorecard", coerce=int, validators=[DataRequired()])
    per_agent = IntegerField(
        "Interactions per agent",
        default=4,
        validators=[DataRequired(), NumberRange(min=1, max=100)],
    )
    period_days = IntegerField(
        "Period (days)", default=7, validators=[DataRequired(), NumberRange(min=1, max=366)]
    )
    mode = SelectField(
        "Draw",
        choices=[
            SelectChoice("random", "At random"),
            SelectChoice("risk", "Highest risk first (flags)"),
        ],
    )
    team_id = SelectField("Team", coerce=int, validators=[Optional()])
    channel = SelectField("Channel", choices=CHANNEL_CHOICES, validators=[Optional()])
    min_duration = IntegerField(
        "Minimum duration (seconds)", validators=[Optional(), NumberRange(min=0)]
    )
    csat_max = IntegerField("CSAT at or below", validators=[Optional(), NumberRange(min=1, max=5)])
    escalated_only = BooleanField("Escalated contacts only")
    reviewer_ids = SelectMultipleField(
        "Reviewers", coerce=int, validators=[DataRequired("Choose at least one reviewer.")]
    )
    due_days = IntegerField(
        "Due after (days)", default=3, validators=[DataRequired(), NumberRange(min=1, max=60)]
    )

    recurrence = SelectField(
        "Review cycle",
        choices=[SelectChoice("", "None: run by hand")]
        + [SelectChoice(k, v) for k, v in recurrence.LABELS.items()],
        validators=[Optional()],
        description="A cycle runs when each period ends and samples the contacts of that "
        "period; the period above is then only for runs by hand.",
    )
    run_at = TimeField(
        "Cycle runs at (local time, HH:MM)", default=time(6, 0), validators=[Optional()]
    )
    time_zone = StringField(
        "Time zone", default="UTC", validators=[Length(max=64)],
        description="An IANA name such as Europe/Paris or America/New_York.",
    )  # fmt: skip
    carry_over = BooleanField(
        "Carry unfinished assignments over to the next cycle (else cancel them)", default=True
    )
    goal = IntegerField(
        "Goal per reviewer per cycle (evaluations)",
        validators=[Optional(), NumberRange(min=1, max=10000)],
        description="Spreads the work and shows each reviewer their progress; a reviewer's "
        "own goal below replaces it.",
    )

    def validate_run_at(self, field: TimeField) -> None:
        if self.recurrence.data and field.data is None:
            raise ValidationError("Give the time the cycle runs, as HH:MM (e.g. 06:00).")

    def validate_time_zone(self, field: StringField) -> None:
        field.data = (field.data or "").strip() or "UTC"
        try:
            recurrence.zone(field.data)
        except ValueError as exc:
            raise ValidationError(str(exc)) from exc

    def goal_fields(self) -> list[Any]:
        return [f for name, f in self._fields.items() if name.startswith("goal_")]

    def reviewer_goals(self) -> dict[str, int]:
        """Each chosen reviewer's goal: their own, else the common one."""
        goals = {}
        for reviewer_id in self.reviewer_ids.data or []:
            own = getattr(self, f"goal_{reviewer_id}", None)
            goal = (own.data if own is not None else None) or self.goal.data
            if goal:
                goals[str(reviewer_id)] = int(goal)
        return goals

    def filters(self) -> dict[str, Any]:
        return {
            "team_id": self.team_id.data or None,
            "channel": self.channel.data or None,
            "min_duration": self.min_duration.data,
            "csat_max": self.csat_max.data,
            "escalated": True if self.escalated_only.data else None,
        }


def rule_form(reviewers: Sequence[tuple[int, str]], **kwargs: Any) -> RuleForm:
    """The rule form with a goal field per reviewer (``goal_<id>``), so each is
    checked by WTForms like the rest."""
    fields = {
        f"goal_{reviewer_id}": IntegerField(
            f"Goal of {name}",
            validators=[Optional(), NumberRange(min=1, max=10000)],
        )
        for reviewer_id, name in reviewers
    }
    return type("RuleForm", (RuleForm,), fields)(**kwargs)


class SwapForm(FlaskForm):
    interaction_id = IntegerField(
        "Review this contact instead",
        validators=[InputRequired("Choose the contact to review instead.")],
    )


class RunForm(FlaskForm):
    seed = IntegerField("Seed", validators=[DataRequired(), NumberRange(min=0)])


class ReassignForm(FlaskForm):
    reviewer_id = SelectField("Reviewer", coerce=int)
