"""JSON bodies no decoder can hold: 400 with a clear JSON error, nothing written."""

from __future__ import annotations

import pytest
from sqlalchemy import func

from qa_app.extensions import db
from qa_app.models import Interaction

ITEM = ('{"external_id": "e1", "channel": "call", "agent_email": "agent@example.test", '
        '"started_at": "2026-03-01T09:30:00+00:00", "csat": %s}')  # fmt: skip
BODIES = {
    "a 5,000-digit integer in an item": '{"items": [%s]}' % (ITEM % ("1" * 5000)),
    "a 5,000-digit negative integer": '{"partial": -%s, "items": [1]}' % ("9" * 5000),
    "an array nested 100,000 deep": "[" * 100_000 + "]" * 100_000,
    "items nested 100,000 deep": '{"items": ' + "[" * 100_000 + "]" * 100_000 + "}",
}
MESSAGES = {"a 5,000-digit integer in an item": "a number has more than 4,300 digits",
            "a 5,000-digit negative integer": "a number has more than 4,300 digits",
            "an array nested 100,000 deep": "nested too deeply",
            "items nested 100,000 deep": "nested too deeply"}  # fmt: skip


@pytest.mark.parametrize("case", list(BODIES))
def test_an_undecodable_body_is_a_400_with_the_reason(api_as, case):
    response = api_as("admin").post(
        "/api/v1/interactions", data=BODIES[case], content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json["code"] == "invalid_json"
    assert MESSAGES[case] in response.json["message"]
    assert db.session.scalar(db.select(func.count()).select_from(Interaction)) == 0


def test_a_string_of_5000_digits_in_an_item_is_that_items_problem(api_as):
    item = (ITEM % "null").replace('"csat": null', f'"duration_seconds": "{"1" * 5000}"')
    body = '{"items": [' + item + "]}"
    response = api_as("admin").post(
        "/api/v1/interactions", data=body, content_type="application/json"
    )
    assert response.status_code == 422
    assert "too large" in str(response.json["errors"])


def test_invalid_json_is_still_a_400(api_as):
    response = api_as("admin").post(
        "/api/v1/interactions", data="{", content_type="application/json"
    )
    assert response.status_code == 400 and response.json["code"] == "invalid_json"
