"""Interaction pages: the list, one interaction, and the two-step import."""

from __future__ import annotations

import io
import unicodedata
from pathlib import Path
from urllib.parse import quote

from flask import (
    Blueprint,
    Response,
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
from qa_app.interactions import (
    checks,
    import_jobs,
    parsing,
    services,
    transcript,
    uploads,
)
from qa_app.interactions.forms import ConfirmForm, FilterForm, UploadForm
from qa_app.jobs import runner
from qa_app.models import Job
from qa_app.request_args import filter_status, offset_arg, page_arg

bp = Blueprint("interactions", __name__, url_prefix="/interactions")
# Every page that shows a transcript shows the same window of it (reviews, feedback).
bp.add_app_template_global(transcript.window, "transcript_window")
IMPORTERS = services.IMPORTERS


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
    shown = transcript.window(
        item.transcript or [], q, turn=offset_arg("turn"), at=offset_arg("at")
    )
    return render_template(
        "interactions/detail.html",
        item=item,
        window=shown,
        q=q.strip(),
        evaluations=services.evaluations_for(current_user, item),
        flags=flag_services.flags_for(item.id) if current_user.role != "agent" else [],
        clock=transcript.clock,
    )


@bp.route("/<int:interaction_id>/transcript.txt")
@signed_in
def transcript_text(interaction_id: int):
    """The whole transcript as plain text: the way to read every character of
    one too long for a page. Who may see the interaction may download it."""
    item = services.interaction_for(current_user, interaction_id)
    turns = list(item.transcript or [])
    body = (line.encode("utf-8", "backslashreplace") for line in transcript.as_text(turns))
    name = f"interaction-{item.id}-transcript.txt"
    response = Response(body, mimetype="text/plain")
    _attachment(response, name)
    return response


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
        summary = saved.summary or {}
        problems, page, pages = checks.page_of(summary.get("problems", []), page_arg())
        return render_template(
            "interactions/imported.html",
            upload=saved,
            problems=problems,
            page=page,
            pages=pages,
            per_page=checks.PER_PAGE,
            has_rejects=_rejects(saved),
        )
    if saved.status == "importing":
        return render_template("interactions/importing.html", upload=saved, job=job)
    check = checks.checked(saved)
    problems, page, pages = checks.page_of(check["problems"], page_arg())
    failed = job is not None and job.status == "failed"
    html = render_template(
        "interactions/preview.html", upload=saved, check=check, problems=problems, page=page,
        pages=pages, per_page=checks.PER_PAGE, form=ConfirmForm(), failed=failed,
        job_error=job.error if failed else None, blocked=checks.refusal(check, {}),
    )  # fmt: skip
    return html, (422 if failed else 200)


@bp.route("/import/<token>", methods=["POST"])
@roles_required(*IMPORTERS)
def confirm(token: str):
    saved = uploads.load(token, current_user)
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    options = {
        "partial": form.partial.data,
        "create_agents": form.create_agents.data,
        "create_teams": form.create_teams.data,
    }
    if saved.status == "pending" and (reason := checks.refusal(checks.checked(saved), options)):
        flash(f"Nothing was imported: {reason}", "danger")
        html, _ = _state_of(saved, None)
        return html, 422
    if saved.status != "pending" or not uploads.claim(saved):
        flash(
            "This file has already been imported (or its import is running); "
            "nothing was written again.",
            "warning",
        )
        return redirect(url_for("interactions.preview", token=token))
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
    found = saved.rejects_path if saved.status == "imported" else checks.rejects_of(saved)
    if not found.exists():
        abort(404)
    response = Response(_chunks(found), mimetype="text/csv")
    _attachment(response, name)
    return response


def _chunks(path: Path):
    """The file in pieces, never whole in memory (a rejects file can be as large
    as the upload). Opened only once the body is read, closed by the generator:
    a client that never reads the body leaves no open file behind."""
    with path.open("rb") as handle:
        while chunk := handle.read(256 * 1024):
            yield chunk


def _attachment(response: Response, name: str) -> None:
    """Content-Disposition as ``send_file`` writes it: an ASCII name, and the
    UTF-8 one beside it when the file's name has other characters."""
    simple = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    names = {"filename": simple}
    if simple != name:
        names["filename*"] = f"UTF-8''{quote(name, safe='!#$&+-.^_`|~')}"
    response.headers.set("Content-Disposition", "attachment", **names)


def _rejects(saved: uploads.Upload) -> bool:
    if saved.has_rejects:
        return True
    job = db.session.get(Job, saved.job_id) if saved.job_id else None
    return bool(job and job.status == "succeeded" and job.result.get("file"))
