"""Scorecards: what a QA scorecard is and how an evaluation is scored.

Pure Python (no Flask, no database): the application stores ``to_dict(card)``
as JSON and calls ``score``/``score_many`` for the maths. See ``model.py`` for
the definition's design, ``scoring.py`` for the scoring rules.
"""

from scorecards.critical import CriticalError, critical_errors
from scorecards.diff import Change, FieldChange, ScorecardDiff, diff
from scorecards.errors import AnswerError, Problem, ScorecardError
from scorecards.io import dump, from_dict, load, load_text, to_dict
from scorecards.library import library_path, list_library, load_library
from scorecards.model import Critical, Option, Question, Scorecard, Section
from scorecards.result import Result, SectionResult
from scorecards.scoring import score, score_many
from scorecards.validate import validate

__all__ = [
    "AnswerError",
    "Change",
    "Critical",
    "CriticalError",
    "FieldChange",
    "Option",
    "Problem",
    "Question",
    "Result",
    "Scorecard",
    "ScorecardDiff",
    "ScorecardError",
    "Section",
    "SectionResult",
    "critical_errors",
    "diff",
    "dump",
    "from_dict",
    "library_path",
    "list_library",
    "load",
    "load_library",
    "load_text",
    "score",
    "score_many",
    "to_dict",
    "validate",
]
