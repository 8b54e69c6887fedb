"""Turn a contact's hidden truth into a believable transcript (calls, chats and emails).

The transcript is written from the truth *before* the escalation outcome is drawn, so
the text carries the causes (anger, holds, wrong answers, unresolved issues) but never
the outcome itself: a model has to read signals, not a label.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from random import Random

from qa_app.demo import phrases as ph

AGENT = "agent"
CUSTOMER = "customer"


def build_turns(
    channel: str, issue: str, q: dict, holds: list[int], cues: dict, slots: dict, rnd: Random
) -> tuple[list[dict], int]:
    """Return ``(turns, duration_seconds)`` for one contact.

    ``q`` is the quality truth (greeted, verified_identity, empathy, ...), ``holds`` the
    hold gaps in seconds (calls and chats), ``cues`` the customer's behaviour
    (``mood``, ``end_mood``, ``repeat``, ``manager``, ``complaint``, ``cancel_threat``,
    ``retained``), ``slots`` the values for the templates.
    """
    beats = _beats(channel, ph.ISSUES[issue], q, holds, cues, slots, rnd)
    if channel == "email":
        beats = _as_emails(beats, slots, rnd)
    elif channel == "chat" and rnd.random() < 0.4:
        # Some chat customers type in lower case without full stops.
        for b in beats:
            if b[0] == CUSTOMER:
                b[1] = b[1].lower().rstrip(".")
    return _timed(channel, beats, rnd)


def _beats(channel, iss, q, holds, cues, slots, rnd) -> list[list]:
    r = rnd.random

    def fill(options) -> str:
        return options[int(r() * len(options))].format_map(slots)

    mood, end_mood = cues["mood"], cues["end_mood"]
    beats: list[list] = []  # [speaker, text, wait-after-seconds]

    def say(speaker, text, wait=0):
        beats.append([speaker, text, wait])

    problem = fill(iss[mood])
    repeat_later = False
    if cues["repeat"]:
        # Said up front with the problem, or a turn later as an aside.
        repeat_later = r() < 0.4
        if not repeat_later:
            problem = f"{problem} {fill(ph.REPEAT)}"
    if mood == "angry" and r() < 0.5:
        problem = f"{problem} {fill(ph.ANGRY_ASIDE)}"
    greeting = fill(ph.GREETING[channel] if q["greeted"] else ph.NO_GREETING[channel])
    if channel == "email":
        say(CUSTOMER, problem)
        say(AGENT, greeting)
    else:
        say(AGENT, greeting)
        say(CUSTOMER, problem)

    empathy = q["empathy"]
    if empathy > 0.6:
        say(AGENT, fill(ph.EMPATHY[mood]))
    elif empathy < 0.3:
        say(AGENT, fill(ph.COLD_ACK))
    else:
        say(AGENT, fill(ph.NEUTRAL_ACK))

    if repeat_later:
        say(CUSTOMER, fill(ph.REPEAT))

    if q["verified_identity"]:
        ask, answer = pick(r, ph.VERIFY)
        say(AGENT, ask.format_map(slots))
        say(CUSTOMER, answer.format_map(slots))
        say(AGENT, fill(ph.VERIFY_OK))

    # One to three question-and-answer rounds (emails: two or three), in varied order.
    m = len(iss["ask"])
    rounds = min(m, (2 if channel == "email" else 1) + int(r() * (2 if channel == "email" else 3)))
    first, step = int(r() * m), (1 if r() < 0.5 else m - 1)
    order = [(first + step * j) % m for j in range(rounds)]
    # An email asks all its questions at once; a call or chat goes one at a time.
    batches = [order] if channel == "email" else [[k] for k in order]
    for batch in batches:
        for k in batch:
            say(AGENT, iss["ask"][k].format_map(slots))
        for k in batch:
            say(CUSTOMER, iss["detail"][k].format_map(slots))
        feeling = end_mood if r() < 0.5 else mood
        if feeling != "calm" and r() < 0.3:
            beats[-1][1] += " " + fill(ph.ASIDE[feeling])

    if channel != "email":
        for gap in holds:
            if channel == "chat":
                say(AGENT, fill(ph.CHAT_WAIT), gap)
            elif q["hold_etiquette"]:
                say(AGENT, fill(ph.HOLD_ASK_GOOD))
                say(CUSTOMER, fill(ph.HOLD_OK[mood]), gap)
            else:
                say(AGENT, fill(ph.HOLD_ASK_BAD), gap)
            say(AGENT, fill(ph.HOLD_BACK_GOOD if q["hold_etiquette"] else ph.HOLD_BACK_BAD))
            if gap > 180 and end_mood == "angry" and r() < 0.7:
                say(CUSTOMER, fill(ph.LONG_HOLD_COMPLAINT))

    if q["wrong_information"]:
        say(AGENT, fill(iss["wrong"]))
    if iss["topic"] == "cancellation" and q["resolved"]:
        say(AGENT, fill(iss["fix"]))
        if cues["retained"]:
            say(CUSTOMER, fill(ph.RETENTION_ACCEPT))
        else:
            say(CUSTOMER, fill(ph.RETENTION_DECLINE))
            say(AGENT, fill(ph.CANCEL_DONE))
    else:
        say(AGENT, fill(iss["fix"] if q["resolved"] else iss["unresolved"]))
    say(CUSTOMER, fill((ph.AFTER_FIX if q["resolved"] else ph.AFTER_UNRESOLVED)[end_mood]))

    demands = [fill(bank) for key, bank in _DEMANDS if cues[key]]
    if demands:
        if end_mood == "angry" and r() < 0.5:
            demands.insert(0, fill(ph.ANGRY_ASIDE))
        say(CUSTOMER, " ".join(demands))
        say(AGENT, fill(ph.DEESCALATE if empathy > 0.45 else ph.DISMISS))

    if q["summarised"]:
        recap = iss["recap"][0 if q["resolved"] else 1].format_map(slots)
        say(AGENT, pick(r, ph.SUMMARY).format(recap=recap))
    if q["closed_properly"]:
        say(AGENT, fill(ph.ANYTHING_ELSE))
        say(CUSTOMER, fill(ph.NOTHING_ELSE))
        say(AGENT, fill(ph.CLOSE_GOOD))
        if r() < 0.6:
            say(CUSTOMER, fill(ph.BYE))
    else:
        say(AGENT, fill(ph.CLOSE_BAD))
        if r() < 0.4:
            say(CUSTOMER, fill(ph.BYE))
    return beats


_DEMANDS = (
    ("manager", ph.MANAGER),
    ("complaint", ph.COMPLAINT),
    ("cancel_threat", ph.CANCEL_THREAT),
)


def _as_emails(beats: list[list], slots: dict, rnd: Random) -> list[list]:
    """Merge consecutive beats of one speaker into one email with a sign-off."""
    emails: list[list] = []
    for speaker, text, _wait in beats:
        if emails and emails[-1][0] == speaker:
            emails[-1][1] += " " + text
        else:
            emails.append([speaker, text, 0])
    for e in emails:
        sign = ph.EMAIL_SIGN_AGENT if e[0] == AGENT else ph.EMAIL_SIGN_CUSTOMER
        e[1] += "\n\n" + pick(rnd.random, sign).format_map(slots)
    return emails


def _timed(channel: str, beats: list[list], rnd: Random) -> tuple[list[dict], int]:
    """Give each beat a start time; return turns and the contact's duration in seconds."""
    r = rnd.random
    turns: list[dict] = []
    t = 0.0
    took = 0.0
    for speaker, text, wait in beats:
        turns.append({"speaker": speaker, "text": text, "start_s": round(t, 1)})
        if channel == "call":
            took = 0.6 + 0.38 * (text.count(" ") + 1)
            t += took + (0.3 + 1.5 * r()) + wait
        elif channel == "chat":
            took = len(text) / (5.0 if speaker == AGENT else 3.5)
            t += took + (3.0 + 32.0 * r()) + wait
        else:
            took = 60.0
            hours = 0.5 + 25.5 * r() if speaker == CUSTOMER else 0.2 + 29.8 * r()
            t += hours * 3600.0
    return turns, int(turns[-1]["start_s"] + took) + 1


def pick(random: Callable[[], float], options: Sequence):
    """``random.choice`` without its overhead (this runs millions of times)."""
    return options[int(random() * len(options))]


class Slots(dict):
    """Template values for one contact, drawn lazily: only the slots a template uses.

    Details a customer would give the same way twice (postcode, date of birth, card,
    address) are kept on the customer, so repeat contacts stay consistent.
    """

    CUSTOMER_KEYS = frozenset(("postcode", "dob", "last4", "house", "street"))

    def __init__(self, rnd: Random, agent_first: str, customer: dict, ts: float):
        prior = min(len(customer["times"]), 4)
        super().__init__(
            agent=agent_first,
            customer=customer["first"],
            cust_last=customer["last"],
            company=ph.COMPANY,
            nth=ph.ORDINALS[prior - 1] if prior else "second",
            times=("once", "twice", "three times", "four times")[max(prior - 1, 0)],
        )
        self.rnd, self.customer, self.ts = rnd, customer, ts

    def __missing__(self, key: str) -> str:
        if key in self.CUSTOMER_KEYS:
            stable = self.customer.setdefault("slots", {})
            if key not in stable:
                stable[key] = _SLOT_MAKERS[key](self.rnd.random, self.ts)
            value = stable[key]
        else:
            value = _SLOT_MAKERS[key](self.rnd.random, self.ts)
        self[key] = value
        return value


def _date(r, ts: float) -> str:
    day = datetime.fromtimestamp(ts, UTC) - timedelta(days=1 + int(r() * 20))
    return f"{day.day} {day:%B}"


def _postcode(r, ts: float) -> str:
    a, b, c, d = "BCELMNS", "ABDEFGH", "JLNPQRT", "BCELMNS"
    return f"{pick(r, a)}{pick(r, d)}{1 + int(r() * 19)} {1 + int(r() * 9)}{pick(r, b)}{pick(r, c)}"


_MONTHS = ("January", "March", "April", "June", "August", "October", "November")
_SLOT_MAKERS: dict[str, Callable[[Callable[[], float], float], str]] = {
    "order": lambda r, ts: f"NW-{100000 + int(r() * 900000)}",
    "amount": lambda r, ts: f"£{pick(r, (19.99, 24.5, 32.0, 45.99, 59.0, 74.99, 89.5, 120.0)):.2f}",
    "amount2": lambda r, ts: f"£{pick(r, (2.5, 5, 7.5, 9.99, 12, 15)):.2f}",
    "product": lambda r, ts: pick(r, ph.PRODUCTS),
    "plan": lambda r, ts: pick(r, ph.PLANS),
    "date": _date,
    "days": lambda r, ts: str(3 + int(r() * 8)),
    "ticket": lambda r, ts: f"TCK-{10000 + int(r() * 90000)}",
    "postcode": _postcode,
    "dob": lambda r, ts: f"{1 + int(r() * 28)} {pick(r, _MONTHS)} {1950 + int(r() * 55)}",
    "last4": lambda r, ts: f"{int(r() * 10000):04d}",
    "house": lambda r, ts: str(1 + int(r() * 120)),
    "street": lambda r, ts: pick(r, ph.STREETS),
    "fee": lambda r, ts: pick(r, ph.FEES),
    "offer": lambda r, ts: pick(r, ph.OFFERS),
}
