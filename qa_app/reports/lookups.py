"""Names and definitions the reports look up: scorecard versions' families
and question texts, team and user names, the filter bar's lists. Small reads,
no aggregates."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import pandas as pd
import sqlalchemy as sa
from flask import current_app

from qa_app.extensions import db
from qa_app.models import ScorecardVersion, Team, User
from qa_app.reports import results

FAMILIES = ("customer", "business", "compliance")
VERSIONS = ScorecardVersion.__table__
T = TypeVar("T")


def family_versions() -> dict[str, list[int]]:
    """Per family, the scorecard versions having at least one question of it."""
    out: dict[str, list[int]] = {f: [] for f in FAMILIES}
    for vid, questions in _version_questions():
        for family in FAMILIES:
            if any(q.get("error_family") == family for q in questions):
                out[family].append(vid)
    return out


def question_texts() -> dict[str, str]:
    """Question key -> its text in the newest version that has it."""
    return {q["key"]: q.get("text", q["key"]) for _, qs in _version_questions() for q in qs}


def _version_questions() -> list[tuple[int, list[dict]]]:
    """Each scorecard version's questions, in id order."""
    query = sa.select(VERSIONS.c.id, VERSIONS.c.definition).order_by(VERSIONS.c.id)
    return [
        (vid, [q for section in (definition or {}).get("sections", [])
               for q in section.get("questions", [])])
        for vid, definition in db.session.execute(query)
    ]  # fmt: skip


def filter_lists(read: Callable[[], T]) -> T:
    """The filter bar's lists (every team, agent, reviewer and scorecard), as
    ``read()`` gives them, stored for ``REPORT_FILTER_LIST_SECONDS``: a rename
    or a new team shows on the report pages within that time (0: at once)."""
    seconds = int(current_app.config["REPORT_FILTER_LIST_SECONDS"])
    return results.latest("filter-lists", (), read, seconds).value


def names(model: Any, ids: Any) -> dict[int, str]:
    wanted = sorted({int(i) for i in ids if i is not None and not pd.isna(i)})
    if not wanted:
        return {}
    rows = db.session.execute(sa.select(model.id, model.name).where(model.id.in_(wanted)))
    return {int(i): name for i, name in rows}


def team_names(ids: Any) -> dict[int, str]:
    return names(Team, ids)


def user_names(ids: Any) -> dict[int, str]:
    return names(User, ids)
