"""Gwet's AC1/AC2 against Gwet's handbook and against his irrCAC package.

Data: the handbook's 4-raters x 12-units and 5-observers x 15-units examples
(Gwet, *Handbook of Inter-Rater Reliability*, 4th ed., 2014; shipped as
``cac.raw4raters`` / ``cac.raw5obser`` with the irrCAC package). AC1 on the first
is the handbook's worked example: pa 0.8182, pe 0.1903, AC1 0.7754. The other
figures were computed with irrCAC 0.4.4 (its own Python port of the R package),
which cannot be installed beside this project (it pins scipy==1.12 and
pandas<3), in a separate environment:
``CAC(data, weights=w, digits=8).gwet()["est"]``.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from calibration import krippendorff_alpha
from calibration.gwet import bootstrap_interval, gwet_ac1, gwet_ac2, prevalence_paradox

NA = math.nan
RAW_4RATERS = {
    "Rater1": [1, 2, 3, 3, 2, 1, 4, 1, 2, NA, NA, NA],
    "Rater2": [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, NA, NA],
    "Rater3": [NA, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, 3],
    "Rater4": [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, NA],
}
RAW_5OBSERVERS = {
    "Observer1": [1, 1, 2, NA, 0, 0, 1, 1, 2, 2, NA, 0, 1, 3, 1],
    "Observer2": [1, 1, 3, 0, 0, 0, 0, NA, 2, 1, 1, 0, 2, 3, 1],
    "Observer3": [2, 0, 3, 0, 0, 0, 2, 2, 2, 1, 0, 0, 2, 2, 1],
    "Observer4": [NA, 1, 3, NA, NA, NA, NA, 0, NA, 1, 0, 0, 2, 2, NA],
    "Observer5": [2, NA, NA, 0, 0, 0, 1, NA, 2, NA, NA, NA, NA, 3, 1],
}


def long(wide: dict[str, list[float]], copies: int = 1) -> pd.DataFrame:
    frame = pd.concat([pd.DataFrame(wide)] * copies, ignore_index=True)
    out = frame.stack().reset_index()
    out.columns = ["unit", "rater", "value"]
    return out


def test_ac1_reproduces_the_handbooks_worked_example() -> None:
    stat = gwet_ac1(long(RAW_4RATERS))
    assert stat.value == pytest.approx(0.7754, abs=1e-4)
    assert stat.value == pytest.approx(0.77544407, abs=1e-7)  # irrCAC, 8 digits
    assert (stat.n_units, stat.n_raters, stat.name) == (11, 4, "gwet_ac1")


@pytest.mark.parametrize(
    ("data", "weights", "expected"),
    [
        (RAW_4RATERS, "linear", 0.85873914),
        (RAW_4RATERS, "quadratic", 0.91400072),
        (RAW_5OBSERVERS, "linear", 0.68963942),
        (RAW_5OBSERVERS, "quadratic", 0.83043357),
    ],
)
def test_ac2_matches_irrcac(data, weights, expected) -> None:
    stat = gwet_ac2(long(data), weights)
    assert stat.value == pytest.approx(expected, abs=1e-7)
    assert stat.detail == f"{weights} weights"


def test_ac1_on_the_second_example_matches_irrcac() -> None:
    assert gwet_ac1(long(RAW_5OBSERVERS)).value == pytest.approx(0.49662205, abs=1e-7)


def test_an_unused_category_of_the_scale_counts_in_chance_agreement() -> None:
    ratings = long(RAW_4RATERS)
    seen = gwet_ac1(ratings).value
    with_six = gwet_ac1(ratings, categories=[1, 2, 3, 4, 5, 6]).value
    assert with_six != pytest.approx(seen)  # q = 6: pe is larger by T/(q(q-1))
    assert with_six > seen


def test_undefined_without_a_pair_or_with_a_single_category() -> None:
    single = pd.DataFrame({"unit": [1, 2], "rater": ["a", "b"], "value": ["yes", "yes"]})
    assert gwet_ac1(single).value is None and "two or more raters" in gwet_ac1(single).reason
    one_category = pd.DataFrame({"unit": [1, 1], "rater": ["a", "b"], "value": [1, 1]})
    assert gwet_ac1(one_category).value is None


def test_bootstrap_interval_agrees_with_gwets_analytic_interval() -> None:
    """On the 5-observers data taken four times (60 units), irrCAC's analytic
    95 % intervals are (0.37773, 0.61551) for AC1 and (0.77366, 0.88721) for
    quadratic AC2; a bootstrap over units should land within 0.02 of both ends."""
    ratings = long(RAW_5OBSERVERS, copies=4)
    ac1 = bootstrap_interval(ratings)
    assert ac1.low == pytest.approx(0.37773, abs=0.02)
    assert ac1.high == pytest.approx(0.61551, abs=0.02)
    ac2 = bootstrap_interval(ratings, "quadratic")
    assert ac2.low == pytest.approx(0.77366, abs=0.02)
    assert ac2.high == pytest.approx(0.88721, abs=0.02)
    assert bootstrap_interval(ratings, seed=5) != bootstrap_interval(ratings, seed=6)


def test_perfect_agreement_has_a_degenerate_interval_at_one() -> None:
    rows = [(u, r, u % 2) for u in range(10) for r in ("a", "b", "c")]
    interval = bootstrap_interval(pd.DataFrame(rows, columns=["unit", "rater", "value"]))
    assert (interval.low, interval.high) == (pytest.approx(1.0), pytest.approx(1.0))


def test_too_few_units_give_no_interval() -> None:
    ratings = pd.DataFrame({"unit": [1, 1], "rater": ["a", "b"], "value": [1, 2]})
    assert bootstrap_interval(ratings).low is None


def test_the_prevalence_paradox_is_named_when_one_answer_dominates() -> None:
    """40 units, 3 raters, almost every answer "yes": raters agree on nearly
    every pair, alpha reads low, AC1 high, and the page says why."""
    rng = np.random.default_rng(3)
    rows = []
    for unit in range(40):
        for rater in ("a", "b", "c"):
            rows.append((unit, rater, "no" if rng.random() < 0.04 else "yes"))
    ratings = pd.DataFrame(rows, columns=["unit", "rater", "value"])
    alpha, ac1 = krippendorff_alpha(ratings), gwet_ac1(ratings)
    assert alpha.value < 0.667 <= ac1.value
    sentence = prevalence_paradox(ratings, alpha, ac1)
    assert sentence and "same one" in sentence and f"{ac1.value:.2f}" in sentence


def test_no_paradox_is_named_when_answers_are_balanced() -> None:
    ratings = long(RAW_4RATERS)
    assert prevalence_paradox(ratings, krippendorff_alpha(ratings), gwet_ac1(ratings)) is None
