"""/api/v1/flags: what the flagging models raised, newest first."""

from __future__ import annotations

from typing import Any

from marshmallow import RAISE

from qa_app.access import roles_required
from qa_app.api import queries, schemas
from qa_app.api.blueprint import Blueprint
from qa_app.api.errors import fail
from qa_app.interactions.services import CursorError

blp = Blueprint(
    "api_flags",
    __name__,
    url_prefix="/api/v1/flags",
    description="Flags: interactions a model thinks need a human look.",
)
READERS = ("admin", "executive", "reviewer")  # as the Flagged queue


@blp.route("", methods=["GET"], endpoint="list")
@roles_required(*READERS)
@blp.arguments(schemas.FlagQuery, location="query", unknown=RAISE)
@blp.response(200, schemas.FlagPage)
def list_(args: dict[str, Any]):
    """Flags with their probability and reasons, filtered; cursor pages."""
    try:
        page = queries.flags(args)
    except CursorError:
        fail(400, "The cursor is not valid; start again without one.", code="invalid_cursor")
    return {"items": page.items, "next_cursor": page.next_cursor}
