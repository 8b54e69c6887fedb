"""/api/v1/interactions/<id>/recording: attach a recording (multipart), read its facts."""

from __future__ import annotations

from typing import Any

from flask import request
from flask_login import current_user
from flask_smorest.fields import Upload
from marshmallow import Schema, fields

from qa_app.access import roles_required, signed_in
from qa_app.api import schemas
from qa_app.api.blueprint import Blueprint
from qa_app.api.errors import fail
from qa_app.jobs import runner
from qa_app.recordings import services, settings

blp = Blueprint(
    "api_recordings",
    __name__,
    url_prefix="/api/v1/interactions",
    description="Call recordings: upload one per interaction; it is transcribed in the background.",
)


class RecordingSchema(Schema):
    interaction_id = fields.Integer()
    sha256 = fields.String()
    size_bytes = fields.Integer()
    mime = fields.String()
    codec = fields.String()
    sample_rate = fields.Integer()
    channels = fields.Integer()
    duration_s = fields.Float()
    agent_channel = fields.String(allow_none=True)
    uploaded_at = fields.DateTime()
    transcribed_at = fields.DateTime(allow_none=True)
    transcription_job_id = fields.Integer(attribute="job_id", allow_none=True)
    measures = fields.Dict()
    silenced = fields.List(fields.List(fields.Raw()))


class UploadSchema(Schema):
    file = Upload(metadata={"description": "The audio file."})


@blp.route("/<int:interaction_id>/recording", methods=["POST"], endpoint="upload")
@roles_required(*services.UPLOADERS)
@blp.arguments(UploadSchema, location="files")
@blp.response(201, RecordingSchema)
@blp.alt_response(422, schema=schemas.ErrorSchema, description="Not a usable recording.")
@blp.alt_response(404, schema=schemas.ErrorSchema, description="No such interaction.")
def upload(files: dict[str, Any], interaction_id: int) -> Any:
    """Attach a recording: multipart/form-data with the audio in the field `file`.

    WAV (PCM, mu-law, A-law), MP3, Ogg/Opus, FLAC or M4A; mono or stereo; 8 to
    48 kHz. A file that cannot be used is refused with 422 and the reason, and
    nothing is stored. An earlier recording of the interaction is replaced."""
    request.max_content_length = int(settings.get("RECORDING_MAX_BYTES"))
    item, _ = services.visible(current_user, interaction_id)
    storage = files.get("file")
    if storage is None:
        fail(400, "Send the audio as multipart/form-data in the field 'file'.", code="no_file")
    try:
        return services.attach(item, storage.read(), storage.filename or "", current_user)
    except services.RecordingError as exc:
        fail(422, str(exc), code="recording_refused")
    except runner.QueueUnavailableError:
        return services.for_interaction(item.id)


@blp.route("/<int:interaction_id>/recording", methods=["GET"], endpoint="detail")
@signed_in
@blp.response(200, RecordingSchema)
def detail(interaction_id: int) -> Any:
    """The recording's facts (the audio itself is on the interaction's page)."""
    _, rec = services.visible(current_user, interaction_id)
    if rec is None:
        fail(404, "This interaction has no recording.", code="not_found")
    return rec
