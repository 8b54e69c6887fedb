"""/api/v1/calibration/sessions/<id>/results: agreement after the reveal."""

from __future__ import annotations

from typing import Any

from flask import abort
from flask_login import current_user

from qa_app.access import roles_required
from qa_app.api import schemas
from qa_app.api.blueprint import Blueprint
from qa_app.api.errors import fail
from qa_app.calibration import results, services
from qa_app.calibration.services import MEMBERS
from qa_app.extensions import db
from qa_app.models import CalibrationSession

blp = Blueprint(
    "api_calibration",
    __name__,
    url_prefix="/api/v1/calibration",
    description="Calibration sessions: how much reviewers agree.",
)


@blp.route("/sessions/<int:session_id>/results", methods=["GET"], endpoint="results")
@roles_required(*MEMBERS)
@blp.response(200, schemas.CalibrationResults)
@blp.alt_response(409, schema=schemas.ErrorSchema, description="Not revealed yet.")
def session_results(session_id: int):
    """Agreement statistics, totals per reviewer and deviations; the same
    people as on the session page (staff, the facilitator, participants) and
    only after the reveal: before it, 409 and nothing about anyone's answers."""
    calib = db.session.get(CalibrationSession, session_id)
    if calib is None or not services.can_see(current_user, calib):
        abort(404)
    if calib.status == "open":
        fail(409, "The results are hidden until the session is revealed.", code="not_revealed")
    computed = results.compute(calib, outlier_points=services.outlier_points())
    return payload(calib, computed)


def payload(calib: CalibrationSession, computed: results.Results) -> dict[str, Any]:
    summary = results.summary(computed)
    spread = computed.spread
    return {
        "session_id": calib.id,
        "title": calib.title,
        "status": calib.status,
        "revealed_at": calib.revealed_at,
        "scorecard_version_id": calib.scorecard_version_id,
        "reference": summary["reference"],
        "outlier_points": summary["outlier_points"],
        "alpha": summary["alpha"],
        "percent_agreement": summary["percent_agreement"],
        "icc": summary["icc"],
        "reviewers": summary["reviewers"],
        "interactions": [
            {
                "interaction_id": item.id,
                "totals": {
                    str(rater): results.num(total)
                    for rater, total in computed.totals.get(item.id, {}).items()
                },
                "benchmark": results.num(computed.benchmark_totals.get(item.id)),
                "std": spread[item.id].std if item.id in spread else None,
                "range": spread[item.id].range if item.id in spread else None,
            }
            for item in computed.items
        ],
    }
