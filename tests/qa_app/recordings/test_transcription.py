"""Transcription jobs: turns per channel, redacted as imported text is, spoken
card numbers silenced in the stored audio, an imported transcript kept, and a
failed attempt leaving the previous transcript untouched.

A stand-in model (its segments written here) drives the workflow tests; the
real model runs once, on a short espeak-ng call, in the SQLite pass only."""

import os
from collections import namedtuple
from pathlib import Path

import numpy as np
import pytest

from qa_app.extensions import db
from qa_app.models import Job, Recording
from qa_app.recordings import services, storage, transcription
from speech.decode import decode
from tests.speech.sounds import ESPEAK, encode, stereo_call, tones

Segment = namedtuple("Segment", "start end text words")
Word = namedtuple("Word", "start end word")


def _segment(*words):
    return Segment(words[0][0], words[-1][1], "".join(w[2] for w in words),
                   [Word(*w) for w in words])  # fmt: skip


AGENT = [_segment((0.1, 0.4, " Hello,"), (0.4, 0.9, " how"), (0.9, 1.2, " can"),
                  (1.2, 1.4, " I"), (1.4, 1.8, " help?"))]  # fmt: skip
CUSTOMER = [_segment((2.0, 2.2, " My"), (2.2, 2.5, " card"), (2.5, 2.7, " is"),
                     (2.8, 3.6, " 4111111111111111."))]  # fmt: skip


class FakeModel:
    """Answers each channel with the next script; ``fail_first`` raises once."""

    def __init__(self, *scripts, fail_first=False):
        self.scripts, self.calls, self.fail_first = scripts, 0, fail_first

    def transcribe(self, samples, **options):
        if self.fail_first:
            self.fail_first = False
            raise RuntimeError("the worker was killed")
        self.calls += 1
        return iter(self.scripts[(self.calls - 1) % len(self.scripts)]), None


@pytest.fixture
def fake(monkeypatch):
    model = FakeModel(AGENT, CUSTOMER)
    monkeypatch.setattr(transcription, "model", lambda: model)
    return model


RATE = 8000


def _attach(make, users, app, transcript=None, transcribe=True):
    app.config["TRANSCRIBE_ON_UPLOAD"] = transcribe
    item = make.interaction(users["agent"], transcript=transcript or [])
    data = encode(tones(4.0, RATE, 2), RATE, "wav-pcm")
    return item, services.attach(item, data, "call.wav", users["admin"])


def test_turns_per_channel_redacted_and_the_card_silenced_in_the_file(app, make, users, fake):
    item, rec = _attach(make, users, app)
    db.session.refresh(rec)
    assert db.session.get(Job, rec.job_id).status == "succeeded"
    assert [(t["speaker"], t["start"]) for t in rec.transcript] == [
        ("agent", 0.1),
        ("customer", 2.0),
    ]
    assert rec.transcript[1]["text"] == "My card is [CARD ****1111]."
    assert "4111111111111111" not in repr(rec.transcript) + repr(item.transcript)
    assert item.transcript == services.as_interaction_turns(rec.transcript)
    assert rec.silenced == [[2.8, 3.6, "[CARD ****1111]"]]
    # The stored file is the silenced one, and its checksum is the one kept.
    audio = decode(storage.read(rec.storage_name, rec.sha256), max_seconds=60)
    assert rec.mime == "audio/flac" and audio.rate == RATE
    span = audio.samples[:, int(2.8 * RATE) : int(3.6 * RATE)]
    assert np.abs(span).max() < 1e-4  # silence where the card was said
    assert np.abs(audio.samples[:, : int(2.5 * RATE)]).max() > 0.4  # the rest is kept
    assert len(list(Path(app.config["RECORDINGS_FOLDER"]).iterdir())) == 1  # the original is gone


def test_an_imported_transcript_wins_over_a_generated_one(app, make, users, fake, client_as):
    imported = [{"speaker": "agent", "text": "Imported words.", "start_s": 0}]
    item, rec = _attach(make, users, app, transcript=imported)
    db.session.refresh(rec)
    assert rec.transcript and item.transcript == imported
    page = client_as("reviewer").get(f"/interactions/{item.id}").get_data(as_text=True)
    assert "was imported; it is kept" in page and "[CARD ****1111]" in page


def test_a_failed_attempt_keeps_the_old_transcript_and_is_retried(app, make, users, monkeypatch,
                                                                  job_queue):  # fmt: skip
    _, rec = _attach(make, users, app, transcribe=False)
    old = [{"speaker": "agent", "start": 0, "end": 1, "text": "Old.", "words": []}]
    rec.transcript = old
    db.session.commit()
    model = FakeModel(AGENT, CUSTOMER, fail_first=True)
    monkeypatch.setattr(transcription, "model", lambda: model)
    job = transcription.start(rec, users["admin"])
    # The worker's first attempt dies mid-transcription: the old transcript stays,
    # the job is queued again, and the retry finishes the work.
    job_queue.work()
    job = db.session.get(Job, job.id)
    rec = db.session.get(Recording, rec.id)
    assert job.status == "succeeded" and job.attempts == 2
    assert "failed (RuntimeError: the worker was killed)" not in job.error  # cleared on success
    assert [t["speaker"] for t in rec.transcript] == ["agent", "customer"]


def test_nothing_is_written_while_an_attempt_fails(app, make, users, monkeypatch):
    app.config["JOB_RETRIES"] = 0
    item, rec = _attach(make, users, app, transcribe=False)
    model = FakeModel(AGENT, CUSTOMER, fail_first=True)
    monkeypatch.setattr(transcription, "model", lambda: model)
    job = transcription.start(rec, users["admin"])
    db.session.refresh(rec)
    assert db.session.get(Job, job.id).status == "failed"
    assert rec.transcript == [] and rec.silenced == [] and item.transcript == []


def test_a_missing_model_is_a_clear_failure_naming_the_setting(app, make, users, tmp_path):
    app.config["TRANSCRIPTION_MODEL"] = str(tmp_path / "no-model-here")
    _, rec = _attach(make, users, app)
    job = db.session.get(Job, rec.job_id)
    assert job.status == "failed" and "TRANSCRIPTION_MODEL=" in job.error


def _real_model_allowed():
    if os.environ.get("QA_TEST_DB", "sqlite") == "postgresql":
        pytest.skip("runs in the SQLite pass (no database difference in the model)")
    if not Path(ESPEAK).exists() and os.environ.get("CI") != "true":
        pytest.skip("espeak-ng is not installed (/usr/bin/espeak-ng); CI installs it")


def test_a_stereo_call_transcribed_end_to_end_with_the_real_model(app, make, users):
    _real_model_allowed()
    call = stereo_call(
        [("agent", 0.2, "Thank you for calling, how can I help you today?"),
         ("customer", 3.6, "I would like to pay my bill please.")],
        {"agent": "en-us", "customer": "en-gb-x-rp+f3"},
    )  # fmt: skip
    app.config["TRANSCRIBE_ON_UPLOAD"] = True
    item = make.interaction(users["agent"], transcript=[])
    rec = services.attach(item, encode(call, 16000, "wav-pcm"), "call.wav", users["admin"])
    db.session.refresh(rec)
    assert db.session.get(Job, rec.job_id).status == "succeeded"
    speakers = [t["speaker"] for t in rec.transcript]
    assert speakers == ["agent", "customer"], rec.transcript
    assert "help" in rec.transcript[0]["text"].lower()
    assert "pay" in rec.transcript[1]["text"].lower()
    assert abs(rec.transcript[1]["start"] - 3.6) < 0.5
    assert rec.measures["agent_words_per_minute"] > 0
