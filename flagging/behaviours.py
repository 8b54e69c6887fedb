"""Turning the model's phrases into reasons a reviewer can act on.

Three small, documented rules, none tuned to any one data set:

- ``reason_terms``: which of the model's n-grams may be *shown* as the evidence of a
  reason. Stop words ("me", "to me"), pieces of contractions that the tokeniser
  leaves ("ll" of "I'll", "don" of "don't"), masked names and numbers (order ids,
  amounts) can help the model score, but a reviewer cannot act on them: they never
  make a reason.
- ``BEHAVIOURS``: what a customer's turn *does*, named from a short table of common
  contact-centre escalation signals (asking for a supervisor, complaining, talking
  about cancelling, mentioning earlier contacts or legal action, asking for a
  refund, sounding frustrated). The patterns are general English phrasings of these
  behaviours, written from the domain (DOMAIN.md, "Flagging"), not copied from the
  demo generator's phrase banks; a turn that matches none is quoted as it is.
- ``quote``: the turn's text, trimmed around the phrase that carries the signal.
"""

from __future__ import annotations

import re

import numpy as np
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

from flagging.features import NAME_TOKEN

FRAGMENTS: frozenset[str] = frozenset((
    "ll", "ve", "re", "don", "didn", "doesn", "isn", "wasn", "aren", "weren", "won", "wouldn",
    "couldn", "shouldn", "haven", "hasn", "hadn", "ain", "mustn", "needn", "shan", "mightn",
))  # fmt: skip
"""What the default token pattern (words of 2+ characters) leaves of English
contractions: "I'll" -> "ll", "don't" -> "don". Never a word on its own."""

BEHAVIOURS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (label, re.compile(pattern, re.IGNORECASE))
    for label, pattern in (
        (
            "asked for a supervisor",
            r"\b(supervisor|manager|team ?leader|someone (more )?senior|person in charge"
            r"|escalat\w*|speak to someone else|higher up)\b",
        ),
        (
            "mentioned legal action or a regulator",
            r"\b(lawyers?|solicitors?|attorneys?|legal action|sue|suing|court|ombudsman"
            r"|regulator|trading standards)\b",
        ),
        ("complained", r"\b(complain\w*|complaints?)\b"),
        (
            "talked about cancelling",
            r"\b(cancel\w*|close (my|the) account|switch(ing)? (provider|supplier)s?"
            r"|take my business|go(ing)? elsewhere|leav(e|ing) you)\b",
        ),
        (
            "mentioned contacting you before",
            r"\b((second|third|fourth|fifth|\d+(st|nd|rd|th)) time|already (called|rung"
            r"|phoned|contacted|emailed|written|spoken|been in touch)|(called|rang|phoned"
            r"|contacted|emailed|written)( to)?( you)? (before|twice|several times|three times)"
            r"|last (week|time) (i|we)|keeps? happening|every time i|promised (me )?a call ?back"
            r"|never (called|rang|got back|heard back))\b",
        ),
        ("asked for a refund", r"\b(refund\w*|money back|compensat\w*|reimburs\w*)\b"),
        (
            "sounded frustrated",
            r"\b(ridiculous|unacceptable|fed up|terrible|awful|disgusting|disgraceful|useless"
            r"|unbelievable|not good enough|waste of|a joke|sick of|furious|appalling)\b",
        ),
    )
)
"""(behaviour, pattern), first match wins: a customer's turn "this is the third time,
I want a manager" is named by its strongest ask, the supervisor."""

QUOTE_CHARS = 160
"""A turn up to this long is quoted whole; a longer one around the phrase."""


def reason_terms(terms: list[str] | np.ndarray) -> np.ndarray:
    """Per n-gram (space-separated tokens), True when it may be shown as evidence: no
    token is a contraction piece, a masked name or holds a digit, and at least one
    token is not a stop word."""

    def ok(term: str) -> bool:
        tokens = term.split(" ")
        if any(t in FRAGMENTS or t == NAME_TOKEN or any(c.isdigit() for c in t) for t in tokens):
            return False
        return not all(t in ENGLISH_STOP_WORDS for t in tokens)

    return np.fromiter((ok(str(t)) for t in terms), dtype=bool, count=len(terms))


def behaviour(text: str) -> str | None:
    """The behaviour a customer's turn shows (``BEHAVIOURS``), or None."""
    for label, pattern in BEHAVIOURS:
        if pattern.search(text):
            return label
    return None


def _find(text: str, phrase: str) -> re.Match[str] | None:
    """Where the n-gram `phrase` (lower-cased tokens of 2+ word characters) is in the
    original `text`; one-character words between its tokens are skipped, as the
    tokeniser skips them ("need a hand" holds the bigram "need hand")."""
    tokens = [re.escape(t) for t in phrase.split(" ") if t]
    if not tokens:
        return None
    gap = r"\W+(?:\w\W+)*?"
    return re.search(r"(?<!\w)" + gap.join(tokens) + r"(?!\w)", text, re.IGNORECASE)


def quote(text: str, phrase: str, limit: int = QUOTE_CHARS) -> str:
    """`text` whole when short; else about `limit` characters around `phrase`, cut
    at spaces, with an ellipsis where something was left out."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    match = _find(text, phrase)
    middle = (match.start() + match.end()) // 2 if match else 0
    start = max(0, min(middle - limit // 2, len(text) - limit))
    end = min(len(text), start + limit)
    if start > 0:
        space = text.find(" ", start)
        start = space + 1 if 0 <= space < (match.start() if match else end) else start
    if end < len(text):
        space = text.rfind(" ", start, end)
        end = space if space > (match.end() if match else start) else end
    return ("…" if start > 0 else "") + text[start:end].strip() + ("…" if end < len(text) else "")
