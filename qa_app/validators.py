"""Form validators shared by several features."""

from __future__ import annotations

import email_validator
from wtforms import Field, Form
from wtforms.validators import ValidationError


class EmailAddress:
    """Syntax check only, with email-validator's own plain message.

    Internal and test domains (``.example``, ``.test``) are accepted: QA
    platforms often run on private directories, and no mail is sent here.
    """

    def __call__(self, form: Form, field: Field) -> None:
        try:
            email_validator.validate_email(
                field.data or "",
                check_deliverability=False,
                globally_deliverable=False,
                test_environment=True,
            )
        except email_validator.EmailNotValidError as exc:
            raise ValidationError(f"Invalid e-mail address: {exc}") from exc
