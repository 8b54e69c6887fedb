"""Forms of the calibration pages."""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    HiddenField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional

import scorecards

CHANNEL_CHOICES = [SelectChoice("", "Any channel")] + [
    SelectChoice(c, c.capitalize()) for c in ("call", "chat", "email")
]


class SessionForm(FlaskForm):
    """New session. The interaction and reviewer lists are rendered as
    checkboxes by the template; the service checks what was picked."""

    title = StringField("Title", validators=[DataRequired(), Length(max=200)])
    version_id = SelectField("Scorecard version", coerce=int, validators=[DataRequired()])
    interaction_ids = SelectMultipleField("Interactions", coerce=int, validate_choice=False)
    external_ids = TextAreaField(
        "Add by external id",
        validators=[Length(max=4000)],
        description="One per line or separated by commas.",
    )
    reviewer_ids = SelectMultipleField("Reviewers", coerce=int, validate_choice=False)
    deadline = DateTimeLocalField(
        "Deadline (UTC, optional)", format="%Y-%m-%dT%H:%M", validators=[Optional()]
    )
    blind = BooleanField(
        "Blind: only you see who has submitted (nobody sees answers before the reveal)",
        default=True,
    )
    # Filters of the interaction list; the "Filter" button re-renders the form.
    filter_text = StringField("External id contains", validators=[Length(max=120)])
    filter_channel = SelectField("Channel", choices=CHANNEL_CHOICES, validate_choice=False)


class ActionForm(FlaskForm):
    """A button that changes something: the CSRF token only."""


class NotesBase(FlaskForm):
    # The item's notes revision the form was opened on (consensus.revision).
    revision = HiddenField(validators=[DataRequired()])

    def entries(self, card: scorecards.Scorecard) -> dict[str, tuple[str, str | None]]:
        return {
            q.key: (
                getattr(self, f"note_{q.key}").data or "",
                getattr(self, f"consensus_{q.key}").data or None,
            )
            for q in scored(card)
        }


def consensus_choices(question: scorecards.Question) -> list[SelectChoice]:
    labels = {o.key: o.label for o in question.options}
    choices = [SelectChoice("", "— no consensus yet —")]
    for answer in question.answers():
        label = labels.get(answer) or (
            str(answer).capitalize() if question.kind == "yes_no" else str(answer)
        )
        choices.append(SelectChoice(str(answer), label))
    if question.allow_na:
        choices.append(SelectChoice("na", "N/A"))
    return choices


def notes_form_class(card: scorecards.Scorecard) -> type[NotesBase]:
    """The notes form class of a scorecard version: a note and a consensus
    answer per scored question. The service checks each answer against its
    question (``consensus.parse``). Built per use (0.05 ms for 10 questions)."""
    fields: dict[str, Any] = {}
    for q in scored(card):
        fields[f"note_{q.key}"] = TextAreaField(f"Note on {q.key}", validators=[Length(max=8000)])
        fields[f"consensus_{q.key}"] = SelectField(
            f"Consensus for {q.key}", choices=consensus_choices(q), validate_choice=False
        )
    return type("NotesForm", (NotesBase,), fields)


def scored(card: scorecards.Scorecard) -> list[scorecards.Question]:
    """Questions with answers to agree on (text questions are comments only)."""
    return [q for q in card.questions() if q.kind != "text"]


def notes_form(card: scorecards.Scorecard, **kwargs: Any) -> NotesBase:
    return notes_form_class(card)(**kwargs)
