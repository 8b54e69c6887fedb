"""/api/v1/scorecards: scorecards and their immutable published versions."""

from __future__ import annotations

from flask import abort
from sqlalchemy.orm import selectinload

from qa_app.access import roles_required
from qa_app.api import schemas
from qa_app.api.blueprint import Blueprint
from qa_app.extensions import db
from qa_app.models import Scorecard
from qa_app.scorecards import services

blp = Blueprint(
    "api_scorecards",
    __name__,
    url_prefix="/api/v1/scorecards",
    description="Scorecards and their published versions.",
)
READERS = ("admin", "executive", "reviewer")  # as the scorecard pages


@blp.route("", methods=["GET"], endpoint="list")
@roles_required(*READERS)
@blp.response(200, schemas.ScorecardList)
def list_():
    """Every scorecard with its published version numbers (drafts have none)."""
    query = (
        db.select(Scorecard)
        .options(selectinload(Scorecard.versions))
        .order_by(Scorecard.name, Scorecard.id)
    )
    cards = db.session.scalars(query)
    return {
        "items": [
            {
                "id": card.id,
                "name": card.name,
                "channel": card.channel,
                "description": card.description,
                "status": card.status,
                "versions": [
                    {"number": v.number, "published_at": v.published_at}
                    for v in sorted(card.versions, key=lambda v: v.number)
                ],
            }
            for card in cards
        ]
    }


@blp.route("/<int:scorecard_id>/versions/<int:number>", methods=["GET"], endpoint="version")
@roles_required(*READERS)
@blp.response(200, schemas.ScorecardVersionOut)
def version(scorecard_id: int, number: int):
    """One published version's full definition."""
    card = db.get_or_404(Scorecard, scorecard_id)
    found = services.version(card, number)
    if found is None:
        abort(404)
    return found
