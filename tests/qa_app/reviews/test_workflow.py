"""The reviewer's day through the pages: queue, rules, scoring, result."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import func

from qa_app.extensions import db
from qa_app.models import Assignment, Evaluation, SamplingRule, utcnow
from qa_app.reviews import evaluations
from tests.qa_app.helpers import post_form

CARD = {
    "name": "Mini",
    "channel": "any",
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
                },
                {"key": "tone", "text": "Tone", "kind": "scale", "points": 4, "min": 1, "max": 5},
            ],
        }
    ],
}


@pytest.fixture
def card(make):
    return make.scorecard(CARD)


def _lock(evaluation_id):
    db.session.expire_all()
    return str(db.session.get(Evaluation, evaluation_id).lock_version)


def _start(client, interaction, card):
    response = post_form(
        client, "/reviews/start", {"interaction_id": interaction.id, "scorecard_id": card.id}
    )
    assert response.status_code == 302
    return int(re.search(r"/evaluations/(\d+)/score", response.headers["Location"]).group(1))


def test_ad_hoc_evaluation_saves_a_draft_then_submits(client_as, users, make, card):
    reviewer = client_as("reviewer")
    item = make.interaction(users["agent"])
    evaluation_id = _start(reviewer, item, card)
    assert _start(reviewer, item, card) == evaluation_id  # a second click: same draft

    page = reviewer.get(f"/reviews/evaluations/{evaluation_id}/score").get_data(as_text=True)
    assert "My parcel is late." in page and "Greeted?" in page
    draft = post_form(
        reviewer,
        f"/reviews/evaluations/{evaluation_id}/score",
        {
            "lock_version": _lock(evaluation_id),
            "answer_greet": "yes",
            "answer_verify": "na",
            "comment_greet": "Warm welcome",
            "action": "save",
        },
    )
    assert draft.status_code == 302
    reloaded = reviewer.get(f"/reviews/evaluations/{evaluation_id}/score").get_data(as_text=True)
    assert re.search(r'value="na"[^>]*checked|checked[^>]*value="na"', reloaded)
    assert "Warm welcome" in reloaded

    done = post_form(
        reviewer,
        f"/reviews/evaluations/{evaluation_id}/score",
        {
            "lock_version": _lock(evaluation_id),
            "answer_greet": "yes",
            "answer_verify": "na",
            "answer_tone": "4",
            "comment_greet": "Warm welcome",
            "seconds": "95",
            "action": "submit",
        },
    )
    assert done.status_code == 302
    stored = db.session.get(Evaluation, evaluation_id)
    assert stored.status == "submitted" and stored.total == pytest.approx(500 / 6)
    assert stored.time_spent_seconds == 95
    result = reviewer.get(done.headers["Location"]).get_data(as_text=True)
    assert "83.3" in result and "Warm welcome" in result


def test_submit_with_a_missing_answer_points_at_it_and_keeps_the_input(
    client_as, users, make, card
):
    reviewer = client_as("reviewer")
    evaluation_id = _start(reviewer, make.interaction(users["agent"]), card)
    response = post_form(
        reviewer,
        f"/reviews/evaluations/{evaluation_id}/score",
        {"lock_version": _lock(evaluation_id), "answer_greet": "no", "action": "submit"},
        follow_redirects=True,
    )
    html = response.get_data(as_text=True)
    assert "2 left" in html
    assert 'data-testid="missing-verify"' in html and 'data-testid="missing-tone"' in html
    assert 'data-testid="missing-greet"' not in html
    stored = db.session.get(Evaluation, evaluation_id)
    assert stored.status == "draft" and stored.answer_map() == {"greet": "no"}


def test_two_people_editing_the_second_save_is_refused_and_input_kept(client_as, users, make, card):
    reviewer, executive = client_as("reviewer"), client_as("executive")
    evaluation_id = _start(reviewer, make.interaction(users["agent"]), card)
    answers = {"answer_greet": "yes", "answer_verify": "yes", "answer_tone": "5"}
    post_form(
        reviewer,
        f"/reviews/evaluations/{evaluation_id}/score",
        {"lock_version": _lock(evaluation_id), **answers, "action": "submit"},
    )
    seen_by_both = _lock(evaluation_id)
    first = post_form(
        executive,
        f"/reviews/evaluations/{evaluation_id}/score",
        {"lock_version": seen_by_both, **answers, "answer_tone": "2"},
    )
    assert first.status_code == 302
    second = post_form(
        reviewer,
        f"/reviews/evaluations/{evaluation_id}/score",
        {"lock_version": seen_by_both, **answers, "answer_tone": "3", "comment": "my careful note"},
    )
    assert second.status_code == 409
    html = second.get_data(as_text=True)
    assert "Someone else saved this evaluation" in html and "my careful note" in html
    db.session.expire_all()
    assert db.session.get(Evaluation, evaluation_id).answer_map()["tone"] == 2


def test_double_submit_creates_one_submitted_evaluation(client_as, users, make, card):
    reviewer = client_as("reviewer")
    evaluation_id = _start(reviewer, make.interaction(users["agent"]), card)
    data = {
        "lock_version": _lock(evaluation_id),
        "answer_greet": "yes",
        "answer_verify": "yes",
        "answer_tone": "5",
        "action": "submit",
    }
    assert (
        post_form(reviewer, f"/reviews/evaluations/{evaluation_id}/score", data).status_code == 302
    )
    again = post_form(reviewer, f"/reviews/evaluations/{evaluation_id}/score", data)
    assert again.status_code == 302
    assert db.session.scalar(db.select(func.count()).select_from(Evaluation)) == 1


def test_autosave_returns_the_engine_score_and_a_new_lock(client_as, users, make, card):
    reviewer = client_as("reviewer")
    evaluation_id = _start(reviewer, make.interaction(users["agent"]), card)
    response = post_form(
        reviewer,
        f"/reviews/evaluations/{evaluation_id}/autosave",
        {"lock_version": _lock(evaluation_id), "answer_greet": "no", "answer_tone": "5"},
    )
    body = response.get_json()
    assert response.status_code == 200 and body["saved"] is True
    assert body["total"] == pytest.approx(4 / 6 * 100)
    assert body["missing"] == ["verify"]
    assert str(body["lock_version"]) == _lock(evaluation_id)
    bad = post_form(
        reviewer,
        f"/reviews/evaluations/{evaluation_id}/autosave",
        {"lock_version": _lock(evaluation_id), "answer_greet": "maybe"},
    )
    assert bad.status_code == 422 and "answer_greet" in bad.get_json()["error"]["fields"]


def test_reviewers_cannot_edit_someone_elses_evaluation(client_as, users, make, card):
    other = make.user("reviewer", team=users["agent"].team)
    evaluation = evaluations.start(other, make.interaction(users["agent"]), card.versions[0])
    response = client_as("reviewer").get(f"/reviews/evaluations/{evaluation.id}/score")
    assert response.status_code == 403
    assert client_as("reviewer").get("/reviews/evaluations/999/score").status_code == 404


def test_agent_sees_only_their_own_submitted_evaluation(client_as, users, make, card):
    mine = evaluations.start(users["reviewer"], make.interaction(users["agent"]), card.versions[0])
    agent = client_as("agent")
    assert agent.get(f"/reviews/evaluations/{mine.id}").status_code == 404  # still a draft
    evaluations.save(
        users["reviewer"],
        mine,
        {"greet": "yes", "verify": "na", "tone": "3"},
        lock_version=mine.lock_version,
        submit=True,
    )
    assert agent.get(f"/reviews/evaluations/{mine.id}").status_code == 200
    someone = make.user("agent", team=users["agent"].team)
    theirs = evaluations.start(users["reviewer"], make.interaction(someone), card.versions[0])
    evaluations.save(
        users["reviewer"],
        theirs,
        {"greet": "yes", "verify": "na", "tone": "3"},
        lock_version=theirs.lock_version,
        submit=True,
    )
    assert agent.get(f"/reviews/evaluations/{theirs.id}").status_code == 404


def test_rule_preview_then_run_creates_exactly_the_preview(client_as, users, make, card):
    team = users["agent"].team
    agents = [users["agent"], make.user("agent", team=team)]
    recent = utcnow() - timedelta(days=1)
    for agent in agents:
        for _ in range(5):
            make.interaction(agent, started_at=recent)
    old = make.interaction(agents[0], started_at=utcnow() - timedelta(days=30))
    second_reviewer = make.user("reviewer", team=team)
    executive = client_as("executive")
    response = post_form(
        executive,
        "/reviews/rules/new",
        {
            "name": "Weekly two",
            "scorecard_id": card.id,
            "per_agent": "2",
            "period_days": "7",
            "mode": "random",
            "team_id": "0",
            "channel": "",
            "reviewer_ids": [users["reviewer"].id, second_reviewer.id],
            "due_days": "3",
        },
    )
    assert response.status_code == 302
    rule = db.session.scalar(db.select(SamplingRule))
    preview = executive.get(f"/reviews/rules/{rule.id}?seed=11").get_data(as_text=True)
    previewed = set(re.findall(r"<td>(ext-\d+)</td>", preview))
    assert len(previewed) == 4 and old.external_id not in previewed
    assert post_form(executive, f"/reviews/rules/{rule.id}", {"seed": "11"}).status_code == 302
    made = db.session.scalars(db.select(Assignment)).all()
    assert {a.interaction.external_id for a in made} == previewed
    assert sorted(
        sum(1 for a in made if a.reviewer_id == r.id) for r in (users["reviewer"], second_reviewer)
    ) == [2, 2]
    # The quota is per agent per period: a second run over the same period
    # finds every agent at 2 already and offers (and creates) nothing.
    again = executive.get(f"/reviews/rules/{rule.id}?seed=12").get_data(as_text=True)
    assert not re.findall(r"<td>(ext-\d+)</td>", again)
    post_form(executive, f"/reviews/rules/{rule.id}", {"seed": "12"})
    assert db.session.scalar(db.select(func.count()).select_from(Assignment)) == 4


def test_rule_tops_up_only_places_freed_by_a_cancelled_assignment(client_as, users, make, card):
    """Finished (done) assignments and reviews still use up the agent's
    places; only a cancelled one frees its place for the next run."""
    agent = users["agent"]
    recent = utcnow() - timedelta(days=1)
    items = [make.interaction(agent, started_at=recent) for _ in range(6)]
    rule = SamplingRule(
        name="Two a week",
        scorecard_id=card.id,
        per_agent=2,
        period_days=7,
        mode="random",
        filters={},
        reviewer_ids=[users["reviewer"].id],
        due_days=3,
        created_by_id=users["executive"].id,
    )
    db.session.add(rule)
    db.session.commit()
    executive = client_as("executive")
    assert post_form(executive, f"/reviews/rules/{rule.id}", {"seed": "1"}).status_code == 302
    first, second = db.session.scalars(db.select(Assignment).order_by(Assignment.id)).all()
    first.status, second.status = "done", "cancelled"
    db.session.commit()
    post_form(executive, f"/reviews/rules/{rule.id}", {"seed": "2"})
    rows = db.session.scalars(db.select(Assignment).order_by(Assignment.id)).all()
    assert len(rows) == 3
    assert rows[2].interaction_id != first.interaction_id  # done: not drawn again
    assert rows[2].interaction_id in {i.id for i in items}
    # Nothing freed now: a further run adds none.
    post_form(executive, f"/reviews/rules/{rule.id}", {"seed": "3"})
    assert db.session.scalar(db.select(func.count()).select_from(Assignment)) == 3


def test_queue_lists_my_assignments_and_leads_can_reassign(client_as, users, make, card):
    item = make.interaction(users["agent"])
    assignment = Assignment(
        interaction_id=item.id,
        reviewer_id=users["reviewer"].id,
        scorecard_version_id=card.versions[0].id,
        due_at=utcnow() - timedelta(days=1),
    )
    db.session.add(assignment)
    db.session.commit()
    page = client_as("reviewer").get("/reviews/").get_data(as_text=True)
    assert item.external_id in page and "text-danger fw-semibold" in page  # overdue
    other = make.user("reviewer", team=users["agent"].team)
    post_form(
        client_as("executive"),
        f"/reviews/assignments/{assignment.id}/reassign",
        {"reviewer_id": other.id},
    )
    db.session.expire_all()
    assert db.session.get(Assignment, assignment.id).reviewer_id == other.id
    refused = post_form(
        client_as("executive"),
        f"/reviews/assignments/{assignment.id}/reassign",
        {"reviewer_id": users["agent"].id},
        follow_redirects=True,
    )
    assert "Choose a reviewer from the list." in refused.get_data(as_text=True)


def test_starting_an_assignment_then_submitting_closes_it(client_as, users, make, card):
    item = make.interaction(users["agent"])
    assignment = Assignment(
        interaction_id=item.id,
        reviewer_id=users["reviewer"].id,
        scorecard_version_id=card.versions[0].id,
    )
    db.session.add(assignment)
    db.session.commit()
    reviewer = client_as("reviewer")
    response = post_form(reviewer, f"/reviews/assignments/{assignment.id}/start", {})
    evaluation_id = int(re.search(r"/evaluations/(\d+)/", response.headers["Location"]).group(1))
    post_form(
        reviewer,
        f"/reviews/evaluations/{evaluation_id}/score",
        {
            "lock_version": _lock(evaluation_id),
            "answer_greet": "yes",
            "answer_verify": "yes",
            "answer_tone": "5",
            "action": "submit",
        },
    )
    db.session.expire_all()
    assert db.session.get(Assignment, assignment.id).status == "done"


SECTION_CARD = {
    "name": "Sections",
    "channel": "any",
    "sections": [
        {
            "key": "open",
            "title": "Opening",
            "questions": [
                {
                    "key": "disclose",
                    "text": "Read the recording disclosure?",
                    "kind": "yes_no",
                    "points": 2,
                    "critical": {"scope": "section", "fail_on": ["no"]},
                },
                {"key": "greet", "text": "Greeted?", "kind": "yes_no", "points": 2},
            ],
        },
        {
            "key": "rest",
            "title": "Rest",
            "questions": [{"key": "tone", "text": "Tone", "kind": "yes_no", "points": 4}],
        },
    ],
}


def test_evaluation_page_names_a_section_auto_fail_and_the_score_before(make, users, client_as):
    from html import unescape

    card = make.scorecard(SECTION_CARD)
    reviewer = users["reviewer"]
    draft = evaluations.start(reviewer, make.interaction(users["agent"]), card.versions[0])
    evaluations.save(
        reviewer,
        draft,
        {"disclose": "no", "greet": "yes", "tone": "yes"},
        lock_version=draft.lock_version,
        submit=True,
    )
    page = unescape(client_as("reviewer").get(f"/reviews/evaluations/{draft.id}").get_data(True))
    # Opening zeroed: 0 + 4 of 8 = 50 %; before auto-fail 6 of 8 = 75 %.
    assert (
        "Read the recording disclosure? (answered No): auto-fail question, no critical-error "
        "family; auto-fail: section “Opening” scored 0"
    ) in page
    summary = page[page.index('data-testid="auto-fail-summary">') :]
    assert summary.split(">", 1)[1].startswith(
        "Auto-fail: section “Opening” scored 0 (question “Read the recording disclosure?”). "
        "The evaluation scores 50.0%; before auto-fail it scored 75.0%."
    )
