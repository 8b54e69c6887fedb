"""The check of an upload (what its import would meet), run once and kept.

Reading a 19 MB file with 160,000 bad rows takes seconds and, holding every
problem, hundreds of megabytes; the upload page was redrawn from scratch on
every view. Now the first view checks the file once and keeps a compact
result beside it, ``<token>.check`` (JSON): the counts, the problems per
column, the first ``KEPT`` problems and the first good rows. Every rejected
row, with its problems, goes to ``<token>.check-rejects.csv`` for download.
Both files go when the upload goes (``privacy.uploads`` removes ``<token>.*``).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from qa_app.interactions import importer, uploads
from qa_app.interactions.parsing import RowProblem
from qa_app.models import utcnow

KEPT = 1_000  # problems kept for the page; the rejects file has every one
PER_PAGE = 100  # problems on one page


def path_of(upload: uploads.Upload) -> Path:
    return uploads.root() / f"{upload.token}.check"


def rejects_of(upload: uploads.Upload) -> Path:
    return uploads.root() / f"{upload.token}.check-rejects.csv"


def checked(upload: uploads.Upload) -> dict[str, Any]:
    """The upload's check: read from its file, or run now and kept.

    The check is of the file as uploaded, against the agents and teams of that
    moment (``checked_at`` says when); the import checks every row again."""
    target = path_of(upload)
    try:
        return json.loads(target.read_text())
    except (FileNotFoundError, ValueError):
        pass
    result = importer.preview_file(
        upload.path, fmt=upload.fmt, keep_problems=KEPT, rejects_path=rejects_of(upload)
    )
    check = {
        "checked_at": utcnow().isoformat(timespec="seconds"),
        "rows": result.rows,
        "rejected": result.rejected,
        "fatal": result.fatal,
        "problem_count": result.problem_count,
        "kinds": [[column, n] for column, n in result.problem_kinds.most_common()],
        "problems": [[p.row, p.column, p.message] for p in result.problems],
        "preview": [_row(item) for item in result.preview],
        "has_rejects": result.rejects_path is not None,
        "unfixable": result.unfixable,
        "needs": sorted(result.remedies),
    }
    temp = target.with_suffix(".tmp-check")
    temp.write_text(json.dumps(check))
    temp.replace(target)  # atomic: a reader never sees half a file
    return check


OPTION_LABELS = {"create_agents": "Create missing agents", "create_teams": "Create missing teams"}


def refusal(check: dict[str, Any], options: dict[str, bool]) -> str | None:
    """Why an import with ``options`` would fail on this check's problems, or
    None when it can run: without "partial" every row must be importable, and a
    row is only if its sole problems are a missing agent or team that the
    chosen options create. (A job that fails after the click helps no one.)"""
    if not check.get("problem_count") or options.get("partial"):
        return None
    rows = check.get("unfixable", check.get("rejected", 0))  # older checks: every rejected row
    if rows:
        return (
            f"{rows:,} row{'' if rows == 1 else 's'} {'has' if rows == 1 else 'have'} problems "
            "that no option fixes. Tick \u201cImport the good rows and set the bad ones "
            "aside\u201d to import the rest, or fix the file and upload it again."
        )
    missing = [OPTION_LABELS[o] for o in check.get("needs", []) if not options.get(o)]
    if missing:
        return (
            "Some rows name agents or teams that do not exist yet. Tick "
            + " and ".join(f"\u201c{m}\u201d" for m in missing)
            + ", or tick \u201cImport the good rows and set the bad ones aside\u201d."
        )
    return None


def page_of(problems: list[list[Any]], page: int) -> tuple[list[RowProblem], int, int]:
    """The problems of page ``page`` (1-based; out of range: the last page or
    the first), the page shown, and how many pages there are."""
    pages = max((len(problems) + PER_PAGE - 1) // PER_PAGE, 1)
    page = min(max(page, 1), pages)
    shown = problems[(page - 1) * PER_PAGE : page * PER_PAGE]
    return [RowProblem(*p) for p in shown], page, pages


def _row(item: dict[str, Any]) -> dict[str, Any]:
    record = item["record"]
    return {
        "row": record.row,
        "external_id": record.external_id,
        "channel": record.channel,
        "agent_name": item.get("agent_name"),
        "agent_email": record.agent_email,
        "team": item.get("team_name") or record.team,
        "started_at": record.started_at.isoformat(),
        "duration_seconds": record.duration_seconds,
        "csat": record.csat,
        "escalated": record.escalated,
        "turns": len(record.transcript or []),
    }
