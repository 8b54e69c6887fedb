"""The reviewer's day through the pages: queue, rules, scoring, result."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import func

from qa_app.extensions import db
from qa_app.models import Assignment, Evaluation, Notification, SamplingRule, utcnow
from qa_app.reviews import evaluations
from tests.qa_app.helpers import post_form, sign_in

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


# --- lost and double-counted work (issue 19) ----------------------------------

FULL = {"answer_greet": "yes", "answer_verify": "yes", "answer_tone": "5"}


def _score(client, evaluation_id, data, **kwargs):
    return post_form(client, f"/reviews/evaluations/{evaluation_id}/score", data, **kwargs)


def test_a_stale_post_with_the_same_answers_and_new_notes_is_a_conflict_keeping_them(
    client_as, users, make, card
):
    reviewer, executive = client_as("reviewer"), client_as("executive")
    evaluation_id = _start(reviewer, make.interaction(users["agent"]), card)
    _score(
        reviewer, evaluation_id, {"lock_version": _lock(evaluation_id), **FULL, "action": "submit"}
    )
    seen_by_both = _lock(evaluation_id)
    fixed = _score(
        executive, evaluation_id, {"lock_version": seen_by_both, **FULL, "comment": "lead's view"}
    )
    assert fixed.status_code == 302
    late = _score(
        reviewer,
        evaluation_id,
        {
            "lock_version": seen_by_both,
            **FULL,
            "comment": "my overall comment",
            "comment_tone": "my note on tone",
            "action": "submit",
        },
    )
    assert late.status_code == 409
    html = late.get_data(as_text=True)
    assert "Someone else saved this evaluation" in html
    assert "my overall comment" in html and "my note on tone" in html
    db.session.expire_all()
    stored = db.session.get(Evaluation, evaluation_id)
    assert stored.comment == "lead's view" and all(not a.comment for a in stored.answers)


def test_a_post_without_lock_version_is_a_400_that_changes_nothing(client_as, users, make, card):
    reviewer = client_as("reviewer")
    evaluation_id = _start(reviewer, make.interaction(users["agent"]), card)
    before = _lock(evaluation_id)
    posted = {**FULL, "comment": "keep me", "action": "submit"}
    for data in (posted, {"lock_version": " ", **posted}):
        response = _score(reviewer, evaluation_id, data)
        assert response.status_code == 400
        html = response.get_data(as_text=True)
        assert "lock_version is missing" in html and "keep me" in html
    autosaved = post_form(reviewer, f"/reviews/evaluations/{evaluation_id}/autosave", FULL)
    assert autosaved.status_code == 400
    assert autosaved.get_json()["error"]["field"] == "lock_version"
    assert "lock_version is missing" in autosaved.get_json()["error"]["message"]
    db.session.expire_all()
    stored = db.session.get(Evaluation, evaluation_id)
    assert stored.status == "draft" and stored.answer_map() == {} and _lock(evaluation_id) == before


@pytest.mark.parametrize(
    ("action", "flashed"), [("submit", "Evaluation submitted."), ("save", "Draft saved.")]
)
def test_an_identical_repeat_answers_as_the_save_that_just_succeeded(
    client_as, users, make, card, action, flashed
):
    reviewer = client_as("reviewer")
    evaluation_id = _start(reviewer, make.interaction(users["agent"]), card)
    data = {"lock_version": _lock(evaluation_id), **FULL, "comment": "fine", "action": action}
    first = _score(reviewer, evaluation_id, data)
    after_first = _lock(evaluation_id)
    second = _score(reviewer, evaluation_id, data, follow_redirects=True)
    assert first.status_code == 302 and second.status_code == 200
    assert second.request.path == first.headers["Location"].split("?")[0]
    html = second.get_data(as_text=True)
    assert flashed in html and "Someone else saved" not in html
    assert _lock(evaluation_id) == after_first  # nothing written twice
    autosave = post_form(
        reviewer, f"/reviews/evaluations/{evaluation_id}/autosave", {**data, "action": ""}
    )
    if action == "save":  # a late autosave of the same input is a repeat too
        assert (
            autosave.status_code == 200 and str(autosave.get_json()["lock_version"]) == after_first
        )


def _assignment(users, make, card, reviewer):
    assignment = Assignment(
        interaction_id=make.interaction(users["agent"]).id,
        reviewer_id=reviewer.id,
        scorecard_version_id=card.versions[0].id,
    )
    db.session.add(assignment)
    db.session.commit()
    return assignment


def _counted(interaction_id):
    return db.session.scalar(
        db.select(func.count())
        .select_from(Evaluation)
        .where(Evaluation.interaction_id == interaction_id, Evaluation.counted)
    )


def test_after_a_reassignment_the_old_draft_is_closed_and_the_assignment_counts_once(
    app, client_as, users, make, card
):
    first, second = client_as("reviewer"), make.user("reviewer", team=users["agent"].team)
    assignment = _assignment(users, make, card, users["reviewer"])
    started = post_form(first, f"/reviews/assignments/{assignment.id}/start", {})
    old = int(re.search(r"/evaluations/(\d+)/", started.headers["Location"]).group(1))
    old_lock = _lock(old)
    _score(first, old, {"lock_version": old_lock, **FULL, "action": "save"})
    old_lock = _lock(old)
    post_form(
        client_as("executive"),
        f"/reviews/assignments/{assignment.id}/reassign",
        {"reviewer_id": second.id},
    )
    db.session.expire_all()
    closed = db.session.get(Evaluation, old)
    assert closed.status == "superseded" and second.name in closed.closed_reason
    assert closed.answer_map() == {"greet": "yes", "verify": "yes", "tone": 5}  # kept
    told = db.session.scalar(
        db.select(Notification).where(Notification.user_id == users["reviewer"].id)
    )
    assert told.body == closed.closed_reason and told.link == f"/reviews/evaluations/{old}"

    # The first reviewer's open page submits the old draft: refused, input kept.
    late = _score(
        first, old, {"lock_version": old_lock, **FULL, "comment": "mine", "action": "submit"}
    )
    html = late.get_data(as_text=True)
    assert late.status_code == 409 and closed.closed_reason in html and "mine" in html
    assert 'value="submit"' not in html  # a closed draft offers no submit
    page = first.get(f"/reviews/evaluations/{old}").get_data(as_text=True)
    assert 'data-testid="closed-reason"' in page and second.name in page
    assert first.get(f"/reviews/evaluations/{old}/score").status_code == 302  # to the closed page

    other = app.test_client()
    sign_in(other, second.email)
    started = post_form(other, f"/reviews/assignments/{assignment.id}/start", {})
    new = int(re.search(r"/evaluations/(\d+)/", started.headers["Location"]).group(1))
    assert new != old
    _score(other, new, {"lock_version": _lock(new), **FULL, "action": "submit"})
    db.session.expire_all()
    assert db.session.get(Assignment, assignment.id).status == "done"
    assert _counted(assignment.interaction_id) == 1
    assert db.session.get(Evaluation, old).status == "superseded"
