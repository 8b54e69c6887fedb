"""Audio redaction: where a redacted datum (a card number, a national id) was
spoken, the recording is silenced, so the stored file keeps no card data
(PCI DSS). The text rules live with the application; this module maps the
redacted characters of a turn back to its words' times and zeroes the samples.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import numpy as np

# Tokens whose spoken span is silenced (e-mail and phone are redacted in text only).
SILENCED = ("[CARD", "[SSN", "[NINO")
PAD = 0.2  # seconds each side: word times are approximate to a few hundredths

Finder = Callable[[str], list[tuple[int, int, str]]]


def redact_turns(
    turns: Iterable[dict[str, Any]], find: Finder
) -> tuple[list[dict[str, Any]], list[tuple[float, float, str]]]:
    """Turns with their text and words redacted by ``find``, and the (start,
    end, token) spans of the silenced kinds, from the redacted words' times.

    A turn's text is rebuilt from its words (as Whisper wrote them, leading
    spaces included), so a character of the text maps to exactly one word: the
    first word a datum touches carries its token, the others are dropped."""
    out, spans = [], []
    for turn in turns:
        words = list(turn.get("words") or [])
        if not words:
            text = turn.get("text", "")
            found = find(text)
            out.append({**turn, "text": _replace(text, found)} if found else dict(turn))
            continue
        text, offsets = "", []
        for word in words:
            offsets.append((len(text), len(text) + len(word["text"])))
            text += word["text"]
        found = find(text)
        if not found:
            out.append({**turn, "text": text.strip()})
            continue
        kept: list[dict[str, Any]] = []
        for start, end, token in found:
            hit = [i for i, (a, b) in enumerate(offsets) if a < end and b > start]
            if hit and token.startswith(SILENCED):
                spans.append((words[hit[0]]["start"], words[hit[-1]]["end"], token))
            for i in hit:
                words[i] = None if i != hit[0] else {
                    "start": words[hit[0]]["start"], "end": words[hit[-1]]["end"],
                    "text": " " + token,
                }  # fmt: skip
        kept = [w for w in words if w is not None]
        out.append({**turn, "text": _replace(text, found).strip(), "words": kept})
    return out, merge_spans(spans)


def _replace(text: str, found: list[tuple[int, int, str]]) -> str:
    pieces, last = [], 0
    for start, end, token in sorted(found):
        pieces += [text[last:start], token]
        last = end
    return "".join(pieces) + text[last:]


def merge_spans(spans: list[tuple[float, float, str]]) -> list[tuple[float, float, str]]:
    out: list[tuple[float, float, str]] = []
    for start, end, token in sorted(spans):
        if out and start <= out[-1][1] + PAD:
            out[-1] = (out[-1][0], max(end, out[-1][1]), out[-1][2])
        else:
            out.append((start, end, token))
    return out


def silence(
    samples: np.ndarray, rate: int, spans: Iterable[tuple[float, float, Any]]
) -> np.ndarray:
    """A copy of ``samples`` (channels, frames) with every span zeroed on every
    channel (what one side said can leak into the other's microphone)."""
    out = samples.copy()
    for start, end, _ in spans:
        a = max(0, int((start - PAD) * rate))
        b = min(out.shape[1], int(np.ceil((end + PAD) * rate)))
        out[:, a:b] = 0.0
    return out
