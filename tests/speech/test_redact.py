"""Audio redaction: the redacted words of a turn give the span to silence."""

import numpy as np

from speech.redact import redact_turns, silence


def _find_digits(text):
    """A stand-in for the application's redaction: any 16-digit word is a card."""
    import re

    return [(m.start(), m.end(), f"[CARD ****{m.group()[-4:]}]")
            for m in re.finditer(r"\d{16}", text)]  # fmt: skip


TURN = {
    "speaker": "customer", "start": 1.0, "end": 4.0, "text": "my card is 4111111111111111 ok",
    "words": [{"start": 1.0, "end": 1.2, "text": " my"},
              {"start": 1.2, "end": 1.5, "text": " card"},
              {"start": 1.5, "end": 1.7, "text": " is"},
              {"start": 1.8, "end": 3.4, "text": " 4111111111111111"},
              {"start": 3.5, "end": 4.0, "text": " ok"}],
}  # fmt: skip


def test_the_card_is_redacted_in_text_and_words_and_its_span_returned():
    turns, spans = redact_turns([TURN], _find_digits)
    assert turns[0]["text"] == "my card is [CARD ****1111] ok"
    assert [w["text"] for w in turns[0]["words"]] == [
        " my",
        " card",
        " is",
        " [CARD ****1111]",
        " ok",
    ]
    assert spans == [(1.8, 3.4, "[CARD ****1111]")]
    assert "4111" not in str(turns)


def test_a_turn_without_data_is_unchanged_and_silences_nothing():
    clean = {**TURN, "words": TURN["words"][:3], "text": "my card is"}
    turns, spans = redact_turns([clean], _find_digits)
    assert turns[0]["text"] == "my card is" and spans == []


def test_silence_zeroes_every_channel_in_the_span_and_nothing_else():
    rate = 1000
    samples = np.ones((2, 5 * rate), np.float32)
    out = silence(samples, rate, [(1.8, 3.4, "[CARD]")])
    assert not out[:, 1600:3600].any()  # span, with 0.2 s each side
    assert out[:, :1590].all() and out[:, 3610:].all()
    assert samples.all()  # the input is not modified
