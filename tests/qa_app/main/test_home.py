"""A reviewer's home: today's work, each part linking to its page, and this
week's progress against the weekly goal; with nothing to do, it says so."""

from __future__ import annotations

import re
from datetime import timedelta
from html import unescape

import pytest

from qa_app.calibration import services as calibration
from qa_app.extensions import db
from qa_app.main import services
from qa_app.models import Assignment, Dispute, Flag, FlagModel, utcnow
from qa_app.reviews import evaluations
from tests.qa_app.calibration.support import CARD as CALIBRATION_CARD
from tests.qa_app.feedback.conftest import CARD, GOOD


def _text(html: str, testid: str) -> str:
    match = re.search(rf'data-testid="{testid}"[^>]*>(.*?)</section>', html, re.S)
    assert match, f"{testid} not on the page"
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", match[1]))).strip()


def _submitted(reviewer, agent, version, make, answers=GOOD):
    draft = evaluations.start(reviewer, make.interaction(agent), version)
    return evaluations.save(
        reviewer, draft, answers, lock_version=draft.lock_version, submit=True
    ).evaluation


def build_day(make, users):
    """One of each kind of work for the reviewer, and some that is not theirs."""
    reviewer, agent = users["reviewer"], users["agent"]
    version = make.scorecard(CARD).versions[0]
    now = utcnow()
    overdue = make.interaction(agent, external_id="CALL-OVERDUE")
    later = make.interaction(agent, external_id="CALL-LATER")
    db.session.add_all(
        [
            Assignment(interaction_id=overdue.id, reviewer_id=reviewer.id,
                       scorecard_version_id=version.id, due_at=now - timedelta(days=1)),
            Assignment(interaction_id=later.id, reviewer_id=reviewer.id,
                       scorecard_version_id=version.id, due_at=now + timedelta(days=3)),
        ]
    )  # fmt: skip
    draft = evaluations.start(reviewer, make.interaction(agent, external_id="CALL-DRAFT"), version)
    # Two submitted this week, one last week (not counted).
    for _ in range(2):
        _submitted(reviewer, agent, version, make)
    old = _submitted(reviewer, agent, version, make)
    old.submitted_at = services.week_start(now) - timedelta(days=2)
    # A colleague's evaluation the agent disputes: the reviewer may re-review it.
    colleague = make.user("reviewer", team=users["reviewer"].team, name="Colleague")
    disputed = _submitted(colleague, agent, version, make)
    dispute = Dispute(evaluation_id=disputed.id, agent_id=agent.id, reason="Unfair")
    # A flagged interaction nobody reviewed yet.
    model = FlagModel(target="escalation", version=1, status="ready", active=True)
    db.session.add_all([dispute, model])
    db.session.flush()
    flagged = make.interaction(agent, external_id="CALL-FLAGGED")
    db.session.add(Flag(interaction_id=flagged.id, model_id=model.id, target="escalation",
                        probability=0.91))  # fmt: skip
    db.session.commit()
    calib_card = make.scorecard(CALIBRATION_CARD)
    session = calibration.create(
        users["executive"], title="December calibration", version_id=calib_card.versions[0].id,
        interaction_ids=[make.interaction(agent).id], external_ids="",
        reviewer_ids=[reviewer.id], deadline=None, blind=True,
    )  # fmt: skip
    return {"draft": draft, "dispute": dispute, "session": session, "flagged": flagged}


def test_today_gathers_each_kind_of_work_from_its_own_service(make, users):
    day = build_day(make, users)
    work = services.today(users["reviewer"])
    assert [a.external_id for a in work.due] == ["CALL-OVERDUE"]
    assert (work.overdue, work.due_today, work.later) == (1, 0, 1)
    assert [d.id for d in work.drafts] == [day["draft"].id]
    assert [(s.id, left) for s, left in work.calibrations] == [(day["session"].id, 1)]
    assert [d.id for d in work.disputes] == [day["dispute"].id]
    assert [r.interaction.id for r in work.flags.rows] == [day["flagged"].id]
    assert (work.week.done, work.week.goal, work.week.left) == (2, 100, 98)
    assert not work.empty


def test_home_page_lists_todays_work_with_links_and_the_week_against_the_goal(
    app, make, users, client_as
):
    app.config["REVIEWER_WEEKLY_GOAL"] = 3
    day = build_day(make, users)
    html = client_as("reviewer").get("/").get_data(as_text=True)
    assert re.search(r"2 of 3 evaluations submitted since Monday \d\d \w\w\w · 1 to go\.",
                     _text(html, "week"))  # fmt: skip
    due = _text(html, "today-due")
    assert due.startswith("Assignments due 1 overdue, 0 due today, 1 later.")
    assert "CALL-OVERDUE" in due and "overdue since" in due and "CALL-LATER" not in due
    assert f'href="/reviews/evaluations/{day["draft"].id}/score"' in html
    assert f'href="/calibration/{day["session"].id}"' in html
    assert "December calibration · 1 to score" in _text(html, "today-calibration")
    assert f'href="/feedback/disputes/{day["dispute"].id}"' in html
    flags = _text(html, "today-flags")
    assert "1 flagged and not yet reviewed" in flags and "CALL-FLAGGED · risk 91%" in flags


@pytest.mark.parametrize("role", ["reviewer", "executive"])
def test_nothing_to_do_reads_as_such(role, client_as):
    html = unescape(client_as(role).get("/").get_data(as_text=True))
    assert "Nothing is waiting for you: no assignments due, no drafts" in html
    assert "0 of 100 evaluations submitted since Monday" in html
    assert 'data-testid="today-due"' not in html


def test_agents_and_admins_get_no_reviewer_day(client_as):
    for role in ("agent", "admin"):
        html = client_as(role).get("/").get_data(as_text=True)
        assert 'data-testid="week"' not in html
