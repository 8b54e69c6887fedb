"""Simulated QA activity for the demo: reviewers' evaluations drawn from each
interaction's hidden quality, open assignments in the reviewers' queues.

The simulated reviewer reads the hidden truth through the question's key
(``greet`` -> was the customer greeted, ``verif`` -> identity checked...), with
a little reviewer noise, so dashboards, agent pages and the coaching model have
believable numbers to show.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from typing import Any

import scorecards

# Question-key fragments -> the hidden fact that answers them (True = pass).
FACTS: tuple[tuple[str, str], ...] = (
    ("greet", "greeted"),
    ("open", "greeted"),
    ("verif", "verified_identity"),
    ("identity", "verified_identity"),
    ("right_party", "verified_identity"),
    ("accura", "accurate"),
    ("info", "accurate"),
    ("resol", "resolved"),
    ("outcome", "resolved"),
    ("fix", "resolved"),
    ("hold", "hold_etiquette"),
    ("summar", "summarised"),
    ("recap", "summarised"),
    ("clos", "closed_properly"),
    ("empath", "empathy"),
    ("tone", "empathy"),
    ("acknowledg", "empathy"),
)


def _fact(key: str, quality: Mapping[str, Any]) -> float | bool | None:
    facts = dict(quality, accurate=not quality.get("wrong_information", False))
    for fragment, name in FACTS:
        if fragment in key and name in facts:
            if name == "hold_etiquette" and not quality.get("held"):
                return None  # no hold: the question does not apply
            if name == "verified_identity" and not quality.get("identity_required", True):
                return None
            return facts[name]
    return None


def simulated_answers(
    card: scorecards.Scorecard, quality: Mapping[str, Any], skill: float, rng: random.Random
) -> dict[str, Any]:
    """A complete, valid set of answers a careful reviewer might give."""
    answers: dict[str, Any] = {}
    for q in card.questions():
        fact = _fact(q.key, quality)
        if q.kind == "text":
            continue
        if fact is None and q.allow_na and rng.random() < 0.5:
            answers[q.key] = "na"
            continue
        # Unknown facts follow the agent's skill; known ones the truth, with
        # a little reviewer noise.
        if isinstance(fact, float):
            level = fact
        elif fact is None:
            level = 0.6 + 0.38 * skill
        else:
            level = 0.97 if fact else 0.06
        level = min(1.0, max(0.0, level + rng.gauss(0, 0.08)))
        choices = q.answers()
        if q.kind == "yes_no":
            answers[q.key] = "yes" if rng.random() < level else "no"
        else:  # scale and choice: better answers for higher levels
            ranked = sorted(choices, key=q.points_for)
            answers[q.key] = ranked[min(len(ranked) - 1, int(level * len(ranked)))]
    return answers


# Library scorecard (slug) used for each channel's simulated reviews.
CARD_FOR_CHANNEL = {
    "call": "inbound_support_call",
    "chat": "chat_support",
    "email": "email_support",
}


def plan_reviews(
    interactions: list, reviewers_by_team: Mapping[str, list[str]], *, share: float, seed: int
) -> list[tuple[Any, str]]:
    """(interaction, reviewer e-mail) pairs: about ``share`` of contacts, each
    reviewed by a reviewer of the agent's team when there is one."""
    rng = random.Random(seed)
    everyone = sorted({r for rs in reviewers_by_team.values() for r in rs})
    plan = []
    for item in interactions:
        if rng.random() < share:
            pool = reviewers_by_team.get(item.team) or everyone
            plan.append((item, rng.choice(pool)))
    return plan
