"""Recording pages: upload on the interaction page, the audio itself (with
range requests, never cached), and (re)starting a transcription."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user

from qa_app.access import roles_required, signed_in
from qa_app.extensions import db
from qa_app.jobs import runner
from qa_app.models import Interaction
from qa_app.recordings import services, settings, storage, transcription
from qa_app.recordings.forms import RecordingForm, TranscribeForm
from speech.decode import clock

bp = Blueprint("recordings", __name__, url_prefix="/interactions")
TRANSCRIBERS = ("admin", "executive", "reviewer")


@bp.app_template_global("recording_panel")
def recording_panel(item: Interaction) -> dict:
    """What the recording include needs for ``item`` (already visible to the user)."""
    rec = services.for_interaction(item.id)
    role = current_user.role
    return {
        "rec": rec,
        "job": transcription.job_of(rec),
        "generated": services.shown_transcript_is_generated(item, rec),
        "upload_form": RecordingForm() if role in services.UPLOADERS else None,
        "transcribe_form": TranscribeForm() if rec and role in TRANSCRIBERS else None,
        "clock": clock,
        # Turn times for the player: which turn is playing, where a click seeks.
        "times": [
            [t.get("start_s"), t.get("end_s")]
            for t in (item.transcript or [])
            if isinstance(t, dict)
        ],
    }


@bp.route("/<int:interaction_id>/recording", methods=["POST"])
@roles_required(*services.UPLOADERS)
def upload(interaction_id: int):
    request.max_content_length = int(settings.get("RECORDING_MAX_BYTES"))
    item, _ = services.visible(current_user, interaction_id)
    form = RecordingForm()
    if not form.validate_on_submit():
        reason = "; ".join(e for errors in form.errors.values() for e in errors)
        return _refused(item, reason or "The form has expired; try again.")
    storage_file = form.file.data
    try:
        services.attach(item, storage_file.read(), storage_file.filename or "", current_user)
    except services.RecordingError as exc:
        return _refused(item, str(exc))
    except runner.QueueUnavailableError as exc:
        flash(f"The recording is stored, but its transcription could not start: {exc}", "warning")
        return redirect(url_for("interactions.detail", interaction_id=item.id))
    flash("Recording stored.", "success")
    return redirect(url_for("interactions.detail", interaction_id=item.id))


def _refused(item: Interaction, reason: str):
    return render_template("recordings/refused.html", item=item, reason=reason), 422


@bp.route("/<int:interaction_id>/recording/audio")
@signed_in
def audio(interaction_id: int):
    """The file, for whoever may see the interaction; Range requests answer 206."""
    _, rec = services.visible(current_user, interaction_id)
    if rec is None:
        abort(404)
    try:
        path = storage.verified(rec.storage_name, rec.sha256)
    except storage.ChecksumError:
        abort(409, "The recording's file does not match its checksum; it is not served.")
    response = send_file(
        path,
        mimetype=rec.mime,
        conditional=True,
        etag=rec.sha256[:32],
        max_age=0,
        download_name=f"interaction-{interaction_id}.{path.suffix.lstrip('.')}",
    )
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.route("/<int:interaction_id>/recording/transcribe", methods=["POST"])
@roles_required(*TRANSCRIBERS)
def transcribe(interaction_id: int):
    _, rec = services.visible(current_user, interaction_id)
    if rec is None:
        abort(404)
    if not TranscribeForm().validate_on_submit():
        abort(400)
    job = transcription.job_of(rec)
    if job is not None and not job.done:
        flash("A transcription of this recording is already running.", "info")
    else:
        try:
            transcription.start(rec, current_user)
        except runner.QueueUnavailableError as exc:
            flash(f"The transcription could not start: {exc}", "danger")
        else:
            db.session.refresh(rec)
            flash("Transcription started; the transcript shown stays until it is done.", "info")
    return redirect(url_for("interactions.detail", interaction_id=interaction_id))
