"""The keyword rule: the baseline a model has to beat.

Many QA teams start by searching transcripts for escalation words. The rule here
counts, in the customer's text only, how many times the listed words or phrases
occur (whole words, case-insensitive). Its ranking is the count; ties (most
contacts have 0 hits) are broken randomly with a fixed seed so that its
precision and recall at a budget are reproducible and not biased by row order.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from flagging.frame import transcript_parts

KEYWORDS: tuple[str, ...] = (
    "manager",
    "supervisor",
    "complaint",
    "complain",
    "cancel",
    "escalate",
    "unacceptable",
    "ridiculous",
    "lawyer",
    "refund",
    "third time",
    "again",
    "speak to someone",
    "not happy",
    "terrible",
)

_PATTERN = re.compile(r"\b(?:" + "|".join(re.escape(k) for k in KEYWORDS) + r")\b", re.I)


def keyword_hits(customer_texts: pd.Series | list[str]) -> np.ndarray:
    """Number of keyword occurrences in each customer text."""
    texts = customer_texts.tolist() if isinstance(customer_texts, pd.Series) else customer_texts
    return np.fromiter(
        (len(_PATTERN.findall(t)) if isinstance(t, str) else 0 for t in texts),
        dtype=float,
        count=len(texts),
    )


def keyword_scores(frame: pd.DataFrame, *, seed: int = 0) -> np.ndarray:
    """Keyword rule score per row of an interaction frame: hits + a random tie-breaker.

    The tie-breaker is uniform in [0, 0.5), so it only orders rows with equal
    counts; the integer part is the hit count.
    """
    customer = transcript_parts(frame["transcript"])["customer_text"]
    hits = keyword_hits(customer)
    return hits + np.random.default_rng(seed).uniform(0.0, 0.5, size=len(hits))
