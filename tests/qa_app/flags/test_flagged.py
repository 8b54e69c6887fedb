"""One definition of "flagged": above the active model's threshold, within its review
budget. The Flagged queue lists exactly these, Operations' flag precision counts them."""

from __future__ import annotations

import math
import random
import re
from datetime import date

import pytest
from sqlalchemy import insert, select

from qa_app.extensions import db
from qa_app.flags import flagged, queue, services
from qa_app.models import Flag, FlagModel
from qa_app.reports import queries
from qa_app.reports import services as reports
from tests.qa_app.flags.support import add_flag, add_model, load_interactions


def _order(html: str) -> list[str]:
    return re.findall(r'data-testid="flag-row" data-interaction="([^"]+)"', html)


def _thirty(users, make, model):
    """Thirty contacts scored 1/30 .. 30/30 by ``model``; the top one reviewed."""
    flags = [
        add_flag(make.interaction(users["agent"], external_id=f"c{n:02d}"), model, n / 30)
        for n in range(1, 31)
    ]
    for flag, review in (
        (flags[-1], "confirmed"),
        (flags[-2], "dismissed"),
        (flags[0], "confirmed"),
    ):
        flag.review, flag.reviewed_by_id = review, users["reviewer"].id
    return flags


def test_the_budget_caps_the_flags_when_the_threshold_would_flag_more(app, client_as, users, make):
    model = add_model(threshold=0.3, budget=0.1)  # 21 scores above 0.3; the budget is 3
    _thirty(users, make, model)
    [cut] = flagged.cuts()
    assert (cut.scored, cut.allowed, round(cut.probability, 3)) == (30, 3, 0.933)
    page = client_as("reviewer").get("/flags/").get_data(as_text=True)
    assert _order(page) == ["c30", "c29", "c28"]
    assert "3 flagged of 30 scored, review budget 10 %" in page
    assert "escalation threshold 0.300" in page


def test_the_threshold_holds_when_the_budget_would_allow_more(app, client_as, users, make):
    model = add_model(threshold=0.79, budget=0.5)  # budget 15; 7 scores reach 0.79
    _thirty(users, make, model)
    page = client_as("reviewer").get("/flags/").get_data(as_text=True)
    assert _order(page) == [f"c{n}" for n in range(30, 23, -1)]
    assert "7 flagged of 30 scored, review budget 50 %" in page
    assert "interaction(s)" not in page


def test_operations_counts_the_same_flags_as_the_queue(app, client_as, users, make):
    model = add_model(threshold=0.3, budget=0.1)
    _thirty(users, make, model)
    add_model(version=2, active=False, threshold=0.0, budget=1.0)  # scores nothing counted
    table = reports.flags(queries.Filters(date(2000, 1, 1), date(2100, 1, 1)))
    row = table.set_index("target").loc["escalation"]
    # c30 confirmed, c29 dismissed: flags; c01 (confirmed, far below the cut) is not one.
    assert (row["flags"], row["reviewed"], row["confirmed"]) == (3, 2, 1)
    assert row["precision"] == 0.5
    page = client_as("executive").get("/reports/operations?date_from=2000-01-01")
    cells = re.search(r'data-testid="flags-escalation">(.*?)</tr>', page.get_data(as_text=True))
    assert re.findall(r">(\d+)</td>", cells.group(1)) == ["3", "2", "1"]


def test_no_active_model_means_no_flags(app, users, make):
    model = add_model(active=False)
    add_flag(make.interaction(users["agent"]), model, 0.99)
    assert flagged.cuts() == []
    assert reports.flags(queries.Filters()).empty


# --- the stored cut ----------------------------------------------------------------
# The budget's part of the cut is measured when the scores change and stored on the
# model's row; these check it against the definition computed from the scores.


def _oracle(scores: dict[int, float], threshold: float, budget: float) -> set[int]:
    """The flagged interactions straight from the definition: the top ceil(budget x n)
    scores (ties at the last one included) that reach the threshold."""
    ranked = sorted(scores.values(), reverse=True)
    allowed = math.ceil(budget * len(ranked) - 1e-9)
    if allowed <= 0:
        return set()
    cut = max(threshold, ranked[allowed - 1]) if allowed <= len(ranked) else threshold
    return {iid for iid, p in scores.items() if p >= cut}


def _flagged() -> set[int]:
    """What the queue, home, Operations and the API flag: the stored cuts' condition."""
    query = select(Flag.interaction_id).where(flagged.condition(flagged.cuts()))
    return set(db.session.scalars(query))


def _scores(model: FlagModel) -> dict[int, float]:
    rows = db.session.execute(
        select(Flag.interaction_id, Flag.probability).where(Flag.model_id == model.id)
    )
    return dict(rows.all())


def _store(model: FlagModel, scores: dict[int, float]) -> None:
    """Scores written in bulk, then the cut stored, as a scoring run does."""
    rows = [{"interaction_id": iid, "model_id": model.id, "target": model.target,
             "probability": p, "reasons": []} for iid, p in scores.items()]  # fmt: skip
    db.session.execute(insert(Flag), rows)
    flagged.store_cut([model])
    db.session.commit()


@pytest.mark.parametrize(
    ("threshold", "budget"),
    [(0.0, 0.05), (0.3, 0.1), (0.9, 0.5), (0.0, 1.0), (0.5, 0.0)],
    ids=["budget-binds", "budget-over-threshold", "threshold-binds", "all", "zero-budget"],
)
def test_the_stored_cut_flags_what_the_definition_flags(app, users, threshold, budget):
    ids = load_interactions([users["agent"]], n=300)
    model = add_model(threshold=threshold, budget=budget)
    rng = random.Random(7)
    scores = {iid: round(rng.random(), 2) for iid in ids}  # two decimals: many ties
    _store(model, scores)
    assert flagged.is_current(model)  # read from the row, not counted again
    [cut] = flagged.cuts()
    assert (cut.scored, cut.allowed) == (300, math.ceil(budget * 300 - 1e-9))
    assert _flagged() == _oracle(scores, threshold, budget)


def test_rescoring_new_interactions_moves_the_cut(app, users):
    ids = load_interactions([users["agent"]], n=300)
    model = add_model(threshold=0.0, budget=0.1)
    assert services.score_interactions(ids[:100]) == 100
    page = queue.queue(queue.Filters())
    assert (page.scored, page.cuts[0].allowed) == (100, 10)
    first = _oracle(_scores(model), 0.0, 0.1)
    assert _flagged() == first and page.total == len(first)

    assert services.score_interactions(ids[100:]) == 200
    db.session.refresh(model)
    assert (model.cut_scored, model.cut_budget) == (300, 0.1)  # stored by the run
    page = queue.queue(queue.Filters())
    assert (page.scored, page.cuts[0].allowed) == (300, 30)
    second = _oracle(_scores(model), 0.0, 0.1)
    assert _flagged() == second and page.total == len(second) >= 30
    assert page.cuts[0].probability == sorted(_scores(model).values())[-30]


def test_a_run_stopped_part_way_stores_the_cut_of_what_it_stored(app, users, monkeypatch):
    ids = load_interactions([users["agent"]], n=300)
    model = add_model(threshold=0.0, budget=0.1)
    monkeypatch.setattr(services, "SCORE_CHUNK", 50)

    def stop(done: int) -> None:
        raise KeyboardInterrupt  # e.g. the worker is stopped after the first chunk

    with pytest.raises(KeyboardInterrupt):
        services.score_interactions(ids[:150], progress=stop)
    db.session.refresh(model)
    assert model.cut_scored == 50 and flagged.cuts()[0].allowed == 5
    assert _flagged() == _oracle(_scores(model), 0.0, 0.1)


def test_ties_at_the_cut_are_all_flags(app, client_as, users, make):
    model = add_model(threshold=0.0, budget=0.2)  # 2 of 10
    for n, p in enumerate([0.9, 0.8, 0.8, 0.8, 0.5, 0.4, 0.3, 0.2, 0.1, 0.05]):
        add_flag(make.interaction(users["agent"], external_id=f"t{n}"), model, p)
    [cut] = flagged.cuts()
    assert (cut.scored, cut.allowed, cut.probability) == (10, 2, 0.8)
    page = client_as("reviewer").get("/flags/").get_data(as_text=True)
    assert _order(page) == ["t0", "t1", "t2", "t3"]  # 0.9 and the three tied at 0.8
    assert "4 flagged of 10 scored, review budget 20 %" in page


def test_a_model_with_no_scores_flags_nothing(app, users, make):
    model = add_model(threshold=0.0, budget=1.0)
    other = add_model(version=2, active=False, threshold=0.0, budget=1.0)
    add_flag(make.interaction(users["agent"]), other, 0.99)  # another model's score
    flagged.store_cut([model])
    db.session.commit()
    [cut] = flagged.cuts()
    assert (cut.scored, cut.allowed, cut.probability) == (0, 0, None)
    assert _flagged() == set()
    page = queue.queue(queue.Filters())
    assert (page.total, page.scored) == (0, 0)


def test_a_changed_budget_is_honoured_at_once_and_stored_by_the_next_run(app, users):
    ids = load_interactions([users["agent"]], n=300)[:40]
    model = add_model(threshold=0.0)
    model.meta = {k: v for k, v in model.meta.items() if k != "budget"}  # FLAG_BUDGET's
    scores = {iid: (n + 1) / 40 for n, iid in enumerate(ids)}
    _store(model, scores)
    assert (model.cut_budget, flagged.cuts()[0].allowed) == (0.05, 2)
    assert _flagged() == _oracle(scores, 0.0, 0.05)

    app.config["FLAG_BUDGET"] = 0.25
    assert not flagged.is_current(model)  # measured at 5 %: not used at 25 %
    [cut] = flagged.cuts()
    assert (cut.budget, cut.scored, cut.allowed, cut.probability) == (0.25, 40, 10, 31 / 40)
    assert _flagged() == _oracle(scores, 0.0, 0.25)

    services.score_interactions([])  # any scoring run stores the cut at the budget now
    db.session.refresh(model)
    assert (model.cut_budget, model.cut_scored) == (0.25, 40)
    assert flagged.is_current(model) and _flagged() == _oracle(scores, 0.0, 0.25)
