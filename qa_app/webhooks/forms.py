"""The endpoint form: where, what for, and a note saying whose system it is."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import SelectChoice, SelectMultipleField, StringField
from wtforms.validators import DataRequired, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from qa_app.webhooks.events import KINDS


class EndpointForm(FlaskForm):
    url = StringField("URL", validators=[DataRequired(), Length(max=500)])
    description = StringField("Description", validators=[Optional(), Length(max=200)])
    kinds = SelectMultipleField(
        "Events",
        choices=[SelectChoice(kind, label) for kind, label in KINDS.items()],
        validators=[DataRequired(message="Choose at least one event.")],
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
    )
