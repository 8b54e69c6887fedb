"""A small hand-built data set whose every report figure is worked out by hand
in the tests (see the comments at each evaluation)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from types import SimpleNamespace

import pytest

from qa_app.extensions import db
from qa_app.models import (
    Assignment,
    CalibrationSession,
    CoachingItem,
    CoachingSession,
    Dispute,
    Flag,
    FlagModel,
    SamplingRule,
    Team,
    utcnow,
)
from qa_app.reports import rollups
from qa_app.reviews import evaluations
from tests.qa_app.rollup_check import rollups_equal_rebuild  # noqa: F401  (autouse)

CARD = {
    "name": "Mini",
    "sections": [
        {
            "key": "a",
            "title": "A",
            "questions": [
                {"key": "greet", "text": "Greeted?", "kind": "yes_no", "points": 2},
                {
                    "key": "verify",
                    "text": "Verified identity?",
                    "kind": "yes_no",
                    "points": 2,
                    "allow_na": True,
                    "critical": {"scope": "scorecard", "fail_on": ["no"]},
                    "error_family": "compliance",
                },
                {
                    "key": "resolve",
                    "text": "Resolved?",
                    "kind": "yes_no",
                    "points": 4,
                    "error_family": "customer",
                },
            ],
        }
    ],
}
PLAIN = {
    "name": "Plain",
    "sections": [
        {
            "key": "b",
            "title": "B",
            "questions": [
                {"key": "greet", "text": "Greeted?", "kind": "yes_no", "points": 2,
                 "allow_na": True},
                {"key": "polite", "text": "Polite?", "kind": "yes_no", "points": 2,
                 "allow_na": True},
            ],
        }
    ],
}  # fmt: skip
PERIOD = {"date_from": "2026-11-01", "date_to": "2026-12-31"}


def at(day: str, hour: int = 10) -> datetime:
    return datetime.fromisoformat(day).replace(hour=hour, tzinfo=UTC)


def evaluate(make, reviewer, agent, card, answers, *, when, seconds=0, channel="call",
             kind="standard", session=None, started="2026-11-02"):  # fmt: skip
    item = make.interaction(agent, channel=channel, started_at=at(started, 9))
    version = card.versions[0]
    ev = evaluations.start(reviewer, item, version, kind=kind, calibration_session_id=session)
    evaluations.save(reviewer, ev, answers, lock_version=ev.lock_version, submit=True)
    rollup = rollups.track(db.session, [ev])  # backdated: its answers move to that day
    ev.submitted_at, ev.time_spent_seconds = when, seconds
    rollup.settle()
    db.session.commit()
    return ev


@pytest.fixture
def data(make, users):
    """Seven counted evaluations E1..E6, E9 (+ a benchmark and a draft that never count)."""
    card, plain = make.scorecard(CARD), make.scorecard(PLAIN)
    support = db.session.get(Team, users["agent"].team_id)
    sales = make.team("Sales")
    a1, a2 = users["agent"], make.user("agent", team=sales, name="Bea Agent")
    r1, r2 = users["reviewer"], make.user("reviewer", team=support, name="Rob Reviewer")
    yes3 = {"greet": "yes", "verify": "yes", "resolve": "yes"}
    ev = SimpleNamespace(card=card, plain=plain, support=support, sales=sales, a1=a1, a2=a2,
                         r1=r1, r2=r2)  # fmt: skip
    # E1 100 (T1 call, week 11-02), E2 75 (greet lost), E9 undefined (all N/A)
    ev.e1 = evaluate(make, r1, a1, card, yes3, when=at("2026-11-02"), seconds=300)
    ev.e2 = evaluate(make, r2, a1, card, yes3 | {"greet": "no"}, when=at("2026-11-03"),
                     seconds=600)  # fmt: skip
    ev.e9 = evaluate(make, r2, a1, plain, {"greet": "na", "polite": "na"}, when=at("2026-11-05"),
                     seconds=450, channel="email")  # fmt: skip
    # E3 auto-failed 0 (compliance error), E4 2/6 = 33.3 (customer error), E6 2/4 = 50
    ev.e3 = evaluate(make, r1, a2, card, yes3 | {"verify": "no"}, when=at("2026-11-10"),
                     seconds=900, channel="chat")  # fmt: skip
    ev.e4 = evaluate(make, r1, a2, card, {"greet": "yes", "verify": "na", "resolve": "no"},
                     when=at("2026-11-11"), seconds=1200, channel="chat")  # fmt: skip
    ev.e6 = evaluate(make, r2, a2, plain, {"greet": "yes", "polite": "no"}, when=at("2026-11-12"),
                     seconds=600, channel="chat")  # fmt: skip
    # E5 4/6 = 66.7 (T1 call, week 11-30, month 12)
    ev.e5 = evaluate(make, r1, a1, card, {"greet": "no", "verify": "na", "resolve": "yes"},
                     when=at("2026-12-01"), seconds=300)  # fmt: skip
    # Never counted: a benchmark outside any session, and a draft.
    evaluate(make, r2, a1, card, {"greet": "no", "verify": "no", "resolve": "no"},
             when=at("2026-11-04"), kind="benchmark")  # fmt: skip
    evaluations.start(r1, make.interaction(a1), card.versions[0])
    _disputes(ev)
    _calibration(make, users, ev, yes3)
    _operations(make, ev)
    _coaching(ev)
    return ev


def _disputes(ev):
    resolved = {"status": "resolved", "resolved_at": at("2026-11-20")}
    db.session.add_all([
        Dispute(evaluation_id=ev.e2.id, agent_id=ev.a1.id, outcome="overturned", **resolved),
        Dispute(evaluation_id=ev.e3.id, agent_id=ev.a2.id, outcome="upheld", **resolved),
        Dispute(evaluation_id=ev.e4.id, agent_id=ev.a2.id),
    ])  # fmt: skip
    db.session.commit()


def _calibration(make, users, ev, yes3):
    """Benchmark X1 100, X2 75; R1 75 and 75 (deviations -25, 0: MAD 12.5); R2 100, 75 (0)."""
    session = CalibrationSession(title="November calibration",
                                 scorecard_version_id=ev.card.versions[0].id,
                                 facilitator_id=users["executive"].id)  # fmt: skip
    db.session.add(session)
    db.session.commit()
    lost = yes3 | {"greet": "no"}
    plan = [(users["executive"], "benchmark", yes3, lost), (ev.r1, "calibration", lost, lost),
            (ev.r2, "calibration", yes3, lost)]  # fmt: skip
    x1 = make.interaction(ev.a2, started_at=at("2026-10-20"))
    x2 = make.interaction(ev.a2, started_at=at("2026-10-20"))
    for rater, kind, first, second in plan:
        for item, answers in ((x1, first), (x2, second)):
            e = evaluations.start(rater, item, ev.card.versions[0], kind=kind,
                                  calibration_session_id=session.id)  # fmt: skip
            evaluations.save(rater, e, answers, lock_version=e.lock_version, submit=True)
    session.status, session.revealed_at = "revealed", at("2026-11-20")
    session.results = {"alpha": {"nominal": {"value": 0.42}},
                       "reviewers": [{"name": ev.r1.name, "outlier": True}]}  # fmt: skip
    db.session.commit()


def _operations(make, ev):
    old = at("2026-10-01")
    now = utcnow()
    for due in (
        now - timedelta(days=2),
        now + timedelta(minutes=5),
        now + timedelta(days=30),
        None,
    ):
        db.session.add(Assignment(interaction_id=make.interaction(ev.a1, started_at=old).id,
                                  reviewer_id=ev.r1.id, due_at=due,
                                  scorecard_version_id=ev.card.versions[0].id))  # fmt: skip
    make.interaction(ev.a2, started_at=at("2026-10-15"))  # outside the period
    db.session.add_all([
        SamplingRule(name="Weekly", scorecard_id=ev.card.id, per_agent=4, period_days=7),
        SamplingRule(name="Sales extra", scorecard_id=ev.card.id, per_agent=1, period_days=61,
                     filters={"team_id": ev.sales.id}),
        SamplingRule(name="Paused", scorecard_id=ev.card.id, per_agent=9, active=False),
    ])  # fmt: skip
    # Flags (qa_app.flags.flagged): the active model's scores at or above its threshold.
    model = FlagModel(target="escalation", version=1, status="ready", active=True,
                      meta={"flag_threshold": 0.5, "budget": 1.0})  # fmt: skip
    retired = FlagModel(target="escalation", version=2, status="ready",
                        meta={"flag_threshold": 0.0, "budget": 1.0})  # fmt: skip
    db.session.add_all([model, retired])
    db.session.flush()
    scores = [(ev.e1, model, 0.9, "confirmed"), (ev.e2, model, 0.9, "dismissed"),
              (ev.e3, model, 0.9, None), (ev.e4, model, 0.2, "confirmed"),
              (ev.e4, retired, 0.9, "confirmed")]  # fmt: skip
    for evaluation, scorer, probability, review in scores:
        db.session.add(Flag(interaction_id=evaluation.interaction_id, model_id=scorer.id,
                            target="escalation", probability=probability, review=review,
                            created_at=at("2026-11-05")))  # fmt: skip
    db.session.commit()


def _coaching(ev):
    """A1 coached on 2026-11-04 on greet: before E1 yes, E2 no (50 %); after E5 no (0 %)."""
    session = CoachingSession(agent_id=ev.a1.id, coach_id=ev.r1.id, held_on=date(2026, 11, 4),
                              focus_questions=["greet"])  # fmt: skip
    due = date(2026, 11, 10)
    session.items = [
        CoachingItem(text="Greet by name", due_on=due),
        CoachingItem(text="Done one", due_on=due, done_at=at("2026-11-09")),
    ]
    db.session.add(session)
    db.session.commit()
