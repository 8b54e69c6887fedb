"""Fuzzing the interaction file reader: any bytes give records or precise
rejections, never an exception; a fatal rejection is always the last item."""

from __future__ import annotations

import io

from hypothesis import given

from qa_app.interactions import parsing
from qa_app.interactions.parsing import Record, Rejected
from tests.fuzzing import budget, tried
from tests.qa_app.interactions.fuzz_files import interaction_files


@given(interaction_files())
@budget(500)
def test_any_bytes_give_records_or_rejections(file):
    data, fmt = file
    tried(f"interactions.parsing.read ({fmt}, pure)")
    items = list(parsing.read(io.BytesIO(data), fmt))
    assert all(isinstance(item, Record | Rejected) for item in items)
    fatal = [i for i, item in enumerate(items) if isinstance(item, Rejected) and item.fatal]
    assert fatal in ([], [len(items) - 1])
    for item in items:
        assert item.row >= 1
        if isinstance(item, Rejected):
            assert item.problems and all(p.message for p in item.problems)
        else:
            assert item.external_id and item.channel in parsing.CHANNELS
            assert item.started_at.tzinfo is not None
            assert parsing._unstorable([item.meta, item.transcript, item.external_id]) is None


def _problems(data: bytes, fmt: str) -> list[str]:
    return [p.message for item in parsing.read(io.BytesIO(data), fmt)
            if isinstance(item, Rejected) for p in item.problems]  # fmt: skip


def test_inputs_the_fuzzing_found_are_refused_with_a_message():
    """Each of these once raised (or would have failed on PostgreSQL)."""
    assert "header row cannot be read" in _problems(b"external_id,a\rb\n", "csv")[0]
    deep = b'{"transcript": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"
    assert _problems(deep, "jsonl") == ["Not valid JSON: nested too deeply."]
    base = ('{"external_id": "e1", "channel": "call", "agent_email": "a@x.test", '
            '"started_at": "2026-03-01T09:30:00+00:00"')  # fmt: skip
    cases = {
        ', "team": "A\\u0000B"}': "NUL character",
        ', "team": "\\ud800"}': "lone surrogate",
        ', "note": NaN}': "NaN or Infinity",
        ', "transcript": [{"speaker": "agent", "text": "x", "start_s": Infinity}]}': "start_s",
        ', "duration_seconds": 99999999999999999999}': "too large",
    }
    for tail, expected in cases.items():
        problems = _problems((base + tail).encode(), "jsonl")
        assert any(expected in p for p in problems), (tail, problems)
    assert _problems((base + "}").encode(), "jsonl") == []
