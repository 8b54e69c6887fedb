"""The persistent data model. Importing this package registers every table."""

from qa_app.models.api_token import ApiToken
from qa_app.models.audit import AuditEvent
from qa_app.models.autoqa import AutoAnswer, AutoQaModel, AutoScore
from qa_app.models.calibration import (
    CalibrationItem,
    CalibrationNote,
    CalibrationParticipant,
    CalibrationSession,
)
from qa_app.models.evaluation import Answer, Evaluation
from qa_app.models.feedback import CoachingItem, CoachingSession, Dispute, DisputeItem
from qa_app.models.flags import Flag, FlagModel
from qa_app.models.interaction import Interaction
from qa_app.models.job import JOB_STATUSES, Job
from qa_app.models.org import Team, User
from qa_app.models.outbound import (
    EmailDelivery,
    MailPreference,
    WebhookDelivery,
    WebhookEndpoint,
)
from qa_app.models.recording import Recording
from qa_app.models.report import AgentQuestionDay, QuestionDay
from qa_app.models.review import Assignment, Notification, ReviewCycleRun, SamplingRule
from qa_app.models.scorecard import Scorecard, ScorecardVersion
from qa_app.models.security import LiveSession, SignInAttempt
from qa_app.models.target import TARGET_METRICS, MetricTarget
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
    "JOB_STATUSES",
    "ROLES",
    "SCORECARD_STATUSES",
    "TARGET_METRICS",
    "AgentQuestionDay",
    "Answer",
    "ApiToken",
    "Assignment",
    "AuditEvent",
    "AutoAnswer",
    "AutoQaModel",
    "AutoScore",
    "CalibrationItem",
    "CalibrationNote",
    "CalibrationParticipant",
    "CalibrationSession",
    "CoachingItem",
    "CoachingSession",
    "Dispute",
    "DisputeItem",
    "EmailDelivery",
    "Evaluation",
    "Flag",
    "FlagModel",
    "Interaction",
    "Job",
    "LiveSession",
    "MailPreference",
    "MetricTarget",
    "Notification",
    "QuestionDay",
    "Recording",
    "ReviewCycleRun",
    "SamplingRule",
    "Scorecard",
    "ScorecardVersion",
    "SignInAttempt",
    "Team",
    "User",
    "WebhookDelivery",
    "WebhookEndpoint",
    "utcnow",
]
