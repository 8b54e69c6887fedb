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
_RUN = re.compile(
    r"(?<![\w$£€¥#@,.:/+-])"
    r"(?:\+[ ]?)?"
    r"(?:\([0-9]{1,5}\)[ ]?)?"
    r"[0-9]+"
    r"(?:(?:[ .-]|[ ]?\([0-9]{1,5}\)[ ]?)[0-9]+)*"
    r"(?![\w$£€¥%@/:]|[.,-][0-9])"
)
_DIGITS = re.compile(r"[0-9]+")
_SSN_CONTEXT = re.compile(r"(?:ssn|social security(?: number)?)\W{0,12}$", re.IGNORECASE)
_MAX_WINDOW_DIGITS = 19
_MIN_RUN = 8  # the shortest number any rule takes: an international phone number
# Digits are ASCII [0-9] throughout: the Luhn and issuing rules are about those.


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

    # Most turns hold no digit and no "@": two C-speed scans skip every other
    # regex for them (the import's throughput depends on it).
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
    numbers = policy.kinds & {"card", "phone"} or (national and "us_ssn" in policy.national_ids)
    if numbers:
        for m in _RUN.finditer(text):
            if m.end() - m.start() < _MIN_RUN:  # "2 items", "£30": too short for any rule
                continue
            for start, end, token in _scan_run(text, m, policy):
                add(start, end, token)
    return sorted(taken)


def _scan_run(text: str, run: re.Match[str], policy: Policy) -> list[tuple[int, int, str]]:
    """Windows of whole digit groups, earliest start first, longest first."""
    groups = [(run.start() + g.start(), run.start() + g.end()) for g in _DIGITS.finditer(run[0])]
    plus = run[0].startswith("+")
    found = []
    i = 0
    while i < len(groups):
        ends, digits = [], 0
        for j in range(i, len(groups)):
            digits += groups[j][1] - groups[j][0]
            if digits > _MAX_WINDOW_DIGITS and j > i:
                break
            ends.append(j)
        for j in reversed(ends):
            start = run.start() if (i == 0 and plus) else groups[i][0]
            if i == 0 and text[run.start()] == "(":
                start = run.start()
            end = groups[j][1]
            if text[end : end + 1] == ")":
                end += 1
            token = _classify(text, groups[i : j + 1], start, end, policy, plus and i == 0)
            if token:
                found.append((start, end, token))
                i = j + 1
                break
        else:
            i += 1
    return found


def _classify(
    text: str, groups: list[tuple[int, int]], start: int, end: int, policy: Policy, plus: bool
) -> str | None:
    parts = [text[s:e] for s, e in groups]
    digits = "".join(parts)
    if "card" in policy.kinds and not plus and _is_card(digits, text, groups):
        return f"[CARD ****{digits[-4:]}]"
    ssn = "national_id" in policy.kinds and "us_ssn" in policy.national_ids
    if ssn and not plus and _is_ssn(parts, text, groups):
        return "[SSN]"
    if "phone" in policy.kinds and _is_phone(parts, text[start:end], plus):
        return f"[PHONE ***-**{digits[-2:]}]"
    return None


def luhn_valid(digits: str) -> bool:
    """The Luhn (mod 10) check every payment card number satisfies."""
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = ord(char) - 48
        if position % 2:
            value = value * 2 - 9 if value > 4 else value * 2
        total += value
    return total % 10 == 0


def _is_card(digits: str, text: str, groups: list[tuple[int, int]]) -> bool:
    if not 13 <= len(digits) <= 19 or digits[0] not in "23456" or not luhn_valid(digits):
        return False
    separators = {text[groups[k][1] : groups[k + 1][0]] for k in range(len(groups) - 1)}
    if not separators <= {" ", "-"}:
        return False
    sizes = [e - s for s, e in groups]
    return (
        len(sizes) == 1
        or set(sizes) == {1}  # read out digit by digit
        or sizes in ([4, 6, 5], [4, 6, 4])  # American Express, Diners
        or (set(sizes[:-1]) == {4} and sizes[-1] <= 4)  # 4-4-4-4, 4-4-4-4-3, ...
    )


def _is_ssn(parts: list[str], text: str, groups: list[tuple[int, int]]) -> bool:
    if len(parts) == 3 and [len(p) for p in parts] == [3, 2, 4]:
        first, second = (text[groups[0][1] : groups[1][0]], text[groups[1][1] : groups[2][0]])
        if first != second or first not in (" ", "-"):
            return False
        area, group, serial = parts
    elif len(parts) == 1 and len(parts[0]) == 9:
        if not _SSN_CONTEXT.search(text[max(0, groups[0][0] - 40) : groups[0][0]]):
            return False
        area, group, serial = parts[0][:3], parts[0][3:5], parts[0][5:]
    else:
        return False
    return not (area in ("000", "666") or area[0] == "9" or group == "00" or serial == "0000")


def _is_phone(parts: list[str], raw: str, plus: bool) -> bool:
    digits = "".join(parts)
    if plus or digits.startswith("00"):
        number = digits if plus else digits[2:]
        return 8 <= len(number) <= 15 and number[0] != "0"
    if digits[0] == "0":
        return 10 <= len(digits) <= 11 and digits[1] != "0" and len(parts[0]) >= 3
    shape = [len(p) for p in parts]
    if shape == [3, 3, 4] and digits[0] in "23456789" and digits[3] in "23456789":
        return True
    return shape == [1, 3, 3, 4] and parts[0] == "1" and raw.count("(") <= 1
