"""Migration 0012_flag_cut stores each existing model's cut, as ``flagged`` measures it."""

from __future__ import annotations

import json

import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from qa_app.extensions import db
from qa_app.flags import flagged
from qa_app.models import FlagModel
from tests.qa_app.flags.support import load_interactions

MODEL = """INSERT INTO flag_models (target, version, status, active, metadata, metrics, error,
                                    created_at)
           VALUES ('escalation', :version, 'ready', :active, :meta, '{}', '', :at)"""
FLAG = """INSERT INTO flags (interaction_id, model_id, target, probability, reasons, created_at)
          VALUES (:i, :m, 'escalation', :p, '[]', :at)"""
AT = "2026-11-01"


def test_upgrading_stores_the_cut_of_every_existing_model(app, users):
    ids = load_interactions([users["agent"]], n=300)[:50]
    db.session.commit()
    db.session.close()
    downgrade(revision="0011_recordings")
    try:
        with db.engine.begin() as conn:
            for version, meta in ((1, {"budget": 0.1}), (2, {}), (3, {"budget": 0.5})):
                values = {"version": version, "active": version == 2, "meta": json.dumps(meta)}
                conn.execute(sa.text(MODEL), values | {"at": AT})
            models = dict(conn.execute(sa.text("SELECT version, id FROM flag_models")).all())
            # v1: 50 scores 0.01 .. 0.50; v2: 20 tied at 0.3; v3: none.
            scores = [(iid, models[1], (n + 1) / 100) for n, iid in enumerate(ids)]
            scores += [(iid, models[2], 0.3) for iid in ids[:20]]
            conn.execute(
                sa.text(FLAG),
                [{"i": iid, "m": model, "p": p, "at": AT} for iid, model, p in scores],
            )
    finally:
        upgrade()
    rows = {row.version: row for row in db.session.scalars(sa.select(FlagModel))}
    stored = {v: (r.cut_scored, r.cut_probability, r.cut_budget) for v, r in rows.items()}
    assert stored == {1: (50, 0.46, 0.1), 2: (20, 0.3, 0.05), 3: (0, None, 0.5)}
    for row in rows.values():  # what the application measures, and current
        assert flagged.is_current(row)
        assert flagged.measure(row.id, row.cut_budget) == (row.cut_scored, row.cut_probability)
