"""Admins manage accounts; bad input is refused with a message and nothing saved."""

from sqlalchemy import func

from qa_app.extensions import db
from qa_app.models import AuditEvent, Team, User
from tests.qa_app.helpers import post_form


def _count_users() -> int:
    return db.session.scalar(db.select(func.count()).select_from(User))


def _new_user(client, **overrides):
    data = {
        "email": "new.agent@example.test",
        "name": "New Agent",
        "role": "agent",
        "team_id": "0",
        "active": "y",
        "password": "long enough password",
    }
    data.update(overrides)
    return post_form(client, "/admin/users/new", data)


def test_admin_creates_a_user_who_can_then_sign_in(client_as, users, app):
    admin = client_as("admin")
    team = db.session.scalar(db.select(Team))
    response = _new_user(admin, team_id=str(team.id))
    assert response.status_code == 302
    created = db.session.scalar(db.select(User).where(User.email == "new.agent@example.test"))
    assert created.role == "agent" and created.team_id == team.id
    assert created.check_password("long enough password")
    event = db.session.scalar(db.select(AuditEvent).where(AuditEvent.action == "user.created"))
    assert event.actor_id == users["admin"].id and event.after["email"] == "new.agent@example.test"


def test_invalid_email_is_refused_and_nothing_saved(client_as, users):
    admin = client_as("admin")
    before = _count_users()
    response = _new_user(admin, email="not-an-email")
    assert response.status_code == 422
    assert "Invalid e-mail address" in response.get_data(as_text=True)
    assert _count_users() == before


def test_duplicate_email_is_refused_whatever_its_case(client_as, users):
    admin = client_as("admin")
    before = _count_users()
    response = _new_user(admin, email="AGENT@example.test")
    assert response.status_code == 422
    assert "Another account already uses this e-mail." in response.get_data(as_text=True)
    assert _count_users() == before


def test_short_password_is_refused(client_as, users):
    response = _new_user(client_as("admin"), password="short")
    assert response.status_code == 422
    assert "at least 10 characters" in response.get_data(as_text=True)


def test_role_change_is_audited_with_before_and_after(client_as, users):
    agent = users["agent"]
    response = post_form(
        client_as("admin"),
        f"/admin/users/{agent.id}",
        {
            "email": agent.email,
            "name": agent.name,
            "role": "reviewer",
            "team_id": str(agent.team_id),
            "active": "y",
        },
    )
    assert response.status_code == 302
    db.session.refresh(agent)
    assert agent.role == "reviewer"
    event = db.session.scalar(db.select(AuditEvent).where(AuditEvent.action == "user.role_changed"))
    assert (event.before["role"], event.after["role"]) == ("agent", "reviewer")


def test_deactivating_a_user_keeps_the_account_but_blocks_sign_in(client_as, users):
    agent = users["agent"]
    post_form(
        client_as("admin"),
        f"/admin/users/{agent.id}",
        {
            "email": agent.email,
            "name": agent.name,
            "role": "agent",
            "team_id": str(agent.team_id),  # checkbox "active" left unticked
        },
    )
    db.session.refresh(agent)
    assert agent.active is False
    assert db.session.get(User, agent.id) is not None


def test_admin_cannot_lock_themselves_out(client_as, users):
    admin = users["admin"]
    response = post_form(
        client_as("admin"),
        f"/admin/users/{admin.id}",
        {
            "email": admin.email,
            "name": admin.name,
            "role": "agent",
            "team_id": "0",
            "active": "y",
        },
    )
    assert response.status_code == 422
    db.session.refresh(admin)
    assert admin.role == "admin"


def test_unknown_user_id_is_404(client_as, users):
    assert client_as("admin").get("/admin/users/999999").status_code == 404


def test_duplicate_team_name_is_refused(client_as, users):
    admin = client_as("admin")
    assert post_form(admin, "/admin/teams", {"name": "Billing"}).status_code == 302
    response = post_form(admin, "/admin/teams", {"name": "Billing"})
    assert response.status_code == 422
    assert "already exists" in response.get_data(as_text=True)
    assert (
        db.session.scalar(db.select(func.count()).select_from(Team).where(Team.name == "Billing"))
        == 1
    )


def test_user_list_filters_by_role(client_as, users):
    page = client_as("admin").get("/admin/users?role=agent").get_data(as_text=True)
    assert "agent@example.test" in page and "reviewer@example.test" not in page
