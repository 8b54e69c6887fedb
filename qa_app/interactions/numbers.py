"""Numbers in transcripts: payment cards, US social security numbers and phone
numbers, read as *runs* (see ``redaction``). Pure: the standard library only.

``RUN`` finds digit groups joined by one space, dot or dash (or a bracketed
group), not glued to a word, currency sign, slash or colon. ``scan_run`` tries
windows of whole groups, earliest start first and longest first, and names the
first rule each window satisfies.
"""

from __future__ import annotations

import re

RUN = re.compile(
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
MIN_RUN = 8  # the shortest number any rule takes: an international phone number
# Digits are ASCII [0-9] throughout: the Luhn and issuing rules are about those.


def scan_run(text: str, run: re.Match[str], wanted: frozenset[str]) -> list[tuple[int, int, str]]:
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
            token = _classify(text, groups[i : j + 1], start, end, wanted, plus and i == 0)
            if token:
                found.append((start, end, token))
                i = j + 1
                break
        else:
            i += 1
    return found


Groups = list[tuple[int, int]]


def _classify(
    text: str, groups: Groups, start: int, end: int, wanted: frozenset[str], plus: bool
) -> str | None:
    parts = [text[s:e] for s, e in groups]
    digits = "".join(parts)
    if "card" in wanted and not plus and _is_card(digits, text, groups):
        return f"[CARD ****{digits[-4:]}]"
    if "ssn" in wanted and not plus and _is_ssn(parts, text, groups):
        return "[SSN]"
    if "phone" in wanted and _is_phone(parts, text[start:end], plus):
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
