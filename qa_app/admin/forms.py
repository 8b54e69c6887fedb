from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    PasswordField,
    SelectChoice,
    SelectField,
    StringField,
)
from wtforms.validators import DataRequired, Length, Optional

from qa_app.models import ROLES
from qa_app.validators import EmailAddress

ROLE_CHOICES = [SelectChoice(r, r.capitalize()) for r in ROLES]


class UserForm(FlaskForm):
    email = EmailField("E-mail", validators=[DataRequired(), EmailAddress(), Length(max=254)])
    name = StringField("Full name", validators=[DataRequired(), Length(max=120)])
    role = SelectField("Role", choices=ROLE_CHOICES, validators=[DataRequired()])
    team_id = SelectField("Team", coerce=int, validators=[Optional()])
    hired_on = DateField("Hired on", validators=[Optional()])
    active = BooleanField("Active (may sign in)", default=True)
    password = PasswordField(
        "Password",
        validators=[Optional(), Length(max=200)],
        description="Leave empty to keep the current password.",
    )


class TeamForm(FlaskForm):
    name = StringField("Team name", validators=[DataRequired(), Length(max=120)])
