"""Load the generated demo organisation into the database in bulk."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from flask import current_app
from sqlalchemy import func, insert

import scorecards
from qa_app.demo import generator
from qa_app.extensions import db
from qa_app.models import Interaction, Scorecard, ScorecardVersion, Team, User

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


def seed(seed: int = 7, n_interactions: int = 3000, now: datetime | None = None) -> str:
    """Write teams, people and interactions in one transaction; return a summary."""
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
            "meta": item.metadata,
        }
        for item in org.interactions
    ]
    for start in range(0, len(rows), 1000):
        db.session.execute(insert(Interaction), rows[start : start + 1000])
    publisher = users[FEATURED[1][1]]
    cards = _publish_library(publisher)
    db.session.commit()
    return (
        f"Demo organisation seeded (seed {seed}): {len(teams)} teams, "
        f"{len(users)} people, {len(rows)} interactions, {cards} published scorecards."
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
