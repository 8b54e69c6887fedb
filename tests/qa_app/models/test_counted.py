"""'Counted evaluation' is one rule, defined on the model (issue 21): the
Python form, the two SQL forms and the partial indexes the database holds all
pick exactly the same evaluations, and no module of the application states
the rule a second time."""

import re
from itertools import product
from pathlib import Path

import pytest
import sqlalchemy as sa

from qa_app.extensions import db
from qa_app.models import EVALUATION_KINDS, EVALUATION_STATUSES, Evaluation
from qa_app.models.evaluation import (
    COUNTED_SQL,
    REVIEWER_KINDS,
    counted_clause,
    reviewers_own,
)
from qa_app.reviews import evaluations

COUNTED_INDEXES = ("ix_evaluations_counted_submitted", "ix_evaluations_counted_interaction")
APP = Path(__file__).resolve().parents[3] / "qa_app"
HOME = APP / "models" / "evaluation.py"


@pytest.fixture
def every_combination(users, make) -> dict[tuple[str, str], int]:
    """One evaluation per (status, kind) the schema allows: id by combination."""
    version = make.scorecard().versions[0]
    agent = users["agent"]
    ids = {}
    for status, kind in product(EVALUATION_STATUSES, EVALUATION_KINDS):
        evaluation = evaluations.new(
            make.interaction(agent),
            scorecard_version_id=version.id,
            reviewer_id=users["reviewer"].id,
            kind=kind,
            status=status,
            total=90.0,
        )
        db.session.add(evaluation)
        db.session.flush()
        ids[status, kind] = evaluation.id
    db.session.commit()
    return ids


def _index_predicate(name: str) -> str:
    """The WHERE of a partial index as the database itself stores it."""
    if db.engine.dialect.name == "sqlite":
        sql = db.session.scalar(
            sa.text("SELECT sql FROM sqlite_master WHERE type = 'index' AND name = :n"), {"n": name}
        )
        return sql.split(" WHERE ", 1)[1]
    return db.session.scalar(
        sa.text(
            "SELECT pg_get_expr(i.indpred, i.indrelid) FROM pg_index i "
            "JOIN pg_class c ON c.oid = i.indexrelid WHERE c.relname = :n"
        ),
        {"n": name},
    )


def test_python_sql_and_the_indexes_count_the_same_evaluations(every_combination):
    expected = {
        every_combination["submitted", "standard"],
        every_combination["submitted", "consensus"],
    }
    db.session.expire_all()
    loaded = db.session.scalars(db.select(Evaluation)).all()
    assert len(loaded) == len(EVALUATION_STATUSES) * len(EVALUATION_KINDS)
    python = {e.id for e in loaded if e.counted}
    mapped = set(db.session.scalars(db.select(Evaluation.id).where(Evaluation.counted)))
    table = Evaluation.__table__
    core = set(db.session.scalars(sa.select(table.c.id).where(counted_clause(table.c))))
    text = set(db.session.scalars(sa.text(f"SELECT id FROM evaluations WHERE {COUNTED_SQL}")))
    assert python == mapped == core == text == expected
    for name in COUNTED_INDEXES:  # built by the migrations, read back from the catalogue
        predicate = _index_predicate(name)
        query = sa.text(f"SELECT id FROM evaluations WHERE {predicate}")
        assert set(db.session.scalars(query)) == expected, name


def test_the_counted_column_is_false_not_null_for_every_other_combination(every_combination):
    flags = dict(db.session.execute(db.select(Evaluation.id, Evaluation.counted)).all())
    for (status, kind), id_ in every_combination.items():
        assert flags[id_] == (status == "submitted" and kind in ("standard", "consensus"))


def test_a_reviewers_own_work_is_the_standard_evaluations_among_the_counted(every_combination):
    table = Evaluation.__table__
    own = sa.select(table.c.id).where(counted_clause(table.c), reviewers_own(table.c))
    assert set(db.session.scalars(own)) == {every_combination["submitted", "standard"]}
    assert REVIEWER_KINDS == (
        "standard",
    )  # a consensus is the group's score, not the facilitator's


# --- a tenth copy cannot creep back ----------------------------------------------

RESTATEMENTS = {
    "the counted kinds as a literal": r"""["'](standard["']\s*,\s*["']consensus|"""
    r"""consensus["']\s*,\s*["']standard)["']""",
    "the counted kinds as SQL text": r"kind\s+IN\s*\(\s*'standard'",
    # (a closing bracket: the vocabulary of every kind, models/types.py, is no copy)
    "the calibration kinds as a literal": r"""["'](calibration["']\s*,\s*["']benchmark|"""
    r"""benchmark["']\s*,\s*["']calibration)["']\s*,?\s*\)""",
    "a kinds constant of its own": r"^[ \t]*(COUNTED|REVIEWED|REVIEWER|AGENT_VISIBLE|BLIND"
    r"|CALIBRATION)_KINDS\s*[:=]",
    "a counted clause built by hand": r"""status\s*[!=]=\s*["']submitted["'][\s,()]*"""
    r"""((and|or)\s+)?[\w.]*kind\s*(\.in_\(|\s(not\s+)?in\s+)[\w.]*COUNTED_KINDS""",
    "a counted clause built by hand, kind first": r"""kind\s*(\.in_\(|\s(not\s+)?in\s+)"""
    r"""[\w.]*COUNTED_KINDS\)?[\s,()]*((and|or)\s+)?[\w.]*status\s*[!=]=""",
}


def _restatements(root: Path) -> list[str]:
    found = []
    for path in sorted(root.rglob("*.py")):
        if path == HOME:
            continue
        text = path.read_text(encoding="utf-8")
        for what, pattern in RESTATEMENTS.items():
            for match in re.finditer(pattern, text, re.MULTILINE):
                line = text.count("\n", 0, match.start()) + 1
                found.append(f"{path.relative_to(root.parent)}:{line}: {what}")
    return found


# Left while another change rewrites qa_app/flags (its two coaching-label
# queries build the clause from the model's COUNTED_KINDS): at most these.
LEFT: dict[str, tuple[str, int]] = {}  # path: (what, how many may stay), for a hand-over


def test_no_module_restates_which_evaluations_count():
    found = _restatements(APP)
    for path, (what, most) in LEFT.items():
        left = [f for f in found if f.startswith(f"{path}:") and f.endswith(f": {what}")]
        assert len(left) <= most, left
        found = [f for f in found if f not in left]
    assert found == []


def test_the_restatement_check_sees_each_form(tmp_path):
    (tmp_path / "copy.py").write_text(
        'KINDS = ("standard", "consensus")\n'
        "COUNTED_KINDS = KINDS\n"
        'where(\n    Evaluation.status == "submitted",\n'
        "    Evaluation.kind.in_(COUNTED_KINDS),\n)\n"
        "ok = e.status == 'submitted' and e.kind in COUNTED_KINDS\n"
        "no = e.kind not in COUNTED_KINDS or e.status != 'submitted'\n"
        "raw = \"status = 'submitted' AND kind IN ('standard', 'consensus')\"\n"
        'blind = ("calibration", "benchmark")\n'
    )
    found = _restatements(tmp_path)
    assert len(found) == 8, found
