"""Hypothesis strategies for hostile interaction files (CSV and JSON Lines),
shared by the parser, importer and upload-page fuzz tests."""

from __future__ import annotations

import csv
import io
import json

from hypothesis import strategies as st

from qa_app.interactions.parsing import KNOWN
from tests.fuzzing import ENCODINGS, NASTY, encode, hostile_text
from tests.qa_app.interactions.support import COLUMNS, row

column_names = st.one_of(
    st.sampled_from([*KNOWN, *(k.upper() for k in KNOWN), " external_id ", "", "meta"]),
    hostile_text,
)
# Values that look almost right: the fuzz should also reach the deeper checks.
near_values = st.sampled_from([
    "call", "CHAT", "fax", "agent@example.test", "AGENT@EXAMPLE.TEST", "nobody@x",
    "2026-03-01T09:30:00+01:00", "2026-03-01T09:30:00", "2026-13-01T00:00:00Z", "300",
    "-5", "12.5", "99999999999999999999", "4", "0", "6", "nan", "yes", "maybe",
    "Agent: hi\nCustomer: hello", "[99:99] Agent: x", "Agent: ok\nnot a turn",
])  # fmt: skip
cell = st.one_of(hostile_text, near_values)


@st.composite
def csv_text(draw) -> str:
    """A CSV document: a header with missing, duplicate or unknown columns, rows of
    hostile cells of the wrong length, sometimes a valid row, sometimes broken quoting."""
    header = draw(
        st.one_of(
            st.just(COLUMNS),
            st.lists(column_names, max_size=14),
            st.lists(st.sampled_from(COLUMNS), min_size=1, max_size=14),  # duplicates
        )
    )
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator=draw(st.sampled_from(["\r\n", "\n", "\r"])))
    writer.writerow(header)
    for n in range(draw(st.integers(0, 6))):
        if draw(st.integers(0, 3)) == 0:  # a valid row, or one with a single field swapped
            values = row(n + 1, external_id=f"fz-{draw(st.integers(0, 20))}")
            if draw(st.booleans()):
                values[draw(st.sampled_from(COLUMNS))] = draw(cell)
            writer.writerow([values.get(name, "") for name in header])
        else:
            writer.writerow(draw(st.lists(cell, max_size=len(header) + 2)))
    text = buffer.getvalue()
    if draw(st.integers(0, 9)) == 0:
        text += draw(st.sampled_from(['"unterminated, quote', 'a,"b"c",d', "\x00,\x00\n"]))
    return text


json_value = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | cell,
    lambda children: st.lists(children, max_size=3) | st.dictionaries(cell, children, max_size=3),
    max_leaves=12,
)


@st.composite
def jsonl_text(draw) -> str:
    """JSON Lines: objects with right and wrong types, non-objects, broken JSON,
    NaN and Infinity, lone surrogates, deep nesting."""
    lines = []
    for n in range(draw(st.integers(0, 6))):
        choice = draw(st.integers(0, 5))
        if choice == 0:
            values = row(n + 1, external_id=f"fz-{draw(st.integers(0, 20))}")
            values["transcript"] = [{"speaker": "agent", "text": "hi", "start_s": 0}]
            values["duration_seconds"] = 300
            if draw(st.booleans()):
                values[draw(st.sampled_from(COLUMNS))] = draw(json_value)
            lines.append(json.dumps(values))
        elif choice == 1:
            obj = draw(st.dictionaries(st.sampled_from(list(KNOWN)) | cell, json_value,
                                       max_size=12))  # fmt: skip
            lines.append(json.dumps(obj))  # NaN/Infinity written as such
        elif choice == 2:
            lines.append(json.dumps(draw(json_value)))
        elif choice == 3:
            lines.append(draw(st.sampled_from(NASTY)).replace("\n", " "))
        elif choice == 4:
            depth = draw(st.sampled_from([10, 1_000, 100_000]))
            lines.append('{"transcript": ' + "[" * depth + "]" * depth + "}")
        else:
            lines.append('{"external_id": "\\ud800", "channel": "call\\u0000"}')
    return "\n".join(lines)


class FuzzFile(tuple):
    """(data, fmt) with a short repr, so a failing example with a 2 MB field
    is reported readably."""

    def __repr__(self) -> str:
        data, fmt = self
        return f"FuzzFile({fmt}, {len(data)} bytes: {data[:300]!r}...)"


@st.composite
def interaction_files(draw, huge: int = 2_000_000) -> FuzzFile:
    """(file bytes, format): structured hostile documents in a random encoding,
    with or without a BOM, or plain random bytes; now and then a ``huge`` field."""
    fmt = draw(st.sampled_from(["csv", "jsonl"]))
    kind = draw(st.integers(0, 4))
    if kind == 0:
        return FuzzFile((draw(st.binary(max_size=3000)), fmt))
    text = draw(csv_text() if fmt == "csv" else jsonl_text())
    if draw(st.integers(0, 19)) == 0:
        text += "\n" + "x" * huge  # a huge last field
    encoding = "utf-8" if kind > 1 else draw(st.sampled_from(ENCODINGS))
    data = encode(text, encoding)
    if draw(st.integers(0, 5)) == 0:
        data = b"\xef\xbb\xbf" + data
    return FuzzFile((data, fmt))
