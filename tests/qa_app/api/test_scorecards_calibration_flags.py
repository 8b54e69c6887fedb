"""/api/v1/scorecards, calibration results and flags: the pages' roles and rules."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from qa_app.calibration import services as calibration
from qa_app.extensions import db
from qa_app.models import Flag, FlagModel
from tests.qa_app.calibration.support import ALL_YES, build


def test_scorecards_list_their_published_versions(api_as, make):
    card = make.scorecard(versions=2)
    draft = make.scorecard(versions=0)
    body = api_as("reviewer").get("/api/v1/scorecards").get_json()
    listed = {item["id"]: item for item in body["items"]}
    assert [v["number"] for v in listed[card.id]["versions"]] == [1, 2]
    assert listed[draft.id]["versions"] == [] and listed[draft.id]["status"] == "draft"


def test_one_version_holds_its_definition(api_as, make):
    card = make.scorecard(versions=2)
    body = api_as("executive").get(f"/api/v1/scorecards/{card.id}/versions/2").get_json()
    assert body["number"] == 2 and body["definition"] == card.versions[1].definition
    missing = api_as("executive").get(f"/api/v1/scorecards/{card.id}/versions/3")
    assert missing.status_code == 404
    assert api_as("executive").get("/api/v1/scorecards/999/versions/1").status_code == 404


def test_agents_do_not_read_scorecards_as_on_the_pages(api_as, make):
    card = make.scorecard()
    for path in ("/api/v1/scorecards", f"/api/v1/scorecards/{card.id}/versions/1"):
        response = api_as("agent").get(path)
        assert response.status_code == 403 and response.get_json()["code"] == "forbidden"


def _results(api, calib):
    return api.get(f"/api/v1/calibration/sessions/{calib.session.id}/results")


def test_calibration_results_stay_hidden_until_the_reveal(api_as, make, users):
    calib = build(make, users, items=2, reviewers=2)
    a, b = calib.reviewers
    for n in range(2):
        calib.submit(a, n, ALL_YES)
        calib.submit(b, n, ALL_YES | {"greet": "no", "tone": "2"})
    before = _results(api_as(a), calib)
    assert before.status_code == 409 and before.get_json()["code"] == "not_revealed"
    assert "answers" not in before.get_data(as_text=True)

    calibration.reveal(calib.facilitator, calib.session)
    body = _results(api_as(a), calib).get_json()
    assert body["status"] != "open" and body["reference"] == "median"
    assert {r["reviewer_id"] for r in body["reviewers"]} == {a.id, b.id}
    first = body["interactions"][0]
    assert first["interaction_id"] == calib.interactions[0].id
    assert first["totals"][str(a.id)] > first["totals"][str(b.id)]
    assert body["percent_agreement"]["value"] < 1
    assert "nominal" in body["alpha"]


def test_calibration_results_follow_the_session_pages_visibility(api_as, make, users):
    calib = build(make, users, items=1, reviewers=1)
    calib.submit(calib.reviewers[0], 0, ALL_YES)
    calibration.reveal(calib.facilitator, calib.session)
    assert _results(api_as(make.user("reviewer")), calib).status_code == 404
    assert _results(api_as("admin"), calib).status_code == 200
    assert _results(api_as("agent"), calib).status_code == 403
    unknown = api_as("executive").get("/api/v1/calibration/sessions/999/results")
    assert unknown.status_code == 404


@pytest.fixture
def flags(make, users):
    """Five flags of the active model (two teams, two targets), one of an old model."""
    old = FlagModel(target="escalation", version=1, status="ready", active=False)
    every = {"flag_threshold": 0.1, "budget": 1.0}  # every score here is a flag
    active = FlagModel(target="escalation", version=2, status="ready", active=True, meta=every)
    coaching = FlagModel(target="coaching", version=1, status="ready", active=True, meta=every)
    db.session.add_all([old, active, coaching])
    db.session.flush()
    elsewhere = make.user("agent", team=make.team("Sales"))
    start = datetime(2026, 11, 3, tzinfo=UTC)
    rows = []
    for n in range(5):
        agent = users["agent"] if n % 2 == 0 else elsewhere
        model = coaching if n == 4 else active
        rows.append(
            Flag(
                interaction_id=make.interaction(agent, channel="call" if n < 3 else "email").id,
                model_id=model.id,
                target=model.target,
                probability=0.2 * (n + 1) - 0.05,
                reasons=[{"feature": "word:refund", "weight": 0.4}],
                created_at=start + timedelta(minutes=n),
                review="confirmed" if n == 1 else None,
            )
        )
    rows.append(
        Flag(
            interaction_id=make.interaction(users["agent"]).id,
            model_id=old.id,
            target="escalation",
            probability=0.9,
            created_at=start,
        )
    )
    db.session.add_all(rows)
    db.session.commit()
    return rows


def _ids(api, query=""):
    ids, cursor = [], None
    for _ in range(50):
        url = f"/api/v1/flags?limit=2&{query}" + (f"&cursor={cursor}" if cursor else "")
        response = api.get(url)
        assert response.status_code == 200, response.get_json()
        ids += [row["id"] for row in response.get_json()["items"]]
        cursor = response.get_json()["next_cursor"]
        if cursor is None:
            return ids
    raise AssertionError("the cursor never ended")


def test_flags_of_active_models_newest_first_in_complete_pages(api_as, flags):
    api = api_as("reviewer")
    assert _ids(api) == [f.id for f in flags[:5]][::-1]
    # The old model's flag shares flags[0]'s time: the higher id comes first.
    everything = [f.id for f in reversed(flags[1:5])] + [flags[5].id, flags[0].id]
    assert _ids(api, "all_models=true") == everything
    body = api.get("/api/v1/flags?limit=1").get_json()
    assert body["items"][0]["reasons"] == [{"feature": "word:refund", "weight": 0.4}]


def test_flag_filters(api_as, users, flags):
    api = api_as("executive")
    assert _ids(api, "target=coaching") == [flags[4].id]
    assert _ids(api, "review=confirmed") == [flags[1].id]
    assert flags[1].id not in _ids(api, "review=none")
    assert _ids(api, "min_probability=0.5") == [flags[4].id, flags[3].id, flags[2].id]
    team = _ids(api, f"team_id={users['agent'].team_id}")
    assert team == [flags[4].id, flags[2].id, flags[0].id]
    assert _ids(api, "channel=email") == [flags[4].id, flags[3].id]
    assert _ids(api, f"interaction_id={flags[0].interaction_id}") == [flags[0].id]
    assert api.get("/api/v1/flags?min_probability=2").status_code == 422


def test_a_score_below_the_cut_is_no_flag_unless_every_score_is_asked_for(api_as, flags):
    """The API lists what the Flagged queue lists: scores within the active
    model's threshold and review budget (``qa_app.flags.flagged``)."""
    escalation = db.session.get(FlagModel, flags[0].model_id)
    escalation.meta = {"flag_threshold": 0.5, "budget": 1.0}
    db.session.commit()
    api = api_as("reviewer")
    listed = {item["id"] for item in api.get("/api/v1/flags?limit=100").get_json()["items"]}
    assert listed == {flags[2].id, flags[3].id, flags[4].id}  # 0.55, 0.75 and coaching's 0.95
    every = api.get("/api/v1/flags?limit=100&all_models=true").get_json()["items"]
    assert {item["id"] for item in every} == {f.id for f in flags}


def test_agents_may_not_read_flags(api_as, flags):
    assert api_as("agent").get("/api/v1/flags").status_code == 403
