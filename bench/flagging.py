"""Flagging benchmark on the demo generator: is the model worth a reviewer's time?

Run: ``.venv/bin/python bench/flagging.py [--n 50000] [--weeks 26] [--score 1000000] [--seed 0]``

Generates ``n`` contacts over ``weeks`` weeks (qa_app.demo.generator, pure), writes
the oracle probabilities to bench/out/, trains on the earlier 80 % by time and
evaluates on the later 20 % for target ``escalation``: model, keyword rule, random
sampling and the ORACLE (the generator's true escalation probability as score).
Then times ``predict_proba`` over ``--score`` rows by scoring the 50,000-row frame
repeatedly (1,000,000 = 20 x 50,000; no cache survives between calls) in this
one process, and prints the wall-clock rate beside the rate per CPU-second (from
getrusage) and the load average: the machine is shared, so wall-clock figures
depend on what else runs, CPU-seconds much less.

Targets (issue #7): model PR-AUC >= 0.85 x oracle; model recall@5% >= 2 x keyword;
scoring >= 20,000 interactions/s; training time is reported. The frame carries
the import format's metadata columns topic and queue (features) besides
hold_seconds and prior_contacts_30d.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import flagging  # noqa: E402
from flagging.evaluate import ranking_metrics  # noqa: E402
from qa_app.demo.generator import generate_interactions, generate_people  # noqa: E402

OUT = ROOT / "bench" / "out"


def demo_frame(n: int, weeks: int, seed: int) -> pd.DataFrame:
    """The generator's contacts as an import-format frame (+ oracle columns)."""
    _teams, people = generate_people(seed=seed)
    tenure = {p.email: p.tenure_months for p in people}
    end = datetime(2025, 1, 6, tzinfo=UTC)
    rows = []
    for c in generate_interactions(
        people, n, seed=seed, start=end - timedelta(weeks=weeks), end=end
    ):
        rows.append(
            {
                "external_id": c.external_id,
                "channel": c.channel,
                "agent_email": c.agent_email,
                "team": c.team,
                "started_at": c.started_at,
                "duration_seconds": c.duration_seconds,
                "customer_id": c.customer_id,
                "transcript": c.turns,
                "csat": np.nan if c.csat is None else c.csat,
                "escalated": c.escalated,
                "tenure_months": tenure.get(c.agent_email),
                "hold_seconds": c.metadata.get("hold_seconds"),
                "prior_contacts_30d": c.metadata.get("prior_contacts_30d"),
                "topic": c.metadata.get("topic"),
                "queue": c.metadata.get("queue"),
                "oracle": c.escalation_probability,
            }
        )
    return pd.DataFrame(rows)


def cpu_seconds() -> float:
    """CPU time of this process."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    return own.ru_utime + own.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=50_000)
    parser.add_argument("--weeks", type=int, default=26)
    parser.add_argument("--score", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()

    started = time.perf_counter()
    frame = demo_frame(args.n, args.weeks, args.seed)
    print(
        f"generated {len(frame):,} contacts in {time.perf_counter() - started:.1f} s, "
        f"escalation rate {frame['escalated'].mean():.3f}"
    )
    OUT.mkdir(parents=True, exist_ok=True)
    frame[["external_id", "started_at", "escalated", "oracle"]].to_csv(
        OUT / "flagging_oracle.csv", index=False
    )

    started, cpu = time.perf_counter(), time.process_time()
    result = flagging.evaluate(frame.drop(columns=["oracle"]), "escalation", budget=0.05)
    train_seconds, train_cpu = time.perf_counter() - started, time.process_time() - cpu
    model = result.flag_model
    test = frame[pd.to_datetime(frame["started_at"], utc=True) >= pd.Timestamp(result.test_start)]
    oracle = ranking_metrics(test["escalated"].to_numpy(dtype=int), test["oracle"].to_numpy(), 0.05)

    rows = {
        "model": result.model,
        "keyword": result.baselines["keyword"],
        "random (expected)": result.baselines["random"],
        "oracle": oracle,
    }
    print(
        f"\nholdout: {result.test_rows:,} contacts ({result.test_start[:10]} .. "
        f"{result.test_end[:10]}), base rate {result.base_rate:.3f}; "
        f"trained on {result.train_rows:,}, C={model.metadata['c']} "
        f"(time-ordered CV AP {model.metadata['cv_average_precision']})"
    )
    print(f"{'scorer':<18} {'PR-AUC':>7} {'ROC-AUC':>8} {'prec@5%':>8} {'recall@5%':>10}")
    for name, m in rows.items():
        print(
            f"{name:<18} {m['pr_auc']:7.3f} {m['roc_auc']:8.3f} "
            f"{m['precision_at_budget']:8.3f} {m['recall_at_budget']:10.3f}"
        )
    positives = int(test["escalated"].sum())
    print(
        f"escalations in the holdout: {positives:,}; found in the top 5 %: "
        + ", ".join(
            f"{name} {round(m['recall_at_budget'] * positives):,}" for name, m in rows.items()
        )
    )
    print("\nreliability (equal-count bins): mean predicted vs observed")
    for b in result.reliability:
        print(f"  {b['mean_predicted']:.3f}  {b['observed_rate']:.3f}  n={b['count']}")

    frame_once = frame.drop(columns=["oracle", "escalated"])
    repeats = max(1, round(args.score / len(frame_once)))
    total = repeats * len(frame_once)
    model.predict_proba(frame_once.head(1000))  # imports and lazy tables, as a server would
    started, cpu = time.perf_counter(), cpu_seconds()
    for _ in range(repeats):
        model.predict_proba(frame_once)
    wall, used = time.perf_counter() - started, cpu_seconds() - cpu
    rate, per_cpu = total / wall, total / used
    load = os.getloadavg()
    print(
        f"scoring: {total:,} contacts ({repeats} x the {len(frame_once):,}-row frame, "
        f"20,000-row chunks) in {wall:.1f} s wall = {rate:,.0f}/s; "
        f"{used:.1f} CPU-s = {per_cpu:,.0f}/CPU-s; "
        f"load average {load[0]:.1f} {load[1]:.1f} {load[2]:.1f} on {os.cpu_count()} cores"
    )

    pr_ratio = result.model["pr_auc"] / oracle["pr_auc"]
    recall_ratio = (
        result.model["recall_at_budget"] / result.baselines["keyword"]["recall_at_budget"]
    )
    print(
        f"\ntraining (train + time-ordered CV + holdout scoring): {train_seconds:.1f} s wall, "
        f"{train_cpu:.1f} CPU-s (train alone {model.metadata['train_seconds']:.1f} s wall)"
    )
    print(f"\n{'figure':<56} {'value':>10} {'target':>10}  status")
    figures = [
        (
            f"model PR-AUC / oracle PR-AUC ({result.model['pr_auc']:.3f} / {oracle['pr_auc']:.3f})",
            pr_ratio,
            0.85,
        ),
        (
            "model recall@5% / keyword recall@5% ("
            f"{result.model['recall_at_budget']:.3f} / "
            f"{result.baselines['keyword']['recall_at_budget']:.3f})",
            recall_ratio,
            2.0,
        ),
    ]
    figures.append(("scoring contacts/s, wall-clock, one process", rate, 20_000))
    figures.append(("  (same run: contacts per CPU-second)", per_cpu, None))
    figures.append((f"training CPU-seconds (wall seconds: {train_seconds:.1f})", train_cpu, None))
    for label, value, target in figures:
        status = "reported" if target is None else "met" if value >= target else "NOT met"
        shown = "-" if target is None else f"{target:,}"
        print(f"{label:<56} {value:>10,.3f} {shown:>10}  {status}")


if __name__ == "__main__":
    main()
