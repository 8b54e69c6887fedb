"""Every page that shows a transcript shows a bounded window of it, with the way
to the rest: a five-million-character turn searched for "x" once built a 70 MB
page and grew a worker by a gigabyte."""

import gc
import re
import tracemalloc
from datetime import UTC, datetime

import pytest

from qa_app.extensions import db
from qa_app.interactions.transcript import MARKS, TURN_CHARS
from qa_app.reviews import evaluations

HUGE = 5_000_000
PAGE_BOUND = 1_000_000  # bytes of HTML, whatever the transcript


@pytest.fixture
def huge(users, make):
    return make.interaction(
        users["agent"],
        transcript=[
            {"speaker": "customer", "text": "x" * HUGE, "start_s": 0.0},
            {"speaker": "agent", "text": "Anything else?", "start_s": 5.0},
        ],
    )


def evaluation_of(item, reviewer, card, status="submitted"):
    found = evaluations.new(
        item, scorecard_version_id=card.versions[0].id,
        reviewer_id=reviewer.id, kind="standard", status=status,
        total=80.0 if status == "submitted" else None,
        submitted_at=datetime(2026, 11, 3, tzinfo=UTC) if status == "submitted" else None,
    )  # fmt: skip
    db.session.add(found)
    db.session.commit()
    return found


def links(html: str, testid: str) -> list[str]:
    found = re.findall(rf'href="([^"]+)"[^>]*data-testid="{testid}"', html)
    return [link.replace("&amp;", "&") for link in found]


def test_searching_a_huge_turn_gives_a_small_page_with_the_way_to_the_rest(client_as, huge):
    ex = client_as("executive")
    ex.get(f"/interactions/{huge.id}")  # warm up: templates compiled, caches filled
    gc.collect()
    tracemalloc.start()
    try:
        response = ex.get(f"/interactions/{huge.id}?q=x")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert len(response.data) < PAGE_BOUND
    assert peak < 50 * 1024 * 1024, f"the request allocated {peak / 2**20:.0f} MiB at its peak"
    assert f"5,000,000 matches for “x”; showing the first {MARKS} on this part." in page
    assert page.count("<mark>") == MARKS
    assert 'data-testid="transcript-truncated"' in page
    assert f"{HUGE - TURN_CHARS:,} more characters in this turn" in page
    assert links(page, "turn-rest") == [f"/interactions/{huge.id}?turn=0&at={TURN_CHARS}&q=x"]
    assert links(page, "next-match") == [f"/interactions/{huge.id}?q=x&turn=0&at={MARKS}"]
    assert f"/interactions/{huge.id}/transcript.txt" in page


def test_the_rest_of_a_turn_pages_by_offset_to_its_end(client_as, huge):
    ex = client_as("executive")
    page = ex.get(f"/interactions/{huge.id}?turn=0&at={HUGE - 10}").get_data(as_text=True)
    assert "… " + "x" * 10 + "</div>" in page and "Anything else?" in page
    assert "more characters in this turn" not in page
    assert 'data-testid="transcript-truncated"' in page  # not from the start: a Start link
    for junk in ("abc", "-5", "99999999999999999999", "\uff11"):  # the shared rule: 400, named
        refused = ex.get(f"/interactions/{huge.id}?turn={junk}&at={junk}")
        assert refused.status_code == 400 and "turn: must be a whole number" in refused.get_data(
            as_text=True
        )


def test_the_whole_transcript_downloads_as_text_for_who_may_see_it(client_as, huge):
    response = client_as("agent").get(f"/interactions/{huge.id}/transcript.txt")
    assert response.status_code == 200 and response.mimetype == "text/plain"
    assert "attachment" in response.headers["Content-Disposition"]
    body = response.get_data(as_text=True)
    assert body == "[00:00] Customer: " + "x" * HUGE + "\n[00:05] Agent: Anything else?\n"


def test_another_agent_cannot_download_the_transcript(client_as, make, huge):
    other = make.interaction(make.user("agent"), transcript=[{"speaker": "agent", "text": "x"}])
    assert client_as("agent").get(f"/interactions/{other.id}/transcript.txt").status_code == 404


@pytest.mark.parametrize("who", ["scoring", "evaluation", "agent"])
def test_review_and_feedback_pages_show_a_window_with_a_link_to_the_rest(
    client_as, users, make, huge, who
):
    card = make.scorecard()
    status = "draft" if who == "scoring" else "submitted"
    found = evaluation_of(huge, users["reviewer"], card, status)
    client, url = {
        "scoring": ("reviewer", f"/reviews/evaluations/{found.id}/score"),
        "evaluation": ("executive", f"/reviews/evaluations/{found.id}"),
        "agent": ("agent", f"/feedback/evaluations/{found.id}"),
    }[who]
    response = client_as(client).get(url)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert len(response.data) < PAGE_BOUND
    assert 'data-testid="transcript-truncated"' in page
    assert links(page, "turn-rest") == [f"/interactions/{huge.id}?turn=0&at={TURN_CHARS}"]
    assert f"/interactions/{huge.id}/transcript.txt" in page
    assert "Anything else?" in page  # the turns after a long one still show
