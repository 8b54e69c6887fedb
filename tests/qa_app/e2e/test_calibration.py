"""A calibration session in the browser: created by an executive, scored blind
by three reviewers, revealed, and its consensus published for the agent."""

import pytest

from qa_app.extensions import db
from qa_app.models import CalibrationSession, Evaluation
from qa_app.reviews import evaluations
from tests.qa_app.calibration.support import ALL_YES, CARD
from tests.qa_app.e2e.conftest import nav_to, sign_in_page
from tests.qa_app.helpers import PASSWORD

pytestmark = pytest.mark.browser


def _score_in_browser(tab, external_id, answers):
    """From the session page, through the normal scoring page, and back."""
    tab.get_by_role("button", name=f"Score {external_id}").click()
    tab.wait_for_url("**/reviews/evaluations/*/score")
    for question, label in answers.items():
        tab.locator(f"#question-{question}").get_by_text(label, exact=True).click()
    tab.get_by_role("button", name="Submit").click()
    tab.wait_for_url("**/calibration/*")
    assert tab.get_by_test_id(f"mine-{external_id}").get_by_text("submitted").is_visible()


def _submit_directly(user, session, interaction, answers):
    from qa_app.calibration import services

    evaluation = services.start(user, session, interaction.id, "calibration")
    evaluations.save(user, evaluation, answers, lock_version=evaluation.lock_version, submit=True)


def test_blind_session_from_creation_to_published_consensus(
    browser, live_server, page, users, make
):
    card = make.scorecard(CARD)
    first = make.interaction(users["agent"], external_id="CALL-1001")
    second = make.interaction(users["agent"], external_id="CALL-1002")
    a, b, c = (make.user("reviewer", name=f"Reviewer {x}") for x in "ABC")
    assert card.versions

    # The executive creates the session.
    sign_in_page(page, users["executive"].email, PASSWORD)
    nav_to(page, "Calibration")
    page.get_by_role("link", name="New session").click()
    page.get_by_label("Title").fill("Browser calibration")
    for interaction in (first, second):
        page.locator(f"#pick-{interaction.id}").check()
    for reviewer in (a, b, c):
        page.locator(f"#reviewer-{reviewer.id}").check()
    page.get_by_role("button", name="Create session").click()
    page.get_by_test_id("status").wait_for()
    session = db.session.scalar(db.select(CalibrationSession))
    assert page.get_by_test_id("blind-note").is_visible()

    contexts = {user.id: browser.new_context(base_url=live_server) for user in (a, b, c)}
    tabs = {}
    try:
        for user in (a, b, c):
            tabs[user.id] = contexts[user.id].new_page()
            tabs[user.id].set_default_timeout(10_000)
            sign_in_page(tabs[user.id], user.email, PASSWORD)
            tabs[user.id].goto(f"/calibration/{session.id}")

        # A and B score CALL-1001 blind, with different answers.
        _score_in_browser(
            tabs[a.id],
            "CALL-1001",
            {"greet": "Yes", "verify": "Yes", "tone": "4", "outcome": "Solved"},
        )
        _score_in_browser(
            tabs[b.id],
            "CALL-1001",
            {"greet": "No", "verify": "Yes", "tone": "2", "outcome": "Partly solved"},
        )
        mine = db.session.scalar(
            db.select(Evaluation).where(
                Evaluation.reviewer_id == a.id, Evaluation.interaction_id == first.id
            )
        )
        # C sees nothing of theirs: no progress table, no answers, no page of A's.
        view = tabs[c.id]
        view.reload()
        assert view.get_by_test_id("progress").count() == 0
        assert view.get_by_test_id("mine-CALL-1001").inner_text().startswith("not started")
        assert "submitted" not in view.get_by_test_id("items").inner_text()
        response = view.goto(f"/reviews/evaluations/{mine.id}")
        assert response.status == 404
        view.go_back()

        # Everyone finishes (the rest straight through the service).
        _submit_directly(c, session, first, ALL_YES)
        for user in (a, b, c):
            _submit_directly(user, session, second, ALL_YES)
    finally:
        for context in contexts.values():
            context.close()

    # The facilitator sees who has submitted, then reveals.
    page.reload()
    assert "Everyone has submitted everything" in page.get_by_test_id("missing").inner_text()
    page.get_by_role("button", name="Reveal answers").click()
    grid = page.get_by_test_id("grid-CALL-1001")
    grid.wait_for()
    greet = page.get_by_test_id("row-CALL-1001-greet")
    assert greet.get_attribute("data-disagreement") == "yes"
    assert page.get_by_test_id(f"answer-CALL-1001-greet-{b.id}").inner_text() == "No"
    assert page.get_by_test_id("alpha-nominal").is_visible()

    # The consensus, recorded then published as the official evaluation.
    consensus = {"greet": "yes", "verify": "yes", "tone": "3", "outcome": "solved"}
    for key, value in consensus.items():
        page.get_by_label(f"Consensus for CALL-1001 {key}").select_option(value)
    page.get_by_label("Note for CALL-1001 greet").fill("The greeting names the company.")
    page.get_by_role("button", name="Save notes and consensus for CALL-1001").click()
    page.get_by_text("Notes and consensus saved.").wait_for()
    page.get_by_role("button", name="Publish consensus for CALL-1001").click()
    page.get_by_test_id("published-CALL-1001").wait_for()

    db.session.expire_all()
    official = db.session.scalar(db.select(Evaluation).where(Evaluation.kind == "consensus"))
    assert official.agent_id == users["agent"].id and official.status == "submitted"
    assert official.interaction_id == first.id and official.reviewer_id == users["executive"].id
    assert official.answer_map() == {
        "greet": "yes",
        "verify": "yes",
        "tone": 3,
        "outcome": "solved",
    }

    # The trends page draws its charts from data attributes (no inline script).
    nav_to(page, "Calibration")
    page.get_by_role("link", name="Reviewer trends").click()
    page.get_by_test_id("trends").wait_for()
    page.wait_for_function(
        "() => [...document.querySelectorAll('canvas[data-chart]')]"
        ".every(c => window.Chart && window.Chart.getChart(c))"
    )


def test_outlier_warning_reads_as_one_measure_and_its_margin(page, users, make):
    from qa_app.calibration import services
    from tests.qa_app.calibration.support import build

    calib = build(make, users, items=2, reviewers=2)
    a, b = calib.reviewers
    calib.submit(a, 0, ALL_YES | {"outcome": "partly"})  # 16.7 below the key
    calib.submit(a, 1, ALL_YES | {"tone": "5"})  # 8.3 above it
    for n in range(2):
        calib.submit(b, n, ALL_YES)
        calib.benchmark(n, ALL_YES)
    services.reveal(calib.facilitator, calib.session)

    sign_in_page(page, users["executive"].email, PASSWORD)
    page.goto(f"/calibration/{calib.session.id}")
    warning = page.get_by_test_id(f"outlier-{a.id}").inner_text()
    assert warning == (
        "Reviewer A: mean absolute deviation 12.5 points from the benchmark, 7.5 beyond "
        "the ±5 target (signed mean -4.2: scores lower on balance)"
    )
    assert page.get_by_test_id(f"outlier-{b.id}").count() == 0
