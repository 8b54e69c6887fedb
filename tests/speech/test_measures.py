"""Call measures from a made-up call whose answer is known by construction."""

import numpy as np
import pytest

from speech.measures import call_measures

RATE = 8000


def _call():
    """10 s: agent 0-4 s, customer 3-6 s (1 s of talk-over), silence 6-10 s."""
    t = np.arange(10 * RATE) / RATE
    tone = 0.3 * np.sin(2 * np.pi * 300 * t)
    agent = np.where(t < 4, tone, 0.0)
    customer = np.where((t >= 3) & (t < 6), tone, 0.0)
    return np.stack([agent, customer]).astype(np.float32)


def test_talk_overtalk_and_silence_of_a_stereo_call():
    m = call_measures(_call(), RATE, agent_channel="left", agent_words=10)
    assert m["agent_talk_s"] == pytest.approx(4.0, abs=0.06)
    assert m["customer_talk_s"] == pytest.approx(3.0, abs=0.06)
    assert m["talk_listen_ratio"] == pytest.approx(4 / 3, abs=0.03)
    assert m["overtalk_share"] == pytest.approx(0.1, abs=0.01)
    assert m["silence_share"] == pytest.approx(0.4, abs=0.01)
    assert m["longest_silence_s"] == pytest.approx(4.0, abs=0.06)
    assert m["agent_words_per_minute"] == pytest.approx(150, abs=3)


def test_the_agent_side_follows_the_setting():
    m = call_measures(_call(), RATE, agent_channel="right")
    assert m["agent_talk_s"] == pytest.approx(3.0, abs=0.06)


def test_mono_knows_only_silence():
    m = call_measures(_call()[:1], RATE)
    assert m["agent_talk_s"] is None and m["overtalk_share"] is None
    assert m["silence_share"] == pytest.approx(0.6, abs=0.01)
