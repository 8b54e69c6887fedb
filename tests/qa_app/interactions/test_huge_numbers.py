"""A number of 5,000 digits in an import file is a row problem, never a 500."""

from __future__ import annotations

import io

from qa_app.interactions import parsing
from qa_app.interactions.parsing import Rejected
from tests.qa_app.helpers import post_form

BASE = ('{"external_id": "e1", "channel": "call", "agent_email": "agent@example.test", '
        '"started_at": "2026-03-01T09:30:00+00:00"')  # fmt: skip
HUGE = "1" * 5000


def _problems(line: str) -> list[str]:
    items = list(parsing.read(io.BytesIO(line.encode()), "jsonl"))
    return [p.message for item in items if isinstance(item, Rejected) for p in item.problems]


def test_a_json_number_of_5000_digits_rejects_its_line():
    assert _problems(f'{BASE}, "csat": {HUGE}}}\n') == [
        "Not valid JSON: a number has too many digits."
    ]


def test_a_text_of_5000_digits_is_too_large_a_duration():
    problems = _problems(f'{BASE}, "duration_seconds": "{HUGE}"}}\n')
    assert len(problems) == 1 and "too large" in problems[0]


def test_the_preview_page_lists_the_row_problem(client_as):
    admin = client_as("admin")
    data = f'{BASE}, "csat": {HUGE}}}\n'.encode()
    response = post_form(admin, "/interactions/import",
                         {"file": (io.BytesIO(data), "calls.jsonl")},
                         content_type="multipart/form-data")  # fmt: skip
    assert response.status_code == 302
    page = admin.get(response.headers["Location"])
    assert page.status_code == 200
    assert "a number has too many digits" in page.get_data(as_text=True)
