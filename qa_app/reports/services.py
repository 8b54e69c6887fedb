"""The reports' figures: run the aggregates, shape them, name the tables.

``page`` gives a report page's figures, stored for ``REPORT_MAX_AGE`` seconds
(``results.latest``); ``TABLES`` names each exportable table by its page, so an
export carries the numbers of the page's stored result.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date, timedelta
from typing import Any

import pandas as pd
import sqlalchemy as sa
from flask import current_app

from qa_app.extensions import db
from qa_app.models import Evaluation, Scorecard, ScorecardVersion, Team, User, utcnow
from qa_app.reports import activity, figures, lookups, queries, results
from qa_app.reports.queries import Drill, Filters

COACHING_WINDOW_DAYS = 90  # focus-question answers looked at before/after a session


def thresholds() -> tuple[float, dict[int, float]]:
    config = current_app.config
    per_team = {int(k): float(v) for k, v in (config.get("QUALITY_THRESHOLDS") or {}).items()}
    return float(config.get("QUALITY_THRESHOLD", 80.0)), per_team


def threshold_expr() -> Any:
    return queries.threshold_expr(*thresholds())


def threshold_for(team_id: int | None) -> float:
    default, per_team = thresholds()
    return per_team.get(team_id, default) if team_id is not None else default


def cube(filters: Filters) -> pd.DataFrame:
    return figures.prepare(queries.evaluation_cube(filters, threshold_expr()))


def headline(filters: Filters) -> dict[str, float]:
    """The headline figures alone: one row of totals, no grouping."""
    totals = queries.evaluation_cube(filters, threshold_expr(), grouped=False)
    return figures.headline(figures.prepare(totals))


AGENTS_AT_EACH_END = 25  # the dashboard's agent ranking: top and bottom 25


def quality(filters: Filters) -> dict[str, Any]:
    """Everything on the Quality tab, from one cube query (histogram included)."""
    c = cube(filters)
    head = figures.headline(c)
    weekly, monthly = figures.trend(c, "week"), figures.trend(c, "month")
    by_team = figures.trend(c, "week", by="team_id")
    teams = team_names(c["team_id"]) if not c.empty else {}
    charts = {
        "week": _trend_chart(weekly, by_team, teams),
        "month": _trend_chart(monthly, figures.trend(c, "month", by="team_id"), teams),
    }
    dist = figures.distribution(c)
    charts["distribution"] = figures.chart(dist["scores"], {"Evaluations": dist["n"]}, kind="bar")
    agents = figures.agents(c, lookups.user_names(c["agent_id"]) if not c.empty else {})
    # A page shows the top and the bottom of a long ranking, the exports all of it.
    ends = AGENTS_AT_EACH_END
    shown = [agents] if len(agents) <= 2 * ends else [agents.head(ends), agents.tail(ends)]
    return {
        "head": head,
        "weekly": weekly,
        "monthly": monthly,
        "teams": figures.groups(c, "team_id", teams),
        "agents": agents,
        "agents_shown": shown,
        "agents_between": len(agents) - sum(len(part) for part in shown),
        "families": figures.families(head),
        "distribution": dist,
        "charts": charts,
    }


def summary(filters: Filters) -> dict[str, Any]:
    """What the periodic review shows of the Quality tab (headline, agents ranked,
    weekly chart), without the tables and charts it does not show."""
    c = cube(filters)
    teams = team_names(c["team_id"]) if not c.empty else {}
    weekly = _trend_chart(figures.trend(c, "week"), figures.trend(c, "week", by="team_id"), teams)
    return {
        "head": figures.headline(c),
        "agents": figures.agents(c, lookups.user_names(c["agent_id"]) if not c.empty else {}),
        "charts": {"week": weekly},
    }


def _trend_chart(overall: pd.DataFrame, by_team: pd.DataFrame, teams: dict) -> dict:
    periods = list(overall["period"])
    series = {"All teams": list(overall["mean"])}
    for team_id, g in by_team.groupby("team_id", dropna=False):
        means = dict(zip(g["period"], g["mean"], strict=True))
        label = teams.get(int(team_id), "?") if pd.notna(team_id) else "(no team)"
        series[label] = [means.get(p) for p in periods]
    return figures.chart(periods, series, counts=[int(n) for n in overall["n"]], unit="score")


def team_names(ids: Any) -> dict[int, str]:
    return lookups.team_names(ids)


def questions(filters: Filters) -> pd.DataFrame:
    """The Pareto table."""
    return figures.pareto_frame(question_table(filters)[0])


def question_table(filters: Filters) -> tuple[list[list], dict]:
    """The Questions page's Pareto rows (``figures.PARETO_COLUMNS``) and chart."""
    rows = figures.pareto_rows(queries.question_failure_rows(filters), lookups.question_texts())
    return rows, pareto_chart(rows)


def pareto_chart(rows: list[list]) -> dict:
    """The 20 worst questions' rates and cumulative share, in percent."""
    top = rows[:20]
    keys = [row[0] for row in top]
    rates = [100 * float(row[4]) for row in top]
    cumulative = [100 * float(row[5]) for row in top]
    return figures.chart(
        keys, {"Failure rate %": rates, "Cumulative % of failures": cumulative}, kind="pareto"
    )


def reviewers(filters: Filters) -> pd.DataFrame:
    """The Reviewers table."""
    load = activity.reviewer_load(filters)
    _, hi = filters.bounds()
    calib = figures.latest_calibration(activity.calibration_totals(hi))
    labels = lookups.user_names(load["reviewer_id"]) if not load.empty else {}
    cells, disputes = activity.comparable_cells(filters), activity.dispute_counts(filters)
    return figures.reviewers(load, cells, disputes, calib, labels)


def _days(filters: Filters) -> int | None:
    if filters.date_from and filters.date_to:
        return (filters.date_to - filters.date_from).days + 1
    return None


def coverage_targets(filters: Filters) -> dict[int | None, float | None]:
    """Reviews expected per agent in the period, per team, from the active rules:
    per_agent x days / period_days, summed over the rules covering the team."""
    days = _days(filters)
    rules = activity.active_rules()
    if days is None or not rules:
        return {}
    team_ids = [None, *db.session.scalars(sa.select(Team.id))]
    out: dict[int | None, float | None] = {}
    for team in team_ids:
        applicable = [r for r in rules if (r.filters or {}).get("team_id") in (None, team)]
        out[team] = (
            sum(r.per_agent * days / r.period_days for r in applicable) if applicable else None
        )
    return out


def coverage(filters: Filters) -> pd.DataFrame:
    cov = activity.coverage(filters)
    labels = lookups.user_names(cov["agent_id"]) if not cov.empty else {}
    return figures.coverage(cov, coverage_targets(filters), labels)


BUCKETS = ("overdue", "this week", "later", "no due date")


def backlog(filters: Filters) -> pd.DataFrame:
    counts = activity.backlog(filters, utcnow())
    found = dict(zip(counts["bucket"], counts["n"], strict=True)) if not counts.empty else {}
    return pd.DataFrame({"due": BUCKETS, "open": [int(found.get(b, 0)) for b in BUCKETS]})


def flags(filters: Filters) -> pd.DataFrame:
    f = figures.numeric(activity.flag_reviews(filters), ["flags", "reviewed", "confirmed"])
    if f.empty:
        return pd.DataFrame(columns=["target", "flags", "reviewed", "confirmed", "precision"])
    f["precision"] = figures.ratio(f["confirmed"], f["reviewed"])
    f[["flags", "reviewed", "confirmed"]] = f[["flags", "reviewed", "confirmed"]].astype(int)
    return f.sort_values("target").reset_index(drop=True)


def operations(filters: Filters) -> dict[str, pd.DataFrame]:
    """The Operations tab's three tables."""
    return {"coverage": coverage(filters), "backlog": backlog(filters), "flags": flags(filters)}


def coaching(filters: Filters) -> pd.DataFrame:
    """The Coaching table: per session held, its focus questions' pass rates."""
    sessions = activity.coaching_sessions(filters)
    if sessions.empty:
        return figures.coaching(sessions, pd.DataFrame(), {})
    lo, hi = coaching_window(sessions["held_on"])
    sides = queries.frame(activity.focus_sides(filters, lo, hi))
    labels = lookups.user_names(sessions["agent_id"])
    return figures.coaching(sessions, sides, labels)


def coaching_page(filters: Filters) -> dict[str, Any]:
    """The Coaching tab: its table and summary."""
    table = coaching(filters)
    return {"table": table, "summary": coaching_summary(filters, table)}


def coaching_window(held: Iterable[date]) -> tuple[date, date]:
    """The days of answers looked at: from the window before the first session to
    the window after the last, [lo, hi)."""
    days = [d if isinstance(d, date) else date.fromisoformat(str(d)[:10]) for d in held]
    window = timedelta(days=COACHING_WINDOW_DAYS)
    return min(days) - window, max(days) + window + timedelta(days=1)


def coaching_summary(filters: Filters, table: pd.DataFrame) -> dict[str, Any]:
    """Sessions held, overdue action items, pooled pass rates before and after."""

    def pooled(prefix: str) -> float:
        n = table[f"{prefix}_n"]
        passed = (table[f"{prefix}_pass"].fillna(0) * n).sum()
        return figures.ratio(float(passed), float(n.sum()))

    return {
        "held": len(table),
        "overdue": activity.overdue_items(filters, utcnow().date()),
        "before": pooled("before") if len(table) else float("nan"),
        "after": pooled("after") if len(table) else float("nan"),
    }


PER_PAGE = 50


def evaluation_count(filters: Filters, drill: Drill) -> int:
    """How many evaluations the drill-down list (and its export) holds."""
    source, conds = queries.counted(filters)
    conds += queries.drill_conditions(drill, threshold_expr())
    return _count(source, conds)


def _count(source, conds) -> int:
    return int(
        db.session.execute(
            sa.select(sa.func.count()).select_from(source).where(*conds)
        ).scalar_one()
    )


def evaluation_rows(
    filters: Filters, drill: Drill, *, page: int | None = 1
) -> tuple[pd.DataFrame, int]:
    """The evaluations behind a figure (a page of them, or all with page=None) and the count."""
    source, conds = queries.counted(filters)
    conds += queries.drill_conditions(drill, threshold_expr())
    agent, reviewer = sa.orm.aliased(User), sa.orm.aliased(User)
    query = (
        sa.select(
            Evaluation.id.label("evaluation_id"),
            Evaluation.submitted_at.label("submitted"),
            agent.name.label("agent"),
            reviewer.name.label("reviewer"),
            Team.name.label("team"),
            Evaluation.channel,
            (Scorecard.name + " v" + sa.cast(ScorecardVersion.number, sa.String)).label(
                "scorecard"
            ),
            Evaluation.total,
            Evaluation.auto_failed,
        )
        .select_from(source)
        .join(agent, agent.id == Evaluation.agent_id)
        .join(reviewer, reviewer.id == Evaluation.reviewer_id)
        .outerjoin(Team, Team.id == Evaluation.team_id)
        .join(ScorecardVersion, ScorecardVersion.id == Evaluation.scorecard_version_id)
        .join(Scorecard, Scorecard.id == ScorecardVersion.scorecard_id)
        .where(*conds)
        .order_by(Evaluation.submitted_at.desc(), Evaluation.id.desc())
    )
    total = _count(source, conds)
    if page is not None:
        query = query.limit(PER_PAGE).offset((page - 1) * PER_PAGE)
    return queries.frame(query), total


PAGES: dict[str, Callable[[Filters], Any]] = {
    "quality": quality,
    "questions": question_table,
    "reviewers": reviewers,
    "operations": operations,
    "coaching": coaching_page,
}


def page(
    name: str, filters: Filters, versions: list[tuple[int, Any]], *, refresh: bool = False
) -> results.Stored:
    """The figures of the page ``name`` (``PAGES``) under ``filters``, stored for
    ``REPORT_MAX_AGE`` seconds; ``refresh`` computes them now. ``versions``: the
    scorecard versions the filter form read (question texts and error families
    come from them, so a new version is a new result)."""
    key = (filters, *settings(), tuple(versions))
    return results.latest(name, key, lambda: PAGES[name](filters), max_age(), refresh=refresh)


def max_age() -> int:
    return int(current_app.config["REPORT_MAX_AGE"])


def settings() -> tuple:
    """The configuration the figures depend on, part of every stored result's key."""
    return thresholds(), current_app.config.get("FLAG_BUDGET")


def _part(name: str, key: str | None = None) -> tuple[str, Callable[[Any], pd.DataFrame]]:
    return name, (lambda value: value[key]) if key else (lambda value: value)


# Each exportable table: its page and where it is in the page's figures.
TABLES: dict[str, tuple[str, Callable[[Any], pd.DataFrame]]] = {
    **{t: _part("quality", t) for t in ("weekly", "monthly", "teams", "agents", "families",
                                        "distribution")},
    "questions": ("questions", lambda value: figures.pareto_frame(value[0])),
    "reviewers": _part("reviewers"),
    **{t: _part("operations", t) for t in ("coverage", "backlog", "flags")},
    "coaching": _part("coaching", "table"),
}  # fmt: skip


def default_period(today: date | None = None) -> tuple[date, date]:
    """The dashboard's default: the last 12 weeks, today included."""
    today = today or utcnow().date()
    return today - timedelta(days=83), today
