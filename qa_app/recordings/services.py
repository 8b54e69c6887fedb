"""The recordings' workflow: attach a file to an interaction (checked, stored,
measured), find the one a user may hear, start a transcription.

Attaching is all or nothing: the file is decoded before anything is written;
then it is stored under a new name and the row committed; only then is the file
it replaces removed. A failure on the way removes the new file again.
"""

from __future__ import annotations

import logging

from qa_app import audit
from qa_app.extensions import db
from qa_app.interactions import services as interaction_services
from qa_app.models import Interaction, Recording, User, utcnow
from qa_app.recordings import settings, storage
from speech import decode as audio_decode
from speech.measures import call_measures

log = logging.getLogger(__name__)
UPLOADERS = ("admin", "executive")


class RecordingError(ValueError):
    """The file cannot be attached; the message says why (a 4xx for the client)."""


def attach(item: Interaction, data: bytes, filename: str, actor: User | None) -> Recording:
    """Decode, check and store ``data`` as ``item``'s recording (replacing any
    earlier one), then queue its transcription if so configured."""
    try:
        audio = audio_decode.decode(data, max_seconds=float(settings.get("RECORDING_MAX_SECONDS")))
    except audio_decode.AudioError as exc:
        raise RecordingError(str(exc)) from exc
    agent_channel = settings.agent_channel(item.source) if audio.channels == 2 else None
    measures = call_measures(audio.samples, audio.rate, agent_channel=agent_channel or "left")
    name, digest = storage.save(data, audio_decode.EXTENSION.get(audio.mime, "bin"))
    rec = for_interaction(item.id)
    old = rec.storage_name if rec is not None else None
    try:
        if rec is None:
            rec = Recording(interaction_id=item.id)
            db.session.add(rec)
        elif rec.transcript and item.transcript == as_interaction_turns(rec.transcript):
            item.transcript = []  # made from the file being replaced: no longer true
        rec.storage_name, rec.sha256, rec.size_bytes = name, digest, len(data)
        rec.mime, rec.codec, rec.sample_rate = audio.mime, audio.codec, audio.rate
        rec.channels, rec.duration_s = audio.channels, round(audio.duration, 3)
        rec.agent_channel, rec.original_name = agent_channel, (filename or "")[:255]
        rec.uploaded_by_id = actor.id if actor is not None else None
        rec.uploaded_at = utcnow()
        rec.transcript, rec.transcript_model, rec.transcribed_at = [], None, None
        rec.silenced, rec.measures, rec.job_id = [], measures, None
        audit.record(actor, "recording.attached", "interaction", item.id, None,
                     {"sha256": digest, "bytes": len(data), "codec": audio.codec,
                      "seconds": rec.duration_s, "replaced": old is not None})  # fmt: skip
        db.session.commit()
    except BaseException:
        db.session.rollback()
        storage.remove(name)
        raise
    storage.remove(old)
    log.info("recording %s attached to interaction %s (%s bytes)", rec.id, item.id, len(data))
    if settings.get("TRANSCRIBE_ON_UPLOAD") and actor is not None:
        from qa_app.recordings import transcription

        transcription.start(rec, actor)
    return rec


def for_interaction(interaction_id: int) -> Recording | None:
    return db.session.scalar(db.select(Recording).where(Recording.interaction_id == interaction_id))


def visible(viewer: User, interaction_id: int) -> tuple[Interaction, Recording | None]:
    """The interaction (404 when the viewer may not see it, as its page) and its recording."""
    item = interaction_services.interaction_for(viewer, interaction_id)
    return item, for_interaction(item.id)


def as_interaction_turns(turns: list[dict]) -> list[dict]:
    """A generated transcript in the interaction's own shape (what every page reads)."""
    return [
        {"speaker": t["speaker"], "text": t["text"], "start_s": t["start"], "end_s": t["end"]}
        for t in turns
    ]


def shown_transcript_is_generated(item: Interaction, rec: Recording | None) -> bool:
    return bool(rec and rec.transcript and item.transcript == as_interaction_turns(rec.transcript))
