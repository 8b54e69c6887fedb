"""Real concurrency: two sessions on two connections at the same moment.

Each thread gets its own application context, hence its own database session
and connection, as two gunicorn workers would.
"""

import threading

from sqlalchemy import func

from qa_app.extensions import db
from qa_app.models import Assignment, Evaluation, Interaction, Notification, ScorecardVersion, User
from qa_app.reviews import evaluations, services

CARD = {
    "name": "Tiny",
    "sections": [
        {
            "key": "s",
            "title": "S",
            "questions": [{"key": "greet", "text": "Greeted?", "kind": "yes_no", "points": 1}],
        }
    ],
}


def _race(app, work, n=2):
    """Run ``work(i)`` in n threads released together; return results/exceptions."""
    barrier = threading.Barrier(n)
    outcomes: list = [None] * n

    def run(i):
        with app.app_context():
            barrier.wait()
            try:
                outcomes[i] = work(i)
            except Exception as exc:  # collected and asserted on below
                db.session.rollback()
                outcomes[i] = exc
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    return outcomes


def test_two_clicks_on_start_at_the_same_moment_make_one_draft(app, users, make):
    card = make.scorecard(CARD)
    interaction_id, version_id = make.interaction(users["agent"]).id, card.versions[0].id
    reviewer_id = users["reviewer"].id

    def start(_):
        return evaluations.start(
            db.session.get(User, reviewer_id),
            db.session.get(Interaction, interaction_id),
            db.session.get(ScorecardVersion, version_id),
        ).id

    ids = _race(app, start)
    assert all(isinstance(i, int) for i in ids), ids
    assert ids[0] == ids[1]
    assert db.session.scalar(db.select(func.count()).select_from(Evaluation)) == 1


def test_two_sessions_saving_the_same_version_one_wins_one_is_told(app, users, make):
    card = make.scorecard(CARD)
    draft = evaluations.start(users["reviewer"], make.interaction(users["agent"]), card.versions[0])
    draft_id, lock = draft.id, draft.lock_version
    actors = [users["reviewer"].id, users["executive"].id]

    def save(i):
        evaluation = db.session.get(Evaluation, draft_id)
        answer = "yes" if i == 0 else "no"
        evaluations.save(
            db.session.get(User, actors[i]),
            evaluation,
            {"greet": answer},
            lock_version=lock,
            submit=True,
        )
        return answer

    outcomes = _race(app, save)
    winners = [o for o in outcomes if isinstance(o, str)]
    losers = [o for o in outcomes if not isinstance(o, str)]
    assert len(winners) == 1, outcomes
    # The loser is refused cleanly as stale; never a second submitted copy.
    assert len(losers) == 1 and isinstance(losers[0], evaluations.StaleEvaluationError)
    db.session.expire_all()
    stored = db.session.get(Evaluation, draft_id)
    assert stored.status == "submitted" and stored.answer_map() == {"greet": winners[0]}
    assert db.session.scalar(db.select(func.count()).select_from(Evaluation)) == 1


def test_a_real_double_click_on_submit_succeeds_twice_and_submits_once(app, users, make):
    card = make.scorecard(CARD)
    draft = evaluations.start(users["reviewer"], make.interaction(users["agent"]), card.versions[0])
    draft_id, lock, reviewer_id = draft.id, draft.lock_version, users["reviewer"].id

    def click(_):
        saved = evaluations.save(
            db.session.get(User, reviewer_id),
            db.session.get(Evaluation, draft_id),
            {"greet": "yes"},
            comments={"greet": "clear"},
            comment="good call",
            lock_version=lock,
            seconds=40,
            submit=True,
        )
        return saved.lock_version

    outcomes = _race(app, click)
    assert all(isinstance(o, int) for o in outcomes), outcomes
    assert outcomes[0] == outcomes[1]  # both answer with the version the winner wrote
    db.session.expire_all()
    stored = db.session.get(Evaluation, draft_id)
    assert stored.status == "submitted" and stored.time_spent_seconds == 40
    assert stored.lock_version == outcomes[0]
    told = db.session.scalar(
        db.select(func.count()).select_from(Notification).where(Notification.kind == "evaluation")
    )
    assert told == 1


def test_two_posts_at_once_differing_only_in_a_note_one_is_a_conflict(app, users, make):
    card = make.scorecard(CARD)
    draft = evaluations.start(users["reviewer"], make.interaction(users["agent"]), card.versions[0])
    draft_id, lock, reviewer_id = draft.id, draft.lock_version, users["reviewer"].id
    notes = ["first note", "second note"]

    def click(i):
        evaluations.save(
            db.session.get(User, reviewer_id),
            db.session.get(Evaluation, draft_id),
            {"greet": "yes"},
            comments={"greet": notes[i]},
            lock_version=lock,
            submit=True,
        )
        return notes[i]

    outcomes = _race(app, click)
    winners = [o for o in outcomes if isinstance(o, str)]
    assert len(winners) == 1, outcomes
    assert any(isinstance(o, evaluations.StaleEvaluationError) for o in outcomes)
    db.session.expire_all()
    assert db.session.get(Evaluation, draft_id).answers[0].comment == winners[0]


def test_a_reassignment_racing_a_submit_leaves_one_counted_evaluation(app, users, make):
    card = make.scorecard(CARD)
    item = make.interaction(users["agent"])
    assignment = Assignment(
        interaction_id=item.id,
        reviewer_id=users["reviewer"].id,
        scorecard_version_id=card.versions[0].id,
    )
    db.session.add(assignment)
    db.session.commit()
    draft = evaluations.start(users["reviewer"], item, card.versions[0], assignment=assignment)
    other = make.user("reviewer")
    ids = (draft.id, draft.lock_version, assignment.id, users["reviewer"].id)
    lead_id, other_id = users["executive"].id, other.id

    def work(i):
        if i == 0:
            return evaluations.save(
                db.session.get(User, ids[3]),
                db.session.get(Evaluation, ids[0]),
                {"greet": "yes"},
                lock_version=ids[1],
                submit=True,
            ).evaluation.status
        services.reassign(
            db.session.get(User, lead_id),
            db.session.get(Assignment, ids[2]),
            db.session.get(User, other_id),
        )
        return "reassigned"

    outcomes = _race(app, work)
    db.session.expire_all()
    stored, done = db.session.get(Evaluation, ids[0]), db.session.get(Assignment, ids[2])
    if outcomes[0] == "submitted":  # the submit won: the reassignment is refused
        assert isinstance(outcomes[1], ValueError), outcomes
        assert done.status == "done" and done.reviewer_id == ids[3]
    else:  # the reassignment won: the draft is closed, the assignment still open
        assert outcomes[1] == "reassigned", outcomes
        assert isinstance(outcomes[0], evaluations.SupersededError), outcomes
        assert stored.status == "superseded" and done.status == "open"
        assert done.reviewer_id == other_id
    counted = (
        db.select(func.count()).select_from(Evaluation).where(Evaluation.status == "submitted")
    )
    assert db.session.scalar(counted) == (1 if outcomes[0] == "submitted" else 0)
