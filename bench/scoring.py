"""Benchmark: scoring evaluations against a realistic 30-question scorecard.

Run: ``.venv/bin/python bench/scoring.py``. Not part of the test run.

Target: < 50 µs per evaluation, both for one ``score`` call and for bulk
recomputation (100,000 evaluations through ``score_many`` and through a loop
of ``score``), so re-scoring a year of evaluations after a dispute rule change
takes seconds, not minutes.
"""

from __future__ import annotations

import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import scorecards

TARGET_US = 50.0
BULK_REPEATS = 3
KINDS = ["yes_no", "yes_no", "yes_no", "scale", "choice", "yes_no", "text"]


def build_card() -> scorecards.Scorecard:
    """Four weighted sections, 30 questions of every kind, two critical rules."""
    sections = []
    n = 0
    for s, (size, weight) in enumerate([(7, 15), (8, 25), (9, 40), (6, 20)]):
        questions = []
        for _ in range(size):
            kind = KINDS[n % len(KINDS)]
            q: dict = {"key": f"q{n}", "text": f"Question {n}?", "kind": kind}
            if kind in ("yes_no", "scale"):
                q["points"] = 1 + n % 4
                q["allow_na"] = n % 3 == 0
            if kind == "choice":
                q["options"] = [
                    {"key": "best", "label": "Best", "points": 4},
                    {"key": "ok", "label": "OK", "points": 2},
                    {"key": "poor", "label": "Poor", "points": 0},
                ]
                q["error_family"] = "customer"
            questions.append(q)
            n += 1
        sections.append({"key": f"s{s}", "title": f"Section {s}", "weight": weight,
                         "questions": questions})  # fmt: skip
    sections[0]["questions"][1]["critical"] = {"scope": "scorecard", "fail_on": ["no"]}
    sections[0]["questions"][1]["error_family"] = "compliance"
    sections[2]["questions"][0]["critical"] = {"scope": "section", "fail_on": ["no"]}
    card = scorecards.from_dict({"name": "Bench", "channel": "call", "sections": sections})
    assert len(card.questions()) == 30
    return card


def random_answers(card: scorecards.Scorecard, rng: random.Random) -> dict:
    answers = {}
    for q in card.questions():
        values = list(q.answers()) or ["Agent was friendly."]
        # mostly good answers, as in real evaluations; some N/A and a few gaps
        if q.kind == "yes_no":
            values = ["yes"] * 8 + ["no"]
        if q.allow_na:
            values.append("na")
        if rng.random() < 0.97:
            answers[q.key] = rng.choice(values)
    return answers


def per_call_us(func, repeats: int = 7, calls: int = 5_000) -> float:
    """Median over ``repeats`` of the mean time of ``calls`` calls, in µs."""
    samples = []
    for _ in range(repeats):
        start = time.perf_counter()
        for _ in range(calls):
            func()
        samples.append((time.perf_counter() - start) / calls * 1e6)
    return statistics.median(samples)


def bulk_timing(run) -> tuple[float, list]:
    """Median µs per evaluation over BULK_REPEATS runs of 100,000, and the results."""
    samples = []
    for _ in range(BULK_REPEATS):
        start = time.perf_counter()
        results = run()
        samples.append((time.perf_counter() - start) / len(results) * 1e6)
    return statistics.median(samples), results


def line(label: str, us: float, extra: str = "") -> None:
    verdict = "ok" if us < TARGET_US else "MISSED"
    print(f"{label:<44} {us:8.2f} µs per evaluation{extra}   "
          f"(target: < {TARGET_US:.0f} µs per evaluation) {verdict}")  # fmt: skip


def main() -> None:
    rng = random.Random(20240501)
    card = build_card()
    one = random_answers(card, rng)
    scorecards.score(card, one)  # compile and cache the card once, as the app would

    line("score(), one evaluation", per_call_us(lambda: scorecards.score(card, one)))

    many = [random_answers(card, rng) for _ in range(100_000)]
    bulk_us, bulk = bulk_timing(lambda: scorecards.score_many(card, many))
    line("score_many(), 100,000 evaluations", bulk_us, f" (median of {BULK_REPEATS} runs)")
    loop_us, looped = bulk_timing(lambda: [scorecards.score(card, a) for a in many])
    line("loop of score(), 100,000 evaluations", loop_us, f" (median of {BULK_REPEATS} runs)")

    assert bulk == looped, "score_many and score disagree"
    failed = sum(r.auto_failed for r in bulk)
    print(f"sanity: identical results; {failed} of {len(bulk)} auto-failed")


if __name__ == "__main__":
    main()
