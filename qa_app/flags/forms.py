"""Forms of the flagging pages."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, DecimalField, SelectChoice, SelectField
from wtforms.validators import DataRequired, NumberRange, Optional

from qa_app import request_args
from qa_app.flags.queue import Filters
from qa_app.models.flags import FLAG_TARGETS

TARGET_CHOICES = [SelectChoice(t, t.capitalize()) for t in FLAG_TARGETS]


class TrainForm(FlaskForm):
    target = SelectField("Target", choices=TARGET_CHOICES, validators=[DataRequired()])
    since = request_args.DateField("Contacts since", validators=[Optional()])


class QueueFilterForm(FlaskForm):
    """GET filters: no CSRF (nothing changes), every field optional."""

    class Meta:
        csrf = False

    # Absent or empty means "any" and is never an error (it was "Not a valid
    # choice" on a plain load, or when another parameter such as page was given);
    # only a value that is not on the list is refused.
    target = SelectField(
        "Target",
        choices=[SelectChoice("", "Any target"), *TARGET_CHOICES],
        default="",
        validators=[Optional()],
    )
    team = request_args.IdSelectField("Team", validators=[Optional()])
    channel = SelectField(
        "Channel",
        choices=[SelectChoice("", "Any channel")]
        + [SelectChoice(c, c.capitalize()) for c in ("call", "chat", "email")],
        default="",
        validators=[Optional()],
    )
    date_from = request_args.DateField("From", validators=[Optional()])
    date_to = request_args.DateField("To", validators=[Optional()])
    min_probability = DecimalField(
        "Min probability", places=2, validators=[Optional(), NumberRange(min=0, max=1)]
    )
    unreviewed = BooleanField("Unreviewed only")

    def filters(self) -> Filters:
        def clean(field):
            return field.data if not field.errors else None

        probability = clean(self.min_probability)
        return Filters(
            target=clean(self.target) or None,
            team_id=clean(self.team) or None,
            channel=clean(self.channel) or None,
            date_from=clean(self.date_from),
            date_to=clean(self.date_to),
            min_probability=float(probability) if probability is not None else None,
            unreviewed=bool(self.unreviewed.data),
        )


class SendForm(FlaskForm):
    scorecard_id = SelectField("Scorecard", coerce=int, validators=[DataRequired()])
    reviewer_id = SelectField("Reviewer", coerce=int, validators=[DataRequired()])


class ReviewForm(FlaskForm):
    decision = SelectField(
        "Decision",
        choices=[SelectChoice("confirmed", "Confirm"), SelectChoice("dismissed", "Dismiss")],
        validators=[DataRequired()],
    )
