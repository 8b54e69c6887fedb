"""The persistent data model. Importing this package registers every table."""

from qa_app.models.audit import AuditEvent
from qa_app.models.evaluation import Answer, Evaluation
from qa_app.models.interaction import Interaction
from qa_app.models.org import Team, User
from qa_app.models.scorecard import Scorecard, ScorecardVersion
from qa_app.models.types import (
    CHANNELS,
    EVALUATION_KINDS,
    EVALUATION_STATUSES,
    ROLES,
    SCORECARD_STATUSES,
    utcnow,
)

__all__ = [
    "CHANNELS",
    "EVALUATION_KINDS",
    "EVALUATION_STATUSES",
    "ROLES",
    "SCORECARD_STATUSES",
    "Answer",
    "AuditEvent",
    "Evaluation",
    "Interaction",
    "Scorecard",
    "ScorecardVersion",
    "Team",
    "User",
    "utcnow",
]
