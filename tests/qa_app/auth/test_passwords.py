"""Password rules: 10 to 128 characters, never the account's own e-mail; the
same rules on the change page and when an admin sets a password."""

from __future__ import annotations

import pytest

from qa_app.auth.services import password_problem
from qa_app.extensions import db
from qa_app.models import User
from tests.qa_app.helpers import PASSWORD, post_form


@pytest.mark.parametrize(
    ("password", "problem"),
    [
        ("x" * 9, "Use at least 10 characters."),
        ("x" * 129, "Use at most 128 characters."),
        ("ann.lee@corp.example", "Do not use your e-mail address as your password."),
        (" ANN.LEE@corp.example ", "Do not use your e-mail address as your password."),
        ("ann.lee.corp", None),
        ("x" * 10, None),
        ("x" * 128, None),
        ("ünïcödé-pässwörd", None),
    ],
)
def test_password_rules(app, password, problem):
    assert password_problem(password, "Ann.Lee@corp.example") == problem


def test_the_local_part_of_the_email_is_refused_when_long_enough(app):
    assert password_problem("annabel.lee-smith", "annabel.lee-smith@corp.example") is not None


def _change(client, new: str):
    return post_form(client, "/auth/password", {"current": PASSWORD, "new": new, "confirm": new})


def test_change_page_applies_the_rules(client_as, users):
    agent = client_as("agent")
    page = agent.get("/auth/password")
    assert page.status_code == 200 and 'name="new"' in page.get_data(as_text=True)
    for bad, message in [
        ("agent@example.test", "Do not use your e-mail address"),
        ("y" * 129, "at most 128 characters"),
        ("short", "at least 10 characters"),
    ]:
        response = _change(agent, bad)
        assert response.status_code == 200 and message in response.get_data(as_text=True)
    db.session.refresh(users["agent"])
    assert users["agent"].check_password(PASSWORD)
    assert _change(agent, "y" * 128).status_code == 302


def test_admin_cannot_give_an_account_its_email_as_password(client_as, users):
    admin = client_as("admin")
    data = {"email": "new.one@example.test", "name": "New One", "role": "agent", "team_id": "0",
            "active": "y", "password": "NEW.ONE@example.test"}  # fmt: skip
    response = post_form(admin, "/admin/users/new", data)
    assert response.status_code == 422
    assert "Do not use your e-mail address" in response.get_data(as_text=True)
    assert db.session.scalar(db.select(User).where(User.email == "new.one@example.test")) is None
