"""Redaction of personal data in transcripts: what is replaced, by what, and what
must survive (order numbers, dates, times, prices, tracking numbers)."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from qa_app.interactions.redaction import (
    NOTHING,
    Policy,
    PolicyError,
    luhn_valid,
    policy_from_config,
    redact,
    redact_turns,
)
from tests.fuzzing import budget

ALL = Policy.build()


def test_a_card_read_out_with_spaces_keeps_only_its_last_four_digits():
    text = "Customer: Sure, it's 4111 1111 1111 1111, expiry oh five twenty-six."
    assert redact(text, ALL) == "Customer: Sure, it's [CARD ****1111], expiry oh five twenty-six."


@pytest.mark.parametrize(
    ("spoken", "token"),
    [
        ("5500-0000-0000-0004", "[CARD ****0004]"),  # Mastercard with dashes
        ("3782 822463 10005", "[CARD ****0005]"),  # American Express 4-6-5
        ("4012888888881881", "[CARD ****1881]"),  # one block
        ("4 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1", "[CARD ****1111]"),  # digit by digit
        ("4111-1111 1111-1111", "[CARD ****1111]"),  # mixed separators
    ],
)
def test_cards_in_the_ways_people_give_them(spoken, token):
    assert redact(f"the number is {spoken} thanks", ALL) == f"the number is {token} thanks"


def test_a_card_followed_by_its_security_code_is_still_found():
    assert redact("4111 1111 1111 1111 737", ALL) == "[CARD ****1111] 737"


def test_a_sixteen_digit_order_number_that_fails_luhn_survives():
    assert not luhn_valid("4512330988127764")
    for text in ("Order 4512 3309 8812 7764 shipped", "order 4512330988127764"):
        assert redact(text, ALL) == text


def test_luhn_on_known_numbers():
    assert luhn_valid("79927398713") and not luhn_valid("79927398710")
    assert luhn_valid("4111111111111111") and not luhn_valid("4111111111111112")


@pytest.mark.parametrize(
    "text",
    [
        "It arrived on 2026-11-26 at 10:30, not 26/11/2026 or 26.11.2026.",
        "That comes to $1,299.99, or £49.50 a month, 1 250,00 € in France.",
        "Tracking 9400 1000 0000 0000 0000 00 and UPS 1Z999AA10123456784.",
        "Your account 12345678, sort code 12-34-56, 3 items, refund 25.00.",
        "Reference ORD-2026-000123 and invoice INV/4412/2026, version 1.2.3.",
        "Opening hours 9.00 to 17.30, call back between 10:00 and 12:00.",
        "The IP was 192.168.1.10 and the ticket 1234567890.",
        "On 01-12-2026 10:30 we spoke; the code is 123456789.",
        "The example NI number QQ 12 34 56 C is not a real one.",
        "Bad SSNs 000-12-3456, 666-12-3456, 900-12-3456, 123-00-4567, 123-45-0000.",
    ],
)
def test_false_positive_traps_survive(text):
    assert redact(text, ALL) == text


@pytest.mark.parametrize(
    ("phone", "last"),
    [
        ("+44 20 7946 0958", "58"),
        ("+442079460958", "58"),
        ("+44 (0)20 7946 0958", "58"),
        ("0044 20 7946 0958", "58"),
        ("020 7946 0958", "58"),
        ("07700 900123", "23"),
        ("07700900123", "23"),
        ("0161 496 0000", "00"),
        ("(415) 555-2671", "71"),
        ("415-555-2671", "71"),
        ("415.555.2671", "71"),
        ("+1 415 555 2671", "71"),
        ("1 (415) 555-2671", "71"),
        ("+33 1 23 45 67 89", "89"),
    ],
)
def test_phone_numbers_in_international_and_national_formats(phone, last):
    assert redact(f"call me on {phone} please", ALL) == f"call me on [PHONE ***-**{last}] please"


def test_emails_are_replaced_whole():
    text = "Write to jane.doe+orders@mail.example.co.uk. Or J_Smith@corp-x.com!"
    assert redact(text, ALL) == "Write to [EMAIL]. Or [EMAIL]!"


def test_us_social_security_numbers_follow_the_issuing_rules():
    assert redact("SSN 123-45-6789", ALL) == "SSN [SSN]"
    assert redact("it's 123 45 6789", ALL) == "it's [SSN]"
    assert redact("social security number: 123456789", ALL) == "social security number: [SSN]"
    assert redact("mixed 123-45 6789", ALL) == "mixed 123-45 6789"


def test_uk_national_insurance_numbers():
    assert redact("NI number AB 12 34 56 C.", ALL) == "NI number [NINO]."
    assert redact("ab123456c", ALL) == "[NINO]"
    assert redact("GB123456A and AB123456E", ALL) == "GB123456A and AB123456E"


def test_a_whole_call_is_redacted_turn_by_turn_and_keeps_its_shape():
    turns = [
        {"speaker": "agent", "text": "Can I take your e-mail and phone?", "start_s": 0.0},
        {"speaker": "customer", "text": "ann@example.com, 07700 900123", "start_s": 3.0},
        {"speaker": "customer", "text": "Card 5500 0000 0000 0004 for order 1042", "start_s": 9.0},
        {"speaker": "agent", "text": "Thanks, £12.99 on 2026-11-26.", "start_s": 15.5},
    ]
    redacted = redact_turns(turns, ALL)
    assert [t["text"] for t in redacted] == [
        "Can I take your e-mail and phone?",
        "[EMAIL], [PHONE ***-**23]",
        "Card [CARD ****0004] for order 1042",
        "Thanks, £12.99 on 2026-11-26.",
    ]
    assert [(t["speaker"], t["start_s"]) for t in redacted] == [
        (t["speaker"], t["start_s"]) for t in turns
    ]
    assert turns[1]["text"] == "ann@example.com, 07700 900123"  # input untouched


def test_each_kind_can_be_switched_off():
    text = "4111 1111 1111 1111 / ann@example.com / 020 7946 0958 / 123-45-6789"
    only_cards = Policy.build(kinds=["card"])
    assert redact(text, only_cards) == (
        "[CARD ****1111] / ann@example.com / 020 7946 0958 / 123-45-6789"
    )
    assert redact(text, NOTHING) == text
    no_ssn = Policy.build(national_ids=["uk_nino"])
    assert redact("123-45-6789", no_ssn) == "123-45-6789"


def test_custom_patterns_from_config_get_their_name_as_token():
    policy = policy_from_config(
        {"REDACTION_KINDS": "card, email", "REDACTION_PATTERNS": {"member": r"\bMBR-\d{6}\b"}}
    )
    assert policy.kinds == {"card", "email"}
    assert redact("member MBR-123456, call 020 7946 0958", policy) == (
        "member [MEMBER], call 020 7946 0958"
    )


@pytest.mark.parametrize(
    ("config", "message"),
    [
        ({"REDACTION_KINDS": ["card", "dna"]}, "REDACTION_KINDS: unknown dna"),
        ({"REDACTION_NATIONAL_IDS": ["fr_insee"]}, "REDACTION_NATIONAL_IDS: unknown fr_insee"),
        ({"REDACTION_PATTERNS": {"bad": "(unclosed"}}, "REDACTION_PATTERNS['bad']"),
        ({"REDACTION_PATTERNS": {"x]y": "a"}}, "must be a short word"),
    ],
)
def test_a_bad_configuration_is_refused_with_the_key_named(config, message):
    with pytest.raises(PolicyError, match=message.replace("[", r"\[")):
        policy_from_config(config)


def test_long_digit_runs_are_handled_in_linear_time():
    text = " ".join(["1"] * 20000) + "x" + "9" * 20000
    assert redact(text, ALL) == text


def _with_check_digit(body: str) -> str:
    return next(body + d for d in "0123456789" if luhn_valid(body + d))


@budget(200)
@given(
    body=st.text(alphabet="0123456789", min_size=14, max_size=14),
    network=st.sampled_from("2345"),
    sep=st.sampled_from([" ", "-", ""]),
    before=st.text(alphabet=st.characters(blacklist_categories=["Cs"]), max_size=30),
)
def test_any_valid_card_in_any_sentence_is_redacted(body, network, sep, before):
    number = _with_check_digit(network + body)
    printed = sep.join(number[i : i + 4] for i in range(0, 16, 4))
    text = f"{before} card {printed}, thanks"
    out = redact(text, ALL)
    assert printed not in out and f"[CARD ****{number[-4:]}]" in out


@budget(300)
@given(st.text(max_size=200))
def test_redaction_never_fails_and_is_idempotent(text):
    once = redact(text, ALL)
    assert redact(once, ALL) == once


def test_a_call_with_nothing_to_redact_comes_back_as_the_same_objects():
    text = "Your ticket is TCK-49605, £12.00 refunded."
    turns = [{"speaker": "agent", "text": text, "start_s": 1}]
    assert redact_turns(turns, ALL) is turns


def test_non_ascii_digits_are_left_alone_rather_than_misread():
    arabic = " ".join(["\u0664\u0661\u0661\u0661"] + ["\u0661" * 4] * 3)  # Arabic-Indic
    assert redact(f"card {arabic}", ALL) == f"card {arabic}"
