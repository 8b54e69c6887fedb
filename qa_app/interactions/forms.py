"""Forms of the interaction pages: the list filters (GET) and the two import steps."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    IntegerField,
    SelectChoice,
    SelectField,
    StringField,
)
from wtforms.validators import Length, NumberRange, Optional, Regexp, ValidationError

from qa_app.interactions.services import Filters
from qa_app.request_args import DateField


def _choices(*pairs: tuple[str, str]) -> list[SelectChoice]:
    return [SelectChoice(value, label) for value, label in pairs]


CHANNEL_CHOICES = _choices(("", "Any channel"), ("call", "Call"), ("chat", "Chat"),
                           ("email", "E-mail"))  # fmt: skip
ESCALATED_CHOICES = _choices(("", "Any"), ("yes", "Escalated"), ("no", "Not escalated"),
                             ("unknown", "Unknown"))  # fmt: skip
REVIEWED_CHOICES = _choices(("", "Any"), ("yes", "Reviewed"), ("no", "Not reviewed"))
FORMAT_CHOICES = _choices(("", "From the file name"), ("csv", "CSV"), ("jsonl", "JSON Lines"))


class FilterForm(FlaskForm):
    """Filters of the list page: a GET form, so bookmarkable and without CSRF."""

    class Meta:
        csrf = False

    team = SelectField("Team", validators=[Optional()])
    agent = SelectField("Agent", validators=[Optional()])
    channel = SelectField("Channel", choices=CHANNEL_CHOICES, validators=[Optional()])
    date_from = DateField("From", validators=[Optional()])
    date_to = DateField("To", validators=[Optional()])
    csat_max = IntegerField(
        "CSAT at most",
        validators=[Optional(), NumberRange(1, 5, message="CSAT is 1 to 5.")],
    )
    escalated = SelectField("Escalated", choices=ESCALATED_CHOICES, validators=[Optional()])
    reviewed = SelectField("Reviewed", choices=REVIEWED_CHOICES, validators=[Optional()])

    def set_choices(self, teams: list[tuple[int, str]], agents: list[tuple[int, str]]) -> None:
        self.team.choices = _choices(("", "All teams"), *((str(i), n) for i, n in teams))
        self.agent.choices = _choices(("", "All agents"), *((str(i), n) for i, n in agents))

    def validate_date_to(self, field: DateField) -> None:
        if field.data and self.date_from.data and field.data < self.date_from.data:
            raise ValidationError("The end date is before the start date.")

    def filters(self) -> Filters:
        """The filters, leaving out any field that did not validate."""

        def ok(name: str):
            present = name in self._fields
            return getattr(self, name).data if present and not self[name].errors else None

        def number(name: str) -> int | None:
            value = ok(name)
            return int(value) if value else None

        return Filters(
            team_id=number("team"),
            agent_id=number("agent"),
            channel=ok("channel") or None,
            date_from=ok("date_from"),
            date_to=ok("date_to"),
            csat_max=ok("csat_max"),
            escalated=ok("escalated") or None,
            reviewed=ok("reviewed") or None,
        )


class UploadForm(FlaskForm):
    file = FileField("CSV or JSON Lines file", validators=[FileRequired("Choose a file.")])
    fmt = SelectField("Format", choices=FORMAT_CHOICES, validators=[Optional()])
    source = StringField(
        "Source",
        validators=[
            Optional(),
            Length(max=60),
            Regexp(r"^[\w.\- ]+$", message="Letters, digits, spaces, '.', '-' and '_' only."),
        ],
        description="Names the system the file came from; re-importing the same source "
        "updates its interactions. Defaults to the file name.",
    )


class ConfirmForm(FlaskForm):
    partial = BooleanField("Import the good rows and set the bad ones aside (rejects file)")
    create_agents = BooleanField("Create missing agents (inactive, no password)")
    create_teams = BooleanField("Create missing teams")
