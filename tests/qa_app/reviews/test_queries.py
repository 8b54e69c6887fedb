"""The reviewer's busiest pages cost a fixed number of queries, however long the
queue (no query per row), and the scoring page's hand-written inputs keep the
names and ids WTForms gives them (the page's script and the browser tests use them)."""

import re
from contextlib import contextmanager

import pytest
import sqlalchemy as sa

from qa_app.extensions import db
from qa_app.models import Assignment, Evaluation
from qa_app.reviews import evaluations
from tests.qa_app.reviews.test_workflow import CARD


@pytest.fixture
def card(make):
    return make.scorecard(CARD)


@contextmanager
def counting():
    statements: list[str] = []

    def count(conn, cursor, statement, *args):
        statements.append(statement)

    sa.event.listen(db.engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", count)


def _queue_of(make, reviewer_id, version_id, n):
    for _ in range(n):
        item = make.interaction(make.user("agent"))
        db.session.add(
            Assignment(
                interaction_id=item.id, reviewer_id=reviewer_id, scorecard_version_id=version_id
            )
        )
    db.session.commit()


def _selects(client, path):
    client.get(path)  # warm: sign-in and the scorecard parse are not counted
    db.session.remove()  # each request starts with an empty session, as in production
    with counting() as statements:
        response = client.get(path)
    assert response.status_code == 200
    return [s for s in statements if s.lstrip().upper().startswith("SELECT")]


def test_the_queue_costs_the_same_queries_for_two_rows_or_twelve(client_as, users, make, card):
    reviewer = client_as("reviewer")
    ids = users["reviewer"].id, card.versions[0].id
    _queue_of(make, *ids, 2)
    few = _selects(reviewer, "/reviews/")
    _queue_of(make, *ids, 10)
    many = _selects(reviewer, "/reviews/")
    assert reviewer.get("/reviews/").get_data(as_text=True).count("/start") == 12
    assert len(many) == len(few) <= 6


def test_the_scoring_page_reads_the_evaluation_in_two_queries(client_as, users, make, card):
    reviewer = client_as("reviewer")
    item = make.interaction(users["agent"])
    draft = evaluations.start(users["reviewer"], item, card.versions[0])
    evaluations.save(users["reviewer"], draft, {"greet": "yes", "verify": "na"}, lock_version=1)
    selects = _selects(reviewer, f"/reviews/evaluations/{draft.id}/score")
    about_it = [s for s in selects if ("evaluations" in s or "answers" in s)
                and "FROM auto_answers" not in s]  # fmt: skip
    assert len(about_it) == 2
    # ... plus one for the signed-in user with their unread count, one for
    # the call's recording (the player beside the transcript) and one for the
    # trusted auto-answers pre-filled on a draft.
    assert len(selects) == 5
    assert sum("FROM recordings" in s for s in selects) == 1
    assert sum("FROM auto_answers" in s for s in selects) == 1


def test_the_scoring_page_inputs_are_named_and_numbered_as_wtforms_does(
    client_as, users, make, card
):
    reviewer = client_as("reviewer")
    draft = evaluations.start(users["reviewer"], make.interaction(users["agent"]), card.versions[0])
    evaluations.save(users["reviewer"], draft, {"verify": "na"}, lock_version=1)
    draft_id = draft.id
    page = reviewer.get(f"/reviews/evaluations/{draft.id}/score").get_data(as_text=True)
    radios = re.findall(r'<input class="btn-check" id="([^"]+)" name="([^"]+)" type="radio" '
                        r'value="([^"]+)"( checked)?>', page)  # fmt: skip
    assert [(i, n, v) for i, n, v, _ in radios if n == "answer_verify"] == [
        ("answer_verify-0", "answer_verify", "yes"),
        ("answer_verify-1", "answer_verify", "no"),
        ("answer_verify-2", "answer_verify", "na"),
    ]
    assert [i for i, _, _, checked in radios if checked] == ["answer_verify-2"]
    assert [v for _, n, v, _ in radios if n == "answer_tone"] == ["1", "2", "3", "4", "5"]
    assert 'for="answer_verify-2">N/A</label>' in page
    legends = re.findall(r'<legend class="fs-6 fw-semibold mb-1">([^<]*?) ', page)
    assert legends == ["Greeted?", "Verified?", "Tone"]
    stored = db.session.get(Evaluation, draft_id).lock_version
    assert f'name="lock_version" type="hidden" value="{stored}"' in page
