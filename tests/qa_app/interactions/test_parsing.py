"""The import format, row by row: what is accepted, and the exact problem for
everything that is not (row as a person counts it, column, plain message)."""

import io
from datetime import UTC, datetime

import pytest

from qa_app.interactions import parsing
from qa_app.interactions.parsing import Record, Rejected, RowProblem
from qa_app.models import CHANNELS
from tests.qa_app.interactions.support import COLUMNS, csv_bytes, jsonl_bytes, row


def read(data: bytes, fmt: str = "csv") -> list:
    return list(parsing.read(io.BytesIO(data), fmt))


def problems(data: bytes, fmt: str = "csv") -> list[RowProblem]:
    return [p for item in read(data, fmt) if isinstance(item, Rejected) for p in item.problems]


def only_problem(data: bytes, fmt: str = "csv") -> tuple[int, str, str]:
    found = problems(data, fmt)
    assert len(found) == 1, found
    return found[0].row, found[0].column, found[0].message


def test_the_channel_vocabulary_matches_the_model():
    assert parsing.CHANNELS == CHANNELS


def test_a_clean_csv_row_becomes_a_record_in_the_stored_shape():
    data = csv_bytes([row(1, extra_field="VIP", escalated="Yes", csat="5")])
    [record] = read(data)
    assert isinstance(record, Record)
    assert record.row == 2
    assert (record.external_id, record.channel, record.agent_email) == (
        "c-1",
        "call",
        "agent@example.test",
    )
    assert record.started_at == datetime(2026, 3, 2, 8, 1, tzinfo=UTC)
    assert (record.duration_seconds, record.csat, record.escalated) == (300, 5, True)
    assert record.customer_ref == "cust-1"
    assert record.meta == {"extra_field": "VIP"}
    assert record.transcript == [
        {"speaker": "agent", "text": "Hello, how can I help?", "start_s": 0.0},
        {"speaker": "customer", "text": "My parcel is late.", "start_s": 4.0},
    ]


def test_optional_fields_may_be_empty():
    data = csv_bytes([row(1, csat="", escalated="", duration_seconds="", team="", transcript="")])
    [record] = read(data)
    assert (record.csat, record.escalated, record.duration_seconds, record.team) == (
        None,
        None,
        0,
        None,
    )
    assert record.transcript == []


def test_the_contact_measures_are_columns_of_their_own_and_optional():
    measures = {
        "topic": "delivery",
        "region": " EU-West ",
        "hold_seconds": "40",
        "wrap_seconds": "0",
        "transferred": "No",
        "resolved_first_contact": "TRUE",
    }
    given, empty = read(csv_bytes([row(1, queue="Q7", **measures), row(2, topic="", region="")]))
    assert (given.topic, given.region, given.hold_seconds, given.wrap_seconds) == (
        "delivery",
        "EU-West",
        40,
        0,
    )
    assert (given.transferred, given.resolved_first_contact) == (False, True)
    assert given.meta == {"queue": "Q7"}
    assert (empty.topic, empty.region, empty.hold_seconds, empty.wrap_seconds) == (None,) * 4
    assert (empty.transferred, empty.resolved_first_contact) == (None, None)
    typed = b'{"external_id": "j-1", "channel": "chat", "agent_email": "a@x.test", '
    typed += b'"started_at": "2026-03-01T09:00:00Z", "hold_seconds": 12, "transferred": true}\n'
    [record] = read(typed, "jsonl")
    assert (record.hold_seconds, record.transferred) == (12, True)


def test_utf8_with_a_byte_order_mark_and_crlf_line_endings():
    data = b"\xef\xbb\xbf" + csv_bytes([row(1, team="Équipe Zoë")], lineterminator="\r\n")
    assert b"\r\n" in data
    [record] = read(data)
    assert record.external_id == "c-1" and record.team == "Équipe Zoë"


def test_a_quoted_multi_line_transcript_with_crlf_and_hour_timestamps_is_one_row():
    transcript = (
        '[0:00:03] AGENT: Hi\r\n\r\ncustomer: It\'s "broken", again\r\n[1:02:05] Agent: Bye'
    )
    data = csv_bytes([row(1, transcript=transcript), row(2)])
    first, second = read(data)
    assert first.transcript == [
        {"speaker": "agent", "text": "Hi", "start_s": 3.0},
        {"speaker": "customer", "text": 'It\'s "broken", again', "start_s": None},
        {"speaker": "agent", "text": "Bye", "start_s": 3725.0},
    ]
    assert second.row == 3  # counted as a spreadsheet counts rows, not physical lines


def test_header_names_are_case_and_space_insensitive():
    data = (
        b" External_ID ,Channel,AGENT_EMAIL,started_at\r\nx1,chat,a@b.test,2026-01-01T00:00:00Z\r\n"
    )
    [record] = read(data)
    assert (record.external_id, record.channel) == ("x1", "chat")


def test_jsonl_with_transcript_turns_and_typed_values():
    obj = {
        "external_id": "j-1",
        "channel": "email",
        "agent_email": "Agent@Example.test",
        "started_at": "2026-03-01T10:00:00-05:00",
        "duration_seconds": 42,
        "csat": 3,
        "escalated": False,
        "transcript": [
            {"speaker": "Customer", "text": "Refund?", "start_s": 0},
            {"speaker": "agent", "text": "Done.", "start_s": None},
        ],
        "queue": {"name": "billing"},
    }
    [record] = read(b"\n" + jsonl_bytes([obj]), "jsonl")
    assert record.row == 2  # the JSON Lines line number
    assert record.agent_email == "agent@example.test"
    assert record.started_at == datetime(2026, 3, 1, 15, 0, tzinfo=UTC)
    assert (record.duration_seconds, record.csat, record.escalated) == (42, 3, False)
    assert record.transcript[0] == {"speaker": "customer", "text": "Refund?", "start_s": 0.0}
    assert record.meta == {"queue": {"name": "billing"}}


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("started_at", "yesterday", "'yesterday' is not an ISO 8601 date and time like"),
        ("started_at", "2026-03-01T09:30:00", "'2026-03-01T09:30:00' has no UTC offset"),
        ("channel", "fax", "Unknown channel 'fax'; use call, chat or email."),
        ("csat", "6", "6 is out of range; CSAT is a whole number from 1 to 5."),
        ("csat", "0", "0 is out of range"),
        ("csat", "good", "'good' is not a number; CSAT is 1 to 5 or empty."),
        ("duration_seconds", "-5", "'-5' is not a whole number of seconds (0 or more)."),
        ("duration_seconds", "12.5", "'12.5' is not a whole number of seconds"),
        ("escalated", "maybe", "'maybe' is not one of true/false/yes/no/1/0."),
        ("transferred", "perhaps", "'perhaps' is not one of true/false/yes/no/1/0."),
        ("resolved_first_contact", "2", "'2' is not one of true/false/yes/no/1/0."),
        ("hold_seconds", "-1", "'-1' is not a whole number of seconds (0 or more)."),
        ("wrap_seconds", "1m", "'1m' is not a whole number of seconds (0 or more)."),
        ("wrap_seconds", "2147483648", "2147483648 is too large; at most 2147483647 seconds."),
        ("topic", "x" * 121, "topic is longer than 120 characters."),
        ("region", "y" * 121, "region is longer than 120 characters."),
        ("agent_email", "nobody", "'nobody' is not an e-mail address."),
        # What the databases cannot store is refused here, not by a 500 on insert.
        ("duration_seconds", "2147483648", "2147483648 is too large; at most 2147483647 seconds."),
        ("started_at", "2026-03-01T09:30:00+16:00", "'2026-03-01T09:30:00+16:00' is out of range"),
        ("started_at", "0001-01-01T00:00:00+01:00", "'0001-01-01T00:00:00+01:00' is out of range"),
        ("customer_id", "a\x00b", "contains a NUL character, which cannot be stored"),
        ("external_id", "x\x00", "contains a NUL character, which cannot be stored"),
    ],
)
def test_a_bad_field_is_reported_with_row_column_and_message(field, value, message):
    data = csv_bytes([row(1), row(2, **{field: value})])
    line, column, text = only_problem(data)
    assert (line, column) == (3, field)
    assert text.startswith(message)


def test_nul_characters_in_transcripts_and_extra_fields_are_refused():
    turns = [{"speaker": "agent", "text": "hi\x00", "start_s": 0}]
    bad_turn = jsonl_bytes([row(1, transcript=turns)])
    assert only_problem(bad_turn, "jsonl")[1:] == (
        "transcript",
        "contains a NUL character, which cannot be stored; remove it.",
    )
    bad_meta = jsonl_bytes([row(1, transcript=[], queue={"name": "\x00"})])
    assert only_problem(bad_meta, "jsonl")[1] == "queue"


@pytest.mark.parametrize("field", ["external_id", "channel", "agent_email", "started_at"])
def test_each_required_field_must_have_a_value(field):
    assert only_problem(csv_bytes([row(1, **{field: "  "})])) == (2, field, f"{field} is required.")


def test_every_problem_of_a_row_is_reported_not_just_the_first():
    data = csv_bytes([row(1, channel="fax", csat="9", started_at="")])
    assert [(p.row, p.column) for p in problems(data)] == [
        (2, "started_at"),
        (2, "channel"),
        (2, "csat"),
    ]


def test_a_duplicate_external_id_names_the_first_row():
    data = csv_bytes([row(1), row(2), row(3, external_id="c-1")])
    assert only_problem(data) == (4, "external_id", "external_id 'c-1' already appears in row 2.")


def test_a_transcript_line_without_a_speaker_names_the_line():
    transcript = "Agent: Hello\nCustomer: Hi\nthis line has no speaker"
    row_, column, message = only_problem(csv_bytes([row(1, transcript=transcript)]))
    assert (row_, column) == (2, "transcript")
    assert message == (
        "Line 3 of the transcript has no 'Agent:' or 'Customer:' prefix: "
        "'this line has no speaker'."
    )


def test_missing_required_header_columns_is_one_file_level_problem():
    columns = [c for c in COLUMNS if c not in ("channel", "started_at")]
    items = read(csv_bytes([row(1), row(2)], columns=columns))
    assert len(items) == 1 and items[0].fatal
    assert items[0].problems == [
        RowProblem(1, "", "The header row lacks required column(s): channel, started_at.")
    ]


def test_a_header_naming_a_column_twice_is_refused_naming_it_and_its_positions():
    """The last column would win silently: 10,000 repeats of external_id were once
    "ready to import"."""
    names = [*COLUMNS, *["external_id"] * 10_000]
    data = (",".join(names) + "\r\n" + ",".join(["x"] * len(names)) + "\r\n").encode()
    [item] = read(data)
    assert isinstance(item, Rejected) and item.fatal and item.row == 1
    [problem] = item.problems
    assert problem.message.startswith(
        "The header row names a column more than once: 'external_id' 10,001 times "
        "(columns 1, 11, 12, 13, 14 and 9,996 more)."
    )


def test_header_names_that_differ_only_in_case_are_the_same_column():
    data = b"external_id,channel,agent_email,started_at,Channel,queue,queue\r\n"
    [item] = read(data)
    message = item.problems[0].message
    assert item.fatal and "'channel' 2 times (columns 2, 5)" in message
    assert "'queue' 2 times (columns 6, 7)" in message


def test_a_jsonl_key_given_twice_is_refused_for_that_line():
    base = {"channel": "call", "agent_email": "agent@example.test",
            "started_at": "2026-03-01T09:30:00+00:00"}  # fmt: skip
    good = jsonl_bytes([{"external_id": "ok", **base}])
    twice = b'{"external_id": "a", "external_id": "b"}\n'
    cased = b'{"external_id": "a", "External_ID": "b"}\n'
    in_turn = b'{"transcript": [{"speaker": "agent", "text": "a", "text": "b"}]}\n'
    items = read(good + twice + cased + in_turn, "jsonl")
    assert isinstance(items[0], Record)
    assert [(i.row, i.problems[0].message) for i in items[1:]] == [
        (2, "The key 'external_id' appears more than once in this line; each may appear once."),
        (3, "The keys 'external_id' and 'External_ID' are the same column 'external_id'; "
            "each column may appear once."),
        (4, "The key 'text' appears more than once in this line; each may appear once."),
    ]  # fmt: skip
    assert not any(i.fatal for i in items[1:])


def test_a_row_with_too_many_fields_is_refused():
    data = (
        csv_bytes([row(1)]) + b"c-2,call,agent@example.test,,2026-01-01T00:00:00Z,1,,,,,extra\r\n"
    )
    assert only_problem(data) == (3, "", "This row has 11 fields; the header has 10.")


def test_a_file_that_is_not_utf8_is_refused_with_its_line():
    data = csv_bytes([row(1)]) + "c-2,call,agent@example.test,Café".encode("latin-1")
    items = read(data)
    assert isinstance(items[0], Record)
    assert items[-1].fatal
    [problem] = items[-1].problems
    assert problem.row == 3
    assert problem.message.startswith("The file is not UTF-8 text (line 4 of the file has a byte")


def test_a_jsonl_line_that_is_not_json_is_reported_by_line_number():
    good = {
        "external_id": "j",
        "channel": "chat",
        "agent_email": "a@b.test",
        "started_at": "2026-01-01T00:00:00Z",
    }
    data = jsonl_bytes([good]) + b'{"external_id": "k",\n' + b"[1, 2]\n"
    found = problems(data, "jsonl")
    assert [(p.row, p.column) for p in found] == [(2, ""), (3, "")]
    assert found[0].message.startswith("Not valid JSON: Expecting property name enclosed")
    assert found[1].message == "Each line must be one JSON object ({...})."


@pytest.mark.parametrize(
    ("transcript", "message"),
    [
        ("hello", "The transcript must be a list of {speaker, text, start_s} objects."),
        ([{"speaker": "agent", "text": "hi"}, "x"], "Turn 2 of the transcript is not an object"),
        ([{"speaker": "bot", "text": "hi"}], "Turn 1 of the transcript: speaker must be"),
        ([{"speaker": "agent", "text": 5}], "Turn 1 of the transcript: text must be a string."),
        ([{"speaker": "agent", "text": "a", "start_s": -1}], "Turn 1 of the transcript: start_s"),
    ],
)
def test_malformed_jsonl_turns_name_the_turn(transcript, message):
    obj = {
        "external_id": "j",
        "channel": "chat",
        "agent_email": "a@b.test",
        "started_at": "2026-01-01T00:00:00Z",
        "transcript": transcript,
    }
    line, column, text = only_problem(jsonl_bytes([obj]), "jsonl")
    assert (line, column) == (1, "transcript")
    assert text.startswith(message)


def test_an_empty_file_is_a_file_level_problem():
    [item] = read(b"")
    assert item.fatal and item.problems[0].message == "The file is empty."


def test_the_format_comes_from_the_extension_or_is_named():
    assert parsing.detect_format("calls.CSV") == "csv"
    assert parsing.detect_format("calls.jsonl") == "jsonl"
    assert parsing.detect_format("calls.dat", "jsonl") == "jsonl"
    with pytest.raises(parsing.FormatError):
        parsing.detect_format("calls.xlsx")
