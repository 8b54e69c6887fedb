"""Which scorecard a reviewer is offered first for a contact: the one made for
its channel, and among several, the one its team has been using."""

from __future__ import annotations

import re

import pytest

from qa_app.extensions import db
from qa_app.flags import services as flag_services
from qa_app.reviews import evaluations
from qa_app.reviews.services import scorecards_for
from tests.qa_app.flags.support import add_flag, add_model


def _card(make, name: str, channel: str):
    return make.scorecard(
        {
            "name": name,
            "channel": channel,
            "sections": [
                {
                    "key": "s",
                    "title": "S",
                    "questions": [{"key": "q", "text": "Q?", "kind": "yes_no", "points": 1}],
                }
            ],
        }
    )


def _scored_with(make, reviewer, agent, card, channel: str) -> None:
    item = make.interaction(agent, channel=channel)
    evaluation = evaluations.start(reviewer, item, card.versions[0])
    evaluations.save(
        reviewer, evaluation, {"q": "yes"}, lock_version=evaluation.lock_version, submit=True
    )


@pytest.fixture
def cards(make):
    return {
        "any": _card(make, "All channels", "any"),
        "chat": _card(make, "Chat support", "chat"),
        "collections": _card(make, "Collections call (regulated)", "call"),
        "inbound": _card(make, "Inbound call", "call"),
    }


def test_cards_for_the_channel_lead_then_any_channel_then_the_rest(cards, users):
    assert [c.name for c in scorecards_for("chat", users["agent"].team_id)] == [
        "Chat support",
        "All channels",
        "Collections call (regulated)",
        "Inbound call",
    ]
    email = [c.name for c in scorecards_for("email", users["agent"].team_id)]
    assert email[0] == "All channels"


def test_among_cards_of_a_channel_the_teams_habit_decides(cards, users, make):
    support_agent, reviewer = users["agent"], users["reviewer"]
    collections_agent = make.user("agent", team=make.team("Collections"))
    fresh_agent = make.user("agent", team=make.team("New team"))
    _scored_with(make, reviewer, support_agent, cards["inbound"], "call")
    for _ in range(2):
        _scored_with(make, reviewer, collections_agent, cards["collections"], "call")
    first = {
        name: scorecards_for("call", agent.team_id)[0].name
        for name, agent in [
            ("support", support_agent),
            ("collections", collections_agent),
            ("fresh", fresh_agent),  # no habit of its own: what everyone uses most
        ]
    }
    assert first == {
        "support": "Inbound call",
        "collections": "Collections call (regulated)",
        "fresh": "Collections call (regulated)",
    }
    # Without any evaluation yet, cards of the channel are in name order.
    assert scorecards_for("call", None)[0].channel == "call"


def _first_option(html: str, select_name: str) -> str:
    select = re.search(rf'<select[^>]*name="{select_name}"[^>]*>(.*?)</select>', html, re.S)
    assert select, f"no {select_name} select"
    return re.search(r'<option value="(\d+)"', select.group(1)).group(1)


def test_ad_hoc_scoring_of_a_call_offers_the_teams_call_card_first(cards, users, make, client_as):
    _scored_with(make, users["reviewer"], users["agent"], cards["inbound"], "call")
    call = make.interaction(users["agent"], channel="call")
    chat = make.interaction(users["agent"], channel="chat")
    reviewer = client_as("reviewer")
    call_page = reviewer.get(f"/reviews/start?interaction_id={call.id}").get_data(as_text=True)
    chat_page = reviewer.get(f"/reviews/start?interaction_id={chat.id}").get_data(as_text=True)
    assert _first_option(call_page, "scorecard_id") == str(cards["inbound"].id)
    assert _first_option(chat_page, "scorecard_id") == str(cards["chat"].id)


def test_send_to_review_on_the_flagged_page_defaults_per_row(cards, users, make, client_as):
    model = add_model("escalation", budget=1.0)  # both rows are flags
    call = make.interaction(users["agent"], channel="call", external_id="a-call")
    chat = make.interaction(users["agent"], channel="chat", external_id="a-chat")
    add_flag(call, model, 0.99)
    add_flag(chat, model, 0.98)
    db.session.commit()
    assert flag_services.active_models()
    html = client_as("reviewer").get("/flags/").get_data(as_text=True)
    rows = {
        external_id: _first_option(form, "scorecard_id")
        for external_id, form in re.findall(r'data-testid="send-([^"]+)">(.*?)</form>', html, re.S)
    }
    assert rows == {"a-call": str(cards["collections"].id), "a-chat": str(cards["chat"].id)}
