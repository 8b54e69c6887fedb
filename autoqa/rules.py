"""Evaluate a question's ``auto:`` rules (``scorecards.auto``) on one contact.

Turns are dicts as stored with an interaction: ``speaker`` ("agent" or
"customer"), ``text``, ``start_s`` (seconds from the start, may be missing)
and, from a recording, ``end_s``. ``measures`` are the recording's call
measures when there is one (``longest_silence_s``, ``holds``: [(start, end)]).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from autoqa import detectors
from scorecards import Question
from scorecards.auto import AutoRule, Match

ASK_BEFORE_HOLD_S = 60.0  # an agent's ask counts for a hold starting within this


@dataclass(frozen=True)
class Evidence:
    """The turn that decided an auto-answer (or what was looked for and not found)."""

    turn: int | None  # index in the transcript; None when the answer rests on an absence
    speaker: str | None
    text: str
    start_s: float | None


@dataclass(frozen=True)
class Context:
    measures: Mapping[str, Any]
    channel: str | None
    allowed_words: frozenset[str]


@dataclass(frozen=True)
class AutoAnswer:
    question: str
    answer: Any
    source: str  # "rule"
    confidence: float
    evidence: Evidence
    rule: int  # which rule of the block (0-based)


def answer(
    question: Question,
    turns: Sequence[Mapping[str, Any]],
    measures: Mapping[str, Any] | None = None,
    *,
    channel: str | None = None,
    allowed_words: frozenset[str] = frozenset(),
) -> AutoAnswer | None:
    """The first rule of ``question.auto`` that holds, as an answer with its
    evidence; None when the question has no rules or none holds (and no
    ``otherwise``), or a rule needs what the contact does not have (measures
    of a recording; a written channel for spelling)."""
    context = Context(measures or {}, channel, allowed_words)
    return _first_holding(question, normalise(turns), context)


def answer_all(
    questions: Sequence[Question],
    turns: Sequence[Mapping[str, Any]],
    measures: Mapping[str, Any] | None = None,
    *,
    channel: str | None = None,
    allowed_words: frozenset[str] = frozenset(),
) -> dict[str, AutoAnswer]:
    """``answer`` for each question with rules (the turns are read once)."""
    context = Context(measures or {}, channel, allowed_words)
    ready = normalise(turns)
    found = (_first_holding(q, ready, context) for q in questions if q.auto)
    return {a.question: a for a in found if a is not None}


def normalise(turns: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Turns with a lower-case speaker and text as text, read once per contact."""
    return [
        {"speaker": str(t.get("speaker") or "").lower(), "text": str(t.get("text") or ""),
         "start_s": t.get("start_s"), "end_s": t.get("end_s")}
        for t in turns
    ]  # fmt: skip


def _first_holding(question: Question, turns: list[dict[str, Any]],
                   context: Context) -> AutoAnswer | None:  # fmt: skip
    for n, rule in enumerate(question.auto):
        evidence = _holds(rule, turns, context)
        if evidence is not None:
            return AutoAnswer(question.key, rule.answer, "rule", 1.0, evidence, n)
    return None


def _holds(rule: AutoRule, turns: Sequence[Mapping[str, Any]], context: Context) -> Evidence | None:
    if rule.condition == "otherwise":
        return Evidence(None, None, "no rule above held", None)
    if rule.condition == "says":
        return _says(rule, turns)
    if rule.condition == "silence_over":
        return _silence(rule.seconds or 0.0, turns, context.measures)
    if rule.condition == "first_response_over":
        return _first_response(rule.seconds or 0.0, turns)
    if rule.condition == "customer_sentiment":
        return _sentiment(rule, turns)
    if rule.condition == "spelling_errors_over":
        return _spelling(rule.errors or 0, turns, context)
    return _hold_without_asking(rule.asks, turns, context.measures)


def _sentiment(rule: AutoRule, turns: Sequence[Mapping[str, Any]]) -> Evidence | None:
    found = detectors.customer_sentiment(turns, rule.at or "end")
    if found is None:
        return None
    score, index = found
    holds = score < rule.below if rule.below is not None else score > (rule.above or 0.0)
    if not holds:
        return None
    turn = _evidence(turns, index)
    return Evidence(index, turn.speaker, f"customer sentiment {score:+.2f} at the {rule.at}: "
                    f"{turn.text}", turn.start_s)  # fmt: skip


def _spelling(limit: int, turns: Sequence[Mapping[str, Any]], context: Context) -> Evidence | None:
    if context.channel not in detectors.WRITTEN:
        return None
    errors = detectors.misspelt(turns, context.allowed_words)
    if len(errors) <= limit:
        return None
    index = errors[0][0]
    turn = _evidence(turns, index)
    words = ", ".join(sorted({w for _, w in errors})[:10])
    return Evidence(index, turn.speaker, f"{len(errors)} misspelt words ({words})", turn.start_s)


def _says(rule: AutoRule, turns: Sequence[Mapping[str, Any]]) -> Evidence | None:
    assert rule.match is not None
    candidates = list(range(len(turns)))
    if rule.after is not None:
        anchor = _first(rule.after, turns, candidates)
        candidates = [] if anchor is None else [i for i in candidates if i > anchor]
    if rule.before is not None:
        anchor = _first(rule.before, turns, candidates)
        candidates = candidates if anchor is None else [i for i in candidates if i < anchor]
    own = [i for i in candidates if _speaks(rule.match.speaker, turns[i])]
    if rule.first is not None:
        own = own[: rule.first]
    if rule.last is not None:
        own = own[-rule.last :]
    hits = [i for i in own if _matches(rule.match, turns[i])]
    if rule.absent:
        if hits:
            return None
        looked = ", ".join(f'"{p}"' for p in rule.match.says) or f"/{rule.match.pattern}/"
        return Evidence(None, rule.match.speaker, f"no {rule.match.speaker} turn said {looked}",
                        None)  # fmt: skip
    if len(hits) < rule.count:
        return None
    return _evidence(turns, hits[0])


def _first(match: Match, turns: Sequence[Mapping[str, Any]], among: list[int]) -> int | None:
    return next((i for i in among if _speaks(match.speaker, turns[i])
                 and _matches(match, turns[i])), None)  # fmt: skip


def _speaks(speaker: str, turn: Mapping[str, Any]) -> bool:
    return speaker == "any" or turn["speaker"] == speaker


def _matches(match: Match, turn: Mapping[str, Any]) -> bool:
    text = turn["text"]
    if match.pattern is not None:
        return _compiled(match.pattern).search(text) is not None
    return _phrases(match.says).search(text) is not None


def _phrases(says: tuple[str, ...]) -> re.Pattern[str]:
    """One pattern for a phrase list: whole words, any case, any spacing (compiled
    once by the ``re`` module's own cache of recent patterns)."""
    alternatives = (r"\s+".join(map(re.escape, p.split())) for p in says)
    return re.compile(r"(?<!\w)(?:" + "|".join(alternatives) + r")(?!\w)", re.IGNORECASE)


def _compiled(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.IGNORECASE)


def _evidence(turns: Sequence[Mapping[str, Any]], index: int) -> Evidence:
    turn = turns[index]
    start = turn.get("start_s")
    return Evidence(index, str(turn.get("speaker") or ""), str(turn.get("text") or ""),
                    float(start) if start is not None else None)  # fmt: skip


def _silence(seconds: float, turns: Sequence[Mapping[str, Any]],
             measures: Mapping[str, Any]) -> Evidence | None:  # fmt: skip
    measured = measures.get("longest_silence_s")
    if measured is not None:
        at = measures.get("longest_silence_at_s")
        if measured <= seconds:
            return None
        index = _turn_at(turns, at) if at is not None else None
        text = f"{measured:.0f} s of silence (recording)"
        return Evidence(index, None, text, float(at) if at is not None else None)
    longest, after = 0.0, None
    for i in range(1, len(turns)):
        before, start = turns[i - 1], turns[i].get("start_s")
        end = before["end_s"] if before["end_s"] is not None else before["start_s"]
        if start is None or end is None:
            continue
        if start - end > longest:
            longest, after = start - end, i
    if after is None or longest <= seconds:
        return None
    found = _evidence(turns, after)
    return Evidence(found.turn, found.speaker, f"{longest:.0f} s without a turn before: "
                    f"{found.text}", found.start_s)  # fmt: skip


def _first_response(seconds: float, turns: Sequence[Mapping[str, Any]]) -> Evidence | None:
    asked = next((t for t in turns if _speaks("customer", t) and t.get("start_s") is not None),
                 None)  # fmt: skip
    if asked is None:
        return None
    replies = (
        i for i, t in enumerate(turns)
        if _speaks("agent", t) and t.get("start_s") is not None and t["start_s"] >= asked["start_s"]
    )  # fmt: skip
    reply = next(replies, None)
    if reply is None:
        return None
    waited = turns[reply]["start_s"] - asked["start_s"]
    if waited <= seconds:
        return None
    found = _evidence(turns, reply)
    return Evidence(found.turn, found.speaker, f"first reply after {waited:.0f} s: {found.text}",
                    found.start_s)  # fmt: skip


def _hold_without_asking(asks: tuple[str, ...], turns: Sequence[Mapping[str, Any]],
                         measures: Mapping[str, Any]) -> Evidence | None:  # fmt: skip
    holds = measures.get("holds")
    if not holds:
        return None
    asking = Match("agent", asks)
    for start, _end in holds:
        asked = any(
            _speaks("agent", t) and t.get("start_s") is not None
            and start - ASK_BEFORE_HOLD_S <= t["start_s"] <= start and _matches(asking, t)
            for t in turns
        )  # fmt: skip
        if not asked:
            index = _turn_at(turns, start)
            return Evidence(index, None, f"hold at {start:.0f} s without asking first",
                            float(start))  # fmt: skip
    return None


def _turn_at(turns: Sequence[Mapping[str, Any]], seconds: float) -> int | None:
    """The last turn starting at or before ``seconds``."""
    index = None
    for i, turn in enumerate(turns):
        start = turn.get("start_s")
        if start is not None and start <= seconds:
            index = i
    return index
