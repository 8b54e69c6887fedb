"""Every form of the feedback pages and the inbox refuses a POST without the
session's CSRF token (and changes nothing)."""

from qa_app.extensions import db
from qa_app.models import CoachingItem, CoachingSession, Dispute, Evaluation
from tests.qa_app.helpers import post_form


def test_every_feedback_form_needs_the_csrf_token(app, submit, client_as, users, make):
    evaluation = submit(reviewer=make.user("reviewer"))
    agent = client_as("agent")
    assert (
        post_form(
            agent, f"/feedback/evaluations/{evaluation.id}/dispute", {"whole": "1", "reason": "x"}
        ).status_code
        == 302
    )
    dispute = db.session.scalar(db.select(Dispute))
    session = CoachingSession(
        agent_id=users["agent"].id,
        coach_id=users["reviewer"].id,
        held_on=evaluation.submitted_at.date(),
        focus_questions=["greet"],
        evaluations=[evaluation],
        items=[CoachingItem(text="x")],
    )
    db.session.add(session)
    db.session.commit()
    posts = {
        "agent": [
            f"/feedback/evaluations/{evaluation.id}/acknowledge",
            f"/feedback/evaluations/{evaluation.id}/dispute",
            f"/feedback/disputes/{dispute.id}/withdraw",
            f"/feedback/coaching/{session.id}/acknowledge",
            "/notifications/read-all",
        ],
        "reviewer": [
            f"/feedback/disputes/{dispute.id}/resolve",
            f"/feedback/coaching/new?agent_id={users['agent'].id}",
            f"/feedback/coaching/{session.id}/items/{session.items[0].id}/done",
            f"/feedback/coaching/{session.id}/close",
        ],
    }
    covered = set()
    for role, urls in posts.items():
        client = client_as(role)
        for url in urls:
            response = client.post(url, data={"comment": "x", "decision-1": "upheld"})
            assert response.status_code == 400, url
            assert "not sent by this site" in response.text, url
            covered.add(app.url_map.bind("").match(url.split("?")[0], method="POST")[0])
    feedback_posts = {
        r.endpoint
        for r in app.url_map.iter_rules()
        if r.endpoint.startswith(("feedback.", "inbox.")) and "POST" in r.methods
    }
    assert covered == feedback_posts
    db.session.expire_all()
    assert db.session.get(Evaluation, evaluation.id).acknowledged_at is None
    assert db.session.get(Dispute, dispute.id).status == "open"
    assert db.session.get(CoachingSession, session.id).status == "open"
