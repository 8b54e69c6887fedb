"""What a scorecard is: Scorecard -> Section -> Question, all frozen.

Design decisions (the contract other packages rely on):

* **Weights live on sections** (``Section.weight``). Either every section has a
  weight or none does. With weights, the total is the weighted mean of section
  percentages; without, it is all earned points over all possible points.
  Weights are relative (``2`` and ``1`` mean two thirds / one third); zero is
  allowed for an informational section, but they must add up to more than 0.
* **Keys are stable identity.** Section keys are unique, question keys are
  unique across the whole scorecard. Reports compare versions by key, so a
  key never changes meaning between published versions.
* **Points** are the most a question can earn (> 0). For ``choice`` they equal
  the best option's points; ``text`` questions carry no points (0).
* **Explicit answer points** (``answer_points``, yes_no and scale only) are
  stored exactly as written, as sorted ``(answer, points)`` pairs, so the card
  stays hashable and round-trips losslessly. Answers they do not name fall back
  to the default rule (yes = full, no = 0; scale linear from min = 0 to
  max = full).

Instances are normally built by ``scorecards.load``/``from_dict``, which
validate first; constructing them by hand skips validation.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from scorecards.auto import AutoRule

Channel = Literal["call", "chat", "email", "any"]
Kind = Literal["yes_no", "scale", "choice", "text"]
Scope = Literal["section", "scorecard"]
Family = Literal["customer", "business", "compliance"]
#: An answer value: "yes"/"no", a scale int, an option key, free text, or "na".
AnswerValue = str | int

CHANNELS: tuple[str, ...] = ("call", "chat", "email", "any")
KINDS: tuple[str, ...] = ("yes_no", "scale", "choice", "text")
SCOPES: tuple[str, ...] = ("section", "scorecard")
FAMILIES: tuple[str, ...] = ("customer", "business", "compliance")
NA = "na"
DEFAULT_SCALE = (1, 5)


@dataclass(frozen=True)
class Option:
    """One named answer of a ``choice`` question and the points it earns (>= 0)."""

    key: str
    label: str
    points: float


@dataclass(frozen=True)
class Critical:
    """An auto-fail rule: any answer in ``fail_on`` zeroes the section or the scorecard."""

    scope: Scope
    fail_on: tuple[AnswerValue, ...]


@dataclass(frozen=True)
class Question:
    """One question. Only the fields meaningful for its ``kind`` are set.

    ``required`` defaults to True for scored kinds and False for ``text`` when
    loaded from a definition. ``min``/``max`` are set for scale questions only,
    ``options`` for choice questions only.
    """

    key: str
    text: str
    kind: Kind
    points: float = 0.0
    guidance: str = ""
    allow_na: bool = False
    required: bool = True
    min: int | None = None
    max: int | None = None
    options: tuple[Option, ...] = ()
    answer_points: tuple[tuple[AnswerValue, float], ...] = ()
    critical: Critical | None = None
    error_family: Family | None = None
    auto: tuple[AutoRule, ...] = ()  # rules answering it from the transcript (scorecards.auto)

    def answers(self) -> tuple[AnswerValue, ...]:
        """Every value this question accepts apart from "na" (empty for text)."""
        if self.kind == "yes_no":
            return ("yes", "no")
        if self.kind == "scale":
            lo, hi = self.scale_range
            return tuple(range(lo, hi + 1))
        if self.kind == "choice":
            return tuple(o.key for o in self.options)
        return ()

    @property
    def scale_range(self) -> tuple[int, int]:
        """(min, max) of a scale question, with the 1..5 default filled in."""
        lo = DEFAULT_SCALE[0] if self.min is None else self.min
        hi = DEFAULT_SCALE[1] if self.max is None else self.max
        return lo, hi

    def points_for(self, answer: AnswerValue) -> float:
        """Points earned by one (valid, non-N/A) answer: the scoring rule per question."""
        explicit = dict(self.answer_points)
        if answer in explicit:
            return explicit[answer]
        if self.kind == "yes_no":
            return self.points if answer == "yes" else 0.0
        if self.kind == "scale":
            lo, hi = self.scale_range
            # Ratio first: at the top of the scale it is exactly 1.0, so full
            # marks are exactly ``points`` (no float drift).
            return self.points * ((int(answer) - lo) / (hi - lo))
        if self.kind == "choice":
            return next(o.points for o in self.options if o.key == answer)
        return 0.0


@dataclass(frozen=True)
class Section:
    """A titled group of questions; ``weight`` is None unless the card is weighted."""

    key: str
    title: str
    questions: tuple[Question, ...]
    weight: float | None = None


@dataclass(frozen=True)
class Scorecard:
    """A complete scorecard definition (one version of it)."""

    name: str
    sections: tuple[Section, ...]
    channel: Channel = "any"
    description: str = ""

    @property
    def weighted(self) -> bool:
        """True when sections carry weights (then all of them do)."""
        return any(s.weight is not None for s in self.sections)

    def questions(self) -> tuple[Question, ...]:
        """All questions, in section order."""
        return tuple(q for s in self.sections for q in s.questions)

    def question(self, key: str) -> Question:
        """The question with this key; KeyError if there is none."""
        for q in self.questions():
            if q.key == key:
                return q
        raise KeyError(key)
