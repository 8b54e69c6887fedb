"""Browsing: the filtered, keyset-paged list and one interaction with its transcript."""

import re
from datetime import UTC, datetime, timedelta

import pytest

from qa_app.extensions import db
from qa_app.interactions import services
from qa_app.reviews import evaluations


def ids_on(html: str) -> list[int]:
    return [int(i) for i in re.findall(r'href="/interactions/(\d+)"', html)]


def next_link(html: str, rel: str) -> str | None:
    match = re.search(rf'href="(/interactions/\?[^"]*)" rel="{rel}"', html)
    return match.group(1).replace("&amp;", "&") if match else None


def evaluate(item, reviewer, card, *, kind="standard", status="submitted", total=80.0):
    evaluation = evaluations.new(
        item,
        scorecard_version_id=card.versions[0].id,
        reviewer_id=reviewer.id,
        kind=kind,
        status=status,
        total=total,
        submitted_at=datetime(2026, 11, 3, tzinfo=UTC) if status == "submitted" else None,
    )
    db.session.add(evaluation)
    db.session.commit()
    return evaluation


@pytest.fixture
def world(users, make):
    """Two teams, three agents, interactions with varied facts."""
    other_team = make.team("Billing")
    second = make.user("agent", team=users["agent"].team, name="Second Agent")
    billing = make.user("agent", team=other_team, name="Billing Agent")
    t0 = datetime(2026, 5, 1, 12, tzinfo=UTC)
    made = {
        "a_chat_low": make.interaction(users["agent"], channel="chat", csat=2, escalated=True,
                                       started_at=t0),
        "a_call_high": make.interaction(users["agent"], csat=5, escalated=False,
                                        started_at=t0 + timedelta(days=1)),
        "a_call_low_old": make.interaction(users["agent"], csat=1, escalated=None,
                                           started_at=t0 - timedelta(days=40)),
        "second_call": make.interaction(second, csat=2, started_at=t0 + timedelta(days=2)),
        "billing_chat": make.interaction(billing, channel="chat", csat=1,
                                         started_at=t0 + timedelta(days=3)),
    }  # fmt: skip
    card = make.scorecard()
    evaluate(made["a_chat_low"], users["reviewer"], card)
    evaluate(made["a_call_high"], users["reviewer"], card, kind="calibration")
    evaluate(made["second_call"], users["reviewer"], card, status="draft")
    return made | {"card": card, "billing_team": other_team, "second": second}


def listed(client, query: str = "") -> set[int]:
    response = client.get(f"/interactions/?{query}")
    assert response.status_code == 200
    return set(ids_on(response.get_data(as_text=True)))


def test_filters_combine(client_as, world, users):
    ex = client_as("executive")
    w = {k: v.id for k, v in world.items() if hasattr(v, "agent_id")}
    assert listed(ex) == set(w.values())
    assert listed(ex, "channel=chat") == {w["a_chat_low"], w["billing_chat"]}
    assert listed(ex, "channel=chat&csat_max=1") == {w["billing_chat"]}
    assert listed(ex, f"team={users['agent'].team_id}&csat_max=2") == {
        w["a_chat_low"],
        w["a_call_low_old"],
        w["second_call"],
    }
    assert listed(ex, f"agent={users['agent'].id}&escalated=unknown") == {w["a_call_low_old"]}
    assert listed(ex, "escalated=yes") == {w["a_chat_low"]}
    assert listed(ex, "date_from=2026-05-01&date_to=2026-05-03") == {
        w["a_chat_low"],
        w["a_call_high"],
        w["second_call"],
    }
    # reviewed = a submitted standard or consensus evaluation (not calibration, not a draft)
    assert listed(ex, "reviewed=yes") == {w["a_chat_low"]}
    assert listed(ex, "reviewed=no&channel=call&csat_max=4") == {
        w["a_call_low_old"],
        w["second_call"],
    }


def test_invalid_filters_give_a_message_not_an_error(client_as, world):
    ex = client_as("executive")
    response = ex.get("/interactions/?csat_max=9&date_from=soon&team=abc&after=%%%")
    page = response.get_data(as_text=True)
    assert response.status_code == 400  # the page, naming what was refused (request_args)
    assert "CSAT is 1 to 5." in page and "Not a valid date value." in page
    assert "That page link is not valid" in page
    assert len(ids_on(page)) == 5  # the invalid filters were left out


def test_keyset_pages_visit_every_row_exactly_once_in_both_directions(app, client_as, users, make):
    same_time = datetime(2026, 6, 1, tzinfo=UTC)
    for n in range(23):  # ties on started_at are broken by id
        make.interaction(users["agent"], started_at=same_time + timedelta(hours=n // 3))
    ex = client_as("executive")
    app.config["INTERACTIONS_PER_PAGE"] = 5
    seen, pages, url = [], [], "/interactions/?channel=call"
    while url:
        html = ex.get(url).get_data(as_text=True)
        pages.append(url)
        seen.extend(ids_on(html))
        url = next_link(html, "next")
    back = list(reversed(ids_on(html)))
    while url := next_link(html, "prev"):
        html = ex.get(url).get_data(as_text=True)
        back.extend(reversed(ids_on(html)))
    assert len(pages) == 5
    assert sorted(seen) == sorted(set(seen)) and len(seen) == 23
    assert seen == back[::-1]
    started = [db.session.get(services.Interaction, i).started_at for i in seen]
    assert started == sorted(started, reverse=True)


def test_an_agent_sees_only_their_own_interactions_whatever_the_filters(client_as, world, users):
    agent = client_as("agent")
    own = {world[k].id for k in ("a_chat_low", "a_call_high", "a_call_low_old")}
    assert listed(agent) == own
    assert listed(agent, f"agent={world['second'].id}&team={world['billing_team'].id}") == own
    page = agent.get("/interactions/").get_data(as_text=True)
    assert 'name="team"' not in page and 'name="agent"' not in page
    assert agent.get(f"/interactions/{world['second_call'].id}").status_code == 404
    assert agent.get(f"/interactions/{world['a_chat_low'].id}").status_code == 200


def test_an_unknown_interaction_is_not_found(client_as):
    assert client_as("executive").get("/interactions/99999").status_code == 404


def test_detail_shows_facts_metadata_turn_times_and_evaluations(client_as, world, users, make):
    item = make.interaction(
        users["agent"],
        csat=3,
        escalated=True,
        duration_seconds=3725,
        meta={"queue": "billing"},
        transcript=[{"speaker": "customer", "text": "Hi", "start_s": 65.0},
                    {"speaker": "agent", "text": "Hello", "start_s": 3725}],
    )  # fmt: skip
    evaluate(item, users["reviewer"], world["card"], total=72.5)
    evaluate(item, users["executive"], world["card"], kind="calibration", total=10.0)
    page = client_as("executive").get(f"/interactions/{item.id}").get_data(as_text=True)
    assert "01:05" in page and "1:02:05" in page
    assert '<th scope="row">queue</th><td>billing</td>' in page
    assert "72.5" in page and "10.0" in page
    as_agent = client_as("agent").get(f"/interactions/{item.id}").get_data(as_text=True)
    assert "72.5" in as_agent and "10.0" not in as_agent  # agents: standard/consensus only


def test_transcript_search_marks_matches_and_escapes_everything(client_as, users, make):
    item = make.interaction(
        users["agent"],
        transcript=[
            {
                "speaker": "customer",
                "text": "<script>alert('x')</script> refund REFUND",
                "start_s": 1,
            },
            {"speaker": "agent", "text": "No match here", "start_s": 2},
        ],
    )
    ex = client_as("executive")
    page = ex.get(f"/interactions/{item.id}?q=refund").get_data(as_text=True)
    assert "<script>alert" not in page
    assert (
        "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; <mark>refund</mark> <mark>REFUND</mark>"
        in page
    )
    assert "2 matches for “refund”." in page
    probe = ex.get(f"/interactions/{item.id}?q=<script>").get_data(as_text=True)
    assert "<mark>&lt;script&gt;</mark>alert" in probe
    assert "1 match for “&lt;script&gt;”." in probe
