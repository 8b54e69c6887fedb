"""Forms of the API tokens page."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectChoice, SelectField, StringField
from wtforms.validators import DataRequired, Length

from qa_app.api.tokens import EXPIRY_CHOICES


def _expiry_label(days: int) -> str:
    return "Never" if days == 0 else f"In {days} days"


class TokenForm(FlaskForm):
    name = StringField(
        "Name",
        validators=[DataRequired(), Length(max=80)],
        description="What the token is for, e.g. 'Telephony sync'.",
    )
    expires_in_days = SelectField(
        "Expires",
        coerce=int,
        choices=[SelectChoice(d, _expiry_label(d)) for d in EXPIRY_CHOICES],
        default=90,
    )


class RevokeForm(FlaskForm):
    """CSRF only; ``back`` says which list to return to."""

    back = HiddenField(default="mine")
