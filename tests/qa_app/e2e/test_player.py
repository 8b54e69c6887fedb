"""A reviewer plays the call beside the transcript: the waveform draws under the
content security policy (its style by nonce), and nothing is refused."""

import pytest

from qa_app.recordings import services
from tests.qa_app.e2e.conftest import sign_in_page
from tests.qa_app.helpers import PASSWORD
from tests.speech.sounds import encode, tones

pytestmark = pytest.mark.browser


def test_the_waveform_draws_with_no_policy_violation(page, live_server, users, make, app, tmp_path):
    app.config.update(RECORDINGS_FOLDER=str(tmp_path / "recordings"))
    item = make.interaction(users["agent"], external_id="played")
    services.attach(item, encode(tones(2.0, 8000, 2), 8000), "call.wav", users["admin"])
    refused: list[str] = []
    page.on("console", lambda m: refused.append(m.text) if "Content Security Policy" in m.text
            or "Content-Security-Policy" in m.text else None)  # fmt: skip
    sign_in_page(page, users["reviewer"].email, PASSWORD)
    page.goto(f"{live_server}/interactions/{item.id}")
    page.get_by_test_id("recording-audio").wait_for()
    # wavesurfer draws into a canvas inside its shadow root once the audio decoded.
    page.wait_for_function(
        "() => { const host = document.querySelector('[data-waveform] > div');"
        " return host && host.shadowRoot && host.shadowRoot.querySelector('canvas'); }",
        timeout=15000,
    )
    assert refused == []
