"""Nothing a reviewer submits is lost or counted twice (issue 19): stale saves
that differ are conflicts keeping the input, a double click answers as the
first save, a save without its lock is refused, and a reassigned draft is
closed instead of counting a second time."""

import re

import pytest
from sqlalchemy import func

from qa_app.extensions import db
from qa_app.models import Assignment, Evaluation, Notification
from tests.qa_app.helpers import post_form, sign_in
from tests.qa_app.reviews.test_workflow import CARD, _lock, _start


@pytest.fixture
def card(make):
    return make.scorecard(CARD)


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
