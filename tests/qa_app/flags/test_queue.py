"""The flagged queue: risk order, filters, sending to review, confirm/dismiss."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from sqlalchemy import select

from qa_app.extensions import db
from qa_app.models import Assignment, AuditEvent, Flag, Notification
from tests.qa_app.flags.support import add_flag, add_model
from tests.qa_app.helpers import post_form


def _order(html: str) -> list[str]:
    return re.findall(r'data-testid="flag-row" data-interaction="([^"]+)"', html)


def _setup(users, make):
    # A budget of 100 %: every score at or above the threshold (0.5) is a flag.
    escalation = add_model("escalation", budget=1.0)
    coaching = add_model("coaching", budget=1.0)
    retired = add_model("escalation", version=2, active=False, budget=1.0)
    agent = users["agent"]
    other = make.user("agent", team=make.team("Billing"))
    low = make.interaction(agent, external_id="low", channel="chat")
    high = make.interaction(
        agent, external_id="high", started_at=datetime(2026, 11, 20, tzinfo=UTC)
    )
    middle = make.interaction(other, external_id="middle")
    retired_only = make.interaction(agent, external_id="retired-only")
    below = make.interaction(agent, external_id="below-threshold")
    add_flag(low, escalation, 0.55)
    add_flag(below, escalation, 0.2)
    add_flag(below, coaching, 0.49)
    add_flag(high, escalation, 0.6)
    add_flag(high, coaching, 0.95)
    add_flag(middle, coaching, 0.7, review="dismissed", reviewed_by_id=users["reviewer"].id)
    add_flag(retired_only, retired, 0.99)
    return {"low": low, "high": high, "middle": middle, "team": other.team_id}


def test_queue_orders_by_risk_and_filters(app, client_as, users, make):
    data = _setup(users, make)
    reviewer = client_as("reviewer")
    page = reviewer.get("/flags/").get_data(as_text=True)
    # Retired models' flags and scores below the threshold are not shown.
    assert _order(page) == ["high", "middle", "low"]
    assert "Customer: manager" in page and "95%" in page

    def order(query):
        return _order(reviewer.get(f"/flags/?{query}").get_data(as_text=True))

    assert order("target=escalation") == ["high", "low"]  # risk within the target: 0.6
    assert order("target=coaching") == ["high", "middle"]
    assert order(f"team={data['team']}") == ["middle"]
    assert order("channel=chat") == ["low"]
    assert order("date_from=2026-11-10") == ["high"]
    assert order("date_to=2026-11-10") == ["middle", "low"]
    assert order("min_probability=0.58&target=escalation") == ["high"]
    assert order("unreviewed=y&target=coaching") == ["high"]
    page = reviewer.get("/flags/?min_probability=7").get_data(as_text=True)
    assert _order(page) == ["high", "middle", "low"] and "(ignored)" in page


def _send(client, interaction, card, reviewer, **kwargs):
    return post_form(
        client,
        f"/flags/interactions/{interaction.id}/send",
        {"scorecard_id": card.id, "reviewer_id": reviewer.id},
        follow_redirects=True,
        **kwargs,
    )


def test_send_to_review_creates_one_flagged_assignment_and_refuses_duplicates(
    app, client_as, users, make
):
    data = _setup(users, make)
    card = make.scorecard(versions=2)
    reviewer = client_as("reviewer")
    response = _send(reviewer, data["high"], card, users["reviewer"])
    assert "Interaction high sent to Reviewer" in response.get_data(as_text=True)
    assignments = db.session.scalars(select(Assignment)).all()
    assert len(assignments) == 1
    made = assignments[0]
    assert (made.reason, made.status, made.interaction_id) == ("flagged", "open", data["high"].id)
    assert made.scorecard_version.number == 2 and made.created_by_id == users["reviewer"].id
    assert made.due_at is not None
    assert db.session.scalar(
        select(Notification).where(Notification.user_id == users["reviewer"].id)
    )
    page = reviewer.get("/flags/").get_data(as_text=True)
    assert 'data-testid="assigned"' in page

    again = _send(client_as("executive"), data["high"], card, users["executive"])
    assert "already has an open assignment (Reviewer" in again.get_data(as_text=True)
    assert len(db.session.scalars(select(Assignment)).all()) == 1


def test_send_to_review_never_to_the_agent_and_only_published_cards(app, client_as, users, make):
    card = make.scorecard()
    draft = make.scorecard(versions=0)
    reviewing_agent = make.user("reviewer")  # a reviewer whose own contact was flagged
    own = make.interaction(reviewing_agent, external_id="own")
    add_flag(own, add_model(), 0.9)
    executive = client_as("executive")
    refused = _send(executive, own, card, reviewing_agent).get_data(as_text=True)
    assert "cannot review their own interaction" in refused
    refused = _send(executive, own, draft, users["reviewer"]).get_data(as_text=True)
    assert "Choose a scorecard and a reviewer" in refused or "published scorecard" in refused
    assert db.session.scalars(select(Assignment)).all() == []


def test_confirm_and_dismiss_record_the_answer_and_audit(app, client_as, users, make):
    data = _setup(users, make)
    flag = db.session.scalar(select(Flag).where(Flag.interaction_id == data["low"].id))
    reviewer = client_as("reviewer")
    response = post_form(reviewer, f"/flags/{flag.id}/review", {"decision": "confirmed"},
                         follow_redirects=True)  # fmt: skip
    assert "used as a label at the next training" in response.get_data(as_text=True)
    db.session.expire_all()
    flag = db.session.get(Flag, flag.id)
    assert flag.review == "confirmed" and flag.reviewed_by_id == users["reviewer"].id
    assert flag.reviewed_at is not None
    post_form(client_as("executive"), f"/flags/{flag.id}/review", {"decision": "dismissed"})
    db.session.expire_all()
    flag = db.session.get(Flag, flag.id)
    assert flag.review == "dismissed" and flag.reviewed_by_id == users["executive"].id
    events = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "flag.reviewed").order_by(AuditEvent.id)
    ).all()
    assert [(e.before["review"], e.after["review"]) for e in events] == [
        (None, "confirmed"),
        ("confirmed", "dismissed"),
    ]
    bad = post_form(
        reviewer, f"/flags/{flag.id}/review", {"decision": "maybe"}, follow_redirects=True
    )
    assert "Choose confirm or dismiss." in bad.get_data(as_text=True)


def test_review_returns_to_a_local_page_only(app, client_as, users, make):
    data = _setup(users, make)
    flag = db.session.scalar(select(Flag).where(Flag.interaction_id == data["low"].id))
    reviewer = client_as("reviewer")
    local = post_form(reviewer, f"/flags/{flag.id}/review",
                      {"decision": "confirmed", "next": "/flags/?target=escalation"})  # fmt: skip
    assert local.headers["Location"] == "/flags/?target=escalation"
    away = post_form(reviewer, f"/flags/{flag.id}/review",
                     {"decision": "confirmed", "next": "//evil.example/x"})  # fmt: skip
    assert away.headers["Location"] == "/flags/"


def test_agents_cannot_use_the_queue(app, client_as, users, make):
    data = _setup(users, make)
    flag = db.session.scalar(select(Flag))
    agent = client_as("agent")
    assert agent.get("/flags/").status_code == 403
    assert (
        post_form(agent, f"/flags/{flag.id}/review", {"decision": "dismissed"}).status_code == 403
    )
    card = make.scorecard()
    assert _send(agent, data["high"], card, users["reviewer"]).status_code == 403


def test_filters_show_no_error_on_a_plain_load_empty_values_or_after_an_answer(
    app, client_as, users, make
):
    data = _setup(users, make)
    reviewer = client_as("reviewer")
    for query in ("", "?", "?target=&channel=&team=&date_from=&min_probability="):
        page = reviewer.get(f"/flags/{query}").get_data(as_text=True)
        assert "Not a valid choice" not in page and "(ignored)" not in page, query
    flag = db.session.scalar(select(Flag).where(Flag.interaction_id == data["high"].id))
    for decision in ("confirmed", "dismissed"):
        form = {"decision": decision, "next": "/flags/?"}
        answered = post_form(reviewer, f"/flags/{flag.id}/review", form, follow_redirects=True)
        assert "Not a valid choice" not in answered.get_data(as_text=True)
    bad = reviewer.get("/flags/?target=bogus&channel=fax").get_data(as_text=True)
    assert "Target: Not a valid choice. (ignored)" in bad
    assert "Channel: Not a valid choice. (ignored)" in bad


def test_an_empty_queue_says_what_to_do_in_the_browser_never_a_command(app, client_as, users, make):
    reviewer, executive = client_as("reviewer"), client_as("executive")
    page = reviewer.get("/flags/").get_data(as_text=True)
    assert "No flagging model is active yet" in page and "flask" not in page
    assert "An executive or admin trains one on the Models page" in page
    page = executive.get("/flags/").get_data(as_text=True)
    assert 'href="/flags/models">Train one on the Models page</a>' in page and "flask" not in page
    add_model()
    page = executive.get("/flags/").get_data(as_text=True)
    assert "The active models have not scored any interaction yet" in page
    assert "Score all interactions on the Models page" in page and "flask" not in page
