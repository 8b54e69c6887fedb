"""The window of a transcript one page shows: long turns cut with the rest one
position away, a page bounded in characters and turns, a bounded number of marks."""

from qa_app.interactions import transcript
from qa_app.interactions.transcript import MARKS, PAGE_CHARS, PAGE_TURNS, TURN_CHARS


def turns(*texts: str) -> list[dict]:
    return [{"speaker": "agent", "text": t, "start_s": float(n)} for n, t in enumerate(texts)]


def shown(window) -> str:
    return "".join(text for piece in window.pieces for text, _ in piece.segments)


def test_a_short_transcript_is_shown_whole():
    w = transcript.window(turns("Hello", "Hi"), "")
    assert w.complete and shown(w) == "HelloHi" and w.next is None
    assert [p.at for p in w.pieces] == ["00:00", "00:01"]


def test_a_long_turn_is_cut_and_the_rest_pages_through_it_by_offset():
    text = "".join(chr(65 + n % 26) for n in range(3 * TURN_CHARS + 7))
    seen, position = "", (0, 0)
    while position is not None:
        w = transcript.window(turns(text, "after"), "", turn=position[0], at=position[1])
        first = w.pieces[0]
        assert first.end - first.start <= TURN_CHARS
        seen += shown(w).removesuffix("after")
        position = (first.index, first.end) if first.cut else None
    assert seen == text
    assert not transcript.window(turns(text)).complete


def test_a_page_holds_at_most_page_chars_and_page_turns():
    many = transcript.window(turns(*["word"] * (PAGE_TURNS * 3)))
    assert len(many.pieces) == PAGE_TURNS and many.next == (PAGE_TURNS, 0)
    wide = transcript.window(turns(*["y" * TURN_CHARS] * 20))
    assert sum(p.end - p.start for p in wide.pieces) == PAGE_CHARS
    assert wide.next == (PAGE_CHARS // TURN_CHARS, 0)


def test_matches_are_all_counted_but_only_the_first_marks_highlighted():
    w = transcript.window(turns("x" * 5_000_000), "X")
    assert w.matches == 5_000_000 and w.marked == MARKS and w.more_marks
    assert sum(1 for p in w.pieces for _, hit in p.segments if hit) == MARKS
    assert w.next_match == (0, MARKS)  # the first unmarked match, not this page again


def test_next_match_leads_past_the_page_to_the_following_match():
    texts = ["nothing"] * (PAGE_TURNS + 10) + ["a refund here"]
    w = transcript.window(turns(*texts), "refund")
    assert w.matches == 1 and w.marked == 0 and w.next_match == (PAGE_TURNS + 10, 0)
    there = transcript.window(turns(*texts), "refund", turn=PAGE_TURNS + 10)
    assert there.marked == 1 and there.next_match is None


def test_a_position_outside_the_transcript_is_the_start():
    for turn, at in ((5, 0), (0, 10**9), (-1, -1)):
        w = transcript.window(turns("abc"), "", turn=turn, at=at)
        assert shown(w) in ("abc", "")
    assert transcript.window([], "x").pieces == []


def test_as_text_writes_one_line_per_turn():
    lines = list(
        transcript.as_text(
            [
                {"speaker": "customer", "text": "Hi", "start_s": 65},
                {"speaker": "agent", "text": "Hello", "start_s": None},
            ]
        )
    )
    assert lines == ["[01:05] Customer: Hi\n", "Agent: Hello\n"]
