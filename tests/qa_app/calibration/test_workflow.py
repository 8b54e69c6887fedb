"""Creating sessions, blind scoring, reveal rules, late submissions."""

from datetime import timedelta

import pytest
from sqlalchemy import func

from qa_app.calibration import services
from qa_app.extensions import db
from qa_app.models import AuditEvent, CalibrationSession, Evaluation, Notification, utcnow
from qa_app.reviews import evaluations, policy
from tests.qa_app.calibration.support import ALL_YES, CARD, build
from tests.qa_app.helpers import post_form, sign_in


def _client(app, user):
    client = app.test_client()
    assert sign_in(client, user.email).status_code == 302
    return client


def _new_session(client, card, interactions, reviewers, **extra):
    data = {
        "title": "Weekly calibration",
        "version_id": str(card.versions[0].id),
        "interaction_ids": [str(i.id) for i in interactions],
        "reviewer_ids": [str(u.id) for u in reviewers],
        "blind": "y",
        "create": "1",
    }
    return post_form(client, "/calibration/new", data | extra)


def test_executive_creates_a_session_and_reviewers_are_notified(app, make, users):
    card = make.scorecard(CARD)
    picked = [make.interaction(users["agent"]) for _ in range(2)]
    typed = make.interaction(users["agent"], external_id="CALL-77")
    reviewers = [make.user("reviewer"), make.user("executive")]
    client = _client(app, users["executive"])
    page = client.get("/calibration/new").get_data(as_text=True)
    assert "Calibration card — v1 (latest)" in page and "CALL-77" in page

    response = _new_session(client, card, picked, reviewers, external_ids="CALL-77")
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    session = db.session.scalar(db.select(CalibrationSession))
    assert response.headers["Location"] == f"/calibration/{session.id}"
    assert [i.interaction_id for i in session.items] == [picked[0].id, picked[1].id, typed.id]
    assert {p.reviewer_id for p in session.participants} == {u.id for u in reviewers}
    assert session.blind and session.status == "open"
    assert session.facilitator_id == users["executive"].id
    notes = db.session.scalars(db.select(Notification).where(Notification.kind == "calibration"))
    assert sorted(n.user_id for n in notes) == sorted(u.id for u in reviewers)
    event = db.session.scalar(
        db.select(AuditEvent).where(AuditEvent.action == "calibration.created")
    )
    assert event.entity_id == session.id and event.after["interaction_ids"][-1] == typed.id


@pytest.mark.parametrize("count", [0, 11])
def test_a_session_needs_one_to_ten_interactions(app, make, users, count):
    card = make.scorecard(CARD)
    interactions = [make.interaction(users["agent"]) for _ in range(count)]
    client = _client(app, users["executive"])
    response = _new_session(client, card, interactions, [make.user("reviewer")])
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    expected = "Pick at least one interaction" if count == 0 else "at most 10 interactions; 11"
    assert expected in page
    assert db.session.scalar(db.select(func.count()).select_from(CalibrationSession)) == 0


def test_ten_interactions_are_accepted_and_unknown_external_ids_refused(app, make, users):
    card = make.scorecard(CARD)
    interactions = [make.interaction(users["agent"]) for _ in range(10)]
    client = _client(app, users["executive"])
    refused = _new_session(client, card, interactions[:1], [users["reviewer"]], external_ids="NOPE")
    assert "No interaction has the external id NOPE" in refused.get_data(as_text=True)
    assert _new_session(client, card, interactions, [users["reviewer"]]).status_code == 302


def test_filter_button_re_renders_without_creating(app, make, users):
    card = make.scorecard(CARD)
    make.interaction(users["agent"], external_id="CHAT-1", channel="chat")
    make.interaction(users["agent"], external_id="CALL-1")
    client = _client(app, users["executive"])
    data = {"filter": "1", "filter_channel": "chat", "version_id": str(card.versions[0].id)}
    page = post_form(client, "/calibration/new", data).get_data(as_text=True)
    assert "CHAT-1" in page and "CALL-1" not in page
    assert db.session.scalar(db.select(func.count()).select_from(CalibrationSession)) == 0


def test_reviewers_cannot_create_sessions(client_as):
    assert client_as("reviewer").get("/calibration/new").status_code == 403


def test_nobody_reads_answers_before_the_reveal(app, make, users, calib):
    a, b, _ = calib.reviewers
    mine = calib.submit(a, 0, ALL_YES | {"notes": "Secret-note-of-A"})
    # Neither another participant nor the facilitator can open A's evaluation.
    for user in (b, calib.facilitator, users["admin"]):
        assert not policy.can_view(user, mine)
        client = _client(app, user)
        assert client.get(f"/reviews/evaluations/{mine.id}").status_code in (403, 404)
        page = client.get(f"/calibration/{calib.session.id}").get_data(as_text=True)
        assert "Secret-note-of-A" not in page and 'id="results"' not in page
        export = client.get(f"/calibration/{calib.session.id}/export.csv", follow_redirects=True)
        assert export.mimetype == "text/html"
        assert "available after the reveal" in export.get_data(as_text=True)
    assert policy.can_view(a, mine)


def test_blind_progress_is_for_the_facilitator_only(app, make, users, calib):
    a, b, _ = calib.reviewers
    calib.submit(a, 0, ALL_YES)
    url = f"/calibration/{calib.session.id}"
    as_b = _client(app, b).get(url).get_data(as_text=True)
    assert 'data-testid="progress"' not in as_b and "you see only your own progress" in as_b
    assert as_b.count(">submitted<") == 0  # B has submitted nothing; A's status is hidden
    as_a = _client(app, a).get(url).get_data(as_text=True)
    assert as_a.count(">submitted<") == 1  # A sees their own
    as_admin = _client(app, users["admin"]).get(url).get_data(as_text=True)
    assert 'data-testid="progress"' not in as_admin
    facilitator = _client(app, calib.facilitator).get(url).get_data(as_text=True)
    assert 'data-testid="progress"' in facilitator and "Still to submit" in facilitator


def test_open_sessions_show_progress_to_participants(app, make, users):
    calib = build(make, users, blind=False, items=1, reviewers=2)
    calib.submit(calib.reviewers[0], 0, ALL_YES)
    page = _client(app, calib.reviewers[1]).get(f"/calibration/{calib.session.id}")
    assert 'data-testid="progress"' in page.get_data(as_text=True)


def test_non_participant_reviewer_does_not_see_the_session(app, make, users, calib):
    client = _client(app, users["reviewer"])
    assert client.get(f"/calibration/{calib.session.id}").status_code == 404
    assert "November calibration" not in client.get("/calibration/").get_data(as_text=True)


def test_reveal_before_the_deadline_with_missing_submissions_is_refused(app, make, calib):
    a, b, c = calib.reviewers
    for user in (a, b):
        for n in range(3):
            calib.submit(user, n, ALL_YES)
    calib.submit(c, 0, ALL_YES)
    calib.session.deadline = utcnow() + timedelta(days=1)
    db.session.commit()
    client = _client(app, calib.facilitator)
    response = post_form(client, f"/calibration/{calib.session.id}/reveal", {})
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Not revealed: still missing: Reviewer C (2)" in page
    db.session.expire_all()
    assert db.session.get(CalibrationSession, calib.session.id).status == "open"
    # Another executive is refused too, without learning who is missing (blind).
    other = services.progress(calib.session)
    assert [u.name for u, _ in other.missing()] == ["Reviewer C"]
    with pytest.raises(services.CalibrationError, match="2 submission\\(s\\) from 1 reviewer"):
        services.reveal(make.user("executive"), calib.session)


def test_the_facilitator_reveals_at_the_deadline_despite_missing_work(app, calib):
    a = calib.reviewers[0]
    calib.submit(a, 0, ALL_YES)
    calib.session.deadline = utcnow() + timedelta(hours=1)
    db.session.commit()
    services.reveal(calib.facilitator, calib.session, now=calib.session.deadline)
    db.session.expire_all()
    session = db.session.get(CalibrationSession, calib.session.id)
    assert session.status == "revealed" and session.revealed_at == session.deadline
    assert session.results["reference"] == "median"
    event = db.session.scalar(
        db.select(AuditEvent).where(AuditEvent.action == "calibration.revealed")
    )
    assert event.entity_id == session.id and len(event.after["missing"]) == 3


def test_only_the_facilitator_or_executives_reveal(app, make, users, calib):
    for user in calib.reviewers:
        for n in range(3):
            calib.submit(user, n, ALL_YES)
    url = f"/calibration/{calib.session.id}/reveal"
    participant = _client(app, calib.reviewers[0])
    assert post_form(participant, url, {}).status_code == 403
    with pytest.raises(services.CalibrationError, match="Only the facilitator"):
        services.reveal(calib.reviewers[0], calib.session)
    other_executive = _client(app, make.user("executive"))
    assert post_form(other_executive, url, {}).status_code == 302
    db.session.expire_all()
    assert db.session.get(CalibrationSession, calib.session.id).status == "revealed"
    again = post_form(_client(app, calib.facilitator), url, {}, follow_redirects=True)
    assert "already been revealed" in again.get_data(as_text=True)
    reveals = db.select(func.count()).where(AuditEvent.action == "calibration.revealed")
    assert db.session.scalar(reveals.select_from(AuditEvent)) == 1


def test_late_submissions_after_the_reveal_are_refused_with_a_message(app, calib):
    a, _, c = calib.reviewers
    calib.submit(a, 0, ALL_YES)
    late = services.start(c, calib.session, calib.interactions[0].id, "calibration")
    calib.session.deadline = utcnow() + timedelta(minutes=1)
    db.session.commit()
    services.reveal(calib.facilitator, calib.session, now=calib.session.deadline)

    with pytest.raises(evaluations.ClosedError):
        evaluations.save(c, late, ALL_YES, lock_version=late.lock_version, submit=True)
    db.session.rollback()
    assert db.session.get(Evaluation, late.id).status == "draft"
    client = _client(app, c)
    url = f"/calibration/{calib.session.id}"
    started = post_form(client, f"{url}/interactions/{calib.interactions[1].id}/calibration", {})
    page = client.get(started.headers["Location"]).get_data(as_text=True)
    assert "late submissions are refused" in page  # the flash and the banner
    assert "closed: not submitted before the reveal" in page
    assert "Your 3 unsubmitted interaction(s) were not counted" in page
    assert (
        db.session.scalar(
            db.select(func.count()).select_from(Evaluation).where(Evaluation.reviewer_id == c.id)
        )
        == 1
    )


def test_participants_open_the_scoring_page_and_the_facilitator_the_benchmark(app, calib):
    a = calib.reviewers[0]
    interaction = calib.interactions[1]
    base = f"/calibration/{calib.session.id}/interactions/{interaction.id}"
    response = post_form(_client(app, a), f"{base}/calibration", {})
    evaluation = db.session.scalar(db.select(Evaluation).where(Evaluation.reviewer_id == a.id))
    assert response.headers["Location"] == f"/reviews/evaluations/{evaluation.id}/score"
    assert (evaluation.kind, evaluation.calibration_session_id) == ("calibration", calib.session.id)
    # A participant cannot score the benchmark; the facilitator can.
    refused = post_form(_client(app, a), f"{base}/benchmark", {}, follow_redirects=True)
    assert "Only the facilitator scores the benchmark" in refused.get_data(as_text=True)
    key = post_form(_client(app, calib.facilitator), f"{base}/benchmark", {})
    benchmark = db.session.scalar(db.select(Evaluation).where(Evaluation.kind == "benchmark"))
    assert key.headers["Location"] == f"/reviews/evaluations/{benchmark.id}/score"


def test_pending_for_lists_open_sessions_with_work_left(make, users, calib):
    a, b, _ = calib.reviewers
    calib.submit(a, 0, ALL_YES)
    for n in range(3):
        calib.submit(b, n, ALL_YES)
    assert services.pending_for(a) == [(calib.session, 2)]
    assert services.pending_for(b) == []
    assert services.pending_for(users["reviewer"]) == []


def test_without_a_deadline_the_reveal_waits_for_everyone(calib):
    calib.submit(calib.reviewers[0], 0, ALL_YES)
    with pytest.raises(services.CalibrationError) as info:
        services.reveal(calib.facilitator, calib.session)
    message = str(info.value)
    assert "Reviewer B (3); Reviewer C (3)" in message and "deadline" not in message
