"""Interaction pages: the list, one interaction, and the two-step import."""

from __future__ import annotations

import io
from pathlib import Path

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_login import current_user
from sqlalchemy.orm import undefer

from qa_app.access import roles_required, signed_in
from qa_app.extensions import db
from qa_app.flags import services as flag_services
from qa_app.interactions import import_jobs, importer, parsing, services, uploads
from qa_app.interactions.forms import ConfirmForm, FilterForm, UploadForm
from qa_app.jobs import runner
from qa_app.models import Job
from qa_app.request_args import filter_status

bp = Blueprint("interactions", __name__, url_prefix="/interactions")
IMPORTERS = ("admin", "executive")


@bp.route("/")
@signed_in
def index():
    form = FilterForm(formdata=request.args)
    if current_user.role == "agent":  # their own contacts only: no team or agent filter
        del form.team
        del form.agent
    else:
        form.set_choices(services.team_choices(), services.agent_choices())
    form.validate()
    filters = form.filters()
    cursor_problem = None
    per_page = current_app.config.get("INTERACTIONS_PER_PAGE", services.PER_PAGE)
    try:
        page = services.list_page(
            current_user,
            filters,
            after=request.args.get("after") or None,
            before=request.args.get("before") or None,
            per_page=per_page,
        )
    except services.CursorError as exc:
        cursor_problem = str(exc)
        page = services.list_page(current_user, filters, per_page=per_page)
    links = {k: v for k, v in request.args.items() if k not in ("after", "before") and v}
    return render_template(
        "interactions/index.html",
        form=form,
        page=page,
        links=links,
        cursor_problem=cursor_problem,
        can_import=current_user.role in IMPORTERS,
    ), 400 if cursor_problem else filter_status(form)


@bp.route("/<int:interaction_id>")
@signed_in
def detail(interaction_id: int):
    item = services.interaction_for(current_user, interaction_id)
    q = request.args.get("q", "")[:200]
    turns, matches = services.transcript_view(item.transcript or [], q)
    return render_template(
        "interactions/detail.html",
        item=item,
        turns=turns,
        q=q.strip(),
        matches=matches,
        evaluations=services.evaluations_for(current_user, item),
        flags=flag_services.flags_for(item.id) if current_user.role != "agent" else [],
        clock=services.clock,
    )


@bp.route("/import", methods=["GET", "POST"])
@roles_required(*IMPORTERS)
def upload():
    form = UploadForm()
    if form.validate_on_submit():
        storage = form.file.data
        try:
            fmt = parsing.detect_format(storage.filename, form.fmt.data or None)
        except parsing.FormatError as exc:
            form.file.errors.append(str(exc))
        else:
            source = (form.source.data or "").strip() or uploads.default_source(
                storage.filename or ""
            )
            saved = uploads.save(storage, current_user, fmt=fmt, source=source)
            return redirect(url_for("interactions.preview", token=saved.token))
    return render_template("interactions/upload.html", form=form), (422 if form.errors else 200)


@bp.route("/import/<token>")
@roles_required(*IMPORTERS)
def preview(token: str):
    saved = uploads.load(token, current_user)
    return _state_of(saved, import_jobs.settle(saved))


def _state_of(saved: uploads.Upload, job: Job | None):
    """The upload's page for its state: imported (counts and rejects), importing
    (the job's progress), or waiting for confirmation (after a failed job: why)."""
    if saved.status == "imported":
        stored = (saved.summary or {}).get("problems", [])
        problems = [parsing.RowProblem(*p) for p in stored]
        return render_template(
            "interactions/imported.html",
            upload=saved,
            problems=problems,
            has_rejects=_rejects(saved),
        )
    if saved.status == "importing":
        return render_template("interactions/importing.html", upload=saved, job=job)
    result = importer.preview_file(saved.path, fmt=saved.fmt)
    failed = job is not None and job.status == "failed"
    page = render_template(
        "interactions/preview.html", upload=saved, result=result, form=ConfirmForm(),
        failed=failed, job_error=job.error if failed else None,
    )  # fmt: skip
    return page, (422 if failed else 200)


@bp.route("/import/<token>", methods=["POST"])
@roles_required(*IMPORTERS)
def confirm(token: str):
    saved = uploads.load(token, current_user)
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    if saved.status != "pending" or not uploads.claim(saved):
        flash(
            "This file has already been imported (or its import is running); "
            "nothing was written again.",
            "warning",
        )
        return redirect(url_for("interactions.preview", token=token))
    options = {
        "partial": form.partial.data,
        "create_agents": form.create_agents.data,
        "create_teams": form.create_teams.data,
    }
    try:
        import_jobs.start(saved, current_user, options)
    except runner.QueueUnavailableError as exc:
        uploads.reopen(saved)
        flash(f"The import could not start: {exc}", "danger")
        return redirect(url_for("interactions.preview", token=token))
    except BaseException:
        uploads.reopen(saved)
        raise
    job = import_jobs.settle(saved)  # immediate mode: already over
    if saved.status == "importing":
        flash("The import is running in the background; this page shows its progress.", "info")
    elif saved.status == "imported":
        flash(job.result.get("summary", "Import finished."), "success")
    else:
        return _state_of(saved, job)
    return redirect(url_for("interactions.preview", token=token))


@bp.route("/import/<token>/rejects")
@roles_required(*IMPORTERS)
def rejects(token: str):
    saved = uploads.load(token, current_user)
    name = f"{Path(saved.filename).stem or 'import'}.rejects.csv"
    if saved.job_id and not saved.has_rejects:
        job = db.session.scalar(
            db.select(Job).options(undefer(Job.output)).where(Job.id == saved.job_id)
        )
        if job is None or job.output is None:
            abort(404)
        return send_file(io.BytesIO(job.output), mimetype="text/csv", as_attachment=True,
                         download_name=name)  # fmt: skip
    if not saved.has_rejects:
        abort(404)
    # Read into memory (at most the size of the upload): a response holding an
    # open file would leak it if the client never reads the body.
    data = io.BytesIO(saved.rejects_path.read_bytes())
    return send_file(data, mimetype="text/csv", as_attachment=True, download_name=name)


def _rejects(saved: uploads.Upload) -> bool:
    if saved.has_rejects:
        return True
    job = db.session.get(Job, saved.job_id) if saved.job_id else None
    return bool(job and job.status == "succeeded" and job.result.get("file"))
