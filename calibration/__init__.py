"""How much reviewers agree, and who drifts: pandas in, numbers out.

Pure package: never imports Flask, SQLAlchemy or qa_app. Statistics return a
`Stat` whose value is None (with a reason) when undefined for the data.
"""

from calibration.agreement import krippendorff_alpha, percent_agreement
from calibration.bootstrap import Interval, alpha_interval, percent_interval
from calibration.drift import Drift, drift
from calibration.gwet import bootstrap_interval, gwet_ac1, gwet_ac2, prevalence_paradox
from calibration.icc import icc
from calibration.kappa import cohen_kappa, fleiss_kappa
from calibration.qa import (
    benchmark_agreement,
    deviations,
    outliers,
    per_unit_agreement,
    score_deviation,
    spread,
)
from calibration.result import Stat, interpret_alpha

__all__ = [
    "Drift",
    "Interval",
    "Stat",
    "alpha_interval",
    "benchmark_agreement",
    "bootstrap_interval",
    "cohen_kappa",
    "deviations",
    "drift",
    "fleiss_kappa",
    "gwet_ac1",
    "gwet_ac2",
    "icc",
    "interpret_alpha",
    "krippendorff_alpha",
    "outliers",
    "per_unit_agreement",
    "percent_agreement",
    "percent_interval",
    "prevalence_paradox",
    "score_deviation",
    "spread",
]
