"""Disputes: the window, one open dispute at a time, resolution by someone
other than the original reviewer, re-scoring by the engine, the history."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import func

import scorecards
from qa_app.extensions import db
from qa_app.feedback import services
from qa_app.models import (
    AuditEvent,
    Dispute,
    DisputeItem,
    Evaluation,
    Notification,
    User,
    utcnow,
)
from tests.qa_app.feedback.conftest import CARD, MISSED_GREETING
from tests.qa_app.helpers import post_form, sign_in


def _dispute(client, evaluation, data, **kwargs):
    return post_form(client, f"/feedback/evaluations/{evaluation.id}/dispute", data, **kwargs)


def _lock(client, dispute_id):
    html = client.get(f"/feedback/disputes/{dispute_id}").get_data(as_text=True)
    return re.search(r'name="lock_version" type="hidden" value="(\d+)"', html).group(1)


def _resolve(client, dispute_id, data, lock=None, **kwargs):
    lock = lock if lock is not None else _lock(client, dispute_id)
    return post_form(
        client, f"/feedback/disputes/{dispute_id}/resolve", {"lock_version": lock, **data}, **kwargs
    )


@pytest.fixture
def disputed(submit, client_as, make, users):
    """An evaluation by a second reviewer, disputed on "greet" by the agent."""
    author = make.user("reviewer", team=users["reviewer"].team)
    evaluation = submit(reviewer=author)
    response = _dispute(
        client_as("agent"), evaluation, {"question": "greet", "reason-greet": "I said hello."}
    )
    assert response.status_code == 302
    dispute = db.session.scalar(db.select(Dispute))
    return evaluation, dispute, author


def test_a_question_dispute_stores_its_reason_and_the_old_answer(disputed, client_as):
    evaluation, dispute, _ = disputed
    assert dispute.status == "open" and not dispute.whole_evaluation
    assert [(i.question_key, i.reason, i.old_value) for i in dispute.items] == [
        ("greet", "I said hello.", "no")
    ]
    html = client_as("agent").get(f"/feedback/evaluations/{evaluation.id}").get_data(as_text=True)
    assert "already has an open dispute" in html and "I said hello." in html


def test_a_dispute_needs_a_reason_for_each_question(submit, client_as):
    evaluation = submit()
    response = _dispute(client_as("agent"), evaluation, {"question": "greet"})
    assert response.status_code == 422
    assert "Give a reason for this question." in response.get_data(as_text=True)
    response = _dispute(client_as("agent"), evaluation, {})
    assert "Choose the whole evaluation or at least one question." in response.get_data(
        as_text=True
    )
    assert db.session.scalar(db.select(func.count()).select_from(Dispute)) == 0


def test_after_the_window_the_dispute_is_refused_with_the_closing_date(submit, client_as):
    submitted = utcnow() - timedelta(days=10)
    evaluation = submit(submitted_at=submitted)
    closed = (submitted + timedelta(days=7)).strftime("%d %b %Y")
    response = _dispute(
        client_as("agent"), evaluation, {"whole": "1", "reason": "unfair"}, follow_redirects=True
    )
    assert f"The dispute window for this evaluation closed on {closed}." in response.get_data(
        as_text=True
    )
    assert db.session.scalar(db.select(func.count()).select_from(Dispute)) == 0


def test_the_window_length_comes_from_config(app, submit, client_as):
    app.config["DISPUTE_WINDOW_DAYS"] = 30
    evaluation = submit(submitted_at=utcnow() - timedelta(days=10))
    response = _dispute(client_as("agent"), evaluation, {"whole": "1", "reason": "unfair"})
    assert response.status_code == 302
    assert db.session.scalar(db.select(Dispute)).whole_evaluation


def test_a_second_dispute_while_one_is_open_is_refused(disputed, client_as):
    evaluation, _, _ = disputed
    response = _dispute(
        client_as("agent"), evaluation, {"whole": "1", "reason": "again"}, follow_redirects=True
    )
    assert "already has an open dispute" in response.get_data(as_text=True)
    assert db.session.scalar(db.select(func.count()).select_from(Dispute)) == 1


def test_the_database_refuses_a_racing_second_dispute(disputed, users, monkeypatch):
    evaluation, _, _ = disputed
    # The other tab passed the check before the first dispute was committed.
    monkeypatch.setattr(services, "dispute_refusal", lambda evaluation: None)
    request = services.DisputeRequest(whole=True, reason="race", questions={})
    with pytest.raises(services.FeedbackError, match="already open"):
        services.open_dispute(users["agent"], evaluation, request)
    assert db.session.scalar(db.select(func.count()).select_from(Dispute)) == 1


def test_the_original_reviewer_can_neither_see_nor_resolve_it(disputed, client_as, app):
    _, dispute, author = disputed
    client = app.test_client()
    sign_in(client, author.email)
    queue = client.get("/feedback/disputes").text
    assert "No open disputes." in queue and f"/feedback/disputes/{dispute.id}" not in queue
    page = client.get(f"/feedback/disputes/{dispute.id}")
    assert page.status_code == 403
    assert "another reviewer or an executive resolves" in page.get_data(as_text=True)
    response = post_form(
        client,
        f"/feedback/disputes/{dispute.id}/resolve",
        {"lock_version": "1", "decision-1": "upheld"},
    )
    assert response.status_code == 403
    assert "another reviewer or an executive resolves" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Dispute, dispute.id).status == "open"


def test_overturning_rescoring_history_audit_and_notifications(disputed, client_as, users):
    evaluation, dispute, author = disputed
    item = dispute.items[0]
    executive = client_as("executive")
    assert f'href="/feedback/disputes/{dispute.id}"' in executive.get("/feedback/disputes").text
    response = _resolve(
        executive,
        dispute.id,
        {f"decision-{item.id}": "overturned", f"value-{item.id}": "yes", "note": "Heard it."},
        follow_redirects=True,
    )
    assert "Dispute resolved: overturned" in response.get_data(as_text=True)
    db.session.expire_all()
    dispute = db.session.get(Dispute, dispute.id)
    stored = db.session.get(Evaluation, evaluation.id)
    expected = scorecards.score(scorecards.from_dict(CARD), MISSED_GREETING | {"greet": "yes"})
    assert stored.total == pytest.approx(expected.total) == 100
    assert (dispute.outcome, dispute.total_before, dispute.total_after) == ("overturned", 75, 100)
    assert dispute.resolved_by_id == users["executive"].id and dispute.resolved_at is not None
    assert (item.decision, item.new_value, item.old_value) == ("overturned", "yes", "no")
    event = db.session.scalar(db.select(AuditEvent).where(AuditEvent.action == "dispute.resolved"))
    assert event.entity_id == evaluation.id and event.actor_id == users["executive"].id
    assert event.before["answers"]["greet"] == "no" and event.after["answers"]["greet"] == "yes"
    assert event.before["total"] == 75 and event.after["total"] == 100
    notes = db.session.scalars(db.select(Notification).where(Notification.kind == "dispute")).all()
    assert {n.user_id for n in notes} == {users["agent"].id, author.id}
    assert {n.link for n in notes} == {f"/feedback/evaluations/{evaluation.id}"}
    html = client_as("agent").get(f"/feedback/evaluations/{evaluation.id}").get_data(as_text=True)
    assert "100.0%" in html and "changed on dispute; was No" in html
    assert "75.0% → <strong>100.0%</strong>" in html


def test_partly_overturned_and_upheld_outcomes(submit, client_as, make, users):
    author = make.user("reviewer")
    first = submit({"greet": "no", "verify": "yes", "tone": "3"}, reviewer=author)
    agent = client_as("agent")
    _dispute(agent, first, {"question": ["greet", "tone"], "reason-greet": "a", "reason-tone": "b"})
    dispute = db.session.scalar(db.select(Dispute))
    greet, tone = dispute.items
    _resolve(
        client_as("reviewer"),
        dispute.id,
        {
            f"decision-{greet.id}": "overturned",
            f"value-{greet.id}": "yes",
            f"decision-{tone.id}": "upheld",
        },
    )
    db.session.expire_all()
    resolved = db.session.get(Dispute, dispute.id)
    # greet yes (2) + verify yes (2) + tone 3 (2 of 4) = 6 of 8
    assert resolved.outcome == "partly_overturned" and resolved.total_after == 75
    second = submit(reviewer=author)
    _dispute(agent, second, {"whole": "1", "reason": "all wrong"})
    whole = db.session.scalar(db.select(Dispute).where(Dispute.evaluation_id == second.id))
    _resolve(client_as("executive"), whole.id, {f"decision-{whole.items[0].id}": "upheld"})
    db.session.expire_all()
    assert db.session.get(Dispute, whole.id).outcome == "upheld"
    assert db.session.get(Evaluation, second.id).total == 75


def test_a_whole_evaluation_overturn_takes_corrected_answers(submit, client_as, make):
    evaluation = submit(reviewer=make.user("reviewer"))
    _dispute(client_as("agent"), evaluation, {"whole": "1", "reason": "all wrong"})
    dispute = db.session.scalar(db.select(Dispute))
    item = dispute.items[0]
    assert item.question_key is None and item.old_value == MISSED_GREETING | {"tone": 5}
    _resolve(
        client_as("executive"),
        dispute.id,
        {
            f"decision-{item.id}": "overturned",
            "answer-greet": "yes",
            "answer-verify": "yes",
            "answer-tone": "5",
        },
    )
    db.session.expire_all()
    assert db.session.get(DisputeItem, item.id).new_value == {"greet": "yes"}
    assert db.session.get(Evaluation, evaluation.id).total == 100


def test_an_invalid_new_answer_changes_nothing(disputed, client_as):
    evaluation, dispute, _ = disputed
    item = dispute.items[0]
    executive = client_as("executive")
    for value, message in (("maybe", "not an answer this question takes"), ("no", "different")):
        response = _resolve(
            executive, dispute.id, {f"decision-{item.id}": "overturned", f"value-{item.id}": value}
        )
        assert response.status_code == 422 and message in response.get_data(as_text=True)
    response = _resolve(executive, dispute.id, {})
    assert "Choose upheld or overturned." in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Dispute, dispute.id).status == "open"
    assert db.session.get(DisputeItem, item.id).decision is None
    assert db.session.get(Evaluation, evaluation.id).total == 75


def test_a_second_resolver_gets_a_clear_message(disputed, client_as):
    _, dispute, _ = disputed
    item = dispute.items[0]
    reviewer, executive = client_as("reviewer"), client_as("executive")
    stale = _lock(reviewer, dispute.id)
    _resolve(executive, dispute.id, {f"decision-{item.id}": "upheld"})
    response = _resolve(
        reviewer,
        dispute.id,
        {f"decision-{item.id}": "overturned", f"value-{item.id}": "yes"},
        lock=stale,
        follow_redirects=True,
    )
    assert "Someone else resolved this dispute" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Dispute, dispute.id).outcome == "upheld"


def test_a_true_race_is_caught_by_the_version_counter(disputed, users):
    _, dispute, _ = disputed
    lock = dispute.lock_version
    # Another resolver commits between our read and our write.
    db.session.execute(
        db.update(Dispute).where(Dispute.id == dispute.id).values(lock_version=lock + 1)
    )
    decision = {dispute.items[0].id: services.Decision("upheld", {})}
    with pytest.raises(services.StaleDisputeError):
        services.resolve(users["executive"], dispute, decision, note="", lock_version=lock)
    assert (
        db.session.scalar(
            db.select(func.count())
            .select_from(AuditEvent)
            .where(AuditEvent.action == "dispute.resolved")
        )
        == 0
    )


def test_agents_reach_only_their_own_disputes(disputed, client_as, make, users, app):
    _, dispute, _ = disputed
    other = make.user("agent")
    client = app.test_client()
    sign_in(client, other.email)
    assert client.get(f"/feedback/disputes/{dispute.id}").status_code == 404
    assert post_form(client, f"/feedback/disputes/{dispute.id}/withdraw", {}).status_code == 404
    assert client_as("agent").get(f"/feedback/disputes/{dispute.id}").status_code == 200
    assert client_as("agent").get("/feedback/disputes").status_code == 403


def test_the_agent_may_withdraw_an_open_dispute(disputed, client_as):
    evaluation, dispute, _ = disputed
    agent = client_as("agent")
    post_form(agent, f"/feedback/disputes/{dispute.id}/withdraw", {})
    db.session.expire_all()
    assert db.session.get(Dispute, dispute.id).status == "withdrawn"
    html = agent.get(f"/feedback/evaluations/{evaluation.id}").get_data(as_text=True)
    assert "Dispute this evaluation" in html


# --- lost and double-counted work (issue 19) ----------------------------------


def test_a_resolution_without_lock_version_is_a_400_that_changes_nothing(disputed, client_as):
    evaluation, dispute, _ = disputed
    item = dispute.items[0]
    response = post_form(
        client_as("executive"),
        f"/feedback/disputes/{dispute.id}/resolve",
        {f"decision-{item.id}": "overturned", f"value-{item.id}": "yes"},
    )
    assert response.status_code == 400
    assert "lock_version is missing" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Dispute, dispute.id).status == "open"
    assert db.session.get(Evaluation, evaluation.id).total == 75


def test_a_double_click_on_resolve_answers_as_the_first_click(disputed, client_as):
    _, dispute, _ = disputed
    item = dispute.items[0]
    executive = client_as("executive")
    data = {f"decision-{item.id}": "overturned", f"value-{item.id}": "yes", "note": "Heard it."}
    lock = _lock(executive, dispute.id)
    first = _resolve(executive, dispute.id, data, lock=lock)
    second = _resolve(executive, dispute.id, data, lock=lock, follow_redirects=True)
    assert first.status_code == 302
    html = second.get_data(as_text=True)
    assert "Dispute resolved: overturned" in html and "Someone else resolved" not in html
    # A repeat that decides differently is still a conflict, and changes nothing.
    changed = _resolve(
        executive, dispute.id, {**data, "note": "Second thoughts"}, lock=lock, follow_redirects=True
    )
    assert "Someone else resolved this dispute" in changed.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Dispute, dispute.id).resolution_note == "Heard it."
    events = db.select(func.count()).select_from(AuditEvent)
    assert db.session.scalar(events.where(AuditEvent.action == "dispute.resolved")) == 1


def test_two_identical_resolutions_at_once_both_answer_as_the_winner(app, disputed, users):
    from tests.qa_app.reviews.test_concurrency import _race

    _, dispute, _ = disputed
    dispute_id, item_id, lock = dispute.id, dispute.items[0].id, dispute.lock_version
    resolver_id = users["executive"].id
    decision = {item_id: services.Decision("overturned", {"greet": "yes"}, "ok")}

    def click(_):
        resolved = services.resolve(
            db.session.get(User, resolver_id),
            db.session.get(Dispute, dispute_id),
            decision,
            note="n",
            lock_version=lock,
        )
        return resolved.outcome

    assert _race(app, click) == ["overturned", "overturned"]
    events = db.select(func.count()).select_from(AuditEvent)
    assert db.session.scalar(events.where(AuditEvent.action == "dispute.resolved")) == 1
