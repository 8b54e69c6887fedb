"""Review cycles: a recurring rule samples each period exactly once, however
many workers run the due-cycles task at the same moment, holds the quota per
agent per period, catches up once after a stop, carries unfinished work over
or cancels it, lets a lead swap a contact, and shows reviewers their goal."""

from __future__ import annotations

import re
import threading
from collections import Counter
from datetime import UTC, datetime, time, timedelta
from html import unescape

import pytest
from sqlalchemy import func, insert, select

from qa_app.extensions import db
from qa_app.jobs import queue
from qa_app.models import (
    Assignment,
    AuditEvent,
    Evaluation,
    Interaction,
    ReviewCycleRun,
    SamplingRule,
    utcnow,
)
from qa_app.reviews import cycles, evaluations
from tests.qa_app.feedback.conftest import CARD, GOOD
from tests.qa_app.helpers import post_form

MONDAY = datetime(2026, 11, 2, 6, 0, tzinfo=UTC)  # a weekly cycle's boundary
WEEKS = 8
QUOTA = 2


def _weekly_rule(make, users, agents, *, weeks=WEEKS, carry_over=True, goals=None):
    """A weekly cycle at 06:00 UTC on Mondays, set just after MONDAY, and
    three contacts per agent per day for ``weeks`` weeks from MONDAY."""
    card = make.scorecard(CARD)
    db.session.execute(
        insert(Interaction),
        [
            {"source": "test", "external_id": f"cyc-{agent.id}-{day}-{hour}", "channel": "call",
             "agent_id": agent.id, "team_id": agent.team_id, "duration_seconds": 300,
             "started_at": MONDAY + timedelta(days=day, hours=hour - 6), "transcript": []}
            for agent in agents for day in range(weeks * 7) for hour in (7, 12, 16)
        ],
    )  # fmt: skip
    reviewers = [users["reviewer"], users["executive"]]
    rule = SamplingRule(
        name="Weekly calls",
        scorecard_id=card.id,
        per_agent=QUOTA,
        reviewer_ids=[r.id for r in reviewers],
        recurrence="weekly",
        run_at=time(6, 0),
        time_zone="UTC",
        cycle_since=MONDAY + timedelta(minutes=1),
        carry_over=carry_over,
        reviewer_goals=goals if goals is not None else {str(users["reviewer"].id): 3},
    )
    db.session.add(rule)
    db.session.commit()
    return rule


@pytest.fixture
def agents(make, users):
    return [users["agent"], *(make.user("agent", team=users["agent"].team) for _ in range(2))]


def _workers_tick(app, now: datetime, monkeypatch) -> None:
    """Two job workers run the periodic task at the same instant, each in its
    own thread, application context and database session."""
    monkeypatch.setattr(cycles, "utcnow", lambda: now)
    queue.of(app)  # built, with its tasks registered
    run_due_cycles = app.extensions["huey.tasks"][queue.CYCLES_TASK]
    start = threading.Barrier(2)
    failures: list[BaseException] = []

    def work() -> None:
        try:
            start.wait(10)
            run_due_cycles.call_local()
        except BaseException as exc:  # pragma: no cover - reported below
            failures.append(exc)

    threads = [threading.Thread(target=work) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not failures, failures
    db.session.expire_all()


def test_two_workers_over_eight_weeks_sample_every_period_exactly_once(
    app, make, users, agents, monkeypatch
):
    _weekly_rule(make, users, agents)
    # Each week: a tick before the run time (nothing due), two after it.
    for week in range(1, WEEKS + 1):
        boundary = MONDAY + timedelta(weeks=week)
        for now in (boundary - timedelta(minutes=1), boundary, boundary + timedelta(hours=3)):
            _workers_tick(app, now, monkeypatch)

    runs = db.session.scalars(select(ReviewCycleRun).order_by(ReviewCycleRun.period_start)).all()
    assert [r.period_start for r in runs] == [MONDAY + timedelta(weeks=w) for w in range(WEEKS)]
    assignments = db.session.scalars(select(Assignment)).all()
    assert len({a.interaction_id for a in assignments}) == len(assignments) == WEEKS * 3 * QUOTA
    per_run_and_agent = Counter((a.cycle_run_id, a.interaction.agent_id) for a in assignments)
    assert set(per_run_and_agent.values()) == {QUOTA}
    assert len(per_run_and_agent) == WEEKS * len(agents)
    period = {r.id: (r.period_start, r.period_end) for r in runs}
    for a in assignments:
        start, end = period[a.cycle_run_id]
        assert start <= a.interaction.started_at < end
    # Nothing was finished, so each run carried the earlier cycles' work over.
    assert [r.carried for r in runs] == [6 * w for w in range(WEEKS)]
    assert (
        db.session.scalar(
            select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "cycle.run")
        )
        == WEEKS
    )


def test_a_missed_run_catches_up_once_for_the_latest_period(app, make, users, agents):
    rule = _weekly_rule(make, users, agents, weeks=4)
    assert cycles.run_due(MONDAY + timedelta(days=3)) == []  # the first week has not ended
    # Workers were down for four weeks; the first tick afterwards.
    late = MONDAY + timedelta(weeks=4, hours=2)
    made = cycles.run_due(late)
    assert [(r.rule_id, r.period_start) for r in made] == [(rule.id, MONDAY + timedelta(weeks=3))]
    assert cycles.run_due(late + timedelta(minutes=1)) == []
    assert db.session.scalar(select(func.count()).select_from(ReviewCycleRun)) == 1
    assert db.session.scalar(select(func.count()).select_from(Assignment)) == 3 * QUOTA


def test_the_quota_counts_what_a_run_by_hand_already_took_in_the_period(app, make, users, agents):
    rule = _weekly_rule(make, users, agents, weeks=1)
    first = db.session.scalars(select(SamplingRule.id)).first()
    taken = db.session.scalar(
        select(func.min(Assignment.id))
    )  # none yet: assign one contact of the first agent by hand
    assert first == rule.id and taken is None
    contact = next(i for i in _contacts(agents[0]) if i.started_at >= MONDAY)
    db.session.add(Assignment(interaction_id=contact.id, reviewer_id=users["reviewer"].id,
                              scorecard_version_id=rule.scorecard.versions[0].id))  # fmt: skip
    db.session.commit()
    (run,) = cycles.run_due(MONDAY + timedelta(weeks=1, minutes=1))
    per_agent = Counter(
        a.interaction.agent_id for a in db.session.scalars(select(Assignment)).all()
    )
    assert per_agent == {a.id: QUOTA for a in agents} and run.created == 3 * QUOTA - 1


def _contacts(agent):
    return db.session.scalars(
        select(Interaction).where(Interaction.agent_id == agent.id).order_by(Interaction.id)
    ).all()


def test_without_carry_over_unfinished_work_is_cancelled_and_its_draft_kept(
    app, make, users, agents
):
    rule = _weekly_rule(make, users, agents, weeks=2, carry_over=False)
    cycles.run_due(MONDAY + timedelta(weeks=1))
    mine = db.session.scalars(
        select(Assignment).where(Assignment.reviewer_id == users["reviewer"].id)
    ).all()
    draft = evaluations.start(
        users["reviewer"], mine[0].interaction, mine[0].scorecard_version, assignment=mine[0]
    )
    (second,) = cycles.run_due(MONDAY + timedelta(weeks=2))
    db.session.expire_all()
    assert second.cancelled == 3 * QUOTA and second.carried == 0
    assert db.session.get(Assignment, mine[0].id).status == "cancelled"
    kept = db.session.get(Evaluation, draft.id)
    assert kept.status == "superseded" and "ended with its review cycle" in kept.closed_reason
    open_now = db.session.scalars(select(Assignment).where(Assignment.status == "open")).all()
    assert {a.cycle_run_id for a in open_now} == {second.id}
    assert rule.carry_over is False


def test_goals_spread_the_work_and_show_on_the_reviewers_home(app, make, users, agents, client_as):
    goals = {str(users["reviewer"].id): 4, str(users["executive"].id): 2}
    _weekly_rule(make, users, agents, weeks=1, goals=goals)
    now = MONDAY + timedelta(weeks=1, minutes=5)
    (run,) = cycles.run_due(now)
    assert run.created == 6
    per_reviewer = Counter(a.reviewer_id for a in db.session.scalars(select(Assignment)))
    assert per_reviewer == {users["reviewer"].id: 4, users["executive"].id: 2}
    first = db.session.scalars(
        select(Assignment).where(Assignment.reviewer_id == users["reviewer"].id)
    ).first()
    draft = evaluations.start(
        users["reviewer"], first.interaction, first.scorecard_version, assignment=first
    )
    evaluations.save(users["reviewer"], draft, GOOD, lock_version=draft.lock_version, submit=True)
    from qa_app.main import services as home

    # Submitted now: it counts in the cycle in progress now, not in the next one.
    (goal,) = home.today(users["reviewer"]).cycles
    assert (goal.rule_name, goal.done, goal.goal, goal.left) == ("Weekly calls", 1, 4, 3)
    (later,) = home.today(users["reviewer"], utcnow() + timedelta(weeks=1)).cycles
    assert later.done == 0
    html = unescape(client_as("reviewer").get("/").get_data(as_text=True))
    assert 'data-testid="week"' not in html  # the cycle's goal replaces the weekly one
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))
    assert re.search(r"Weekly calls: 1 of 4 evaluations submitted since \w+ \d\d \w+", text)
    agent_home = client_as("agent").get("/").get_data(as_text=True)
    assert "cycle-goal" not in agent_home


def test_a_lead_swaps_an_assignment_for_another_contact_of_the_same_agent_and_period(
    app, make, users, agents, client_as
):
    rule = _weekly_rule(make, users, agents, weeks=2)
    cycles.run_due(MONDAY + timedelta(weeks=1))
    assignment = db.session.scalars(select(Assignment).order_by(Assignment.id)).first()
    agent_id = assignment.interaction.agent_id
    other_agent = next(a for a in agents if a.id != agent_id)
    next_week = next(
        i for i in _contacts(other_agent) if i.started_at >= MONDAY + timedelta(weeks=1)
    )
    taken = db.session.scalars(
        select(Assignment.interaction_id).where(Assignment.id != assignment.id)
    ).all()
    lead = client_as("executive")
    page = lead.get(f"/reviews/assignments/{assignment.id}/swap").get_data(as_text=True)
    choices = [
        int(i) for i in re.findall(r'name="interaction_id" id="swap-\d+" value="(\d+)"', page)
    ]
    assert len(choices) == 7 * 3 - QUOTA  # the agent's week, less what the cycle took
    url = f"/reviews/assignments/{assignment.id}/swap"
    for bad, status, message in [
        ({}, 422, "Choose the contact to review instead."),
        ({"interaction_id": "x"}, 422, "Not a valid integer value."),
        ({"interaction_id": next_week.id}, 422, "same agent, from the same period"),
        ({"interaction_id": taken[0]}, 422, "nobody has taken"),
    ]:
        response = post_form(lead, url, bad)
        assert response.status_code == status and message in unescape(
            response.get_data(as_text=True)
        )
    assert db.session.get(Assignment, assignment.id).status == "open"  # nothing half-stored
    assert client_as("reviewer").get(url).status_code == 403
    response = post_form(lead, url, {"interaction_id": choices[0]})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Assignment, assignment.id).status == "cancelled"
    replacement = db.session.scalar(
        select(Assignment).where(Assignment.interaction_id == choices[0])
    )
    assert replacement.interaction.agent_id == agent_id
    assert (replacement.reviewer_id, replacement.cycle_run_id, replacement.due_at) == (
        assignment.reviewer_id,
        assignment.cycle_run_id,
        assignment.due_at,
    )
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "assignment.swapped"))
    assert event.after["interaction_id"] == choices[0] and event.entity_id == assignment.id
    again = post_form(lead, url, {"interaction_id": choices[1]})
    assert again.status_code == 409 and "Only open assignments" in again.get_data(as_text=True)
    assert rule.per_agent == QUOTA


def test_the_rule_form_sets_a_cycle_and_refuses_bad_input_clearly(app, make, users, client_as):
    card = make.scorecard(CARD)
    lead = client_as("executive")
    base = {"name": "Daily chats", "scorecard_id": card.id, "per_agent": 3, "period_days": 7,
            "mode": "random", "team_id": 0, "channel": "", "reviewer_ids": [users["reviewer"].id],
            "due_days": 2}  # fmt: skip
    wrong = {"recurrence": "daily", "run_at": "25:00", "time_zone": "Mars/Olympus", "goal": "0"}
    bad = post_form(lead, "/reviews/rules/new", base | wrong)
    text = unescape(bad.get_data(as_text=True))
    assert bad.status_code == 422
    assert "Not a valid time value." in text
    assert "Unknown time zone 'Mars/Olympus'; use a name such as Europe/Paris." in text
    assert "Number must be between 1 and 10000." in text
    assert db.session.scalar(select(func.count()).select_from(SamplingRule)) == 0
    made = post_form(lead, "/reviews/rules/new", base | {
        "recurrence": "daily", "run_at": "07:30", "time_zone": "Europe/Paris", "goal": "20",
        f"goal_{users['reviewer'].id}": "25", "carry_over": ""})  # fmt: skip
    assert made.status_code == 302
    rule = db.session.scalar(select(SamplingRule))
    assert (rule.recurrence, rule.run_at, rule.time_zone, rule.carry_over) == (
        "daily",
        time(7, 30),
        "Europe/Paris",
        False,
    )
    assert rule.reviewer_goals == {str(users["reviewer"].id): 25}
    assert rule.cycle_since is not None
    page = unescape(lead.get(f"/reviews/rules/{rule.id}").get_data(as_text=True))
    assert "Every day at 07:30 Europe/Paris" in page and "No cycle has run yet." in page
    edit = lead.get(f"/reviews/rules/{rule.id}/edit").get_data(as_text=True)
    assert 'value="Europe/Paris"' in edit and 'value="25"' in edit
    stopped = post_form(lead, f"/reviews/rules/{rule.id}/edit", base | {"recurrence": ""})
    assert stopped.status_code == 302
    db.session.expire_all()
    assert db.session.get(SamplingRule, rule.id).recurrence is None
