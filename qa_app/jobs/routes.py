"""Jobs pages: "my jobs" (every job for an admin), one job with its progress and
result, a JSON status for polling, and the produced file for its owner."""

from __future__ import annotations

import io

from flask import Blueprint, abort, jsonify, render_template, send_file, url_for
from flask_login import current_user
from sqlalchemy.orm import undefer

from qa_app.access import signed_in
from qa_app.extensions import db
from qa_app.jobs import runner
from qa_app.models import Job
from qa_app.request_args import page_arg

bp = Blueprint("jobs", __name__, url_prefix="/jobs")
PER_PAGE = 50


def _visible(job_id: int) -> Job:
    """The job if the user may see it (owner or admin); else 404, never 403,
    so ids of other people's jobs reveal nothing."""
    job = db.get_or_404(Job, job_id)
    if job.owner_id != current_user.id and current_user.role != "admin":
        abort(404)
    return job


def status_of(job: Job) -> dict:
    return {
        "id": job.id,
        "status": job.status,
        "progress": job.progress,
        "stage": job.stage,
        "error": job.error,
        "done": job.done,
        "attempts": job.attempts,
        "download": url_for("jobs.download", job_id=job.id)
        if job.status == "succeeded" and job.result.get("file") and job.owner_id == current_user.id
        else None,
    }


@bp.route("/")
@signed_in
def index():
    runner.reap()
    page = db.paginate(
        runner.visible_to(current_user),
        page=page_arg(),
        per_page=PER_PAGE,
        error_out=False,
    )
    return render_template("jobs/index.html", page=page, all_jobs=current_user.role == "admin")


@bp.route("/<int:job_id>")
@signed_in
def detail(job_id: int):
    return render_template("jobs/detail.html", job=_visible(job_id))


@bp.route("/<int:job_id>/status")
@signed_in
def status(job_id: int):
    return jsonify(status_of(_visible(job_id)))


@bp.route("/<int:job_id>/download")
@signed_in
def download(job_id: int):
    """The job's file, for the person who started it only (an admin sees that
    the export exists, not the figures in it)."""
    job = db.session.scalar(db.select(Job).options(undefer(Job.output)).where(Job.id == job_id))
    if job is None or job.owner_id != current_user.id:
        abort(404)
    info = job.result.get("file") if job.status == "succeeded" else None
    if not info or job.output is None:
        abort(404)
    return send_file(
        io.BytesIO(job.output),
        mimetype=info.get("mimetype", "application/octet-stream"),
        as_attachment=True,
        download_name=info.get("name", f"job-{job.id}"),
    )
