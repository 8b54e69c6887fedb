"""Drawing interactions for review: N per agent, at random or by risk, spread
evenly over reviewers. Pure (no Flask, no database) so it is easy to test."""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Candidate:
    interaction_id: int
    agent_id: int
    risk: float | None = None


@dataclass(frozen=True)
class Draw:
    interaction_id: int
    agent_id: int
    reviewer_id: int


def pick_per_agent(
    candidates: Iterable[Candidate],
    per_agent: int,
    *,
    seed: int,
    mode: str = "random",
    already: Mapping[int, int] | None = None,
) -> list[Candidate]:
    """Up to ``per_agent`` candidates for each agent, less what each already has.

    ``already`` counts, per agent, the contacts of the same period that are
    assigned or reviewed: the quota is per agent per period, so a second run
    over the same period only tops an agent up to ``per_agent``, never past it.

    ``random``: a uniform sample, reproducible for a given seed (candidates
    are sorted by id first, so the database's row order does not matter).
    ``risk``: the highest-risk ones first; ties and unscored contacts broken
    by the same seeded shuffle.
    """
    by_agent: dict[int, list[Candidate]] = defaultdict(list)
    for candidate in sorted(candidates, key=lambda c: c.interaction_id):
        by_agent[candidate.agent_id].append(candidate)
    rng = random.Random(seed)
    chosen: list[Candidate] = []
    for agent_id in sorted(by_agent):
        pool = by_agent[agent_id]
        rng.shuffle(pool)
        if mode == "risk":
            pool.sort(key=lambda c: -(c.risk if c.risk is not None else -1.0))
        room = max(0, per_agent - (already or {}).get(agent_id, 0))
        chosen.extend(pool[:room])
    return chosen


def spread(
    chosen: Sequence[Candidate],
    reviewers: Sequence[int],
    *,
    load: Mapping[int, int] | None = None,
    goals: Mapping[int, int] | None = None,
) -> list[Draw]:
    """Give each chosen interaction to the least-loaded eligible reviewer.

    A reviewer never gets an interaction they handled themselves. ``load`` is
    each reviewer's current work, so repeated runs stay fair. With ``goals``
    (reviewer -> evaluations per cycle) "least loaded" is measured against the
    goal: a reviewer aiming at 40 gets about twice the work of one aiming at
    20; a reviewer without a goal counts as the smallest goal given.
    """
    if not reviewers:
        raise ValueError("choose at least one reviewer")
    counts = {r: (load or {}).get(r, 0) for r in reviewers}
    order = {r: i for i, r in enumerate(reviewers)}
    floor = min((g for g in (goals or {}).values() if g > 0), default=1)
    weight = {r: max((goals or {}).get(r, floor), 1) for r in reviewers}
    draws = []
    for candidate in chosen:
        eligible = [r for r in reviewers if r != candidate.agent_id]
        if not eligible:
            continue
        reviewer = min(eligible, key=lambda r: ((counts[r] + 1) / weight[r], order[r]))
        counts[reviewer] += 1
        draws.append(Draw(candidate.interaction_id, candidate.agent_id, reviewer))
    return draws
