"""How much of a transcript one page shows, and which of its words a search marks.

A transcript may hold anything an import accepted: one turn of five million
characters, or a hundred thousand turns. Every page that shows one (the
interaction, the scoring page, the evaluation pages) shows a *window* of it:
at most ``TURN_CHARS`` characters of one turn (the rest one link away), at most
``PAGE_CHARS`` characters and ``PAGE_TURNS`` turns in all, and at most ``MARKS``
highlighted search matches. The page then stays under a megabyte whatever the
transcript, and rendering it costs what rendering a normal transcript costs.

A position in a transcript is ``(turn, at)``: the 0-based turn and the character
offset inside its text where the window starts. Pure: no Flask, no database.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

TURN_CHARS = 20_000  # of one turn, before "show the rest of this turn"
PAGE_CHARS = 100_000  # of transcript text on one page (a long call is ~60,000)
PAGE_TURNS = 500  # an hour's chat is a few hundred turns
MARKS = 200  # highlighted matches on one page


@dataclass
class Piece:
    """The shown part ``[start, end)`` of one turn, split into plain and
    matching segments (the template escapes and marks them)."""

    index: int
    speaker: str
    at: str  # "mm:ss" or "" when the file gave no time
    start: int
    end: int
    length: int
    segments: list[tuple[str, bool]] = field(default_factory=list)

    @property
    def cut(self) -> bool:
        return self.end < self.length

    @property
    def hit(self) -> bool:
        return any(is_match for _, is_match in self.segments)


@dataclass
class Window:
    pieces: list[Piece]
    total_turns: int
    matches: int = 0  # in the whole transcript
    marked: int = 0  # highlighted on this page
    more_marks: bool = False  # this page has matches beyond ``MARKS``, not highlighted
    next: tuple[int, int] | None = None  # where the next page starts
    next_match: tuple[int, int] | None = None  # a page starting near the next match
    at_start: bool = True

    @property
    def complete(self) -> bool:
        """The whole transcript is on this page (nothing cut, nothing left)."""
        return self.at_start and self.next is None and not any(p.cut for p in self.pieces)


def window(turns: list[dict[str, Any]], q: str = "", *, turn: int = 0, at: int = 0) -> Window:
    """The page of ``turns`` starting at ``(turn, at)``, with matches of ``q``
    (case-insensitive, literal) marked. A start outside the transcript is
    the beginning."""
    turns = turns or []
    if not 0 <= turn < len(turns):
        turn, at = 0, 0
    at = min(max(at, 0), len(_text(turns[turn]))) if turns else 0
    needle = q.strip()
    pattern = re.compile(re.escape(needle), re.IGNORECASE) if needle else None
    result = Window([], len(turns), at_start=(turn, at) == (0, 0))
    budget, index = PAGE_CHARS, turn
    while index < len(turns) and len(result.pieces) < PAGE_TURNS and budget > 0:
        text = _text(turns[index])
        start = at if index == turn else 0
        end = start + min(TURN_CHARS, budget, len(text) - start)
        piece = Piece(index, str(turns[index].get("speaker", "")),
                      clock(turns[index].get("start_s")), start, end, len(text))  # fmt: skip
        piece.segments = _segments(text, piece, pattern, result)
        result.pieces.append(piece)
        budget -= end - start
        index += 1
    last = result.pieces[-1] if result.pieces else None
    if last is not None and last.cut:
        result.next = (last.index, last.end)
    elif index < len(turns):
        result.next = (index, 0)
    if pattern is not None:
        result.matches = count(turns, needle)
        if result.next_match is None and result.next is not None:
            result.next_match = _find(turns, pattern, result.next)
    return result


def count(turns: list[dict[str, Any]], needle: str) -> int:
    """Matches of ``needle`` in every turn, case-insensitive, not overlapping.

    ``str.count`` on the lower-cased text: a hundred times faster than walking
    the regex's matches (5,000,000 matches of "x" take 20 ms, not 1.2 s). It
    can differ from the marked matches only for the few characters whose lower
    case is longer (Turkish dotted I)."""
    low = needle.lower()
    return sum(_text(turn).lower().count(low) for turn in turns)


def _segments(
    text: str, piece: Piece, pattern: re.Pattern[str] | None, result: Window
) -> list[tuple[str, bool]]:
    start, end = piece.start, piece.end
    if pattern is None:
        return [(text[start:end], False)]
    segments: list[tuple[str, bool]] = []
    last = start
    for match in pattern.finditer(text, start, end):
        if result.marked >= MARKS:  # "next match" starts a page at the first unmarked one
            result.more_marks = True
            result.next_match = result.next_match or (piece.index, match.start())
            break
        if match.start() > last:
            segments.append((text[last : match.start()], False))
        segments.append((match.group(0), True))
        last = match.end()
        result.marked += 1
    if last < end:
        segments.append((text[last:end], False))
    return segments


def _find(
    turns: list[dict[str, Any]], pattern: re.Pattern[str], since: tuple[int, int]
) -> tuple[int, int] | None:
    """A page starting a little before the first match at or after ``since``,
    so the match shows with some of what came before it in its turn."""
    index, at = since
    for number in range(index, len(turns)):
        found = pattern.search(_text(turns[number]), at if number == index else 0)
        if found is not None:
            return number, _before(found.start(), at if number == index else 0)
    return None


def _before(offset: int, floor: int) -> int:
    """Where a page showing the match at ``offset`` starts: the turn's start when
    the match is in the turn's first shown part, else a little before the match."""
    return max(offset - 200 if offset - floor > TURN_CHARS // 2 else floor, floor)


def _text(turn: Any) -> str:
    return str(turn.get("text", "")) if isinstance(turn, dict) else ""


def clock(seconds: Any) -> str:
    """``75`` -> ``01:15``; ``3725`` -> ``1:02:05``; no time -> ``""``."""
    if seconds is None or isinstance(seconds, bool):
        return ""
    whole = int(float(seconds))
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes:02d}:{secs:02d}"


def as_text(turns: list[dict[str, Any]]):
    """The whole transcript as plain text, one turn per line (``[mm:ss] Agent: ...``),
    yielded turn by turn so a download never holds a second copy in memory."""
    for turn in turns:
        time = clock(turn.get("start_s")) if isinstance(turn, dict) else ""
        speaker = str(turn.get("speaker", "")).capitalize() if isinstance(turn, dict) else ""
        prefix = f"[{time}] " if time else ""
        yield f"{prefix}{speaker}: {_text(turn)}\n"
