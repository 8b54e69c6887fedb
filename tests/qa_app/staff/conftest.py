"""A hand-built October 2026 (and September) whose every staff-review figure
is worked out by hand in the comments."""

from __future__ import annotations

from datetime import UTC, datetime
from types import SimpleNamespace

import pytest

from qa_app.extensions import db
from qa_app.models import Dispute, Team
from qa_app.reviews import evaluations


def at(day: str, hour: int = 10) -> datetime:
    return datetime.fromisoformat(day).replace(hour=hour, tzinfo=UTC)


def evaluation(make, reviewer, item, version, total, *, when, kind="standard", status="submitted"):
    ev = evaluations.new(
        item,
        scorecard_version_id=version.id,
        reviewer_id=reviewer.id,
        kind=kind,
        status=status,
        total=total,
        submitted_at=when,
    )
    db.session.add(ev)
    db.session.commit()
    return ev


@pytest.fixture
def october(make, users):
    """Agent Ann (team Support) and Ben (team Support), Cat (team Sales).

    Ann, October: four contacts
      a1 call k1 10-05, talk 300 + hold 60 + wrap 40 = 400 s; k1 calls back by
         chat (to Ben) on 10-08: not resolved at first contact.
      a2 call k2 10-10, 200 s; k2's next contact is 10-20 (10 days): resolved.
      a3 email k3 10-12, 100 + wrap 20 = 120 s; explicit resolved_first_contact
         false wins (no repeat seen).
      a4 call, no customer, 500 s: FCR unknown.
      AHT (400 + 200 + 120 + 500) / 4 = 305 s; FCR 1 of 3; CSAT 5, 2 (n = 2: greyed).
    Ben, October: b1 chat k1 10-08 and b2 call k2 10-20 (both resolved), plus ten
      calls with CSAT 5 5 4 4 4 3 2 5 1 4: mean 3.7, top-2-box 7/10 = 70 %.
    Ann, September: one call of 100 s, CSAT 4.
    QA: Ann 80 and 90 (counted), a draft of 10 and a calibration 0 (never counted).
    """
    support = db.session.get(Team, users["agent"].team_id)
    sales = make.team("Sales")
    ann = users["agent"]
    ann.name = "Ann Agent"
    ben = make.user("agent", team=support, name="Ben Agent")
    cat = make.user("agent", team=sales, name="Cat Agent")
    c = SimpleNamespace(support=support, sales=sales, ann=ann, ben=ben, cat=cat)
    c.a1 = make.interaction(ann, customer_ref="k1", started_at=at("2026-10-05"),
                            duration_seconds=300, hold_seconds=60, wrap_seconds=40, csat=5,
                            topic="billing", region="north", escalated=True)  # fmt: skip
    c.a2 = make.interaction(ann, customer_ref="k2", started_at=at("2026-10-10"),
                            duration_seconds=200, csat=2, topic="delivery", region="south",
                            escalated=False, transferred=True)  # fmt: skip
    c.a3 = make.interaction(ann, customer_ref="k3", started_at=at("2026-10-12"), channel="email",
                            duration_seconds=100, wrap_seconds=20,
                            resolved_first_contact=False)  # fmt: skip
    c.a4 = make.interaction(ann, started_at=at("2026-10-14"), duration_seconds=500)
    c.b1 = make.interaction(ben, customer_ref="k1", started_at=at("2026-10-08"), channel="chat",
                            duration_seconds=100, topic="returns")  # fmt: skip
    c.b2 = make.interaction(ben, customer_ref="k2", started_at=at("2026-10-20"),
                            duration_seconds=100)  # fmt: skip
    for n, score in enumerate([5, 5, 4, 4, 4, 3, 2, 5, 1, 4]):
        make.interaction(ben, started_at=at(f"2026-10-{n + 2:02d}", 15), duration_seconds=60,
                         csat=score, escalated=False)  # fmt: skip
    make.interaction(cat, customer_ref="k9", started_at=at("2026-10-03"), duration_seconds=90)
    c.sep = make.interaction(ann, started_at=at("2026-09-15"), duration_seconds=100, csat=4)
    version = make.scorecard().versions[0]
    reviewer = users["reviewer"]
    evaluation(make, reviewer, c.a1, version, 80.0, when=at("2026-10-06"))
    c.disputed = evaluation(make, reviewer, c.a2, version, 90.0, when=at("2026-10-11"))
    evaluation(make, reviewer, c.a3, version, 10.0, when=at("2026-10-13"), status="draft")
    evaluation(make, reviewer, c.a3, version, 0.0, when=at("2026-10-13"), kind="calibration")
    evaluation(make, reviewer, c.sep, version, 60.0, when=at("2026-09-16"))
    db.session.add(Dispute(evaluation_id=c.disputed.id, agent_id=ann.id, reason="unfair",
                           created_at=at("2026-10-12")))  # fmt: skip
    db.session.commit()
    return c
