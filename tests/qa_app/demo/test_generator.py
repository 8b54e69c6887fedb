"""The demo generator: reproducible, well-formed, and realistic enough to learn from."""

from __future__ import annotations

import ast
import dataclasses
import json
import re
import sys
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from qa_app.demo import generator
from qa_app.demo.generator import (
    DEMO_PASSWORD,
    DemoInteraction,
    generate_interactions,
    generate_organisation,
    generate_people,
)

NOW = datetime(2026, 3, 2, tzinfo=UTC)
KEYWORDS = re.compile(r"manager|supervisor|complaint|cancel|third time")


@pytest.fixture(scope="module")
def org():
    return generate_organisation(seed=3, n_interactions=3000, weeks=12, now=NOW)


def customer_text(item: DemoInteraction) -> str:
    return " ".join(t["text"] for t in item.turns if t["speaker"] == "customer").lower()


def test_same_seed_same_output_and_different_seeds_differ():
    a = generate_organisation(seed=11, n_interactions=200, now=NOW)
    b = generate_organisation(seed=11, n_interactions=200, now=NOW)
    c = generate_organisation(seed=12, n_interactions=200, now=NOW)
    assert a == b
    assert a.people != c.people
    assert [i.turns for i in a.interactions] != [i.turns for i in c.interactions]


def test_people_counts_roles_and_easy_emails():
    teams, people = generate_people(seed=5)
    assert len(teams) == 3
    roles = Counter(p.role for p in people)
    assert roles == {"agent": 24, "reviewer": 4, "executive": 2, "admin": 1}
    emails = [p.email for p in people]
    assert len(set(emails)) == len(emails)
    assert all(re.fullmatch(r"[a-z]+(\.[a-z]+)?@demo\.example", e) for e in emails)
    first = {role: next(p.email for p in people if p.role == role) for role in roles}
    assert first == {
        "admin": "admin@demo.example",
        "executive": "exec@demo.example",
        "reviewer": "reviewer@demo.example",
        "agent": "agent@demo.example",
    }
    assert DEMO_PASSWORD == "demo-password-2026"


def test_agents_and_reviewers_spread_over_teams_with_varied_skill():
    teams, people = generate_people(seed=5)
    names = {t.name for t in teams}
    agents = [p for p in people if p.role == "agent"]
    assert Counter(a.team for a in agents) == {name: 8 for name in names}
    assert {p.team for p in people if p.role == "reviewer"} == names
    assert all(
        p.team is None and p.skill is None for p in people if p.role in ("admin", "executive")
    )
    for name in names:
        skills = [a.skill for a in agents if a.team == name]
        assert min(skills) < 0.35 and max(skills) > 0.8
    by_tenure = sorted(agents, key=lambda a: a.tenure_months)
    assert sum(a.skill for a in by_tenure[-8:]) > sum(a.skill for a in by_tenure[:8])


def test_interactions_are_unique_and_inside_the_window(org):
    items = org.interactions
    assert len(items) == 3000
    assert len({i.external_id for i in items}) == 3000
    start = NOW - timedelta(weeks=12)
    for item in items:
        assert item.started_at.tzinfo is not None
        assert item.started_at.utcoffset() == timedelta(0)
        assert start <= item.started_at < NOW
    assert [i.started_at for i in items] == sorted(i.started_at for i in items)
    # Business hours and weekday weighting.
    assert (
        Counter(i.started_at.weekday() for i in items)[0]
        > 3 * Counter(i.started_at.weekday() for i in items)[6]
    )
    assert all(7 <= i.started_at.hour < 21 for i in items)


def test_every_interaction_refers_to_a_known_agent_and_team(org):
    agents = {p.email: p.team for p in org.people if p.role == "agent"}
    for item in org.interactions:
        assert agents[item.agent_email] == item.team


def test_turns_are_well_formed_and_increasing(org):
    for item in org.interactions:
        assert 6 <= len(item.turns) <= 30
        starts = [t["start_s"] for t in item.turns]
        assert starts == sorted(starts) and len(set(starts)) == len(starts)
        assert {t["speaker"] for t in item.turns} == {"agent", "customer"}
        assert all(isinstance(t["text"], str) and t["text"].strip() for t in item.turns)
        assert "{" not in " ".join(t["text"] for t in item.turns)  # every slot filled
        assert item.duration_seconds > starts[-1]


def test_channel_mix_csat_and_json_friendly_metadata(org):
    items = org.interactions
    share = Counter(i.channel for i in items)
    assert 0.42 < share["call"] / 3000 < 0.58
    assert 0.28 < share["chat"] / 3000 < 0.42
    assert 0.10 < share["email"] / 3000 < 0.20
    with_csat = [i.csat for i in items if i.csat is not None]
    assert 0.30 < len(with_csat) / 3000 < 0.40
    assert set(with_csat) <= {1, 2, 3, 4, 5}
    json.dumps([dataclasses.asdict(i) | {"started_at": None} for i in items[:50]])
    keys = {"topic", "queue", "hold_seconds", "prior_contacts_30d", "language"}
    assert all(keys <= set(i.metadata) for i in items)


def test_holds_appear_as_gaps_in_calls(org):
    held = [i for i in org.interactions if i.channel == "call" and i.metadata["hold_seconds"]]
    assert len(held) > 100
    for item in held[:200]:
        gaps = [
            b["start_s"] - a["start_s"] for a, b in zip(item.turns, item.turns[1:], strict=False)
        ]
        assert sum(g for g in gaps if g >= 30) >= item.metadata["hold_seconds"]
    assert all(
        any("hold" in t["text"].lower() for t in i.turns)
        for i in held
        if i.quality["hold_etiquette"]
    )


def test_escalation_rate_and_probabilities_agree_with_outcomes(org):
    items = org.interactions
    rate = sum(i.escalated for i in items) / len(items)
    assert 0.06 < rate < 0.15
    esc = [i.escalation_probability for i in items if i.escalated]
    calm = [i.escalation_probability for i in items if not i.escalated]
    assert sum(esc) / len(esc) > 2 * sum(calm) / len(calm)
    mean_p = sum(i.escalation_probability for i in items) / len(items)
    assert abs(mean_p - rate) < 0.03
    coaching = sum(i.coaching_probability for i in items) / len(items)
    assert 0.12 < coaching < 0.28
    assert all(0 < i.escalation_probability < 1 and 0 < i.coaching_probability < 1 for i in items)


def test_coaching_probability_follows_the_hidden_quality(org):
    def mean(xs):
        xs = list(xs)
        return sum(xs) / len(xs)

    items = org.interactions
    wrong = mean(i.coaching_probability for i in items if i.quality["wrong_information"])
    right = mean(i.coaching_probability for i in items if not i.quality["wrong_information"])
    assert wrong > right + 0.1


def test_keywords_are_only_partly_predictive(org):
    items = org.interactions
    flagged = [bool(KEYWORDS.search(customer_text(i))) for i in items]
    hits = sum(f and i.escalated for f, i in zip(flagged, items, strict=True))
    precision = hits / sum(flagged)
    recall = hits / sum(i.escalated for i in items)
    base = sum(i.escalated for i in items) / len(items)
    assert precision > base  # some signal...
    assert precision < 0.6 and recall < 0.9  # ...but far from the answer
    calm_cancel = [
        i for i in items if "cancel" in customer_text(i) and i.quality["customer_mood"] == "calm"
    ]
    assert any(not i.escalated for i in calm_cancel)
    assert any(i.escalated and not f for f, i in zip(flagged, items, strict=True))


def test_transcripts_read_angrier_when_escalation_is_likely(org):
    items = sorted(org.interactions, key=lambda i: i.escalation_probability)
    aside = re.compile(r"ridiculous|unacceptable|fed up|not good enough|unbelievable")
    low = sum(bool(aside.search(customer_text(i))) for i in items[:500])
    high = sum(bool(aside.search(customer_text(i))) for i in items[-500:])
    assert high > 3 * low


def test_transcripts_vary(org):
    items = org.interactions
    first_agent = {next(t["text"] for t in i.turns if t["speaker"] == "agent") for i in items}
    assert len(first_agent) > 50
    whole = {"\n".join(t["text"] for t in i.turns) for i in items}
    assert len(whole) == len(items)
    assert len({len(i.turns) for i in items}) > 10


def test_repeat_customers_exist_and_prior_contacts_are_real(org):
    by_customer = Counter(i.customer_id for i in org.interactions)
    assert sum(1 for n in by_customer.values() if n > 1) > 100
    seen: dict[str, list[datetime]] = {}
    for item in org.interactions:
        earlier = seen.setdefault(item.customer_id, [])
        recent = [t for t in earlier if item.started_at - t <= timedelta(days=30)]
        assert item.metadata["prior_contacts_30d"] == len(recent)
        earlier.append(item.started_at)
    assert any(i.metadata["prior_contacts_30d"] >= 2 for i in org.interactions)


def test_generate_interactions_is_lazy_and_validates_its_window():
    _, people = generate_people()
    start = NOW - timedelta(days=7)
    stream = generate_interactions(people, 1_000_000, seed=1, start=start, end=NOW)
    assert isinstance(stream, Iterator)
    first = next(stream)
    assert first.external_id == "demo-000000"  # six digits hold a million ids
    custom = next(generate_interactions(people, 5, start=start, end=NOW, id_prefix="x-"))
    assert custom.external_id == "x-000000"
    with pytest.raises(ValueError):
        generate_interactions(people, 5, start=start.replace(tzinfo=None), end=NOW)
    with pytest.raises(ValueError):
        generate_interactions([p for p in people if p.role != "agent"], 5, start=start, end=NOW)


def test_now_defaults_to_today_midnight_utc():
    before = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    org = generate_organisation(seed=0, n_interactions=20, weeks=1)
    after = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    times = [i.started_at for i in org.interactions]
    assert before - timedelta(weeks=1) <= min(times) and max(times) < after


def test_small_windows_other_zones_and_zero_rows():
    _, people = generate_people()
    plus_two = timezone(timedelta(hours=2))
    start = datetime(2026, 3, 2, 12, 0, tzinfo=plus_two)
    items = list(generate_interactions(people, 50, start=start, end=start + timedelta(hours=3)))
    assert all(start <= i.started_at < start + timedelta(hours=3) for i in items)
    assert all(i.started_at.tzinfo == UTC for i in items)
    assert list(generate_interactions(people, 0, start=start, end=start + timedelta(days=1))) == []


def test_demo_modules_are_pure():
    """Benchmarks import these modules for a million rows: stdlib and numpy only."""
    folder = Path(generator.__file__).parent
    allowed = set(sys.stdlib_module_names) | {"numpy", "qa_app"}
    for module in ("__init__", "generator", "transcripts", "phrases"):
        tree = ast.parse((folder / f"{module}.py").read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            else:
                continue
            for name in names:
                assert name.split(".")[0] in allowed, (module, name)
                if name.startswith("qa_app"):
                    assert name.startswith("qa_app.demo"), (module, name)


def test_contacts_carry_topic_region_hold_wrap_up_and_transfers(org):
    items = org.interactions
    assert all(i.topic == i.metadata["topic"] for i in items)
    assert all(i.hold_seconds == i.metadata["hold_seconds"] for i in items)
    regions = Counter(i.region for i in items)
    assert set(regions) == {name for name, _ in generator.REGIONS}
    by_customer = {}
    for i in items:  # a customer lives in one region
        assert by_customer.setdefault(i.customer_id, i.region) == i.region
    assert all(5 <= i.wrap_seconds <= 900 for i in items)
    email = [i.wrap_seconds for i in items if i.channel == "email"]
    chat = [i.wrap_seconds for i in items if i.channel == "chat"]
    assert sorted(email)[len(email) // 2] > sorted(chat)[len(chat) // 2]
    unresolved = [i.transferred for i in items if not i.quality["resolved"]]
    resolved = [i.transferred for i in items if i.quality["resolved"]]
    assert sum(unresolved) / len(unresolved) > sum(resolved) / len(resolved) > 0
