"""The audit page (admins only): GET-only views; there is no route that edits
or deletes an event."""

from __future__ import annotations

from flask import Blueprint, Response, render_template, request, stream_with_context
from flask_login import current_user

from qa_app.access import roles_required
from qa_app.audit_trail import services
from qa_app.models import utcnow

bp = Blueprint("audit", __name__, url_prefix="/admin/audit")


@bp.route("/")
@roles_required("admin")
def index():
    filters = services.parse(request.args)
    actions, types = services.choices()
    result = services.Page([], None) if filters.errors else services.page(filters)
    rows = services.shown(current_user, result.rows)
    html = render_template(
        "audit_trail/index.html",
        filters=filters,
        rows=rows,
        next_before=result.next_before,
        actions=actions,
        types=types,
        system=services.SYSTEM,
        audit_when=services.WHEN,
    )
    return html, 400 if filters.errors else 200


@bp.route("/export.csv")
@roles_required("admin")
def export():
    filters = services.parse(request.args)
    if filters.errors:
        message = " ".join(f"{key}: {text}" for key, text in filters.errors.items())
        return Response(message, 400, mimetype="text/plain")
    name = f"audit-{utcnow():%Y%m%d-%H%M}.csv"
    return Response(
        stream_with_context(services.csv_chunks(filters, current_user)),
        mimetype="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
