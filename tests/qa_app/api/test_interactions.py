"""/api/v1/interactions: the import's checks and idempotent upsert in batches,
then filtered, cursor-paged reading with the pages' visibility."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from qa_app.extensions import db
from qa_app.models import AuditEvent, Interaction

URL = "/api/v1/interactions"


def item(n: int, **fields):
    return {
        "external_id": f"T-{n}",
        "channel": "chat",
        "agent_email": "agent@example.test",
        "team": "Support",
        "started_at": f"2026-11-0{1 + n % 9}T09:30:00+01:00",
        "duration_seconds": 120,
        "transcript": [{"speaker": "agent", "text": "Hello", "start_s": 0}],
        "csat": 4,
        "escalated": False,
        "queue": "billing",
        **fields,
    }


def _count() -> int:
    return db.session.scalar(db.select(db.func.count()).select_from(Interaction))


def test_a_batch_is_created_then_updated_never_duplicated(api_as, users):
    api = api_as("admin")
    first = api.post(URL, json={"source": "crm", "items": [item(1), item(2)]})
    assert first.status_code == 200, first.get_json()
    assert first.get_json() | {} == {
        "created": 2,
        "updated": 0,
        "rejected": 0,
        "agents_created": [],
        "teams_created": [],
    }
    again = api.post(URL, json={"source": "crm", "items": [item(1, csat=2)]})
    assert again.get_json()["created"] == 0 and again.get_json()["updated"] == 1
    assert _count() == 2
    stored = db.session.scalar(db.select(Interaction).where(Interaction.external_id == "T-1"))
    assert stored.source == "crm" and stored.csat == 2 and stored.meta == {"queue": "billing"}
    assert stored.agent_id == users["agent"].id
    assert stored.started_at == datetime(2026, 11, 2, 8, 30, tzinfo=UTC)
    audited = db.session.scalars(
        db.select(AuditEvent).where(AuditEvent.action == "interactions.imported")
    )
    assert [e.actor_id for e in audited] == [users["admin"].id] * 2


def test_one_bad_item_writes_nothing_and_every_problem_is_reported_per_item(api_as):
    bad = [item(1), item(2, channel="fax", csat=9), item(3, agent_email="nobody@example.test"), 7]
    response = api_as("executive").post(URL, json={"items": bad})
    assert response.status_code == 422
    body = response.get_json()
    assert body["code"] == "items_invalid" and "nothing was written" in body["message"]
    errors = body["errors"]["items"]
    assert set(errors) == {"1", "2", "3"}
    assert set(errors["1"]) == {"channel", "csat"} and "fax" in errors["1"]["channel"][0]
    assert "nobody@example.test" in errors["2"]["agent_email"][0]
    assert "JSON object" in errors["3"]["_item"][0]
    assert _count() == 0


def test_partial_mode_writes_the_good_items_and_reports_the_bad(api_as):
    items = [item(1), item(2, started_at="yesterday"), item(1)]
    response = api_as("admin").post(URL, json={"items": items, "partial": True})
    assert response.status_code == 200
    body = response.get_json()
    assert (body["created"], body["rejected"]) == (1, 2)
    assert set(body["errors"]["items"]) == {"1", "2"}
    assert "already appears" in body["errors"]["items"]["2"]["external_id"][0]
    assert _count() == 1


def test_partial_mode_with_nothing_good_is_a_422(api_as):
    response = api_as("admin").post(URL, json={"items": [{}], "partial": True})
    assert response.status_code == 422
    assert "external_id" in response.get_json()["errors"]["items"]["0"]


def test_missing_agents_and_teams_may_be_created_on_request(api_as):
    new = item(1, agent_email="new.agent@example.test", team="Night shift")
    assert api_as("admin").post(URL, json={"items": [new]}).status_code == 422
    response = api_as("admin").post(
        URL, json={"items": [new], "create_agents": True, "create_teams": True}
    )
    assert response.get_json()["agents_created"] == ["new.agent@example.test"]
    assert response.get_json()["teams_created"] == ["Night shift"]


def test_an_oversized_batch_is_413_and_writes_nothing(app, api_as):
    app.config["API_BATCH_LIMIT"] = 3
    response = api_as("admin").post(URL, json={"items": [item(n) for n in range(4)]})
    assert response.status_code == 413
    assert response.get_json()["code"] == "batch_too_large"
    assert _count() == 0


@pytest.mark.parametrize(
    ("body", "field"),
    [({}, "items"), ({"items": []}, "items"), ({"items": [item(1)], "bogus": 1}, "bogus")],
)
def test_a_malformed_body_is_422_naming_the_field(api_as, body, field):
    response = api_as("admin").post(URL, json=body)
    assert response.status_code == 422
    assert field in response.get_json()["errors"]["json"]


def test_reviewers_and_agents_may_not_write(api_as):
    for role in ("reviewer", "agent"):
        response = api_as(role).post(URL, json={"items": [item(1)]})
        assert response.status_code == 403 and response.get_json()["code"] == "forbidden"
    assert _count() == 0


def _flat(pages: list[list[int]]) -> list[int]:
    return [i for page in pages for i in page]


@pytest.fixture
def twelve(make, users):
    """Twelve interactions an hour apart: even ones by the agent, odd by another."""
    other = make.user("agent", team=make.team("Sales"))
    start = datetime(2026, 11, 2, 8, tzinfo=UTC)
    return [
        make.interaction(
            users["agent"] if n % 2 == 0 else other,
            started_at=start + timedelta(hours=n),
            channel="chat" if n < 6 else "call",
        )
        for n in range(12)
    ]


def _walk(api, query: str, cursor: str | None = None) -> list[list[int]]:
    pages = []
    for _ in range(50):
        url = f"{URL}?{query}" + (f"&cursor={cursor}" if cursor else "")
        response = api.get(url)
        assert response.status_code == 200, response.get_json()
        body = response.get_json()
        pages.append([row["id"] for row in body["items"]])
        cursor = body["next_cursor"]
        if cursor is None:
            return pages
    raise AssertionError("the cursor never ended")


def test_cursor_pages_are_complete_and_do_not_shift_when_rows_arrive(api_as, make, users, twelve):
    api = api_as("reviewer")
    first = api.get(f"{URL}?limit=5").get_json()
    newest = make.interaction(users["agent"], started_at=datetime(2026, 12, 1, tzinfo=UTC))
    rest = _walk(api, "limit=5", first["next_cursor"])
    seen = [row["id"] for row in first["items"]] + [i for page in rest for i in page]
    expected = [i.id for i in sorted(twelve, key=lambda i: i.started_at, reverse=True)]
    assert seen == expected and newest.id not in seen
    assert [len(p) for p in rest] == [5, 2]


def test_filters_narrow_the_list(api_as, users, twelve):
    api = api_as("executive")
    assert _flat(_walk(api, "channel=call")) == [i.id for i in twelve[6:]][::-1]
    mine = _flat(_walk(api, f"agent_id={users['agent'].id}"))
    assert mine == [i.id for i in twelve[::2]][::-1]
    team = _flat(_walk(api, f"team_id={users['agent'].team_id}"))
    assert team == mine
    window = "started_after=2026-11-02T10:00:00%2B00:00&started_before=2026-11-02T12:00:00Z"
    assert _flat(_walk(api, window)) == [twelve[3].id, twelve[2].id]


def test_an_agent_sees_only_their_own_whatever_the_filter(api_as, users, twelve):
    api = api_as("agent")
    other = twelve[1].agent_id
    assert _flat(_walk(api, f"agent_id={other}")) == [i.id for i in twelve[::2]][::-1]
    assert api.get(f"{URL}/{twelve[1].id}").status_code == 404
    own = api.get(f"{URL}/{twelve[0].id}")
    assert own.status_code == 200 and own.get_json()["agent_id"] == users["agent"].id


def test_one_interaction_with_its_transcript(api_as, twelve):
    body = api_as("reviewer").get(f"{URL}/{twelve[0].id}").get_json()
    assert body["transcript"][1] == {
        "speaker": "customer",
        "text": "My parcel is late.",
        "start_s": 4.0,
    }
    assert body["team_name"] == "Support" and body["started_at"].startswith("2026-11-02T08:00:00")


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("cursor=not-a-cursor", "invalid_cursor"),
        ("limit=0", "validation_failed"),
        ("channel=fax", "validation_failed"),
        ("started_after=yesterday", "validation_failed"),
        ("started_after=2026-11-02T10:00:00", "validation_failed"),  # no offset
    ],
)
def test_bad_query_parameters_are_refused_with_a_code(api_as, query, code):
    response = api_as("reviewer").get(f"{URL}?{query}")
    assert response.status_code in (400, 422)
    assert response.get_json()["code"] == code


def test_unknown_interaction_is_404(api_as):
    response = api_as("admin").get(f"{URL}/999999")
    assert response.status_code == 404 and response.get_json()["code"] == "not_found"
