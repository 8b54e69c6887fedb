"""Redaction of customers' personal data in transcripts, before anything is stored.

Pure: the standard library only (no Flask, no SQLAlchemy), so the rules can be
tested in milliseconds on realistic transcripts and reused by every writer
(file import, REST API).

What is replaced, and by what (the token keeps the shape a reader needs):

=============  ===========================================  =====================
kind           detected when                                token
=============  ===========================================  =====================
``email``      ``local@domain.tld``                         ``[EMAIL]``
``card``       13 to 19 digits, first digit 2-6 (the card    ``[CARD ****1234]``
               networks), the Luhn check holds; written
               as one block, digit by digit, or in the
               printed groups (4-4-4-4[-3], 4-6-5, 4-6-4)
               separated by spaces or dashes
``national_id``
  ``us_ssn``   ``123-45-6789`` / ``123 45 6789`` (the same  ``[SSN]``
               separator twice), or 9 digits right after
               "SSN"/"social security"; area 000, 666 and
               900-999, group 00 and serial 0000 are never
               issued and are left alone
  ``uk_nino``  ``QQ 12 34 56 C``: two letters from the      ``[NINO]``
               allowed set, six digits, suffix A-D
``phone``      ``+`` or ``00`` then 8 to 15 digits; a        ``[PHONE ***-**89]``
               national number with trunk ``0`` then a
               non-zero digit, 10 or 11 digits, first
               group of 3 or more; North American 3-3-4
               (optionally ``1`` first, area in brackets)
custom         each configured ``name -> regex``            ``[NAME]``
=============  ===========================================  =====================

Numbers are read as *runs*: digit groups joined by one space, dot or dash (or a
bracketed group). A run glued to a word, a currency sign, a slash or a colon is
not a run, so amounts (``$1,299.99``), times (``10:30``), dates (``26/11/2026``)
and references like ``ORD-123`` survive. Within a run, windows of whole groups
are tried longest first, so a card read out digit by digit, or followed by its
security code, is still found; a 16-digit order number that fails Luhn is kept.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from qa_app.interactions import numbers
from qa_app.interactions.numbers import luhn_valid

__all__ = ["KINDS", "NATIONAL_IDS", "NOTHING", "Policy", "PolicyError", "luhn_valid"]

KINDS = ("card", "national_id", "email", "phone")
NATIONAL_IDS = ("us_ssn", "uk_nino")

_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[A-Za-z]{2,}(?![\w-])")
_NINO = re.compile(
    r"(?<![\w])(?!BG|GB|KN|NK|NT|TN|ZZ)[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z]"
    r"[ ]?[0-9]{2}[ ]?[0-9]{2}[ ]?[0-9]{2}[ ]?[A-D](?![\w])",
    re.IGNORECASE,
)
# What every built-in rule but e-mail needs somewhere in the text: eight digits
# close together (cards, SSNs, phones), or the digits and letter of a national
# insurance number. One leading [0-9] lets the engine skip to digits, so a whole
# call is checked in microseconds and most calls need nothing more.
_TRIGGER = re.compile(
    r"[0-9](?:(?:[ .()-]{0,3}[0-9]){7}|[0-9][ ]?[0-9]{2}[ ]?[0-9]{2}[ ]?[A-Da-d](?!\w))"
)


class PolicyError(ValueError):
    """The redaction configuration is invalid (says which key and why)."""


@dataclass(frozen=True)
class Policy:
    """What to redact; build one with ``Policy.build`` or ``policy_from_config``."""

    kinds: frozenset[str] = frozenset(KINDS)
    national_ids: frozenset[str] = frozenset(NATIONAL_IDS)
    custom: tuple[tuple[str, re.Pattern[str]], ...] = field(default=())

    @classmethod
    def build(
        cls,
        kinds: Iterable[str] | str = KINDS,
        national_ids: Iterable[str] | str = NATIONAL_IDS,
        custom: Mapping[str, str] | None = None,
    ) -> Policy:
        kinds_set = _names(kinds, KINDS, "REDACTION_KINDS")
        ids = _names(national_ids, NATIONAL_IDS, "REDACTION_NATIONAL_IDS")
        compiled = []
        for name, pattern in (custom or {}).items():
            if not re.fullmatch(r"[A-Za-z][\w ]{0,30}", str(name)):
                raise PolicyError(f"REDACTION_PATTERNS: name {name!r} must be a short word.")
            try:
                compiled.append((str(name).upper(), re.compile(pattern)))
            except (re.error, TypeError) as exc:
                raise PolicyError(
                    f"REDACTION_PATTERNS[{name!r}]: not a regular expression: {exc}."
                ) from exc
        return cls(kinds_set, ids, tuple(compiled))

    @property
    def active(self) -> bool:
        return bool(self.kinds or self.custom)


NOTHING = Policy(frozenset(), frozenset(), ())


def policy_from_config(config: Mapping[str, Any]) -> Policy:
    """The deployment's policy from the config keys ``REDACTION_KINDS``,
    ``REDACTION_NATIONAL_IDS`` and ``REDACTION_PATTERNS``."""
    return Policy.build(
        config.get("REDACTION_KINDS", KINDS),
        config.get("REDACTION_NATIONAL_IDS", NATIONAL_IDS),
        config.get("REDACTION_PATTERNS") or {},
    )


def _names(values: Iterable[str] | str, allowed: tuple[str, ...], key: str) -> frozenset[str]:
    if isinstance(values, str):  # from the environment: "card,email"
        values = [v for v in (part.strip() for part in values.split(",")) if v]
    chosen = frozenset(str(v).strip().lower() for v in values)
    unknown = sorted(chosen - set(allowed))
    if unknown:
        raise PolicyError(f"{key}: unknown {', '.join(unknown)}; choose from {', '.join(allowed)}.")
    return chosen


def redact(text: str, policy: Policy) -> str:
    """``text`` with every personal datum the policy names replaced by its token."""
    if not text or not policy.active:
        return text
    if not policy.custom and "@" not in text and _TRIGGER.search(text) is None:
        return text  # the common case: nothing any built-in rule could match
    spans = find(text, policy)
    if not spans:
        return text
    out, last = [], 0
    for start, end, token in spans:
        out.append(text[last:start])
        out.append(token)
        last = end
    out.append(text[last:])
    return "".join(out)


def redact_turns(turns: list[dict[str, Any]], policy: Policy) -> list[dict[str, Any]]:
    """A transcript (list of turns) with each turn's text redacted; a changed
    turn is a new dict, the input is never modified."""
    if not policy.active:
        return turns
    texts = [turn.get("text") for turn in turns]
    if not policy.custom:
        whole = "\n".join(t for t in texts if isinstance(t, str))
        if "@" not in whole and _TRIGGER.search(whole) is None:
            return turns  # one scan of the whole call: most hold nothing to redact
    out = []
    for turn, text in zip(turns, texts, strict=True):
        if isinstance(text, str):
            redacted = redact(text, policy)
            if redacted is not text:
                turn = {**turn, "text": redacted}
        out.append(turn)
    return out


def find(text: str, policy: Policy) -> list[tuple[int, int, str]]:
    """Non-overlapping ``(start, end, token)`` spans in text order.

    Earlier detectors win an overlap: e-mail, then custom patterns, then the
    national insurance number, then the number runs (card, SSN, phone).
    """
    taken: list[tuple[int, int, str]] = []

    def add(start: int, end: int, token: str) -> None:
        if all(end <= s or start >= e for s, e, _ in taken):
            taken.append((start, end, token))

    if "email" in policy.kinds and "@" in text:
        for m in _EMAIL.finditer(text):
            add(m.start(), m.end(), "[EMAIL]")
    for name, pattern in policy.custom:
        for m in pattern.finditer(text):
            if m.end() > m.start():
                add(m.start(), m.end(), f"[{name}]")
    if _TRIGGER.search(text) is None:
        return sorted(taken)
    national = "national_id" in policy.kinds
    if national and "uk_nino" in policy.national_ids:
        for m in _NINO.finditer(text):
            add(m.start(), m.end(), "[NINO]")
    wanted = policy.kinds & {"card", "phone"}
    if national and "us_ssn" in policy.national_ids:
        wanted |= {"ssn"}
    if wanted:
        for m in numbers.RUN.finditer(text):
            if m.end() - m.start() < numbers.MIN_RUN:  # "2 items", "£30": too short for any rule
                continue
            for start, end, token in numbers.scan_run(text, m, wanted):
                add(start, end, token)
    return sorted(taken)
