"""Request and response shapes of the REST API (v1).

These schemas document the API (the OpenAPI document is generated from them)
and parse query strings. They do not re-validate interaction items: a batch
upsert hands each item to the import's own checks (``interactions.parsing``),
so the API and the file import accept exactly the same records.
"""

from __future__ import annotations

from datetime import datetime

from marshmallow import Schema, ValidationError, fields, validate

from qa_app.models import CHANNELS, EVALUATION_KINDS, EVALUATION_STATUSES, SCORECARD_STATUSES
from qa_app.models.flags import FLAG_REVIEWS, FLAG_TARGETS
from qa_app.request_args import MAX_ID, ArgumentError, check_date

MAX_LIMIT = 200
BATCH_LIMIT = 500  # items per upsert request (config API_BATCH_LIMIT may lower or raise it)


def Id(**kwargs) -> fields.Integer:  # noqa: N802 (reads like a field class)
    """An id filter: positive and within the column's range."""
    return fields.Integer(validate=validate.Range(min=1, max=MAX_ID), **kwargs)


def _within_dates(value: datetime) -> None:
    try:
        check_date(value.date())
    except ArgumentError as exc:
        raise ValidationError(str(exc)) from None


def Moment(**kwargs) -> fields.AwareDateTime:  # noqa: N802 (reads like a field class)
    """A date and time filter with an offset, on a date the pages accept too."""
    return fields.AwareDateTime(validate=_within_dates, **kwargs)


# --- errors and pages ------------------------------------------------------------------


class ErrorSchema(Schema):
    code = fields.String(required=True, metadata={"example": "validation_failed"})
    message = fields.String(required=True)
    errors = fields.Dict(
        metadata={"description": "Details per field (query, body) or per batch item."}
    )


class CursorQuery(Schema):
    cursor = fields.String(
        validate=validate.Length(max=200),
        metadata={"description": "`next_cursor` of the previous page; omit for the first page."},
    )
    limit = fields.Integer(
        load_default=50, validate=validate.Range(min=1, max=MAX_LIMIT), metadata={"example": 50}
    )


def _page(name: str, item: type[Schema]) -> type[Schema]:
    return Schema.from_dict(
        {
            "items": fields.List(fields.Nested(item), required=True),
            "next_cursor": fields.String(
                required=True,
                allow_none=True,
                metadata={"description": "Pass as `cursor` for the next page; null at the end."},
            ),
        },
        name=name,
    )


# --- interactions -------------------------------------------------------------------


class InteractionQuery(CursorQuery):
    team_id = Id()
    agent_id = Id()
    channel = fields.String(validate=validate.OneOf(CHANNELS))
    started_after = Moment(metadata={"description": "Inclusive, ISO 8601."})
    started_before = Moment(metadata={"description": "Exclusive, ISO 8601."})


class Turn(Schema):
    speaker = fields.String(required=True, validate=validate.OneOf(("agent", "customer")))
    text = fields.String(required=True)
    start_s = fields.Float(allow_none=True)


class InteractionSummary(Schema):
    id = fields.Integer(required=True)
    source = fields.String(required=True)
    external_id = fields.String(required=True)
    channel = fields.String(required=True, validate=validate.OneOf(CHANNELS))
    agent_id = fields.Integer(required=True)
    agent_name = fields.String(required=True)
    team_id = fields.Integer(required=True, allow_none=True)
    team_name = fields.String(required=True, allow_none=True)
    started_at = fields.DateTime(required=True)
    duration_seconds = fields.Integer(required=True)
    csat = fields.Integer(required=True, allow_none=True)
    escalated = fields.Boolean(required=True, allow_none=True)


class Interaction(InteractionSummary):
    customer_ref = fields.String(required=True, allow_none=True)
    topic = fields.String(required=True, allow_none=True)
    region = fields.String(required=True, allow_none=True)
    hold_seconds = fields.Integer(required=True, allow_none=True)
    wrap_seconds = fields.Integer(required=True, allow_none=True)
    transferred = fields.Boolean(required=True, allow_none=True)
    resolved_first_contact = fields.Boolean(required=True, allow_none=True)
    transcript = fields.List(fields.Nested(Turn), required=True)
    metadata = fields.Dict(required=True)
    imported_at = fields.DateTime(required=True)


InteractionPage = _page("InteractionPage", InteractionSummary)


class InteractionItem(Schema):
    """One interaction as the import format defines it (JSON Lines flavour).

    Documentation only: items are checked by the import's parser, which also
    accepts numbers as strings and puts unknown fields into the metadata.
    """

    external_id = fields.String(required=True, metadata={"example": "T-1001"})
    channel = fields.String(required=True, validate=validate.OneOf(CHANNELS))
    agent_email = fields.Email(required=True)
    started_at = fields.AwareDateTime(required=True)
    team = fields.String(allow_none=True)
    duration_seconds = fields.Integer(validate=validate.Range(min=0), allow_none=True)
    customer_id = fields.String(allow_none=True)
    transcript = fields.List(fields.Nested(Turn))
    csat = fields.Integer(validate=validate.Range(min=1, max=5), allow_none=True)
    escalated = fields.Boolean(allow_none=True)
    topic = fields.String(allow_none=True, metadata={"description": "The contact reason."})
    region = fields.String(allow_none=True)
    hold_seconds = fields.Integer(validate=validate.Range(min=0), allow_none=True)
    wrap_seconds = fields.Integer(
        validate=validate.Range(min=0),
        allow_none=True,
        metadata={"description": "After-call work, added to handle time."},
    )
    transferred = fields.Boolean(allow_none=True)
    resolved_first_contact = fields.Boolean(
        allow_none=True,
        metadata={"description": "Wins over the first-contact resolution derived from repeats."},
    )


class UpsertRequest(Schema):
    source = fields.String(
        load_default="api",
        validate=[validate.Length(min=1, max=60), validate.Regexp(r"^[^\u0000]*$")],
        metadata={"description": "Items are unique per (source, external_id): re-sending updates."},
    )
    partial = fields.Boolean(
        load_default=False,
        metadata={
            "description": "Write the good items and report the bad ones (default: all or nothing)."
        },
    )
    create_agents = fields.Boolean(load_default=False)
    create_teams = fields.Boolean(load_default=False)
    items = fields.List(
        fields.Raw(),
        required=True,
        validate=validate.Length(min=1),
        metadata={"maxItems": BATCH_LIMIT},
    )


class UpsertResult(Schema):
    created = fields.Integer(required=True)
    updated = fields.Integer(required=True)
    rejected = fields.Integer(required=True)
    agents_created = fields.List(fields.String(), required=True)
    teams_created = fields.List(fields.String(), required=True)
    errors = fields.Dict(
        metadata={"description": "Rejected items (partial mode): index -> field -> messages."}
    )


# --- evaluations -----------------------------------------------------------------------


class EvaluationQuery(CursorQuery):
    agent_id = Id()
    reviewer_id = Id()
    interaction_id = Id()
    kind = fields.String(validate=validate.OneOf(EVALUATION_KINDS))
    submitted_after = Moment(metadata={"description": "Inclusive."})
    submitted_before = Moment(metadata={"description": "Exclusive."})


class EvaluationSummary(Schema):
    id = fields.Integer(required=True)
    interaction_id = fields.Integer(required=True)
    agent_id = fields.Integer(required=True)
    reviewer_id = fields.Integer(required=True)
    scorecard_version_id = fields.Integer(required=True)
    kind = fields.String(required=True, validate=validate.OneOf(EVALUATION_KINDS))
    status = fields.String(required=True, validate=validate.OneOf(EVALUATION_STATUSES))
    total = fields.Float(required=True, allow_none=True)
    total_before_autofail = fields.Float(required=True, allow_none=True)
    auto_failed = fields.Boolean(required=True)
    critical_families = fields.List(fields.String(), required=True)
    submitted_at = fields.DateTime(required=True, allow_none=True)
    acknowledged_at = fields.DateTime(required=True, allow_none=True)


class AnswerOut(Schema):
    question_key = fields.String(required=True)
    value = fields.Raw(
        required=True,
        allow_none=True,
        metadata={"description": '"yes", "no", "na", a scale number, an option key or text.'},
    )
    earned = fields.Float(required=True, allow_none=True)
    possible = fields.Float(required=True, allow_none=True)
    comment = fields.String(required=True)


class SectionScore(Schema):
    key = fields.String(required=True)
    earned = fields.Float(required=True)
    possible = fields.Float(required=True)
    percent = fields.Float(required=True, allow_none=True)
    auto_failed = fields.Boolean(required=True)


class Evaluation(EvaluationSummary):
    scorecard_id = fields.Integer(required=True)
    scorecard_version = fields.Integer(required=True)
    comment = fields.String(required=True)
    answers = fields.List(fields.Nested(AnswerOut), required=True)
    sections = fields.List(fields.Nested(SectionScore), required=True)


EvaluationPage = _page("EvaluationPage", EvaluationSummary)


# --- scorecards ------------------------------------------------------------------------


class VersionRef(Schema):
    number = fields.Integer(required=True)
    published_at = fields.DateTime(required=True)


class ScorecardOut(Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    channel = fields.String(required=True)
    description = fields.String(required=True)
    status = fields.String(required=True, validate=validate.OneOf(SCORECARD_STATUSES))
    versions = fields.List(fields.Nested(VersionRef), required=True)


class ScorecardList(Schema):
    items = fields.List(fields.Nested(ScorecardOut), required=True)


class ScorecardVersionOut(Schema):
    id = fields.Integer(required=True)
    scorecard_id = fields.Integer(required=True)
    number = fields.Integer(required=True)
    published_at = fields.DateTime(required=True)
    definition = fields.Dict(
        required=True, metadata={"description": "The published definition; never changes."}
    )


# --- calibration ---------------------------------------------------------------------


class Stat(Schema):
    name = fields.String(required=True)
    detail = fields.String(required=True, allow_none=True)
    value = fields.Float(required=True, allow_none=True)
    reason = fields.String(required=True, allow_none=True)
    n_units = fields.Integer(required=True, allow_none=True)
    n_raters = fields.Integer(required=True, allow_none=True)


class ReviewerDeviation(Schema):
    reviewer_id = fields.Integer(required=True)
    name = fields.String(required=True)
    mean = fields.Float(required=True, allow_none=True)
    mean_abs = fields.Float(required=True, allow_none=True)
    max_abs = fields.Float(required=True, allow_none=True)
    n = fields.Integer(required=True)
    match_rate = fields.Float(required=True, allow_none=True)
    outlier = fields.Boolean(required=True)


class InteractionTotals(Schema):
    interaction_id = fields.Integer(required=True)
    totals = fields.Dict(
        keys=fields.String(),
        values=fields.Float(allow_none=True),
        required=True,
        metadata={"description": "Reviewer id -> total score."},
    )
    benchmark = fields.Float(required=True, allow_none=True)
    std = fields.Float(required=True, allow_none=True)
    range = fields.Float(required=True, allow_none=True)


class CalibrationResults(Schema):
    session_id = fields.Integer(required=True)
    title = fields.String(required=True)
    status = fields.String(required=True)
    revealed_at = fields.DateTime(required=True, allow_none=True)
    scorecard_version_id = fields.Integer(required=True)
    reference = fields.String(required=True, validate=validate.OneOf(("benchmark", "median")))
    outlier_points = fields.Float(required=True)
    alpha = fields.Dict(keys=fields.String(), values=fields.Nested(Stat), required=True)
    percent_agreement = fields.Nested(Stat, required=True)
    icc = fields.Dict(keys=fields.String(), values=fields.Nested(Stat), required=True)
    interactions = fields.List(fields.Nested(InteractionTotals), required=True)
    reviewers = fields.List(fields.Nested(ReviewerDeviation), required=True)


# --- flags ----------------------------------------------------------------------------


class FlagQuery(CursorQuery):
    target = fields.String(validate=validate.OneOf(FLAG_TARGETS))
    team_id = Id()
    channel = fields.String(validate=validate.OneOf(CHANNELS))
    interaction_id = Id()
    min_probability = fields.Float(validate=validate.Range(min=0, max=1))
    review = fields.String(
        validate=validate.OneOf((*FLAG_REVIEWS, "none")),
        metadata={"description": "`none`: not yet confirmed or dismissed."},
    )
    all_models = fields.Boolean(
        load_default=False,
        metadata={
            "description": "Every stored score of every model, flagged or not "
            "(default: the flags of the active models, as the Flagged queue lists them)."
        },
    )


class FlagOut(Schema):
    id = fields.Integer(required=True)
    interaction_id = fields.Integer(required=True)
    model_id = fields.Integer(required=True)
    target = fields.String(required=True, validate=validate.OneOf(FLAG_TARGETS))
    probability = fields.Float(required=True)
    reasons = fields.List(fields.Dict(), required=True)
    created_at = fields.DateTime(required=True)
    review = fields.String(required=True, allow_none=True)
    reviewed_at = fields.DateTime(required=True, allow_none=True)


FlagPage = _page("FlagPage", FlagOut)
