"""/api/v1/evaluations: submitted evaluations with answers and scores, visible
exactly as ``reviews.policy.can_view`` allows (calibration work only after the reveal)."""

from __future__ import annotations

import pytest

from qa_app.calibration import services as calibration
from qa_app.extensions import db
from qa_app.models import Evaluation
from qa_app.reviews import evaluations, policy
from tests.qa_app.api.support import submitted
from tests.qa_app.calibration.support import ALL_YES, Calib, build

URL = "/api/v1/evaluations"


def _all(api, query: str = "", limit: int = 3) -> list[int]:
    ids, cursor = [], None
    for _ in range(100):
        url = f"{URL}?limit={limit}&{query}" + (f"&cursor={cursor}" if cursor else "")
        body = api.get(url).get_json()
        ids += [row["id"] for row in body["items"]]
        cursor = body["next_cursor"]
        if cursor is None:
            return ids
    raise AssertionError("the cursor never ended")


@pytest.fixture
def world(make, users):
    """Standard evaluations of two agents, a draft, one open and one revealed
    calibration session (with a benchmark)."""
    card = make.scorecard()
    version = card.versions[0]
    other_agent = make.user("agent")
    standard = [
        submitted(users["reviewer"], make.interaction(users["agent"]), version),
        submitted(users["executive"], make.interaction(other_agent), version),
        submitted(users["reviewer"], make.interaction(users["agent"]), version),
    ]
    evaluations.start(users["reviewer"], make.interaction(users["agent"]), version)  # a draft
    shown = build(make, users, items=1)
    for reviewer in shown.reviewers:
        shown.submit(reviewer, 0, ALL_YES)
    shown.benchmark(0, ALL_YES)
    calibration.reveal(shown.facilitator, shown.session)
    # A second, still open session with one of the same reviewers.
    session = calibration.create(
        users["executive"],
        title="Still blind",
        version_id=shown.session.scorecard_version_id,
        interaction_ids=[make.interaction(users["agent"]).id],
        external_ids="",
        reviewer_ids=[shown.reviewers[1].id],
        deadline=None,
        blind=True,
    )
    hidden = Calib(
        session,
        session_interactions(session),
        [shown.reviewers[1]],
        users["executive"],
        users["agent"],
    )
    hidden.submit(shown.reviewers[1], 0, ALL_YES)
    return {"standard": standard, "hidden": hidden, "shown": shown}


def session_interactions(session):
    return [item.interaction for item in session.items]


def test_each_role_lists_exactly_what_the_policy_lets_it_see(api_as, users, world, make):
    outsider = make.user("reviewer")
    participant = world["shown"].reviewers[0]
    viewers = [*users.values(), outsider, participant, world["hidden"].reviewers[0]]
    viewers.append(world["shown"].reviewers[2])
    every = db.session.scalars(db.select(Evaluation).where(Evaluation.status == "submitted")).all()
    for viewer in viewers:
        expected = {e.id for e in every if policy.can_view(viewer, e)}
        listed = _all(api_as(viewer))
        assert len(listed) == len(set(listed)), viewer
        assert set(listed) == expected, viewer.email
    hidden_ids = {e.id for e in every if e.calibration_session_id == world["hidden"].session.id}
    assert not hidden_ids & set(_all(api_as("admin")))  # blind until the reveal, even for staff


def test_filters_and_newest_first(api_as, users, world):
    api = api_as("executive")
    mine = _all(api, f"agent_id={users['agent'].id}&kind=standard")
    expected = [e.id for e in world["standard"] if e.agent_id == users["agent"].id]
    assert mine == sorted(expected, reverse=True)
    by = _all(api, f"reviewer_id={users['executive'].id}&kind=standard")
    assert by == [world["standard"][1].id]
    one = world["standard"][0]
    assert _all(api, f"interaction_id={one.interaction_id}") == [one.id]
    after = one.submitted_at.isoformat().replace("+", "%2B")
    assert one.id in _all(api, f"submitted_after={after}&kind=standard")
    assert one.id not in _all(api, f"submitted_before={after}&kind=standard")


def test_one_evaluation_with_answers_and_section_scores(api_as, world):
    evaluation = world["standard"][0]
    body = api_as("agent").get(f"{URL}/{evaluation.id}").get_json()
    assert body["total"] == evaluation.total and body["status"] == "submitted"
    assert {a["question_key"] for a in body["answers"]} == {
        a.question_key for a in evaluation.answers
    }
    result = evaluations.card_result(evaluation)
    assert [s["key"] for s in body["sections"]] == [s.key for s in result.sections]
    assert body["scorecard_version"] == 1


def test_another_agents_evaluation_and_unrevealed_work_are_404(api_as, world):
    other = world["standard"][1]
    assert api_as("agent").get(f"{URL}/{other.id}").status_code == 404
    blind = db.session.scalar(
        db.select(Evaluation).where(Evaluation.calibration_session_id == world["hidden"].session.id)
    )
    assert api_as("executive").get(f"{URL}/{blind.id}").status_code == 404
    assert api_as("admin").get(f"{URL}/999999").status_code == 404


def test_a_bad_cursor_or_kind_is_refused(api_as):
    assert api_as("agent").get(f"{URL}?cursor=%%%").get_json()["code"] == "invalid_cursor"
    assert api_as("agent").get(f"{URL}?kind=secret").status_code == 422
