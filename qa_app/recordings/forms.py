"""The recording upload form on the interaction page."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired


class RecordingForm(FlaskForm):
    file = FileField(
        "Recording (WAV, MP3, Ogg/Opus, FLAC or M4A)",
        validators=[FileRequired("Choose an audio file.")],
    )


class TranscribeForm(FlaskForm):
    """A POST with its CSRF token: start (or redo) the transcription."""
