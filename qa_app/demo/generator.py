"""Demo organisation: teams, people and interactions with a known hidden truth.

Pure (standard library + numpy) so seeding, tests and benchmarks share one generator.
Every interaction carries the *true* probabilities its outcomes were drawn from
(``escalation_probability``, ``coaching_probability``) and the hidden quality facts a
simulated reviewer should find (``quality``), so models can be judged against an oracle.
Same seed, same arguments: same output, bit for bit.
"""

from __future__ import annotations

import math
from bisect import bisect
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from itertools import accumulate
from random import Random

import numpy as np

from qa_app.demo import phrases as ph
from qa_app.demo.transcripts import Slots, build_turns, pick

DEMO_PASSWORD = "demo-password-2026"  # documented demo sign-in password (demo data only)
DEMO_DOMAIN = "demo.example"

TEAMS = (
    ("Billing & Accounts", "Bills, payments, refunds, cancellations and account access"),
    ("Technical Support", "Broadband faults, devices and the app"),
    ("Orders & Delivery", "Orders, parcels, returns and refunds"),
)


@dataclass(frozen=True)
class DemoTeam:
    name: str
    focus: str


@dataclass(frozen=True)
class DemoPerson:
    email: str
    name: str
    role: str  # "admin" | "executive" | "reviewer" | "agent"
    team: str | None  # agents and reviewers have one
    tenure_months: int | None  # agents only
    skill: float | None  # agents only, 0..1, hidden truth


@dataclass(frozen=True)
class DemoInteraction:
    external_id: str
    channel: str  # "call" | "chat" | "email"
    agent_email: str
    team: str
    started_at: datetime  # timezone-aware, UTC
    duration_seconds: int
    customer_id: str
    turns: list[dict]  # {"speaker": "agent" | "customer", "text": str, "start_s": float}
    csat: int | None
    escalated: bool
    metadata: dict
    escalation_probability: float  # the true probability `escalated` was drawn from
    coaching_probability: float  # true probability a review finds a critical error
    quality: dict  # hidden truth for simulated reviews
    # The contact-centre measures the import has columns for (see DOMAIN.md).
    topic: str | None = None
    region: str | None = None
    hold_seconds: int | None = None
    wrap_seconds: int | None = None
    transferred: bool | None = None


@dataclass(frozen=True)
class DemoOrganisation:
    teams: list[DemoTeam]
    people: list[DemoPerson]
    interactions: list[DemoInteraction]


def generate_people(seed: int = 0) -> tuple[list[DemoTeam], list[DemoPerson]]:
    """3 teams; 1 admin, 2 executives, 4 reviewers, 24 agents (8 per team), in that order.

    The first person of each role gets an easy e-mail for the README
    (admin@, exec@, reviewer@, agent@demo.example); the others firstname.lastname@.
    Each team gets new weak agents and strong veterans; tenure correlates loosely with
    skill (skill is ranked on 60 % tenure, 40 % chance, then spread over 0.15..0.92).
    """
    rng = np.random.default_rng([seed, 1])
    teams = [DemoTeam(name, focus) for name, focus in TEAMS]
    firsts = rng.permutation(len(ph.FIRST_NAMES))
    lasts = rng.permutation(len(ph.LAST_NAMES))
    names = [f"{ph.FIRST_NAMES[f]} {ph.LAST_NAMES[s]}" for f, s in zip(firsts, lasts, strict=False)]
    people: list[DemoPerson] = []

    def add(role, easy, team=None, tenure=None, skill=None):
        name = names[len(people)]
        first_of_role = not any(p.role == role for p in people)
        email = f"{easy}@{DEMO_DOMAIN}" if first_of_role else _email(name)
        people.append(DemoPerson(email, name, role, team, tenure, skill))

    add("admin", "admin")
    for _ in range(2):
        add("executive", "exec")
    for i in range(4):
        add("reviewer", "reviewer", teams[i % 3].name)
    spread = np.linspace(0.15, 0.92, 8)
    for team in teams:
        # Two new starters, four in their first years, two veterans.
        tenure = np.concatenate(
            [rng.integers(1, 5, 2), rng.integers(6, 30, 4), rng.integers(36, 96, 2)]
        )
        score = 0.6 * np.argsort(np.argsort(tenure)) / 7 + 0.4 * rng.random(8)
        skill = spread[np.argsort(np.argsort(score))] + rng.normal(0, 0.03, 8)
        # Shuffle, but lead with someone in their first years: the first agent is the
        # README's agent@ sign-in and should have a full history, not two weeks of it.
        order = [int(k) for k in rng.permutation(8)]
        lead = next(k for k in order if 2 <= k <= 5)
        for k in [lead] + [k for k in order if k != lead]:
            s = float(np.clip(skill[k], 0.05, 0.97))
            add("agent", "agent", team.name, int(tenure[k]), round(s, 3))
    return teams, people


def _email(name: str) -> str:
    local = name.lower().replace(" ", ".", 1).replace(" ", "")
    return f"{local}@{DEMO_DOMAIN}"


def generate_organisation(
    seed: int = 0, n_interactions: int = 3000, weeks: int = 12, now: datetime | None = None
) -> DemoOrganisation:
    """People plus ``n_interactions`` contacts over the ``weeks`` weeks before ``now``.

    ``now`` defaults to today 00:00 UTC, so the window ends at midnight.
    """
    if now is None:
        now = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    teams, people = generate_people(seed)
    start = now - timedelta(weeks=weeks)
    contacts = list(generate_interactions(people, n_interactions, seed=seed, start=start, end=now))
    return DemoOrganisation(teams, people, contacts)


# Relative contact volume by weekday (Mon..Sun) and by hour of day (UTC).
WEEKDAY_WEIGHT = (1.2, 1.1, 1.0, 1.0, 0.95, 0.4, 0.15)
HOUR_WEIGHT = (0,) * 7 + (0.3, 0.8, 1.2, 1.4, 1.3, 1.0, 1.1, 1.3, 1.3, 1.1, 0.9, 0.7, 0.5, 0.3, 0)
HOUR_WEIGHT += (0,) * (24 - len(HOUR_WEIGHT))


def generate_interactions(
    people: list[DemoPerson],
    n: int,
    *,
    seed: int = 0,
    start: datetime,
    end: datetime,
    id_prefix: str = "demo-",
) -> Iterator[DemoInteraction]:
    """Yield ``n`` interactions in time order, lazily (1,000,000 rows fit in a stream).

    ``start``/``end`` must be timezone-aware; contacts fall in ``[start, end)``, in
    business hours weighted by weekday. Agents only take contacts after their hire date
    (``end`` minus tenure) plus two weeks of training. Follow-up contacts reuse the
    customer, and usually the unresolved issue, of a contact from the last 30 days.
    """
    if start.tzinfo is None or end.tzinfo is None:
        raise ValueError("start and end must be timezone-aware datetimes")
    if not end > start:
        raise ValueError("end must be after start")
    agents = [p for p in people if p.role == "agent"]
    if not agents:
        raise ValueError("people must include at least one agent")
    if n < 0:
        raise ValueError("n must be >= 0")
    # Business hours and weekdays are reckoned in UTC, whatever zone the caller used.
    return _stream(agents, n, seed, start.astimezone(UTC), end.astimezone(UTC), id_prefix)


def _start_times(rng: np.random.Generator, n: int, start: datetime, end: datetime) -> list[float]:
    """``n`` sorted POSIX timestamps in ``[start, end)`` shaped like a contact centre."""
    t0, t1 = start.timestamp(), end.timestamp()
    day0 = datetime(start.year, start.month, start.day, tzinfo=UTC).timestamp()
    n_days = max(1, math.ceil((t1 - day0) / 86400))
    first_weekday = datetime.fromtimestamp(day0, UTC).weekday()
    day_w = np.array([WEEKDAY_WEIGHT[(first_weekday + d) % 7] for d in range(n_days)])
    days = rng.choice(n_days, size=n, p=day_w / day_w.sum())
    hour_w = np.array(HOUR_WEIGHT, dtype=float)
    hours = rng.choice(24, size=n, p=hour_w / hour_w.sum())
    ts = day0 + days * 86400.0 + hours * 3600.0 + rng.random(n) * 3600.0
    outside = (ts < t0) | (ts >= t1)  # partial first/last day: fall back to uniform
    ts[outside] = t0 + rng.random(int(outside.sum())) * (t1 - t0)
    return np.floor(np.sort(ts)).tolist()


def _stream(agents, n, seed, start, end, id_prefix) -> Iterator[DemoInteraction]:
    seq = np.random.SeedSequence([seed, 2])
    rng = np.random.default_rng(seq)
    rnd = Random(int(seq.generate_state(1)[0]))
    # A stream of its own for the measures added later (wrap-up, transfers), so
    # the contacts every earlier draw made stay the same, bit for bit.
    more = Random(int(seq.generate_state(2)[1]))
    times = _start_times(rng, n, start, end)
    width = max(6, len(str(max(n - 1, 0))))
    end_ts = end.timestamp()
    # Agents become available at hire + training; `times` is sorted, so walk a pointer.
    hired = sorted(
        ((end_ts - (a.tenure_months or 0) * 30.44 * 86400 + 14 * 86400, a) for a in agents),
        key=lambda pair: pair[0],
    )
    load = [0.8 + 0.4 * rnd.random() for _ in hired]  # some agents take more contacts
    customers = _Customers(rnd, cap=min(max(n, 1000), 50_000))
    ready = 0
    pool, cum = [a for _, a in hired], list(accumulate(1.0 for _ in hired))  # nobody hired yet
    r = rnd.random
    for i, ts in enumerate(times):
        if ready < len(hired) and hired[ready][0] <= ts:
            while ready < len(hired) and hired[ready][0] <= ts:
                ready += 1
            pool, cum = [a for _, a in hired[:ready]], list(accumulate(load[:ready]))
        agent = pool[bisect(cum, r() * cum[-1])]
        customer, prior, follow = customers.next(ts)
        c = draw_contact(rnd, agent, ts, customer, prior, follow)
        turns, duration = build_turns(c.channel, c.issue, c.quality, c.holds, c.cues, c.slots, rnd)
        customers.record(customer, ts, c.issue, c.quality["resolved"])
        yield DemoInteraction(
            external_id=f"{id_prefix}{i:0{width}d}",
            channel=c.channel,
            agent_email=agent.email,
            team=agent.team or "",
            started_at=datetime.fromtimestamp(ts, UTC),
            duration_seconds=duration,
            customer_id=customer["id"],
            turns=turns,
            csat=c.csat,
            escalated=c.escalated,
            metadata=c.metadata,
            escalation_probability=c.escalation_probability,
            coaching_probability=c.coaching_probability,
            quality=c.quality,
            topic=c.metadata["topic"],
            region=region_of(customer["id"]),
            hold_seconds=c.metadata["hold_seconds"],
            wrap_seconds=_wrap_seconds(more, c.channel),
            transferred=more.random()
            < 0.03 + 0.10 * (not c.quality["resolved"]) + 0.05 * c.escalated,
        )


REGIONS = (("North", 30), ("South", 25), ("East", 20), ("West", 15), ("Islands", 10))
_REGION_CUM = list(accumulate(weight for _, weight in REGIONS))
_WRAP_MEDIAN = {"call": 45.0, "chat": 30.0, "email": 90.0}


def region_of(customer_id: str) -> str:
    """A customer's region, fixed by their id (no draw: the other streams stay as they were)."""
    number = int(customer_id.rsplit("-", 1)[-1]) * 2654435761 % 100
    return REGIONS[bisect(_REGION_CUM, number)][0]


def _wrap_seconds(rnd: Random, channel: str) -> int:
    """After-call work: skewed, a few long ones (notes, a follow-up task)."""
    return int(_clip(rnd.lognormvariate(math.log(_WRAP_MEDIAN[channel]), 0.6), 5, 900))


class _Customers:
    """Recent customers, so that repeat contacts (and their count) are real in the data."""

    REPEAT_SHARE = 0.28
    WINDOW = 30 * 86400

    def __init__(self, rnd: Random, cap: int):
        self.rnd, self.cap = rnd, cap
        self.recent: list[dict] = []
        self.made = 0
        self.offset = rnd.randrange(10**7)

    def next(self, ts: float) -> tuple[dict, int, str | None]:
        """Return (customer, prior contacts in 30 days, issue to follow up or None)."""
        rnd = self.rnd
        if self.recent and rnd.random() < self.REPEAT_SHARE:
            # Prefer an unresolved issue among a few candidates: those are the ones that call back.
            cands = [self.recent[rnd.randrange(len(self.recent))] for _ in range(3)]
            cust = next((c for c in cands if c["open"]), cands[0])
            cust["times"] = [t for t in cust["times"] if ts - t <= self.WINDOW]
            if cust["times"]:
                issue = cust["issue"] if cust["open"] or rnd.random() < 0.3 else None
                return cust, len(cust["times"]), issue
        return self._new(), 0, None

    def _new(self) -> dict:
        rnd = self.rnd
        self.made += 1
        number = (self.made * 7919 + self.offset) % 10**7  # 7919 is coprime to 10**7: unique
        cust = {
            "id": f"CUST-{number:07d}",
            "first": pick(rnd.random, ph.FIRST_NAMES),
            "last": pick(rnd.random, ph.LAST_NAMES),
            "times": [],
            "issue": None,
            "open": False,
        }
        if len(self.recent) < self.cap:
            self.recent.append(cust)
        else:
            self.recent[self.made % self.cap] = cust
        return cust

    def record(self, cust: dict, ts: float, issue: str, resolved: bool) -> None:
        cust["times"].append(ts)
        cust["issue"], cust["open"] = issue, not resolved


# ---- hidden truth and outcomes of one contact -------------------------------------------

CHANNEL_MIX = {  # call, chat, email by team; overall about 50 / 35 / 15
    "Billing & Accounts": (0.52, 0.33, 0.15),
    "Technical Support": (0.58, 0.33, 0.09),
    "Orders & Delivery": (0.40, 0.39, 0.21),
}
TOPIC_MIX = {
    "Billing & Accounts": {"billing": 0.4, "refund": 0.12, "cancellation": 0.22, "account": 0.26},
    "Technical Support": {"technical": 0.62, "account": 0.28, "cancellation": 0.1},
    "Orders & Delivery": {"delivery": 0.55, "refund": 0.3, "billing": 0.08, "cancellation": 0.07},
}
DEFAULT_TOPIC_MIX = {t: 1.0 for t in ("billing", "delivery", "technical", "refund", "account")}
TOPIC_CUM = {team: (list(mix), list(accumulate(mix.values()))) for team, mix in TOPIC_MIX.items()}
DEFAULT_TOPIC_CUM = (list(DEFAULT_TOPIC_MIX), list(accumulate(DEFAULT_TOPIC_MIX.values())))
ISSUES_BY_TOPIC: dict[str, list[str]] = {}
for _key, _iss in ph.ISSUES.items():
    ISSUES_BY_TOPIC.setdefault(_iss["topic"], []).append(_key)
# Effects on the escalation log-odds; the rest of the model is in `draw_contact`.
TOPIC_ESCALATION = {
    "billing": 0.25,
    "refund": 0.15,
    "account": 0.1,
    "delivery": 0.0,
    "technical": 0.0,
    "cancellation": -0.3,
}
CHANNEL_ESCALATION = {"call": 0.2, "chat": 0.0, "email": -0.35}
QUEUE_CODE = {
    "billing": "BILL",
    "refund": "REFUND",
    "cancellation": "RETAIN",
    "account": "ACCT",
    "delivery": "ORDERS",
    "technical": "TECH",
}
CHANNEL_CODE = {"call": "VOICE", "chat": "CHAT", "email": "EMAIL"}


@dataclass(slots=True)
class _Contact:
    channel: str
    issue: str
    quality: dict
    holds: list[int]
    cues: dict
    slots: dict
    metadata: dict
    csat: int | None
    escalated: bool
    escalation_probability: float
    coaching_probability: float


def _sigmoid(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-z))


def _clip(x: float, lo: float = 0.0, hi: float = 1.0) -> float:
    return lo if x < lo else hi if x > hi else x


def draw_contact(
    rnd: Random, agent: DemoPerson, ts: float, customer: dict, prior: int, follow: str | None
) -> _Contact:
    """Draw one contact's hidden truth, then its outcomes from that truth.

    Order matters: behaviour -> transcript cues -> true probabilities -> outcomes, so the
    transcript reflects the causes of escalation but never the drawn outcome.
    """
    r = rnd.random
    team = agent.team or ""
    call, chat, _ = CHANNEL_MIX.get(team, (0.5, 0.35, 0.15))
    u = r()
    channel = "call" if u < call else "chat" if u < call + chat else "email"
    if follow is None:
        topics, cum = TOPIC_CUM.get(team, DEFAULT_TOPIC_CUM)
        topic = topics[bisect(cum, r() * cum[-1])]
        issue = pick(r, ISSUES_BY_TOPIC[topic])
    else:
        issue = follow
    iss = ph.ISSUES[issue]
    topic, difficulty = iss["topic"], iss["difficulty"]
    repeats = min(prior, 3)

    # Customer: mood at the start, anger 0..1.
    p_angry = 0.13 + 0.17 * repeats + (0.08 if topic in ("billing", "delivery") else 0.0)
    u = r()
    mood = "angry" if u < p_angry else "confused" if u < p_angry + 0.25 else "calm"
    anger = {"angry": 0.55 + 0.45 * r(), "confused": 0.1 + 0.3 * r(), "calm": 0.3 * r()}[mood]

    # Agent behaviour: skill plus a good or bad day.
    s = _clip((agent.skill if agent.skill is not None else 0.6) + rnd.gauss(0, 0.1))
    greeted = r() < 0.55 + 0.45 * s
    id_required = bool(iss["id"])
    verified = r() < (0.3 + 0.68 * s if id_required else 0.15)
    empathy = round(_clip(rnd.gauss(0.15 + 0.7 * s, 0.15)), 2)
    wrong = r() < 0.03 + 0.32 * (1 - s) ** 2
    holds: list[int] = []
    if channel != "email" and r() < (0.2 + 0.3 * (1 - s) + 0.2 * difficulty) * (
        1.0 if channel == "call" else 0.6
    ):
        n_holds = 2 if r() < 0.3 * (1 - s) else 1
        median = 50 + 160 * (1 - s)
        holds = [
            int(_clip(rnd.lognormvariate(math.log(median), 0.5), 30, 400)) for _ in range(n_holds)
        ]
    hold_s = sum(holds)
    etiquette = (r() < 0.3 + 0.65 * s) if holds else True
    resolved = r() < _sigmoid(
        1.1
        + 3.0 * (s - 0.5)
        - 1.4 * wrong
        - 2.0 * difficulty
        - 0.5 * (anger > 0.6)
        - 0.25 * repeats
    )
    summarised = r() < 0.15 + 0.75 * s
    closed = r() < 0.45 + 0.5 * s

    # Anger by the end of the contact: the agent can calm the customer or make it worse.
    end_anger = _clip(
        anger
        + 0.2 * (hold_s > 180)
        + 0.15 * (empathy < 0.3)
        + 0.3 * (not resolved)
        + 0.15 * wrong
        - 0.25 * (empathy > 0.6 and resolved)
    )
    end_mood = "angry" if end_anger > 0.55 else "calm" if mood == "angry" else mood
    cues = {
        "mood": mood,
        "end_mood": end_mood,
        "repeat": (prior > 0 and r() < 0.6) or r() < 0.02,
        "manager": r() < _sigmoid(-5.2 + 5.5 * end_anger + 0.3 * repeats),
        "complaint": r() < _sigmoid(-5.5 + 5.0 * end_anger + 0.5 * (not resolved)),
        "cancel_threat": topic != "cancellation" and r() < _sigmoid(-5.8 + 4.5 * end_anger),
        "retained": r() < (0.55 if mood == "calm" else 0.35) * (0.6 + 0.6 * s),
    }

    # True probabilities. A hidden idiosyncrasy term keeps the oracle out of reach.
    z = (
        -5.5
        + 2.6 * end_anger
        + 0.45 * repeats
        + 1.5 * (0.5 - s)
        + 1.1 * (not resolved)
        + 0.9 * wrong
        + 0.5 * (hold_s > 180)
        + TOPIC_ESCALATION[topic]
        + CHANNEL_ESCALATION[channel]
        + 0.9 * cues["manager"]
        + 0.5 * cues["complaint"]
        + rnd.gauss(0, 0.6)
    )
    p_escalation = _sigmoid(z)
    missed_id = id_required and not verified
    zc = (
        -3.0
        + 3.0 * (0.5 - s)
        + 1.5 * missed_id
        + 1.9 * wrong
        + 0.9 * (empathy < 0.3)
        + 0.4 * (not greeted)
        + 0.5 * (not etiquette)
        + 0.6 * (not resolved)
        + 0.3 * (not summarised)
    )
    p_coaching = _sigmoid(zc)
    escalated = r() < p_escalation

    csat = None
    if r() < 0.3 + 0.12 * end_anger:
        x = 3.3 + 1.2 * resolved - 1.8 * end_anger + 0.9 * empathy - 0.7 * wrong
        x += -0.3 * (hold_s > 180) + rnd.gauss(0, 0.7)
        csat = int(_clip(round(x), 1, 5))

    quality = {
        "greeted": greeted,
        "verified_identity": verified,
        "identity_required": id_required,
        "resolved": resolved,
        "empathy": empathy,
        "wrong_information": wrong,
        "held": bool(holds),
        "hold_etiquette": etiquette,
        "summarised": summarised,
        "closed_properly": closed,
        "customer_mood": mood,
        "customer_anger": round(end_anger, 2),
    }
    metadata = {
        "topic": topic,
        "issue": issue,
        "queue": f"{QUEUE_CODE[topic]}-{CHANNEL_CODE[channel]}",
        "hold_seconds": hold_s,
        "prior_contacts_30d": prior,
        "language": "en",
    }
    return _Contact(
        channel,
        issue,
        quality,
        holds,
        cues,
        Slots(rnd, agent.name.split(" ")[0], customer, ts),
        metadata,
        csat,
        escalated,
        p_escalation,
        p_coaching,
    )
