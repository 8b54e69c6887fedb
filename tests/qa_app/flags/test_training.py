"""Training a model from the command line and from the registry page."""

from __future__ import annotations

from datetime import timedelta

import numpy as np
from sqlalchemy import func, select

from qa_app.extensions import db
from qa_app.flags import jobs, services, training
from qa_app.jobs import runner
from qa_app.models import AuditEvent, Flag, FlagModel, Interaction, Job, utcnow
from tests.qa_app.flags.support import load_interactions
from tests.qa_app.helpers import post_form


def _agents(users, make):
    other = make.team("Billing")
    return [users["agent"], make.user("agent", team=other)]


def test_cli_trains_stores_and_scores_a_model_that_ranks_positives_higher(app, runner, users, make):
    load_interactions(_agents(users, make))
    result = runner.invoke(args=["flags", "train", "--target", "escalation"])
    assert result.exit_code == 0, result.output
    assert "escalation v1 ready" in result.output
    assert "Active." in result.output  # the first model of a target activates itself

    row = db.session.scalar(select(FlagModel))
    assert (row.target, row.version, row.status, row.active, row.error) == (
        "escalation", 1, "ready", True, ""
    )  # fmt: skip
    assert row.artefact and row.artefact[:2] == b"PK"  # the zip written by model.save
    assert row.meta["rows"] == 300 and 0 < row.meta["positives"] < 300
    assert row.meta["train_start"] < row.meta["train_end"]
    assert "scikit-learn" in row.meta["libraries"] and row.meta["progress"]["percent"] == 100
    metrics = row.metrics
    assert {"model", "baselines", "reliability", "per_team", "curves"} <= set(metrics)
    assert set(metrics["baselines"]) == {"keyword", "random"}
    assert metrics["model"]["roc_auc"] > 0.6
    assert {g["group"] for g in metrics["per_team"]} <= {"Support", "Billing"}
    assert metrics["curves"]["model"] and 0 < metrics["curves"]["random"] < 1
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "flag_model.activated"))
    assert event.after == {"target": "escalation", "active_version": 1, "automatic": True}
    # Its cut is stored at once: nothing scored, nothing flagged (qa_app.flags.flagged).
    assert (row.cut_scored, row.cut_probability, row.cut_budget) == (0, None, row.meta["budget"])

    scored = runner.invoke(args=["flags", "score", "--all"])
    assert scored.exit_code == 0, scored.output
    assert "Scored 300 interaction(s)." in scored.output
    db.session.refresh(row)
    assert row.cut_scored == 300 and row.cut_probability is not None  # stored by the run
    pairs = db.session.execute(
        select(Interaction.escalated, Flag.probability).join(
            Flag, Flag.interaction_id == Interaction.id
        )
    ).all()
    positives = [p for escalated, p in pairs if escalated]
    negatives = [p for escalated, p in pairs if not escalated]
    assert np.mean(positives) > np.mean(negatives) + 0.1


def test_single_class_is_refused_with_a_clear_message_and_a_failed_row(app, runner, users, make):
    load_interactions([users["agent"]], n=120, escalated=False)
    result = runner.invoke(args=["flags", "train", "--target", "escalation"])
    assert result.exit_code == 1
    assert "single class" in result.output and "both positive and negative" in result.output
    row = db.session.scalar(select(FlagModel))
    assert row.status == "failed" and "single class" in row.error and not row.active


def test_coaching_without_evaluations_is_refused(app, runner, users):
    result = runner.invoke(args=["flags", "train", "--target", "coaching"])
    assert result.exit_code == 1 and "no labelled rows" in result.output


def test_training_since_a_date_uses_only_later_contacts(app, runner, users, make):
    load_interactions(_agents(users, make))
    cut = db.session.scalar(select(func.min(Interaction.started_at))) + timedelta(days=14)
    frame, _ = training.frames.training_frame("escalation", cut)
    assert len(frame) < 300 and frame["started_at"].min() >= cut


def test_the_page_trains_in_the_background_runner_and_shows_the_result(app, client_as, users, make):
    load_interactions(_agents(users, make))
    executive = client_as("executive")
    response = post_form(executive, "/flags/models/train", {"target": "escalation"},
                         follow_redirects=True)  # fmt: skip
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Escalation v1 is trained." in html
    assert 'data-testid="version-escalation-1"' in html and "active" in html
    row = db.session.scalar(select(FlagModel))
    assert row.status == "ready" and row.created_by_id == users["executive"].id
    detail = executive.get(f"/flags/models/{row.id}").get_data(as_text=True)
    for testid in ("baselines", "pr-chart", "reliability", "per-team", "model-meta"):
        assert f'data-testid="{testid}"' in detail
    status = executive.get(f"/flags/models/{row.id}/status").get_json()
    assert status["status"] == "ready" and status["progress"]["percent"] == 100


def test_page_refuses_a_second_run_while_one_is_training(app, client_as, users):
    running = training.new_model_row("escalation", users["executive"], None)
    response = post_form(client_as("executive"), "/flags/models/train", {"target": "escalation"},
                         follow_redirects=True)  # fmt: skip
    assert f"Version {running.version} of escalation is still training" in response.get_data(
        as_text=True
    )
    assert db.session.scalar(select(func.count()).select_from(FlagModel)) == 1


def test_the_request_returns_at_once_and_a_worker_trains(app, users, make, job_queue):
    load_interactions(_agents(users, make))
    row = jobs.start_training("escalation", None, users["executive"])
    assert row.status == "training" and job_queue.pending() == 1  # the request returns at once
    job = db.session.get(Job, row.meta["job_id"])
    assert (
        job.status == "queued" and job.kind == jobs.TRAIN and job.owner_id == users["executive"].id
    )

    assert job_queue.work() == 1  # in another thread, with its own context and session
    row, job = db.session.get(FlagModel, row.id), db.session.get(Job, job.id)
    assert row.status == "ready" and row.active and row.meta["progress"]["percent"] == 100
    assert job.status == "succeeded" and job.attempts == 1 and job.progress == 100
    assert job.result["model_id"] == row.id and "trained on" in job.result["summary"]


def test_a_failed_training_job_marks_the_version_failed_with_the_reason(app, users, job_queue):
    row = jobs.start_training("coaching", None, users["executive"])
    job_queue.work()
    row, job = db.session.get(FlagModel, row.id), db.session.get(Job, row.meta["job_id"])
    assert row.status == "failed" and "no labelled rows" in row.error
    assert job.status == "failed" and "no labelled rows" in job.error
    assert job.attempts == 1  # an expected failure is not retried


def test_a_training_interrupted_for_good_fails_the_version_too(app, users, job_queue):
    row = jobs.start_training("coaching", None, users["executive"])
    job = db.session.get(Job, row.meta["job_id"])
    job.status, job.attempts, job.started_at = "running", 3, utcnow() - timedelta(hours=2)
    db.session.commit()
    assert runner.reap() == 1
    assert job.status == "failed" and "Interrupted" in job.error
    assert db.session.get(FlagModel, row.id).status == "failed"
    assert "Interrupted" in db.session.get(FlagModel, row.id).error


def test_unknown_target_is_refused(app):
    try:
        services.train("churn")
    except services.FlagServiceError as exc:
        assert "unknown target" in str(exc)
    else:  # pragma: no cover
        raise AssertionError("expected FlagServiceError")


def test_the_registry_shows_a_queued_training_with_its_job(app, users, client_as, job_queue):
    executive = client_as("executive")
    response = post_form(executive, "/flags/models/train", {"target": "escalation"},
                         follow_redirects=True)  # fmt: skip
    page = response.get_data(as_text=True)
    row = db.session.scalar(select(FlagModel))
    assert f"Training escalation v{row.version} started" in page
    assert 'data-testid="training-progress"' in page and "queued" in page
    assert f'href="/jobs/{row.meta["job_id"]}" data-testid="training-job"' in page
    assert "carry on if the web server restarts" in page
