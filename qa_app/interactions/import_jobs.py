"""Imports confirmed on the upload page run as background jobs.

``start`` copies the upload into a Job (the worker may be on another machine)
and queues it; the worker imports with the same all-or-nothing rules as the
command line, keeps the rejected rows as the job's file, and returns the counts.
``settle`` is called by the upload pages: once the job is over it records the
outcome on the upload (imported with its counts, or open again when nothing
was written, so the user can retry with other options).
"""

from __future__ import annotations

import io
import tempfile
from pathlib import Path
from typing import Any

from sqlalchemy import select

from qa_app.autoqa import jobs as autoqa_jobs
from qa_app.extensions import db
from qa_app.interactions import importer, uploads
from qa_app.jobs import runner
from qa_app.jobs.registry import JobFailedError, Reporter, register
from qa_app.models import Job, User, utcnow
from qa_app.webhooks.events import emit

KIND = "interactions.import"
KEPT_PROBLEMS = 1000  # in the job's result; the rejects file has every one


def start(upload: uploads.Upload, owner: User, options: dict[str, bool]) -> Job:
    """Queue the import of a claimed upload; in immediate mode it is done on return."""
    params = {"token": upload.token, "source": upload.source, "fmt": upload.fmt,
              "filename": upload.filename, **options}  # fmt: skip
    job = runner.create(KIND, owner, f"Import {upload.filename}", params)
    job.payload = upload.path.read_bytes()
    db.session.commit()
    uploads.mark_importing(upload, job.id)
    runner.enqueue(job)
    return job


def settle(upload: uploads.Upload) -> Job | None:
    """The upload's job; when it is over, its outcome is recorded on the upload."""
    if upload.status != "importing" or upload.job_id is None:
        return None
    job = db.session.get(Job, upload.job_id)
    if job is None or job.status == "failed":
        uploads.reopen(upload)
    elif job.status == "succeeded":
        uploads.mark_imported(upload, job.result.get("facts", {}))
    return job


@register(KIND)
def _run(job: Job, report: Reporter) -> dict[str, Any]:
    data = db.session.scalar(select(Job.payload).where(Job.id == job.id))
    if data is None:
        raise JobFailedError("The uploaded file is no longer available; upload it again.")
    size = max(len(data), 1)
    p = job.params
    started = utcnow()  # the auto-scoring job reads what was imported from here on
    report.step(f"importing {p['filename']}", 1)

    def progress(read: int) -> None:
        report.note(f"read {100 * read // size}% of the file", 1 + 94 * read // size)

    with tempfile.TemporaryDirectory(prefix="qa-import-") as folder:
        rejects = Path(folder) / "rejects.csv"
        summary = importer.import_file(
            io.BytesIO(data),
            source=p["source"],
            fmt=p["fmt"],
            partial=bool(p.get("partial")),
            create_agents=bool(p.get("create_agents")),
            create_teams=bool(p.get("create_teams")),
            rejects_path=rejects,
            actor=db.session.get(User, job.owner_id),
            progress=progress,
            keep_problems=KEPT_PROBLEMS,
        )
        output = rejects.read_bytes() if summary.rejects_path and rejects.exists() else None
    if not summary.written:
        first = summary.problems[0] if summary.problems else None
        where = f" (first: row {first.row}, {first.column}: {first.message})" if first else ""
        raise JobFailedError(
            f"Nothing was imported: {summary.problem_count} problem(s){where}. "
            "Fix the file, or import the good rows only."
        )
    job.payload = None  # imported: the rows live in the database now
    autoqa_jobs.start_if_on(db.session.get(User, job.owner_id), p["source"], started)
    job.output = output
    stem = Path(p["filename"]).stem or "import"
    emit("import.finished", {"job_id": job.id, "file": p["filename"], **facts(summary)})
    return {
        "summary": f"Import finished: {summary.line()}.",
        "facts": facts(summary),
        "file": {"name": f"{stem}.rejects.csv", "mimetype": "text/csv"} if output else None,
        "link": ["interactions.preview", {"token": p["token"]}],
    }


def facts(summary: importer.ImportSummary) -> dict[str, Any]:
    return {
        "created": summary.created,
        "updated": summary.updated,
        "rejected": summary.rejected,
        "agents_created": len(summary.agents_created),
        "teams_created": summary.teams_created,
        "problems": [[p.row, p.column, p.message] for p in summary.problems[:KEPT_PROBLEMS]],
        "problem_count": summary.problem_count,
        "flagged": summary.flagged,
    }
