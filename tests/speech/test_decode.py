"""Every format a contact centre sends decodes; every bad file is refused with
its reason. The files are made here with PyAV."""

import numpy as np
import pytest

from speech.decode import AudioError, clock, decode
from tests.speech.sounds import FORMATS, encode, tones

HOUR = 3600.0


@pytest.mark.parametrize("kind", sorted(FORMATS))
@pytest.mark.parametrize(("rate", "channels"), [(8000, 1), (16000, 2), (48000, 2)])
def test_every_format_decodes_at_telephony_and_wideband_rates(kind, rate, channels):
    audio = decode(encode(tones(1.0, rate, channels), rate, kind), max_seconds=HOUR)
    assert audio.channels == channels
    assert audio.duration == pytest.approx(1.0, abs=0.16)  # AAC/Opus pad a little
    assert 0.4 < float(np.abs(audio.samples).max()) < 0.8
    assert audio.mime.startswith("audio/")
    # Opus always decodes at 48 kHz; the others keep their own rate.
    assert audio.rate == (48000 if kind == "ogg-opus" else rate)


def test_the_channels_stay_apart():
    audio = decode(encode(tones(1.0, 8000, 2), 8000, "wav-pcm"), max_seconds=HOUR)
    left, right = (np.abs(np.fft.rfft(ch)).argmax() for ch in audio.samples)
    assert (left, right) == (440, 660)  # 1 s of audio: bin n is n Hz


def test_resampled_to_what_whisper_hears():
    audio = decode(encode(tones(1.0, 8000, 2), 8000, "wav-mulaw"), max_seconds=HOUR, rate=16000)
    assert audio.rate == 16000 and audio.samples.shape == (2, 16000)


def _cut(kind: str, keep: float) -> bytes:
    data = encode(tones(2.0, 8000, 2), 8000, kind)
    return data[: int(len(data) * keep)]


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"id,channel\n1,call\n" * 50, "not a readable audio file"),
        (b"", "not a readable audio file"),
        (_cut("wav-pcm", 0.3), "truncated: its header says 2.0 s"),
        (_cut("flac", 0.5), "truncated or damaged"),
        (_cut("mp3", 0.3), "truncated"),
        (encode(np.zeros((2, 8000), np.float32), 8000, "wav-pcm"), "silent"),
        (encode(tones(1.0, 8000, 1), 8000, "wav:adpcm_ms"), "Unsupported audio codec 'adpcm_ms'"),
        (encode(tones(1.0, 8000, 1), 8000, "wav:pcm_s16le")[:44], "not a readable audio file"),
    ],
    ids=["text", "empty", "cut-wav", "cut-flac", "cut-mp3", "silent", "adpcm", "header-only"],
)
def test_a_bad_file_is_refused_with_its_reason(data, reason):
    with pytest.raises(AudioError, match=reason):
        decode(data, max_seconds=HOUR)


def test_longer_than_the_maximum_is_refused_before_decoding():
    with pytest.raises(AudioError, match=r"lasts 0:03; the maximum is 0:02"):
        decode(encode(tones(3.0, 8000, 1), 8000, "mp3"), max_seconds=2)


def test_clock():
    assert [clock(s) for s in (0, 59.6, 61, 4 * 3600)] == ["0:00", "1:00", "1:01", "4:00:00"]
