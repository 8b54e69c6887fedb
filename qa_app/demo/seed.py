"""Load the generated demo organisation into the database in bulk."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, time, timedelta

from flask import current_app
from sqlalchemy import func, insert

import scorecards
from qa_app.demo import activity, generator
from qa_app.extensions import db
from qa_app.flags import services as flag_services
from qa_app.models import (
    Assignment,
    Interaction,
    SamplingRule,
    Scorecard,
    ScorecardVersion,
    Team,
    User,
)
from qa_app.reports import rollups
from qa_app.reviews import evaluations
from qa_app.staff import targets

FEATURED = (
    ("admin", "admin@demo.example"),
    ("executive", "exec@demo.example"),
    ("reviewer", "reviewer@demo.example"),
    ("agent", "agent@demo.example"),
)


def database_is_empty() -> bool:
    return not any(
        db.session.scalar(db.select(func.count()).select_from(model))
        for model in (User, Team, Interaction)
    )


def seed(
    seed: int = 7, n_interactions: int = 3000, now: datetime | None = None, *, models: bool = True
) -> str:
    """Write teams, people and interactions in one transaction, then (``models``) train,
    activate and score the flagging models; return a summary."""
    org = generator.generate_organisation(seed=seed, n_interactions=n_interactions, now=now)
    teams = {t.name: Team(name=t.name) for t in org.teams}
    db.session.add_all(teams.values())
    db.session.flush()

    # Every demo account shares the documented demo password, so one hash
    # serves them all and seeding stays quick.
    template = User(email="x", name="x", role="agent")
    template.set_password(generator.DEMO_PASSWORD, current_app.config["PASSWORD_HASH_METHOD"])
    today = (now or datetime.now(UTC)).date()
    users = {}
    for person in org.people:
        users[person.email] = User(
            email=person.email,
            name=person.name,
            role=person.role,
            team_id=teams[person.team].id if person.team else None,
            password_hash=template.password_hash,
            hired_on=_hired_on(today, person.tenure_months),
        )
    db.session.add_all(users.values())
    db.session.flush()

    rows = [
        {
            "source": "demo",
            "external_id": item.external_id,
            "channel": item.channel,
            "agent_id": users[item.agent_email].id,
            "team_id": teams[item.team].id,
            "started_at": item.started_at,
            "duration_seconds": item.duration_seconds,
            "customer_ref": item.customer_id,
            "transcript": item.turns,
            "csat": item.csat,
            "escalated": item.escalated,
            "topic": item.topic,
            "region": item.region,
            "hold_seconds": item.hold_seconds,
            "wrap_seconds": item.wrap_seconds,
            "transferred": item.transferred,
            "meta": item.metadata,
        }
        for item in org.interactions
    ]
    for start in range(0, len(rows), 1000):
        db.session.execute(insert(Interaction), rows[start : start + 1000])
    publisher = users[FEATURED[1][1]]
    cards = _publish_library(publisher)
    db.session.commit()
    _set_targets(publisher, teams, today)
    reviewed = _simulate_activity(org, users, seed, now or datetime.now(UTC))
    summary = (
        f"Demo organisation seeded (seed {seed}): {len(teams)} teams, "
        f"{len(users)} people, {len(rows)} interactions, {cards} published scorecards, "
        f"{reviewed} evaluations."
    )
    return f"{summary}\n{_flagging(publisher)}" if models else summary


def _flagging(actor: User) -> str:
    """Train a model per flagging target on the demo's labels (the first version of a
    target activates itself) and score every interaction, so the Flagged and Models
    pages work from the first sign-in, with nothing to run by hand. A target whose
    labels are too few (a small demo) is left as a failed version saying why."""
    trained, failed = [], []
    for target in flag_services.TARGETS:
        row = flag_services.train(target, actor=actor)
        (trained if row.status == "ready" else failed).append(f"{target} v{row.version}")
    scored = flag_services.score(all_interactions=True) if trained else 0
    text = f"Flagging models trained and active: {', '.join(trained) or 'none'}"
    text += f"; {scored} interactions scored." if trained else "."
    return text + (f" Not trained (too few labels): {', '.join(failed)}." if failed else "")


def _simulate_activity(org, users: dict[str, User], seed: int, now: datetime) -> int:
    """Past evaluations (about 1 in 10 contacts, older than two days) and a few
    open assignments per reviewer, so every page has something to show."""
    by_name = {
        v.scorecard.name: v for v in db.session.scalars(db.select(ScorecardVersion).join(Scorecard))
    }
    versions = {
        slug: by_name[scorecards.load_library(slug).name]
        for slug in set(activity.CARD_FOR_CHANNEL.values())
    }
    placed = db.select(
        Interaction.external_id,
        Interaction.id,
        Interaction.agent_id,
        Interaction.team_id,
        Interaction.channel,
    ).where(Interaction.source == "demo")
    interactions = {row.external_id: row for row in db.session.execute(placed)}
    skill = {p.email: p.skill or 0.5 for p in org.people}
    reviewers_by_team: dict[str, list[str]] = {}
    for person in org.people:
        if person.role == "reviewer" and person.team:
            reviewers_by_team.setdefault(person.team, []).append(person.email)
    cutoff = now - timedelta(days=2)
    past = [i for i in org.interactions if i.started_at < cutoff]
    recent = [i for i in org.interactions if i.started_at >= now - timedelta(days=7)]
    rng = random.Random(seed)
    plan = activity.plan_reviews(past, reviewers_by_team, share=0.1, seed=seed)
    rollup = rollups.track(db.session, [])  # the evaluations created below, into the roll-ups
    for item, reviewer_email in plan:
        version = versions[activity.CARD_FOR_CHANNEL[item.channel]]
        card = evaluations.card_for(version)
        evaluation = evaluations.new(
            interactions[item.external_id],
            scorecard_version_id=version.id,
            reviewer_id=users[reviewer_email].id,
            status="submitted",
            time_spent_seconds=rng.randint(240, 1100),
            submitted_at=min(now, item.started_at + timedelta(hours=rng.randint(6, 60))),
        )
        evaluation.scorecard_version = version
        db.session.add(evaluation)
        answers = activity.simulated_answers(card, item.quality, skill[item.agent_email], rng)
        evaluations.apply_answers(evaluation, answers)
        rollup.add(evaluation)
    rollup.settle()
    taken = {item.external_id for item, _ in plan}
    open_items = [i for i in recent if i.external_id not in taken]
    rng.shuffle(open_items)
    reviewer_emails = sorted(e for es in reviewers_by_team.values() for e in es)
    for n, item in enumerate(open_items[: 5 * len(reviewer_emails)]):
        version = versions[activity.CARD_FOR_CHANNEL[item.channel]]
        db.session.add(
            Assignment(
                interaction_id=interactions[item.external_id].id,
                scorecard_version_id=version.id,
                reviewer_id=users[reviewer_emails[n % len(reviewer_emails)]].id,
                reason="sampled",
                due_at=now + timedelta(days=rng.randint(-1, 4)),
            )
        )
    _review_cycle(versions, users, reviewer_emails, now)
    db.session.commit()
    return len(plan)


def _review_cycle(versions, users: dict[str, User], reviewer_emails: list[str], now) -> None:
    """A weekly review cycle on the call scorecard (Mondays 06:00 UTC, 4 calls per
    agent, unfinished work carried over), each reviewer aiming at 40 evaluations a
    week: the rule page shows its schedule and the reviewers' homes their goal."""
    card_id = versions[activity.CARD_FOR_CHANNEL["call"]].scorecard_id
    reviewer_ids = [users[e].id for e in reviewer_emails]
    db.session.add(
        SamplingRule(
            name="Weekly calls",
            scorecard_id=card_id,
            per_agent=4,
            filters={"channel": "call"},
            reviewer_ids=reviewer_ids,
            recurrence="weekly",
            run_at=time(6, 0),
            time_zone="UTC",
            cycle_since=now,
            carry_over=True,
            reviewer_goals={str(r): 40 for r in reviewer_ids},
            created_by_id=users[FEATURED[1][1]].id,
        )
    )


# What the demo's executive expects (rates as fractions, handle time in seconds).
DEMO_TARGETS = {
    "csat_mean": 4.0,
    "csat_top2": 0.75,
    "fcr": 0.75,
    "aht": 480.0,
    "escalation_rate": 0.12,
    "transfer_rate": 0.08,
    "qa_score": 80.0,
}


def _set_targets(executive: User, teams: dict[str, Team], today: date) -> None:
    """All-teams targets from the start of last year, and one team's own handle
    time target from 90 days ago (harder faults take longer), so the history
    page and the target in force per period both have something to show."""
    since = date(today.year - 1, 1, 1)
    for metric, value in DEMO_TARGETS.items():
        targets.set_target(executive, metric, value, since)
    technical = teams.get("Technical Support")
    if technical is not None:
        targets.set_target(
            executive, "aht", 600.0, today - timedelta(days=90), team_id=technical.id
        )


def _publish_library(publisher: User) -> int:
    """Every library scorecard, published as version 1, ready for reviews."""
    library = scorecards.list_library()
    for slug, _name, _channel in library:
        definition = scorecards.to_dict(scorecards.load_library(slug))
        card = Scorecard(
            name=definition["name"],
            channel=definition["channel"],
            description=definition.get("description", ""),
            status="published",
            created_by_id=publisher.id,
        )
        db.session.add(card)
        db.session.flush()
        db.session.add(
            ScorecardVersion(
                scorecard_id=card.id, number=1, definition=definition, published_by_id=publisher.id
            )
        )
    return len(library)


def _hired_on(today: date, tenure_months: int | None) -> date | None:
    if tenure_months is None:
        return None
    return today - timedelta(days=round(tenure_months * 30.4))


def sign_in_text() -> str:
    lines = [f"Demo sign-ins (password for all: {generator.DEMO_PASSWORD}):"]
    lines += [f"  {role:<10} {email}" for role, email in FEATURED]
    return "\n".join(lines)
