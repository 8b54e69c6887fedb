"""Forms of the feedback pages. Per-question fields (which questions are
disputed, each item's decision) depend on the scorecard, so they are read
from the posted data by the ``*_from`` helpers next to their form; the
FlaskForm still carries the CSRF token and the fixed fields."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict
from wtforms import (
    DateField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    IntegerField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    widgets,
)
from wtforms.validators import DataRequired, Length, Optional

from qa_app.feedback.services import Decision, DisputeRequest
from qa_app.models import Dispute

TEXT_LIMIT = [Optional(), Length(max=4000)]


class ActionForm(FlaskForm):
    """A button that changes state: only the CSRF token."""


class AcknowledgeForm(FlaskForm):
    comment = TextAreaField("Comment (optional)", validators=TEXT_LIMIT)


class DisputeForm(FlaskForm):
    reason = TextAreaField("Why do you dispute the whole evaluation?", validators=TEXT_LIMIT)


def dispute_from(data: MultiDict) -> DisputeRequest:
    """``whole`` checkbox + ``reason``; ``question`` checkboxes (question keys)
    each with a ``reason-<key>``."""
    keys = [k for k in data.getlist("question") if k]
    return DisputeRequest(
        whole=bool(data.get("whole")),
        reason=(data.get("reason") or "")[:4000],
        questions={k: (data.get(f"reason-{k}") or "")[:4000] for k in dict.fromkeys(keys)},
    )


class ResolveForm(FlaskForm):
    lock_version = HiddenField()
    note = TextAreaField("Note to the agent and the reviewer", validators=TEXT_LIMIT)


def decisions_from(dispute: Dispute, data: Mapping[str, Any]) -> dict[int, Decision]:
    """Per item: ``decision-<id>``, ``note-<id>``; the new answer in
    ``value-<id>`` or, for a whole-evaluation item, ``answer-<key>`` fields."""
    out: dict[int, Decision] = {}
    answers = {k.removeprefix("answer-"): v for k, v in data.items() if k.startswith("answer-")}
    for item in dispute.items:
        choice = data.get(f"decision-{item.id}")
        if not choice:
            continue
        new = {item.question_key: data.get(f"value-{item.id}")} if item.question_key else answers
        out[item.id] = Decision(choice, new, (data.get(f"note-{item.id}") or "")[:4000])
    return out


class ItemForm(Form):
    """One action item (nested: the outer form carries the CSRF token)."""

    text = StringField("Action item", validators=[Optional(), Length(max=500)])
    due_on = DateField("Due on", validators=[Optional()])


class CheckboxesField(SelectMultipleField):
    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


class CoachingForm(FlaskForm):
    agent_id = IntegerField(widget=widgets.HiddenInput(), validators=[DataRequired()])
    evaluation_ids = CheckboxesField("Evaluations discussed", coerce=int)
    focus_questions = CheckboxesField("Focus questions")
    held_on = DateField("Session date", validators=[DataRequired()])
    notes = TextAreaField("Notes", validators=TEXT_LIMIT)
    follow_up_on = DateField("Follow-up on", validators=[Optional()])
    items = FieldList(FormField(ItemForm), min_entries=3, max_entries=10)


class CoachingAckForm(FlaskForm):
    comment = TextAreaField("Your comment (optional)", validators=TEXT_LIMIT)
