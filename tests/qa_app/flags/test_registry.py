"""Activating and rolling back versions, corrupted artefacts, who may do it."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from qa_app.extensions import db
from qa_app.flags import services
from qa_app.models import AuditEvent, FlagModel
from tests.qa_app.flags.support import add_model
from tests.qa_app.helpers import post_form


def _active_versions():
    db.session.expire_all()
    return [m.version for m in db.session.scalars(select(FlagModel).where(FlagModel.active))]


def test_activate_a_new_version_then_roll_back_with_audit(app, client_as, users):
    first = add_model(version=1, active=True)
    second = add_model(version=2, active=False)
    executive = client_as("executive")
    page = executive.get("/flags/models").get_data(as_text=True)
    assert "Activate v2" in page

    response = post_form(executive, f"/flags/models/{second.id}/activate", {},
                         follow_redirects=True)  # fmt: skip
    assert "Escalation v2 is now active (was v1)." in response.get_data(as_text=True)
    assert _active_versions() == [2]
    page = executive.get("/flags/models").get_data(as_text=True)
    assert "Roll back to v1" in page

    post_form(executive, f"/flags/models/{first.id}/activate", {})
    assert _active_versions() == [1]
    events = db.session.scalars(
        select(AuditEvent)
        .where(AuditEvent.action == "flag_model.activated")
        .order_by(AuditEvent.id)
    ).all()
    assert [(e.before["active_version"], e.after["active_version"]) for e in events] == [
        (1, 2),
        (2, 1),
    ]
    assert all(e.actor_id == users["executive"].id for e in events)


def test_activating_the_active_or_a_failed_version_is_refused(app, users):
    active = add_model(version=1)
    failed = add_model(version=2, active=False, status="failed")
    for row, message in ((active, "already active"), (failed, "only ready models")):
        try:
            services.activate(users["admin"], row)
        except services.FlagServiceError as exc:
            assert message in str(exc)
        else:  # pragma: no cover
            raise AssertionError("expected a refusal")


def test_corrupted_artefact_gives_a_clear_error_not_a_500(app, client_as, runner, users, make):
    good = add_model(version=1)
    broken = add_model(version=2, active=False, data=b"PK\x03\x04 this is not a model")
    admin = client_as("admin")
    response = post_form(admin, f"/flags/models/{broken.id}/activate", {}, follow_redirects=True)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "escalation model v2 cannot be used" in html and "corrupted" in html
    assert _active_versions() == [1]
    assert admin.get(f"/flags/models/{broken.id}").status_code == 200

    # the active one gets damaged in the database: scoring says so clearly
    db.session.execute(
        FlagModel.__table__.update()
        .where(FlagModel.id == good.id)
        .values(artefact=good.artefact[:200])
    )
    db.session.commit()
    make.interaction(users["agent"])
    result = runner.invoke(args=["flags", "score", "--all"])
    assert result.exit_code == 1
    assert "escalation model v1 cannot be used" in result.output


FORMAT_5 = Path(__file__).parents[2] / "flagging" / "data" / "format5_line_tfidf.qaflag"


def test_a_model_stored_by_older_code_asks_to_be_retrained_not_a_500(
    app, client_as, runner, users, make
):
    """An artefact written before the text blocks changed (format 5, whose
    LineTfidfVectorizer no longer exists) stays in the database after an upgrade:
    activating it and scoring with it say to retrain, with a 200 page and exit 1."""
    good = add_model(version=1)
    older = add_model(version=2, active=False, data=FORMAT_5.read_bytes())
    admin = client_as("admin")
    response = post_form(admin, f"/flags/models/{older.id}/activate", {}, follow_redirects=True)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "escalation model v2 cannot be used" in html and "retrain the model" in html
    assert _active_versions() == [good.version]
    assert admin.get(f"/flags/models/{older.id}").status_code == 200

    # already active when the code was upgraded: scoring refuses it clearly
    db.session.execute(FlagModel.__table__.update().values(active=FlagModel.id == older.id))
    db.session.commit()
    make.interaction(users["agent"])
    result = runner.invoke(args=["flags", "score", "--all"])
    assert result.exit_code == 1
    assert "escalation model v2 cannot be used" in result.output
    assert "retrain the model" in result.output


def test_registry_lists_versions_with_metrics_and_training_progress(app, client_as):
    add_model(version=1)
    add_model(version=2, active=False, status="training")
    page = client_as("admin").get("/flags/models").get_data(as_text=True)
    assert 'data-testid="version-escalation-1"' in page
    assert "0.480 / 0.300 / 0.133" in page  # PR-AUC model / keyword / random
    assert 'data-testid="training-progress"' in page and "data-flag-status-url" in page
    assert "No model yet" in page  # coaching


def test_agents_and_reviewers_cannot_open_the_registry(app, client_as):
    row = add_model()
    for role in ("agent", "reviewer"):
        visitor = client_as(role)
        assert visitor.get("/flags/models").status_code == 403
        assert visitor.get(f"/flags/models/{row.id}").status_code == 403
        assert post_form(visitor, f"/flags/models/{row.id}/activate", {}).status_code == 403
        assert post_form(visitor, "/flags/models/train", {"target": "coaching"}).status_code == 403
    assert client_as("agent").get("/flags/").status_code == 403
