"""Sampling draws N per agent, reproducibly, and spreads work evenly."""

import pytest

from qa_app.reviews.sampling import Candidate, pick_per_agent, spread


def _pool(agents=3, each=10):
    return [
        Candidate(agent * 100 + i, agent) for agent in range(1, agents + 1) for i in range(each)
    ]


def test_draws_at_most_n_per_agent():
    chosen = pick_per_agent(_pool(), 4, seed=1)
    per_agent = {a: sum(1 for c in chosen if c.agent_id == a) for a in (1, 2, 3)}
    assert per_agent == {1: 4, 2: 4, 3: 4}
    short = pick_per_agent([Candidate(1, 9)], 4, seed=1)
    assert short == [Candidate(1, 9)]


def test_what_an_agent_already_has_counts_against_the_quota():
    chosen = pick_per_agent(_pool(), 4, seed=1, already={1: 3, 2: 4, 3: 9})
    per_agent = {a: sum(1 for c in chosen if c.agent_id == a) for a in (1, 2, 3)}
    assert per_agent == {1: 1, 2: 0, 3: 0}


def test_same_seed_same_draw_whatever_the_input_order():
    pool = _pool()
    first = pick_per_agent(pool, 3, seed=42)
    again = pick_per_agent(list(reversed(pool)), 3, seed=42)
    other = pick_per_agent(pool, 3, seed=43)
    assert first == again
    assert first != other


def test_risk_mode_takes_the_riskiest_first():
    pool = [Candidate(i, 1, risk=i / 10) for i in range(10)] + [Candidate(99, 1, None)]
    chosen = pick_per_agent(pool, 3, seed=0, mode="risk")
    assert [c.interaction_id for c in chosen] == [9, 8, 7]


def test_spread_is_even_and_counts_existing_load():
    chosen = pick_per_agent(_pool(agents=4, each=5), 3, seed=0)  # 12 interactions
    draws = spread(chosen, [50, 51, 52], load={50: 2})
    counts = {r: sum(1 for d in draws if d.reviewer_id == r) for r in (50, 51, 52)}
    assert sum(counts.values()) == 12
    totals = {50: counts[50] + 2, 51: counts[51], 52: counts[52]}
    assert max(totals.values()) - min(totals.values()) <= 1


def test_a_reviewer_never_gets_their_own_interaction():
    draws = spread([Candidate(1, 7), Candidate(2, 7), Candidate(3, 8)], [7, 8])
    assert all(d.reviewer_id != d.agent_id for d in draws)
    assert len(draws) == 3


def test_spread_needs_reviewers():
    with pytest.raises(ValueError, match="at least one reviewer"):
        spread([Candidate(1, 1)], [])


def test_spread_by_goal_gives_work_in_proportion_to_each_goal():
    chosen = pick_per_agent(_pool(agents=6, each=5), 5, seed=0)  # 30 interactions
    draws = spread(chosen, [50, 51, 52], goals={50: 40, 51: 20})  # 52: no goal, as the least
    counts = {r: sum(1 for d in draws if d.reviewer_id == r) for r in (50, 51, 52)}
    assert sum(counts.values()) == 30
    assert counts[50] in (15, 16) and counts[51] in (7, 8) and counts[52] in (7, 8)
    even = spread(chosen, [50, 51, 52])
    assert {r: sum(1 for d in even if d.reviewer_id == r) for r in (50, 51, 52)} == {
        50: 10,
        51: 10,
        52: 10,
    }
