"""/api/v1: AutoQA's answers per interaction and its per-question agreement figures."""

from __future__ import annotations

from typing import Any

from flask_login import current_user
from marshmallow import Schema, fields
from sqlalchemy import select

from qa_app.access import roles_required
from qa_app.api.blueprint import Blueprint
from qa_app.autoqa import services
from qa_app.extensions import db
from qa_app.interactions.services import interaction_for
from qa_app.models import AutoAnswer, AutoQaModel, AutoScore, Scorecard, ScorecardVersion

blp = Blueprint(
    "api_autoqa",
    __name__,
    url_prefix="/api/v1",
    description="AutoQA: auto-answers with evidence, and how far each question's are trusted.",
)
READERS = ("admin", "executive", "reviewer")  # as the scoring page
LEADS = ("admin", "executive")  # as the AutoQA page
ANSWER_FIELDS = ("question_key", "scorecard_version_id", "value", "source", "confidence",
                 "evidence", "rule_index", "model_id", "created_at")  # fmt: skip


class EvidenceSchema(Schema):
    turn = fields.Integer(allow_none=True)
    speaker = fields.String(allow_none=True)
    text = fields.String()
    start_s = fields.Float(allow_none=True)


class AutoAnswerSchema(Schema):
    question_key = fields.String()
    scorecard_version_id = fields.Integer()
    answer = fields.Raw(attribute="value")
    source = fields.String()
    confidence = fields.Float()
    trusted = fields.Boolean()
    evidence = fields.Nested(EvidenceSchema)
    rule_index = fields.Integer(allow_none=True)
    model_id = fields.Integer(allow_none=True)
    created_at = fields.DateTime()


class AutoScoreSchema(Schema):
    scorecard_version_id = fields.Integer()
    total = fields.Float(allow_none=True)
    total_before_autofail = fields.Float(allow_none=True)
    auto_failed = fields.Boolean()
    questions = fields.List(fields.String())


class InteractionAutoSchema(Schema):
    interaction_id = fields.Integer()
    answers = fields.List(fields.Nested(AutoAnswerSchema))
    scores = fields.List(fields.Nested(AutoScoreSchema))


class QuestionFiguresSchema(Schema):
    key = fields.String()
    source = fields.String()
    state = fields.String()
    reason = fields.String()
    figures = fields.Dict(allow_none=True)
    trained_at = fields.DateTime(allow_none=True)


class AgreementSchema(Schema):
    scorecard_id = fields.Integer()
    threshold = fields.Float()
    questions = fields.List(fields.Nested(QuestionFiguresSchema))


@blp.route("/interactions/<int:interaction_id>/auto-answers", methods=["GET"],
           endpoint="answers")  # fmt: skip
@roles_required(*READERS)
@blp.response(200, InteractionAutoSchema)
def answers(interaction_id: int) -> Any:
    """The interaction's stored auto-answers with their evidence and whether the
    question is trusted now, and its auto-QA scores (trusted questions only).
    Untrusted questions' answers are listed for the scorecard's owner and admins."""
    item = interaction_for(current_user, interaction_id)
    rows = db.session.execute(
        select(AutoAnswer, AutoQaModel.trusted, ScorecardVersion.scorecard_id)
        .join(ScorecardVersion, ScorecardVersion.id == AutoAnswer.scorecard_version_id)
        .outerjoin(AutoQaModel, (AutoQaModel.scorecard_id == ScorecardVersion.scorecard_id)
                   & (AutoQaModel.question_key == AutoAnswer.question_key))
        .where(AutoAnswer.interaction_id == item.id)
        .order_by(AutoAnswer.id)
    ).all()  # fmt: skip
    owners: dict[int, bool] = {}
    listed = []
    for row, trusted, card_id in rows:
        if card_id not in owners:
            owners[card_id] = services.sees_untrusted(
                current_user, db.session.get(Scorecard, card_id)
            )
        if trusted or owners[card_id]:
            listed.append({**{c: getattr(row, c) for c in ANSWER_FIELDS}, "trusted": bool(trusted)})
    scores = db.session.scalars(select(AutoScore).where(AutoScore.interaction_id == item.id)).all()
    return {"interaction_id": item.id, "answers": listed, "scores": scores}


@blp.route("/autoqa/scorecards/<int:scorecard_id>/agreement", methods=["GET"],
           endpoint="agreement")  # fmt: skip
@roles_required(*LEADS)
@blp.response(200, AgreementSchema)
def agreement(scorecard_id: int) -> Any:
    """Per question: source, state, and the held-out figures (percent agreement,
    alpha, Gwet's AC1/AC2 with bootstrap intervals, pairs), as on the AutoQA
    page: untrusted questions' figures for the scorecard's owner and admins."""
    card = db.get_or_404(Scorecard, scorecard_id)
    rows = services.question_rows(card, current_user)
    return {"scorecard_id": card.id, "threshold": card.autoqa_threshold, "questions": rows}
