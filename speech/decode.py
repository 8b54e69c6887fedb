"""Decode a recording into float samples, refusing what cannot be used.

PyAV (FFmpeg's libraries, bundled in the wheel) reads every container and codec
the contact centres send: WAV (PCM, mu-law, A-law), MP3, Ogg/Opus, FLAC and M4A
(AAC). Nothing is shelled out. ``decode`` either returns an ``Audio`` or raises
``AudioError`` whose message says what is wrong in words a user can act on; the
caller stores nothing in that case.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

import av
import numpy as np

# Codecs accepted, by FFmpeg decoder name; anything else is refused by name.
CODECS = {
    "pcm_s16le": "PCM",
    "pcm_s24le": "PCM",
    "pcm_s32le": "PCM",
    "pcm_f32le": "PCM",
    "pcm_u8": "PCM",
    "pcm_mulaw": "mu-law",
    "pcm_alaw": "A-law",
    "mp3": "MP3",
    "mp3float": "MP3",
    "opus": "Opus",
    "libopus": "Opus",
    "vorbis": "Vorbis",
    "flac": "FLAC",
    "aac": "AAC",
}
MIME = {"wav": "audio/wav", "mp3": "audio/mpeg", "ogg": "audio/ogg", "flac": "audio/flac",
        "mov,mp4,m4a,3gp,3g2,mj2": "audio/mp4"}  # fmt: skip
EXTENSION = {"audio/wav": "wav", "audio/mpeg": "mp3", "audio/ogg": "ogg",
             "audio/flac": "flac", "audio/mp4": "m4a"}  # fmt: skip
MIN_RATE, MAX_RATE = 8000, 48000
# Peak below this (about -60 dBFS) is silence: nothing anyone could listen to.
SILENCE_PEAK = 1e-3


class AudioError(ValueError):
    """The file cannot be used as a recording; the message says why."""


@dataclass(frozen=True)
class Audio:
    """Decoded samples, shape (channels, frames), float32 in [-1, 1]."""

    samples: np.ndarray
    rate: int
    codec: str  # e.g. "mu-law", "MP3"
    mime: str

    @property
    def channels(self) -> int:
        return int(self.samples.shape[0])

    @property
    def duration(self) -> float:
        return self.samples.shape[1] / self.rate


def decode(source: bytes | Path, *, max_seconds: float, rate: int | None = None) -> Audio:
    """Decode ``source`` (the file's bytes or a path) at its own sample rate,
    or resampled to ``rate``. Raises ``AudioError`` for: not audio, no audio
    stream, an unsupported codec or sample rate, more than two channels,
    longer than ``max_seconds``, truncated or damaged, silent."""
    handle = io.BytesIO(source) if isinstance(source, bytes | bytearray) else str(source)
    try:
        container = av.open(handle, mode="r")
    except (av.FFmpegError, UnicodeDecodeError, ValueError) as exc:
        raise AudioError(
            "This is not a readable audio file (an unknown format, or damaged before its audio)."
        ) from exc
    with container:
        if not container.streams.audio:
            raise AudioError("This file has no audio stream.")
        stream = container.streams.audio[0]
        name = stream.codec_context.name
        if name not in CODECS:
            raise AudioError(
                f"Unsupported audio codec {name!r}: send PCM, mu-law or A-law WAV, "
                "MP3, Ogg/Opus, FLAC or M4A (AAC)."
            )
        native = stream.codec_context.sample_rate or 0
        if not MIN_RATE <= native <= MAX_RATE:
            raise AudioError(f"Unsupported sample rate {native} Hz: 8,000 to 48,000 Hz are read.")
        channels = stream.codec_context.channels
        if channels not in (1, 2):
            raise AudioError(f"{channels} channels: a recording is mono or stereo.")
        declared = _declared_seconds(container, stream)
        if container.format.name == "wav" and isinstance(source, bytes | bytearray):
            declared = _wav_data_seconds(bytes(source), declared)
        if declared is not None and declared > max_seconds:
            raise AudioError(_too_long(declared, max_seconds))
        samples = _read(container, stream, channels, rate or native, max_seconds)
        mime = MIME.get(container.format.name, "application/octet-stream")
    out_rate = rate or native
    seconds = samples.shape[1] / out_rate
    if seconds == 0:
        raise AudioError("The file holds no audio samples (empty or truncated).")
    if declared is not None and seconds < declared * 0.98 - 0.25:
        raise AudioError(
            f"The file is truncated: its header says {declared:.1f} s, "
            f"only {seconds:.1f} s could be read."
        )
    if float(np.max(np.abs(samples))) < SILENCE_PEAK:
        raise AudioError("The recording is silent (no sound above -60 dBFS).")
    return Audio(samples, out_rate, CODECS[name], mime)


def _declared_seconds(container, stream) -> float | None:
    if stream.duration is not None and stream.time_base is not None:
        return float(stream.duration * stream.time_base)
    if container.duration is not None:
        return container.duration / av.time_base
    return None


def _wav_data_seconds(data: bytes, fallback: float | None) -> float | None:
    """The duration a WAV header promises (its data chunk's size): FFmpeg reads
    a cut file without complaint and reports what it found instead."""
    pos = 12
    block_align = None
    rate = None
    while pos + 8 <= len(data):
        chunk, size = data[pos : pos + 4], int.from_bytes(data[pos + 4 : pos + 8], "little")
        if chunk == b"fmt " and pos + 24 <= len(data):
            rate = int.from_bytes(data[pos + 12 : pos + 16], "little")
            block_align = int.from_bytes(data[pos + 20 : pos + 22], "little")
        if chunk == b"data":
            if not rate or not block_align or size in (0, 0xFFFFFFFF):
                return fallback  # a streamed WAV says "unknown size"
            return size / block_align / rate
        pos += 8 + size + (size & 1)
    return fallback


def _read(container, stream, channels: int, rate: int, max_seconds: float) -> np.ndarray:
    layout = "mono" if channels == 1 else "stereo"
    resampler = av.AudioResampler(format="fltp", layout=layout, rate=rate)
    pieces: list[np.ndarray] = []
    frames = 0
    limit = int(max_seconds * rate) + rate
    try:
        for frame in container.decode(stream):
            for out in resampler.resample(frame):
                pieces.append(out.to_ndarray())
                frames += out.samples
            if frames > limit:
                raise AudioError(_too_long(frames / rate, max_seconds))
        for out in resampler.resample(None):
            pieces.append(out.to_ndarray())
    except av.FFmpegError as exc:
        raise AudioError(f"The file is truncated or damaged ({exc.strerror or exc}).") from exc
    if not pieces:
        return np.zeros((channels, 0), dtype=np.float32)
    return np.ascontiguousarray(np.concatenate(pieces, axis=1), dtype=np.float32)


def _too_long(seconds: float, max_seconds: float) -> str:
    return f"The recording lasts {clock(seconds)}; the maximum is {clock(max_seconds)}."


def clock(seconds: float) -> str:
    """``h:mm:ss`` (``m:ss`` under an hour)."""
    whole = round(seconds)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"
