"""Exports of the evaluations list over large ranges, as background jobs.

Below ``EXPORT_JOB_ROWS`` rows the file is built in the request, as before.
Above it the page offers to prepare the file in the background: the job
rebuilds the page's filters from the same query string with the page's own
parser (inside a request context of its own), writes the CSV or xlsx into the
job, and the person who asked downloads it from the jobs page.
"""

from __future__ import annotations

from typing import Any

from flask import current_app, request

from qa_app.extensions import db
from qa_app.jobs import runner
from qa_app.jobs.registry import Reporter, register
from qa_app.models import Job, User, utcnow
from qa_app.reports import export, services
from qa_app.reports.forms import FilterForm, drill_from

KIND = "reports.export"
PATH = "/reports/evaluations"


def threshold() -> int:
    return int(current_app.config.get("EXPORT_JOB_ROWS", 20_000))


def start(owner: User, fmt: str, args: dict[str, Any], rows: int) -> Job:
    """Queue an export of the evaluations matching ``args`` (the page's query string)."""
    args = {k: v for k, v in args.items() if k not in ("format", "page")}
    title = f"Export {rows:,} evaluations ({fmt.upper()})"
    return runner.submit(KIND, owner, title, {"fmt": fmt, "args": args, "rows": rows})


def filters_from_request():
    """The page's filters and drill condition, parsed as the page parses them."""
    form = FilterForm(request.args)
    form.fill_choices()
    form.validate()
    return form.filters(services.default_period()), drill_from(request.args)


@register(KIND)
def _run(job: Job, report: Reporter) -> dict[str, Any]:
    fmt = job.params["fmt"]
    report.step("reading the evaluations", 5)
    with current_app.test_request_context(PATH, query_string=job.params["args"]):
        filters, drill = filters_from_request()
        rows, _ = services.evaluation_rows(filters, drill, page=None)
    report.step(f"writing {len(rows):,} rows", 60)
    if fmt == "csv":
        body, mimetype = export.to_csv(rows, "evaluations"), export.CSV_TYPE
    else:
        body, mimetype = export.to_xlsx(rows, "evaluations"), export.XLSX_TYPE
    job.output = body
    db.session.flush()
    name = f"evaluations-{utcnow():%Y%m%d}.{fmt}"
    return {
        "summary": f"{len(rows):,} evaluations exported.",
        "rows": len(rows),
        "file": {"name": name, "mimetype": mimetype, "bytes": len(body)},
    }
