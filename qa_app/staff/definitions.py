"""What each figure of the staff review means: stated once, here.

The page, the XLSX export and ``flask metrics review`` all print these texts
beside (or under) the figures, so a number never travels without its
definition. ``stated`` fills in the first-contact window the deployment uses.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from metrics import FCR_WINDOW_DAYS, MIN_RESPONSES


@dataclass(frozen=True)
class Metric:
    key: str
    label: str
    unit: str  # "count", "seconds", "rate" (0..1, shown in %), "csat" (1-5), "points" (0-100)
    higher_is_better: bool | None  # None: neither (volume)
    definition: str


_METRICS = (
    Metric("volume", "Volume", "count", None, "Handled contacts started in the period."),
    Metric(
        "aht",
        "AHT",
        "seconds",
        False,
        "Average handle time: talk (duration) + hold + wrap-up, mean per handled contact; "
        "a missing hold or wrap-up counts as 0. The median is shown beside it.",
    ),
    Metric(
        "fcr",
        "FCR",
        "rate",
        True,
        "First-contact resolution: share of contacts after which the same customer "
        "(customer id){topic} did not contact us again, on any channel, within {window_days} "
        "days. An imported resolved_first_contact value wins; contacts whose window is "
        "still open, or without a customer id, are left out.",
    ),
    Metric(
        "csat_mean",
        "CSAT",
        "csat",
        True,
        "Mean post-contact survey score (1-5) over the contacts with a response; n = responses.",
    ),
    Metric(
        "csat_top2",
        "CSAT top-2",
        "rate",
        True,
        "Top-2-box: share of survey responses scoring 4 or 5 of 5.",
    ),
    Metric(
        "escalation_rate",
        "Escalation",
        "rate",
        False,
        "Share of contacts escalated, over the contacts where it is known.",
    ),
    Metric(
        "transfer_rate",
        "Transfer",
        "rate",
        False,
        "Share of contacts transferred, over the contacts where it is known.",
    ),
    Metric(
        "qa_score",
        "QA",
        "points",
        True,
        "Mean total score (0-100) of the counted evaluations (submitted standard and "
        "consensus reviews; no drafts, no calibration work) submitted in the period.",
    ),
    Metric(
        "disputes",
        "Disputes",
        "count",
        None,
        "Disputes the agent raised in the period, whatever their outcome.",
    ),
)
METRICS: dict[str, Metric] = {m.key: m for m in _METRICS}
# Every interval is a 95 % interval: Wilson's for rates, Student's t for means.
SMALL_N = (
    "A figure from fewer than {min_n} responses is greyed, shown with its 95 % "
    "interval, and never ranked; an agent is marked as an outlier only when the "
    "interval excludes the team's figure."
)


def stated(
    window_days: int = FCR_WINDOW_DAYS, same_topic: bool = False, min_n: int = MIN_RESPONSES
) -> dict[str, str]:
    """Metric key -> its definition, with this deployment's settings filled in."""
    topic = " on the same topic" if same_topic else ""
    texts = {
        key: m.definition.format(window_days=window_days, topic=topic) for key, m in METRICS.items()
    }
    texts["small_n"] = SMALL_N.format(min_n=min_n)
    return texts


def settings(config: Any) -> dict[str, Any]:
    """The review's settings from the app's configuration (with their defaults)."""
    return {
        "window_days": int(config.get("FCR_WINDOW_DAYS", FCR_WINDOW_DAYS)),
        "same_topic": bool(config.get("FCR_SAME_TOPIC", False)),
        "min_n": int(config.get("METRICS_MIN_RESPONSES", MIN_RESPONSES)),
    }
