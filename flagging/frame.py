"""Input checks and transcript parsing for the interaction import format.

The flagging core takes a pandas DataFrame shaped like the import format
(DOMAIN.md, "Interaction import format"). This module is the single place that
knows that shape: which columns are required, how a transcript is read (text
with ``Agent:`` / ``Customer:`` lines and optional ``[mm:ss]`` stamps, or a list
of ``{speaker, text, start_s}`` dicts) and how labels are read.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import repeat
from operator import itemgetter

import numpy as np
import pandas as pd

REQUIRED_COLUMNS: tuple[str, ...] = ("channel", "started_at", "duration_seconds", "transcript")
"""Columns a frame must have to be scored; everything else is optional."""

CHANNELS: tuple[str, ...] = ("call", "chat", "email")

DEFAULT_LABEL_COLUMNS: dict[str, str] = {"escalation": "escalated", "coaching": "coaching"}
"""Where the label of each known target lives when ``label_column`` is not given."""

GAP_THRESHOLD_S = 20.0
"""A silence longer than this counts towards the total silence (domain rule of thumb)."""

WORDS_PER_SECOND = 2.5
"""Speaking rate (150 words a minute) used to estimate when a turn ends."""

_LINE = re.compile(
    r"^\s*(?:\[(?:(\d+):)?(\d+):(\d{1,2})(?:\.\d+)?\]\s*)?(agent|customer)\s*:\s?(.*)$",
    re.IGNORECASE,
)

TRANSCRIPT_PARTS: tuple[str, ...] = (
    "agent_text",
    "customer_text",
    "agent_turns",
    "customer_turns",
    "longest_gap_s",
    "silence_s",
)


class FlaggingError(ValueError):
    """A clear, user-facing reason why flagging cannot proceed (bad input, bad file)."""


def check_columns(frame: pd.DataFrame, required: Iterable[str] = REQUIRED_COLUMNS) -> None:
    """Raise FlaggingError naming every missing required column (not only the first)."""
    if not isinstance(frame, pd.DataFrame):
        raise FlaggingError(f"expected a pandas DataFrame, got {type(frame).__name__}")
    missing = [c for c in required if c not in frame.columns]
    if missing:
        raise FlaggingError(
            f"missing required column(s): {', '.join(missing)} "
            f"(the frame has: {', '.join(map(str, frame.columns)) or 'no columns'})"
        )


def _turns_from_text(text: str) -> list[dict]:
    turns: list[dict] = []
    for line in text.splitlines():
        match = _LINE.match(line)
        if match is None:
            # A line without a speaker continues the previous turn (wrapped text).
            if turns and line.strip():
                turns[-1]["text"] = f"{turns[-1]['text']} {line.strip()}"
            continue
        hours, minutes, seconds, speaker, said = match.groups()
        start = None
        if minutes is not None:
            start = int(hours or 0) * 3600 + int(minutes) * 60 + int(seconds)
        turns.append({"speaker": speaker.lower(), "text": said.strip(), "start_s": start})
    return turns


def _start(value: object) -> float | None:
    if value is None or type(value) in (int, float):
        return value if value == value else None  # NaN -> None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if number == number else None


def parse_transcript(value: object) -> tuple[str, str, int, int, float, float]:
    """One transcript -> (agent text, customer text, agent turns, customer turns,
    longest silence in s, total of silences over 20 s).

    Silence is the time between the estimated end of a turn (its start plus its
    words at 150 words/minute, words counted by spaces) and the next timed turn's
    start; it needs timestamps, so it is NaN when there are none (e.g. email).
    Turns of other speakers (system messages) only matter for timing. This runs
    once per scored contact, hence the single hand-written loop.
    """
    if isinstance(value, str):
        items: object = _turns_from_text(value)
    elif isinstance(value, list | tuple | np.ndarray):
        items = value
    else:  # None / NaN: no transcript at all
        items = ()
    agent: list[str] = []
    customer: list[str] = []
    longest = total = math.nan
    end = None  # estimated end of the previous timed turn
    for item in items:
        if not isinstance(item, dict):
            continue
        said = item.get("text") or ""
        if not isinstance(said, str):
            said = str(said)
        who = item.get("speaker")
        if who != "agent" and who != "customer":
            who = str(who).strip().lower()
        if who == "agent":
            agent.append(said)
        elif who == "customer":
            customer.append(said)
        start = _start(item.get("start_s"))
        if start is None:
            continue
        if end is not None:
            gap = start - end
            if not gap <= longest:  # also replaces the initial NaN
                longest = gap
            if total != total:
                total = 0.0
            if gap > GAP_THRESHOLD_S:
                total += gap
        end = start + (said.count(" ") + 1) / WORDS_PER_SECOND
    if longest == longest:
        longest = max(longest, 0.0)
    return "\n".join(agent), "\n".join(customer), len(agent), len(customer), longest, total


def _items(value: object) -> list:
    if isinstance(value, str):
        return _turns_from_text(value)
    if isinstance(value, list):
        return value
    if isinstance(value, tuple | np.ndarray):
        return list(value)
    return []  # None / NaN: no transcript at all


def _speaker_codes(speakers: list) -> np.ndarray:
    """0 agent, 1 customer, 2 anyone else (normalised like ``parse_transcript``)."""
    values = np.asarray(speakers, dtype=object)
    codes = np.full(len(values), 2, dtype=np.int8)
    codes[values == "agent"] = 0
    codes[values == "customer"] = 1
    for i in np.flatnonzero(codes == 2).tolist():
        who = str(values[i]).strip().lower()
        codes[i] = 0 if who == "agent" else 1 if who == "customer" else 2
    return codes


def _column(items: list[dict], key: str) -> list:
    """items[i][key] for every item (None where missing), at C speed when all have it."""
    try:
        return list(map(itemgetter(key), items))
    except KeyError:
        return [item.get(key) for item in items]


def _starts(items: list[dict]) -> np.ndarray:
    raw = _column(items, "start_s")
    try:
        starts = np.array(raw, dtype=float)
    except (TypeError, ValueError):
        starts = np.array([math.nan if (v := _start(r)) is None else v for r in raw], dtype=float)
    if starts.ndim != 1:  # e.g. a list given as a start time
        starts = np.array([math.nan if (v := _start(r)) is None else v for r in raw], dtype=float)
    return starts


@dataclass
class TurnTable:
    """Every turn of a batch of transcripts, flattened in order (one Python pass).

    ``doc`` is the row position of each turn, ``speaker`` 0 agent / 1 customer /
    2 other, ``start`` the start in seconds (NaN when untimed).
    """

    n_docs: int
    doc: np.ndarray
    speaker: np.ndarray
    text: list[str]
    start: np.ndarray

    @classmethod
    def parse(cls, transcripts: pd.Series | list) -> TurnTable:
        values = transcripts.tolist() if isinstance(transcripts, pd.Series) else list(transcripts)
        per_doc = [_items(v) for v in values]
        items = [item for turns in per_doc for item in turns]
        lengths = [len(turns) for turns in per_doc]
        if not all(map(isinstance, items, repeat(dict))):
            per_doc = [[item for item in turns if isinstance(item, dict)] for turns in per_doc]
            items = [item for turns in per_doc for item in turns]
            lengths = [len(turns) for turns in per_doc]
        doc = np.repeat(np.arange(len(values)), np.asarray(lengths, dtype=np.int64))
        text = _column(items, "text")
        if not all(map(isinstance, text, repeat(str))):
            text = ["" if not t else t if isinstance(t, str) else str(t) for t in text]
        speakers = _column(items, "speaker")
        return cls(len(values), doc, _speaker_codes(speakers), text, _starts(items))

    def joined(self, speaker: int, last: int | None = None) -> list[str]:
        """Per document, the texts of `speaker`'s turns joined by newlines (only the
        `last` ones when given)."""
        keep = np.flatnonzero(self.speaker == speaker)
        doc = self.doc[keep]
        bounds = np.searchsorted(doc, np.arange(self.n_docs + 1))
        texts = [self.text[i] for i in keep.tolist()]
        lo, hi = bounds[:-1], bounds[1:]
        if last is not None:
            lo = np.maximum(lo, hi - last)
        return ["\n".join(texts[a:b]) for a, b in zip(lo.tolist(), hi.tolist(), strict=True)]

    def lines(self, speaker: int, last: int | None = None) -> list[list[str]]:
        """Like ``joined`` but each document's turns as a list (nothing joined)."""
        keep = np.flatnonzero(self.speaker == speaker)
        bounds = np.searchsorted(self.doc[keep], np.arange(self.n_docs + 1))
        texts = [self.text[i] for i in keep.tolist()]
        lo, hi = bounds[:-1], bounds[1:]
        if last is not None:
            lo = np.maximum(lo, hi - last)
        return [texts[a:b] for a, b in zip(lo.tolist(), hi.tolist(), strict=True)]

    def flat_lines(self, speaker: int) -> tuple[list[str], np.ndarray]:
        """`speaker`'s turns of all documents in one list, and how many each document
        has: ``lines`` without a list per document."""
        keep = np.flatnonzero(self.speaker == speaker)
        texts = [self.text[i] for i in keep.tolist()]
        return texts, np.bincount(self.doc[keep], minlength=self.n_docs)

    def counts(self, speaker: int) -> np.ndarray:
        return np.bincount(self.doc[self.speaker == speaker], minlength=self.n_docs)

    def silences(self) -> tuple[np.ndarray, np.ndarray]:
        """(longest silence, total of silences over 20 s) per document; NaN when untimed.

        Same rule as ``parse_transcript``, vectorised over the batch.
        """
        timed = np.flatnonzero(~np.isnan(self.start))
        texts = self.text if len(timed) == len(self.text) else [self.text[i] for i in timed]
        words = np.fromiter(map(str.count, texts, repeat(" ")), dtype=float, count=len(timed)) + 1
        doc, start = self.doc[timed], self.start[timed]
        end = start + words / WORDS_PER_SECOND
        same = doc[1:] == doc[:-1]
        gap, gap_doc = (start[1:] - end[:-1])[same], doc[1:][same]
        longest = np.full(self.n_docs, math.nan)
        total = np.full(self.n_docs, math.nan)
        if len(gap):
            firsts = np.flatnonzero(np.r_[True, gap_doc[1:] != gap_doc[:-1]])
            owners = gap_doc[firsts]
            longest[owners] = np.maximum(np.maximum.reduceat(gap, firsts), 0.0)
            total[owners] = np.add.reduceat(np.where(gap > GAP_THRESHOLD_S, gap, 0.0), firsts)
        return longest, total


def transcript_parts(transcripts: pd.Series, turns: TurnTable | None = None) -> pd.DataFrame:
    """Parse a column of transcripts into the TRANSCRIPT_PARTS columns.

    Vectorised over the batch; equal to ``parse_transcript`` row by row (tested).
    """
    table = turns if turns is not None else TurnTable.parse(transcripts)
    longest, total = table.silences()
    parts = pd.DataFrame(
        {
            "agent_text": pd.Series(table.joined(0), index=transcripts.index, dtype=object),
            "customer_text": pd.Series(table.joined(1), index=transcripts.index, dtype=object),
            "agent_turns": table.counts(0),
            "customer_turns": table.counts(1),
            "longest_gap_s": longest,
            "silence_s": total,
        },
        index=transcripts.index,
    )
    return parts


def to_utc(values: pd.Series) -> pd.Series:
    """started_at as tz-aware UTC datetimes; naive values are taken as UTC."""
    times = pd.to_datetime(values, utc=True, errors="coerce", format="mixed")
    if times.isna().any():
        bad = values[times.isna()].head(3).tolist()
        raise FlaggingError(f"started_at has values that are not dates: {bad}")
    return times


def read_labels(frame: pd.DataFrame, target: str, label_column: str | None) -> pd.Series:
    """The 0/1 label per row (NaN where unknown), from the target's label column.

    Accepts booleans, 0/1 and the strings true/false/yes/no/1/0 (import format).
    """
    column = label_column or DEFAULT_LABEL_COLUMNS.get(target, target)
    if column not in frame.columns:
        raise FlaggingError(
            f"missing label column {column!r} for target {target!r}; pass label_column= to name it"
        )
    raw = frame[column]
    mapping = {"true": 1.0, "yes": 1.0, "1": 1.0, "false": 0.0, "no": 0.0, "0": 0.0}

    def one(value: object) -> float:
        if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
            return math.nan
        if isinstance(value, str):
            return mapping.get(value.strip().lower(), math.nan) if value.strip() else math.nan
        return 1.0 if bool(value) else 0.0

    return pd.Series([one(v) for v in raw.tolist()], index=frame.index, dtype=float)


def labelled_rows(
    frame: pd.DataFrame,
    target: str,
    label_column: str | None,
    *,
    min_rows: int,
    min_positives: int,
) -> tuple[pd.DataFrame, np.ndarray, int]:
    """Rows with a known label and the 0/1 labels; FlaggingError when too few."""
    check_columns(frame)
    labels = read_labels(frame, target, label_column)
    known = labels.notna().to_numpy()
    rows, y = frame.loc[known], labels[known].to_numpy(dtype=int)
    positives, n = int(y.sum()), len(y)
    if n == 0 or positives in (0, n):
        only = "no labelled rows" if n == 0 else f"all {n} labels are {y[0]}"
        raise FlaggingError(
            f"labels for target {target!r} have a single class ({only}); "
            "training needs both positive and negative examples"
        )
    if n < min_rows:
        raise FlaggingError(f"too few labelled rows for {target!r}: {n} (need at least {min_rows})")
    for name, count in (("positive", positives), ("negative", n - positives)):
        if count < min_positives:
            raise FlaggingError(
                f"too few {name} labels for {target!r}: {count} of {n} rows "
                f"(need at least {min_positives})"
            )
    return rows, y, n
