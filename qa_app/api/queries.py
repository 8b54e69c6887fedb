"""Reading evaluations and flags for the API: visibility, filters, keyset pages.

Pages are keyset pages, newest first, on (timestamp, id): a cursor names the
last row seen, so rows written while a client pages never shift or repeat the
rest. Which evaluations a caller sees is ``reviews.policy.visible_clause``:
``policy.can_view`` written as SQL (a test holds the two together).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import tuple_

from qa_app.extensions import db
from qa_app.flags import flagged
from qa_app.interactions.services import decode_cursor, encode_cursor
from qa_app.models import (
    Evaluation,
    Flag,
    Interaction,
    User,
)
from qa_app.reviews import policy


@dataclass
class Page:
    items: list[Any]
    next_cursor: str | None


def _keyset(query: Any, stamp: Any, id_col: Any, cursor: str | None, limit: int) -> Any:
    if cursor:
        query = query.where(tuple_(stamp, id_col) < decode_cursor(cursor))
    return query.order_by(stamp.desc(), id_col.desc()).limit(limit + 1)


def _page(rows: list[Any], limit: int, stamp_of) -> Page:
    more = len(rows) > limit
    rows = rows[:limit]
    last = rows[-1] if rows else None
    return Page(rows, encode_cursor(stamp_of(last), last.id) if more and last else None)


def evaluations(viewer: User, args: dict[str, Any]) -> Page:
    """Submitted evaluations ``viewer`` may see, newest submission first."""
    query = db.select(Evaluation).where(
        Evaluation.status == "submitted", policy.visible_clause(viewer)
    )
    for name in ("agent_id", "reviewer_id", "interaction_id", "kind"):
        if args.get(name) is not None:
            query = query.where(getattr(Evaluation, name) == args[name])
    if args.get("submitted_after"):
        query = query.where(Evaluation.submitted_at >= args["submitted_after"])
    if args.get("submitted_before"):
        query = query.where(Evaluation.submitted_at < args["submitted_before"])
    limit = args["limit"]
    query = _keyset(query, Evaluation.submitted_at, Evaluation.id, args.get("cursor"), limit)
    rows = list(db.session.scalars(query))
    return _page(rows, limit, lambda row: row.submitted_at)


def flags(args: dict[str, Any]) -> Page:
    """Flags newest first: by default exactly the Flagged queue's (scores of the
    active models within their threshold and budget, ``qa_app.flags.flagged``);
    with ``all_models`` every stored score of every model, flagged or not."""
    query = db.select(Flag)
    if not args.get("all_models"):
        query = query.where(flagged.condition(flagged.cuts()))
    if args.get("target"):
        query = query.where(Flag.target == args["target"])
    if args.get("interaction_id") is not None:
        query = query.where(Flag.interaction_id == args["interaction_id"])
    if args.get("min_probability") is not None:
        query = query.where(Flag.probability >= args["min_probability"])
    review = args.get("review")
    if review == "none":
        query = query.where(Flag.review.is_(None))
    elif review:
        query = query.where(Flag.review == review)
    if args.get("team_id") is not None or args.get("channel"):
        query = query.join(Interaction, Interaction.id == Flag.interaction_id)
        if args.get("team_id") is not None:
            query = query.where(Interaction.team_id == args["team_id"])
        if args.get("channel"):
            query = query.where(Interaction.channel == args["channel"])
    limit = args["limit"]
    query = _keyset(query, Flag.created_at, Flag.id, args.get("cursor"), limit)
    rows = list(db.session.scalars(query))
    return _page(rows, limit, lambda row: row.created_at)
