"""The notification inbox: unread badge, open = read + follow the link (on
this site only), mark all read, nobody else's notifications."""

import pytest

from qa_app.extensions import db
from qa_app.inbox.routes import safe_link
from qa_app.models import Notification
from qa_app.notifications import mark_all_read, mark_read, notify, remember_unread, unread_count
from tests.qa_app.helpers import post_form


def test_submitting_an_evaluation_notifies_the_agent_with_a_badge(submit, client_as, users):
    evaluation = submit()
    agent = client_as("agent")
    home = agent.get("/").text
    assert 'data-testid="unread">1<' in home
    inbox = agent.get("/notifications/").text
    assert "New evaluation of your call of 02 Nov" in inbox
    note = db.session.scalar(db.select(Notification))
    response = agent.get(f"/notifications/{note.id}")
    assert response.status_code == 302
    assert response.headers["Location"] == f"/feedback/evaluations/{evaluation.id}"
    assert unread_count(users["agent"].id) == 0
    assert 'data-testid="unread"' not in agent.get("/").text


def test_mark_all_read_and_counts(users, client_as):
    for n in range(3):
        notify(users["reviewer"].id, "test", f"Note {n}", link="/")
    notify(users["agent"].id, "test", "Not yours", link="/")
    db.session.commit()
    assert unread_count(users["reviewer"].id) == 3
    reviewer = client_as("reviewer")
    assert 'data-testid="unread">3<' in reviewer.get("/notifications/").text
    post_form(reviewer, "/notifications/read-all", {})
    assert unread_count(users["reviewer"].id) == 0 and unread_count(users["agent"].id) == 1


def test_the_count_read_with_the_user_is_forgotten_when_notifications_change(app, users):
    """The badge count comes with the signed-in user; a page that creates a
    notification or marks one (or all) read must not show the old one."""
    agent = users["agent"].id
    with app.test_request_context("/"):
        remember_unread(agent, 7)
        assert unread_count(agent) == 7  # kept for the request: no query
        notify(agent, "test", "Item due", link="/")
        assert unread_count(agent) == 1
        notify(agent, "test", "Another", link="/")
        remember_unread(agent, 7)
        mark_read(db.session.scalar(db.select(Notification).limit(1)))
        assert unread_count(agent) == 1
        remember_unread(agent, 7)
        mark_all_read(agent)
        assert unread_count(agent) == 0


def test_someone_elses_notification_is_404_and_stays_unread(users, client_as):
    notify(users["agent"].id, "test", "Private", link="/feedback/")
    db.session.commit()
    note = db.session.scalar(db.select(Notification))
    assert client_as("reviewer").get(f"/notifications/{note.id}").status_code == 404
    assert unread_count(users["agent"].id) == 1


@pytest.mark.parametrize(
    "link",
    ["https://evil.example/x", "//evil.example/x", "/\\evil.example", "javascript:alert(1)", ""],
)
def test_only_same_site_links_are_followed(users, client_as, link):
    notify(users["agent"].id, "test", "Odd link", link=link)
    db.session.commit()
    note = db.session.scalar(db.select(Notification))
    response = client_as("agent").get(f"/notifications/{note.id}")
    assert response.headers["Location"] == "/notifications/"
    assert safe_link(link) is None


def test_titles_are_escaped(users, client_as):
    notify(users["agent"].id, "test", "<script>alert(1)</script>")
    db.session.commit()
    html = client_as("agent").get("/notifications/").text
    assert "<script>alert(1)" not in html and "&lt;script&gt;alert(1)" in html


def test_visitors_are_sent_to_sign_in(client):
    assert client.get("/notifications/").headers["Location"].startswith("/auth/login")
