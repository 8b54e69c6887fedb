"""/api/v1/evaluations: submitted evaluations with their answers and scores."""

from __future__ import annotations

from typing import Any

from flask import abort
from flask_login import current_user
from marshmallow import RAISE

from qa_app.access import signed_in
from qa_app.api import queries, schemas
from qa_app.api.blueprint import Blueprint
from qa_app.api.errors import fail
from qa_app.extensions import db
from qa_app.interactions.services import CursorError
from qa_app.models import Evaluation
from qa_app.reviews import evaluations, policy

blp = Blueprint(
    "api_evaluations",
    __name__,
    url_prefix="/api/v1/evaluations",
    description="Evaluations: one reviewer's scoring of one interaction.",
)

SUMMARY = (
    "id",
    "interaction_id",
    "agent_id",
    "reviewer_id",
    "scorecard_version_id",
    "kind",
    "status",
    "total",
    "total_before_autofail",
    "auto_failed",
    "critical_families",
    "submitted_at",
    "acknowledged_at",
)


@blp.route("", methods=["GET"], endpoint="list")
@signed_in
@blp.arguments(schemas.EvaluationQuery, location="query", unknown=RAISE)
@blp.response(200, schemas.EvaluationPage)
def list_(args: dict[str, Any]):
    """Submitted evaluations, newest submission first, as the pages show them:
    agents their own standard and consensus ones; calibration work only after
    the reveal (reviewers: sessions they took part in)."""
    try:
        page = queries.evaluations(current_user, args)
    except CursorError:
        fail(400, "The cursor is not valid; start again without one.", code="invalid_cursor")
    return {"items": [_summary(e) for e in page.items], "next_cursor": page.next_cursor}


@blp.route("/<int:evaluation_id>", methods=["GET"], endpoint="detail")
@signed_in
@blp.response(200, schemas.Evaluation)
def detail(evaluation_id: int):
    """One evaluation with every answer and the section scores; 404 when it
    does not exist or the caller may not see it."""
    evaluation = db.session.get(Evaluation, evaluation_id)
    if evaluation is None or not policy.can_view(current_user, evaluation):
        abort(404)
    result = evaluations.card_result(evaluation)
    version = evaluation.scorecard_version
    return {
        **_summary(evaluation),
        "scorecard_id": version.scorecard_id,
        "scorecard_version": version.number,
        "comment": evaluation.comment,
        "answers": [
            {
                "question_key": a.question_key,
                "value": a.value,
                "earned": a.earned,
                "possible": a.possible,
                "comment": a.comment,
            }
            for a in evaluation.answers
        ],
        "sections": [s._asdict() for s in result.sections],
    }


def _summary(evaluation: Evaluation) -> dict[str, Any]:
    return {name: getattr(evaluation, name) for name in SUMMARY}
