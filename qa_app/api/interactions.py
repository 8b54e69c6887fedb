"""/api/v1/interactions: batch upsert (the import's checks and upsert), list, one."""

from __future__ import annotations

import io
import json
from typing import Any

from flask import current_app
from flask_login import current_user
from marshmallow import RAISE

from qa_app.access import roles_required, signed_in
from qa_app.api import schemas
from qa_app.api.blueprint import Blueprint
from qa_app.api.errors import fail
from qa_app.interactions import importer, services
from qa_app.interactions.parsing import RowProblem
from qa_app.interactions.services import IMPORTERS

blp = Blueprint(
    "api_interactions",
    __name__,
    url_prefix="/api/v1/interactions",
    description="Customer interactions: calls, chats and e-mails.",
)


@blp.route("", methods=["POST"], endpoint="upsert")
@roles_required(*IMPORTERS)
@blp.arguments(schemas.UpsertRequest)
@blp.response(200, schemas.UpsertResult)
@blp.alt_response(413, schema=schemas.ErrorSchema, description="Too many items in one batch.")
def upsert(body: dict[str, Any]):
    """Create or update interactions, idempotent by (source, external_id).

    Each item is checked exactly as a JSON Lines import row. All or nothing by
    default: one bad item and nothing is written (422 with every item's
    problems). With `partial`, the good items are written and the bad ones
    reported in `errors`.
    """
    items = body["items"]
    limit = current_app.config.get("API_BATCH_LIMIT", schemas.BATCH_LIMIT)
    if len(items) > limit:
        fail(
            413,
            f"A batch holds at most {limit} items; this one has {len(items)}.",
            code="batch_too_large",
        )
    stream = io.BytesIO(b"".join(_line(item) for item in items))
    summary = importer.import_file(
        stream,
        fmt="jsonl",
        source=body["source"],
        partial=body["partial"],
        create_agents=body["create_agents"],
        create_teams=body["create_teams"],
        actor=current_user,
    )
    errors = item_errors(summary.problems)
    if summary.problems and not summary.written:
        fail(
            422, _refusal(summary, body["partial"]), code="items_invalid", errors={"items": errors}
        )
    result = {
        "created": summary.created,
        "updated": summary.updated,
        "rejected": summary.rejected,
        "agents_created": summary.agents_created,
        "teams_created": summary.teams_created,
    }
    if errors:
        result["errors"] = {"items": errors}
    return result


def _line(item: Any) -> bytes:
    # ensure_ascii keeps each item on one physical line: line n is item n - 1.
    return json.dumps(item, ensure_ascii=True, default=str).encode("ascii") + b"\n"


def item_errors(problems: list[RowProblem]) -> dict[str, dict[str, list[str]]]:
    """Import problems (row = line number) as {item index: {field: [messages]}}."""
    out: dict[str, dict[str, list[str]]] = {}
    for problem in problems:
        field = problem.column or "_item"
        out.setdefault(str(problem.row - 1), {}).setdefault(field, []).append(problem.message)
    return out


def _refusal(summary: importer.ImportSummary, partial: bool) -> str:
    bad = len({p.row for p in summary.problems})
    if partial:
        return f"None of the items could be written; {bad} have problems."
    return f"{bad} item(s) have problems, so nothing was written (all or nothing)."


@blp.route("", methods=["GET"], endpoint="list")
@signed_in
@blp.arguments(schemas.InteractionQuery, location="query", unknown=RAISE)
@blp.response(200, schemas.InteractionPage)
def list_(args: dict[str, Any]):
    """Interactions newest first; agents see only their own."""
    filters = services.Filters(
        team_id=args.get("team_id"),
        agent_id=args.get("agent_id"),
        channel=args.get("channel"),
        started_after=args.get("started_after"),
        started_before=args.get("started_before"),
    )
    try:
        page = services.list_page(
            current_user, filters, after=args.get("cursor"), per_page=args["limit"]
        )
    except services.CursorError:
        fail(400, "The cursor is not valid; start again without one.", code="invalid_cursor")
    return {"items": [row._asdict() for row in page.rows], "next_cursor": page.older}


@blp.route("/<int:interaction_id>", methods=["GET"], endpoint="detail")
@signed_in
@blp.response(200, schemas.Interaction)
def detail(interaction_id: int):
    """One interaction with its transcript; another agent's answers 404."""
    item = services.interaction_for(current_user, interaction_id)
    return {
        **{c: getattr(item, c) for c in _COLUMNS},
        "agent_name": item.agent.name,
        "team_name": item.team.name if item.team else None,
        "metadata": item.meta or {},
    }


_COLUMNS = (
    "id",
    "source",
    "external_id",
    "channel",
    "agent_id",
    "team_id",
    "started_at",
    "duration_seconds",
    "csat",
    "escalated",
    "customer_ref",
    "topic",
    "region",
    "hold_seconds",
    "wrap_seconds",
    "transferred",
    "resolved_first_contact",
    "transcript",
    "imported_at",
)
