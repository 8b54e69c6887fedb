"""Names and definitions the reports look up: scorecard versions' families
and question texts, team and user names. Small reads by id, no aggregates."""

from __future__ import annotations

from dataclasses import dataclass
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
    for vid, facts in _version_facts(None):
        for family in FAMILIES:
            if family in facts.families:
                out[family].append(vid)
    return out


def question_texts(versions: list[tuple[int, Any]] | None = None) -> dict[str, str]:
    """Question key -> its text in the newest version that has it."""
    texts: dict[str, str] = {}
    for _vid, facts in _version_facts(versions):
        texts.update(facts.texts)
    return texts


@dataclass(frozen=True, slots=True)
class _Facts:
    texts: dict[str, str]
    families: frozenset[str]


_FACTS: dict[tuple, _Facts] = {}


def _version_facts(versions: list[tuple[int, Any]] | None) -> list[tuple[int, _Facts]]:
    """Each scorecard version's question texts and error families, in id order.

    Versions never change, so each definition is parsed once per process (keyed
    by id and publication time, like the evaluation service's cards): a page then
    reads only the versions' ids, not every definition; or not even those, when
    the filter form has read them (``versions``: every version's (id, publication
    time) in id order).
    """
    rows = versions
    if rows is None:
        rows = db.session.execute(
            sa.select(VERSIONS.c.id, VERSIONS.c.published_at).order_by(VERSIONS.c.id)
        ).all()
    if len(_FACTS) > 4096:
        _FACTS.clear()  # before reading what is missing, so none of rows is lost
    missing = {vid: at for vid, at in rows if (vid, at) not in _FACTS}
    if missing:
        query = sa.select(VERSIONS.c.id, VERSIONS.c.definition)
        for vid, definition in db.session.execute(query.where(VERSIONS.c.id.in_(missing))):
            questions = [
                q for section in (definition or {}).get("sections", [])
                for q in section.get("questions", [])
            ]  # fmt: skip
            _FACTS[(vid, missing[vid])] = _Facts(  # keyed as the caller read it
                texts={q["key"]: q.get("text", q["key"]) for q in questions},
                families=frozenset(q.get("error_family") for q in questions) - {None},
            )
    return [(vid, _FACTS[(vid, at)]) for vid, at in rows if (vid, at) in _FACTS]


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
