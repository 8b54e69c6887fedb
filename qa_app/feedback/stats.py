"""Figures for the feedback pages and later reports, aggregated in SQL.

Every function returns a list of plain dicts (one row each), ready for a
template, a JSON response or ``pandas.DataFrame(rows)``. Only counted
evaluations (``Evaluation.counted``) count. Rates are
``None`` when their denominator is 0: undefined, never 0.

Time: an evaluation belongs to the week (Monday, UTC) of the *interaction* it
scores, because that is when the agent did the work; coaching effectiveness
uses the interaction date for the same reason.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from flask import current_app
from sqlalchemy import case, func, literal_column
from sqlalchemy.sql import ColumnElement

from qa_app.extensions import cache, db
from qa_app.models import (
    Answer,
    CoachingSession,
    Dispute,
    DisputeItem,
    Evaluation,
    Interaction,
    ScorecardVersion,
    User,
)
from qa_app.reviews import evaluations

RAISED = ("open", "resolved")  # a withdrawn dispute is not counted against anyone


def _rate(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def _week(column: Any) -> ColumnElement:
    """The Monday (UTC) of a timestamp's week, per database."""
    if db.session.get_bind().dialect.name == "postgresql":
        return func.date(func.date_trunc("week", func.timezone("UTC", column)))
    return func.date(column, "weekday 0", "-6 days")


def _day(value: Any) -> str:
    return value.isoformat()[:10] if isinstance(value, date) else str(value)[:10]


def agent_trend(agent: User, weeks: int = 26, until: date | None = None) -> list[dict[str, Any]]:
    """Weekly mean score of the agent and of the agent's team, over whole
    weeks from the Monday ``weeks`` weeks before ``until`` (default: the
    agent's latest scored interaction, so a quiet spell does not empty the
    chart)."""
    if until is None:
        latest = db.session.scalar(
            db.select(func.max(Interaction.started_at))
            .join(Evaluation, Evaluation.interaction_id == Interaction.id)
            .where(Evaluation.counted, Evaluation.agent_id == agent.id)
        )
        if latest is None:
            return []
        until = (
            latest.date() if isinstance(latest, datetime) else date.fromisoformat(str(latest)[:10])
        )
    first = until - timedelta(weeks=weeks)
    first -= timedelta(days=first.weekday())  # from a Monday: the first week is whole
    start = datetime.combine(first, datetime.min.time(), UTC)
    week = _week(Interaction.started_at).label("week")
    base = (
        db.select(week, func.avg(Evaluation.total), func.count())
        .join(Interaction, Interaction.id == Evaluation.interaction_id)
        .where(Evaluation.counted, Evaluation.total.is_not(None))
        .group_by(week)
    )
    own = base.where(Evaluation.agent_id == agent.id, Interaction.started_at >= start)
    mine = {_day(w): (avg, n) for w, avg, n in db.session.execute(own)}
    team: dict[str, float] = {}
    if agent.team_id is not None:
        team = _team_weeks(agent.team_id, start, base)
    return [
        {
            "week": w,
            "mine": round(mine[w][0], 1) if w in mine else None,
            "evaluations": mine[w][1] if w in mine else 0,
            "team": round(team[w], 1) if w in team else None,
        }
        for w in sorted(set(mine) | set(team))
    ]


# The team line is read from the Monday of a 13-week block (a grid from
# _GRID_MONDAY) and cut to each agent's window: agents' windows end on their own
# latest contact, so they start in different weeks, and a line kept per exact
# start would be read again for nearly every agent of the team.
_GRID_MONDAY = date(2001, 1, 1)
_BLOCK_DAYS = 13 * 7


def _block_start(start: datetime) -> datetime:
    days = (start.date() - _GRID_MONDAY).days
    first = _GRID_MONDAY + timedelta(days=days - days % _BLOCK_DAYS)
    return datetime.combine(first, datetime.min.time(), UTC)


def _team_weeks(team_id: int, start: datetime, base: Any) -> dict[str, float]:
    """The team's weekly means since ``start``, at most ``TEAM_TREND_CACHE_SECONDS`` old.

    The team line is the same for every agent of the team and is the costly
    half of the agent's home (every counted evaluation of the team in 26 weeks,
    each joined to its interaction for the week: 190 ms of the page's 230 ms on
    the load test's database); it is a comparison, so a few minutes' delay is
    fine, while the agent's own line is always read fresh. Kept in the app's
    cache (shared by the workers); 0 reads it on every visit."""
    since = _block_start(start)
    max_age = int(current_app.config["TEAM_TREND_CACHE_SECONDS"])
    key = f"feedback.team_weeks:{team_id}:{since.date().isoformat()}"
    weeks = cache.get(key) if max_age > 0 else None
    if weeks is None:
        query = base.join(User, User.id == Evaluation.agent_id).where(
            User.team_id == team_id, Interaction.started_at >= since
        )
        weeks = {_day(w): avg for w, avg, _ in db.session.execute(query)}
        if max_age > 0:
            cache.set(key, weeks, timeout=max_age)
    first = _day(start.date())
    return {w: avg for w, avg in weeks.items() if w >= first}


def missed_questions(agent: User, limit: int = 5) -> list[dict[str, Any]]:
    """The questions the agent most often loses points on: misses (scored,
    non-N/A answers below full points) over answered, with the text and
    guidance of the newest scorecard version the agent was scored on."""
    missed = func.sum(case((Answer.earned < Answer.possible, 1), else_=0))
    rows = db.session.execute(
        db.select(Answer.question_key, Evaluation.scorecard_version_id, missed, func.count())
        .join(Evaluation, Evaluation.id == Answer.evaluation_id)
        .where(Evaluation.counted, Evaluation.agent_id == agent.id, Answer.possible.is_not(None))
        .group_by(Answer.question_key, Evaluation.scorecard_version_id)
    ).all()
    totals: dict[str, list[int]] = {}
    newest: dict[str, int] = {}
    for key, version_id, misses, answered in rows:
        acc = totals.setdefault(key, [0, 0])
        acc[0] += int(misses or 0)
        acc[1] += int(answered)
        newest[key] = max(newest.get(key, 0), version_id)
    ranked = sorted(
        ((k, m, n) for k, (m, n) in totals.items() if m),
        key=lambda r: (-r[1], -r[1] / r[2], r[0]),
    )[:limit]
    out = []
    for key, misses, answered in ranked:
        question = evaluations.card_for(db.session.get(ScorecardVersion, newest[key])).question(key)
        out.append(
            {
                "key": key,
                "text": question.text,
                "guidance": question.guidance,
                "missed": misses,
                "answered": answered,
                "rate": misses / answered,
            }
        )
    return out


def coaching_effectiveness(session: CoachingSession) -> list[dict[str, Any]]:
    """Per focus question, the agent's pass rate (answered, non-N/A answers
    earning full points, over such answers) in evaluations of interactions
    before the session day and after it (the session day itself is neither)."""
    day = datetime.combine(session.held_on, datetime.min.time(), UTC)
    next_day = day + timedelta(days=1)
    period = case(
        (Interaction.started_at < day, literal_column("'before'")),
        (Interaction.started_at >= next_day, literal_column("'after'")),
        else_=literal_column("'day'"),
    ).label("period")
    passed = func.sum(case((Answer.earned >= Answer.possible, 1), else_=0))
    keys = list(session.focus_questions or [])
    rows = db.session.execute(
        db.select(Answer.question_key, period, passed, func.count())
        .join(Evaluation, Evaluation.id == Answer.evaluation_id)
        .join(Interaction, Interaction.id == Evaluation.interaction_id)
        .where(
            Evaluation.counted,
            Evaluation.agent_id == session.agent_id,
            Answer.question_key.in_(keys),
            Answer.possible.is_not(None),
        )
        .group_by(Answer.question_key, period)
    ).all()
    found = {(k, p): (int(ok or 0), int(n)) for k, p, ok, n in rows}
    texts = _question_texts(session)
    out = []
    for key in keys:
        before = found.get((key, "before"), (0, 0))
        after = found.get((key, "after"), (0, 0))
        b_rate, a_rate = _rate(*before), _rate(*after)
        out.append(
            {
                "key": key,
                "text": texts.get(key, key),
                "before_passed": before[0],
                "before_answered": before[1],
                "before_rate": b_rate,
                "after_passed": after[0],
                "after_answered": after[1],
                "after_rate": a_rate,
                "change": None if b_rate is None or a_rate is None else a_rate - b_rate,
            }
        )
    return out


def _question_texts(session: CoachingSession) -> dict[str, str]:
    texts: dict[str, str] = {}
    versions = {e.scorecard_version_id: e.scorecard_version for e in session.evaluations}
    for version in versions.values():
        for q in evaluations.card_for(version).questions():
            texts.setdefault(q.key, q.text)
    return texts


def dispute_rates_by_reviewer() -> list[dict[str, Any]]:
    """Per reviewer: evaluations, disputed evaluations (dispute rate), resolved
    disputes and how many were (partly) overturned (overturn rate)."""
    scored = dict(
        db.session.execute(
            db.select(Evaluation.reviewer_id, func.count())
            .where(Evaluation.counted)
            .group_by(Evaluation.reviewer_id)
        ).all()
    )
    resolved = case((Dispute.status == "resolved", 1), else_=0)
    overturned = case((Dispute.outcome.in_(("overturned", "partly_overturned")), 1), else_=0)
    disputed = {
        reviewer: (int(n), int(r or 0), int(o or 0))
        for reviewer, n, r, o in db.session.execute(
            db.select(
                Evaluation.reviewer_id,
                func.count(func.distinct(Dispute.evaluation_id)),
                func.sum(resolved),
                func.sum(overturned),
            )
            .join(Evaluation, Evaluation.id == Dispute.evaluation_id)
            .where(Evaluation.counted, Dispute.status.in_(RAISED))
            .group_by(Evaluation.reviewer_id)
        )
    }
    names = dict(
        db.session.execute(db.select(User.id, User.name).where(User.id.in_(list(scored)))).all()
    )
    rows = []
    for reviewer_id, count in scored.items():
        n, r, o = disputed.get(reviewer_id, (0, 0, 0))
        rows.append(
            {
                "reviewer_id": reviewer_id,
                "reviewer": names.get(reviewer_id, "?"),
                "evaluations": count,
                "disputed": n,
                "dispute_rate": _rate(n, count),
                "resolved": r,
                "overturned": o,
                "overturn_rate": _rate(o, r),
            }
        )
    return sorted(rows, key=lambda row: (-(row["dispute_rate"] or 0), row["reviewer"]))


def dispute_rates_by_question() -> list[dict[str, Any]]:
    """Per question key: scored answers, disputed items (dispute rate), decided
    items and how many were overturned (overturn rate). Whole-evaluation
    disputes name no question and are not counted here."""
    answered = dict(
        db.session.execute(
            db.select(Answer.question_key, func.count())
            .join(Evaluation, Evaluation.id == Answer.evaluation_id)
            .where(Evaluation.counted, Answer.possible.is_not(None))
            .group_by(Answer.question_key)
        ).all()
    )
    decided = case((DisputeItem.decision.is_not(None), 1), else_=0)
    overturned = case((DisputeItem.decision == "overturned", 1), else_=0)
    rows = []
    for key, n, d, o in db.session.execute(
        db.select(DisputeItem.question_key, func.count(), func.sum(decided), func.sum(overturned))
        .join(Dispute, Dispute.id == DisputeItem.dispute_id)
        .join(Evaluation, Evaluation.id == Dispute.evaluation_id)
        .where(
            Evaluation.counted, Dispute.status.in_(RAISED), DisputeItem.question_key.is_not(None)
        )
        .group_by(DisputeItem.question_key)
    ):
        total = answered.get(key, 0)
        rows.append(
            {
                "question_key": key,
                "answers": total,
                "disputed": int(n),
                "dispute_rate": _rate(int(n), total),
                "decided": int(d or 0),
                "overturned": int(o or 0),
                "overturn_rate": _rate(int(o or 0), int(d or 0)),
            }
        )
    return sorted(rows, key=lambda row: (-row["disputed"], row["question_key"]))
