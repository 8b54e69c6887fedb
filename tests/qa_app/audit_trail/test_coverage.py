"""Every write the trust rules name leaves an audit event with its actor, the
time, and the state before and after: changes to a submitted evaluation
(re-review, dispute overturn, consensus), scorecard publication and archive,
dispute decisions, role changes, calibration reveal and consensus, model
activation and rollback, data purges."""

from datetime import UTC, datetime

import pytest

from qa_app.admin import services as admin
from qa_app.calibration import consensus
from qa_app.calibration import services as calibration
from qa_app.extensions import db
from qa_app.feedback import services as feedback
from qa_app.flags import services as flags
from qa_app.models import AuditEvent, Dispute
from qa_app.privacy import retention
from qa_app.reviews import evaluations
from qa_app.scorecards import services as scorecards_services
from tests.qa_app.calibration.support import ALL_YES, build
from tests.qa_app.feedback.conftest import CARD, GOOD
from tests.qa_app.flags.support import add_model


def only_event(action: str) -> AuditEvent:
    [event] = db.session.scalars(db.select(AuditEvent).where(AuditEvent.action == action)).all()
    return event


def assert_complete(event: AuditEvent, actor) -> None:
    assert event.actor_id == actor.id
    assert isinstance(event.at, datetime) and event.at.tzinfo is not None
    assert event.before is not None and event.after is not None
    assert event.before != event.after


def test_a_re_review_of_a_submitted_evaluation(submit, users):
    evaluation = submit()
    evaluations.save(
        users["reviewer"], evaluation, GOOD, lock_version=evaluation.lock_version, submit=True
    )
    event = only_event("evaluation.edited")
    assert_complete(event, users["reviewer"])
    assert (event.before["answers"]["greet"], event.after["answers"]["greet"]) == ("no", "yes")


def test_a_dispute_overturn(submit, users):
    evaluation = submit()
    request = feedback.DisputeRequest(False, "", {"greet": "I did"})
    feedback.open_dispute(users["agent"], evaluation, request)
    dispute = db.session.scalar(db.select(Dispute))
    decision = feedback.Decision("overturned", {"greet": "yes"})
    feedback.resolve(
        users["executive"], dispute, {dispute.items[0].id: decision}, note="", lock_version=1
    )
    event = only_event("dispute.resolved")
    assert_complete(event, users["executive"])
    assert (event.before["total"], event.after["total"]) == (75.0, 100.0)
    assert event.after["outcome"] == "overturned"


def test_calibration_reveal_consensus_and_its_publication(make, users):
    calib = build(make, users, items=1, reviewers=2)
    for reviewer in calib.reviewers:
        calib.submit(reviewer, 0, ALL_YES)
    calibration.reveal(calib.facilitator, calib.session)
    assert_complete(only_event("calibration.revealed"), calib.facilitator)

    interaction = calib.interactions[0].id
    entries = {"greet": ("", "yes"), "verify": ("", "na"), "tone": ("", "4")}
    entries["outcome"] = ("", "solved")
    consensus.save(
        calib.facilitator,
        calib.session,
        interaction,
        entries,
        consensus.revision(calib.session, interaction),
    )
    recorded = only_event("calibration.consensus_recorded")
    assert_complete(recorded, calib.facilitator)
    assert recorded.before["consensus"]["greet"] is None
    assert recorded.after["consensus"]["greet"] == "yes"

    official = consensus.publish(calib.facilitator, calib.session, interaction)
    published = only_event("calibration.consensus_published")
    assert_complete(published, calib.facilitator)
    assert published.entity_id == official.id
    assert (published.before["status"], published.after["status"]) == ("draft", "submitted")


def test_scorecard_publication_and_archive(make, users):
    card = make.scorecard(CARD, versions=1, draft=CARD | {"name": "Mini v2"})
    scorecards_services.publish(users["executive"], card, card.lock_version)
    event = only_event("scorecard.published")
    assert_complete(event, users["executive"])
    assert (event.before["version"], event.after["version"]) == (1, 2)
    scorecards_services.set_archived(users["executive"], card, True)
    event = only_event("scorecard.archived")
    assert_complete(event, users["executive"])
    assert event.after == {"status": "archived"}


def test_a_role_change(users):
    user = users["agent"]
    data = admin.UserData(
        email=user.email,
        name=user.name,
        role="reviewer",
        team_id=user.team_id,
        active=True,
        hired_on=None,
        password=None,
    )
    admin.update_user(users["admin"], user, data)
    event = only_event("user.role_changed")
    assert_complete(event, users["admin"])
    assert (event.before["role"], event.after["role"]) == ("agent", "reviewer")


def test_model_activation_and_rollback(app, users, monkeypatch):
    monkeypatch.setattr(flags, "load_model", lambda row: None)  # artefacts are not under test
    first = add_model(version=1, active=True)
    second = add_model(version=2, active=False)
    flags.activate(users["admin"], second)
    flags.activate(users["admin"], first)
    events = db.session.scalars(
        db.select(AuditEvent)
        .where(AuditEvent.action == "flag_model.activated")
        .order_by(AuditEvent.id)
    ).all()
    for event in events:
        assert_complete(event, users["admin"])
    assert [e.after["rollback"] for e in events] == [False, True]


def test_a_data_purge(app, make, users):
    app.config["TRANSCRIPT_RETENTION_DAYS"] = 30
    make.interaction(users["agent"], started_at=datetime(2026, 1, 1, tzinfo=UTC))
    retention.purge_transcripts(datetime(2026, 11, 26, tzinfo=UTC), False, actor=users["admin"])
    event = only_event("retention.purged")
    assert_complete(event, users["admin"])
    assert (event.before["transcripts"], event.after["purged"]) == (1, 1)


@pytest.mark.parametrize("action", ["evaluation.edited", "dispute.resolved"])
def test_events_are_shown_on_the_audit_page(submit, users, client_as, action):
    evaluation = submit()
    if action == "evaluation.edited":
        evaluations.save(
            users["reviewer"], evaluation, GOOD, lock_version=evaluation.lock_version, submit=True
        )
    else:
        request = feedback.DisputeRequest(True, "All wrong", {})
        feedback.open_dispute(users["agent"], evaluation, request)
        dispute = db.session.scalar(db.select(Dispute))
        decision = feedback.Decision("overturned", GOOD)
        feedback.resolve(
            users["executive"], dispute, {dispute.items[0].id: decision}, note="", lock_version=1
        )
    html = client_as("admin").get(f"/admin/audit/?action={action}").get_data(as_text=True)
    assert f"<code>{action}</code>" in html and "<del>no</del>" in html and "<ins>yes</ins>" in html
