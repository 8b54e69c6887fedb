"""An import auto-scores what it wrote, through a job of its own, once AutoQA is on."""

from __future__ import annotations

import io

from werkzeug.datastructures import FileStorage

from qa_app.extensions import db
from qa_app.interactions import import_jobs, uploads
from qa_app.models import AutoAnswer, AutoQaModel, AutoScore, Interaction, Job
from tests.qa_app.autoqa.support import CARD
from tests.qa_app.interactions.support import csv_bytes, row


def _import(users, job_queue, tmp_path, app):
    app.config["INTERACTION_UPLOADS_DIR"] = str(tmp_path)
    data = csv_bytes([row(1, transcript="[00:00] Agent: Thank you for calling, Sam here."),
                      row(2)])  # fmt: skip
    storage = FileStorage(stream=io.BytesIO(data), filename="calls.csv")
    saved = uploads.save(storage, users["admin"], fmt="csv", source="crm")
    import_jobs.start(saved, users["admin"], {})
    job_queue.work()


def test_an_import_queues_auto_scoring_of_its_interactions(app, make, users, job_queue, tmp_path):
    card = make.scorecard(CARD)
    db.session.add(AutoQaModel(scorecard_id=card.id, question_key="greet", source="rule",
                               threshold=0.667, trusted=True))  # fmt: skip
    db.session.commit()
    _import(users, job_queue, tmp_path, app)
    kinds = {j.kind: j.status for j in db.session.scalars(db.select(Job))}
    assert kinds == {"interactions.import": "succeeded", "autoqa.score_imported": "succeeded"}
    greeted = db.session.scalars(db.select(Interaction).filter_by(external_id="c-1")).one()
    answer = db.session.scalars(
        db.select(AutoAnswer).filter_by(interaction_id=greeted.id, question_key="greet")
    ).one()
    assert answer.value == "yes"
    scores = db.session.scalars(db.select(AutoScore).order_by(AutoScore.interaction_id)).all()
    assert [s.total for s in scores] == [100.0, 0.0]


def test_before_autoqa_is_trained_an_import_queues_nothing(app, make, users, job_queue, tmp_path):
    make.scorecard(CARD)
    _import(users, job_queue, tmp_path, app)
    assert [j.kind for j in db.session.scalars(db.select(Job))] == ["interactions.import"]
    assert db.session.scalar(db.select(db.func.count(AutoAnswer.id))) == 0
