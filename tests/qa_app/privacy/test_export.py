"""Subject export: an agent downloads everything held about them (and only
them); an admin can do it on their behalf; each export is audited."""

import json
from datetime import date

import pytest

from qa_app.extensions import db
from qa_app.feedback import coaching, services
from qa_app.models import AuditEvent, Dispute
from qa_app.reviews import evaluations
from tests.qa_app.feedback.conftest import GOOD
from tests.qa_app.helpers import post_form


@pytest.fixture
def history(users, make, submit, card):
    """The agent: a disputed and overturned evaluation, an acknowledged one,
    a coaching session; another agent's evaluation; a reviewer's draft."""
    agent = users["agent"]
    disputed = submit()
    services.open_dispute(
        agent, disputed, services.DisputeRequest(False, "", {"greet": "I did greet"})
    )
    dispute = db.session.scalar(db.select(Dispute))
    services.resolve(
        users["executive"],
        dispute,
        {dispute.items[0].id: services.Decision("overturned", {"greet": "yes"}, "Heard it")},
        note="Greeting was there.",
        lock_version=dispute.lock_version,
    )
    acknowledged = submit(GOOD)
    services.acknowledge(agent, acknowledged, "Thanks, understood")
    coaching.create(
        users["reviewer"],
        coaching.SessionRequest(
            agent_id=agent.id,
            evaluation_ids=[acknowledged.id],
            focus_questions=["greet"],
            held_on=date(2026, 11, 20),
            notes="Open with your name.",
            items=[coaching.NewItem("Use the greeting script", date(2026, 12, 1))],
        ),
    )
    other = make.user("agent", team=agent.team, email="other.agent@example.test")
    submit(agent=other)
    draft_for = make.interaction(agent)
    evaluations.start(users["reviewer"], draft_for, card.versions[0])
    return disputed, acknowledged, other


def download(client, path: str):
    response = post_form(client, path, {})
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert response.headers["Cache-Control"] == "no-store"
    return json.loads(response.get_data(as_text=True))


def test_an_agent_downloads_all_their_data(history, client_as, users):
    disputed, acknowledged, _other = history
    data = download(client_as("agent"), "/privacy/my-data")
    assert data["person"]["email"] == "agent@example.test"
    assert [e["id"] for e in data["evaluations"]] == [disputed.id, acknowledged.id]
    first = data["evaluations"][0]
    assert {a["question_key"]: a["value"] for a in first["answers"]}["greet"] == "yes"
    assert first["scorecard"] == "Mini" and first["reviewer"] == users["reviewer"].name
    assert data["evaluations"][1]["acknowledgement_comment"] == "Thanks, understood"
    [dispute] = data["disputes"]
    assert (dispute["outcome"], dispute["resolution_note"]) == ("overturned", "Greeting was there.")
    assert dispute["items"][0]["decision"] == "overturned"
    assert dispute["items"][0]["reason"] == "I did greet"
    [session] = data["coaching_sessions"]
    assert session["items"][0]["text"] == "Use the greeting script"
    assert session["evaluation_ids"] == [acknowledged.id]
    assert {n["kind"] for n in data["notifications"]} >= {"dispute", "coaching"}
    assert all("transcript" not in i for i in data["interactions"])


def test_the_export_holds_nothing_of_another_agent_and_no_drafts(history, client_as):
    text = json.dumps(download(client_as("agent"), "/privacy/my-data"))
    assert "other.agent@example.test" not in text
    data = json.loads(text)
    assert all(e["interaction"]["id"] for e in data["evaluations"])
    assert len(data["evaluations"]) == 2  # the reviewer's draft is not a finding


def test_an_admin_exports_on_the_agents_behalf_from_the_user_page(history, client_as, users):
    admin = client_as("admin")
    page = admin.get(f"/admin/users/{users['agent'].id}").get_data(as_text=True)
    assert f'action="/privacy/users/{users["agent"].id}/export"' in page
    data = download(admin, f"/privacy/users/{users['agent'].id}/export")
    assert data["person"]["id"] == users["agent"].id and len(data["evaluations"]) == 2
    event = db.session.scalar(db.select(AuditEvent).where(AuditEvent.action == "subject.exported"))
    assert (event.actor_id, event.entity_type, event.entity_id) == (
        users["admin"].id,
        "user",
        users["agent"].id,
    )
    assert event.after["counts"]["evaluations"] == 2


def test_each_download_by_the_agent_is_audited(history, client_as, users):
    agent = client_as("agent")
    download(agent, "/privacy/my-data")
    download(agent, "/privacy/my-data")
    events = db.session.scalars(
        db.select(AuditEvent).where(AuditEvent.action == "subject.exported")
    ).all()
    assert [(e.actor_id, e.entity_id) for e in events] == [(users["agent"].id,) * 2] * 2


def test_an_agent_cannot_export_anyone_else(history, client_as):
    _disputed, _ack, other = history
    agent = client_as("agent")
    assert post_form(agent, f"/privacy/users/{other.id}/export", {}).status_code == 403
    assert agent.get("/privacy/my-data").status_code == 200
    assert "Download my data" in agent.get("/feedback/").get_data(as_text=True)


def test_a_download_without_the_form_token_is_refused(history, client_as):
    agent = client_as("agent")
    assert agent.post("/privacy/my-data", data={}).status_code == 400
    admin = client_as("admin")
    assert admin.post("/privacy/users/1/export", data={}).status_code == 400
    exported = db.select(AuditEvent).where(AuditEvent.action == "subject.exported")
    assert db.session.scalar(exported) is None
