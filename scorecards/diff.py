"""What changed between two versions of a scorecard, matched by key.

Reports compare versions by question key, so the diff does too: a question
whose key survives is "changed" (with each field's before/after), a new key is
"added", a vanished key "removed". Moving a question to another section shows
as a change of its ``section`` field. Pure reordering is ignored: it never
changes a score. Values are JSON-safe (as in ``to_dict``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from scorecards.io import question_dict
from scorecards.model import Question, Scorecard


@dataclass(frozen=True)
class FieldChange:
    field: str
    before: Any
    after: Any


@dataclass(frozen=True)
class Change:
    """One section or question present in both versions, with its changed fields."""

    key: str
    fields: tuple[FieldChange, ...]


@dataclass(frozen=True)
class ScorecardDiff:
    card: tuple[FieldChange, ...]
    sections_added: tuple[str, ...]
    sections_removed: tuple[str, ...]
    sections_changed: tuple[Change, ...]
    questions_added: tuple[str, ...]
    questions_removed: tuple[str, ...]
    questions_changed: tuple[Change, ...]

    @property
    def empty(self) -> bool:
        """True when the two versions score and read the same."""
        return not any(getattr(self, name) for name in self.__dataclass_fields__)

    def to_dict(self) -> dict[str, Any]:
        def changes(items: tuple[Change, ...]) -> list[dict]:
            return [
                {"key": c.key, "fields": {f.field: [f.before, f.after] for f in c.fields}}
                for c in items
            ]

        return {
            "card": {f.field: [f.before, f.after] for f in self.card},
            "sections": {
                "added": list(self.sections_added),
                "removed": list(self.sections_removed),
                "changed": changes(self.sections_changed),
            },
            "questions": {
                "added": list(self.questions_added),
                "removed": list(self.questions_removed),
                "changed": changes(self.questions_changed),
            },
        }


def _fields(before: dict[str, Any], after: dict[str, Any]) -> tuple[FieldChange, ...]:
    return tuple(
        FieldChange(name, before[name], after[name])
        for name in before
        if before[name] != after[name]
    )


def _question_view(question: Question, section_key: str) -> dict[str, Any]:
    """Every field of a question, defaults included, so absent != unchanged."""
    data = question_dict(question)
    return {
        "section": section_key,
        "text": data["text"],
        "kind": data["kind"],
        "points": data.get("points", 0),
        "guidance": data.get("guidance", ""),
        "allow_na": data.get("allow_na", False),
        "required": question.required,
        "min": data.get("min"),
        "max": data.get("max"),
        "options": data.get("options"),
        "answer_points": data.get("answer_points"),
        "critical": data.get("critical"),
        "error_family": data.get("error_family"),
    }


def diff(old: Scorecard, new: Scorecard) -> ScorecardDiff:
    """The structured difference from ``old`` to ``new`` (keys in ``new``'s order)."""
    card_fields = ("name", "channel", "description")
    card = _fields(
        {f: getattr(old, f) for f in card_fields}, {f: getattr(new, f) for f in card_fields}
    )
    old_s = {s.key: {"title": s.title, "weight": s.weight} for s in old.sections}
    new_s = {s.key: {"title": s.title, "weight": s.weight} for s in new.sections}
    old_q = {q.key: _question_view(q, s.key) for s in old.sections for q in s.questions}
    new_q = {q.key: _question_view(q, s.key) for s in new.sections for q in s.questions}
    return ScorecardDiff(
        card=card,
        sections_added=tuple(k for k in new_s if k not in old_s),
        sections_removed=tuple(k for k in old_s if k not in new_s),
        sections_changed=_changed(old_s, new_s),
        questions_added=tuple(k for k in new_q if k not in old_q),
        questions_removed=tuple(k for k in old_q if k not in new_q),
        questions_changed=_changed(old_q, new_q),
    )


def _changed(old: dict[str, dict], new: dict[str, dict]) -> tuple[Change, ...]:
    both = (k for k in new if k in old)
    return tuple(Change(k, fields) for k in both if (fields := _fields(old[k], new[k])))
