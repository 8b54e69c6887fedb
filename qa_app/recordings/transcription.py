"""Transcription as a background job, one per recording, on the job queue.

The job decodes the stored file, transcribes each channel (``speech.transcribe``),
redacts the turns with the deployment's redaction policy (the same rules as
imported text), silences in the audio where a card number or national id was
spoken, and commits all of it at once: a worker stopped on the way leaves
nothing half written (the job is retried by the queue or the reaper), and a
re-transcription keeps the previous transcript until the new one is complete.

The generated transcript becomes the interaction's transcript only when the
interaction has none, or has the one an earlier transcription wrote: an
imported transcript always wins.
"""

from __future__ import annotations

import io
import threading
from typing import Any

import soundfile
from flask import current_app

from qa_app.extensions import db
from qa_app.interactions import redaction
from qa_app.jobs import runner
from qa_app.jobs.registry import JobFailedError, Reporter, register
from qa_app.models import Job, Recording, User, utcnow
from qa_app.recordings import services, settings, storage
from speech import decode as audio_decode
from speech import redact as audio_redact
from speech import transcribe as stt
from speech.measures import call_measures

KIND = "recordings.transcribe"
_MODELS: dict[tuple[str, int], Any] = {}
_LOADING = threading.Lock()


def start(rec: Recording, actor: User) -> Job:
    """Queue a transcription of ``rec`` (in immediate mode, done on return)."""
    title = f"Transcribe the recording of interaction {rec.interaction_id}"
    job = runner.create(KIND, actor, title, {"recording_id": rec.id, "sha256": rec.sha256})
    rec.job_id = job.id
    db.session.commit()
    runner.enqueue(job)
    return job


def model() -> Any:
    """The configured Whisper model, loaded once per process."""
    setting = str(settings.get("TRANSCRIPTION_MODEL"))
    key = (setting, int(settings.get("TRANSCRIPTION_THREADS")))
    with _LOADING:
        if key not in _MODELS:
            _MODELS[key] = stt.load_model(setting, threads=key[1])
        return _MODELS[key]


def job_of(rec: Recording | None) -> Job | None:
    return db.session.get(Job, rec.job_id) if rec is not None and rec.job_id else None


@register(KIND)
def _run(job: Job, report: Reporter) -> dict[str, Any]:
    rec = db.session.get(Recording, job.params["recording_id"])
    if rec is None or rec.sha256 != job.params["sha256"]:
        raise JobFailedError("The recording was replaced or removed; nothing to transcribe.")
    try:
        data = storage.read(rec.storage_name, rec.sha256)
    except storage.ChecksumError as exc:
        raise JobFailedError(f"The recording cannot be read: {exc}.") from exc
    report.step("loading the model", 2)
    try:
        whisper = model()
    except stt.ModelMissingError as exc:
        raise JobFailedError(str(exc)) from exc
    limit = float(settings.get("RECORDING_MAX_SECONDS"))
    audio = audio_decode.decode(data, max_seconds=limit, rate=stt.RATE)
    report.step("transcribing", 5)

    def progress(done: float) -> None:
        report.step(f"transcribing: {done:.0%} of the call", 5 + int(85 * done))

    turns = stt.transcribe(whisper, audio.samples, agent_channel=rec.agent_channel or "left",
                           language=settings.get("TRANSCRIPTION_LANGUAGE") or None,
                           progress=progress)  # fmt: skip
    policy = redaction.policy_from_config(current_app.config)
    redacted, spans = audio_redact.redact_turns(
        [t.as_dict() for t in turns], lambda text: redaction.find(text, policy)
    )
    report.step("storing", 92)
    return store(rec, redacted, spans, data, limit)


def store(rec: Recording, turns: list[dict], spans: list, data: bytes, limit: float) -> dict:
    """Write the transcript (and the silenced file, when something was spoken
    that must not be kept) in one commit; the replaced file goes after it."""
    item = rec.interaction
    generated_shown = services.shown_transcript_is_generated(item, rec) or not item.transcript
    native = audio_decode.decode(data, max_seconds=limit)
    new_name = old_name = None
    if spans:
        silenced = audio_redact.silence(native.samples, native.rate, spans)
        out = io.BytesIO()
        soundfile.write(out, silenced.T, native.rate, format="FLAC", subtype="PCM_16")
        flac = out.getvalue()
        new_name, digest = storage.save(flac, "flac")
        old_name = rec.storage_name
        rec.storage_name, rec.sha256, rec.size_bytes = new_name, digest, len(flac)
        rec.mime, rec.codec = "audio/flac", "FLAC"
        native = audio_decode.Audio(silenced, native.rate, "FLAC", "audio/flac")
    agent_words = sum(len(t["words"]) for t in turns if t["speaker"] == "agent")
    try:
        rec.transcript = turns
        rec.silenced = [[round(a, 2), round(b, 2), token] for a, b, token in spans]
        rec.transcript_model = str(settings.get("TRANSCRIPTION_MODEL"))[:200]
        rec.transcribed_at = utcnow()
        rec.measures = call_measures(
            native.samples,
            native.rate,
            agent_channel=rec.agent_channel or "left",
            agent_words=agent_words if rec.channels == 2 else None,
        )
        if generated_shown:
            item.transcript = services.as_interaction_turns(turns)
        db.session.commit()
    except BaseException:
        db.session.rollback()
        storage.remove(new_name)
        raise
    storage.remove(old_name)
    return {
        "summary": f"Transcribed: {len(turns)} turn(s); {len(spans)} span(s) silenced.",
        "link": ["interactions.detail", {"interaction_id": rec.interaction_id}],
    }
