"""Benchmark: AutoQA scoring throughput (rules + detectors + a learned model).

Run: .venv/bin/python bench/autoqa.py [--contacts 5000] [--runs 5]
Not part of the test run. Builds demo contacts in memory (the demo generator,
no database), a scorecard with eight auto-answered questions (phrases in a
window, absence, closing, silence, first response, customer sentiment at the
end, spelling in written replies) and one model learned per question key from
the generator's hidden truth ("empathy"), then times answering every question
of every contact: the rules and detectors per contact, the model in one batch.
Prints the median of ``--runs`` as contacts per second beside the target.

Target: >= 2,000 contacts/s in one process (transcription excluded).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import autoqa
import scorecards
from qa_app.demo.generator import generate_organisation

TARGET = 2000.0
CARD = {"name": "Bench", "channel": "call", "sections": [{"key": "s", "title": "S", "questions": [
    {"key": "greet", "text": "Greeted", "kind": "yes_no", "points": 5, "auto": [
        {"answer": "yes", "says": ["thank you for calling", "thanks for contacting",
                                   "my name is", "welcome"], "in": {"first": 2}},
        {"otherwise": "no"}]},
    {"key": "apology", "text": "Apologised", "kind": "yes_no", "points": 5, "auto": [
        {"answer": "no", "says": ["sorry", "apologise", "apologize"], "absent": True,
         "after": {"speaker": "customer", "says": ["not happy", "late", "wrong", "again"]}},
        {"otherwise": "yes"}]},
    {"key": "close", "text": "Closed", "kind": "yes_no", "points": 5, "auto": [
        {"answer": "yes", "says": ["anything else", "have a great day", "have a nice day"],
         "in": {"last": 2}}, {"otherwise": "no"}]},
    {"key": "silence", "text": "No dead air", "kind": "yes_no", "points": 5, "auto": [
        {"answer": "no", "silence_over": 30}, {"otherwise": "yes"}]},
    {"key": "response", "text": "Prompt reply", "kind": "yes_no", "points": 5, "auto": [
        {"answer": "no", "first_response_over": 120}, {"otherwise": "yes"}]},
    {"key": "mood", "text": "Customer left content", "kind": "yes_no", "points": 5, "auto": [
        {"answer": "no", "customer_sentiment": {"at": "end", "below": -0.3}},
        {"otherwise": "yes"}]},
    {"key": "spelling", "text": "Spelling", "kind": "yes_no", "points": 5, "auto": [
        {"answer": "no", "spelling_errors_over": 2}, {"otherwise": "yes"}]},
    {"key": "empathy", "text": "Empathy", "kind": "yes_no", "points": 5},
]}]}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--contacts", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    card = scorecards.from_dict(CARD)
    org = generate_organisation(seed=7, n_interactions=args.contacts + 3000)
    rows = []
    for n, c in enumerate(org.interactions):
        agent, customer = autoqa.split_turns(c.turns)
        rows.append({"unit": n, "at": c.started_at, "agent_text": agent,
                     "customer_text": customer, "channel": c.channel,
                     "answer": "yes" if c.quality["empathy"] > 0.5 else "no"})  # fmt: skip
    frame = pd.DataFrame(rows)
    trained = autoqa.train("empathy", frame.iloc[:3000])
    scored = org.interactions[3000:]
    batch = frame.iloc[3000:]
    ruled = [q for q in card.questions() if q.auto]

    def once() -> float:
        start = time.perf_counter()
        for c in scored:
            autoqa.answer_all(ruled, c.turns, channel=c.channel)
        autoqa.predict(trained.model, batch)
        return len(scored) / (time.perf_counter() - start)

    once()  # warm: the detectors load their lexicon and dictionary once
    rates = [once() for _ in range(args.runs)]
    rate = statistics.median(rates)
    print(f"AutoQA: {len(ruled)} rule questions + 1 learned, {len(scored):,} contacts; "
          f"median of {args.runs}: {rate:,.0f} contacts/s (runs: "
          f"{', '.join(f'{r:,.0f}' for r in rates)})")  # fmt: skip
    print(f"target >= {TARGET:,.0f}/s: {'met' if rate >= TARGET else 'MISSED'}")


if __name__ == "__main__":
    main()
