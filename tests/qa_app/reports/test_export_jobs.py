"""Exports of the evaluations list over a large range run as background jobs."""

from __future__ import annotations

import csv
import io
import re

from openpyxl import load_workbook

from qa_app.extensions import db
from qa_app.models import Job
from tests.qa_app.helpers import post_form
from tests.qa_app.reports.conftest import PERIOD


def _rows(body: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(body.decode("utf-8").lstrip("\ufeff"))))


def test_a_small_export_stays_in_the_request(app, data, client_as):
    app.config["EXPORT_JOB_ROWS"] = 7  # exactly the seven counted evaluations: not above
    response = client_as("executive").get(
        "/reports/evaluations", query_string=PERIOD | {"format": "csv"}
    )
    assert response.mimetype == "text/csv" and len(_rows(response.data)) == 7
    assert db.session.scalar(db.select(Job)) is None


def test_a_large_export_is_offered_as_a_job_and_its_owner_downloads_it(
    app, data, client_as, job_queue
):
    app.config["EXPORT_JOB_ROWS"] = 1
    executive = client_as("executive")
    args = PERIOD | {"question": "greet", "format": "csv"}
    offer = executive.get("/reports/evaluations", query_string=args)
    page = offer.get_data(as_text=True)
    assert offer.status_code == 200 and 'data-testid="export-job-offer"' in page
    assert "This export has 2 rows" in page and db.session.scalar(db.select(Job)) is None

    action = re.search(r'action="(/reports/evaluations/export\.csv[^"]*)"', page).group(1)
    action = action.replace("&amp;", "&")
    started = post_form(executive, action, {})
    job = db.session.scalar(db.select(Job))
    assert started.status_code == 302 and started.headers["Location"] == f"/jobs/{job.id}"
    assert job.kind == "reports.export" and job.status == "queued"
    assert job.params["args"] == PERIOD | {"question": "greet"}  # format dropped

    job_queue.work()
    job = db.session.get(Job, job.id)
    assert job.status == "succeeded" and job.result["rows"] == 2
    detail = executive.get(f"/jobs/{job.id}").get_data(as_text=True)
    assert "2 evaluations exported." in detail and 'data-testid="job-download"' in detail
    download = executive.get(f"/jobs/{job.id}/download")
    assert download.mimetype == "text/csv"
    assert download.headers["Content-Disposition"].startswith("attachment; filename=evaluations-")
    assert {int(r["Evaluation"]) for r in _rows(download.data)} == {data.e2.id, data.e5.id}

    admin = client_as("admin")  # sees the job, not the figures in it
    assert admin.get(f"/jobs/{job.id}").status_code == 200
    assert admin.get(f"/jobs/{job.id}/download").status_code == 404


def test_a_large_xlsx_export_runs_in_the_request_in_immediate_mode(app, data, client_as):
    app.config["EXPORT_JOB_ROWS"] = 1
    executive = client_as("executive")
    response = post_form(executive, "/reports/evaluations/export.xlsx?" + _query(PERIOD), {})
    job = db.session.scalar(db.select(Job))
    assert response.status_code == 302 and job.status == "succeeded" and job.result["rows"] == 7
    sheet = load_workbook(io.BytesIO(executive.get(f"/jobs/{job.id}/download").data)).active
    assert len(list(sheet.values)) == 8  # header + seven evaluations


def test_an_export_job_refuses_an_unknown_format_and_a_missing_token(app, data, client_as):
    executive = client_as("executive")
    assert post_form(executive, "/reports/evaluations/export.pdf", {}).status_code == 404
    assert executive.post("/reports/evaluations/export.csv").status_code == 400
    assert db.session.scalar(db.select(Job)) is None


def _query(args: dict[str, str]) -> str:
    return "&".join(f"{k}={v}" for k, v in args.items())
