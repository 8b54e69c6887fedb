"""The evaluation service: scores from the engine, no lost or doubled work."""

import pytest
from sqlalchemy import func

import scorecards
from qa_app.extensions import db
from qa_app.models import Assignment, AuditEvent, Evaluation, Notification
from qa_app.reviews import evaluations

CARD = {
    "name": "Mini",
    "channel": "call",
    "sections": [
        {
            "key": "a",
            "title": "A",
            "questions": [
                {"key": "greet", "text": "Greeted?", "kind": "yes_no", "points": 2},
                {
                    "key": "verify",
                    "text": "Verified?",
                    "kind": "yes_no",
                    "points": 2,
                    "allow_na": True,
                    "critical": {"scope": "scorecard", "fail_on": ["no"]},
                    "error_family": "compliance",
                },
                {"key": "tone", "text": "Tone", "kind": "scale", "points": 4, "min": 1, "max": 5},
                {"key": "notes", "text": "Notes", "kind": "text"},
            ],
        },
    ],
}


@pytest.fixture
def setup(make, users):
    card = make.scorecard(CARD)
    interaction = make.interaction(users["agent"])
    draft = evaluations.start(users["reviewer"], interaction, card.versions[0])
    return draft, users


def test_saved_scores_come_from_the_scorecard_engine(setup):
    draft, users = setup
    answers = {"greet": "yes", "verify": "na", "tone": "4", "notes": "fine"}
    saved = evaluations.save(users["reviewer"], draft, answers, lock_version=draft.lock_version)
    expected = scorecards.score(scorecards.from_dict(CARD), answers)
    assert saved.evaluation.total == pytest.approx(expected.total) == pytest.approx(500 / 6)
    by_key = {a.question_key: a for a in saved.evaluation.answers}
    assert (by_key["tone"].value, by_key["tone"].earned, by_key["tone"].possible) == (4, 3.0, 4)
    assert by_key["verify"].earned is None and by_key["notes"].value == "fine"


def test_starting_twice_returns_the_same_draft(setup, make):
    draft, users = setup
    again = evaluations.start(users["reviewer"], draft.interaction, draft.scorecard_version)
    assert again.id == draft.id


def test_submit_with_missing_required_answers_keeps_the_draft_and_names_them(setup):
    draft, users = setup
    with pytest.raises(evaluations.IncompleteError) as info:
        evaluations.save(
            users["reviewer"], draft, {"greet": "yes"}, lock_version=draft.lock_version, submit=True
        )
    assert set(info.value.missing) == {"verify", "tone"}
    db.session.expire_all()
    stored = db.session.get(Evaluation, draft.id)
    assert stored.status == "draft" and stored.answer_map() == {"greet": "yes"}


def test_submit_notifies_the_agent_and_a_double_submit_is_harmless(setup):
    draft, users = setup
    answers = {"greet": "yes", "verify": "no", "tone": "5"}
    lock = draft.lock_version
    first = evaluations.save(users["reviewer"], draft, answers, lock_version=lock, submit=True)
    assert first.evaluation.status == "submitted" and first.evaluation.total == 0
    assert first.evaluation.auto_failed and first.evaluation.critical_families == ["compliance"]
    second = evaluations.save(users["reviewer"], draft, answers, lock_version=lock, submit=True)
    assert second.evaluation.id == first.evaluation.id
    assert db.session.scalar(db.select(func.count()).select_from(Evaluation)) == 1
    notes = db.session.scalars(db.select(Notification)).all()
    assert [(n.user_id, n.kind) for n in notes] == [(users["agent"].id, "evaluation")]


def test_a_stale_save_is_refused_and_the_newer_work_kept(setup):
    draft, users = setup
    lock = draft.lock_version
    evaluations.save(users["reviewer"], draft, {"greet": "yes"}, lock_version=lock)
    with pytest.raises(evaluations.StaleEvaluationError):
        evaluations.save(users["executive"], draft, {"greet": "no"}, lock_version=lock)
    db.session.expire_all()
    assert db.session.get(Evaluation, draft.id).answer_map() == {"greet": "yes"}


def test_editing_a_submitted_evaluation_is_audited_with_before_and_after(setup):
    draft, users = setup
    done = evaluations.save(
        users["reviewer"],
        draft,
        {"greet": "yes", "verify": "yes", "tone": "5"},
        lock_version=draft.lock_version,
        submit=True,
    ).evaluation
    evaluations.save(
        users["executive"],
        done,
        {"greet": "no", "verify": "yes", "tone": "5"},
        lock_version=done.lock_version,
    )
    event = db.session.scalar(db.select(AuditEvent).where(AuditEvent.action == "evaluation.edited"))
    assert event.actor_id == users["executive"].id
    assert event.before["answers"]["greet"] == "yes" and event.after["answers"]["greet"] == "no"
    # greet no (0 of 2) + verify yes (2 of 2) + tone 5 (4 of 4) = 6 of 8
    assert event.before["total"] == 100 and event.after["total"] == pytest.approx(75)


def test_an_impossible_answer_changes_nothing(setup):
    draft, users = setup
    with pytest.raises(scorecards.AnswerError):
        evaluations.save(
            users["reviewer"], draft, {"greet": "maybe"}, lock_version=draft.lock_version
        )
    db.session.rollback()
    assert db.session.get(Evaluation, draft.id).answers == []


# --- lost and double-counted work (issue 19) ----------------------------------

ALL = {"greet": "yes", "verify": "yes", "tone": "5"}


def test_a_save_without_lock_version_is_refused_and_changes_nothing(setup):
    draft, users = setup
    for missing in (None, ""):
        with pytest.raises(evaluations.MissingLockError, match="lock_version is missing"):
            evaluations.save(users["reviewer"], draft, ALL, lock_version=missing, submit=True)
    db.session.expire_all()
    stored = db.session.get(Evaluation, draft.id)
    assert stored.status == "draft" and stored.answers == [] and stored.lock_version == 1


@pytest.mark.parametrize(
    "change",
    [
        {"comment": "a new overall comment"},
        {"comments": {"greet": "a new note on greet"}},
        {"answers": {**ALL, "verify": "na"}},
    ],
    ids=["overall-comment", "question-note", "na"],
)
def test_a_stale_save_differing_in_anything_the_form_carries_is_a_conflict(setup, change):
    draft, users = setup
    lock = draft.lock_version
    evaluations.save(
        users["reviewer"],
        draft,
        ALL,
        comments={"greet": "kept"},
        comment="first",
        lock_version=lock,
    )
    posted = {"comments": {"greet": "kept"}, "comment": "first", **change}
    with pytest.raises(evaluations.StaleEvaluationError):
        evaluations.save(
            users["executive"], draft, posted.pop("answers", ALL), lock_version=lock, **posted
        )
    db.session.expire_all()
    stored = db.session.get(Evaluation, draft.id)
    assert stored.comment == "first" and stored.answer_map()["verify"] == "yes"
    assert {a.question_key: a.comment for a in stored.answers}["greet"] == "kept"


def test_a_stale_submit_with_the_same_answers_but_a_new_comment_is_a_conflict(setup):
    draft, users = setup
    lock = draft.lock_version
    evaluations.save(users["reviewer"], draft, ALL, lock_version=lock, submit=True)
    with pytest.raises(evaluations.StaleEvaluationError):
        evaluations.save(
            users["reviewer"], draft, ALL, comment="new words", lock_version=lock, submit=True
        )
    db.session.expire_all()
    assert db.session.get(Evaluation, draft.id).comment == ""


def test_an_identical_repeat_of_a_draft_save_answers_as_the_first_did(setup):
    draft, users = setup
    lock, notes = draft.lock_version, {"tone": "warm"}
    first = evaluations.save(
        users["reviewer"], draft, ALL, comments=notes, comment=" ok ", lock_version=lock, seconds=30
    )
    again = evaluations.save(
        users["reviewer"], draft, ALL, comments=notes, comment="ok", lock_version=lock, seconds=30
    )
    assert again.lock_version == first.lock_version and again.result.total == first.result.total
    db.session.expire_all()
    stored = db.session.get(Evaluation, draft.id)
    assert stored.lock_version == first.lock_version and stored.time_spent_seconds == 30


def test_submitting_exactly_what_a_newer_draft_holds_goes_ahead(setup):
    draft, users = setup
    lock = draft.lock_version
    evaluations.save(users["reviewer"], draft, ALL, lock_version=lock)  # e.g. an autosave
    saved = evaluations.save(users["reviewer"], draft, ALL, lock_version=lock, submit=True)
    assert saved.evaluation.status == "submitted"


def _assigned(setup, make, reviewer):
    draft, users = setup
    assignment = Assignment(
        interaction_id=make.interaction(users["agent"]).id,
        reviewer_id=reviewer.id,
        scorecard_version_id=draft.scorecard_version_id,
    )
    db.session.add(assignment)
    db.session.commit()
    version = draft.scorecard_version
    return assignment, evaluations.start(
        reviewer, assignment.interaction, version, assignment=assignment
    )


def test_a_draft_whose_assignment_moved_on_is_closed_not_submitted(setup, make):
    _, users = setup
    assignment, mine = _assigned(setup, make, users["reviewer"])
    lock = mine.lock_version
    other = make.user("reviewer")
    # The assignment moves on underneath the draft (a reassignment racing it).
    db.session.execute(
        db.update(Assignment).where(Assignment.id == assignment.id).values(reviewer_id=other.id)
    )
    db.session.commit()
    with pytest.raises(evaluations.SupersededError, match=f"reassigned to {other.name}"):
        evaluations.save(users["reviewer"], mine, ALL, lock_version=lock, submit=True)
    db.session.expire_all()
    stored = db.session.get(Evaluation, mine.id)
    assert stored.status == "superseded" and "not counted" in stored.closed_reason
    assert stored.answers == []  # nothing of the refused submit was half-written
    assert db.session.get(Assignment, assignment.id).status == "open"
    told = db.session.scalar(
        db.select(Notification).where(Notification.user_id == mine.reviewer_id)
    )
    assert told.link == f"/reviews/evaluations/{mine.id}" and told.body == stored.closed_reason
    event = db.session.scalar(
        db.select(AuditEvent).where(AuditEvent.action == "evaluation.superseded")
    )
    assert event.entity_id == mine.id and event.after["reason"] == stored.closed_reason
    with pytest.raises(evaluations.SupersededError):
        evaluations.save(users["reviewer"], stored, ALL, lock_version=stored.lock_version)


def test_a_second_draft_of_a_completed_assignment_cannot_count_it_again(setup, make):
    _, users = setup
    assignment, mine = _assigned(setup, make, users["reviewer"])
    lock = mine.lock_version
    db.session.execute(
        db.update(Assignment).where(Assignment.id == assignment.id).values(status="done")
    )
    db.session.commit()
    with pytest.raises(evaluations.SupersededError, match="counts once"):
        evaluations.save(users["reviewer"], mine, ALL, lock_version=lock, submit=True)
    submitted = db.select(func.count()).select_from(Evaluation)
    assert db.session.scalar(submitted.where(Evaluation.status == "submitted")) == 0
