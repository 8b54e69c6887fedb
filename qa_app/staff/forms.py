"""The target form (POST, CSRF) and the review's filters (GET)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import DateField, FloatField, SelectChoice, SelectField
from wtforms.validators import DataRequired, InputRequired

from qa_app.extensions import db
from qa_app.models import TARGET_METRICS, Team
from qa_app.staff.definitions import METRICS

DIRECTIONS = [
    SelectChoice("", "The metric's own"),
    SelectChoice("higher", "Higher is better"),
    SelectChoice("lower", "Lower is better"),
]
_UNITS = {"rate": "%", "seconds": "seconds", "csat": "1-5", "points": "0-100"}


class TargetForm(FlaskForm):
    metric = SelectField(
        "Metric",
        choices=[
            SelectChoice(m, f"{METRICS[m].label} ({_UNITS[METRICS[m].unit]})")
            for m in TARGET_METRICS
        ],
        validators=[DataRequired()],
    )
    team = SelectField("Team", coerce=int, default=0)
    effective_from = DateField("In force from", validators=[DataRequired()])
    value = FloatField(
        "Target", validators=[InputRequired()], description="A rate in per cent (e.g. 80)."
    )
    direction = SelectField("Direction", choices=DIRECTIONS, default="")

    def fill_choices(self) -> None:
        teams = db.session.execute(db.select(Team.id, Team.name).order_by(Team.name)).all()
        self.team.choices = [
            SelectChoice(0, "All teams"),
            *(SelectChoice(t.id, t.name) for t in teams),
        ]

    def stored_value(self) -> float:
        """The target in the figures' own unit: a rate typed in % becomes a fraction."""
        value = float(self.value.data)
        return value / 100 if METRICS[self.metric.data].unit == "rate" else value

    def higher_is_better(self) -> bool | None:
        return {"higher": True, "lower": False}.get(self.direction.data)
