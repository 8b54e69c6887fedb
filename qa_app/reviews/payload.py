"""What a scoring form's post would store, and whether that is already stored.

One definition serves both the write (``evaluations.apply_answers`` stores
exactly ``as_stored``) and the repeat check: a post whose lock is stale is a
harmless repeat only when *everything* the form carries (each answer, N/A,
each question's note, the overall comment) is what the evaluation already
holds. Comparing less (the answers alone) took a changed comment for a double
click and dropped it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import scorecards

# question key -> (stored answer value or None, stored note)
Rows = dict[str, tuple[Any, str]]


def normalise(card: scorecards.Scorecard, answers: Mapping[str, Any]) -> dict[str, Any]:
    """Answers as stored: unanswered dropped, scale values as integers
    (forms send "3"), everything else as given."""
    clean: dict[str, Any] = {}
    for key, value in answers.items():
        if value is None or value == "":
            continue
        if value != "na" and card.question(key).kind == "scale":
            value = int(value)
        clean[key] = value
    return clean


def as_stored(
    card: scorecards.Scorecard, answers: Mapping[str, Any], comments: Mapping[str, str] | None
) -> Rows:
    """The answer rows a save of this post leaves: one per question with an
    answer or a note (notes stripped), in the card's order."""
    clean, comments = normalise(card, answers), comments or {}
    rows: Rows = {}
    for question in card.questions():
        value, note = clean.get(question.key), (comments.get(question.key) or "").strip()
        if value is not None or note:
            rows[question.key] = (value, note)
    return rows


def same(
    card: scorecards.Scorecard,
    stored_rows: Rows,
    stored_comment: str,
    answers: Mapping[str, Any],
    comments: Mapping[str, str] | None,
    comment: str | None,
) -> bool:
    """True when saving this post would change nothing the form carries.

    ``comment`` None means the post did not carry an overall comment. A post
    that cannot even be read as answers (a scale value that is not a number)
    is not the same as anything stored.
    """
    try:
        posted = as_stored(card, answers, comments)
    except (ValueError, KeyError):
        return False
    if comment is not None and comment.strip() != (stored_comment or ""):
        return False
    return posted == stored_rows
