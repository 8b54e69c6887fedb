"""The import redacts before it writes: no table, no preview, no rejects file ever
holds the raw personal data of a transcript."""

import json
from pathlib import Path

import sqlalchemy as sa

from qa_app.extensions import db
from qa_app.interactions.importer import import_file, preview_file
from qa_app.models import Interaction
from tests.qa_app.interactions.support import csv_bytes, jsonl_bytes, row

CARD, EMAIL = "4111 1111 1111 1111", "ann.lee@example.com"
PHONE, SSN = "07700 900123", "123-45-6789"
RAW = (CARD, "4111111111111111", EMAIL, PHONE, "07700900123", SSN)
CALL = (
    "[00:00] Agent: Thanks for calling, can I take your e-mail?\n"
    f"[00:05] Customer: {EMAIL}, and my mobile is {PHONE}.\n"
    f"[00:12] Customer: Pay with {CARD}; my SSN is {SSN}.\n"
    "[00:20] Agent: Order 4512 3309 8812 7764 is £49.99, due on 2026-11-26 at 10:30."
)


def everything_stored() -> str:
    """Every row of every table as text (the database as an attacker would dump it)."""
    dump = []
    for table in db.metadata.sorted_tables:
        for values in db.session.execute(sa.select(table)).all():
            dump.append(json.dumps([str(v) for v in values]))
    return "\n".join(dump)


def assert_no_raw(text: str) -> None:
    for value in RAW:
        assert value not in text


def test_csv_import_stores_only_redacted_transcripts(users, tmp_path, app):
    path = tmp_path / "calls.csv"
    path.write_bytes(csv_bytes([row(1, transcript=CALL)]))
    summary = import_file(path, source="crm", actor=users["admin"])
    assert summary.created == 1
    item = db.session.scalar(db.select(Interaction))
    assert [t["text"] for t in item.transcript[1:]] == [
        "[EMAIL], and my mobile is [PHONE ***-**23].",
        "Pay with [CARD ****1111]; my SSN is [SSN].",
        "Order 4512 3309 8812 7764 is £49.99, due on 2026-11-26 at 10:30.",
    ]
    assert_no_raw(everything_stored())
    uri = app.config["SQLALCHEMY_DATABASE_URI"]
    if uri.startswith("sqlite:///"):  # not even in a free page of the file
        db.session.remove()
        db.engine.dispose()
        data = Path(uri.removeprefix("sqlite:///")).read_bytes()
        assert b"4111 1111" not in data and EMAIL.encode() not in data


def test_jsonl_turns_are_redacted_and_keep_speaker_and_time(users, tmp_path):
    turns = [
        {"speaker": "customer", "text": f"call me on {PHONE}", "start_s": 3},
        {"speaker": "agent", "text": "Noted.", "start_s": 7.5},
    ]
    path = tmp_path / "chats.jsonl"
    path.write_bytes(jsonl_bytes([row(1, channel="chat", transcript=turns)]))
    assert import_file(path, source="chat").created == 1
    item = db.session.scalar(db.select(Interaction))
    assert item.transcript == [
        {"speaker": "customer", "text": "call me on [PHONE ***-**23]", "start_s": 3.0},
        {"speaker": "agent", "text": "Noted.", "start_s": 7.5},
    ]
    assert_no_raw(everything_stored())


def test_the_preview_shows_redacted_turns(users, tmp_path):
    path = tmp_path / "calls.csv"
    path.write_bytes(csv_bytes([row(1, transcript=CALL)]))
    result = preview_file(path)
    assert_no_raw(json.dumps(result.preview[0]["record"].transcript))


def test_the_rejects_file_carries_the_redacted_transcript(users, tmp_path):
    path = tmp_path / "calls.csv"
    path.write_bytes(csv_bytes([row(1), row(2, csat="9", transcript=CALL)]))
    summary = import_file(path, source="crm", partial=True)
    assert summary.rejected == 1
    text = summary.rejects_path.read_text(encoding="utf-8")
    assert "[CARD ****1111]" in text
    assert_no_raw(text)


def test_a_deployment_can_switch_redaction_off(users, tmp_path, app):
    app.config["REDACTION_KINDS"] = ()
    path = tmp_path / "calls.csv"
    path.write_bytes(csv_bytes([row(1, transcript=CALL)]))
    import_file(path, source="crm")
    assert EMAIL in db.session.scalar(db.select(Interaction)).transcript[1]["text"]
