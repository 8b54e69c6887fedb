"""Recordings made in the tests with PyAV: a tone per channel, in any format."""

from __future__ import annotations

import io

import av
import numpy as np

# (container format, codec, file extension)
FORMATS = {
    "wav-pcm": ("wav", "pcm_s16le", "wav"),
    "wav-mulaw": ("wav", "pcm_mulaw", "wav"),
    "wav-alaw": ("wav", "pcm_alaw", "wav"),
    "mp3": ("mp3", "libmp3lame", "mp3"),
    "ogg-opus": ("ogg", "libopus", "ogg"),
    "flac": ("flac", "flac", "flac"),
    "m4a": ("ipod", "aac", "m4a"),
}


def tones(seconds: float = 1.0, rate: int = 8000, channels: int = 2) -> np.ndarray:
    """(channels, frames) float32: 440 Hz on the left, 660 Hz on the right."""
    t = np.arange(int(seconds * rate)) / rate
    waves = [0.5 * np.sin(2 * np.pi * f * t) for f in (440, 660)[:channels]]
    return np.stack(waves).astype(np.float32)


def encode(samples: np.ndarray, rate: int, kind: str = "wav-pcm") -> bytes:
    """``samples`` (channels, frames) as a file of ``kind`` (a key of FORMATS or
    a raw "container:codec")."""
    fmt, codec, _ = FORMATS[kind] if kind in FORMATS else (*kind.split(":"), "")
    layout = "mono" if samples.shape[0] == 1 else "stereo"
    out = io.BytesIO()
    with av.open(out, mode="w", format=fmt) as container:
        stream = container.add_stream(codec, rate=rate, layout=layout)
        # Opus encodes at 48 kHz only: FFmpeg resamples for us.
        if codec == "libopus":
            stream.codec_context.sample_rate = 48000
            rate_in = 48000
        else:
            rate_in = rate
        fmt_in = stream.codec_context.format.name if stream.codec_context.format else "s16"
        resampler = av.AudioResampler(format=fmt_in, layout=layout, rate=rate_in)
        frame = av.AudioFrame.from_ndarray(
            np.ascontiguousarray(samples.astype(np.float32)), format="fltp", layout=layout
        )
        frame.sample_rate = rate
        for chunk in resampler.resample(frame) + resampler.resample(None):
            for packet in stream.encode(chunk):
                container.mux(packet)
        for packet in stream.encode(None):
            container.mux(packet)
    return out.getvalue()


ESPEAK = "/usr/bin/espeak-ng"


def speak(text: str, voice: str, rate: int = 16000) -> np.ndarray:
    """``text`` said by espeak-ng's ``voice``, mono float32 at ``rate``."""
    import subprocess

    import soundfile

    wav = subprocess.run([ESPEAK, "-v", voice, "-s", "150", "--stdout", text],
                         check=True, capture_output=True).stdout  # fmt: skip
    samples, native = soundfile.read(io.BytesIO(wav), dtype="float32")
    if native != rate:  # espeak-ng speaks at 22,050 Hz
        t_out = np.arange(int(len(samples) * rate / native)) / rate
        samples = np.interp(t_out, np.arange(len(samples)) / native, samples).astype(np.float32)
    return samples


def stereo_call(lines: list[tuple[str, float, str]], voices: dict[str, str],
                rate: int = 16000, tail: float = 1.0) -> np.ndarray:  # fmt: skip
    """A stereo call: each (side, start second, text) said on its side's channel
    (agent left, customer right) by that side's voice."""
    said = [(side, start, speak(text, voices[side], rate)) for side, start, text in lines]
    length = int(max(start * rate + len(s) for _, start, s in said) + tail * rate)
    call = np.zeros((2, length), np.float32)
    for side, start, samples in said:
        at = int(start * rate)
        call[0 if side == "agent" else 1, at : at + len(samples)] += samples
    return call
