"""The reveal page shows the pure package's numbers for the session's data,
handles missing ratings, and says "undefined" (with why) instead of a number."""

import html
import re

import pandas as pd
import pytest

import calibration
import scorecards
from qa_app.calibration import results, services
from qa_app.extensions import db
from tests.qa_app.calibration.support import ALL_YES, CARD, build
from tests.qa_app.helpers import sign_in

CARD_OBJ = scorecards.from_dict(CARD)
# Per interaction, reviewers A, B, C. C never scores the third interaction.
ANSWERS = [
    [
        {"greet": "yes", "verify": "yes", "tone": 4, "outcome": "solved"},
        {"greet": "no", "verify": "na", "tone": 2, "outcome": "partly"},
        {"greet": "yes", "verify": "no", "tone": 5, "outcome": "solved"},
    ],
    [
        {"greet": "yes", "verify": "yes", "tone": 3, "outcome": "solved"},
        {"greet": "yes", "verify": "yes", "tone": 3, "outcome": "partly"},
        {"greet": "no", "verify": "na", "tone": 1, "outcome": "not"},
    ],
    [
        {"greet": "yes", "verify": "no", "tone": 5, "outcome": "partly"},
        {"greet": "yes", "verify": "no", "tone": 4, "outcome": "partly"},
        None,
    ],
]
KEY = [
    {"greet": "yes", "verify": "yes", "tone": 4, "outcome": "solved"},
    {"greet": "yes", "verify": "yes", "tone": 3, "outcome": "solved"},
]


def _value(page: str, testid: str) -> float | None:
    match = re.search(rf'data-testid="{re.escape(testid)}" data-value="([^"]*)"', page)
    assert match, f"{testid} not on the page"
    return float(match.group(1)) if match.group(1) else None


def _reason(page: str, testid: str) -> str:
    match = re.search(rf'data-testid="{re.escape(testid)}-reason">\(([^)]*)\)', page)
    assert match, f"no reason for {testid}"
    return html.unescape(match.group(1))


def _page(app, user, session_id) -> str:
    client = app.test_client()
    sign_in(client, user.email)
    response = client.get(f"/calibration/{session_id}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def _expected(raters):
    """The same data typed out by hand as the pure package's long tables."""
    ratings, totals = [], []
    for n, per_rater in enumerate(ANSWERS):
        for rater, answers in zip(raters, per_rater, strict=True):
            if answers is None:
                continue
            totals.append((n, rater, scorecards.score(CARD_OBJ, answers).total))
            for key, value in answers.items():
                if value != "na":
                    ratings.append((f"{n}:{key}", rater, value, key))
    for n, answers in enumerate(KEY):
        totals.append((n, 0, scorecards.score(CARD_OBJ, answers).total))
        for key, value in answers.items():
            ratings.append((f"{n}:{key}", 0, value, key))
    r = pd.DataFrame(ratings, columns=["unit", "rater", "value", "question"])
    t = pd.DataFrame(totals, columns=["interaction", "rater", "total"])
    return r, t


@pytest.fixture
def scored(make, users):
    calib = build(make, users)
    for n, per_rater in enumerate(ANSWERS):
        for user, answers in zip(calib.reviewers, per_rater, strict=True):
            if answers is not None:
                calib.submit(user, n, answers)
    for n, answers in enumerate(KEY):
        calib.benchmark(n, answers)
    calib.session.deadline = calib.session.created_at  # reveal despite C's gap
    db.session.commit()
    services.reveal(calib.facilitator, calib.session)
    return calib


def test_page_statistics_equal_the_pure_package(app, scored):
    raters = [u.id for u in scored.reviewers]
    ratings, totals = _expected(raters)
    people = ratings.loc[ratings["rater"] != 0]
    nominal = people.loc[people["question"].isin(["greet", "verify", "outcome"])]
    tone = people.loc[people["question"] == "tone"]
    scaled = tone.assign(value=(tone["value"].astype(float) - 1) / 4)
    scores = totals.loc[totals["rater"] != 0].rename(
        columns={"interaction": "target", "total": "score"}
    )
    expected = {
        "alpha-nominal": calibration.krippendorff_alpha(nominal, "nominal").value,
        "alpha-interval": calibration.krippendorff_alpha(scaled, "interval").value,
        "percent-agreement": calibration.percent_agreement(people).value,
        "icc-ICC2": calibration.icc(scores, "ICC2").value,
        "icc-ICC2k": calibration.icc(scores, "ICC2k").value,
        "q-alpha-greet": calibration.krippendorff_alpha(
            people.loc[people["question"] == "greet"], "nominal"
        ).value,
        "q-alpha-tone": calibration.krippendorff_alpha(tone, "interval").value,
        "q-percent-outcome": calibration.percent_agreement(
            people.loc[people["question"] == "outcome"]
        ).value,
        # Over the question's full scale: yes/no, and tone's 1-5 with linear weights.
        "q-gwet-greet": calibration.gwet_ac1(
            people.loc[people["question"] == "greet"], ["yes", "no"]
        ).value,
        "q-gwet-tone": calibration.gwet_ac2(
            tone.assign(value=tone["value"].astype(int)), "linear", [1, 2, 3, 4, 5]
        ).value,
    }
    deviation = calibration.score_deviation(totals, 0)
    matches = calibration.benchmark_agreement(ratings, 0)
    spread = calibration.spread(totals.loc[totals["rater"] != 0])
    for rater in raters:
        expected[f"dev-mean-{rater}"] = deviation.loc[rater, "mean"]
        expected[f"dev-abs-{rater}"] = deviation.loc[rater, "mean_abs"]
        expected[f"match-{rater}"] = matches.loc[rater, "match_rate"]

    page = _page(app, scored.facilitator, scored.session.id)
    assert all(v is not None for v in expected.values()), expected
    for testid, value in expected.items():
        assert _value(page, testid) == pytest.approx(value, abs=1e-12), testid
    for n, interaction in enumerate(scored.interactions):
        assert _value(page, f"spread-std-{interaction.external_id}") == pytest.approx(
            spread.loc[n, "std"]
        )
    # The stored results (for trends) hold the same numbers.
    db.session.expire_all()
    stored = db.session.get(type(scored.session), scored.session.id).results
    assert stored["alpha"]["nominal"]["value"] == pytest.approx(expected["alpha-nominal"])
    assert stored["reference"] == "benchmark"


def test_missing_ratings_show_as_gaps_and_icc_uses_complete_interactions(app, scored):
    page = _page(app, scored.facilitator, scored.session.id)
    c = scored.reviewers[2]
    third = scored.interactions[2].external_id
    cell = re.search(rf'data-testid="answer-{third}-greet-{c.id}"[^>]*>(.*?)</td>', page)
    assert "no rating" in cell.group(1)
    assert _value(page, f"total-{third}-{c.id}") is None
    assert "2 interaction(s) scored by all 3" in page  # ICC left the third out
    # B answered N/A on verify of the first interaction: shown, but not a rating.
    first = scored.interactions[0].external_id
    b = scored.reviewers[1]
    cell = re.search(rf'data-testid="answer-{first}-verify-{b.id}"[^>]*>(.*?)</td>', page)
    assert cell.group(1).strip() == "N/A"
    computed = results.compute(scored.session)
    assert "na" not in set(computed.ratings["value"])
    with_na = results.compute(scored.session, na="category")
    assert "na" in set(with_na.ratings["value"])
    assert with_na.alpha["nominal"].value != computed.alpha["nominal"].value


def test_skipped_optional_question_is_a_missing_rating(make, users):
    calib = build(make, users, items=1, reviewers=2)
    a, b = calib.reviewers
    calib.submit(a, 0, ALL_YES)
    calib.submit(b, 0, ALL_YES | {"verify": "no"})
    computed = results.compute(calib.session)
    row = next(r for r in computed.rows[calib.interactions[0].id] if r.question.key == "verify")
    assert row.agreement == 0 and row.disagreement and row.off(a.id) and row.off(b.id)
    assert computed.icc == {}  # one interaction: ICC is not computed


def test_all_reviewers_agree_alpha_is_undefined_with_its_reason(app, make, users):
    # Everyone answers "yes" and 4 everywhere: no variation for alpha to measure.
    same = {**CARD, "sections": [{**CARD["sections"][0]}]}
    same["sections"][0]["questions"] = [
        q for q in CARD["sections"][0]["questions"] if q["key"] != "outcome"
    ]
    calib = build(make, users, items=2, card=same)
    answers = {k: v for k, v in ALL_YES.items() if k != "outcome"}
    for user in calib.reviewers:
        for n in range(2):
            calib.submit(user, n, answers)
    services.reveal(calib.facilitator, calib.session)
    page = _page(app, calib.reviewers[0], calib.session.id)
    for testid in ("alpha-nominal", "alpha-interval", "q-alpha-greet", "icc-ICC2"):
        assert _value(page, testid) is None, testid
    assert _reason(page, "alpha-nominal") == calibration.agreement.NO_VARIATION
    # Gwet's AC1 counts "no" as a choice the raters had: full agreement reads 1.
    assert _value(page, "q-gwet-greet") == pytest.approx(1.0)
    assert _reason(page, "icc-ICC2").startswith("every score is the same")
    assert _value(page, "percent-agreement") == 1.0
    assert "NaN" not in page and "nan" not in page
    assert page.count(">undefined<") >= 4
    assert 'data-testid="no-outliers"' in page


def test_outlier_warning_names_the_measure_that_is_outside_and_by_how_much(app, make, users):
    # A misses by -16.7 on one call and +8.3 on the other: the signed mean (-4.2)
    # is inside 5 points, the mean absolute deviation (12.5) is not, and that
    # is the rule (calibration.outliers).
    calib = build(make, users, items=2, reviewers=2)
    a, b = calib.reviewers
    calib.submit(a, 0, ALL_YES | {"outcome": "partly"})
    calib.submit(a, 1, ALL_YES | {"tone": "5"})
    for n in range(2):
        calib.submit(b, n, ALL_YES)
        calib.benchmark(n, ALL_YES)
    services.reveal(calib.facilitator, calib.session)
    page = html.unescape(_page(app, calib.facilitator, calib.session.id))
    warning = re.sub(r"\s+", " ", re.search(r'data-testid="outliers">(.*?)</div>', page, re.S)[1])
    assert "Mean absolute deviation beyond the ±5-point target" in warning
    assert (
        "Reviewer A</strong>: mean absolute deviation 12.5 points from the benchmark, "
        "7.5 beyond the ±5 target (signed mean -4.2: scores lower on balance)"
    ) in warning
    assert "Reviewer B" not in warning
    assert "on average" not in page


def test_no_outlier_note_says_which_measure_is_within(app, make, users):
    calib = build(make, users, items=1, reviewers=2)
    for user in calib.reviewers:
        calib.submit(user, 0, ALL_YES)
    services.reveal(calib.facilitator, calib.session)
    page = html.unescape(_page(app, calib.facilitator, calib.session.id))
    note = re.search(r'data-testid="no-outliers">(.*?)</p>', page, re.S)[1]
    assert note.startswith(
        "Every reviewer's mean absolute deviation from the others' median is within "
        "the ±5-point target"
    )
