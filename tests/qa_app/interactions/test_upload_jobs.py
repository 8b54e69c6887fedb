"""Confirmed imports run as background jobs: the page follows the job, then shows
the counts and the rejected rows; a job that wrote nothing lets the user retry."""

from __future__ import annotations

from qa_app.extensions import db
from qa_app.models import Interaction, Job
from tests.qa_app.helpers import post_form
from tests.qa_app.interactions.support import csv_bytes, row
from tests.qa_app.interactions.test_upload_pages import count, token_of, upload


def test_the_import_waits_for_a_worker_then_the_page_shows_the_counts(client_as, job_queue):
    admin = client_as("admin")
    token = token_of(upload(admin, csv_bytes([row(1), row(2)]), source="crm"))
    confirmed = post_form(admin, f"/interactions/import/{token}", {}, follow_redirects=True)
    page = confirmed.get_data(as_text=True)
    assert "running in the background" in page and 'data-testid="import-progress"' in page
    assert "data-job-status-url" in page and count() == 0
    job = db.session.scalar(db.select(Job))
    assert job.kind == "interactions.import" and job.status == "queued" and job.payload
    again = post_form(admin, f"/interactions/import/{token}", {}, follow_redirects=True)
    assert "nothing was written again" in again.get_data(as_text=True)

    assert job_queue.work() == 1
    assert count() == 2 and set(db.session.scalars(db.select(Interaction.source))) == {"crm"}
    done = admin.get(f"/interactions/import/{token}").get_data(as_text=True)
    assert "created 2, updated 0, rejected 0" in done
    job = db.session.get(Job, job.id)
    assert job.status == "succeeded" and job.payload is None  # the file is not kept
    assert job.result["facts"]["created"] == 2
    listing = admin.get("/jobs/").get_data(as_text=True)
    assert "Import finished: created 2, updated 0, rejected 0." in listing


def test_rejected_rows_of_a_partial_import_come_from_the_job(client_as, job_queue):
    admin = client_as("admin")
    token = token_of(upload(admin, csv_bytes([row(1), row(2, csat="9")])))
    post_form(admin, f"/interactions/import/{token}", {"partial": "y"})
    job_queue.work()
    page = admin.get(f"/interactions/import/{token}").get_data(as_text=True)
    assert "created 1, updated 0, rejected 1" in page and "Download the rejected rows" in page
    rejects = admin.get(f"/interactions/import/{token}/rejects")
    assert rejects.status_code == 200 and rejects.mimetype == "text/csv"
    assert (
        rejects.get_data(as_text=True)
        .splitlines()[-1]
        .endswith(",3,csat: 9 is out of range; CSAT is a whole number from 1 to 5.")
    )
    job = db.session.scalar(db.select(Job))
    assert admin.get(f"/jobs/{job.id}/download").data == rejects.data


def test_a_job_that_wrote_nothing_says_why_and_the_upload_can_be_confirmed_again(
    client_as, job_queue, make, users
):
    """The page's check can be overtaken (here an agent became a reviewer after
    it): the import checks every row again, and a job that wrote nothing says why."""
    admin = client_as("admin")
    other = make.user("agent", email="other@example.test", team=users["agent"].team)
    data = csv_bytes([row(1), row(2, agent_email="other@example.test")])
    token = token_of(upload(admin, data))
    assert "All 2 rows are ready" in admin.get(f"/interactions/import/{token}").get_data(True)
    other.role = "reviewer"
    db.session.commit()
    post_form(admin, f"/interactions/import/{token}", {})
    job_queue.work()
    job = db.session.scalar(db.select(Job))
    assert job.status == "failed" and job.attempts == 1  # expected: not retried
    assert job.error.startswith("Nothing was imported: 1 problem(s) (first: row 3, agent_email")
    failed = admin.get(f"/interactions/import/{token}")
    assert failed.status_code == 422
    assert "Nothing was imported: 1 problem" in failed.get_data(as_text=True)
    post_form(admin, f"/interactions/import/{token}", {"partial": "y"})
    job_queue.work()
    assert count() == 1
