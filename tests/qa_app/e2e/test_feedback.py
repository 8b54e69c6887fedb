"""The agents' side in the browser: a new evaluation arrives in the inbox,
the agent disputes one question, an executive overturns it in a second
browser, and the agent sees the new score beside the original one."""

import pytest

from qa_app.extensions import db
from qa_app.models import Dispute
from qa_app.reviews import evaluations
from tests.qa_app.e2e.conftest import nav_to, sign_in_page
from tests.qa_app.helpers import PASSWORD

pytestmark = pytest.mark.browser

CARD = {
    "name": "Support call",
    "channel": "any",
    "sections": [
        {
            "key": "main",
            "title": "Main",
            "questions": [
                {
                    "key": "greet",
                    "text": "Did the agent greet the customer?",
                    "kind": "yes_no",
                    "points": 2,
                    "guidance": "Name and company in the first sentence.",
                },
                {"key": "verify", "text": "Was identity verified?", "kind": "yes_no", "points": 2},
                {"key": "tone", "text": "How was the tone?", "kind": "scale", "points": 4},
            ],
        }
    ],
}


def test_agent_disputes_and_an_executive_overturns(page, browser, live_server, users, make):
    author = make.user("reviewer", name="Rita Reviewer")
    card = make.scorecard(CARD)
    draft = evaluations.start(author, make.interaction(users["agent"]), card.versions[0])
    evaluation = evaluations.save(
        author,
        draft,
        {"greet": "no", "verify": "yes", "tone": "5"},
        comments={"greet": "No greeting <b>heard</b>."},
        lock_version=draft.lock_version,
        submit=True,
    ).evaluation

    # The agent sees the new-evaluation notification and opens it.
    sign_in_page(page, users["agent"].email, PASSWORD)
    assert page.get_by_test_id("unread").inner_text() == "1"
    page.get_by_test_id("inbox").click()
    page.get_by_role("link", name="New evaluation of your call").click()
    page.wait_for_url(f"**/feedback/evaluations/{evaluation.id}")
    assert page.get_by_test_id("total").inner_text() == "75.0%"
    greet = page.get_by_test_id("question-greet")
    assert "No greeting <b>heard</b>." in greet.inner_text()  # shown as text
    assert greet.get_by_test_id("points").inner_text() == "0 / 2"
    assert page.get_by_test_id("unread").count() == 0  # opening marked it read

    # ... and disputes the greeting question.
    page.get_by_role("link", name="Dispute this evaluation").click()
    page.get_by_label("Dispute: Did the agent greet the customer?").check()
    page.get_by_label("Reason for “Did the agent greet the customer?”").fill(
        "I greeted at 0:00, see the transcript."
    )
    page.get_by_role("button", name="Send dispute").click()
    page.get_by_text("Your dispute has been sent.").wait_for()
    assert page.get_by_test_id("dispute-status").inner_text() == "open"

    # An executive, in a second browser context, overturns it.
    context = browser.new_context(base_url=live_server)
    context.set_default_timeout(10_000)
    executive = context.new_page()
    errors = []
    executive.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    sign_in_page(executive, users["executive"].email, PASSWORD)
    nav_to(executive, "Disputes")
    dispute = db.session.scalar(db.select(Dispute))
    executive.locator(f'a[href="/feedback/disputes/{dispute.id}"]').click()
    executive.get_by_label("Overturned (change the answer)").check()
    executive.get_by_label("New answer (if overturned)").select_option("yes")
    executive.get_by_label("Note", exact=True).fill("The greeting is at 0:00.")
    executive.get_by_role("button", name="Resolve dispute").click()
    executive.get_by_text("Dispute resolved: overturned.").wait_for()
    context.close()
    assert errors == []

    # The agent is told, and sees the new score and both versions.
    page.reload()
    assert page.get_by_test_id("unread").inner_text() == "1"
    assert page.get_by_test_id("total").inner_text() == "100.0%"
    assert page.get_by_test_id("dispute-outcome").inner_text() == "overturned"
    greet = page.get_by_test_id("question-greet")
    assert greet.get_by_test_id("answer").inner_text().startswith("Yes")
    assert greet.get_by_test_id("was").inner_text() == "changed on dispute; was No"
    assert "75.0% → 100.0%" in page.get_by_test_id("dispute-resolution").inner_text()
    change = page.get_by_test_id("change").inner_text()
    assert "Dispute resolved" in change and "The greeting is at 0:00." in page.content()

    # Home: the chart is drawn from the data attribute by feedback.js.
    nav_to(page, "My feedback")
    page.wait_for_url("**/feedback/")
    page.wait_for_load_state("load")
    assert page.locator("#trend-chart").evaluate("canvas => canvas.chart.data.datasets.length") == 2
    assert "Did the agent greet the customer?" not in page.get_by_test_id("recent").inner_text()
