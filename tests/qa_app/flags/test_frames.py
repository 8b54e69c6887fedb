"""Interaction rows -> the flagging frame, and where its labels come from."""

from __future__ import annotations

import math
from datetime import UTC, date, datetime

from qa_app.extensions import db
from qa_app.flags import frames
from qa_app.reviews import evaluations
from tests.qa_app.flags.support import add_flag, add_model


def _evaluation(make, users, interaction, version, **fields):
    values = {"status": "submitted", "kind": "standard", "total": 90.0,
              "submitted_at": datetime(2026, 11, 3, tzinfo=UTC)}  # fmt: skip
    values.update(fields)
    evaluation = evaluations.new(
        interaction, scorecard_version_id=version.id, reviewer_id=users["reviewer"].id, **values
    )
    db.session.add(evaluation)
    db.session.commit()
    return evaluation


def _labels(target):
    frame, from_reviews = frames.training_frame(target)
    column = frames.LABEL_COLUMNS[target]
    return dict(zip(frame["external_id"], frame[column], strict=True)), from_reviews


def test_escalation_labels_leave_unknown_out(app, users, make):
    agent = users["agent"]
    make.interaction(agent, external_id="yes", escalated=True)
    make.interaction(agent, external_id="no", escalated=False)
    make.interaction(agent, external_id="unknown", escalated=None)
    labels, from_reviews = _labels("escalation")
    assert labels == {"yes": 1.0, "no": 0.0} and from_reviews == 0


def test_coaching_labels_from_counted_evaluations(app, users, make):
    version = make.scorecard().versions[0]
    agent = users["agent"]
    cases = {
        "critical": {"critical_families": ["compliance"], "total": 95.0},
        "autofail": {"auto_failed": True, "total": 0.0},
        "low": {"total": 79.9},
        "good": {"total": 80.0},
        "draft": {"status": "draft", "total": 10.0},
        "calibration": {"kind": "calibration", "total": 10.0},
        "undefined": {"total": None},
    }
    for name, fields in cases.items():
        _evaluation(make, users, make.interaction(agent, external_id=name), version, **fields)
    make.interaction(agent, external_id="never-reviewed")
    relabelled = make.interaction(agent, external_id="latest-wins")
    _evaluation(make, users, relabelled, version, total=50.0,
                submitted_at=datetime(2026, 11, 1, tzinfo=UTC))  # fmt: skip
    _evaluation(make, users, relabelled, version, total=99.0)
    labels, _ = _labels("coaching")
    known = {k: v for k, v in labels.items() if not math.isnan(v)}
    assert known == {"critical": 1.0, "autofail": 1.0, "low": 1.0, "good": 0.0, "latest-wins": 0.0}
    assert "draft" not in labels and "calibration" not in labels
    assert "never-reviewed" not in labels
    app.config["COACHING_THRESHOLD"] = 99.5
    labels, _ = _labels("coaching")
    assert labels["good"] == 1.0 and labels["latest-wins"] == 1.0


def test_reviewers_answers_override_and_add_labels(app, users, make):
    agent, reviewer = users["agent"], users["reviewer"]
    model = add_model(data=b"not needed")
    reviewed_at = datetime(2026, 11, 5, tzinfo=UTC)
    overridden_up = make.interaction(agent, external_id="up", escalated=False)
    overridden_down = make.interaction(agent, external_id="down", escalated=True)
    added = make.interaction(agent, external_id="added", escalated=None)
    unreviewed = make.interaction(agent, external_id="plain", escalated=True)
    for interaction, review in ((overridden_up, "confirmed"), (overridden_down, "dismissed"),
                                (added, "confirmed")):  # fmt: skip
        add_flag(interaction, model, 0.9, review=review, reviewed_by_id=reviewer.id,
                 reviewed_at=reviewed_at)  # fmt: skip
    add_flag(unreviewed, model, 0.9)
    labels, from_reviews = _labels("escalation")
    assert labels == {"up": 1.0, "down": 0.0, "added": 1.0, "plain": 1.0}
    assert from_reviews == 3
    coaching, _ = _labels("coaching")
    assert coaching == {}  # escalation answers are not coaching labels


def test_frame_columns_tenure_metadata_and_repeat_contacts(app, users, make):
    agent = users["agent"]
    agent.hired_on = date(2025, 11, 2)
    db.session.commit()
    meta = {"hold_seconds": 200, "queue": "B-1", "nested": {"x": 1}}
    first = make.interaction(
        agent, customer_ref="c1", started_at=datetime(2026, 10, 20, tzinfo=UTC), meta=meta
    )
    make.interaction(
        agent,
        customer_ref="c1",
        started_at=datetime(2026, 10, 25, tzinfo=UTC),
        meta={"escalated": "sneaky"},
    )
    third = make.interaction(agent, customer_ref="c1", started_at=datetime(2026, 11, 2, tzinfo=UTC))
    old = make.interaction(agent, customer_ref="c1", started_at=datetime(2026, 8, 1, tzinfo=UTC))
    (frame,) = list(frames.stream(ids=[third.id, first.id, old.id]))
    by_id = frame.set_index("external_id")
    assert list(frame["interaction_id"]) == sorted([third.id, first.id, old.id])
    # the second contact is not in this chunk but still counts: read from the table
    assert by_id.loc[third.external_id, "prior_contacts_30d"] == 2
    assert by_id.loc[first.external_id, "prior_contacts_30d"] == 0
    assert by_id.loc[old.external_id, "prior_contacts_30d"] == 0
    assert round(by_id.loc[third.external_id, "tenure_months"]) == 12
    assert by_id.loc[first.external_id, "hold_seconds"] == 200
    assert by_id.loc[first.external_id, "queue"] == "B-1"
    assert "nested" not in frame.columns
    assert by_id.loc[third.external_id, "team"] == "Support"
    assert frame["escalated"].isna().all()  # metadata never overwrites a label


def test_streaming_in_small_chunks_gives_the_same_rows(app, users, make):
    for _ in range(5):
        make.interaction(users["agent"], escalated=True)
    chunks = list(frames.stream(chunk=2))
    assert [len(c) for c in chunks] == [2, 2, 1]
    ids = [i for c in chunks for i in c["interaction_id"]]
    assert ids == sorted(ids) and len(set(ids)) == 5


def test_the_imports_measure_columns_are_features_like_metadata_was(app, users, make):
    agent = users["agent"]
    make.interaction(agent, external_id="m", escalated=True, hold_seconds=90, topic="billing",
                     transferred=True, meta={"queue": "Q7", "hold_seconds": 5})  # fmt: skip
    make.interaction(agent, external_id="n", escalated=False)
    frame, _ = frames.training_frame("escalation")
    row = frame.set_index("external_id").loc["m"]
    # The column wins over a stale metadata value; booleans become numbers.
    assert (row["hold_seconds"], row["topic"], row["transferred"], row["queue"]) == (
        90,
        "billing",
        1.0,
        "Q7",
    )
    assert math.isnan(frame.set_index("external_id").loc["n", "hold_seconds"])
