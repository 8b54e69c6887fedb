"""Real concurrency: two sessions on two connections at the same moment.

Each thread gets its own application context, hence its own database session
and connection, as two gunicorn workers would.
"""

import threading

from sqlalchemy import func

from qa_app.extensions import db
from qa_app.models import Evaluation, Interaction, ScorecardVersion, User
from qa_app.reviews import evaluations

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
