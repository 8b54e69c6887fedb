"""Scoring one evaluation (or many) against a scorecard: the rule in DOMAIN.md.

Decisions beyond the domain text:

* **Unanswered** questions (key missing, or value None / "") count in neither
  earned nor possible points, so a draft shows a running score;
  ``complete``/``missing_required`` say whether every required question has an
  answer (N/A counts as an answer).
* **total_before_autofail** is the score with no critical rule applied at all
  (neither scope). ``total`` applies them: a section-scope failure zeroes that
  section (its earned points and percent become 0, possible points stay), a
  scorecard-scope failure makes the total 0. Sections keep their own numbers
  when the whole scorecard fails, for analysis.
* ``Result.auto_failed`` means the *scorecard* was auto-failed;
  ``SectionResult.auto_failed`` marks section-scope failures;
  ``auto_fail_questions`` lists every critical question that fired, either scope.
* **Critical families**: a question with an ``error_family`` is hit when its
  answer is one of its ``fail_on`` answers; when it has no critical rule, when
  it earned less than its full points. N/A and unanswered never hit.
* Percentages are 0..100 floats, unrounded (display rounds); None = undefined.

The card is compiled once into flat per-question point tables (cached on the
card object, which is immutable) so one evaluation costs a few dict lookups
per question.
"""

from __future__ import annotations

import gc
from collections.abc import Iterable, Mapping
from functools import partial
from typing import Any

from scorecards._kinds import show
from scorecards.errors import AnswerError, Problem
from scorecards.model import NA, Question, Scorecard
from scorecards.result import Result, SectionResult


class _Compiled:
    """A card flattened for fast scoring.

    Everything a valid answer does is known in advance, so each question gets
    a table: answer -> (section index, earned, possible, critical, family hit)
    with critical 0 (none), 1 (section) or 2 (scorecard). "na", where allowed,
    maps to zero earned and zero possible. Scoring is then one dict lookup per
    question; anything not in a table (unanswered, text, invalid) takes the
    slow path.
    """

    def __init__(self, card: Scorecard) -> None:
        self.section_keys = tuple(s.key for s in card.sections)
        self.weights = tuple(s.weight or 0.0 for s in card.sections) if card.weighted else None
        self.keys = frozenset(q.key for q in card.questions())
        self.items = tuple(
            _item(i, q) for i, section in enumerate(card.sections) for q in section.questions
        )


def _item(si: int, q: Question) -> tuple:
    answers = q.answers()
    table: dict[Any, tuple] = {}
    fail_on = q.critical.fail_on if q.critical else ()
    crit = 0 if q.critical is None else (2 if q.critical.scope == "scorecard" else 1)
    for answer in answers:
        earned = q.points_for(answer)
        fails = answer in fail_on
        # a family is hit by a failing answer; with no critical rule, by any lost point
        hit = fails if q.critical else earned < q.points
        table[answer] = (
            si,
            earned,
            q.points,
            crit if fails else 0,
            q.error_family if hit else None,
        )
    if q.kind == "scale":
        # HTML forms send "3": the digit string is the same answer.
        table.update({str(a): out for a, out in list(table.items())})
        hint = f"a whole number from {answers[0]} to {answers[-1]}"
    else:
        hint = "one of " + ", ".join(map(str, answers))
    if q.allow_na and q.kind != "text":
        table[NA] = (si, 0.0, 0.0, 0, None)
        hint += ", or na"
    return q.key, table, q.required, q.kind == "text", hint


# SectionResult from a ready (key, earned, possible, percent, auto_failed) tuple, in C.
_section = partial(tuple.__new__, SectionResult)


def _compiled(card: Scorecard) -> _Compiled:
    comp = card.__dict__.get("_compiled")
    if comp is None:
        comp = _Compiled(card)
        object.__setattr__(card, "_compiled", comp)  # a cache, not a field: card stays equal
    return comp


def score(card: Scorecard, answers: Mapping[str, Any]) -> Result:
    """Score one evaluation. ``answers`` maps question key -> answer value.

    Values: yes_no "yes"/"no"; scale an int in min..max (or its digit string);
    choice an option key; text any string; "na" for N/A where allowed; a
    missing key, None or "" is unanswered. Raises ``AnswerError`` listing every
    invalid answer, keyed by question key.
    """
    return _score(_compiled(card), answers)


def score_many(card: Scorecard, evaluations: Iterable[Mapping[str, Any]]) -> list[Result]:
    """Score many evaluations of one card, compiling it once; same numbers as ``score``.

    Raises one ``AnswerError`` for all invalid evaluations, paths ``[index].key``.
    """
    comp = _compiled(card)
    results: list[Result] = []
    problems: list[Problem] = []
    # Results hold no reference cycles, yet building 100,000 of them triggers
    # repeated full collections that cost more than the scoring itself. Pause
    # the cycle collector for the batch; the previous state is restored.
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        for i, answers in enumerate(evaluations):
            try:
                results.append(_score(comp, answers))
            except AnswerError as exc:
                problems.extend(Problem(f"[{i}].{p.path}", p.message) for p in exc.problems)
    finally:
        if was_enabled:
            gc.enable()
    if problems:
        raise AnswerError(problems)
    return results


def _score(comp: _Compiled, answers: Mapping[str, Any]) -> Result:
    n = len(comp.section_keys)
    earned = [0.0] * n
    possible = [0.0] * n
    failed = [False] * n
    card_failed = False
    fired: list[str] = []
    families: set[str] = set()
    missing: list[str] = []
    problems: list[Problem] = []
    if not comp.keys.issuperset(answers):
        problems.extend(
            Problem(str(k), "not a question on this scorecard")
            for k in answers
            if k not in comp.keys
        )
    get = answers.get
    for key, table, required, is_text, hint in comp.items:
        value = get(key)
        cls = value.__class__
        # the exact-type check keeps True (== 1) and 3.0 (== 3) out of scale tables
        if (cls is str or cls is int) and (out := table.get(value)) is not None:
            si, points, full, crit, family = out
            earned[si] += points
            possible[si] += full
            if crit:
                fired.append(key)
                if crit == 2:
                    card_failed = True
                else:
                    failed[si] = True
            if family:
                families.add(family)
        elif value is None or value == "":
            if required:
                missing.append(key)
        elif is_text:
            if not isinstance(value, str):
                problems.append(Problem(key, "must be text"))
        elif value == NA:
            problems.append(Problem(key, "N/A is not allowed for this question"))
        else:
            problems.append(Problem(key, f"{show(value)} is not an answer ({hint})"))
    if problems:
        raise AnswerError(problems)
    return _result(comp, earned, possible, failed, card_failed, fired, families, missing)


def _result(
    comp: _Compiled,
    earned: list[float],
    possible: list[float],
    failed: list[bool],
    card_failed: bool,
    fired: list[str],
    families: set[str],
    missing: list[str],
) -> Result:
    raw = [
        min(e / p * 100.0, 100.0) if p > 0 else None for e, p in zip(earned, possible, strict=True)
    ]
    before = _total(comp.weights, earned, possible, raw)
    if True in failed:  # section-scope failures: those sections count as 0 %
        earned = [0.0 if f else e for e, f in zip(earned, failed, strict=True)]
        percents = [0.0 if f else r for r, f in zip(raw, failed, strict=True)]
        total = 0.0 if card_failed else _total(comp.weights, earned, possible, percents)
    else:
        percents = raw
        total = 0.0 if card_failed else before
    sections = tuple(
        map(_section, zip(comp.section_keys, earned, possible, percents, failed, strict=True))
    )
    return Result(
        total, before, sections, card_failed, tuple(fired), frozenset(families),
        not missing, tuple(missing),
    )  # fmt: skip


def _total(
    weights: tuple[float, ...] | None,
    earned: list[float],
    possible: list[float],
    percents: list[float | None],
) -> float | None:
    """Weighted mean of section percents, or all earned / all possible; None if undefined."""
    if weights is None:
        total_possible = sum(possible)
        return min(sum(earned) / total_possible * 100.0, 100.0) if total_possible > 0 else None
    weighted = weight = 0.0
    for w, percent in zip(weights, percents, strict=True):
        if percent is not None and w > 0:  # sections with nothing to count drop out
            weighted += w * percent
            weight += w
    return min(weighted / weight, 100.0) if weight > 0 else None
