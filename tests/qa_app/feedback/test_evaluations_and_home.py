"""The agent's feedback page, the evaluation as the agent sees it, and
acknowledgement; every id-taking URL answers 404 for another agent."""

import json
import re
from datetime import UTC, datetime
from html import unescape

import cachelib.simple
import pytest
import sqlalchemy as sa

from qa_app.extensions import db
from qa_app.feedback import stats
from qa_app.models import Evaluation
from qa_app.reports import rollups
from qa_app.reviews import evaluations
from tests.qa_app.feedback.conftest import GOOD, day
from tests.qa_app.helpers import post_form


def test_agent_sees_each_question_with_points_comment_guidance_and_transcript(submit, client_as):
    evaluation = submit(comments={"greet": "No greeting at all."})
    html = client_as("agent").get(f"/feedback/evaluations/{evaluation.id}").get_data(as_text=True)
    assert "75.0%" in html and "Greeted the customer?" in html
    row = html[html.index('data-testid="question-greet"') :]
    row = row[: row.index("</tr>")]
    assert "No" in row and "0 / 2" in row and "No greeting at all." in row
    assert "Say your name and the company&#39;s." in row
    assert "Compliance-critical: none" in html and "My parcel is late." in html


def test_auto_fail_and_critical_family_are_shown(submit, client_as):
    evaluation = submit({"greet": "yes", "verify": "no", "tone": "5"})
    html = client_as("agent").get(f"/feedback/evaluations/{evaluation.id}").get_data(as_text=True)
    assert 'data-testid="auto-failed"' in html and "Compliance-critical: error" in html
    # The agent learns which question did it, and what it did to the score.
    named = unescape(html[html.index('data-testid="critical-verify"') :])
    assert named.startswith(
        'data-testid="critical-verify">Verified identity? (answered No): '
        "compliance-critical error; auto-fail: the whole evaluation scores 0"
    )
    assert "before auto-fail it scored 75.0%." in unescape(html)  # 6 of 8


def test_user_text_is_escaped(submit, client_as):
    evaluation = submit(comments={"greet": "<script>alert(1)</script>"})
    agent = client_as("agent")
    post_form(agent, f"/feedback/evaluations/{evaluation.id}/acknowledge", {"comment": "<b>x</b>"})
    html = agent.get(f"/feedback/evaluations/{evaluation.id}").get_data(as_text=True)
    assert "<script>alert(1)" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<b>x</b>" not in html and "&lt;b&gt;x&lt;/b&gt;" in html


def test_staff_may_open_the_agent_view_but_not_a_draft(submit, client_as, users, make, card):
    evaluation = submit()
    for role in ("reviewer", "executive", "admin"):
        assert client_as(role).get(f"/feedback/evaluations/{evaluation.id}").status_code == 200
    draft = evaluations.start(users["reviewer"], make.interaction(users["agent"]), card.versions[0])
    assert client_as("reviewer").get(f"/feedback/evaluations/{draft.id}").status_code == 404
    assert client_as("agent").get(f"/feedback/evaluations/{draft.id}").status_code == 404


def test_another_agents_evaluation_is_404_on_every_url(submit, client_as, make, users):
    other = make.user("agent", team=users["agent"].team)
    theirs = submit(agent=other)
    agent = client_as("agent")
    base = f"/feedback/evaluations/{theirs.id}"
    assert agent.get(base).status_code == 404
    assert agent.get(f"{base}/dispute").status_code == 404
    assert post_form(agent, f"{base}/dispute", {"whole": "1", "reason": "x"}).status_code == 404
    assert post_form(agent, f"{base}/acknowledge", {}).status_code == 404
    assert agent.get("/feedback/evaluations/999999").status_code == 404
    db.session.expire_all()
    assert db.session.get(Evaluation, theirs.id).acknowledged_at is None


def test_acknowledgement_is_recorded_once_with_its_comment(submit, client_as):
    evaluation = submit()
    lock = evaluation.lock_version
    agent = client_as("agent")
    url = f"/feedback/evaluations/{evaluation.id}/acknowledge"
    response = post_form(agent, url, {"comment": "Understood, thanks."}, follow_redirects=True)
    assert "the evaluation is acknowledged" in response.get_data(as_text=True)
    db.session.expire_all()
    first = db.session.get(Evaluation, evaluation.id).acknowledged_at
    assert first is not None
    again = post_form(agent, url, {"comment": "changed my mind"}, follow_redirects=True)
    assert "already acknowledged" in again.get_data(as_text=True)
    db.session.expire_all()
    stored = db.session.get(Evaluation, evaluation.id)
    assert stored.acknowledged_at == first
    assert stored.acknowledgement_comment == "Understood, thanks."
    assert stored.lock_version == lock  # a reviewer's open edit page is not made stale


def test_home_shows_trend_missed_questions_and_waiting(submit, client_as, make, users):
    submit(started_at=day(2))  # week of 2 Nov: 75
    submit(GOOD, started_at=day(4))  # same week: 100 -> mean 87.5
    submit(started_at=day(10))  # week of 9 Nov: 75
    teammate = make.user("agent", team=users["agent"].team)
    submit(GOOD, agent=teammate, started_at=day(10))  # team week of 9 Nov: (75+100)/2
    html = client_as("agent").get("/feedback/").get_data(as_text=True)
    raw = re.search(r'data-trend="([^"]*)"', html).group(1)
    trend = json.loads(unescape(raw))
    assert trend == [
        {"week": "2026-11-02", "mine": 87.5, "evaluations": 2, "team": 87.5},
        {"week": "2026-11-09", "mine": 75.0, "evaluations": 1, "team": 87.5},
    ]
    missed = html[html.index("Questions I miss most often") :]
    assert "Greeted the customer?" in missed and "missed 2 of 3" in missed
    assert "Say your name and the company&#39;s." in missed
    assert html.count('href="/feedback/evaluations/') >= 6  # recent + waiting
    assert "Team average: at most 5 minutes old. Yours is up to date." in html
    assert "vendor/chart.umd.js" in html and "js/feedback.js" in html


def test_the_team_line_is_at_most_its_maximum_age_old_and_the_agents_own_line_always_current(
    app, submit, make, users, monkeypatch
):
    now = [1_000_000.0]
    monkeypatch.setattr(cachelib.simple, "time", lambda: now[0])  # the test cache's clock
    assert app.config["TEAM_TREND_CACHE_SECONDS"] == 300
    teammate = make.user("agent", team=users["agent"].team)
    submit(started_at=day(10))  # the agent: 75
    submit(GOOD, agent=teammate, started_at=day(10))  # team: (75 + 100) / 2
    assert stats.agent_trend(users["agent"])[-1] | {"week": None} == {
        "week": None, "mine": 75.0, "evaluations": 1, "team": 87.5
    }  # fmt: skip
    submit(GOOD, started_at=day(11))  # the agent: (75 + 100) / 2; team: (75 + 100 + 100) / 3
    now[0] += 299
    row = stats.agent_trend(users["agent"])[-1]
    assert (row["mine"], row["evaluations"], row["team"]) == (87.5, 2, 87.5)  # team line kept
    now[0] += 2  # 301 s: older than its maximum age
    assert stats.agent_trend(users["agent"])[-1]["team"] == 91.7
    submit(GOOD, agent=teammate, started_at=day(11))  # team: (75 + 100 + 100 + 100) / 4
    app.config["TEAM_TREND_CACHE_SECONDS"] = 0  # no maximum age: read on every visit
    assert stats.agent_trend(users["agent"])[-1]["team"] == 93.8


def test_agents_of_a_team_whose_windows_start_in_different_weeks_share_the_team_line(
    submit, make, users
):
    teammate = make.user("agent", team=users["agent"].team)
    submit(started_at=day(10))  # the agent's window: 26 weeks back from 10 Nov
    submit(GOOD, agent=teammate, started_at=day(3))  # the teammate's: from 3 Nov
    submit(GOOD, agent=teammate, started_at=datetime(2026, 5, 6, 10, tzinfo=UTC))
    assert stats.agent_trend(users["agent"])[-1]["team"] == 75.0
    assert teammate.team_id == users["agent"].team_id  # (loaded before counting)
    statements: list[str] = []

    def count(conn, cursor, statement, *args):
        statements.append(statement)

    sa.event.listen(db.engine, "before_cursor_execute", count)
    try:
        trend = stats.agent_trend(teammate)
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", count)
    assert len(statements) == 2  # the teammate's latest contact and own line; team line kept
    # Each window is still its own: the 6 May contact is in the teammate's
    # window (from Monday 4 May) and not in the agent's (from Monday 11 May).
    assert trend[0] == {"week": "2026-05-04", "mine": 100.0, "evaluations": 1, "team": 100.0}
    agents_weeks = [r["week"] for r in stats.agent_trend(users["agent"])]
    assert agents_weeks == ["2026-11-02", "2026-11-09"]  # team 3 Nov, both 10 Nov


def test_only_counted_submitted_evaluations_count(submit, users, card, make):
    evaluation = submit(GOOD)
    rollup = rollups.track(db.session, [evaluation])
    evaluation.kind = "calibration"
    rollup.settle()
    db.session.commit()
    submit(started_at=day(3))
    rows = stats.missed_questions(users["agent"])
    assert [(r["key"], r["missed"], r["answered"]) for r in rows] == [("greet", 1, 1)]
    assert [r["mine"] for r in stats.agent_trend(users["agent"])] == [75.0]


@pytest.mark.parametrize("role", ["reviewer", "executive", "admin"])
def test_home_is_for_agents(client_as, role):
    assert client_as(role).get("/feedback/").status_code == 403
