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

from qa_app.access import roles_required, signed_in
from qa_app.flags import services as flag_services
from qa_app.interactions import importer, parsing, services, uploads
from qa_app.interactions.forms import ConfirmForm, FilterForm, UploadForm

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
    )


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
    if saved.status == "imported":
        stored = (saved.summary or {}).get("problems", [])
        problems = [parsing.RowProblem(*p) for p in stored]
        return render_template("interactions/imported.html", upload=saved, problems=problems)
    result = importer.preview_file(saved.path, fmt=saved.fmt)
    return render_template(
        "interactions/preview.html", upload=saved, result=result, form=ConfirmForm()
    )


@bp.route("/import/<token>", methods=["POST"])
@roles_required(*IMPORTERS)
def confirm(token: str):
    saved = uploads.load(token, current_user)
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    if saved.status == "imported" or not uploads.claim(saved):
        flash(
            "This file has already been imported (or its import is running); "
            "nothing was written again.",
            "warning",
        )
        return redirect(url_for("interactions.preview", token=token))
    try:
        summary = importer.import_file(
            saved.path,
            source=saved.source,
            fmt=saved.fmt,
            partial=form.partial.data,
            create_agents=form.create_agents.data,
            create_teams=form.create_teams.data,
            rejects_path=saved.rejects_path,
            actor=current_user,
        )
    except BaseException:
        uploads.release(saved)
        raise
    if not summary.written:
        uploads.release(saved)  # nothing written: the user may retry with other options
        return render_template(
            "interactions/preview.html", upload=saved, result=summary, form=form, failed=True
        ), 422
    uploads.mark_imported(saved, _summary_facts(summary))
    flash(f"Import finished: {summary.line()}.", "success")
    return redirect(url_for("interactions.preview", token=token))


@bp.route("/import/<token>/rejects")
@roles_required(*IMPORTERS)
def rejects(token: str):
    saved = uploads.load(token, current_user)
    if not saved.has_rejects:
        abort(404)
    name = f"{Path(saved.filename).stem or 'import'}.rejects.csv"
    # Read into memory (at most the size of the upload): a response holding an
    # open file would leak it if the client never reads the body.
    data = io.BytesIO(saved.rejects_path.read_bytes())
    return send_file(data, mimetype="text/csv", as_attachment=True, download_name=name)


def _summary_facts(summary: importer.ImportSummary) -> dict:
    return {
        "created": summary.created,
        "updated": summary.updated,
        "rejected": summary.rejected,
        "agents_created": len(summary.agents_created),
        "teams_created": summary.teams_created,
        "problems": [[p.row, p.column, p.message] for p in summary.problems[:1000]],
        "problem_count": len(summary.problems),
    }
