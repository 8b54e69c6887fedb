"""Coaching sessions: created from an agent's evaluations, visible only to
that agent, the coach and executives; effectiveness before and after."""

from datetime import date, timedelta

import pytest

from qa_app.extensions import db
from qa_app.feedback import coaching, stats
from qa_app.models import CoachingItem, CoachingSession, Notification, utcnow
from tests.qa_app.feedback.conftest import GOOD, MISSED_GREETING, day
from tests.qa_app.helpers import post_form, sign_in


def _create(client, agent, evaluation, **extra):
    data = {
        "agent_id": agent.id,
        "evaluation_ids": evaluation.id,
        "focus_questions": "greet",
        "held_on": "2026-11-12",
        "notes": "Work on the <opening>.",
        "items-0-text": "Listen to two model calls",
        "items-0-due_on": "2026-11-15",
        "items-1-text": "",
    }
    return post_form(client, f"/feedback/coaching/new?agent_id={agent.id}", data | extra)


@pytest.fixture
def session(submit, client_as, users):
    evaluation = submit()
    response = _create(client_as("reviewer"), users["agent"], evaluation)
    assert response.status_code == 302, response.text[:2000]
    return db.session.scalar(db.select(CoachingSession))


def test_a_coach_opens_a_session_and_the_agent_is_notified(session, users, client_as):
    assert session.coach_id == users["reviewer"].id and session.focus_questions == ["greet"]
    assert [(i.text, i.due_on) for i in session.items] == [
        ("Listen to two model calls", date(2026, 11, 15))
    ]
    note = db.session.scalar(db.select(Notification).where(Notification.kind == "coaching"))
    assert note.user_id == users["agent"].id and note.link == f"/feedback/coaching/{session.id}"
    html = client_as("agent").get(f"/feedback/coaching/{session.id}").text
    assert "Work on the &lt;opening&gt;." in html and "Greeted the customer?" in html


def test_focus_questions_come_from_the_chosen_evaluations(submit, client_as, users):
    evaluation = submit()
    response = _create(client_as("executive"), users["agent"], evaluation, focus_questions="nope")
    assert response.status_code == 422
    assert db.session.scalar(db.select(CoachingSession)) is None


def test_another_agents_evaluation_cannot_be_linked(submit, client_as, users, make):
    other = make.user("agent")
    theirs = submit(agent=other)
    response = _create(client_as("executive"), users["agent"], theirs)
    assert response.status_code == 422
    assert db.session.scalar(db.select(CoachingSession)) is None


def test_who_sees_a_session(session, client_as, make, app):
    url = f"/feedback/coaching/{session.id}"
    assert client_as("agent").get(url).status_code == 200
    assert client_as("reviewer").get(url).status_code == 200  # the coach
    assert client_as("executive").get(url).status_code == 200
    for role in ("agent", "reviewer"):  # another agent, a reviewer who is not the coach
        client = app.test_client()
        sign_in(client, make.user(role).email)
        assert client.get(url).status_code == 404
        assert "No coaching sessions." in client.get("/feedback/coaching").text
        assert post_form(client, f"{url}/acknowledge", {}).status_code in (403, 404)
        assert post_form(client, f"{url}/close", {}).status_code in (403, 404)
        item_url = f"{url}/items/{session.items[0].id}/done"
        assert post_form(client, item_url, {}).status_code in (403, 404)
    db.session.expire_all()
    stored = db.session.get(CoachingSession, session.id)
    assert stored.acknowledged_at is None and stored.status == "open"


def test_agent_acknowledges_and_comments_coach_ticks_items_and_closes(session, client_as):
    url = f"/feedback/coaching/{session.id}"
    agent = client_as("agent")
    post_form(agent, f"{url}/acknowledge", {"comment": "Will do <b>this</b>."})
    db.session.expire_all()
    stored = db.session.get(CoachingSession, session.id)
    assert stored.acknowledged_at is not None and stored.agent_comment == "Will do <b>this</b>."
    assert "Will do &lt;b&gt;this&lt;/b&gt;." in client_as("reviewer").get(url).text
    coach = client_as("reviewer")
    item_id = stored.items[0].id
    post_form(coach, f"{url}/items/{item_id}/done", {})
    post_form(coach, f"{url}/close", {})
    db.session.expire_all()
    assert db.session.get(CoachingItem, item_id).done_at is not None
    assert db.session.get(CoachingSession, session.id).status == "closed"
    assert post_form(agent, f"{url}/close", {}).status_code == 403


def test_effectiveness_on_a_hand_built_example(submit, users):
    # Before 12 Nov: greet yes, no, no, and one N/A-free miss on another key -> 1/3.
    early = [submit(GOOD, started_at=day(3))]
    submit(MISSED_GREETING, started_at=day(5))
    submit(MISSED_GREETING, started_at=day(11))
    submit(GOOD, started_at=day(12))  # the session day itself: neither period
    submit(GOOD, started_at=day(13))
    submit(GOOD, started_at=day(20))
    submit({"greet": "yes", "verify": "na", "tone": "1"}, started_at=day(21))  # verify N/A
    session = CoachingSession(
        agent_id=users["agent"].id,
        coach_id=users["reviewer"].id,
        held_on=date(2026, 11, 12),
        focus_questions=["greet", "verify", "tone"],
        evaluations=early,
    )
    db.session.add(session)
    db.session.commit()
    rows = {r["key"]: r for r in stats.coaching_effectiveness(session)}
    greet, verify, tone = rows["greet"], rows["verify"], rows["tone"]
    assert (greet["before_passed"], greet["before_answered"]) == (1, 3)
    assert (greet["after_passed"], greet["after_answered"]) == (3, 3)
    assert greet["before_rate"] == pytest.approx(1 / 3) and greet["after_rate"] == 1
    assert greet["change"] == pytest.approx(2 / 3)
    assert (verify["after_passed"], verify["after_answered"]) == (2, 2)  # N/A left out
    assert (tone["before_rate"], tone["after_rate"]) == (1, pytest.approx(2 / 3))
    assert greet["text"] == "Greeted the customer?"


def test_effectiveness_is_undefined_without_evaluations_after(submit, users):
    evaluation = submit(started_at=day(3))
    session = CoachingSession(
        agent_id=users["agent"].id,
        coach_id=users["reviewer"].id,
        held_on=date(2026, 11, 12),
        focus_questions=["greet"],
        evaluations=[evaluation],
    )
    db.session.add(session)
    db.session.commit()
    (row,) = stats.coaching_effectiveness(session)
    assert row["before_rate"] == 0 and row["after_rate"] is None and row["change"] is None


def test_due_items_are_reminded_once(session, runner, users, client_as):
    assert coaching.remind_due(date(2026, 11, 14)) == 0  # not due yet
    result = runner.invoke(args=["feedback", "remind"])
    assert result.exit_code == 0 and "1 reminder(s) created." in result.output
    assert coaching.remind_due(utcnow().date()) == 0
    client_as("agent").get("/notifications/")  # the inbox check finds nothing new either
    notes = db.session.scalars(
        db.select(Notification).where(Notification.kind == coaching.ITEM_DUE)
    ).all()
    assert len(notes) == 1 and notes[0].user_id == users["agent"].id
    assert notes[0].link == f"/feedback/coaching/{session.id}#item-{session.items[0].id}"


def test_opening_the_inbox_creates_the_due_reminder(submit, users, client_as):
    session = CoachingSession(
        agent_id=users["agent"].id,
        coach_id=users["reviewer"].id,
        held_on=utcnow().date(),
        focus_questions=["greet"],
        items=[CoachingItem(text="Read the guide", due_on=utcnow().date() - timedelta(days=1))],
    )
    db.session.add(session)
    db.session.commit()
    html = client_as("agent").get("/notifications/").text
    assert "Action item due" in html and "Read the guide" in html


def test_a_double_click_on_create_makes_one_session(session, client_as, users):
    coach = client_as("reviewer")
    evaluation = session.evaluations[0]
    again = _create(coach, users["agent"], evaluation)
    assert again.status_code == 302
    assert again.headers["Location"] == f"/feedback/coaching/{session.id}"
    count = db.select(db.func.count()).select_from(CoachingSession)
    assert db.session.scalar(count) == 1
    told = db.select(db.func.count()).select_from(Notification)
    assert db.session.scalar(told.where(Notification.kind == "coaching")) == 1
    # A session that differs in anything is a new session.
    other = _create(coach, users["agent"], evaluation, notes="A second talk.")
    assert other.status_code == 302 and db.session.scalar(count) == 2
