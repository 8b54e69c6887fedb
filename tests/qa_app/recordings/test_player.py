"""The player is on the scoring page and on the agent's own evaluation page,
with the turn times it seeks to; without a recording there is no player."""

import json
import re

import pytest

from qa_app.recordings import services
from qa_app.reviews import evaluations
from tests.speech.sounds import encode, tones

QUESTION = {"key": "greet", "text": "Greeted?", "kind": "yes_no", "points": 2}
CARD = {
    "name": "Mini",
    "channel": "call",
    "sections": [{"key": "a", "title": "Opening", "questions": [QUESTION]}],
}


@pytest.fixture
def draft(make, users):
    item = make.interaction(users["agent"])
    card = make.scorecard(CARD)
    return evaluations.start(users["reviewer"], item, card.versions[0])


def _times(html):
    found = re.search(r"<script type=\"application/json\" data-turn-times>(.*?)</script>", html)
    return json.loads(found.group(1)) if found else None


def test_the_scoring_page_plays_the_call_with_its_turn_times(client_as, users, draft):
    page = client_as("reviewer").get(f"/reviews/evaluations/{draft.id}/score")
    assert page.status_code == 200 and _times(page.get_data(as_text=True)) is None
    services.attach(draft.interaction, encode(tones(1.0, 8000, 2), 8000, "mp3"), "a.mp3",
                    users["admin"])  # fmt: skip
    html = (
        client_as("reviewer").get(f"/reviews/evaluations/{draft.id}/score").get_data(as_text=True)
    )
    assert 'data-testid="recording-audio"' in html and "js/recordings.js" in html
    assert _times(html) == [[0, None], [4, None]]  # the factory's two turns


def test_the_agent_hears_their_evaluated_call(client_as, users, draft):
    services.attach(draft.interaction, encode(tones(1.0, 8000, 2), 8000, "flac"), "a.flac",
                    users["admin"])  # fmt: skip
    evaluations.save(users["reviewer"], draft, {"greet": "yes"}, lock_version=draft.lock_version,
                     submit=True)  # fmt: skip
    html = client_as("agent").get(f"/feedback/evaluations/{draft.id}").get_data(as_text=True)
    assert 'data-testid="recording-audio"' in html
    assert 'data-testid="recording-upload"' not in html  # agents do not upload


def test_only_a_page_with_a_player_allows_the_waveforms_style_by_nonce(client_as, users, draft):
    """wavesurfer.js writes a <style> into its shadow DOM: the page with a
    player names a fresh nonce in its policy and hands it to the player; every
    other page keeps style-src 'self' alone."""
    plain = client_as("reviewer").get(f"/reviews/evaluations/{draft.id}/score")
    assert "style-src 'self';" in plain.headers["Content-Security-Policy"]
    services.attach(draft.interaction, encode(tones(1.0, 8000, 2), 8000, "mp3"), "a.mp3",
                    users["admin"])  # fmt: skip
    nonces = []
    for _ in range(2):
        page = client_as("reviewer").get(f"/reviews/evaluations/{draft.id}/score")
        given = re.search(r'data-style-nonce="([^"]+)"', page.get_data(as_text=True)).group(1)
        assert f"style-src 'self' 'nonce-{given}';" in page.headers["Content-Security-Policy"]
        nonces.append(given)
    assert nonces[0] != nonces[1]  # one per response
