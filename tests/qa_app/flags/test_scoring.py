"""Scoring interactions into flags, exporting them, showing them on a page."""

from __future__ import annotations

from flask import render_template_string
from sqlalchemy import func, select

from qa_app.extensions import db
from qa_app.flags import services
from qa_app.models import Flag
from tests.qa_app.flags.support import add_flag, add_model, csv_rows, load_interactions


def _count():
    return db.session.scalar(select(func.count()).select_from(Flag))


def test_scoring_creates_then_updates_flags_without_duplicates(app, users):
    ids = load_interactions([users["agent"]], n=60)
    model = add_model()
    assert services.score_interactions(ids[:40]) == 40
    assert _count() == 40
    flag = db.session.scalar(select(Flag).where(Flag.interaction_id == ids[0]))
    flag.review, flag.reviewed_by_id = "confirmed", users["reviewer"].id
    flag.probability = 0.0  # stale value: the next scoring replaces it
    db.session.commit()
    assert services.score_interactions(ids) == 60
    assert _count() == 60
    db.session.expire_all()
    flag = db.session.get(Flag, flag.id)
    assert flag.probability > 0 and flag.review == "confirmed"  # a reviewer's answer is kept
    assert flag.model_id == model.id and flag.target == "escalation"
    assert all(
        0 <= f.probability <= 1 and len(f.reasons) <= 3 for f in db.session.scalars(select(Flag))
    )
    assert {"reason", "feature", "weight"} <= set(flag.reasons[0])


def test_cli_scores_unscored_by_default_and_by_date(app, runner, users):
    ids = load_interactions([users["agent"]], n=40)
    add_model()
    services.score_interactions(ids[:10])
    result = runner.invoke(args=["flags", "score"])
    assert result.exit_code == 0 and "Scored 30 interaction(s)." in result.output
    assert (
        runner.invoke(args=["flags", "score"]).output.strip().endswith("Scored 0 interaction(s).")
    )
    result = runner.invoke(args=["flags", "score", "--since", "2026-10-25"])
    assert result.exit_code == 0 and 0 < int(result.output.split("Scored ")[1].split()[0]) < 40
    assert _count() == 40
    assert runner.invoke(args=["flags", "score", "--all", "--since", "2026-10-01"]).exit_code == 2


def test_scoring_without_an_active_model_is_refused(app, runner, users, make):
    make.interaction(users["agent"])
    add_model(active=False)
    result = runner.invoke(args=["flags", "score", "--all", "--target", "escalation"])
    assert result.exit_code == 1 and "No active model for escalation" in result.output


def test_export_writes_the_active_models_flags_neutralising_formulas(
    app, runner, users, make, tmp_path
):
    old = add_model(version=1, active=False)
    model = add_model(version=2)
    agent = users["agent"]
    add_flag(make.interaction(agent, external_id="=HYPERLINK(\"x\")"), model, 0.9,
             reasons=[{"reason": "-2 CSAT", "feature": "csat", "weight": 1.234}])  # fmt: skip
    add_flag(make.interaction(agent, external_id="plain-1"), model, 0.2)
    add_flag(make.interaction(agent, external_id="old-only"), old, 0.99)
    path = tmp_path / "flags.csv"
    result = runner.invoke(args=["flags", "export", "--target", "escalation", str(path)])
    assert result.exit_code == 0 and "Wrote 2 score(s)" in result.output
    rows = csv_rows(path.read_text(encoding="utf-8"))
    assert rows == [
        ["external_id", "target", "probability", "model_version", "reasons"],
        ['\'=HYPERLINK("x")', "escalation", "0.9", "2", "'-2 CSAT"],
        ["plain-1", "escalation", "0.2", "2", "customer: manager"],
    ]
    older = runner.invoke(args=["flags", "export", "--target", "escalation", "--version", "1", "-"])
    assert "old-only" in older.output and "plain-1" not in older.output
    none = runner.invoke(args=["flags", "export", "--target", "coaching", str(path)])
    assert none.exit_code == 1 and "coaching has no active model" in none.output


def test_flags_for_and_the_macro(app, client_as, users, make):
    active = add_model(version=2)
    inactive = add_model(version=1, active=False)
    interaction = make.interaction(users["agent"])
    add_flag(interaction, active, 0.7)
    add_flag(interaction, inactive, 0.99)
    flags = services.flags_for(interaction.id)
    assert [(f.model.version, f.probability) for f in flags] == [(2, 0.7)]
    template = '{% from "flags/_flags.html" import flag_list %}{{ flag_list(flags) }}'
    for role, shown in (("reviewer", True), ("agent", False)):
        client = client_as(role)
        with client:
            client.get("/")
            html = render_template_string(template, flags=flags)
        assert ('data-testid="flags"' in html) is shown, role
        if shown:
            assert "escalation 70%" in html and "Customer: manager" in html and "Confirm" in html


def test_bulk_upsert_inserts_then_updates_in_place(app, users, make):
    model = add_model(data=b"unused")
    first, second = make.interaction(users["agent"]), make.interaction(users["agent"])

    def row(interaction, probability):
        return {"interaction_id": interaction.id, "model_id": model.id, "target": "escalation",
                "probability": probability, "reasons": [{"reason": f"p{probability}"}]}  # fmt: skip

    services._upsert([row(first, 0.1), row(second, 0.2)])
    db.session.commit()
    services._upsert([row(first, 0.7)])
    db.session.commit()
    db.session.expire_all()
    flags = db.session.scalars(select(Flag).order_by(Flag.interaction_id)).all()
    assert [(f.interaction_id, f.probability, f.reasons[0]["reason"]) for f in flags] == [
        (first.id, 0.7, "p0.7"),
        (second.id, 0.2, "p0.2"),
    ]
    assert all(f.created_at is not None for f in flags)


def test_scoring_given_interactions_without_an_active_model_does_nothing(app, users, make):
    interaction = make.interaction(users["agent"])
    assert services.score_interactions([interaction.id]) == 0
    assert _count() == 0


def test_a_new_import_is_scored_by_the_active_model(app, users, tmp_path):
    from qa_app.interactions.importer import import_file

    add_model()
    path = tmp_path / "calls.csv"
    path.write_text(
        "external_id,channel,agent_email,team,started_at,duration_seconds,transcript\n"
        f"n-1,call,{users['agent'].email},{users['agent'].team.name},2026-11-02T09:00:00+00:00,"
        '300,"Agent: Hello\nCustomer: This is the third time I call, get me a manager"\n'
    )
    summary = import_file(path, source="pbx")
    assert (summary.created, summary.flagged) == (1, 1)
    flag = db.session.scalar(select(Flag))
    assert flag.interaction.external_id == "n-1" and 0 <= flag.probability <= 1


def test_score_all_from_the_models_page_runs_as_a_job(app, users, client_as, job_queue):
    from qa_app.models import Job
    from tests.qa_app.helpers import post_form

    executive = client_as("executive")
    refused = post_form(executive, "/flags/models/score-all", {}, follow_redirects=True)
    assert "No active model" in refused.get_data(as_text=True)
    assert db.session.scalar(select(Job)) is None

    load_interactions([users["agent"]], n=30)
    add_model()
    started = post_form(executive, "/flags/models/score-all", {})
    job = db.session.scalar(select(Job))
    assert started.headers["Location"] == f"/jobs/{job.id}" and job.status == "queued"
    assert _count() == 0  # the request did not score
    job_queue.work()
    job = db.session.get(Job, job.id)
    assert job.status == "succeeded" and job.result["scored"] == 30 and _count() == 30
    assert "Scored 30 interaction(s)." in executive.get(f"/jobs/{job.id}").get_data(as_text=True)
    assert 'data-testid="score-all"' in executive.get("/flags/models").get_data(as_text=True)
