"""Names and definitions the reports look up: scorecard versions' families
and question texts, team and user names. Small reads by id, no aggregates."""

from __future__ import annotations

from typing import Any

import pandas as pd
import sqlalchemy as sa

from qa_app.extensions import db
from qa_app.models import ScorecardVersion, Team, User

FAMILIES = ("customer", "business", "compliance")
VERSIONS = ScorecardVersion.__table__


def family_versions() -> dict[str, list[int]]:
    """Per family, the scorecard versions having at least one question of it."""
    out: dict[str, list[int]] = {f: [] for f in FAMILIES}
    for vid, definition in db.session.execute(sa.select(VERSIONS.c.id, VERSIONS.c.definition)):
        present = {
            q.get("error_family")
            for s in (definition or {}).get("sections", [])
            for q in s.get("questions", [])
        }
        for family in FAMILIES:
            if family in present:
                out[family].append(vid)
    return out


def question_texts(versions: list[tuple[int, Any]] | None = None) -> dict[str, str]:
    """Question key -> its text in the newest version that has it.

    Versions never change, so each one's texts are parsed once per process
    (keyed by id and publication time, like the evaluation service's cards):
    the page then reads only the versions' ids, not every definition; or not
    even those, when the filter form has read them (``versions``: every
    version's (id, publication time) in id order).
    """
    texts: dict[str, str] = {}
    rows = versions
    if rows is None:
        rows = db.session.execute(
            sa.select(VERSIONS.c.id, VERSIONS.c.published_at).order_by(VERSIONS.c.id)
        ).all()
    missing = {vid: at for vid, at in rows if (vid, at) not in _TEXTS}
    if missing:
        if len(_TEXTS) > 4096:
            _TEXTS.clear()
        query = sa.select(VERSIONS.c.id, VERSIONS.c.definition)
        for vid, definition in db.session.execute(query.where(VERSIONS.c.id.in_(missing))):
            own = {}
            for section in (definition or {}).get("sections", []):
                for q in section.get("questions", []):
                    own[q["key"]] = q.get("text", q["key"])
            _TEXTS[(vid, missing[vid])] = own  # keyed as the caller read it
    for key in rows:
        texts.update(_TEXTS.get(tuple(key), {}))
    return texts


_TEXTS: dict[tuple, dict[str, str]] = {}


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
