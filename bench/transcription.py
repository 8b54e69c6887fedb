"""Benchmark: the transcription pipeline on synthetic stereo calls.

Run: .venv/bin/python bench/transcription.py
Calls are made here with espeak-ng (/usr/bin/espeak-ng), a different voice per
side, agent left and customer right; the script is the ground truth.

Measured, per call and overall:
- WER of the pipeline (speech.transcribe: per channel, merged by time) against
  the script, and WER of the same model run directly on the same audio (each
  channel whole, no merging): the pipeline must add no errors (target: pipeline
  WER <= direct WER + 0.02);
- speaker attribution: share of the script's lines whose words land in a turn
  of the right side (target 100 % on stereo);
- turn start error: |first word's start - the line's start| (target < 0.5 s);
- real-time factor (audio seconds / transcription seconds; target >= 5x on 2
  cores with the default model) and peak memory of this process (< 1 GB).
"""

from __future__ import annotations

import os
import re
import resource
import sys
import time
from pathlib import Path

import jiwer
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from speech import transcribe as stt
from tests.speech.sounds import stereo_call

VOICES = {"agent": "en-us", "customer": "en-gb-x-rp+f3"}
CALLS = [
    [("agent", 0.3, "Thank you for calling customer support, my name is Anna."),
     ("customer", 4.5, "Hello, my parcel has not arrived yet."),
     ("agent", 8.0, "I am sorry to hear that. Can you give me the order number please?"),
     ("customer", 13.0, "Yes, it is seven four two one."),
     ("agent", 16.5, "Thank you. I can see the parcel left our warehouse on Monday.")],
    [("agent", 0.3, "Good morning, how can I help you today?"),
     ("customer", 3.5, "I would like to change the address on my account."),
     ("agent", 7.5, "Of course. What is the new address?"),
     ("customer", 10.5, "It is twelve Station Road in Leeds."),
     ("agent", 14.0, "Thank you, that has been updated for you.")],
    [("agent", 0.3, "Hello, you are through to billing."),
     ("customer", 3.0, "Hi, I think I was charged twice this month."),
     ("agent", 7.0, "Let me check that for you. Please hold for a moment."),
     ("customer", 12.0, "Okay, thank you."),
     ("agent", 14.5, "You are right, I have refunded the second payment.")],
]  # fmt: skip
TARGETS = {"wer_added": 0.02, "attribution": 1.0, "start_error_s": 0.5, "rtf": 5.0, "mem_mb": 1024}


def norm(text: str) -> str:
    text = text.lower().replace("-", " ")
    return " ".join(re.sub(r"[^a-z0-9' ]", " ", text).split())


def main() -> int:
    os.environ["HF_HUB_OFFLINE"] = "1"
    model = stt.load_model(os.environ.get("TRANSCRIPTION_MODEL"), threads=2)
    truth_all, pipe_all, direct_all = [], [], []
    attributed = lines = 0
    start_errors, audio_s, spent_s = [], 0.0, 0.0
    for n, script in enumerate(CALLS, 1):
        call = stereo_call(script, VOICES, rate=stt.RATE)
        audio_s += call.shape[1] / stt.RATE
        began = time.perf_counter()
        turns = stt.transcribe(model, call, agent_channel="left")
        spent_s += time.perf_counter() - began
        direct = []
        for ch in (0, 1):
            segments, _ = model.transcribe(call[ch], language="en", beam_size=1)
            direct.append(" ".join(s.text for s in segments))
        truth = " ".join(text for _, _, text in script)
        # Reference order for WER: lines in time order, as the merged pipeline gives.
        pipe_text = " ".join(t.text for t in turns)
        truth_all.append(norm(truth))
        pipe_all.append(norm(pipe_text))
        # The direct run has no merge step: compare per side so order does not count.
        sides = {"agent": [], "customer": []}
        for side, _, text in script:
            sides[side].append(text)
        direct_all.append((norm(" ".join(sides["agent"])), norm(direct[0]),
                           norm(" ".join(sides["customer"])), norm(direct[1])))  # fmt: skip
        for side, start, text in script:
            lines += 1
            words = set(norm(text).split())
            best = max(turns, key=lambda t: len(words & set(norm(t.text).split())), default=None)
            if best is not None and best.speaker == side:
                attributed += 1
                start_errors.append(abs(best.start - start))
        print(f"call {n}: {call.shape[1] / stt.RATE:.1f} s, {len(turns)} turns, "
              f"pipeline WER {jiwer.wer(norm(truth), norm(pipe_text)):.3f}")  # fmt: skip
    pipe_wer = jiwer.wer(truth_all, pipe_all)
    refs = [r for a, _, c, _ in direct_all for r in (a, c)]
    hyps = [h for _, b, _, d in direct_all for h in (b, d)]
    direct_wer = jiwer.wer(refs, hyps)
    attribution = attributed / lines
    start_err = float(np.max(start_errors)) if start_errors else float("nan")
    rtf = audio_s / spent_s
    mem_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print()
    print(f"model: {stt.model_path(os.environ.get('TRANSCRIPTION_MODEL'))}")
    print(f"WER pipeline {pipe_wer:.3f} vs model direct {direct_wer:.3f} "
          f"(target: pipeline <= direct + {TARGETS['wer_added']})")  # fmt: skip
    print(f"speaker attribution {attribution:.0%} (target 100 %)")
    print(f"turn start error, worst {start_err:.2f} s (target < {TARGETS['start_error_s']} s)")
    print(f"real-time factor {rtf:.1f}x over {audio_s:.0f} s of audio (target >= 5x, 2 cores)")
    print(f"peak memory {mem_mb:.0f} MB (target < {TARGETS['mem_mb']} MB)")
    ok = (pipe_wer <= direct_wer + TARGETS["wer_added"] and attribution >= 1.0
          and start_err < TARGETS["start_error_s"] and rtf >= TARGETS["rtf"]
          and mem_mb < TARGETS["mem_mb"])  # fmt: skip
    print("all targets met" if ok else "TARGET MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
