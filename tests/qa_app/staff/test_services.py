"""The staff review's figures on the hand-built October (see conftest.py)."""

from datetime import UTC, datetime

import pytest
from statsmodels.stats.proportion import proportion_confint

from qa_app.staff import services
from qa_app.staff.periods import parse

AS_OF = datetime(2026, 12, 8, tzinfo=UTC)


def review(config=None, **filters):
    return services.review(
        parse("2026-10"), services.Filters(**filters), config=config, as_of=AS_OF
    )


def row_of(result, agent):
    return next(row for row in result.rows if row["agent_id"] == agent.id)["cells"]


def test_handle_time_adds_hold_and_wrap_up_to_talk_time(october):
    ann = row_of(review(), october.ann)
    assert (ann["aht"].value, ann["aht"].n) == (305.0, 4)
    assert ann["aht"].median == 300.0  # of 120, 200, 400 and 500
    assert ann["aht"].change == pytest.approx(205.0)  # September: one 100 s call
    assert ann["volume"].value == 4 and ann["volume"].change == 3


def test_fcr_counts_repeats_across_channels_and_agents_and_the_explicit_column_wins(october):
    result = review()
    ann, ben = row_of(result, october.ann), row_of(result, october.ben)
    # a1 repeated by chat to Ben within 7 days; a2's repeat came after 10 days;
    # a3 explicitly unresolved; a4 has no customer id (left out).
    assert (ann["fcr"].value, ann["fcr"].n) == (pytest.approx(1 / 3), 3)
    assert (ben["fcr"].value, ben["fcr"].n) == (1.0, 2)


def test_fcr_on_the_same_topic_when_configured(october):
    ann = row_of(review({"FCR_SAME_TOPIC": True}), october.ann)
    # a1 (billing) is no longer repeated by b1 (returns); k2's repeat has no topic.
    assert (ann["fcr"].value, ann["fcr"].n) == (pytest.approx(2 / 3), 3)
    wider = row_of(review({"FCR_WINDOW_DAYS": 10}), october.ann)
    assert wider["fcr"].value == 0.0  # a2's repeat 10 days later now counts


def test_csat_mean_and_top_two_box_with_their_counts_and_small_n_greyed(october):
    result = review()
    ann, ben = row_of(result, october.ann), row_of(result, october.ben)
    assert (ben["csat_mean"].value, ben["csat_mean"].n, ben["csat_mean"].enough) == (
        pytest.approx(3.7),
        10,
        True,
    )
    low, high = proportion_confint(7, 10, method="wilson")
    top2 = ben["csat_top2"]
    assert (top2.value, top2.low, top2.high) == (0.7, pytest.approx(low), pytest.approx(high))
    assert (ann["csat_mean"].value, ann["csat_mean"].n, ann["csat_mean"].enough) == (3.5, 2, False)
    # Ranked only when enough: Ben first in Support, Ann never ranked.
    assert (ben["csat_mean"].rank, ann["csat_mean"].rank) == (1, None)


def test_rates_qa_and_disputes(october):
    ann = row_of(review(), october.ann)
    assert (ann["escalation_rate"].value, ann["escalation_rate"].n) == (0.5, 2)
    assert (ann["transfer_rate"].value, ann["transfer_rate"].n) == (1.0, 1)
    # Counted evaluations only: 80 and 90, never the draft (10) or calibration (0).
    assert (ann["qa_score"].value, ann["qa_score"].n, ann["qa_score"].change) == (85.0, 2, 25.0)
    assert (ann["disputes"].value, ann["disputes"].change) == (1.0, 1.0)


def test_an_outlier_only_when_the_interval_excludes_the_teams_figure(october):
    result = review()
    ann, ben = row_of(result, october.ann), row_of(result, october.ben)
    # Support's AHT is 126.25 s; Ben's 66.7 s (95 % 56.8 to 76.6) is below it,
    # Ann's 305 s has an interval too wide (n = 4) to say.
    assert ben["aht"].outlier == "below"
    assert ben["aht"].high < 126.25
    assert ann["aht"].outlier is None and ann["aht"].low < 126.25


def test_filters_and_sorting(october):
    by_fcr = review()
    assert [row["name"] for row in by_fcr.rows] == ["Ann Agent", "Ben Agent", "Cat Agent"]
    sorted_result = services.review(parse("2026-10"), sort="-aht", as_of=AS_OF)
    assert [row["name"] for row in sorted_result.rows] == ["Ann Agent", "Cat Agent", "Ben Agent"]
    sales = review(team_id=october.sales.id)
    assert [row["name"] for row in sales.rows] == ["Cat Agent"]
    emails = review(channel="email")
    assert [(row["name"], row["cells"]["volume"].value) for row in emails.rows] == [
        ("Ann Agent", 1.0)
    ]
    billing = review(topic="billing")
    assert row_of(billing, october.ann)["aht"].value == 400.0
    # The filter keeps the repeat that made a1 unresolved: FCR is computed first.
    assert row_of(billing, october.ann)["fcr"].value == 0.0


def test_summaries_by_team_channel_topic_and_region(october):
    result = review()
    teams = {row["name"]: row["cells"] for row in result.summaries["team"]}
    assert teams["Support"]["volume"].value == 16 and teams["Sales"]["volume"].value == 1
    assert teams["Support"]["aht"].value == pytest.approx(126.25)
    regions = {row["name"]: row["cells"]["volume"].value for row in result.summaries["region"]}
    assert regions == {"north": 1.0, "south": 1.0}
    channels = {row["name"]: row["cells"]["volume"].value for row in result.summaries["channel"]}
    assert channels == {"call": 15.0, "chat": 1.0, "email": 1.0}


@pytest.mark.parametrize(
    ("kwargs", "name"),
    [({"sort": "height"}, "sort"), ({"filters": services.Filters(channel="fax")}, "channel")],
)
def test_a_sort_or_filter_it_cannot_use_is_refused(app, kwargs, name):
    with pytest.raises(services.ReviewError) as caught:
        services.review(parse("2026-10"), **kwargs)
    assert caught.value.name == name


def test_an_empty_period_has_no_rows(app):
    result = services.review(parse("2030-01"), as_of=AS_OF)
    assert result.rows == [] and result.summaries["team"] == []


def test_the_services_never_read_the_request():
    import ast
    from pathlib import Path

    for name in ("services", "queries", "trends", "targets", "definitions", "periods"):
        tree = ast.parse(Path(f"qa_app/staff/{name}.py").read_text())
        imported = {
            node.module if isinstance(node, ast.ImportFrom) else alias.name
            for node in ast.walk(tree)
            if isinstance(node, ast.Import | ast.ImportFrom)
            for alias in node.names
        }
        assert not {m for m in imported if m and m.split(".")[0] == "flask"}, name
