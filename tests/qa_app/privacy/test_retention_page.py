"""The retention page: an admin reads the dry run, then queues the purge as a
background job, which purges (audited) and reports what it did."""

from qa_app.extensions import db
from qa_app.models import AuditEvent, Interaction, Job
from tests.qa_app.helpers import post_form
from tests.qa_app.privacy.test_retention import history  # noqa: F401


def test_the_page_shows_the_dry_run_and_changes_nothing(history, client_as):  # noqa: F811
    html = client_as("admin").get("/privacy/retention").get_data(as_text=True)
    assert "90 days" in html and 'data-testid="retention-report"' in html
    assert "Purge 3 transcript(s)" in html
    assert all(i.transcript for i in db.session.scalars(db.select(Interaction)))


def test_the_purge_runs_as_a_job_owned_by_the_admin(history, client_as, users):  # noqa: F811
    response = post_form(client_as("admin"), "/privacy/retention", {})
    job = db.session.scalar(db.select(Job).where(Job.kind == "privacy.purge"))
    assert response.status_code == 302 and response.location.endswith(f"/jobs/{job.id}")
    assert (job.status, job.owner_id, job.result["purged"]) == ("succeeded", users["admin"].id, 3)
    assert len([i for i in db.session.scalars(db.select(Interaction)) if i.purged_at]) == 3
    event = db.session.scalar(db.select(AuditEvent).where(AuditEvent.action == "retention.purged"))
    assert event.actor_id == users["admin"].id and event.after["purged"] == 3


def test_without_a_period_the_page_says_so_and_the_job_fails_with_the_reason(
    history,
    app,
    client_as,  # noqa: F811
):
    app.config["TRANSCRIPT_RETENTION_DAYS"] = None
    admin = client_as("admin")
    assert 'data-testid="retention-off"' in admin.get("/privacy/retention").get_data(as_text=True)
    post_form(admin, "/privacy/retention", {})
    job = db.session.scalar(db.select(Job).where(Job.kind == "privacy.purge"))
    assert job.status == "failed" and "TRANSCRIPT_RETENTION_DAYS is not set" in job.error


def test_a_bad_period_is_shown_not_a_500(history, app, client_as):  # noqa: F811
    app.config["TRANSCRIPT_RETENTION_DAYS"] = 0
    response = client_as("admin").get("/privacy/retention")
    assert response.status_code == 200
    assert "must be 1 or more" in response.get_data(as_text=True)
