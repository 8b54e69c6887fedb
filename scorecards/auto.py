"""The ``auto:`` block of a question: rules that answer it from the transcript.

A question may carry a list of rules, tried in order; the first that holds
gives the answer (``autoqa`` evaluates them). The last item may be
``otherwise: <answer>``, the answer when no rule holds; without it such a
contact gets no auto-answer. Each rule has an ``answer`` and exactly one
condition:

``says: [phrases]`` or ``pattern: <regex>``
    a turn contains one of the phrases (whole words, any case) or matches the
    pattern. Narrowed by ``speaker`` (agent, the default; customer; any),
    ``in: {first: N}`` or ``in: {last: N}`` (that speaker's first or last N
    turns), ``after:`` / ``before:`` (a ``says``/``pattern`` match of its own,
    with its own ``speaker``: only turns after its first match, or before it),
    ``count: N`` (at least N matching turns, default 1) and ``absent: true``
    (the rule holds when no turn matches).
``silence_over: <seconds>``
    the longest silence of the contact is longer (from the recording's
    measures when it has one, else from gaps between turn timestamps).
``first_response_over: <seconds>``
    the first agent turn comes later than this after the first customer turn.
``hold_without_asking: [phrases]``
    a hold (from the recording's measures) began without an agent turn
    asking for it (one of the phrases) in the minute before.
``customer_sentiment: {at: start|end, below: X}`` (or ``above: X``)
    the customer's sentiment over their first (or last) two turns, VADER's
    compound score from -1 to 1, is below (above) X.
``spelling_errors_over: N``
    the agent's written replies hold more than N misspelt words (chat and
    e-mail; the team's product words are allowed).

Example::

    auto:
      - answer: "yes"
        says: ["thank you for calling", "welcome to"]
        in: {first: 2}
      - otherwise: "no"
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from scorecards._kinds import is_answer, is_number, normalize_answer, show

if TYPE_CHECKING:
    from scorecards.validate import Checker

Speaker = Literal["agent", "customer", "any"]
SPEAKERS = ("agent", "customer", "any")
CONDITIONS = ("says", "pattern", "silence_over", "first_response_over", "hold_without_asking",
              "customer_sentiment", "spelling_errors_over")  # fmt: skip
SENTIMENT_FIELDS = ("at", "below", "above")
MATCH_FIELDS = ("says", "pattern", "speaker")
RULE_FIELDS = ("answer", *CONDITIONS, "speaker", "in", "after", "before", "count", "absent")
MAX_RULES = 20
MAX_PHRASES = 50


@dataclass(frozen=True)
class Match:
    """Turns of ``speaker`` containing a phrase of ``says`` or matching ``pattern``."""

    speaker: Speaker = "agent"
    says: tuple[str, ...] = ()
    pattern: str | None = None


@dataclass(frozen=True)
class AutoRule:
    """One rule; ``condition`` names which of the fields apply."""

    answer: Any
    condition: Literal[
        "says", "silence_over", "first_response_over", "hold_without_asking",
        "customer_sentiment", "spelling_errors_over", "otherwise",
    ]  # fmt: skip
    match: Match | None = None
    first: int | None = None
    last: int | None = None
    after: Match | None = None
    before: Match | None = None
    count: int = 1
    absent: bool = False
    seconds: float | None = None
    asks: tuple[str, ...] = ()
    at: Literal["start", "end"] | None = None  # customer_sentiment
    below: float | None = None  # customer_sentiment
    above: float | None = None  # customer_sentiment
    errors: int | None = None  # spelling_errors_over


# -- checking -----------------------------------------------------------------


def check(c: Checker, rules: Any, where: str, kind: str, answers: tuple) -> None:
    """Report every problem of a question's ``auto`` block."""
    if kind == "text":
        c.add(where, "text questions are not answered automatically")
        return
    if not isinstance(rules, list) or not rules:
        c.add(where, "must be a list of rules (at least one)")
        return
    if len(rules) > MAX_RULES:
        c.add(where, f"at most {MAX_RULES} rules")
    for n, rule in enumerate(rules):
        path = f"{where}[{n}]"
        if not c.mapping(rule, path, "a rule"):
            continue
        if "otherwise" in rule:
            if set(rule) != {"otherwise"}:
                c.add(path, "otherwise stands alone: the answer when no rule above holds")
            if n != len(rules) - 1:
                c.add(path, "otherwise must be the last rule")
            _answer(c, rule["otherwise"], f"{path}.otherwise", kind, answers)
            continue
        _rule(c, rule, path, kind, answers)


def _answer(c: Checker, raw: Any, where: str, kind: str, answers: tuple) -> None:
    value = normalize_answer(kind, raw)
    if value is None:
        c.add(where, "required: an answer of this question")
    elif value != "na" and not is_answer(kind, value, answers):
        c.add(where, f"{show(raw)} is not an answer this question can take")


def _rule(c: Checker, rule: dict, path: str, kind: str, answers: tuple) -> None:
    c.unknown(rule, path, RULE_FIELDS)
    _answer(c, rule.get("answer"), f"{path}.answer", kind, answers)
    given = [name for name in CONDITIONS if rule.get(name) is not None]
    text_match = bool({"says", "pattern"} & set(given))
    if not given:
        c.add(path, f"needs a condition: one of {', '.join(CONDITIONS)}")
    elif len(given) > 1 and set(given) != {"says", "pattern"}:
        c.add(path, f"has more than one condition ({', '.join(given)}); give one per rule")
    if set(given) == {"says", "pattern"}:
        c.add(path, "give says or pattern, not both")
    _match(c, rule, path, own=False)
    for field in ("speaker", "in", "after", "before", "count", "absent"):
        if rule.get(field) is not None and not text_match:
            c.add(f"{path}.{field}", "only applies to a says or pattern rule")
    window = rule.get("in")
    if window is not None:
        if (
            not isinstance(window, dict)
            or len(window) != 1
            or next(iter(window)) not in ("first", "last")
        ):
            c.add(f"{path}.in", "must be {first: N} or {last: N}")
        elif not _positive_int(next(iter(window.values()))):
            c.add(f"{path}.in", "N must be a whole number of 1 or more")
    for side in ("after", "before"):
        other = rule.get(side)
        if other is not None and c.mapping(other, f"{path}.{side}", side):
            c.unknown(other, f"{path}.{side}", MATCH_FIELDS)
            if other.get("says") is None and other.get("pattern") is None:
                c.add(f"{path}.{side}", "needs says or pattern")
            _match(c, other, f"{path}.{side}", own=True)
    if rule.get("count") is not None and not _positive_int(rule["count"]):
        c.add(f"{path}.count", "must be a whole number of 1 or more")
    c.boolean(rule, path, "absent")
    for field in ("silence_over", "first_response_over"):
        value = rule.get(field)
        if value is not None and not (is_number(value) and value > 0):
            c.add(f"{path}.{field}", "must be a number of seconds greater than 0")
    if rule.get("hold_without_asking") is not None:
        _phrases(c, rule["hold_without_asking"], f"{path}.hold_without_asking")
    if rule.get("customer_sentiment") is not None:
        _sentiment(c, rule["customer_sentiment"], f"{path}.customer_sentiment")
    errors = rule.get("spelling_errors_over")
    if errors is not None and not (_positive_int(errors) or errors == 0):
        c.add(f"{path}.spelling_errors_over", "must be a whole number of 0 or more")


def _sentiment(c: Checker, data: Any, where: str) -> None:
    if not c.mapping(data, where, "customer_sentiment"):
        return
    c.unknown(data, where, SENTIMENT_FIELDS)
    if data.get("at") not in ("start", "end"):
        c.add(f"{where}.at", 'required: "start" or "end"')
    bounds = [b for b in ("below", "above") if data.get(b) is not None]
    if len(bounds) != 1:
        c.add(where, "give one of below or above")
    for bound in bounds:
        value = data[bound]
        if not (is_number(value) and -1 <= value <= 1):
            c.add(f"{where}.{bound}", "must be a number from -1 to 1 (VADER's compound score)")


def _match(c: Checker, data: dict, path: str, own: bool) -> None:
    c.choose(data, path, "speaker", SPEAKERS)
    if data.get("says") is not None:
        _phrases(c, data["says"], f"{path}.says")
    pattern = data.get("pattern")
    if pattern is not None:
        if not isinstance(pattern, str) or not pattern.strip():
            c.add(f"{path}.pattern", "must be a regular expression (text)")
        else:
            try:
                re.compile(pattern)
            except re.error as exc:
                c.add(f"{path}.pattern", f"is not a valid regular expression: {exc}")


def _phrases(c: Checker, value: Any, where: str) -> None:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not value:
        c.add(where, "must be a phrase or a list of phrases")
        return
    if len(value) > MAX_PHRASES:
        c.add(where, f"at most {MAX_PHRASES} phrases")
    for phrase in value:
        if not isinstance(phrase, str) or not phrase.strip():
            c.add(where, f"{show(phrase) if isinstance(phrase, str | int | float) else 'this'}"
                         " is not a phrase (non-empty text)")  # fmt: skip


def _positive_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 1


# -- loading and writing (after ``check`` found nothing) ----------------------


def load(kind: str, rules: list[dict] | None) -> tuple[AutoRule, ...]:
    out = []
    for rule in rules or ():
        if "otherwise" in rule:
            out.append(AutoRule(normalize_answer(kind, rule["otherwise"]), "otherwise"))
            continue
        answer = normalize_answer(kind, rule["answer"])
        if rule.get("says") is not None or rule.get("pattern") is not None:
            window = rule.get("in") or {}
            out.append(AutoRule(
                answer, "says", match=_load_match(rule),
                first=window.get("first"), last=window.get("last"),
                after=_load_match(rule["after"]) if rule.get("after") else None,
                before=_load_match(rule["before"]) if rule.get("before") else None,
                count=int(rule.get("count") or 1), absent=bool(rule.get("absent")),
            ))  # fmt: skip
        elif rule.get("customer_sentiment") is not None:
            mood = rule["customer_sentiment"]
            out.append(AutoRule(answer, "customer_sentiment", at=mood["at"],
                                below=_float(mood.get("below")),
                                above=_float(mood.get("above"))))  # fmt: skip
        elif rule.get("spelling_errors_over") is not None:
            out.append(AutoRule(answer, "spelling_errors_over",
                                errors=int(rule["spelling_errors_over"])))  # fmt: skip
        elif rule.get("hold_without_asking") is not None:
            asks = rule["hold_without_asking"]
            out.append(AutoRule(answer, "hold_without_asking",
                                asks=tuple([asks] if isinstance(asks, str) else asks)))  # fmt: skip
        else:
            name = "silence_over" if rule.get("silence_over") is not None else "first_response_over"
            out.append(AutoRule(answer, name, seconds=float(rule[name])))
    return tuple(out)


def _float(value: Any) -> float | None:
    return None if value is None else float(value)


def _load_match(data: dict) -> Match:
    says = data.get("says")
    return Match(
        speaker=data.get("speaker") or "agent",
        says=tuple([says] if isinstance(says, str) else says or ()),
        pattern=data.get("pattern"),
    )


def dump(rules: tuple[AutoRule, ...]) -> list[dict]:
    """The canonical dict form (what ``load`` reads back to the same rules)."""
    out: list[dict] = []
    for rule in rules:
        if rule.condition == "otherwise":
            out.append({"otherwise": rule.answer})
            continue
        item: dict[str, Any] = {"answer": rule.answer}
        if rule.condition == "says":
            item |= _dump_match(rule.match, with_speaker=rule.match.speaker != "agent")
            if rule.first is not None:
                item["in"] = {"first": rule.first}
            if rule.last is not None:
                item["in"] = {"last": rule.last}
            for side in ("after", "before"):
                other = getattr(rule, side)
                if other is not None:
                    item[side] = _dump_match(other, with_speaker=True)
            if rule.count != 1:
                item["count"] = rule.count
            if rule.absent:
                item["absent"] = True
        elif rule.condition == "hold_without_asking":
            item["hold_without_asking"] = list(rule.asks)
        elif rule.condition == "customer_sentiment":
            bound = "below" if rule.below is not None else "above"
            item["customer_sentiment"] = {"at": rule.at, bound: getattr(rule, bound)}
        elif rule.condition == "spelling_errors_over":
            item["spelling_errors_over"] = rule.errors
        else:
            seconds = rule.seconds or 0.0
            item[rule.condition] = int(seconds) if seconds.is_integer() else seconds
        out.append(item)
    return out


def _dump_match(match: Match | None, *, with_speaker: bool) -> dict:
    if match is None:
        return {}
    out: dict[str, Any] = {"speaker": match.speaker} if with_speaker else {}
    if match.says:
        out["says"] = list(match.says)
    if match.pattern is not None:
        out["pattern"] = match.pattern
    return out
