"""Call measures from the audio: who talked when, silences and talk-over.

Voice activity per channel is a frame energy test: a 30 ms frame is speech when
its RMS is above both an absolute floor and a fraction of the channel's loud
frames (so line hiss on a quiet channel is not counted as talk). Good enough
for shares and durations over a call; no model needed.
"""

from __future__ import annotations

from itertools import pairwise
from typing import Any

import numpy as np

FRAME = 0.03  # seconds
FLOOR = 0.01  # RMS below this is never speech (-40 dBFS)
RELATIVE = 0.1  # ... nor below a tenth of the channel's 95th percentile
BRIDGE = 0.3  # pauses shorter than this inside a turn are still talk


def activity(channel: np.ndarray, rate: int) -> np.ndarray:
    """Boolean per frame: is someone speaking on this channel."""
    size = max(1, int(FRAME * rate))
    n = len(channel) // size
    if n == 0:
        return np.zeros(0, dtype=bool)
    frames = channel[: n * size].reshape(n, size)
    rms = np.sqrt(np.mean(frames.astype(np.float64) ** 2, axis=1))
    threshold = max(FLOOR, RELATIVE * float(np.percentile(rms, 95)))
    active = rms > threshold
    return _bridge(active, int(BRIDGE / FRAME))


def _bridge(active: np.ndarray, gap: int) -> np.ndarray:
    out = active.copy()
    idx = np.flatnonzero(active)
    for a, b in pairwise(idx):
        if 1 < b - a <= gap + 1:
            out[a:b] = True
    return out


def _longest_run(mask: np.ndarray) -> int:
    best = run = 0
    for value in mask:
        run = run + 1 if value else 0
        best = max(best, run)
    return best


def call_measures(
    samples: np.ndarray, rate: int, *, agent_channel: str = "left", agent_words: int | None = None
) -> dict[str, Any]:
    """Measures of a (channels, frames) recording. On mono only the silence
    figures are known (no sides to tell apart); the others are None."""
    duration = samples.shape[1] / rate
    lanes = [activity(ch, rate) for ch in samples]
    n = min(len(lane) for lane in lanes)
    lanes = [lane[:n] for lane in lanes]
    anyone = np.logical_or.reduce(lanes) if n else np.zeros(0, bool)
    silent = ~anyone
    out: dict[str, Any] = {
        "duration_s": round(duration, 2),
        "silence_share": _share(silent.sum(), n),
        "longest_silence_s": round(_longest_run(silent) * FRAME, 2),
        "agent_talk_s": None,
        "customer_talk_s": None,
        "talk_listen_ratio": None,
        "overtalk_share": None,
        "agent_words_per_minute": None,
    }
    if len(lanes) == 2:
        agent_i = 0 if agent_channel == "left" else 1
        agent, customer = lanes[agent_i], lanes[1 - agent_i]
        agent_s, customer_s = agent.sum() * FRAME, customer.sum() * FRAME
        out["agent_talk_s"] = round(float(agent_s), 2)
        out["customer_talk_s"] = round(float(customer_s), 2)
        out["talk_listen_ratio"] = round(float(agent_s / customer_s), 2) if customer_s else None
        out["overtalk_share"] = _share((agent & customer).sum(), n)
        if agent_words is not None and agent_s > 0:
            out["agent_words_per_minute"] = round(agent_words / (agent_s / 60), 1)
    return out


def _share(count: int, total: int) -> float | None:
    return round(float(count) / total, 3) if total else None
