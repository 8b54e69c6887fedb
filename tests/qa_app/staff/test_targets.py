"""Targets: set by executives, kept as a history, audited; the one in force
for a period is the latest on or before its first day, a team's own first."""

from datetime import UTC, date, datetime

import pytest

from qa_app.extensions import db
from qa_app.models import AuditEvent, MetricTarget, Team
from qa_app.staff import services, targets
from qa_app.staff.periods import parse
from tests.qa_app.helpers import post_form


def test_the_target_in_force_is_the_latest_on_or_before_the_day_team_first(users, make):
    boss = users["executive"]
    support = db.session.get(Team, users["agent"].team_id)
    sales = make.team("Sales")
    targets.set_target(boss, "fcr", 0.5, date(2026, 1, 1))
    targets.set_target(boss, "fcr", 0.3, date(2026, 10, 1), team_id=support.id)
    targets.set_target(boss, "fcr", 0.9, date(2026, 11, 1))  # later: not yet in force
    before = targets.in_force(date(2026, 9, 30), [support.id, sales.id])
    october = targets.in_force(date(2026, 10, 1), [support.id, sales.id])
    november = targets.in_force(date(2026, 11, 1), [support.id, sales.id])
    assert before[("fcr", support.id)].value == 0.5  # the team's own starts in October
    assert october[("fcr", support.id)].value == 0.3
    assert october[("fcr", sales.id)].value == 0.5
    assert november[("fcr", support.id)].value == 0.3  # a team's own beats all-teams
    assert november[("fcr", sales.id)].value == 0.9
    assert ("aht", None) not in october


def test_setting_a_target_adds_a_row_and_an_audit_event_never_edits(users):
    boss = users["executive"]
    first = targets.set_target(boss, "aht", 300, date(2026, 1, 1))
    targets.set_target(boss, "aht", 280, date(2026, 1, 1))
    rows = db.session.scalars(db.select(MetricTarget).order_by(MetricTarget.id)).all()
    assert [(r.value, r.higher_is_better) for r in rows] == [(300, False), (280, False)]
    assert db.session.get(MetricTarget, first.id).value == 300
    assert targets.in_force(date(2026, 2, 1))[("aht", None)].value == 280  # the newer wins
    events = db.session.scalars(
        db.select(AuditEvent).where(AuditEvent.action == "targets.set")
    ).all()
    assert [(e.actor_id, e.after["value"]) for e in events] == [(boss.id, 300), (boss.id, 280)]


@pytest.mark.parametrize(
    ("metric", "value", "message"),
    [("fcr", 1.5, "between 0.0 and 1.0"), ("csat_mean", 0, "between 1.0 and 5.0"),
     ("volume", 1, "No target can be set")],
)  # fmt: skip
def test_impossible_targets_are_refused(users, metric, value, message):
    with pytest.raises(targets.TargetError, match=message):
        targets.set_target(users["executive"], metric, value, date(2026, 1, 1))
    assert db.session.scalars(db.select(MetricTarget)).all() == []


def test_the_review_states_each_figure_against_its_target(october, users):
    boss = users["executive"]
    targets.set_target(boss, "csat_top2", 0.75, date(2026, 9, 1))
    targets.set_target(boss, "csat_mean", 3.5, date(2026, 9, 1), team_id=october.support.id)
    targets.set_target(boss, "csat_mean", 4.5, date(2026, 10, 2))  # after October 1st
    result = services.review(parse("2026-10"), as_of=datetime(2026, 12, 8, tzinfo=UTC))
    ben = next(r for r in result.rows if r["agent_id"] == october.ben.id)["cells"]
    ann = next(r for r in result.rows if r["agent_id"] == october.ann.id)["cells"]
    assert (ben["csat_top2"].target, ben["csat_top2"].state) == (0.75, "missed")  # 70 %
    assert (ben["csat_mean"].target, ben["csat_mean"].state) == (3.5, "met")  # 3.7
    # Too few responses (2) to judge: the target is shown, no verdict.
    assert (ann["csat_mean"].target, ann["csat_mean"].state) == (3.5, None)


def test_the_targets_page_sets_a_target_with_its_form(client_as, users):
    client = client_as("executive")
    page = client.get("/reports/targets")
    assert page.status_code == 200 and b"No targets yet." in page.data
    support = users["agent"].team_id
    response = post_form(
        client,
        "/reports/targets",
        {"metric": "fcr", "team": support, "effective_from": "2026-10-01", "value": "75",
         "direction": ""},
    )  # fmt: skip
    assert response.status_code == 302
    [target] = db.session.scalars(db.select(MetricTarget)).all()
    assert (target.metric, target.team_id, target.value, target.higher_is_better) == (
        "fcr",
        support,
        0.75,  # typed in per cent, stored as the figures' fraction
        True,
    )
    assert b"75.0%" in client.get("/reports/targets").data


def test_a_bad_target_form_is_shown_again_and_stores_nothing(client_as):
    client = client_as("admin")
    response = post_form(
        client,
        "/reports/targets",
        {"metric": "fcr", "team": 0, "effective_from": "2026-10-01", "value": "150"},
    )
    assert response.status_code == 422
    assert b"must lie between" in response.data
    no_token = client.post("/reports/targets", data={"metric": "fcr", "value": "50"})
    assert no_token.status_code == 400
    assert db.session.scalars(db.select(MetricTarget)).all() == []
