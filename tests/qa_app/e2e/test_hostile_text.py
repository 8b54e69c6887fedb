"""In a real browser, hostile text is inert: pages full of script tags and
event handlers fire no dialog and log no console error (the ``page`` fixture
fails the test on any console error), and the text is shown as typed."""

from __future__ import annotations

import pytest

from qa_app.extensions import db
from qa_app.reviews import evaluations
from tests.qa_app.e2e.conftest import sign_in_page
from tests.qa_app.helpers import PASSWORD

pytestmark = pytest.mark.browser

PAYLOAD = (
    "<script>alert(1)</script><img src=x onerror=alert(2)><svg onload=alert(3)>"
    '"\'><a href="javascript:alert(4)">j</a> {{7*7}} \u202eevil\u200b'
)
CARD = {
    "name": "Card " + PAYLOAD,
    "sections": [
        {
            "key": "main",
            "title": "Section " + PAYLOAD,
            "questions": [
                {
                    "key": "greet",
                    "text": "Q " + PAYLOAD,
                    "kind": "yes_no",
                    "points": 2,
                    "guidance": "G " + PAYLOAD,
                },
                {"key": "tone", "text": "Tone", "kind": "scale", "points": 4},
            ],
        }
    ],
}


def test_pages_full_of_hostile_text_fire_no_script(page, users, make):
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    agent = users["agent"]
    agent.name = "Agent " + PAYLOAD[:100]
    db.session.commit()
    card = make.scorecard(CARD)
    item = make.interaction(
        agent,
        transcript=[{"speaker": "customer", "text": "T " + PAYLOAD, "start_s": 0}],
        meta={"topic": PAYLOAD},
    )
    draft = evaluations.start(users["reviewer"], item, card.versions[0])
    done = evaluations.start(users["reviewer"], make.interaction(agent), card.versions[0])
    evaluations.save(users["reviewer"], done, {"greet": "no", "tone": "3"},
                     comments={"greet": "C " + PAYLOAD}, lock_version=done.lock_version,
                     submit=True)  # fmt: skip

    sign_in_page(page, users["reviewer"].email, PASSWORD)
    for path in (f"/interactions/{item.id}", f"/reviews/evaluations/{draft.id}/score",
                 f"/reviews/evaluations/{done.id}"):  # fmt: skip
        page.goto(path)
        page.wait_for_load_state("networkidle")
        assert "<script>alert(1)</script>" in page.locator("main").inner_text(), path
        assert page.locator("main script, main img[src='x'], main svg[onload]").count() == 0

    page.context.clear_cookies()
    sign_in_page(page, agent.email, PASSWORD)
    page.goto(f"/feedback/evaluations/{done.id}")
    page.wait_for_load_state("networkidle")
    assert "C <script>alert(1)</script>" in page.locator("main").inner_text()
    assert dialogs == []
