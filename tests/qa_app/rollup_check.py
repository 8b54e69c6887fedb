"""The report roll-ups kept by the write path equal a rebuild from scratch.

``rollups_equal_rebuild`` is an autouse fixture: the workflow suites (reviews,
feedback, calibration, interactions, reports) import it into their conftest, so
when each of their tests ends, whatever it wrote through the routes and
services (submit, edit, re-review, supersede, dispute overturn, consensus
publication, imports moving interactions, rolled-back writes) has left the
roll-ups exactly as ``rollups.rebuild`` would compute them. A test that changes
evaluations behind the services' back (backdating ``submitted_at``) says so
with ``rollups.track``, as the services do.

The same check holds every evaluation's copied team and channel equal to its
interaction's (``reviews.evaluations.new`` sets them, ``follow_interactions``
moves them with an import): the reports read them instead of joining.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import sqlalchemy as sa

from qa_app.extensions import db
from qa_app.models import Evaluation, Interaction
from qa_app.reports import rollups
from qa_app.reviews import evaluations


def stored() -> list[dict]:
    """Both roll-ups as they are, as {key: counts} per table."""
    out = []
    for table, keys, counts in rollups.SHAPES:
        rows = db.session.execute(sa.select(table)).mappings()
        out.append({tuple(r[k] for k in keys): tuple(r[c] for c in counts) for r in rows})
    return out


def recomputed() -> list[dict]:
    """Both roll-ups as ``rollups.rebuild`` would write them from the raw tables now."""
    conn = db.session.connection()
    out = []
    for (_, keys, counts), build in zip(rollups.SHAPES, rollups.BUILDERS, strict=True):
        rows = conn.execute(build(conn.dialect.name)).mappings()
        out.append({tuple(r[k] for k in keys): tuple(int(r[c]) for c in counts) for r in rows})
    return out


def assert_rollups_equal_rebuild() -> None:
    db.session.expire_all()
    kept = stored()
    assert kept == recomputed(), "the write path's roll-ups differ from a rebuild"
    assert all(counts[0] > 0 for table in kept for counts in table.values()), "an empty row"
    assert_evaluations_placed()


def assert_evaluations_placed() -> None:
    """Every evaluation's team and channel are its interaction's."""
    query = (
        sa.select(Evaluation.id, Interaction.id, Evaluation.team_id, Interaction.team_id,
                  Evaluation.channel, Interaction.channel)
        .join(Interaction, Interaction.id == Evaluation.interaction_id)
        .where(evaluations.moved(Evaluation, Interaction))
    )  # fmt: skip
    wrong = db.session.execute(query).all()
    assert wrong == [], "evaluations whose team or channel is not their interaction's"


@pytest.fixture(autouse=True)
def rollups_equal_rebuild(request: pytest.FixtureRequest) -> Iterator[None]:
    """After each test that has a database (checked before the app's teardown)."""
    if "app" not in request.fixturenames:
        yield
        return
    request.getfixturevalue("app")
    yield
    db.session.rollback()  # what the test committed is what must match
    assert_rollups_equal_rebuild()
