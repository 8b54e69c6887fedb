"""Problems and the two exceptions the scorecards package raises.

Every check in this package collects *all* problems before reporting, so a
scorecard author (or a reviewer filling in a form) fixes everything in one go
instead of one error per round trip.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One thing wrong, and where.

    ``path`` locates it: ``sections[1].questions[3].points`` inside a scorecard
    definition, or a question key (``greeting``) inside a set of answers. An
    empty path means the document as a whole.
    """

    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}" if self.path else self.message


def _listing(headline: str, problems: list[Problem]) -> str:
    lines = [f"{headline} ({len(problems)} problem{'s' if len(problems) != 1 else ''}):"]
    lines.extend(f"  - {p}" for p in problems)
    return "\n".join(lines)


class ScorecardError(ValueError):
    """A scorecard definition is invalid; ``problems`` lists every mistake found."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems: list[Problem] = list(problems)
        super().__init__(_listing("invalid scorecard", self.problems))


class AnswerError(ValueError):
    """Answers do not fit the scorecard; ``problems`` are keyed by question key.

    The application shows each message next to its field, hence ``by_key``.
    """

    def __init__(self, problems: list[Problem]) -> None:
        self.problems: list[Problem] = list(problems)
        super().__init__(_listing("invalid answers", self.problems))

    @property
    def by_key(self) -> dict[str, list[str]]:
        """Messages grouped by question key, in the order found."""
        grouped: dict[str, list[str]] = {}
        for p in self.problems:
            grouped.setdefault(p.path, []).append(p.message)
        return grouped
