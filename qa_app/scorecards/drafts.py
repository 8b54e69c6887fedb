"""Edits to a draft scorecard definition (a plain dict in ``to_dict`` form).

A draft may be invalid while it is being built (an empty section, a question
still missing its points), so these helpers work on dicts, not on validated
``scorecards.Scorecard`` objects; ``scorecards.validate`` reports what is left
to fix, and publishing refuses a draft with any problem.
"""

from __future__ import annotations

import copy
import re
from typing import Any

Draft = dict[str, Any]


class DraftError(ValueError):
    """An edit that cannot apply to this draft (unknown key, impossible move)."""


def blank(name: str, channel: str = "any", description: str = "") -> Draft:
    return {
        "name": name,
        "channel": channel,
        "description": description,
        "sections": [{"key": "section_1", "title": "Section 1", "questions": []}],
    }


def slug(text: str, taken: set[str], fallback: str) -> str:
    """A readable, unused key derived from a title: "Call opening" -> "call_opening"."""
    base = re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")[:40] or fallback
    key, n = base, 2
    while key in taken:
        key, n = f"{base}_{n}", n + 1
    return key


def section_keys(draft: Draft) -> set[str]:
    return {s.get("key") for s in draft.get("sections", [])}


def question_keys(draft: Draft) -> set[str]:
    return {q.get("key") for s in draft.get("sections", []) for q in s.get("questions", [])}


def find_section(draft: Draft, key: str) -> tuple[int, dict[str, Any]]:
    for index, section in enumerate(draft.get("sections", [])):
        if section.get("key") == key:
            return index, section
    raise DraftError(f"no section with key {key!r}")


def find_question(draft: Draft, key: str) -> tuple[int, int, dict[str, Any]]:
    for s_index, section in enumerate(draft.get("sections", [])):
        for q_index, question in enumerate(section.get("questions", [])):
            if question.get("key") == key:
                return s_index, q_index, question
    raise DraftError(f"no question with key {key!r}")


def set_card(draft: Draft, *, name: str, channel: str, description: str, weighted: bool) -> Draft:
    out = copy.deepcopy(draft)
    out.update(name=name, channel=channel, description=description)
    for section in out["sections"]:
        if weighted:
            section.setdefault("weight", 1)
        else:
            section.pop("weight", None)
    return out


def is_weighted(draft: Draft) -> bool:
    return any("weight" in s for s in draft.get("sections", []))


def add_section(draft: Draft, title: str) -> tuple[Draft, str]:
    out = copy.deepcopy(draft)
    key = slug(title, section_keys(out), f"section_{len(out['sections']) + 1}")
    section: dict[str, Any] = {"key": key, "title": title, "questions": []}
    if is_weighted(out):
        section["weight"] = 1
    out["sections"].append(section)
    return out, key


def update_section(
    draft: Draft, key: str, *, new_key: str, title: str, weight: float | None
) -> Draft:
    out = copy.deepcopy(draft)
    _, section = find_section(out, key)
    section.update(key=new_key, title=title)
    if weight is None:
        section.pop("weight", None)
    else:
        section["weight"] = weight
    return out


def remove_section(draft: Draft, key: str) -> Draft:
    out = copy.deepcopy(draft)
    index, _ = find_section(out, key)
    del out["sections"][index]
    return out


def move_section(draft: Draft, key: str, step: int) -> Draft:
    out = copy.deepcopy(draft)
    index, _ = find_section(out, key)
    _swap(out["sections"], index, step)
    return out


def put_question(
    draft: Draft, section_key: str, old_key: str | None, question: dict[str, Any]
) -> Draft:
    """Replace question ``old_key`` (or append a new one) in ``section_key``."""
    out = copy.deepcopy(draft)
    if old_key is not None:
        s_index, q_index, _ = find_question(out, old_key)
        if out["sections"][s_index]["key"] == section_key:
            out["sections"][s_index]["questions"][q_index] = question
            return out
        del out["sections"][s_index]["questions"][q_index]
    _, section = find_section(out, section_key)
    section["questions"].append(question)
    return out


def remove_question(draft: Draft, key: str) -> Draft:
    out = copy.deepcopy(draft)
    s_index, q_index, _ = find_question(out, key)
    del out["sections"][s_index]["questions"][q_index]
    return out


def move_question(draft: Draft, key: str, step: int) -> Draft:
    out = copy.deepcopy(draft)
    s_index, q_index, _ = find_question(out, key)
    _swap(out["sections"][s_index]["questions"], q_index, step)
    return out


def _swap(items: list[Any], index: int, step: int) -> None:
    target = index + step
    if step not in (-1, 1) or not 0 <= target < len(items):
        raise DraftError("cannot move further in that direction")
    items[index], items[target] = items[target], items[index]


def problems_by_place(problems: list[Any], draft: Draft) -> dict[str, list[Any]]:
    """Group validation problems under "card", a section key or a question key,
    so the editor can show each one next to what it concerns."""
    grouped: dict[str, list[Any]] = {}
    pattern = re.compile(r"^sections\[(\d+)\](?:\.questions\[(\d+)\])?")
    sections = draft.get("sections", []) if isinstance(draft, dict) else []
    for problem in problems:
        place = "card"
        match = pattern.match(problem.path)
        if match and int(match.group(1)) < len(sections):
            section = sections[int(match.group(1))]
            place = f"section:{section.get('key')}"
            questions = section.get("questions", [])
            if match.group(2) is not None and int(match.group(2)) < len(questions):
                place = f"question:{questions[int(match.group(2))].get('key')}"
        grouped.setdefault(place, []).append(problem)
    return grouped
