"""Executive reports: dashboard tabs, drill-down list, exports, periodic review."""

from __future__ import annotations

import math

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user
from flask_wtf import FlaskForm

from qa_app import paging
from qa_app.access import roles_required
from qa_app.jobs import runner
from qa_app.models import utcnow
from qa_app.reports import columns, export, export_jobs, review, services
from qa_app.reports.forms import FilterForm, ReviewForm, drill_from
from qa_app.request_args import filter_status, page_arg, refuse

bp = Blueprint("reports", __name__, url_prefix="/reports")
EXECUTIVES = ("admin", "executive")
FORMATS = ("csv", "xlsx")


def _filters(download: bool = False):
    """The filter form and its filters. A refused value is left out and named on
    the page (400); a download has no page to name it on, so it is refused."""
    form = FilterForm(request.args)
    form.fill_choices()
    if not form.validate() and download:
        refuse(form)
    return form, form.filters(services.default_period())


def _stored(name: str, filters, form):
    """The page's figures, stored or computed now (``?refresh=1``)."""
    return services.page(name, filters, form.versions, refresh=_refresh())


def _refresh() -> bool:
    return request.args.get("refresh") == "1"


@bp.route("/")
@roles_required(*EXECUTIVES)
def dashboard():
    form, filters = _filters()
    stored = _stored("quality", filters, form)
    return render_template(
        "reports/quality.html", tab="quality", form=form, filters=filters, stored=stored,
        q=stored.value, threshold=services.threshold_for(filters.team),
    ), filter_status(form)  # fmt: skip


@bp.route("/questions")
@roles_required(*EXECUTIVES)
def questions():
    form, filters = _filters()
    stored = _stored("questions", filters, form)
    return render_template(
        "reports/questions.html", tab="questions", form=form, filters=filters, stored=stored,
        question_table=stored.value,
    ), filter_status(form)  # fmt: skip


@bp.route("/reviewers")
@roles_required(*EXECUTIVES)
def reviewers():
    form, filters = _filters()
    stored = _stored("reviewers", filters, form)
    return render_template(
        "reports/reviewers.html", tab="reviewers", form=form, filters=filters, stored=stored,
        table=stored.value,
    ), filter_status(form)  # fmt: skip


@bp.route("/operations")
@roles_required(*EXECUTIVES)
def operations():
    form, filters = _filters()
    stored = _stored("operations", filters, form)
    return render_template(
        "reports/operations.html", tab="operations", form=form, filters=filters, stored=stored,
        **stored.value,
    ), filter_status(form)  # fmt: skip


@bp.route("/coaching")
@roles_required(*EXECUTIVES)
def coaching():
    form, filters = _filters()
    stored = _stored("coaching", filters, form)
    return render_template(
        "reports/coaching.html", tab="coaching", form=form, filters=filters, stored=stored,
        **stored.value,
    ), filter_status(form)  # fmt: skip


@bp.route("/evaluations")
@roles_required(*EXECUTIVES)
def evaluations():
    """The evaluations behind a figure: the filters plus the figure's condition."""
    fmt = request.args.get("format")
    form, filters = _filters(download=fmt in FORMATS)
    drill = drill_from(request.args)
    if fmt in FORMATS:
        count = services.evaluation_count(filters, drill)
        if count > export_jobs.threshold():  # too large for a request: offer a job
            return render_template(
                "reports/export_job.html", tab="evaluations", form=form, filters=filters,
                fmt=fmt, count=count, threshold=export_jobs.threshold(),
                back=url_for("reports.evaluations", **_args_without("format")),
            ), filter_status(form)  # fmt: skip
        rows, _ = services.evaluation_rows(filters, drill, page=None)
        return _download(rows, "evaluations", fmt)
    page = page_arg()
    rows, total = services.evaluation_rows(filters, drill, page=page)
    pages = max(1, math.ceil(total / services.PER_PAGE))
    return render_template(
        "reports/evaluations.html", tab="evaluations", form=form, filters=filters, drill=drill,
        rows=rows, total=total, page=page, pages=pages,
    ), filter_status(form)  # fmt: skip


@bp.route("/evaluations/export.<fmt>", methods=["POST"])
@roles_required(*EXECUTIVES)
def export_job(fmt: str):
    """Prepare a large export of the evaluations list in the background."""
    if fmt not in FORMATS:
        abort(404)
    if not FlaskForm().validate_on_submit():
        abort(400)
    _, filters = _filters(download=True)
    count = services.evaluation_count(filters, drill_from(request.args))
    try:
        job = export_jobs.start(current_user, fmt, request.args.to_dict(), count)
    except runner.QueueUnavailableError as exc:
        flash(f"The export could not start: {exc}", "danger")
        return redirect(url_for("reports.evaluations", **_args_without()))
    return redirect(url_for("jobs.detail", job_id=job.id))


@bp.route("/export/<table>.<fmt>")
@roles_required(*EXECUTIVES)
def export_table(table: str, fmt: str):
    """A table of a page, from the page's stored figures (the numbers it shows)."""
    if table not in services.TABLES or fmt not in FORMATS:
        abort(404)
    form, filters = _filters(download=True)
    page, part = services.TABLES[table]
    return _download(part(_stored(page, filters, form).value), table, fmt)


def _download(frame, name: str, fmt: str) -> Response:
    stamp = utcnow().strftime("%Y%m%d")
    if fmt == "csv":
        body, mimetype = export.to_csv(frame, name), export.CSV_TYPE
    else:
        body, mimetype = export.to_xlsx(frame, name), export.XLSX_TYPE
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{name}-{stamp}.{fmt}"'
    return response


@bp.route("/review")
@roles_required(*EXECUTIVES)
def periodic_review():
    form = ReviewForm(request.args)
    filter_form = FilterForm()
    filter_form.fill_choices()
    form.team.choices = filter_form.team.choices
    month = form.period.data if form.validate() else None
    period = review.period_of(month, form.date_from.data, form.date_to.data, utcnow().date())
    stored = review.stored(form.team.data, period, filter_form.versions, refresh=_refresh())
    return render_template(
        "reports/review.html", form=form, report=stored.value, stored=stored,
        team_name=_team_name(filter_form, form.team.data),
    ), filter_status(form)  # fmt: skip


def _args_without(*names: str) -> dict[str, str]:
    return {k: v for k, v in request.args.items() if k not in names}


bp.add_app_template_filter(columns.cell, "report_cell")
bp.add_app_template_global(columns.TABLES.get, "report_columns")
bp.add_app_template_global(paging.page_of, "table_page")


@bp.app_template_global("report_url")
def report_url(endpoint: str, filters, **extra) -> str:
    """A reports URL carrying the page's filters plus ``extra`` (None drops a key)."""
    return url_for(endpoint, **{k: v for k, v in (filters.args() | extra).items() if v is not None})


def _team_name(form: FilterForm, team: int | None) -> str | None:
    return next((c.label for c in form.team.choices if c.value == team and team), None)
