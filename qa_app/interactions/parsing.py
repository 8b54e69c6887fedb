"""Reading interaction files (CSV or JSON Lines) into clean records or precise problems.

Pure: the standard library only, no Flask or SQLAlchemy, so the rules of the import
format can be tested in milliseconds and reused from a notebook. Checks that need
the database (does this agent exist?) live in ``importer``.

Row numbers are the ones a person sees: in CSV the header is row 1 and the first
data row is row 2, counted as a spreadsheet counts records (a quoted transcript
spanning several lines is still one row); in JSON Lines, the line number.
"""

from __future__ import annotations

import csv
import json
import math
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import PurePath
from typing import Any, BinaryIO

from qa_app.storable import UNSTORABLE

# Mirrors qa_app.models.CHANNELS (kept here so this module stays pure; a test
# checks they agree).
CHANNELS = ("call", "chat", "email")
FORMATS = ("csv", "jsonl")
REQUIRED = ("external_id", "channel", "agent_email", "started_at")
# The contact-centre measures with a column of their own (all optional).
OPTIONAL = (
    "topic",
    "region",
    "hold_seconds",
    "wrap_seconds",
    "transferred",
    "resolved_first_contact",
)
KNOWN = (
    *REQUIRED,
    "team",
    "duration_seconds",
    "customer_id",
    "transcript",
    "csat",
    "escalated",
    *OPTIONAL,
)
_EXTENSIONS = {".csv": "csv", ".txt": "csv", ".jsonl": "jsonl", ".ndjson": "jsonl"}
_BOOLEANS = {"true": True, "yes": True, "1": True, "false": False, "no": False, "0": False}
_TURN = re.compile(
    r"^\s*(?:\[(?:(\d+):)?(\d+):(\d{2})\]\s*)?(agent|customer)\s*:\s?(.*)$",
    re.IGNORECASE | re.DOTALL,
)
_TURNS = re.compile(
    r"^[ \t]*(?:\[(?:(\d+):)?(\d+):(\d{2})\][ \t]*)?(agent|customer)[ \t]*:[ \t]?([^\r\n]*)",
    re.IGNORECASE | re.MULTILINE,
)
# A non-blank line that does not start like a turn.
_UNPREFIXED = re.compile(
    r"^(?![ \t]*(?:\[(?:\d+:)?\d+:\d{2}\][ \t]*)?(?:agent|customer)[ \t]*:)[ \t]*[^\s]",
    re.IGNORECASE | re.MULTILINE,
)
_MAX = {
    "external_id": 120,
    "agent_email": 254,
    "team": 120,
    "customer_id": 120,
    "topic": 120,
    "region": 120,
}
# Long transcripts in one CSV cell are normal; the csv module's default cap is 128 KiB.
_FIELD_LIMIT = 16 * 1024 * 1024
_MAX_INT = 2_147_483_647  # the database's integer column
# PostgreSQL's UTC offsets go up to 15:59.
_MAX_OFFSET = timedelta(hours=16)


@dataclass(frozen=True)
class RowProblem:
    """One thing wrong with one field of one row (``column`` is "" for the row as a whole)."""

    row: int
    column: str
    message: str
    # The import option that makes this problem go away ("create_agents",
    # "create_teams"), or "" when only a fixed file does.
    remedy: str = ""


@dataclass(slots=True)
class Record:
    """A row that passed every check this module can make, in the stored shape."""

    row: int
    external_id: str
    channel: str
    agent_email: str
    team: str | None
    started_at: datetime
    duration_seconds: int
    customer_ref: str | None
    transcript: list[dict[str, Any]]
    csat: int | None
    escalated: bool | None
    meta: dict[str, Any]
    raw: dict[str, Any] = field(repr=False)
    topic: str | None = None
    region: str | None = None
    hold_seconds: int | None = None
    wrap_seconds: int | None = None
    transferred: bool | None = None
    resolved_first_contact: bool | None = None


@dataclass
class Rejected:
    """A row with problems; ``fatal`` means the file itself cannot be read on."""

    row: int
    raw: dict[str, Any]
    problems: list[RowProblem]
    fatal: bool = False


class FormatError(ValueError):
    """The format cannot be told from the file name and was not given."""


def detect_format(filename: str | None, explicit: str | None = None) -> str:
    if explicit:
        if explicit not in FORMATS:
            raise FormatError(f"Unknown format {explicit!r}; use csv or jsonl.")
        return explicit
    suffix = PurePath(filename or "").suffix.lower()
    if suffix not in _EXTENSIONS:
        raise FormatError(
            f"Cannot tell the format from the name {filename!r}; "
            "use a .csv or .jsonl file or name the format."
        )
    return _EXTENSIONS[suffix]


def read(stream: BinaryIO | Iterable[bytes], fmt: str) -> Iterator[Record | Rejected]:
    """Yield one ``Record`` or ``Rejected`` per data row of a binary stream.

    Handles UTF-8 with or without a byte-order mark and Windows line endings.
    A ``Rejected`` with ``fatal=True`` ends the stream (no usable header,
    bytes that are not UTF-8).
    """
    lines = _Lines(stream)
    rows = _read_csv(lines) if fmt == "csv" else _read_jsonl(lines)
    seen: dict[str, int] = {}
    last = 1
    try:
        for item in rows:
            last = item.row
            if isinstance(item, Record):
                first = seen.setdefault(item.external_id, item.row)
                if first != item.row:
                    message = f"external_id {item.external_id!r} already appears in row {first}."
                    problem = RowProblem(item.row, "external_id", message)
                    item = Rejected(item.row, item.raw, [problem])
            elif not item.fatal:
                ext = _text(item.raw.get("external_id"))
                first = seen.setdefault(ext, item.row) if ext else item.row
                if first != item.row:
                    message = f"external_id {ext!r} already appears in row {first}."
                    item.problems.append(RowProblem(item.row, "external_id", message))
            yield item
    except _NotUtf8Error as exc:
        message = (
            f"The file is not UTF-8 text (line {exc.line} of the file has a byte UTF-8 "
            "cannot read). Save it as UTF-8 (CSV UTF-8 in Excel) and try again."
        )
        at = exc.line if fmt == "jsonl" else last + 1
        yield Rejected(at, {}, [RowProblem(at, "", message)], fatal=True)


class _NotUtf8Error(Exception):
    def __init__(self, line: int) -> None:
        self.line = line


class _Lines:
    """Decoded lines of a binary stream, line endings kept (``newline=""`` semantics);
    remembers how many physical lines were read so errors can point at one."""

    def __init__(self, stream: BinaryIO | Iterable[bytes]) -> None:
        self._stream = stream
        self.count = 0

    def __iter__(self) -> Iterator[str]:
        for raw in self._stream:
            self.count += 1
            if self.count == 1 and raw.startswith(b"\xef\xbb\xbf"):
                raw = raw[3:]
            try:
                yield raw.decode("utf-8")
            except UnicodeDecodeError:
                raise _NotUtf8Error(self.count) from None


def _read_csv(lines: _Lines) -> Iterator[Record | Rejected]:
    if csv.field_size_limit() < _FIELD_LIMIT:
        csv.field_size_limit(_FIELD_LIMIT)
    reader = csv.reader(lines)
    try:
        header = [name.strip() for name in next(reader)]
    except StopIteration:
        yield Rejected(1, {}, [RowProblem(1, "", "The file is empty.")], fatal=True)
        return
    except csv.Error as exc:  # e.g. a lone carriage return inside the header
        message = f"The header row cannot be read as CSV: {exc}."
        yield Rejected(1, {}, [RowProblem(1, "", message)], fatal=True)
        return
    keys = [name.lower() if name.lower() in KNOWN else name for name in header]
    if repeated := duplicate_columns(keys):
        yield Rejected(1, {}, [RowProblem(1, "", repeated)], fatal=True)
        return
    missing = [name for name in REQUIRED if name not in keys]
    if missing:
        message = f"The header row lacks required column(s): {', '.join(missing)}."
        yield Rejected(1, {}, [RowProblem(1, "", message)], fatal=True)
        return
    row = 1
    try:
        for values in reader:
            row += 1
            if not values or (len(values) == 1 and not values[0].strip()):
                continue  # blank line
            raw = dict(zip(header, values, strict=False))
            if len(values) != len(header):
                message = f"This row has {len(values)} fields; the header has {len(header)}."
                yield Rejected(row, raw, [RowProblem(row, "", message)])
                continue
            yield _check(row, dict(zip(keys, values, strict=True)), raw, _csv_transcript)
    except csv.Error as exc:
        message = f"The CSV cannot be read from here on: {exc}."
        yield Rejected(row, {}, [RowProblem(row, "", message)], fatal=True)


def _read_jsonl(lines: _Lines) -> Iterator[Record | Rejected]:
    for line in lines:
        number = lines.count
        if not line.strip():
            continue
        try:
            obj = json.loads(line, object_pairs_hook=_unique_keys)
        except _DuplicateKeyError as exc:
            message = (
                f"The key {exc.key!r} appears more than once in this line; each may appear once."
            )
            yield Rejected(number, {"line": line.rstrip("\r\n")}, [RowProblem(number, "", message)])
            continue
        except json.JSONDecodeError as exc:
            message = f"Not valid JSON: {exc.msg} at character {exc.colno}."
            yield Rejected(number, {"line": line.rstrip("\r\n")}, [RowProblem(number, "", message)])
            continue
        except RecursionError:
            message = "Not valid JSON: nested too deeply."
            yield Rejected(number, {"line": line[:200]}, [RowProblem(number, "", message)])
            continue
        except ValueError:  # an integer of more than Python's int-from-text limit (4,300 digits)
            message = "Not valid JSON: a number has too many digits."
            yield Rejected(number, {"line": line[:200]}, [RowProblem(number, "", message)])
            continue
        if not isinstance(obj, dict):
            message = "Each line must be one JSON object ({...})."
            yield Rejected(number, {"line": line.rstrip("\r\n")}, [RowProblem(number, "", message)])
            continue
        values = {(k.lower() if k.lower() in KNOWN else k): v for k, v in obj.items()}
        if len(values) != len(obj):  # "External_ID" and "external_id": one column twice
            yield Rejected(number, obj, [RowProblem(number, "", _same_column(obj))])
            continue
        yield _check(number, values, obj, _jsonl_transcript)


class _DuplicateKeyError(ValueError):
    def __init__(self, key: str) -> None:
        self.key = key


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """``json.loads`` keeps the last of two equal keys; an import must not guess."""
    obj = dict(pairs)
    if len(obj) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise _DuplicateKeyError(key)
            seen.add(key)
    return obj


def _same_column(obj: dict[str, Any]) -> str:
    first: dict[str, str] = {}
    for key in obj:
        name = key.lower() if key.lower() in KNOWN else key
        if name in first:
            return (
                f"The keys {first[name]!r} and {key!r} are the same column {name!r}; "
                "each column may appear once."
            )
        first[name] = key
    return "A column appears more than once."  # not reached: the caller saw a collision


def duplicate_columns(names: list[str], shown: int = 5) -> str | None:
    """A message naming every column that appears more than once and where
    (1-based positions, the first few of each), or None when all differ.

    A repeated column would silently keep one of its values (the last), so a
    file with one is refused as a whole rather than imported on a guess."""
    positions: dict[str, list[int]] = {}
    for number, name in enumerate(names, start=1):
        positions.setdefault(name, []).append(number)
    repeated = [(name, at) for name, at in positions.items() if len(at) > 1]
    if not repeated:
        return None
    parts = []
    for name, at in repeated[:shown]:
        where = ", ".join(str(n) for n in at[:shown])
        more = f" and {len(at) - shown:,} more" if len(at) > shown else ""
        label = repr(name) if name else "(no name)"
        parts.append(f"{label} {len(at):,} times (columns {where}{more})")
    others = (
        f"; and {len(repeated) - shown:,} more repeated name(s)" if len(repeated) > shown else ""
    )
    return (
        "The header row names a column more than once: "
        + "; ".join(parts)
        + others
        + ". Each column may appear once: rename or remove the extra ones."
    )


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _check(row: int, values: dict[str, Any], raw: dict[str, Any], transcript_parser) -> Any:
    """Validate every field of one row; collect all problems rather than stop at the first."""
    problems: list[RowProblem] = []

    def bad(column: str, message: str) -> None:
        problems.append(RowProblem(row, column, message))

    text = {name: _text(values.get(name)) for name in KNOWN if name != "transcript"}
    for name in REQUIRED:
        if not text[name]:
            bad(name, f"{name} is required.")
    for name, limit in _MAX.items():
        if len(text[name]) > limit:
            bad(name, f"{name} is longer than {limit} characters.")
    channel = text["channel"].lower()
    if channel and channel not in CHANNELS:
        bad("channel", f"Unknown channel {text['channel']!r}; use call, chat or email.")
    email = text["agent_email"].lower()
    if email and "@" not in email:
        bad("agent_email", f"{text['agent_email']!r} is not an e-mail address.")
    started = _started_at(text["started_at"], bad)
    duration = _seconds("duration_seconds", values, text, bad)
    hold = _seconds("hold_seconds", values, text, bad)
    wrap = _seconds("wrap_seconds", values, text, bad)
    csat = _csat(values.get("csat"), text["csat"], bad)
    escalated = _boolean("escalated", text, bad)
    transferred = _boolean("transferred", text, bad)
    resolved = _boolean("resolved_first_contact", text, bad)
    turns = transcript_parser(values.get("transcript"), bad)
    for name, value in values.items():
        if problem := _unstorable(value) or _unstorable(name):
            bad(name if isinstance(name, str) else "", problem)
    if problems:
        return Rejected(row, raw, problems)
    meta = {k: v for k, v in values.items() if k not in KNOWN and v not in (None, "")}
    return Record(
        row=row,
        external_id=text["external_id"],
        channel=channel,
        agent_email=email,
        team=text["team"] or None,
        started_at=started,  # type: ignore[arg-type]
        duration_seconds=duration or 0,
        customer_ref=text["customer_id"] or None,
        transcript=turns,  # type: ignore[arg-type]
        csat=csat,
        escalated=escalated,
        meta=meta,
        raw=raw,
        topic=text["topic"] or None,
        region=text["region"] or None,
        hold_seconds=hold,
        wrap_seconds=wrap,
        transferred=transferred,
        resolved_first_contact=resolved,
    )


def _boolean(column: str, text: dict[str, str], bad) -> bool | None:
    """An optional true/false column: empty is unknown."""
    if not text[column]:
        return None
    value = _BOOLEANS.get(text[column].lower())
    if value is None:
        bad(column, f"{text[column]!r} is not one of true/false/yes/no/1/0.")
    return value


def _unstorable(value: Any) -> str | None:
    """Why ``value`` (any JSON value) cannot be stored, or None.

    Walks nested lists and dicts without recursion, so no nesting depth that
    ``json.loads`` accepted can overflow the stack here."""
    if isinstance(value, str) and value.isascii() and "\x00" not in value:
        return None  # most fields: ASCII holds no surrogate; skip the regex
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if found := UNSTORABLE.search(item):
                char = "a NUL character" if found.group() == "\x00" else "a lone surrogate"
                return f"contains {char}, which cannot be stored; remove it."
        elif isinstance(item, float):
            if not math.isfinite(item):
                return "holds NaN or Infinity, which cannot be stored."
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return None


def _started_at(value: str, bad) -> datetime | None:
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        example = "2026-03-01T09:30:00+01:00"
        bad("started_at", f"{value!r} is not an ISO 8601 date and time like {example}.")
        return None
    if parsed.tzinfo is None:
        bad("started_at", f"{value!r} has no UTC offset; add one, e.g. +00:00 or Z.")
        return None
    offset = parsed.utcoffset()
    try:
        parsed.astimezone(UTC)
    except OverflowError:
        offset = None
    if offset is None or abs(offset) >= _MAX_OFFSET:
        bad("started_at", f"{value!r} is out of range (UTC offsets go up to 15:59).")
        return None
    return parsed


def _seconds(column: str, values: dict[str, Any], texts: dict[str, str], bad) -> int | None:
    """A whole number of seconds (0 or more); empty is None (the caller decides
    what a missing duration means)."""
    value, text = values.get(column), texts[column]
    if not text:
        return None
    number = None
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        number = value
    elif text.isdigit() and text.isascii() and len(text) <= len(str(_MAX_INT)):
        number = int(text)
    elif text.isdigit() and text.isascii():
        number = _MAX_INT + 1  # too many digits for int(): "too large" below
    else:
        bad(column, f"{text!r} is not a whole number of seconds (0 or more).")
        return None
    if number > _MAX_INT:
        bad(column, f"{text[:20]} is too large; at most {_MAX_INT} seconds.")
        return None
    return number


def _csat(value: Any, text: str, bad) -> int | None:
    if not text:
        return None
    if isinstance(value, bool):
        number = None
    elif isinstance(value, int | float):
        number = value
    else:
        try:
            number = float(text)
        except ValueError:
            number = None
    if number is None or not math.isfinite(number):
        bad("csat", f"{text!r} is not a number; CSAT is 1 to 5 or empty.")
        return None
    if number != int(number) or not 1 <= number <= 5:
        bad("csat", f"{text} is out of range; CSAT is a whole number from 1 to 5.")
        return None
    return int(number)


def _csv_transcript(value: Any, bad) -> list[dict[str, Any]] | None:
    text = _text(value)
    if not text:
        return []
    # Fast path: one multi-line regex over the whole cell. If it did not match
    # every non-blank line, walk the lines one by one to name the bad one.
    if _UNPREFIXED.search(text):
        return _csv_transcript_by_line(text, bad)
    found = _TURNS.findall(text)
    turns = []
    for hours, minutes, seconds, speaker, said in found:
        start = None
        if minutes:
            if int(seconds) > 59 or (hours and int(minutes) > 59):
                return _csv_transcript_by_line(text, bad)
            start = float(int(hours or 0) * 3600 + int(minutes) * 60 + int(seconds))
        turns.append({"speaker": speaker.lower(), "text": said.strip(), "start_s": start})
    return turns


def _csv_transcript_by_line(text: str, bad) -> list[dict[str, Any]] | None:
    turns: list[dict[str, Any]] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        match = _TURN.match(line)
        if match is None:
            shown = line.strip()[:40]
            bad(
                "transcript",
                f"Line {number} of the transcript has no 'Agent:' or 'Customer:' "
                f"prefix: {shown!r}.",
            )
            return None
        hours, minutes, seconds, speaker, said = match.groups()
        start = None
        if minutes is not None:
            if int(seconds) > 59 or (hours is not None and int(minutes) > 59):
                bad("transcript", f"Line {number} of the transcript has an impossible time.")
                return None
            start = float(int(hours or 0) * 3600 + int(minutes) * 60 + int(seconds))
        turns.append({"speaker": speaker.lower(), "text": said.strip(), "start_s": start})
    return turns


def _jsonl_transcript(value: Any, bad) -> list[dict[str, Any]] | None:
    if value in (None, ""):
        return []
    if not isinstance(value, list):
        bad("transcript", "The transcript must be a list of {speaker, text, start_s} objects.")
        return None
    turns: list[dict[str, Any]] = []
    for number, turn in enumerate(value, start=1):
        where = f"Turn {number} of the transcript"
        if not isinstance(turn, dict):
            bad("transcript", f"{where} is not an object with speaker, text and start_s.")
            return None
        speaker = turn.get("speaker")
        if not isinstance(speaker, str) or speaker.strip().lower() not in ("agent", "customer"):
            bad("transcript", f"{where}: speaker must be 'agent' or 'customer'.")
            return None
        text = turn.get("text")
        if not isinstance(text, str):
            bad("transcript", f"{where}: text must be a string.")
            return None
        start = turn.get("start_s")
        if start is not None and (
            isinstance(start, bool)
            or not isinstance(start, int | float)
            or not 0 <= start <= _MAX_INT  # NaN and infinities fail this too
        ):
            bad("transcript", f"{where}: start_s must be a number of seconds (0 or more) or null.")
            return None
        turns.append(
            {
                "speaker": speaker.strip().lower(),
                "text": text,
                "start_s": None if start is None else float(start),
            }
        )
    return turns
