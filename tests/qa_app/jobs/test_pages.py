"""The jobs pages: each person sees their own jobs (an admin everyone's), follows
a running job's progress, and only the owner downloads a job's file."""

from __future__ import annotations

from qa_app.extensions import db
from qa_app.models import Job


def _job(owner, **fields) -> Job:
    values = {"kind": "reports.export", "title": f"Export by {owner.role}", "owner_id": owner.id}
    job = Job(**(values | fields))
    db.session.add(job)
    db.session.commit()
    return job


def test_my_jobs_lists_only_mine_and_an_admin_sees_everyones(app, users, client_as):
    mine = _job(users["executive"])
    theirs = _job(users["admin"])
    page = client_as("executive").get("/jobs/").get_data(as_text=True)
    assert "My jobs" in page and f'data-testid="job-{mine.id}"' in page
    assert f'data-testid="job-{theirs.id}"' not in page
    admin_page = client_as("admin").get("/jobs/").get_data(as_text=True)
    assert "All jobs" in admin_page and "Started by" in admin_page
    assert f'data-testid="job-{mine.id}"' in admin_page
    assert f'data-testid="job-{theirs.id}"' in admin_page
    assert "No jobs yet." in client_as("agent").get("/jobs/").get_data(as_text=True)


def test_another_persons_job_is_not_found(app, users, client_as):
    job = _job(users["admin"])
    for role in ("executive", "reviewer", "agent"):
        visitor = client_as(role)
        for path in (f"/jobs/{job.id}", f"/jobs/{job.id}/status", f"/jobs/{job.id}/download"):
            assert visitor.get(path).status_code == 404, (role, path)
    assert client_as("executive").get("/jobs/999999").status_code == 404


def test_a_running_job_is_polled_from_a_static_script(app, users, client_as):
    job = _job(users["executive"], status="running", progress=40, stage="reading rows")
    executive = client_as("executive")
    page = executive.get(f"/jobs/{job.id}").get_data(as_text=True)
    assert f'data-job-status-url="/jobs/{job.id}/status"' in page
    assert '<progress max="100" value="40"' in page and "reading rows" in page
    assert '<script src="/static/js/jobs.js">' in page and "<script>" not in page
    state = executive.get(f"/jobs/{job.id}/status").get_json()
    assert state == {
        "id": job.id, "status": "running", "progress": 40, "stage": "reading rows",
        "error": "", "done": False, "attempts": 0, "download": None,
    }  # fmt: skip


def test_a_finished_job_shows_its_result_and_stops_polling(app, users, client_as):
    failed = _job(users["executive"], status="failed", error="Nothing was imported: 3 problems.")
    done = _job(
        users["executive"],
        status="succeeded",
        result={"summary": "Scored 12 interaction(s).", "link": ["flags.queue_page", {}]},
    )
    executive = client_as("executive")
    failed_page = executive.get(f"/jobs/{failed.id}").get_data(as_text=True)
    assert "data-job-status-url" not in failed_page
    assert "Nothing was imported: 3 problems." in failed_page
    done_page = executive.get(f"/jobs/{done.id}").get_data(as_text=True)
    assert "Scored 12 interaction(s)." in done_page and 'href="/flags/"' in done_page
    assert 'data-testid="job-download"' not in done_page  # no file


def test_only_the_owner_downloads_the_file(app, users, client_as):
    job = _job(
        users["executive"],
        status="succeeded",
        result={"file": {"name": "evaluations.csv", "mimetype": "text/csv"}},
        output=b"evaluation_id\r\n1\r\n",
    )
    executive = client_as("executive")
    response = executive.get(f"/jobs/{job.id}/download")
    assert response.status_code == 200 and response.data == b"evaluation_id\r\n1\r\n"
    assert "filename=evaluations.csv" in response.headers["Content-Disposition"]
    assert executive.get(f"/jobs/{job.id}/status").get_json()["download"] == (
        f"/jobs/{job.id}/download"
    )
    admin = client_as("admin")
    assert admin.get(f"/jobs/{job.id}/download").status_code == 404
    assert admin.get(f"/jobs/{job.id}/status").get_json()["download"] is None
    assert "Download" not in admin.get("/jobs/").get_data(as_text=True)
