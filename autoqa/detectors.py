"""Detectors from well-kept libraries, run offline from what the install brings.

- Customer sentiment: VADER (vaderSentiment; lexicon in the package), the
  compound score (-1 to 1) of the customer's first or last two turns together.
- Spelling: pyspellchecker's English dictionary (in the package), counting the
  agent's words it does not know, with the team's product words allowed.
  Only for written contacts: a transcript of speech has no spelling of its own.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from functools import lru_cache
from typing import Any

from spellchecker import SpellChecker
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

TURNS_AT_EACH_END = 2
WORD = re.compile(r"[A-Za-z][A-Za-z']+")
WRITTEN = ("chat", "email")


@lru_cache(maxsize=1)
def _vader() -> SentimentIntensityAnalyzer:
    """The analyser reads its lexicon file once (a process-wide, immutable object)."""
    return SentimentIntensityAnalyzer()


@lru_cache(maxsize=1)
def _speller() -> SpellChecker:
    """The dictionary loads once per process (an immutable object, ~40 ms to build)."""
    return SpellChecker(language="en")


def customer_sentiment(turns: Sequence[Mapping[str, Any]], at: str) -> tuple[float, int] | None:
    """(compound score, index of the last turn read) of the customer's first
    or last turns; None without a customer turn."""
    own = [i for i, t in enumerate(turns) if str(t.get("speaker", "")).lower() == "customer"]
    if not own:
        return None
    picked = own[:TURNS_AT_EACH_END] if at == "start" else own[-TURNS_AT_EACH_END:]
    text = " ".join(str(turns[i].get("text") or "") for i in picked)
    return float(_vader().polarity_scores(text)["compound"]), picked[-1]


def misspelt(
    turns: Sequence[Mapping[str, Any]], allowed: Iterable[str] = ()
) -> list[tuple[int, str]]:
    """(turn index, word) of each agent word the dictionary does not know."""
    known = {w.lower() for w in allowed}
    words = [
        (i, w)
        for i, turn in enumerate(turns)
        if str(turn.get("speaker", "")).lower() == "agent"
        for w in WORD.findall(str(turn.get("text") or ""))
        if w.lower() not in known
    ]
    speller = _speller()
    return [(i, w) for i, w in words if w.lower() not in speller]
